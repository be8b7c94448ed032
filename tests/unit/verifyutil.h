/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Helpers of the verification API tests (test-verify-api.c,
 * test-verify-reportdata.c): a check that prints each result and counts
 * failures, reading a file of the generated evidence, finding a named check
 * in a result, and the directory tests/data/gen_quotes.py fills.
 */
#ifndef CCT_TESTS_VERIFYUTIL_H
#define CCT_TESTS_VERIFYUTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cctrusted/verify.h>

static int failures;

static inline void check(int cond, const char *what)
{
    printf("%s %s\n", cond ? "ok  " : "FAIL", what);
    if (!cond) {
        failures++;
    }
}

/* DIR/NAME read whole (at most 1 MiB); NULL when it cannot be opened. */
static inline uint8_t *slurp(const char *dir, const char *name, size_t *len)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "rbe");
    if (f == NULL) {
        return NULL;
    }
    uint8_t *buf = malloc(1 << 20);
    *len = buf ? fread(buf, 1, 1 << 20, f) : 0;
    fclose(f);
    return buf;
}

static inline const struct cct_check *find(const struct cct_verify_result *res, const char *name)
{
    for (size_t i = 0; i < res->n_checks; i++) {
        if (strcmp(res->checks[i].name, name) == 0) {
            return &res->checks[i];
        }
    }
    return NULL;
}

/* Make the directory dir (a mkdtemp template) and run the generator GEN into it; 0 or -1. */
static inline int gen_quotes(const char *gen, char *dir)
{
    char cmd[8192];
    if (mkdtemp(dir) == NULL) {
        return -1;
    }
    snprintf(cmd, sizeof(cmd), "python3 '%s' '%s' > /dev/null", gen, dir);
    if (system(cmd) != 0) {
        fprintf(stderr, "cannot run %s\n", gen);
        return -1;
    }
    return 0;
}

/* The generated evidence every test of the two programs starts from. */
struct verify_evidence {
    uint8_t *quote; /* tdx-v4.quote */
    size_t quote_len;
    uint8_t *root; /* tdx-root.pem, the root of its PCK chain */
    size_t root_len;
};

/*
 * The start of main(): argv[1] is the generator, run into dir (a mkdtemp
 * template); the v4 quote and its root are read into *ev. 0, or the exit
 * status 2 after a message.
 */
static inline int verify_test_start(int argc, char **argv, const char *prog, char *dir,
                                    struct verify_evidence *ev)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s GEN_QUOTES\n", prog);
        return 2;
    }
    if (gen_quotes(argv[1], dir) < 0) {
        return 2;
    }
    ev->quote = slurp(dir, "tdx-v4.quote", &ev->quote_len);
    ev->root = slurp(dir, "tdx-root.pem", &ev->root_len);
    if (ev->quote == NULL || ev->root == NULL) {
        fprintf(stderr, "%s: no tdx-v4.quote or tdx-root.pem in %s\n", prog, dir);
        return 2;
    }
    return 0;
}

/* Remove the generated directory; print the failure count; the exit status. */
static inline int verify_test_end(const char *dir)
{
    char cmd[8192];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd) != 0) {
        fprintf(stderr, "cannot remove %s\n", dir);
    }
    printf("%d failure(s)\n", failures);
    return failures ? 1 : 0;
}

#endif
