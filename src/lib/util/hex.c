/* SPDX-License-Identifier: Apache-2.0 */
#include "util/hex.h"

#include <cctrusted/error.h>

/*
 * One more than the value of each hex digit, 0 for any other byte. A table
 * lookup instead of range tests: the digits of a digest are random, and the
 * branches of range tests mispredict about once per digit (an IMA ascii list
 * decodes two digests per line).
 */
static const uint8_t nibble1[256] = {
    ['0'] = 1,  ['1'] = 2,  ['2'] = 3,  ['3'] = 4,  ['4'] = 5,  ['5'] = 6,  ['6'] = 7,  ['7'] = 8,
    ['8'] = 9,  ['9'] = 10, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
    ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

int cct_hex_decode(const char *s, size_t len, uint8_t *out, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    unsigned bad = 0;
    if (len / 2 != n || len % 2 != 0) {
        return CCT_EINVAL;
    }
    for (size_t i = 0; i < n; i++) {
        /* A non-digit gives 0 - 1: high bits set, seen in bad after the loop. */
        unsigned h = (unsigned)nibble1[u[2 * i]] - 1u, l = (unsigned)nibble1[u[2 * i + 1]] - 1u;
        bad |= h | l;
        out[i] = (uint8_t)((h & 15u) << 4 | (l & 15u));
    }
    return (bad & ~15u) != 0 ? CCT_EINVAL : 0;
}

int cct_hex_decode_var(const char *s, size_t len, uint8_t *out, size_t max, size_t *n)
{
    if (len % 2 != 0) {
        return CCT_EINVAL;
    }
    if (len / 2 > max) {
        return CCT_ELIMIT;
    }
    int r = cct_hex_decode(s, len, out, len / 2);
    if (r == 0) {
        *n = len / 2;
    }
    return r;
}

void cct_hex_encode(const uint8_t *p, size_t n, char *out)
{
    static const char hx[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hx[p[i] >> 4];
        out[2 * i + 1] = hx[p[i] & 15];
    }
    out[2 * n] = '\0';
}

int cct_memeq_ct(const void *a, const void *b, size_t n)
{
    const volatile uint8_t *x = a, *y = b;
    uint8_t d = 0;
    for (size_t i = 0; i < n; i++) {
        d |= x[i] ^ y[i];
    }
    return d == 0;
}
