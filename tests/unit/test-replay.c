/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Replay: initial values, locality, EV_NO_ACTION, several banks, lookups of
 * untouched registers and the two workarounds. Expected values are computed
 * here with OpenSSL's EVP_Digest (through logbuilder.c), not with the
 * library's crypto layer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <cctrusted/replay.h>

#include "formats/tcg/tcg.h"
#include "logbuilder.h"

static const uint16_t B3[] = { CCT_ALG_SHA1, CCT_ALG_SHA256, CCT_ALG_SHA384 };
static const uint8_t zero4[4];

/* An event with digest_bank = H_bank(data) for each bank; digests live in store. */
struct built {
    struct cct_event ev;
    uint8_t store[CCT_MAX_DIGESTS][64];
};

static void mk(struct built *b, enum cct_reg_kind kind, uint32_t index, uint32_t type,
               const uint16_t *algs, size_t n, const void *data, size_t len)
{
    memset(b, 0, sizeof(*b));
    b->ev.kind = kind;
    b->ev.index = index;
    b->ev.index_logged = index;
    b->ev.type = type;
    b->ev.n_digests = n;
    for (size_t i = 0; i < n; i++) {
        b->ev.digests[i].alg = algs[i];
        b->ev.digests[i].size = (uint16_t)lb_hash(algs[i], data, len, b->store[i]);
        b->ev.digests[i].bytes = b->store[i];
    }
    b->ev.data = data;
    b->ev.data_len = len;
}

/* reg = H(reg || H(data)) */
static void extend_data(uint16_t alg, uint8_t *reg, const void *data, size_t len)
{
    uint8_t d[64];
    size_t n = lb_hash(alg, data, len, d);
    assert_int_not_equal(n, 0);
    lb_hash2(alg, reg, n, d, n, reg);
}

static void expect_reg(cct_replay *r, enum cct_reg_kind kind, uint32_t index, uint16_t alg,
                       const uint8_t *want, uint64_t n_events)
{
    struct cct_register reg;
    assert_int_equal(cct_replay_lookup(r, kind, index, alg, &reg), 0);
    assert_int_equal(reg.size, lb_alg_size(alg));
    assert_memory_equal(reg.digest, want, reg.size);
    assert_int_equal(reg.n_events, n_events);
}

static void test_initial_values(void **state)
{
    (void)state;
    uint8_t out[64];
    for (uint32_t i = 0; i < 24; i++) {
        for (size_t k = 0; k < 3; k++) {
            size_t n = lb_alg_size(B3[k]);
            memset(out, 0x55, sizeof(out));
            assert_int_equal(cct_register_initial(CCT_REG_PCR, i, B3[k], 0, out, sizeof(out)), 0);
            for (size_t j = 0; j < n; j++) {
                assert_int_equal(out[j], i >= 17 && i <= 22 ? 0xff : 0x00);
            }
        }
    }
    assert_int_equal(cct_register_initial(CCT_REG_PCR, 0, CCT_ALG_SHA256, 3, out, sizeof(out)), 0);
    for (size_t j = 0; j < 31; j++) {
        assert_int_equal(out[j], 0);
    }
    assert_int_equal(out[31], 3);
    /* Locality is a PCR0 rule only. */
    assert_int_equal(cct_register_initial(CCT_REG_PCR, 1, CCT_ALG_SHA256, 3, out, sizeof(out)), 0);
    assert_int_equal(out[31], 0);
    assert_int_equal(cct_register_initial(CCT_REG_RTMR, 0, CCT_ALG_SHA384, 3, out, sizeof(out)), 0);
    assert_int_equal(out[47], 0);
    assert_int_equal(cct_register_initial(CCT_REG_RTMR, 17, CCT_ALG_SHA384, 0, out, sizeof(out)),
                     0);
    assert_int_equal(out[0], 0); /* 0xFF is for TPM PCR 17-22 only */
    assert_int_equal(cct_register_initial(CCT_REG_PCR, 0, 0x0001, 0, out, sizeof(out)),
                     CCT_EUNSUPPORTED);
    assert_int_equal(cct_register_initial(CCT_REG_PCR, 0, CCT_ALG_SHA256, 0, out, 31), CCT_EINVAL);
}

