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
    fprintf(f, "usage: cctrusted [--platform P] report [--nonce HEX] [--data HEX] [--out FILE] [--json]\n"
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

static int write_with_suffix(const char *base, const char *suffix, const uint8_t *p, size_t n, char *name,
                             size_t len)
{
    if (snprintf(name, len, "%s%s", base, suffix) >= (int)len) {
        fprintf(stderr, "cctrusted report: output path too long\n");
        return EXIT_USAGE;
    }
    return write_file(name, p, n);
}

int cmd_report(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "show") == 0) {
        return cmd_report_show(argc, argv);
    }
    static const struct option opts[] = {
        { "json", no_argument, NULL, 'j' },       { "nonce", required_argument, NULL, 'n' },
        { "data", required_argument, NULL, 'd' }, { "out", required_argument, NULL, 'o' },
        { "help", no_argument, NULL, 'h' },       { NULL, 0, NULL, 0 },
    };
    static uint8_t nonce[MAX_INPUT], data[MAX_INPUT];
    size_t nonce_len = 0, data_len = 0;
    const char *out = NULL;
    int json = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "jn:d:o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'j': json = 1; break;
        case 'n':
            if (cli_parse_hex(optarg, nonce, sizeof(nonce), &nonce_len) < 0) {
                fprintf(stderr, "cctrusted report: --nonce needs hex (at most %d bytes)\n", MAX_INPUT);
                return EXIT_USAGE;
            }
            break;
        case 'd':
            if (cli_parse_hex(optarg, data, sizeof(data), &data_len) < 0) {
                fprintf(stderr, "cctrusted report: --data needs hex (at most %d bytes)\n", MAX_INPUT);
                return EXIT_USAGE;
            }
            break;
        case 'o': out = optarg; break;
        case 'h': usage(stdout); return EXIT_OK;
        default: usage(stderr); return EXIT_USAGE;
        }
    }
    if (optind != argc) {
        usage(stderr);
        return EXIT_USAGE;
    }
    cct_context *ctx = NULL;
    int rc = cli_open_ctx("report", &ctx);
    if (rc != EXIT_OK) {
        return rc;
    }
    struct cct_report_request req = CCT_REPORT_REQUEST_INIT;
    req.nonce = nonce;
    req.nonce_len = nonce_len;
    req.user_data = data;
    req.user_data_len = data_len;
    cct_report *rep = NULL;
    int r = cct_get_report(ctx, &req, &rep);
    if (r < 0) {
        rc = cli_ctx_fail("report", ctx, r);
        cct_close(ctx);
        return rc;
    }
    size_t len = 0, aux_len = 0, key_len = 0, rd_len = 0;
    const uint8_t *body = cct_report_data(rep, &len);
    const uint8_t *aux = cct_report_aux(rep, &aux_len);
    const uint8_t *key = cct_report_key(rep, &key_len);
    const uint8_t *rd = cct_report_reportdata(rep, &rd_len);
    const char *prov = cct_report_provider(rep);
    int tpm = strcmp(prov, "tpm") == 0;
    char aux_name[4096] = "", key_name[4096] = "";
    if (out != NULL) {
        rc = write_file(out, body, len);
        if (rc == EXIT_OK && aux != NULL) {
            rc = write_with_suffix(out, tpm ? ".sig" : ".aux", aux, aux_len, aux_name, sizeof(aux_name));
        }
        if (rc == EXIT_OK && key != NULL) {
            rc = write_with_suffix(out, tpm ? ".ak" : ".key", key, key_len, key_name, sizeof(key_name));
        }
    }
    if (rc == EXIT_OK && json) {
        printf("{\"platform\":\"%s\",\"provider\":", cct_platform_name(cct_context_platform(ctx)));
        cli_json_str(stdout, prov);
        printf(",\"reportdata\":");
        cli_json_hex(stdout, rd, rd_len);
        printf(",\"report\":");
        cli_json_hex(stdout, body, len);
        if (aux) {
            printf(",\"%s\":", tpm ? "signature" : "aux");
            cli_json_hex(stdout, aux, aux_len);
        }
        if (key) {
            printf(",\"%s\":", tpm ? "ak_public" : "key");
            cli_json_hex(stdout, key, key_len);
        }
        if (out) {
            printf(",\"files\":{\"report\":");
            cli_json_str(stdout, out);
            if (aux_name[0]) {
                printf(",\"%s\":", tpm ? "signature" : "aux");
                cli_json_str(stdout, aux_name);
            }
            if (key_name[0]) {
                printf(",\"%s\":", tpm ? "ak_public" : "key");
                cli_json_str(stdout, key_name);
            }
            printf("}");
        }
        printf("}\n");
    } else if (rc == EXIT_OK) {
        printf("provider: %s\nreportdata (%zu bytes): ", prov, rd_len);
        cli_hex(stdout, rd, rd_len);
        printf("\nreport: %zu bytes%s%s\n", len, out ? " -> " : "", out ? out : "");
        if (aux) {
            printf("%s: %zu bytes%s%s\n", tpm ? "signature (TPMT_SIGNATURE)" : "aux", aux_len,
                   aux_name[0] ? " -> " : "", aux_name);
        }
        if (key) {
            printf("%s: %zu bytes%s%s\n", tpm ? "AK public (TPMT_PUBLIC)" : "key", key_len,
                   key_name[0] ? " -> " : "", key_name);
        }
        if (out == NULL) {
            cli_hexdump(stdout, body, len, "  ");
        }
    }
    cct_report_free(rep);
    cct_close(ctx);
    return rc;
}
