/* SPDX-License-Identifier: Apache-2.0 */
/* util/buf: hard cap, sticky failure, JSON string escaping, hex. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <cctrusted/error.h>

#include "util/buf.h"

static void test_limit(void **state)
{
    (void)state;
    struct cct_buf b;
    cct_buf_init(&b, 10);
    assert_int_equal(cct_buf_append(&b, "12345678", 8), 0);
    assert_int_equal(cct_buf_append(&b, "90", 2), 0); /* exactly at the limit */
    assert_int_equal(b.len, 10);
    assert_int_equal(cct_buf_putc(&b, 'x'), CCT_ELIMIT);
    assert_int_equal(b.len, 10);
    assert_memory_equal(b.data, "1234567890", 10);
    cct_buf_free(&b);

    cct_buf_init(&b, 4);
    assert_int_equal(cct_buf_printf(&b, "%d", 12345), CCT_ELIMIT);
    assert_int_equal(b.len, 0);
    cct_buf_free(&b);

    cct_buf_init(&b, 5);
    assert_int_equal(cct_buf_hex(&b, (const uint8_t *)"abc", 3), CCT_ELIMIT); /* needs 6 */
    cct_buf_free(&b);

    /* A reservation that would wrap size_t is refused, not wrapped. */
    cct_buf_init(&b, 0);
    assert_int_equal(b.limit, CCT_BUF_DEFAULT_LIMIT);
    assert_int_equal(cct_buf_reserve(&b, SIZE_MAX), CCT_ELIMIT);
    cct_buf_free(&b);
}

static void test_sticky(void **state)
{
    (void)state;
    struct cct_buf b;
    cct_buf_init(&b, 4);
    assert_int_equal(cct_buf_puts(&b, "abc"), 0);
    assert_int_equal(cct_buf_puts(&b, "de"), CCT_ELIMIT);
    /* Later appends that would fit still fail: the buffer is incomplete. */
    assert_int_equal(cct_buf_putc(&b, 'x'), CCT_ELIMIT);
    assert_int_equal(cct_buf_append(&b, "", 0), CCT_ELIMIT);
    assert_int_equal(b.failed, CCT_ELIMIT);
    assert_int_equal(b.len, 3);
    cct_buf_free(&b);
}

static void test_printf_steal(void **state)
{
    (void)state;
    struct cct_buf b;
    cct_buf_init(&b, 0);
    assert_int_equal(cct_buf_printf(&b, "%s-%04x", "ab", 0x1f), 0);
    assert_int_equal(cct_buf_puts(&b, "!"), 0);
    char *s = cct_buf_steal(&b);
    assert_string_equal(s, "ab-001f!");
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    free(s);
    /* Stealing an empty buffer gives an empty string. */
    s = cct_buf_steal(&b);
    assert_non_null(s);
    assert_string_equal(s, "");
    free(s);
    cct_buf_free(&b);
}

static void test_json_str(void **state)
{
    (void)state;
    static const char in[] = "a\"b\\c\nd\re\tf\x01g\x7f\xc3\xa9/";
    struct cct_buf b;
    cct_buf_init(&b, 0);
    assert_int_equal(cct_buf_json_str(&b, in, sizeof(in) - 1), 0);
    assert_string_equal((char *)b.data,
                        "\"a\\\"b\\\\c\\nd\\re\\tf\\u0001g\\u007f\\u00c3\\u00a9/\"");
    cct_buf_free(&b);

    /* Embedded NUL: the length, not strlen, decides. */
    cct_buf_init(&b, 0);
    assert_int_equal(cct_buf_json_str(&b, "x\0y", 3), 0);
    assert_string_equal((char *)b.data, "\"x\\u0000y\"");
    cct_buf_free(&b);

    cct_buf_init(&b, 0);
    assert_int_equal(cct_buf_json_str(&b, "", 0), 0);
    assert_string_equal((char *)b.data, "\"\"");
    cct_buf_free(&b);

    /* Escapes count against the cap. */
    cct_buf_init(&b, 5);
    assert_int_equal(cct_buf_json_str(&b, "\x01", 1), CCT_ELIMIT);
    cct_buf_free(&b);
}

static void test_hex(void **state)
{
    (void)state;
    static const uint8_t in[] = { 0x00, 0x01, 0xab, 0xff, 0x7e };
    struct cct_buf b;
    cct_buf_init(&b, 0);
    assert_int_equal(cct_buf_hex(&b, in, sizeof(in)), 0);
    assert_string_equal((char *)b.data, "0001abff7e");
    assert_int_equal(cct_buf_hex(&b, in, 0), 0);
    assert_int_equal(b.len, 10);
    cct_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_limit),        cmocka_unit_test(test_sticky),
        cmocka_unit_test(test_printf_steal), cmocka_unit_test(test_json_str),
        cmocka_unit_test(test_hex),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
