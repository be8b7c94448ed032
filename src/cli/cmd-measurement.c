/* SPDX-License-Identifier: Apache-2.0 */
/* cctrusted measurement: read live registers (every register of every bank by default). */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: cctrusted [--platform P] measurement [--index N] [--alg A] [--json]\n"
               "  --index N  one register (default: all)\n"
               "  --alg A    one bank, e.g. sha256 (default: every bank the platform has)\n");
}

static const char *kind_name(enum cct_reg_kind k)
{
    switch (k) {
    case CCT_REG_RTMR: return "rtmr";
    case CCT_REG_MRTD: return "mrtd";
    default: return "pcr";
    }
}

int cmd_measurement(int argc, char **argv)
{
    static const struct option opts[] = {
        { "json", no_argument, NULL, 'j' },
        { "index", required_argument, NULL, 'i' },
        { "alg", required_argument, NULL, 'a' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    static const uint16_t algs[] = { CCT_ALG_SHA1, CCT_ALG_SHA256, CCT_ALG_SHA384, CCT_ALG_SHA512,
                                     CCT_ALG_SM3_256 };
    int json = 0, c, have_index = 0;
    uint64_t index = 0;
    uint16_t alg = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "ji:a:h", opts, NULL)) != -1) {
        switch (c) {
        case 'j': json = 1; break;
        case 'i':
            if (!cli_parse_index("measurement", optarg, &index)) {
                return EXIT_USAGE;
            }
            have_index = 1;
            break;
        case 'a':
            alg = cct_alg_from_name(optarg);
            if (alg == CCT_ALG_ERROR) {
                fprintf(stderr, "cctrusted measurement: unknown algorithm '%s'\n", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'h': usage(stdout); return EXIT_OK;
        default: usage(stderr); return EXIT_USAGE;
        }
    }
    if (optind != argc) {
        usage(stderr);
        return EXIT_USAGE;
    }
    cct_context *ctx = NULL;
    int rc = cli_open_ctx("measurement", &ctx);
    if (rc != EXIT_OK) {
        return rc;
    }
    uint16_t def = 0;
    uint32_t count = 0;
    int r = cct_get_default_algorithm(ctx, &def);
    if (r == 0) {
        r = cct_get_measurement_count(ctx, &count);
    }
    if (r < 0) {
        rc = cli_ctx_fail("measurement", ctx, r);
        cct_close(ctx);
        return rc;
    }
    if (have_index && index >= count) {
        fprintf(stderr, "cctrusted measurement: register %llu does not exist (0-%u)\n",
                (unsigned long long)index, count - 1);
        cct_close(ctx);
        return EXIT_USAGE;
    }
    if (json) {
        printf("{\"platform\":\"%s\",\"default_algorithm\":\"%s\",\"registers\":[",
               cct_platform_name(cct_context_platform(ctx)), cct_alg_name(def));
    }
    size_t shown = 0;
    for (size_t a = 0; a < sizeof(algs) / sizeof(algs[0]) && rc == EXIT_OK; a++) {
        if (alg != 0 && algs[a] != alg) {
            continue;
        }
        for (uint32_t i = have_index ? (uint32_t)index : 0; i < (have_index ? (uint32_t)index + 1 : count);
             i++) {
            struct cct_measurement m;
            r = cct_get_measurement(ctx, i, algs[a], &m);
            if (r == CCT_ENOTFOUND && alg == 0) {
                break; /* bank not present on this platform */
            }
            if (r < 0) {
                /* A bank asked for by name that the platform lacks is a usage error. */
                if (r == CCT_ENOTFOUND) {
                    cli_error("measurement", cct_context_error(ctx));
                    rc = EXIT_USAGE;
                } else {
                    rc = cli_ctx_fail("measurement", ctx, r);
                }
                break;
            }
            if (json) {
                printf("%s\n  {\"index\":%u,\"register\":\"%s\",\"alg\":\"%s\",\"digest\":", shown ? "," : "",
                       m.index, kind_name(m.kind), cct_alg_name(m.alg));
                cli_json_hex(stdout, m.digest, m.size);
                printf("}");
            } else {
                char name[16];
                snprintf(name, sizeof(name), "%s%u", cli_reg_prefix(m.kind), m.index);
                printf("%-7s %-7s ", name, cct_alg_name(m.alg));
                cli_hex(stdout, m.digest, m.size);
                printf("\n");
            }
            shown++;
        }
    }
    if (json) {
        printf("\n]}\n");
    }
    if (rc == EXIT_OK && shown == 0) {
        fprintf(stderr, "cctrusted measurement: no register matched\n");
        rc = EXIT_USAGE;
    }
    cct_close(ctx);
    return rc;
}
