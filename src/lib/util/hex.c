/* SPDX-License-Identifier: Apache-2.0 */
#include "util/hex.h"

#include <cctrusted/error.h>

static int nib(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

int cct_hex_decode(const char *s, size_t len, uint8_t *out, size_t n)
{
    if (len / 2 != n || len % 2 != 0) {
        return CCT_EINVAL;
    }
    for (size_t i = 0; i < n; i++) {
        int h = nib(s[2 * i]), l = nib(s[2 * i + 1]);
        if (h < 0 || l < 0) {
            return CCT_EINVAL;
        }
        out[i] = (uint8_t)(h << 4 | l);
    }
    return 0;
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
