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

struct args {
    int json, have_index;
    uint64_t index;
    uint16_t alg;
};

static int parse_args(int argc, char **argv, struct args *a)
{
    static const struct option opts[] = {
        { "json", no_argument, NULL, 'j' },
        { "index", required_argument, NULL, 'i' },
        { "alg", required_argument, NULL, 'a' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "ji:a:h", opts, NULL)) != -1) {
        switch (c) {
        case 'j': a->json = 1; break;
        case 'i':
            if (!cli_parse_index("measurement", optarg, &a->index)) {
                return EXIT_USAGE;
            }
            a->have_index = 1;
            break;
        case 'a':
            a->alg = cct_alg_from_name(optarg);
            if (a->alg == CCT_ALG_ERROR) {
                fprintf(stderr, "cctrusted measurement: unknown algorithm '%s'\n", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'h': usage(stdout); return -1;
        default: usage(stderr); return EXIT_USAGE;
        }
    }
    if (optind != argc) {
        usage(stderr);
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

static void print_one(enum cct_platform p, const struct cct_measurement *m, int json, size_t shown)
{
    if (json) {
        printf("%s\n  {\"index\":%u,\"register\":\"%s\",\"alg\":\"%s\",\"digest\":",
               shown ? "," : "", m->index, kind_name(m->kind), cct_alg_name(m->alg));
        cli_json_hex(stdout, m->digest, m->size);
        printf("}");
    } else {
        char name[24];
        cct_register_name(p, m->kind, m->index, name, sizeof(name));
        printf("%-7s %-7s ", name, cct_alg_name(m->alg));
        cli_hex(stdout, m->digest, m->size);
        printf("\n");
    }
}

/* Every selected register of every selected bank; returns an exit code. */
static int print_all(cct_context *ctx, const struct args *a, uint32_t count, size_t *shown)
{
    uint16_t banks[CCT_MAX_DIGESTS];
    size_t nb = 0;
    uint32_t first = a->have_index ? (uint32_t)a->index : 0,
             end = a->have_index ? first + 1 : count;
    int r = cct_get_banks(ctx, first, banks, CCT_MAX_DIGESTS, &nb);
    if (r == 0 && a->alg != 0) {
        banks[0] = a->alg; /* a bank the platform lacks is reported by the read below */
        nb = 1;
    }
    for (size_t b = 0; r == 0 && b < nb; b++) {
        for (uint32_t i = first; r == 0 && i < end; i++) {
            struct cct_measurement m;
            r = cct_get_measurement(ctx, i, banks[b], &m);
            if (r == 0) {
                print_one(cct_context_platform(ctx), &m, a->json, (*shown)++);
            }
        }
    }
    if (r == CCT_ENOTFOUND) {
        /* A bank asked for by name that the platform lacks is a usage error. */
        cli_error("measurement", cct_context_error(ctx));
        return EXIT_USAGE;
    }
    return r < 0 ? cli_ctx_fail("measurement", ctx, r) : EXIT_OK;
}

int cmd_measurement(int argc, char **argv)
{
    struct args a = { 0, 0, 0, 0 };
    int rc = parse_args(argc, argv, &a);
    if (rc != EXIT_OK) {
        return rc == -1 ? EXIT_OK : rc;
    }
    cct_context *ctx = NULL;
    rc = cli_open_ctx("measurement", &ctx);
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
    } else if (a.have_index && a.index >= count) {
        fprintf(stderr, "cctrusted measurement: register %llu does not exist (0-%u)\n",
                (unsigned long long)a.index, count - 1);
        rc = EXIT_USAGE;
    }
    size_t shown = 0;
    if (rc == EXIT_OK && a.json) {
        printf("{\"platform\":\"%s\",\"default_algorithm\":\"%s\",\"registers\":[",
               cct_platform_name(cct_context_platform(ctx)), cct_alg_name(def));
    }
    if (rc == EXIT_OK) {
        rc = print_all(ctx, &a, count, &shown);
        if (a.json) {
            printf("\n]}\n");
        }
    }
    if (rc == EXIT_OK && shown == 0) {
        fprintf(stderr, "cctrusted measurement: no register matched\n");
        rc = EXIT_USAGE;
    }
    cct_close(ctx);
    return rc;
}
