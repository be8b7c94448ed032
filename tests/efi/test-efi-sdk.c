/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Firmware SDK's logic (src/efi/sdk.c) against a fake
 * EFI_CC_MEASUREMENT_PROTOCOL (UEFI 2.10, 38.4) that behaves like a TDX
 * virtual firmware: a CC event log (TCG2 records, CC MR indices, 0xFF
 * after the last record), HashLogExtendEvent that checks the EFI_CC_EVENT
 * it is given and appends a record. No TDX firmware runs here; expected
 * RTMR values are computed with OpenSSL in this file. The environment of
 * the core is the fixed arena + the core's own SHA code (port-arena.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <json-c/json.h>

#include "logbuilder.h"
#include "protocols.h"
#include "sdk.h"

#define SHA384 0x000c
#define EV_IPL 0xd
#define EV_SEPARATOR 0x4
#define AREA (64 * 1024)

static const uint16_t BANK[] = { SHA384 };

struct fake {
    struct cct_efi_cc_protocol proto;
    uint8_t area[AREA]; /* the log area, 0xFF beyond the log */
    size_t len, last;
    uint8_t cc_type;
    int last_entry_past_end; /* report a last entry where no record starts */
    /* what HashLogExtendEvent received */
    int extends;
    uint64_t flags;
    uint8_t event[256];
    uint8_t rtmr[4][48]; /* expected values, by OpenSSL */
};

static struct fake *self_of(struct cct_efi_cc_protocol *p)
{
    return (struct fake *)p;
}

static cct_efi_status CCT_EFIAPI fake_cap(struct cct_efi_cc_protocol *p,
                                          struct cct_efi_cc_capability *cap)
{
    if (cap->size < sizeof(*cap)) {
        return CCT_EFI_BUFFER_TOO_SMALL;
    }
    cap->protocol_version.major = 1;
    cap->hash_algorithm_bitmap = CCT_EFI_TCG2_HASH_SHA384;
    cap->supported_event_logs = CCT_EFI_CC_LOG_FORMAT_TCG_2;
    cap->cc_type = self_of(p)->cc_type;
    return CCT_EFI_SUCCESS;
}

static cct_efi_status CCT_EFIAPI fake_log(struct cct_efi_cc_protocol *p, uint32_t format,
                                          uint64_t *loc, uint64_t *last, uint8_t *trunc)
{
    struct fake *f = self_of(p);
    if (format != CCT_EFI_CC_LOG_FORMAT_TCG_2) {
        return CCT_EFI_INVALID_PARAMETER;
    }
    *loc = (uint64_t)(uintptr_t)f->area;
    *last = (uint64_t)(uintptr_t)(f->area + (f->last_entry_past_end ? f->len + 8 : f->last));
    *trunc = 0;
    return CCT_EFI_SUCCESS;
}

static void measure(struct fake *f, uint32_t rtmr, uint32_t type, const void *data, size_t n)
{
    struct lb b;
    uint8_t d[48];
    lb_init(&b);
    lb_event2(&b, rtmr + 1, type, BANK, 1, data, n); /* CC MR index = RTMR + 1 */
    assert_true(f->len + b.len <= AREA);
    memcpy(f->area + f->len, b.p, b.len);
    f->last = f->len;
    f->len += b.len;
    lb_free(&b);
    lb_hash(SHA384, data, n, d);
    lb_hash2(SHA384, f->rtmr[rtmr], 48, d, 48, f->rtmr[rtmr]);
}

static cct_efi_status CCT_EFIAPI fake_extend(struct cct_efi_cc_protocol *p, uint64_t flags,
                                             uint64_t data, uint64_t len, void *event)
{
    struct fake *f = self_of(p);
    uint32_t size, mr, type;
    memcpy(&size, event, 4);
    f->extends++;
    f->flags = flags;
    if (size > sizeof(f->event) || size < 18) {
        return CCT_EFI_INVALID_PARAMETER;
    }
    memcpy(f->event, event, size);
    memcpy(&mr, f->event + 10, 4);
    memcpy(&type, f->event + 14, 4);
    if (mr < 1 || mr > 4) {
        return CCT_EFI_INVALID_PARAMETER;
    }
    measure(f, mr - 1, type, (const void *)(uintptr_t)data, (size_t)len);
    return CCT_EFI_SUCCESS;
}

static struct fake *new_fake(void)
{
    struct fake *f = calloc(1, sizeof(*f));
    struct lb b;
    assert_non_null(f);
    f->proto.get_capability = fake_cap;
    f->proto.get_event_log = fake_log;
    f->proto.hash_log_extend_event = fake_extend;
    f->cc_type = CCT_EFI_CC_TYPE_TDX;
    memset(f->area, 0xff, sizeof(f->area));
    lb_init(&b);
    lb_header(&b, 0, BANK, 1);
    memcpy(f->area, b.p, b.len);
    f->len = f->last = b.len;
    lb_free(&b);
    measure(f, 0, 0x80000008, "firmware volume", 15);
    measure(f, 0, EV_SEPARATOR, "\0\0\0\0", 4);
    measure(f, 1, EV_SEPARATOR, "\0\0\0\0", 4);
    measure(f, 1, 0x80000003, "shim", 4);
    return f;
}

static void *sys_alloc(size_t n)
{
    return malloc(n);
}

static json_object *run(struct fake *f, const struct efi_request *req, struct efi_sdk *sdk)
{
    memset(sdk, 0, sizeof(*sdk));
    sdk->env.alloc = sys_alloc;
    sdk->env.release = free;
    sdk->cc = &f->proto;
    assert_int_equal(efi_sdk_run(sdk, req), 0);
    json_object *o = json_tokener_parse(sdk->out.p);
    assert_non_null(o);
    free(sdk->out.p);
    return o;
}

