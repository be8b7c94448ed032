/* SPDX-License-Identifier: Apache-2.0 */
/* Public CCEL ACPI table parser on tables built here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <cctrusted/ccel.h>

#include "logbuilder.h"

/* ACPI header (ACPI 6.5, 5.2.6) + CC type, subtype, reserved, LAML, LASA. */
static void table(struct lb *b, uint8_t cc_type, uint64_t laml, uint64_t lasa, size_t extra)
{
    lb_init(b);
    lb_bytes(b, "CCEL", 4);
    lb_u32(b, (uint32_t)(56 + extra));
    lb_u8(b, 1); /* revision */
    lb_u8(b, 0); /* checksum, set below */
    lb_bytes(b, "OEMID ", 6);
    lb_bytes(b, "TABLEID ", 8);
    lb_u32(b, 2);
    lb_u32(b, 0x20202020);
    lb_u32(b, 0x01000013);
    lb_u8(b, cc_type);
    lb_u8(b, 0);
    lb_u16(b, 0);
    lb_u64(b, laml);
    lb_u64(b, lasa);
    lb_fill(b, 0, extra);
    uint8_t sum = 0;
    for (size_t i = 0; i < b->len; i++) {
        sum = (uint8_t)(sum + b->p[i]);
    }
    b->p[9] = (uint8_t)(0x100 - sum);
}

static void test_parse(void **state)
{
    (void)state;
    struct lb b;
    struct cct_ccel_table_info t;
    struct cct_error err;
    table(&b, CCT_CC_TYPE_TDX, 262144, 0xbedbf000, 0);
    assert_int_equal(cct_ccel_table_parse(b.p, b.len, &t, &err), 0);
    assert_string_equal(t.signature, "CCEL");
    assert_int_equal(t.length, 56);
    assert_int_equal(t.revision, 1);
    assert_int_equal(t.checksum, b.p[9]);
    assert_int_equal(t.checksum_ok, 1);
    assert_string_equal(t.oem_id, "OEMID ");
    assert_string_equal(t.oem_table_id, "TABLEID ");
    assert_int_equal(t.oem_revision, 2);
    assert_int_equal(t.cc_type, 2);
    assert_string_equal(cct_cc_type_name(t.cc_type), "TDX");
    assert_int_equal(t.laml, 262144);
    assert_int_equal(t.lasa, 0xbedbf000);
    assert_string_equal(cct_cc_type_name(CCT_CC_TYPE_SEV), "SEV");
    assert_null(cct_cc_type_name(0));
    assert_null(cct_cc_type_name(3));
    lb_free(&b);
}

static void test_bad(void **state)
{
    (void)state;
    struct lb b;
    struct cct_ccel_table_info t;
    struct cct_error err;
    memset(&t, 0x5a, sizeof(t));
    table(&b, CCT_CC_TYPE_TDX, 65536, 0x1000, 0);
    /* Every short prefix. */
    for (size_t n = 0; n < 56; n++) {
        assert_int_equal(cct_ccel_table_parse(b.p, n, &t, &err), CCT_ETRUNCATED);
    }
    /* Checksum. */
    b.p[40] ^= 0x10;
    cct_error_clear(&err);
    assert_int_equal(cct_ccel_table_parse(b.p, b.len, &t, &err), CCT_EMALFORMED);
    assert_non_null(strstr(err.message, "checksum"));
    b.p[40] ^= 0x10;
    /* Length field and input disagree. */
    assert_int_equal(cct_ccel_table_parse(b.p, b.len, &t, &err), 0);
    lb_u8(&b, 0);
    assert_int_equal(cct_ccel_table_parse(b.p, b.len, &t, &err), CCT_EMALFORMED);
    assert_non_null(strstr(err.message, "length"));
    lb_free(&b);
    /* Signature. */
    table(&b, CCT_CC_TYPE_SEV, 65536, 0x1000, 0);
    memcpy(b.p, "SSDT", 4);
    assert_int_equal(cct_ccel_table_parse(b.p, b.len, &t, &err), CCT_EMALFORMED);
    /* On failure the output is untouched. */
    assert_int_equal(t.signature[0], 'C');
    assert_int_equal(cct_ccel_table_parse(NULL, 0, &t, &err), CCT_EINVAL);
    assert_int_equal(cct_ccel_table_parse(b.p, b.len, NULL, &err), CCT_EINVAL);
    lb_free(&b);
    /* A longer table whose length field says so is accepted. */
    table(&b, CCT_CC_TYPE_SEV, 1, 2, 8);
    assert_int_equal(cct_ccel_table_parse(b.p, b.len, &t, NULL), 0);
    assert_int_equal(t.length, 64);
    assert_int_equal(t.cc_type, 1);
    lb_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_bad),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
