/* SPDX-License-Identifier: Apache-2.0 */
/* Global options (--platform, --sysroot) and opening a context for live commands. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

struct cli_global cli_global = { CCT_PLATFORM_AUTO, NULL };

int cli_open_ctx(const char *cmd, cct_context **out)
{
    struct cct_open_options o = CCT_OPEN_OPTIONS_INIT;
    struct cct_error err;
    cct_error_clear(&err);
    o.platform = cli_global.platform;
    o.sysroot = cli_global.sysroot;
    int r = cct_open(&o, out, &err);
    if (r < 0) {
        cli_error(cmd, &err);
        if (r == CCT_EUNSUPPORTED) {
            return EXIT_ENV;
        }
        return cli_exit_for(r) == EXIT_USAGE ? EXIT_USAGE : EXIT_ENV;
    }
    return EXIT_OK;
}

int cli_ctx_fail(const char *cmd, cct_context *ctx, int code)
{
    cli_error(cmd, cct_context_error(ctx));
    if (code == CCT_EUNSUPPORTED || code == CCT_EPERM || code == CCT_ENOTFOUND || code == CCT_EIO) {
        return EXIT_ENV;
    }
    return cli_exit_for(code);
}

int cli_parse_hex(const char *s, uint8_t *out, size_t max, size_t *len)
{
    size_t n = strlen(s);
    if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        s += 2;
        n -= 2;
    }
    if (n % 2 != 0 || n / 2 > max) {
        return -1;
    }
    for (size_t i = 0; i < n / 2; i++) {
        unsigned v = 0;
        for (size_t k = 0; k < 2; k++) {
            char c = s[2 * i + k];
            unsigned d = (c >= '0' && c <= '9')   ? (unsigned)(c - '0')
                         : (c >= 'a' && c <= 'f') ? (unsigned)(c - 'a' + 10)
                         : (c >= 'A' && c <= 'F') ? (unsigned)(c - 'A' + 10)
                                                  : 16u;
            if (d > 15) {
                return -1;
            }
            v = v * 16 + d;
        }
        out[i] = (uint8_t)v;
    }
    *len = n / 2;
    return 0;
}

void cli_hex(FILE *f, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        fprintf(f, "%02x", p[i]);
    }
}

static int global_value(int argc, char **argv, int *i, const char *name, const char **val)
{
    size_t n = strlen(name);
    if (strncmp(argv[*i], name, n) != 0) {
        return 0;
    }
    if (argv[*i][n] == '=') {
        *val = argv[*i] + n + 1;
        return 1;
    }
    if (argv[*i][n] != '\0') {
        return 0;
    }
    if (*i + 1 >= argc) {
        fprintf(stderr, "cctrusted: %s needs a value\n", name);
        return -1;
    }
    *val = argv[++*i];
    return 1;
}

int cli_global_options(int argc, char **argv, int *first)
{
    int i = 1;
    /* The TSS logs its own errors to stderr; our messages carry the TPM rc. */
    setenv("TSS2_LOG", "all+none", 0);
    while (i < argc && strncmp(argv[i], "--", 2) == 0) {
        const char *v = NULL;
        int k = global_value(argc, argv, &i, "--platform", &v);
        if (k == 1) {
            if (cct_platform_from_name(v, &cli_global.platform) < 0 ||
                cli_global.platform == CCT_PLATFORM_NONE) {
                fprintf(stderr,
                        "cctrusted: unknown platform '%s' (auto, tdx, tpm, snp, cca, sim)\n", v);
                return EXIT_USAGE;
            }
        } else if (k == 0 && (k = global_value(argc, argv, &i, "--sysroot", &v)) == 1) {
            cli_global.sysroot = v;
        }
        if (k < 0) {
            return EXIT_USAGE;
        }
        if (k == 0) {
            break; /* --help and friends are handled by main */
        }
        i++;
    }
    *first = i;
    return -1;
}