static void test_startup_locality(void **state)
{
    (void)state;
    static const char loc3[17] = "StartupLocality\0\x03";
    static const char crtm[] = "crtm version";
    struct built sl, ev;
    cct_replay *r;
    uint8_t want[64];
    assert_int_equal(cct_replay_new(NULL, &r), 0);
    mk(&sl, CCT_REG_PCR, 0, EV_NO_ACTION, B3, 2, loc3, sizeof(loc3));
    mk(&ev, CCT_REG_PCR, 0, EV_S_CRTM_VERSION, B3, 2, crtm, sizeof(crtm) - 1);
    assert_int_equal(cct_replay_event(r, &sl.ev), 0);
    assert_int_equal(cct_replay_event(r, &ev.ev), 0);
    for (size_t k = 0; k < 2; k++) {
        size_t n = lb_alg_size(B3[k]);
        memset(want, 0, n);
        want[n - 1] = 3;
        extend_data(B3[k], want, crtm, sizeof(crtm) - 1);
        expect_reg(r, CCT_REG_PCR, 0, B3[k], want, 1);
    }
    struct cct_register reg;
    assert_int_equal(cct_replay_lookup(r, CCT_REG_PCR, 0, CCT_ALG_SHA256, &reg), 0);
    assert_int_equal(reg.locality, 3);
    /* An untouched PCR0 bank also starts at locality 3. */
    assert_int_equal(cct_replay_lookup(r, CCT_REG_PCR, 0, CCT_ALG_SHA384, &reg), 0);
    assert_int_equal(reg.n_events, 0);
    assert_int_equal(reg.digest[47], 3);
    cct_replay_free(r);

    /* A StartupLocality seen after PCR0 was extended changes nothing. */
    assert_int_equal(cct_replay_new(NULL, &r), 0);
    assert_int_equal(cct_replay_event(r, &ev.ev), 0);
    assert_int_equal(cct_replay_event(r, &sl.ev), 0);
    memset(want, 0, 32);
    extend_data(CCT_ALG_SHA256, want, crtm, sizeof(crtm) - 1);
    expect_reg(r, CCT_REG_PCR, 0, CCT_ALG_SHA256, want, 1);
    cct_replay_free(r);
}

static void test_hcrtm(void **state)
{
    (void)state;
    static const char blob[] = "HCRTM";
    struct built h;
    cct_replay *r;
    uint8_t want[64] = { 0 };
    assert_int_equal(cct_replay_new(NULL, &r), 0);
    mk(&h, CCT_REG_PCR, 0, EV_EFI_HCRTM_EVENT, B3 + 1, 1, blob, 5);
    assert_int_equal(cct_replay_event(r, &h.ev), 0);
    want[31] = 4;
    extend_data(CCT_ALG_SHA256, want, blob, 5);
    expect_reg(r, CCT_REG_PCR, 0, CCT_ALG_SHA256, want, 1);
    cct_replay_free(r);
}

static void test_no_action_never_extends(void **state)
{
    (void)state;
    struct built na, hdr;
    cct_replay *r;
    uint8_t zero[64] = { 0 };
    assert_int_equal(cct_replay_new(NULL, &r), 0);
    mk(&na, CCT_REG_PCR, 5, EV_NO_ACTION, B3, 3, "x", 1);
    mk(&hdr, CCT_REG_PCR, 6, EV_POST_CODE, B3, 3, "y", 1);
    hdr.ev.flags = CCT_EVENT_F_HEADER;
    assert_int_equal(cct_replay_event(r, &na.ev), 0);
    assert_int_equal(cct_replay_event(r, &hdr.ev), 0);
    assert_int_equal(cct_replay_count(r), 0);
    expect_reg(r, CCT_REG_PCR, 5, CCT_ALG_SHA256, zero, 0);
    expect_reg(r, CCT_REG_PCR, 6, CCT_ALG_SHA256, zero, 0);
    /* Nor does MRTD: it is measured at build time, not extended by a log. */
    mk(&na, CCT_REG_MRTD, 0, EV_EVENT_TAG, B3 + 2, 1, "td", 2);
    assert_int_equal(cct_replay_event(r, &na.ev), 0);
    assert_int_equal(cct_replay_count(r), 0);
    cct_replay_free(r);
}

