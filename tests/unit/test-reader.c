/* SPDX-License-Identifier: Apache-2.0 */
/* util/reader: every read succeeds with enough bytes and fails, without
 * moving the cursor, with any fewer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "util/reader.h"

static const uint8_t bytes[16] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
                                   0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10 };

/* One read of `width` bytes through fn; returns its result. */
typedef bool (*read_fn)(struct cct_reader *r, uint64_t *v);

static bool rd_u8(struct cct_reader *r, uint64_t *v)
{
    uint8_t x;
    bool ok = cct_read_u8(r, &x);
    *v = x;
    return ok;
}
static bool rd_u16le(struct cct_reader *r, uint64_t *v)
{
    uint16_t x;
    bool ok = cct_read_u16le(r, &x);
    *v = x;
    return ok;
}
static bool rd_u32le(struct cct_reader *r, uint64_t *v)
{
    uint32_t x;
    bool ok = cct_read_u32le(r, &x);
    *v = x;
    return ok;
}
static bool rd_u64le(struct cct_reader *r, uint64_t *v)
{
    return cct_read_u64le(r, v);
}
static bool rd_u16be(struct cct_reader *r, uint64_t *v)
{
    uint16_t x;
    bool ok = cct_read_u16be(r, &x);
    *v = x;
    return ok;
}
static bool rd_u32be(struct cct_reader *r, uint64_t *v)
{
    uint32_t x;
    bool ok = cct_read_u32be(r, &x);
    *v = x;
    return ok;
}
static bool rd_u64be(struct cct_reader *r, uint64_t *v)
{
    return cct_read_u64be(r, v);
}

static const struct {
    const char *name;
    read_fn fn;
    size_t width;
    uint64_t want; /* value of the first `width` bytes of `bytes` */
} reads[] = {
    { "u8", rd_u8, 1, 0x01 },
    { "u16le", rd_u16le, 2, 0x0201 },
    { "u32le", rd_u32le, 4, 0x04030201 },
    { "u64le", rd_u64le, 8, 0x0807060504030201ull },
    { "u16be", rd_u16be, 2, 0x0102 },
    { "u32be", rd_u32be, 4, 0x01020304 },
    { "u64be", rd_u64be, 8, 0x0102030405060708ull },
};

static void test_integer_reads(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof(reads) / sizeof(reads[0]); k++) {
        for (size_t len = 0; len <= reads[k].width + 1; len++) {
            struct cct_reader r;
            uint64_t v = 0xdeadbeef;
            cct_reader_init(&r, bytes, len, 1000);
            bool ok = reads[k].fn(&r, &v);
            if (len < reads[k].width) {
                assert_false(ok);
                assert_int_equal(cct_reader_offset(&r), 1000);
                assert_int_equal(cct_reader_left(&r), len);
                assert_ptr_equal(r.p, bytes);
            } else {
                assert_true(ok);
                assert_int_equal(v, reads[k].want);
                assert_int_equal(cct_reader_offset(&r), 1000 + reads[k].width);
                assert_int_equal(cct_reader_left(&r), len - reads[k].width);
            }
        }
    }
}

static void test_skip_copy_bytes(void **state)
{
    (void)state;
    for (size_t len = 0; len <= 6; len++) {
        struct cct_reader r;
        uint8_t dst[5];
        const uint8_t *view = NULL;

        cct_reader_init(&r, bytes, len, 0);
        assert_int_equal(cct_read_skip(&r, 5), len >= 5);
        assert_int_equal(cct_reader_offset(&r), len >= 5 ? 5 : 0);

        cct_reader_init(&r, bytes, len, 0);
        memset(dst, 0xee, sizeof(dst));
        bool ok = cct_read_copy(&r, dst, 5);
        assert_int_equal(ok, len >= 5);
        if (ok) {
            assert_memory_equal(dst, bytes, 5);
        } else {
            assert_int_equal(cct_reader_offset(&r), 0);
            assert_int_equal(dst[0], 0xee);
        }

        cct_reader_init(&r, bytes, len, 0);
        ok = cct_read_bytes(&r, 5, &view);
        assert_int_equal(ok, len >= 5);
        if (ok) {
            assert_ptr_equal(view, bytes);
            assert_int_equal(cct_reader_left(&r), len - 5);
        } else {
            assert_null(view);
            assert_int_equal(cct_reader_left(&r), len);
        }
    }
    /* Zero-length reads always succeed, even on an empty reader. */
    struct cct_reader r;
    cct_reader_init(&r, bytes, 0, 7);
    assert_true(cct_read_skip(&r, 0));
    assert_true(cct_read_copy(&r, NULL, 0));
    assert_true(cct_reader_done(&r));
    assert_int_equal(cct_reader_offset(&r), 7);
}

