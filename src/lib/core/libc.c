/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The few <string.h> functions the core's sources call, for the
 * freestanding build only (the compiler also emits calls to memcpy, memset,
 * memmove and memcmp by itself). Weak, so that an environment which has them
 * (gnu-efi's libefi defines memcpy and memset) keeps its own.
 */
#include <stddef.h>
#include <stdint.h>

#include "core/port.h"

#define WEAK __attribute__((weak))

WEAK void *memcpy(void *restrict d, const void *restrict s, size_t n)
{
    uint8_t *dp = d;
    const uint8_t *sp = s;
    while (n-- > 0) {
        *dp++ = *sp++;
    }
    return d;
}

WEAK void *memmove(void *d, const void *s, size_t n)
{
    uint8_t *dp = d;
    const uint8_t *sp = s;
    if (dp == sp || n == 0) {
        return d;
    }
    if ((uintptr_t)dp < (uintptr_t)sp) {
        while (n-- > 0) {
            *dp++ = *sp++;
        }
    } else {
        while (n-- > 0) {
            dp[n] = sp[n];
        }
    }
    return d;
}

WEAK void *memset(void *d, int c, size_t n)
{
    uint8_t *dp = d;
    while (n-- > 0) {
        *dp++ = (uint8_t)c;
    }
    return d;
}

WEAK int memcmp(const void *a, const void *b, size_t n)
{
    const uint8_t *x = a, *y = b;
    for (size_t i = 0; i < n; i++) {
        if (x[i] != y[i]) {
            return x[i] < y[i] ? -1 : 1;
        }
    }
    return 0;
}

WEAK void *memchr(const void *s, int c, size_t n)
{
    const uint8_t *p = s;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == (uint8_t)c) {
            return (void *)(uintptr_t)(p + i);
        }
    }
    return NULL;
}

WEAK size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n] != '\0') {
        n++;
    }
    return n;
}

WEAK int strcmp(const char *a, const char *b)
{
    while (*a != '\0' && *a == *b) {
        a++;
        b++;
    }
    return (unsigned char)*a - (unsigned char)*b;
}

WEAK int strncmp(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (a[i] != b[i] || a[i] == '\0') {
            return (unsigned char)a[i] - (unsigned char)b[i];
        }
    }
    return 0;
}
