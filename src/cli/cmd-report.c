/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cctrusted report: a quote/report bound to REPORTDATA = SHA-512(nonce || data).
 * --out FILE writes the report; the auxiliary bytes go to FILE.sig (TPM
 * TPMT_SIGNATURE) or FILE.aux (others), the signer's key to FILE.ak (TPM
 * TPMT_PUBLIC) or FILE.key.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define MAX_INPUT 4096

static void usage(FILE *f)
{
    fprintf(
        f,
        "usage: cctrusted [--platform P] report [--nonce HEX] [--data HEX] [--out FILE] [--json]\n"
        "  REPORTDATA = SHA-512(nonce || data); a TPM quotes the first 64 (or 32) bytes of it\n"
        "  --out FILE  write the report to FILE (TPM: also FILE.sig and FILE.ak)\n");
}

static int write_file(const char *path, const uint8_t *p, size_t n)
{
    FILE *f = fopen(path, "wbe");
    if (f == NULL || (n > 0 && fwrite(p, 1, n, f) != n)) {
        fprintf(stderr, "cctrusted report: cannot write %s: %s\n", path, strerror(errno));
        if (f) {
            fclose(f);
        }
        return EXIT_ENV;
    }
    if (fclose(f) != 0) {
        fprintf(stderr, "cctrusted report: cannot write %s: %s\n", path, strerror(errno));
        return EXIT_ENV;
    }
    return EXIT_OK;
}

static int write_with_suffix(const char *base, const char *suffix, const uint8_t *p, size_t n,
                             char *name, size_t len)
{
    if (snprintf(name, len, "%s%s", base, suffix) >= (int)len) {
        fprintf(stderr, "cctrusted report: output path too long\n");
        return EXIT_USAGE;
    }
    return write_file(name, p, n);
}

/* The pieces of a report and where they were written. */
struct parts {
    const uint8_t *body, *aux, *key, *rd;
    size_t len, aux_len, key_len, rd_len;
    const char *prov, *out;
    int tpm;
    char aux_name[4096], key_name[4096];
};

static int write_outputs(struct parts *p)
{
    int rc = write_file(p->out, p->body, p->len);
    if (rc == EXIT_OK && p->aux != NULL) {
        rc = write_with_suffix(p->out, p->tpm ? ".sig" : ".aux", p->aux, p->aux_len, p->aux_name,
                               sizeof(p->aux_name));
    }
    if (rc == EXIT_OK && p->key != NULL) {
        rc = write_with_suffix(p->out, p->tpm ? ".ak" : ".key", p->key, p->key_len, p->key_name,
                               sizeof(p->key_name));
    }
    return rc;
}

static void print_json(cct_context *ctx, const struct parts *p)
{
    const char *aux_label = p->tpm ? "signature" : "aux", *key_label = p->tpm ? "ak_public" : "key";
    printf("{\"platform\":\"%s\",\"provider\":", cct_platform_name(cct_context_platform(ctx)));
    cli_json_str(stdout, p->prov);
    printf(",\"reportdata\":");
    cli_json_hex(stdout, p->rd, p->rd_len);
    printf(",\"report\":");
    cli_json_hex(stdout, p->body, p->len);
    if (p->aux) {
        printf(",\"%s\":", aux_label);
        cli_json_hex(stdout, p->aux, p->aux_len);
    }
    if (p->key) {
        printf(",\"%s\":", key_label);
        cli_json_hex(stdout, p->key, p->key_len);
    }
    if (p->out) {
        printf(",\"files\":{\"report\":");
        cli_json_str(stdout, p->out);
        if (p->aux_name[0]) {
            printf(",\"%s\":", aux_label);
            cli_json_str(stdout, p->aux_name);
        }
        if (p->key_name[0]) {
            printf(",\"%s\":", key_label);
            cli_json_str(stdout, p->key_name);
        }
        printf("}");
    }
    printf("}\n");
}