static const char *str(json_object *o, const char *k)
{
    json_object *v = NULL;
    return json_object_object_get_ex(o, k, &v) ? json_object_get_string(v) : NULL;
}

static json_object *member(json_object *o, const char *k)
{
    json_object *v = NULL;
    return json_object_object_get_ex(o, k, &v) ? v : NULL;
}

/* The RTMR values the SDK reports equal rtmr. */
static void check_rtmrs(json_object *o, uint8_t rtmr[4][48])
{
    json_object *m = member(o, "measurements");
    assert_non_null(m);
    assert_int_equal(json_object_array_length(m), 4);
    for (size_t i = 0; i < 4; i++) {
        json_object *e = json_object_array_get_idx(m, i);
        char hex[97];
        for (size_t k = 0; k < 48; k++) {
            static const char hx[] = "0123456789abcdef";
            hex[2 * k] = hx[rtmr[i][k] >> 4];
            hex[2 * k + 1] = hx[rtmr[i][k] & 15];
        }
        hex[96] = 0;
        assert_string_equal(str(e, "register"), "rtmr");
        assert_int_equal(json_object_get_int(member(e, "index")), (int)i);
        assert_string_equal(str(e, "digest"), hex);
    }
}

static void test_cc_calls(void **state)
{
    (void)state;
    struct fake *f = new_fake();
    struct efi_sdk sdk;
    struct efi_request req;
    memset(&req, 0, sizeof(req));
    req.extend = 1;
    req.extend_index = EFI_EXTEND_DEFAULT;
    req.extend_data = "cc extend";
    req.quote = 1;
    uint8_t before[4][48];
    size_t len0 = f->len;
    memcpy(before, f->rtmr, sizeof(before));
    json_object *o = run(f, &req, &sdk);
    assert_string_equal(str(o, "platform"), "tdx");
    assert_string_equal(str(o, "default_algorithm"), "sha384");
    assert_int_equal(json_object_get_int(member(o, "register_count")), 4);
    json_object *log = member(o, "eventlog");
    assert_string_equal(str(log, "format"), "ccel");
    assert_int_equal(json_object_get_int(member(log, "events")), 5);
    assert_int_equal(json_object_get_int64(member(log, "bytes")), (int64_t)len0);
    /* the measurements (replay of the log) were taken before the extend */
    check_rtmrs(o, before);
    /* a report needs a TD: refused, not faked */
    assert_non_null(str(member(o, "quote"), "error"));
    /* the extend: RTMR2 is CC MR index 3, an EFI_CC_EVENT of 18 + 9 bytes */
    assert_int_equal(f->extends, 1);
    uint32_t size, hsize, mr, type;
    uint16_t hver;
    memcpy(&size, f->event, 4);
    memcpy(&hsize, f->event + 4, 4);
    memcpy(&hver, f->event + 8, 2);
    memcpy(&mr, f->event + 10, 4);
    memcpy(&type, f->event + 14, 4);
    assert_int_equal(size, 18 + 9);
    assert_int_equal(hsize, 14);
    assert_int_equal(hver, 1);
    assert_int_equal(mr, 3);
    assert_int_equal(type, EV_IPL);
    assert_memory_equal(f->event + 18, "cc extend", 9);
    assert_int_equal(f->flags, 0);
    json_object *ext = member(o, "extend");
    assert_int_equal(json_object_get_int(member(ext, "index")), 2);
    assert_int_equal(json_object_get_int(member(ext, "logged_index")), 3);
    json_object_put(o);

    /* a second run sees the extend in the log and in the replayed RTMR2 */
    memset(&req, 0, sizeof(req));
    o = run(f, &req, &sdk);
    assert_int_equal(json_object_get_int(member(member(o, "eventlog"), "events")), 6);
    check_rtmrs(o, f->rtmr);
    json_object_put(o);
    free(f);
}

static void test_cc_bad_last_entry(void **state)
{
    (void)state;
    struct fake *f = new_fake();
    struct efi_sdk sdk;
    struct efi_request req;
    memset(&req, 0, sizeof(req));
    f->last_entry_past_end = 1;
    json_object *o = run(f, &req, &sdk);
    json_object *log = member(o, "eventlog");
    assert_non_null(str(log, "error"));
    assert_null(member(o, "measurements")); /* no replay, no values */
    json_object_put(o);
    free(f);
}

static void test_cc_not_tdx(void **state)
{
    (void)state;
    struct fake *f = new_fake();
    struct efi_sdk sdk;
    struct efi_request req;
    memset(&req, 0, sizeof(req));
    f->cc_type = CCT_EFI_CC_TYPE_SEV;
    json_object *o = run(f, &req, &sdk);
    assert_non_null(str(member(o, "capability"), "error"));
    assert_null(member(o, "measurements"));
    json_object_put(o);
    free(f);
}

static void test_no_protocol(void **state)
{
    (void)state;
    struct efi_sdk sdk;
    struct efi_request req;
    memset(&sdk, 0, sizeof(sdk));
    memset(&req, 0, sizeof(req));
    sdk.env.alloc = sys_alloc;
    sdk.env.release = free;
    assert_int_equal(efi_sdk_run(&sdk, &req), 0);
    json_object *o = json_tokener_parse(sdk.out.p);
    assert_string_equal(str(o, "platform"), "none");
    assert_non_null(str(member(o, "capability"), "error"));
    json_object_put(o);
    free(sdk.out.p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cc_calls),
        cmocka_unit_test(test_cc_bad_last_entry),
        cmocka_unit_test(test_cc_not_tdx),
        cmocka_unit_test(test_no_protocol),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
