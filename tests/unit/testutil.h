/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Helpers shared by the single-file unit tests (one translation unit each):
 * a CHECK that counts checks and failures, and reading a whole file.
 * A test ends with: printf("%d checks, %d failures\n", checks, failures).
 */
#ifndef CCT_TESTS_TESTUTIL_H
#define CCT_TESTS_TESTUTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static int failures, checks;

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        checks++;                                                                                  \
        if (!(cond)) {                                                                             \
            failures++;                                                                            \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);                                   \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
        }                                                                                          \
    } while (0)

/* The whole file at path (never NULL, caller frees); exits with status 2 when it cannot be read. */
static inline uint8_t *test_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "cannot open %s\n", path);
        exit(2);
    }
    uint8_t *buf = NULL;
    size_t n = 0, cap = 0, r;
    do {
        if (n == cap) {
            cap = cap ? cap * 2 : 4096;
            if ((buf = realloc(buf, cap)) == NULL) {
                exit(2);
            }
        }
        r = fread(buf + n, 1, cap - n, f);
        n += r;
    } while (r > 0);
    fclose(f);
    *len = n;
    return buf;
}

#endif