static void print_text(const struct parts *p)
{
    printf("provider: %s\nreportdata (%zu bytes): ", p->prov, p->rd_len);
    cli_hex(stdout, p->rd, p->rd_len);
    printf("\nreport: %zu bytes%s%s\n", p->len, p->out ? " -> " : "", p->out ? p->out : "");
    if (p->aux) {
        printf("%s: %zu bytes%s%s\n", p->tpm ? "signature (TPMT_SIGNATURE)" : "aux", p->aux_len,
               p->aux_name[0] ? " -> " : "", p->aux_name);
    }
    if (p->key) {
        printf("%s: %zu bytes%s%s\n", p->tpm ? "AK public (TPMT_PUBLIC)" : "key", p->key_len,
               p->key_name[0] ? " -> " : "", p->key_name);
    }
    if (p->out == NULL) {
        cli_hexdump(stdout, p->body, p->len, "  ");
    }
}

struct args {
    uint8_t nonce[MAX_INPUT], data[MAX_INPUT];
    size_t nonce_len, data_len;
    const char *out;
    int json;
};

static int parse_args(int argc, char **argv, struct args *a)
{
    static const struct option opts[] = {
        { "json", no_argument, NULL, 'j' },       { "nonce", required_argument, NULL, 'n' },
        { "data", required_argument, NULL, 'd' }, { "out", required_argument, NULL, 'o' },
        { "help", no_argument, NULL, 'h' },       { NULL, 0, NULL, 0 },
    };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "jn:d:o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'j': a->json = 1; break;
        case 'n':
            if (cli_parse_hex(optarg, a->nonce, sizeof(a->nonce), &a->nonce_len) < 0) {
                fprintf(stderr, "cctrusted report: --nonce needs hex (at most %d bytes)\n",
                        MAX_INPUT);
                return EXIT_USAGE;
            }
            break;
        case 'd':
            if (cli_parse_hex(optarg, a->data, sizeof(a->data), &a->data_len) < 0) {
                fprintf(stderr, "cctrusted report: --data needs hex (at most %d bytes)\n",
                        MAX_INPUT);
                return EXIT_USAGE;
            }
            break;
        case 'o': a->out = optarg; break;
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

int cmd_report(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "show") == 0) {
        return cmd_report_show(argc, argv);
    }
    static struct args a;
    memset(&a, 0, sizeof(a));
    int rc = parse_args(argc, argv, &a);
    if (rc != EXIT_OK) {
        return rc == -1 ? EXIT_OK : rc;
    }
    cct_context *ctx = NULL;
    rc = cli_open_ctx("report", &ctx);
    if (rc != EXIT_OK) {
        return rc;
    }
    struct cct_report_request req = CCT_REPORT_REQUEST_INIT;
    req.nonce = a.nonce;
    req.nonce_len = a.nonce_len;
    req.user_data = a.data;
    req.user_data_len = a.data_len;
    cct_report *rep = NULL;
    int r = cct_get_report(ctx, &req, &rep);
    if (r < 0) {
        rc = cli_ctx_fail("report", ctx, r);
        cct_close(ctx);
        return rc;
    }
    static struct parts p;
    memset(&p, 0, sizeof(p));
    p.body = cct_report_data(rep, &p.len);
    p.aux = cct_report_aux(rep, &p.aux_len);
    p.key = cct_report_key(rep, &p.key_len);
    p.rd = cct_report_reportdata(rep, &p.rd_len);
    p.prov = cct_report_provider(rep);
    p.tpm = strcmp(p.prov, "tpm") == 0;
    p.out = a.out;
    if (p.out != NULL) {
        rc = write_outputs(&p);
    }
    if (rc == EXIT_OK && a.json) {
        print_json(ctx, &p);
    } else if (rc == EXIT_OK) {
        print_text(&p);
    }
    cct_report_free(rep);
    cct_close(ctx);
    return rc;
}