static void test_multi_bank(void **state)
{
    (void)state;
    static const char *data[] = { "one", "two", "three" };
    struct built ev;
    cct_replay *r;
    uint8_t want[3][64], rtmr[64] = { 0 };
    memset(want, 0, sizeof(want));
    assert_int_equal(cct_replay_new(NULL, &r), 0);
    for (size_t i = 0; i < 3; i++) {
        mk(&ev, CCT_REG_PCR, 7, EV_EFI_VARIABLE_DRIVER_CONFIG, B3, 3, data[i], strlen(data[i]));
        assert_int_equal(cct_replay_event(r, &ev.ev), 0);
        for (size_t k = 0; k < 3; k++) {
            extend_data(B3[k], want[k], data[i], strlen(data[i]));
        }
    }
    /* Same index, other register file: kept apart. */
    mk(&ev, CCT_REG_RTMR, 7, EV_EVENT_TAG, B3 + 2, 1, "rtmr", 4);
    assert_int_equal(cct_replay_event(r, &ev.ev), 0);
    extend_data(CCT_ALG_SHA384, rtmr, "rtmr", 4);
    for (size_t k = 0; k < 3; k++) {
        expect_reg(r, CCT_REG_PCR, 7, B3[k], want[k], 3);
    }
    expect_reg(r, CCT_REG_RTMR, 7, CCT_ALG_SHA384, rtmr, 1);
    /* get() lists registers sorted by kind, index, algorithm. */
    assert_int_equal(cct_replay_count(r), 4);
    struct cct_register reg;
    static const uint16_t order[] = { CCT_ALG_SHA1, CCT_ALG_SHA256, CCT_ALG_SHA384 };
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(cct_replay_get(r, i, &reg), 0);
        assert_int_equal(reg.kind, CCT_REG_PCR);
        assert_int_equal(reg.alg, order[i]);
        assert_memory_equal(reg.digest, want[i], reg.size);
    }
    assert_int_equal(cct_replay_get(r, 3, &reg), 0);
    assert_int_equal(reg.kind, CCT_REG_RTMR);
    assert_int_equal(cct_replay_get(r, 4, &reg), CCT_EINVAL);
    cct_replay_free(r);
}

static void test_lookup_untouched(void **state)
{
    (void)state;
    cct_replay *r;
    struct cct_register reg;
    uint8_t ff[64], zero[64] = { 0 };
    memset(ff, 0xff, sizeof(ff));
    assert_int_equal(cct_replay_new(NULL, &r), 0);
    expect_reg(r, CCT_REG_PCR, 17, CCT_ALG_SHA256, ff, 0);
    expect_reg(r, CCT_REG_PCR, 22, CCT_ALG_SHA1, ff, 0);
    expect_reg(r, CCT_REG_PCR, 23, CCT_ALG_SHA256, zero, 0);
    expect_reg(r, CCT_REG_RTMR, 3, CCT_ALG_SHA384, zero, 0);
    assert_int_equal(cct_replay_lookup(r, CCT_REG_PCR, 1, 0x0001, &reg), CCT_EUNSUPPORTED);
    assert_int_equal(cct_replay_count(r), 0); /* lookups create nothing */
    cct_replay_free(r);
}

static void test_bad_events(void **state)
{
    (void)state;
    struct built ev;
    cct_replay *r;
    assert_int_equal(cct_replay_new(NULL, &r), 0);
    mk(&ev, CCT_REG_PCR, 1, EV_POST_CODE, B3, 1, "x", 1);
    ev.ev.digests[0].size = 19; /* a SHA-1 digest that is not 20 bytes */
    assert_int_equal(cct_replay_event(r, &ev.ev), CCT_EMALFORMED);
    mk(&ev, CCT_REG_PCR, 1, EV_POST_CODE, B3, 1, "x", 1);
    ev.ev.digests[0].alg = 0x0001;
    assert_int_equal(cct_replay_event(r, &ev.ev), CCT_EUNSUPPORTED);
    uint8_t d[32] = { 0 };
    assert_int_equal(cct_replay_extend(r, CCT_REG_PCR, 1, CCT_ALG_SHA256, d, 20), CCT_EINVAL);
    assert_int_equal(cct_replay_extend(r, CCT_REG_PCR, 1, CCT_ALG_SHA256, NULL, 32), CCT_EINVAL);
    assert_int_equal(cct_replay_event(NULL, &ev.ev), CCT_EINVAL);
    struct cct_replay_options o = CCT_REPLAY_OPTIONS_INIT;
    cct_replay *r2 = NULL;
    o.version = 7;
    assert_int_equal(cct_replay_new(&o, &r2), CCT_EINVAL);
    assert_null(r2);
    cct_replay_free(r);
    cct_replay_free(NULL);
}

