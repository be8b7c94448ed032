/* SPDX-License-Identifier: Apache-2.0 */
/* util/hex: decoding, encoding, constant-time comparison. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <cctrusted/error.h>

#include "util/hex.h"

static void test_decode(void **state)
{
    (void)state;
    uint8_t out[4];
    assert_int_equal(cct_hex_decode("00aBcDeF", 8, out, 4), 0);
    assert_memory_equal(out, "\x00\xab\xcd\xef", 4);
    assert_int_equal(cct_hex_decode("", 0, out, 0), 0);
    /* Wrong length for n, odd length. */
    assert_int_equal(cct_hex_decode("00ab", 4, out, 3), CCT_EINVAL);
    assert_int_equal(cct_hex_decode("00abc", 5, out, 2), CCT_EINVAL);
    assert_int_equal(cct_hex_decode("0", 1, out, 0), CCT_EINVAL);
    /* Bad digits in either nibble, anywhere. */
    static const char *bad[] = { "0g", "g0", "0 ", " 0", "0x", "-1", "+1", ":0", "0@", "0G", "0`" };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char s[5] = "aa";
        memcpy(s + 2, bad[i], 2);
        s[4] = 0;
        assert_int_equal(cct_hex_decode(s, 4, out, 2), CCT_EINVAL);
    }
    /* A NUL inside the given length is a bad digit, not an end. */
    assert_int_equal(cct_hex_decode("a\0bb", 4, out, 2), CCT_EINVAL);
}

/* Reference value of a hex digit, by search in the digit strings: -1 for any other byte. */
static int ref_digit(int c)
{
    static const char lower[] = "0123456789abcdef", upper[] = "0123456789ABCDEF";
    for (int i = 0; i < 16; i++) {
        if (c == lower[i] || c == upper[i]) {
            return i;
        }
    }
    return -1;
}

/* Every pair of bytes, in both positions of a two-byte string: valid pairs decode to the
 * reference value, any pair holding a non-digit fails. */
static void test_decode_every_pair(void **state)
{
    (void)state;
    size_t ok = 0;
    for (int a = 0; a < 256; a++) {
        for (int b = 0; b < 256; b++) {
            char s[4] = { (char)a, (char)b, '7', 'e' };
            uint8_t out[2];
            int ha = ref_digit(a), hb = ref_digit(b);
            int r = cct_hex_decode(s, 4, out, 2);
            if (ha < 0 || hb < 0) {
                assert_int_equal(r, CCT_EINVAL);
            } else {
                assert_int_equal(r, 0);
                assert_int_equal(out[0], ha * 16 + hb);
                assert_int_equal(out[1], 0x7e);
                ok++;
            }
            char t[4] = { 'E', '7', (char)a, (char)b };
            r = cct_hex_decode(t, 4, out, 2);
            assert_int_equal(r, ha < 0 || hb < 0 ? CCT_EINVAL : 0);
            if (r == 0) {
                assert_int_equal(out[0], 0xe7);
                assert_int_equal(out[1], ha * 16 + hb);
            }
        }
    }
    assert_int_equal(ok, 22 * 22);
}

/* Long strings (the 16-byte blocks of the decoder and the tail after them, decoded as an
 * overlapping last block): every byte value at every position of strings of 1 to 64 bytes in
 * hex, digest sizes among them, against the reference. */
static void test_decode_long(void **state)
{
    (void)state;
    static const size_t lens[] = { 1, 15, 16, 17, 20, 31, 32, 33, 48, 63, 64 };
    for (size_t k = 0; k < sizeof(lens) / sizeof(lens[0]); k++) {
        size_t n = lens[k];
        char s[128];
        uint8_t want[64], out[64];
        for (size_t i = 0; i < 2 * n; i++) {
            s[i] = "0123456789abcdefABCDEF"[(i * 7 + k) % 22];
        }
        for (size_t pos = 0; pos < 2 * n; pos++) {
            for (int c = 0; c < 256; c++) {
                char keep = s[pos];
                s[pos] = (char)c;
                int valid = ref_digit(c) >= 0;
                for (size_t i = 0; valid && i < n; i++) {
                    want[i] = (uint8_t)(ref_digit((unsigned char)s[2 * i]) * 16 +
                                        ref_digit((unsigned char)s[2 * i + 1]));
                }
                int r = cct_hex_decode(s, 2 * n, out, n);
                assert_int_equal(r, valid ? 0 : CCT_EINVAL);
                if (valid) {
                    assert_memory_equal(out, want, n);
                }
                s[pos] = keep;
            }
        }
    }
}

static void test_decode_var(void **state)
{
    (void)state;
    uint8_t out[3];
    size_t n = 99;
    assert_int_equal(cct_hex_decode_var("0102", 4, out, 3, &n), 0);
    assert_int_equal(n, 2);
    assert_memory_equal(out, "\x01\x02", 2);
    n = 99;
    assert_int_equal(cct_hex_decode_var("01020304", 8, out, 3, &n), CCT_ELIMIT);
    assert_int_equal(n, 99);
    assert_int_equal(cct_hex_decode_var("010", 3, out, 3, &n), CCT_EINVAL);
    assert_int_equal(cct_hex_decode_var("0z", 2, out, 3, &n), CCT_EINVAL);
    assert_int_equal(n, 99);
    assert_int_equal(cct_hex_decode_var("", 0, out, 3, &n), 0);
    assert_int_equal(n, 0);
}

static void test_encode_roundtrip(void **state)
{
    (void)state;
    uint8_t all[256], back[256];
    char s[513];
    for (int i = 0; i < 256; i++) {
        all[i] = (uint8_t)i;
    }
    cct_hex_encode(all, 256, s);
    assert_int_equal(strlen(s), 512);
    assert_memory_equal(s, "000102", 6);
    assert_string_equal(s + 506, "fdfeff");
    assert_int_equal(cct_hex_decode(s, 512, back, 256), 0);
    assert_memory_equal(all, back, 256);
    cct_hex_encode(all, 0, s);
    assert_string_equal(s, "");
}

static void test_memeq_ct(void **state)
{
    (void)state;
    uint8_t a[64], b[64];
    memset(a, 0x5a, sizeof(a));
    memcpy(b, a, sizeof(b));
    assert_int_equal(cct_memeq_ct(a, b, 64), 1);
    assert_int_equal(cct_memeq_ct(a, b, 0), 1);
    for (size_t i = 0; i < 64; i++) {
        for (int bit = 0; bit < 8; bit++) {
            b[i] ^= (uint8_t)(1u << bit);
            assert_int_equal(cct_memeq_ct(a, b, 64), 0);
            /* A difference outside the compared length does not count. */
            assert_int_equal(cct_memeq_ct(a, b, i), 1);
            b[i] ^= (uint8_t)(1u << bit);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decode),     cmocka_unit_test(test_decode_every_pair),
        cmocka_unit_test(test_decode_var), cmocka_unit_test(test_encode_roundtrip),
        cmocka_unit_test(test_memeq_ct),   cmocka_unit_test(test_decode_long),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
