/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The core's formatter (src/lib/core/fmt.c) against the C library's
 * snprintf for the conversions the core's messages use, at every buffer
 * size from 0 to one past the output (truncation and the return value).
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

int cct_core_snprintf(char *s, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int failures, cases;

#define CHECK(...)                                                                                 \
    do {                                                                                           \
        char want[512], got[512];                                                                  \
        int wn = snprintf(want, sizeof(want), __VA_ARGS__);                                        \
        for (size_t size = 0; size <= (size_t)wn + 1 && size < sizeof(got); size++) {              \
            memset(got, 'Z', sizeof(got));                                                         \
            memset(want, 'Z', sizeof(want));                                                       \
            snprintf(size ? want : NULL, size, __VA_ARGS__);                                       \
            int gn = cct_core_snprintf(size ? got : NULL, size, __VA_ARGS__);                      \
            cases++;                                                                               \
            if (gn != wn || memcmp(got, want, size + 1) != 0) {                                    \
                if (failures++ < 10) {                                                             \
                    fprintf(stderr, "FAIL line %d size %zu: got %d '%.*s' want %d '%.*s'\n",       \
                            __LINE__, size, gn, (int)size, got, wn, (int)size, want);              \
                }                                                                                  \
            }                                                                                      \
        }                                                                                          \
    } while (0)

int main(void)
{
    CHECK("plain text");
    CHECK("%d %i %u", -42, 0, 4000000000u);
    CHECK("%d", INT32_MIN);
    CHECK("%lld %llu", (long long)INT64_MIN, (unsigned long long)UINT64_MAX);
    CHECK("%ld %lu %zu %zd", -7L, 7UL, (size_t)123456789, (ssize_t)-5);
    CHECK("%" PRIu64 " %" PRId64 " %" PRIx64, UINT64_MAX, INT64_MIN, (uint64_t)0xdeadbeefcafe);
    CHECK("%x %X %08x %02x", 0xabcdu, 0xabcdu, 0x1234u, 7u);
    CHECK("%4d|%-4d|%04d|%-04d|", 5, 5, -5, 5);
    CHECK("%.3d %.0d %5.3d", 7, 0, -7);
    CHECK("%s|%10s|%-10s|%.2s|%.*s|", "abc", "abc", "abc", "abc", 2, "xyz");
    CHECK("%*d|%-*d|%*s|", 6, 1, 6, 1, -4, "ab");
    CHECK("%c%c%c", 'a', 'b', 'c');
    CHECK("100%% of %s", "it");
    CHECK("%hhu %hu %hhd", 300, 70000, 200);
    CHECK("%jd %td", (intmax_t)-9, (ptrdiff_t)-3);
    CHECK("unexpected data after 0x%02x padding that began %llu bytes earlier", 0xff,
          (unsigned long long)1234);
    CHECK("log ends inside event %llu (%zu bytes left, record is longer)", (unsigned long long)14,
          (size_t)221);
    printf("%d comparisons with snprintf, %d failures\n", cases, failures);
    return failures ? 1 : 0;
}
