/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cctrusted collateral fetch QUOTE / cctrusted vcek fetch REPORT: get what
 * `verify --collateral` / `verify --certs` take from Intel PCS (or a PCCS) or
 * the AMD KDS. The URLs, the verification of every document and the cache
 * are the library's (cct_tdx_collateral_fetch, cct_snp_vcek_fetch).
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <cctrusted/collateral.h>
#include <cctrusted/verify.h>

#include "cli.h"

#define MAX_EVIDENCE (1u << 20)

static void usage(FILE *f, const char *cmd)
{
    bool tdx = strcmp(cmd, "collateral") == 0;
    fprintf(f,
            "usage: cctrusted %s fetch [--json] %s [--out FILE] [--url BASE] [--cache DIR]\n"
            "         [--timeout SEC] [--connect-timeout SEC] [--retries N] [--max-size BYTES]\n"
            "         [--root PEM|DER] [--at TIME] [--dry-run]%s\n"
            "  --out FILE         write %s (default: stdout)\n"
            "  --url BASE         %s base URL (default %s)\n"
            "%s"
            "  --cache DIR        reuse documents while current (nextUpdate / notAfter)\n"
            "  --timeout SEC      whole transfer per attempt (default 30)\n"
            "  --connect-timeout SEC  connection per attempt (default 5)\n"
            "  --retries N        further attempts after a transport error, 5xx or 429 "
            "(default 2, at most 5)\n"
            "  --max-size BYTES   largest response (default 1048576)\n"
            "  --root FILE        trust anchor replacing the built-in root\n"
            "  --at TIME          judge validity at YYYY-MM-DD[THH:MM:SSZ] or @SECONDS\n"
            "  --dry-run          print the URLs, fetch nothing\n"
            "Every document is verified before it is written or cached; one that does not\n"
            "verify is refused.\n"
            "exit: 0 fetched, 2 refused (does not verify) or bad evidence, 1 usage, "
            "3 network/HTTP\n",
            cmd, tdx ? "QUOTE" : "REPORT", tdx ? "" : " [--product NAME]",
            tdx ? "QuoteCollateralV3 JSON, verify's collateral file"
                : "VCEK + ASK + ARK as PEM, verify's certificates",
            tdx ? "Intel PCS or PCCS" : "AMD KDS", tdx ? CCT_PCS_DEFAULT_URL : CCT_KDS_DEFAULT_URL,
            tdx ? "  --root-crl-url URL Intel SGX Root CA CRL (default: the PCS CRL distribution\n"
                  "                     point, or BASE/sgx/certification/v4/rootcacrl with --url)\n"
                : "  --product NAME     KDS product (Milan, Genoa, Turin; default: from the "
                  "report)\n");
}

struct fetch_args {
    bool json, dry_run;
    const char *input, *out, *root;
    struct cct_fetch_options o;
};

static bool seconds_ms(const char *opt, const char *arg, long *ms)
{
    uint64_t v;
    if (!cli_parse_u64(arg, &v) || v == 0 || v > 3600) {
        fprintf(stderr, "cctrusted: %s: seconds from 1 to 3600, not '%s'\n", opt, arg);
        return false;
    }
    *ms = (long)v * 1000L;
    return true;
}

static int parse(int argc, char **argv, const char *cmd, struct fetch_args *a)
{
    static const struct option longopts[] = {
        { "json", no_argument, NULL, 'j' },
        { "out", required_argument, NULL, 'o' },
        { "url", required_argument, NULL, 'u' },
        { "root-crl-url", required_argument, NULL, 'R' },
        { "product", required_argument, NULL, 'p' },
        { "cache", required_argument, NULL, 'c' },
        { "timeout", required_argument, NULL, 't' },
        { "connect-timeout", required_argument, NULL, 'T' },
        { "retries", required_argument, NULL, 'n' },
        { "max-size", required_argument, NULL, 'm' },
        { "root", required_argument, NULL, 'r' },
        { "at", required_argument, NULL, 'a' },
        { "dry-run", no_argument, NULL, 'd' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    bool tdx = strcmp(cmd, "collateral") == 0;
    uint64_t v;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "jo:u:c:t:T:n:m:r:a:dh", longopts, NULL)) != -1) {
        switch (c) {
        case 'j': a->json = true; break;
        case 'o': a->out = optarg; break;
        case 'u': a->o.base_url = optarg; break;
        case 'c': a->o.cache_dir = optarg; break;
        case 'r': a->root = optarg; break;
        case 'd': a->dry_run = true; break;
        case 'R':
        case 'p':
            if ((c == 'R') != tdx) {
                fprintf(stderr, "cctrusted %s fetch: --%s does not apply\n", cmd,
                        c == 'R' ? "root-crl-url" : "product");
                return EXIT_USAGE;
            }
            if (c == 'R') {
                a->o.root_crl_url = optarg;
            } else {
                a->o.product = optarg;
            }
            break;
        case 't':
        case 'T':
            if (!seconds_ms(c == 't' ? "--timeout" : "--connect-timeout", optarg,
                            c == 't' ? &a->o.timeout_ms : &a->o.connect_timeout_ms)) {
                return EXIT_USAGE;
            }
            break;
        case 'n':
            if (!cli_parse_u64(optarg, &v) || v > 5) {
                fprintf(stderr, "cctrusted: --retries: 0 to 5, not '%s'\n", optarg);
                return EXIT_USAGE;
            }
            a->o.retries = (unsigned)v;
            break;
        case 'm':
            if (!cli_parse_u64(optarg, &v) || v == 0 || v > (16u << 20)) {
                fprintf(stderr, "cctrusted: --max-size: 1 to 16777216 bytes, not '%s'\n", optarg);
                return EXIT_USAGE;
            }
            a->o.max_size = (size_t)v;
            break;
        case 'a':
            if (cct_parse_time(optarg, &a->o.at) < 0) {
                fprintf(stderr, "cctrusted: --at: cannot parse time '%s'\n", optarg);
                return EXIT_USAGE;
            }
            a->o.have_at = 1;
            break;
        case 'h': usage(stdout, cmd); return EXIT_OK;
        default: usage(stderr, cmd); return EXIT_USAGE;
        }
    }
    if (optind + 1 != argc) {
        usage(stderr, cmd);
        return EXIT_USAGE;
    }
    a->input = argv[optind];
    return -1;
}