static void test_sub(void **state)
{
    (void)state;
    struct cct_reader r, c;
    uint8_t b;
    cct_reader_init(&r, bytes, 16, 100);
    assert_true(cct_read_skip(&r, 3));
    assert_false(cct_read_sub(&r, 14, &c)); /* only 13 left */
    assert_int_equal(cct_reader_offset(&r), 103);
    assert_true(cct_read_sub(&r, 5, &c));
    /* The child's offsets are absolute: it starts where the parent was. */
    assert_int_equal(cct_reader_offset(&c), 103);
    assert_int_equal(cct_reader_left(&c), 5);
    assert_int_equal(cct_reader_offset(&r), 108);
    assert_true(cct_read_u8(&c, &b));
    assert_int_equal(b, 0x04);
    assert_int_equal(cct_reader_offset(&c), 104);
    assert_true(cct_read_skip(&c, 4));
    assert_true(cct_reader_done(&c));
    assert_false(cct_read_u8(&c, &b));
    /* A child of a child keeps counting from the input's start. */
    struct cct_reader gc;
    assert_true(cct_read_sub(&r, 4, &c));
    assert_true(cct_read_skip(&c, 1));
    assert_true(cct_read_sub(&c, 2, &gc));
    assert_int_equal(cct_reader_offset(&gc), 109);
}

static void test_sub_prefixed(void **state)
{
    (void)state;
    /* u32le length 3, then 3 bytes, then a trailing byte. */
    static const uint8_t in[] = { 3, 0, 0, 0, 0xa, 0xb, 0xc, 0xd };
    struct cct_reader r, c;
    for (size_t len = 0; len < 7; len++) {
        cct_reader_init(&r, in, len, 50);
        assert_false(cct_read_sub_u32le(&r, &c));
        assert_int_equal(cct_reader_offset(&r), 50);
        assert_int_equal(cct_reader_left(&r), len);
    }
    cct_reader_init(&r, in, sizeof(in), 50);
    assert_true(cct_read_sub_u32le(&r, &c));
    assert_int_equal(cct_reader_offset(&c), 54);
    assert_int_equal(cct_reader_left(&c), 3);
    assert_int_equal(cct_reader_offset(&r), 57);
    assert_false(cct_reader_done(&r));
    assert_int_equal(cct_reader_left(&r), 1);

    /* u16le and u8 prefixes. */
    static const uint8_t in16[] = { 2, 0, 0x11, 0x22 };
    cct_reader_init(&r, in16, 3, 0);
    assert_false(cct_read_sub_u16le(&r, &c));
    assert_int_equal(cct_reader_offset(&r), 0);
    cct_reader_init(&r, in16, 4, 0);
    assert_true(cct_read_sub_u16le(&r, &c));
    assert_int_equal(cct_reader_offset(&c), 2);
    assert_true(cct_reader_done(&r));
    static const uint8_t in8[] = { 2, 0x11, 0x22 };
    cct_reader_init(&r, in8, 2, 0);
    assert_false(cct_read_sub_u8(&r, &c));
    assert_int_equal(cct_reader_offset(&r), 0);
    cct_reader_init(&r, in8, 3, 0);
    assert_true(cct_read_sub_u8(&r, &c));
    assert_int_equal(cct_reader_left(&c), 2);
    assert_true(cct_reader_done(&r));

    /* A huge length prefix fails cleanly. */
    static const uint8_t huge[] = { 0xff, 0xff, 0xff, 0xff, 1 };
    cct_reader_init(&r, huge, sizeof(huge), 0);
    assert_false(cct_read_sub_u32le(&r, &c));
    assert_int_equal(cct_reader_left(&r), sizeof(huge));
}

static void test_done(void **state)
{
    (void)state;
    struct cct_reader r;
    uint16_t v;
    cct_reader_init(&r, bytes, 3, 0);
    assert_false(cct_reader_done(&r));
    assert_true(cct_read_u16le(&r, &v));
    assert_false(cct_reader_done(&r));
    assert_false(cct_read_u16le(&r, &v));
    assert_false(cct_reader_done(&r));
    assert_true(cct_read_skip(&r, 1));
    assert_true(cct_reader_done(&r));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_integer_reads), cmocka_unit_test(test_skip_copy_bytes),
        cmocka_unit_test(test_sub),           cmocka_unit_test(test_sub_prefixed),
        cmocka_unit_test(test_done),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
