/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Example: verify a quote, report or token offline (TDX quote, SNP report,
 * CCA token: the kind is detected from the bytes) against the built-in
 * vendor roots, or against ROOT.pem when given, and print every check with
 * its status (ok, fail, not-checked).
 * Exit status: 0 verified, 2 a check failed or the input is invalid.
 *
 *   cc verify-quote.c $(pkg-config --cflags --libs libcctrusted) -o verify-quote
 *   ./verify-quote quote.bin [ROOT.pem]
 */
#include <stdio.h>
#include <stdlib.h>

#include <cctrusted/cctrusted.h>
#include <cctrusted/verify.h>

#define MAX_INPUT (1u << 20)

/* Read a whole small file; NULL on failure. */
static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rbe");
    if (f == NULL) {
        perror(path);
        return NULL;
    }
    unsigned char *buf = malloc(MAX_INPUT);
    size_t n = buf != NULL ? fread(buf, 1, MAX_INPUT, f) : 0;
    int bad = buf == NULL || ferror(f) || !feof(f); /* not at EOF: larger than MAX_INPUT */
    fclose(f);
    if (bad) {
        fprintf(stderr, "%s: cannot read (or larger than %u bytes)\n", path, MAX_INPUT);
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

int main(int argc, char **argv)
{
    if (argc != 2 && argc != 3) {
        fprintf(stderr, "usage: %s QUOTE [ROOT.pem]\n", argv[0]);
        return 1;
    }
    size_t len = 0, root_len = 0;
    unsigned char *quote = slurp(argv[1], &len);
    unsigned char *root = argc == 3 ? slurp(argv[2], &root_len) : NULL;
    if (quote == NULL || (argc == 3 && root == NULL)) {
        free(quote);
        free(root);
        return 2;
    }
    struct cct_verify_options opts = CCT_VERIFY_OPTIONS_INIT;
    opts.root = root;
    opts.root_len = root_len;
    /* The result is large (one entry per check): keep it off the stack. */
    struct cct_verify_result *res = malloc(sizeof(*res));
    if (res != NULL) {
        cct_verify_result_init(res);
    }
    struct cct_error err;
    cct_error_clear(&err);
    int r = res != NULL ? cct_verify_report(quote, len, &opts, res, &err) : CCT_ENOMEM;
    /* A failed check returns CCT_EVERIFY with the checks filled in. A
     * "not-checked" line says what the verdict does not cover. */
    for (size_t i = 0; res != NULL && i < res->n_checks; i++) {
        const struct cct_check *c = &res->checks[i];
        printf("%-11s %s: %s\n", cct_check_status_name(c->status), c->name, c->detail);
    }
    if (r < 0) {
        fprintf(stderr, "%s: %s: %s\n", argv[1], cct_strerror(r), err.message);
    }
    printf("%s\n", r == 0 && res->ok ? "verified" : "NOT verified");
    int status = r == 0 && res->ok ? 0 : 2;
    free(res);
    free(quote);
    free(root);
    return status;
}
