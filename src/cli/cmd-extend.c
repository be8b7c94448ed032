/* SPDX-License-Identifier: Apache-2.0 */
/* cctrusted extend: extend a live register with a digest, or with the hash of a string. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void usage(FILE *f)
{
    fprintf(
        f,
        "usage: cctrusted [--platform P] extend --index N (--digest HEX | --data STRING) [--json]\n"
        "  --digest HEX   digest of the platform's default algorithm size\n"
        "  --data STRING  extend H(STRING) with the default algorithm (no trailing newline)\n");
}

static void show(const char *label, const struct cct_measurement *m, int json)
{
    if (json) {
        printf(",\"%s\":", label);
        cli_json_hex(stdout, m->digest, m->size);
    } else {
        printf("%-7s ", label);
        cli_hex(stdout, m->digest, m->size);
        printf("\n");
    }
}

static void print_result(cct_context *ctx, uint32_t index, uint16_t alg, const uint8_t *digest,
                         size_t dlen, const struct cct_measurement *before,
                         const struct cct_measurement *after, int json)
{
    if (json) {
        printf("{\"platform\":\"%s\",\"index\":%u,\"register\":\"%s\",\"alg\":\"%s\",\"digest\":",
               cct_platform_name(cct_context_platform(ctx)), index,
               after->kind == CCT_REG_RTMR ? "rtmr" : "pcr", cct_alg_name(alg));
        cli_json_hex(stdout, digest, dlen);
    } else {
        printf("extended %s%u (%s) with ", cli_reg_prefix(after->kind), index, cct_alg_name(alg));
        cli_hex(stdout, digest, dlen);
        printf("\n");
    }
    show("before", before, json);
    show("after", after, json);
    if (json) {
        printf("}\n");
    }
}

int cmd_extend(int argc, char **argv)
{
    static const struct option opts[] = {
        { "json", no_argument, NULL, 'j' },         { "index", required_argument, NULL, 'i' },
        { "digest", required_argument, NULL, 'D' }, { "data", required_argument, NULL, 'd' },
        { "help", no_argument, NULL, 'h' },         { NULL, 0, NULL, 0 },
    };
    int json = 0, c, have_index = 0;
    uint64_t index = 0;
    const char *digest_hex = NULL, *data = NULL;
    optind = 1;
    while ((c = getopt_long(argc, argv, "ji:D:d:h", opts, NULL)) != -1) {
        switch (c) {
        case 'j': json = 1; break;
        case 'i':
            if (!cli_parse_index("extend", optarg, &index)) {
                return EXIT_USAGE;
            }
            have_index = 1;
            break;
        case 'D': digest_hex = optarg; break;
        case 'd': data = optarg; break;
        case 'h': usage(stdout); return EXIT_OK;
        default: usage(stderr); return EXIT_USAGE;
        }
    }
    if (optind != argc || !have_index || (digest_hex == NULL) == (data == NULL)) {
        usage(stderr);
        return EXIT_USAGE;
    }
    cct_context *ctx = NULL;
    int rc = cli_open_ctx("extend", &ctx);
    if (rc != EXIT_OK) {
        return rc;
    }
    uint16_t alg = 0;
    uint8_t digest[CCT_MAX_DIGEST_SIZE];
    size_t dlen = 0;
    struct cct_measurement before, after;
    int r = cct_get_default_algorithm(ctx, &alg);
    if (r < 0) {
        rc = cli_ctx_fail("extend", ctx, r);
        goto out;
    }
    if (digest_hex != NULL && (cli_parse_hex(digest_hex, digest, sizeof(digest), &dlen) < 0 ||
                               dlen != cct_alg_digest_size(alg))) {
        fprintf(stderr, "cctrusted extend: --digest needs %zu bytes of hex (%s)\n",
                cct_alg_digest_size(alg), cct_alg_name(alg));
        rc = EXIT_USAGE;
        goto out;
    }
    r = cct_get_measurement(ctx, (uint32_t)index, alg, &before);
    if (r == 0 && digest_hex != NULL) {
        r = cct_extend(ctx, (uint32_t)index, digest, dlen, NULL, 0);
    } else if (r == 0) {
        r = cct_extend_data(ctx, (uint32_t)index, (const uint8_t *)data, strlen(data), digest,
                            &dlen);
    }
    if (r == 0) {
        r = cct_get_measurement(ctx, (uint32_t)index, alg, &after);
    }
    if (r < 0) {
        rc = cli_ctx_fail("extend", ctx, r);
        goto out;
    }
    print_result(ctx, (uint32_t)index, alg, digest, dlen, &before, &after, json);
out:
    cct_close(ctx);
    return rc;
}