static void test_extend_direct(void **state)
{
    (void)state;
    cct_replay *r;
    uint8_t d[32], want[32] = { 0 };
    assert_int_equal(cct_replay_new(NULL, &r), 0);
    memset(d, 0x42, sizeof(d));
    assert_int_equal(cct_replay_extend(r, CCT_REG_RTMR, 2, CCT_ALG_SHA256, d, 32), 0);
    lb_hash2(CCT_ALG_SHA256, want, 32, d, 32, want);
    expect_reg(r, CCT_REG_RTMR, 2, CCT_ALG_SHA256, want, 1);
    cct_replay_free(r);
}

/* get() orders the table; registers added or extended after a get() land in the right place. */
static void test_get_after_change(void **state)
{
    (void)state;
    cct_replay *r;
    struct cct_register reg;
    uint8_t a[32], b[32], w5[32] = { 0 }, w1[32] = { 0 };
    memset(a, 0x11, sizeof(a));
    memset(b, 0x22, sizeof(b));
    assert_int_equal(cct_replay_new(NULL, &r), 0);
    assert_int_equal(cct_replay_extend(r, CCT_REG_PCR, 5, CCT_ALG_SHA256, a, 32), 0);
    assert_int_equal(cct_replay_get(r, 0, &reg), 0);
    assert_int_equal(reg.index, 5);
    /* PCR1 sorts before PCR5 although it was added after the first get(). */
    assert_int_equal(cct_replay_extend(r, CCT_REG_PCR, 1, CCT_ALG_SHA256, b, 32), 0);
    assert_int_equal(cct_replay_get(r, 0, &reg), 0);
    assert_int_equal(reg.index, 1);
    assert_int_equal(cct_replay_get(r, 1, &reg), 0);
    assert_int_equal(reg.index, 5);
    /* Extending PCR5 again after the reorder goes into PCR5, not the slot it had. */
    assert_int_equal(cct_replay_extend(r, CCT_REG_PCR, 5, CCT_ALG_SHA256, b, 32), 0);
    lb_hash2(CCT_ALG_SHA256, w5, 32, a, 32, w5);
    lb_hash2(CCT_ALG_SHA256, w5, 32, b, 32, w5);
    lb_hash2(CCT_ALG_SHA256, w1, 32, b, 32, w1);
    expect_reg(r, CCT_REG_PCR, 5, CCT_ALG_SHA256, w5, 2);
    expect_reg(r, CCT_REG_PCR, 1, CCT_ALG_SHA256, w1, 1);
    assert_int_equal(cct_replay_get(r, 1, &reg), 0);
    assert_int_equal(reg.index, 5);
    assert_memory_equal(reg.digest, w5, 32);
    cct_replay_free(r);
}

