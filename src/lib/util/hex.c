/* SPDX-License-Identifier: Apache-2.0 */
#include "util/hex.h"

#include <string.h>

#include <cctrusted/error.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

#if defined(__SSE2__)
/*
 * Value of 16 hex digits (one per byte), and a mask of the bytes that are
 * hex digits. Signed byte compares: a byte of 0x80 or more never lands in
 * 0..9 or 0..5 after the subtraction.
 */
static inline __attribute__((always_inline)) __m128i digits16(__m128i v, __m128i *ok)
{
    const __m128i minus1 = _mm_set1_epi8(-1);
    __m128i d = _mm_sub_epi8(v, _mm_set1_epi8('0'));
    __m128i l = _mm_sub_epi8(_mm_or_si128(v, _mm_set1_epi8(0x20)), _mm_set1_epi8('a'));
    __m128i is_d = _mm_and_si128(_mm_cmpgt_epi8(d, minus1), _mm_cmplt_epi8(d, _mm_set1_epi8(10)));
    __m128i is_l = _mm_and_si128(_mm_cmpgt_epi8(l, minus1), _mm_cmplt_epi8(l, _mm_set1_epi8(6)));
    *ok = _mm_or_si128(is_d, is_l);
    return _mm_or_si128(_mm_and_si128(d, is_d),
                        _mm_and_si128(_mm_add_epi8(l, _mm_set1_epi8(10)), is_l));
}

/* Pairs of digit values (high, low) in 16-bit lanes -> high * 16 + low in each lane. */
static inline __attribute__((always_inline)) __m128i pairs16(__m128i v)
{
    __m128i hi = _mm_slli_epi16(_mm_and_si128(v, _mm_set1_epi16(0x00ff)), 4);
    return _mm_or_si128(hi, _mm_srli_epi16(v, 8));
}

/* 32 digits at s -> 16 bytes at out; 0, or CCT_EINVAL when any is not a hex digit. */
static inline __attribute__((always_inline)) int decode32(const unsigned char *s, uint8_t *out)
{
    __m128i ok0, ok1;
    __m128i a = digits16(_mm_loadu_si128((const __m128i *)(const void *)s), &ok0);
    __m128i b = digits16(_mm_loadu_si128((const __m128i *)(const void *)(s + 16)), &ok1);
    _mm_storeu_si128((__m128i *)(void *)out, _mm_packus_epi16(pairs16(a), pairs16(b)));
    return _mm_movemask_epi8(_mm_and_si128(ok0, ok1)) == 0xffff ? 0 : CCT_EINVAL;
}
#endif

int cct_hex_decode(const char *s, size_t len, uint8_t *out, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    unsigned bad = 0;
    size_t i = 0;
    if (len / 2 != n || len % 2 != 0) {
        return CCT_EINVAL;
    }
#if defined(__SSE2__)
    /* 16 bytes at a time (an IMA ascii line carries 40 + 64 digits); a tail of 1-15 bytes after
     * at least 16 is decoded as the last 16, overlapping bytes already written with the same
     * values. */
    if (n >= 16) {
        for (; n - i >= 16; i += 16) {
            if (decode32(u + 2 * i, out + i) < 0) {
                return CCT_EINVAL;
            }
        }
        if (i < n && decode32(u + 2 * (n - 16), out + n - 16) < 0) {
            return CCT_EINVAL;
        }
        return 0;
    }
#endif
    for (; i < n; i++) {
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
    const uint8_t *x = a, *y = b;
    uint64_t d = 0;
    size_t i = 0;
    /* Eight bytes at a time, then the rest; every byte is read whatever it holds. The
     * accumulator goes through a volatile so that no early exit can be derived from it. */
    for (; n - i >= 8; i += 8) {
        uint64_t u, v;
        memcpy(&u, x + i, 8);
        memcpy(&v, y + i, 8);
        d |= u ^ v;
    }
    for (; i < n; i++) {
        d |= (uint64_t)(x[i] ^ y[i]);
    }
    volatile uint64_t sink = d;
    return sink == 0;
}
