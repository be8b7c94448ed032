/* SPDX-License-Identifier: Apache-2.0 */
/* cctrusted info: which platform, why, what detection looked at, and what the platform offers. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void usage(FILE *f)
{
    fprintf(
        f,
        "usage: cctrusted [--platform P] [--sysroot DIR] info [--json]\n"
        "  detects the platform (or opens the one given with --platform) and lists every probe\n");
}

static void print_probes(const struct cct_detection *d, int json)
{
    for (size_t i = 0; i < d->n_probes; i++) {
        const struct cct_probe *p = &d->probes[i];
        if (json) {
            printf("%s\n    {\"platform\":\"%s\",\"what\":", i ? "," : "",
                   cct_platform_name(p->platform));
            cli_json_str(stdout, p->what);
            printf(",\"path\":");
            cli_json_str(stdout, p->path);
            printf(",\"found\":%s,\"detail\":", p->found ? "true" : "false");
            cli_json_str(stdout, p->detail);
            printf("}");
        } else {
            printf("  [%s] %-4s %-26s %s%s%s\n", p->found ? "x" : " ",
                   cct_platform_name(p->platform), p->what, p->path, p->path[0] ? ": " : "",
                   p->detail);
        }
    }
}

/* Details of an opened context. Returns an exit code. */
static int describe(cct_context *ctx, int json)
{
    uint16_t alg = 0;
    uint32_t count = 0;
    struct cct_log_source src[CCT_MAX_LOG_SOURCES];
    size_t n = 0;
    int r = cct_get_default_algorithm(ctx, &alg);
    if (r == 0) {
        r = cct_get_measurement_count(ctx, &count);
    }
    if (r == 0) {
        r = cct_get_log_sources(ctx, src, CCT_MAX_LOG_SOURCES, &n);
    }
    uint16_t banks[CCT_MAX_DIGESTS];
    size_t nb = 0;
    if (r == 0) {
        r = cct_get_banks(ctx, 0, banks, CCT_MAX_DIGESTS, &nb);
    }
    if (r < 0) {
        return cli_ctx_fail("info", ctx, r);
    }
    if (json) {
        printf(",\"default_algorithm\":\"%s\",\"measurement_count\":%u,\"banks\":[",
               cct_alg_name(alg), count);
        for (size_t i = 0; i < nb; i++) {
            printf("%s\"%s\"", i ? "," : "", cct_alg_name(banks[i]));
        }
        printf("],\"log_sources\":[");
        for (size_t i = 0; i < n; i++) {
            printf("%s{\"path\":", i ? "," : "");
            cli_json_str(stdout, src[i].path);
            printf(",\"format\":\"%s\",\"role\":", cct_log_format_name(src[i].format));
            cli_json_str(stdout, src[i].role);
            printf("}");
        }
        printf("]");
    } else {
        printf("default algorithm: %s\nregisters: %u\nbanks:", cct_alg_name(alg), count);
        for (size_t i = 0; i < nb; i++) {
            printf(" %s", cct_alg_name(banks[i]));
        }
        printf("\nlog sources:%s\n", n ? "" : " none");
        for (size_t i = 0; i < n; i++) {
            printf("  %-8s %-8s %s\n", src[i].role, cct_log_format_name(src[i].format),
                   src[i].path);
        }
    }
    return EXIT_OK;
}

/* Open the chosen platform and describe it; returns an exit code. */
static int open_and_describe(enum cct_platform target, int json)
{
    cct_context *ctx = NULL;
    struct cct_open_options oo = CCT_OPEN_OPTIONS_INIT;
    struct cct_error err;
    cct_error_clear(&err);
    oo.platform = target;
    oo.sysroot = cli_global.sysroot;
    int r = cct_open(&oo, &ctx, &err);
    if (r < 0) {
        int rc = r == CCT_EINVAL ? EXIT_USAGE : EXIT_ENV;
        cli_error("info", &err);
        if (json) {
            printf(",\"open\":false");
            cli_json_error_member(stdout, rc);
            printf("}\n");
        }
        return rc;
    }
    if (json) {
        printf(",\"open\":true");
    }
    int rc = describe(ctx, json);
    if (json) {
        printf("}\n");
    }
    cct_close(ctx);
    return rc;
}

int cmd_info(int argc, char **argv)
{
    static const struct option opts[] = {
        { "json", no_argument, NULL, 'j' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int json = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
        switch (c) {
        case 'j': json = 1; break;
        case 'h': usage(stdout); return EXIT_OK;
        default: usage(stderr); return EXIT_USAGE;
        }
    }
    if (optind != argc) {
        usage(stderr);
        return EXIT_USAGE;
    }
    struct cct_open_options o = CCT_OPEN_OPTIONS_INIT;
    o.sysroot = cli_global.sysroot;
    struct cct_detection *d = calloc(1, sizeof(*d));
    if (d == NULL) {
        return EXIT_ENV;
    }
    if (cct_detect(&o, d) < 0) {
        free(d);
        fprintf(stderr, "cctrusted info: detection failed\n");
        return EXIT_ENV;
    }
    enum cct_platform target =
        cli_global.platform != CCT_PLATFORM_AUTO ? cli_global.platform : d->chosen;
    const char *why =
        cli_global.platform != CCT_PLATFORM_AUTO ? "selected with --platform" : d->reason;
    if (json) {
        printf("{\"detected\":\"%s\",\"reason\":", cct_platform_name(d->chosen));
        cli_json_str(stdout, d->reason);
        printf(",\"probes\":[");
        print_probes(d, 1);
        printf("\n  ],\"platform\":\"%s\",\"why\":", cct_platform_name(target));
        cli_json_str(stdout, why);
    } else {
        printf("platform: %s (%s)\n", cct_platform_name(target), why);
        if (cli_global.platform != CCT_PLATFORM_AUTO) {
            printf("detection would choose: %s (%s)\n", cct_platform_name(d->chosen), d->reason);
        }
        printf("checked:\n");
        print_probes(d, 0);
    }
    if (target == CCT_PLATFORM_NONE) {
        if (json) {
            printf(",\"open\":false}\n");
        }
        fprintf(stderr, "cctrusted info: %s\n", d->reason);
        free(d);
        return EXIT_ENV;
    }
    free(d);
    return open_and_describe(target, json);
}