static void test_ebs_missing(void **state)
{
    (void)state;
    static const char inv[] = "Exit Boot Services Invocation";
    static const char ok[] = "Exit Boot Services Returned with Success";
    struct built sep, other;
    uint8_t plain[2][64], fixed[2][64], pcr4[64] = { 0 };
    memset(plain, 0, sizeof(plain));
    for (int wa = 0; wa < 2; wa++) {
        struct cct_replay_options o = CCT_REPLAY_OPTIONS_INIT;
        cct_replay *r;
        o.workarounds = wa ? CCT_WORKAROUND_EBS_MISSING : 0;
        assert_int_equal(cct_replay_new(&o, &r), 0);
        mk(&sep, CCT_REG_PCR, 5, EV_SEPARATOR, B3, 2, zero4, 4);
        mk(&other, CCT_REG_PCR, 4, EV_SEPARATOR, B3, 2, zero4, 4);
        assert_int_equal(cct_replay_event(r, &sep.ev), 0);
        assert_int_equal(cct_replay_event(r, &other.ev), 0);
        assert_int_equal(cct_replay_finish(r), 0);
        for (size_t k = 0; k < 2; k++) {
            uint8_t want[64] = { 0 };
            extend_data(B3[k], want, zero4, 4);
            memcpy(plain[k], want, sizeof(want));
            if (wa) {
                extend_data(B3[k], want, inv, sizeof(inv) - 1);
                extend_data(B3[k], want, ok, sizeof(ok) - 1);
                memcpy(fixed[k], want, sizeof(want));
            }
            expect_reg(r, CCT_REG_PCR, 5, B3[k], want, wa ? 3 : 1);
            /* Other registers are not touched by the workaround. */
            memset(pcr4, 0, sizeof(pcr4));
            extend_data(B3[k], pcr4, zero4, 4);
            expect_reg(r, CCT_REG_PCR, 4, B3[k], pcr4, 1);
        }
        assert_int_equal(cct_replay_workarounds_applied(r), wa ? CCT_WORKAROUND_EBS_MISSING : 0);
        cct_replay_free(r);
    }
    assert_memory_not_equal(plain[0], fixed[0], 20);
}

static void test_dup_separator(void **state)
{
    (void)state;
    struct built s7, s4;
    for (int wa = 0; wa < 2; wa++) {
        struct cct_replay_options o = CCT_REPLAY_OPTIONS_INIT;
        cct_replay *r;
        o.workarounds = wa ? CCT_WORKAROUND_DUP_SEPARATOR : 0;
        assert_int_equal(cct_replay_new(&o, &r), 0);
        mk(&s7, CCT_REG_RTMR, 0, EV_SEPARATOR, B3 + 2, 1, zero4, 4);
        mk(&s4, CCT_REG_RTMR, 1, EV_SEPARATOR, B3 + 2, 1, zero4, 4);
        assert_int_equal(cct_replay_event(r, &s7.ev), 0);
        assert_int_equal(cct_replay_event(r, &s4.ev), 0);
        assert_int_equal(cct_replay_event(r, &s7.ev), 0); /* second separator on RTMR0 */
        uint8_t want0[64] = { 0 }, want1[64] = { 0 };
        extend_data(CCT_ALG_SHA384, want0, zero4, 4);
        if (!wa) {
            extend_data(CCT_ALG_SHA384, want0, zero4, 4);
        }
        extend_data(CCT_ALG_SHA384, want1, zero4, 4);
        expect_reg(r, CCT_REG_RTMR, 0, CCT_ALG_SHA384, want0, wa ? 1 : 2);
        expect_reg(r, CCT_REG_RTMR, 1, CCT_ALG_SHA384, want1, 1);
        assert_int_equal(cct_replay_workarounds_applied(r), wa ? CCT_WORKAROUND_DUP_SEPARATOR : 0);
        cct_replay_free(r);
    }
}

static void test_workaround_names(void **state)
{
    (void)state;
    assert_string_equal(cct_workaround_name(CCT_WORKAROUND_EBS_MISSING), "ebs-missing");
    assert_string_equal(cct_workaround_name(CCT_WORKAROUND_DUP_SEPARATOR), "dup-separator");
    assert_null(cct_workaround_name(0x80));
    assert_int_equal(cct_workaround_from_name("ebs-missing"), CCT_WORKAROUND_EBS_MISSING);
    assert_int_equal(cct_workaround_from_name("dup-separator"), CCT_WORKAROUND_DUP_SEPARATOR);
    assert_int_equal(cct_workaround_from_name("EBS-MISSING"), 0);
    assert_int_equal(cct_workaround_from_name(NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_initial_values),
        cmocka_unit_test(test_startup_locality),
        cmocka_unit_test(test_hcrtm),
        cmocka_unit_test(test_no_action_never_extends),
        cmocka_unit_test(test_multi_bank),
        cmocka_unit_test(test_lookup_untouched),
        cmocka_unit_test(test_bad_events),
        cmocka_unit_test(test_extend_direct),
        cmocka_unit_test(test_ebs_missing),
        cmocka_unit_test(test_dup_separator),
        cmocka_unit_test(test_workaround_names),
        cmocka_unit_test(test_get_after_change),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