static void print_requests(const struct cct_fetch_result *r, bool json, bool to_stdout,
                           const char *out)
{
    FILE *f = json || to_stdout ? stdout : stderr;
    if (!json) {
        for (size_t i = 0; i < r->n; i++) {
            const struct cct_fetch_request *q = &r->req[i];
            fprintf(f, "%-16s %s", q->what, q->url);
            if (q->from_cache) {
                fputs(" (cache)", f);
            } else if (q->attempts > 0) {
                fprintf(f, " (HTTP %ld, %u attempt%s)", q->http_status, q->attempts,
                        q->attempts == 1 ? "" : "s");
            }
            fputc('\n', f);
        }
        if (r->note[0] != '\0') {
            fprintf(f, "note: %s\n", r->note);
        }
        if (out != NULL) {
            fprintf(f, "wrote %s\n", out);
        }
        return;
    }
    fputs("{\"requests\":[", f);
    for (size_t i = 0; i < r->n; i++) {
        const struct cct_fetch_request *q = &r->req[i];
        fputs(i ? ",{\"what\":" : "{\"what\":", f);
        cli_json_str(f, q->what);
        fputs(",\"url\":", f);
        cli_json_str(f, q->url);
        fprintf(f,
                ",\"http_status\":%ld,\"attempts\":%u,\"from_cache\":%s,\"fresh_until\":%" PRId64
                "}",
                q->http_status, q->attempts, q->from_cache ? "true" : "false", q->fresh_until);
    }
    fputs("]", f);
    if (r->note[0] != '\0') {
        fputs(",\"note\":", f);
        cli_json_str(f, r->note);
    }
    if (out != NULL) {
        fputs(",\"file\":", f);
        cli_json_str(f, out);
    }
    fputs("}\n", f);
}

static int write_out(const char *path, const uint8_t *p, size_t n)
{
    FILE *f = path != NULL ? fopen(path, "wbe") : stdout;
    if (f == NULL) {
        perror(path);
        return EXIT_ENV;
    }
    bool ok = fwrite(p, 1, n, f) == n;
    ok = (path != NULL ? fclose(f) : fflush(f)) == 0 && ok;
    if (!ok) {
        fprintf(stderr, "cctrusted: %s: write failed\n", path != NULL ? path : "stdout");
        return EXIT_ENV;
    }
    return EXIT_OK;
}

static int run(int argc, char **argv, const char *cmd)
{
    struct fetch_args a;
    memset(&a, 0, sizeof(a));
    cct_fetch_options_init(&a.o);
    if (argc < 2 || strcmp(argv[1], "fetch") != 0) {
        if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
            usage(stdout, cmd);
            return EXIT_OK;
        }
        usage(stderr, cmd);
        return EXIT_USAGE;
    }
    int rc = parse(argc - 1, argv + 1, cmd, &a);
    if (rc >= 0) {
        return rc;
    }
    if (a.json && a.out == NULL && !a.dry_run) {
        fprintf(stderr,
                "cctrusted %s fetch: --json needs --out FILE (stdout carries the "
                "report of what was fetched)\n",
                cmd);
        return EXIT_USAGE;
    }
    uint8_t *ev = NULL, *root = NULL;
    size_t ev_len = 0, root_len = 0;
    if ((rc = cli_slurp(a.input, MAX_EVIDENCE, &ev, &ev_len)) != 0 ||
        (a.root != NULL && (rc = cli_slurp(a.root, MAX_EVIDENCE, &root, &root_len)) != 0)) {
        free(ev);
        return rc;
    }
    a.o.root = root;
    a.o.root_len = root_len;
    struct cct_fetch_result r;
    struct cct_error err;
    cct_error_clear(&err);
    bool tdx = strcmp(cmd, "collateral") == 0;
    int lr;
    if (a.dry_run) {
        lr = cct_collateral_urls(ev, ev_len, &a.o, &r, &err);
    } else if (tdx) {
        lr = cct_tdx_collateral_fetch(ev, ev_len, &a.o, &r, &err);
    } else {
        lr = cct_snp_vcek_fetch(ev, ev_len, &a.o, &r, &err);
    }
    if (lr < 0) {
        cli_error(a.input, &err);
        rc = cli_exit_for(lr);
        if (lr == CCT_ELIMIT || (lr == CCT_EUNSUPPORTED && !a.dry_run && !cct_have_fetch())) {
            rc = EXIT_ENV;
        }
    } else {
        rc = a.dry_run ? EXIT_OK : write_out(a.out, r.data, r.len);
        if (rc == EXIT_OK && (a.json || a.out != NULL || a.dry_run)) {
            print_requests(&r, a.json, a.dry_run, a.out);
        }
    }
    cct_fetch_result_free(&r);
    free(ev);
    free(root);
    return rc;
}

int cmd_collateral(int argc, char **argv)
{
    return run(argc, argv, "collateral");
}

int cmd_vcek(int argc, char **argv)
{
    return run(argc, argv, "vcek");
}
