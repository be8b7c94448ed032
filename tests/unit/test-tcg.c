/* SPDX-License-Identifier: Apache-2.0 */
/*
 * TCG2, TCG1.2 and CCEL record parsing on logs built by logbuilder.c:
 * truncation at every byte, malformed headers and records, limits, CCEL
 * index mapping and padding.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <cctrusted/eventlog.h>
#include <cctrusted/replay.h>

#include "formats/tcg/tcg.h"
#include "logbuilder.h"

/* Fail with a message (printed to stdout before cmocka's own report). */
#define FAILF(...)                                                                                 \
    do {                                                                                           \
        print_message(__VA_ARGS__);                                                                \
        print_message("\n");                                                                       \
        fail();                                                                                    \
    } while (0)

static const uint16_t B2[] = { CCT_ALG_SHA1, CCT_ALG_SHA256 };
static const uint16_t B384[] = { CCT_ALG_SHA384 };
static const uint8_t zero4[4], zero20[20];

struct result {
    int open_rc;
    struct cct_error open_err;
    enum cct_log_format format;
    size_t n;   /* events produced */
    int end_rc; /* 0 or the error that stopped the iteration */
    struct cct_error err;
    uint64_t padding;
    struct cct_event first, last;
};

static void run(const uint8_t *p, size_t len, enum cct_log_format fmt, size_t max_event,
                struct result *res)
{
    struct cct_eventlog_options o = CCT_EVENTLOG_OPTIONS_INIT;
    cct_eventlog *log = NULL;
    struct cct_event ev;
    int r;

    memset(res, 0, sizeof(*res));
    o.format = fmt;
    o.max_event_size = max_event;
    cct_error_clear(&res->open_err);
    res->open_rc = cct_eventlog_from_memory(p, len, &o, &log, &res->open_err);
    if (res->open_rc < 0) {
        assert_null(log);
        return;
    }
    res->format = cct_eventlog_format(log);
    while ((r = cct_eventlog_next(log, &ev)) > 0) {
        if (res->n == 0) {
            res->first = ev;
        }
        res->last = ev;
        res->n++;
    }
    res->end_rc = r;
    res->err = *cct_eventlog_error(log);
    res->padding = cct_eventlog_padding(log);
    /* A failed log stays failed. */
    if (r < 0) {
        assert_int_equal(cct_eventlog_next(log, &ev), r);
    } else {
        assert_int_equal(cct_eventlog_next(log, &ev), 0);
    }
    cct_eventlog_free(log);
}

/* A crypto-agile log whose records start with PCR0 bytes (00 00 00 00) so
 * that cuts inside their headers look like zero padding. */
static void build_tcg2(struct lb *b)
{
    static const char act[] = "Calling EFI Application from Boot Option";
    lb_init(b);
    lb_header(b, 0, B2, 2);
    lb_event2(b, 0, EV_S_CRTM_VERSION, B2, 2, "1.0\0", 4);
    lb_event2(b, 0, EV_POST_CODE, B2, 2, "POST CODE", 9);
    lb_event2(b, 7, EV_SEPARATOR, B2, 2, zero4, 4);
    lb_event2(b, 4, EV_EFI_ACTION, B2 + 1, 1, act, sizeof(act) - 1);
    lb_event2(b, 0, EV_NO_ACTION, B2, 2, "", 0);
    lb_event2(b, 5, EV_SEPARATOR, B2, 2, zero4, 4);
}

static void build_tcg1(struct lb *b)
{
    lb_init(b);
    lb_legacy(b, 0, EV_S_CRTM_VERSION, NULL, "1.0\0", 4);
    lb_legacy(b, 0, EV_POST_CODE, NULL, "POST", 4);
    lb_legacy(b, 4, EV_SEPARATOR, NULL, zero4, 4);
    lb_legacy(b, 0, EV_SEPARATOR, NULL, zero4, 4);
}

static void build_ccel(struct lb *b)
{
    lb_init(b);
    lb_header(b, 1, B384, 1);
    lb_event2(b, 1, EV_EFI_PLATFORM_FIRMWARE_BLOB2, B384, 1, "blob", 4);
    lb_event2(b, 0, EV_EVENT_TAG, B384, 1, "td", 2);
    lb_event2(b, 2, EV_SEPARATOR, B384, 1, zero4, 4);
    lb_event2(b, 3, EV_EVENT_TAG, B384, 1, "r2", 2);
    lb_event2(b, 4, EV_EVENT_TAG, B384, 1, "r3", 2);
}

/* Cut the log at every byte: the prefix is either a clean shorter log (cut
 * at a record boundary) or fails with CCT_ETRUNCATED naming the first
 * incomplete record and its offset. */
static void truncate_everywhere(const struct lb *b, enum cct_log_format want_fmt)
{
    for (size_t cut = 0; cut <= b->len; cut++) {
        struct result res;
        size_t k = 0; /* complete records in the prefix */
        while (k < b->n_records && (k + 1 < b->n_records ? b->start[k + 1] : b->len) <= cut) {
            k++;
        }
        int boundary = k == b->n_records ? cut == b->len : cut == b->start[k];
        run(b->p, cut, CCT_LOG_AUTO, 0, &res);
        if (cut == 0) {
            assert_int_equal(res.open_rc, CCT_EMALFORMED);
            continue;
        }
        if (k == 0) {
            /* Inside the first record the format cannot be told. */
            if (res.open_rc != CCT_ETRUNCATED) {
                FAILF("cut %zu: open gave %d", cut, res.open_rc);
            }
            assert_int_equal(res.open_err.event, 0);
            assert_int_equal(res.open_err.offset, 0);
            continue;
        }
        if (res.open_rc != 0) {
            FAILF("cut %zu: open failed: %s", cut, res.open_err.message);
        }
        assert_int_equal(res.format, want_fmt);
        if (res.n != k) {
            FAILF("cut %zu: %zu events, expected %zu (%s)", cut, res.n, k, res.err.message);
        }
        if (boundary) {
            if (res.end_rc != 0) {
                FAILF("cut %zu at a boundary: %s", cut, res.err.message);
            }
            assert_int_equal(res.padding, 0);
        } else {
            if (res.end_rc != CCT_ETRUNCATED) {
                FAILF("cut %zu: end %d (%s), expected CCT_ETRUNCATED", cut, res.end_rc,
                      res.err.message);
            }
            assert_int_equal(res.err.event, (int64_t)k);
            assert_int_equal(res.err.offset, (int64_t)b->start[k]);
        }
    }
}

static void test_truncation_tcg2(void **state)
{
    (void)state;
    struct lb b;
    build_tcg2(&b);
    truncate_everywhere(&b, CCT_LOG_TCG2);
    lb_free(&b);
}

static void test_truncation_tcg1(void **state)
{
    (void)state;
    struct lb b;
    build_tcg1(&b);
    truncate_everywhere(&b, CCT_LOG_TCG1);
    lb_free(&b);
}

static void test_truncation_ccel(void **state)
{
    (void)state;
    struct lb b;
    build_ccel(&b);
    truncate_everywhere(&b, CCT_LOG_CCEL);
    lb_free(&b);
}

static void test_full_tcg2(void **state)
{
    (void)state;
    struct lb b;
    struct result res;
    build_tcg2(&b);
    run(b.p, b.len, CCT_LOG_AUTO, 0, &res);
    assert_int_equal(res.open_rc, 0);
    assert_int_equal(res.end_rc, 0);
    assert_int_equal(res.n, b.n_records);
    assert_true(res.first.flags & CCT_EVENT_F_HEADER);
    assert_int_equal(res.last.kind, CCT_REG_PCR);
    assert_int_equal(res.last.index, 5);
    assert_int_equal(res.last.n_digests, 2);
    assert_int_equal(res.last.digests[1].alg, CCT_ALG_SHA256);
    assert_int_equal(res.last.digests[1].size, 32);
    uint8_t d[32];
    lb_hash(CCT_ALG_SHA256, zero4, 4, d);
    assert_memory_equal(res.last.digests[1].bytes, d, 32);
    assert_int_equal(res.last.offset, b.start[b.n_records - 1]);
    assert_int_equal(res.last.length, b.len - b.start[b.n_records - 1]);
    lb_free(&b);
}

/* A log: SpecID over B2, then one raw record written by the caller. */
static void header_then(struct lb *b)
{
    lb_init(b);
    lb_header(b, 0, B2, 2);
    b->start[b->n_records++] = b->len;
}

static void expect_fail(const struct lb *b, int code, int64_t event, int64_t offset)
{
    struct result res;
    run(b->p, b->len, CCT_LOG_AUTO, 0, &res);
    assert_int_equal(res.open_rc, 0);
    if (res.end_rc != code) {
        FAILF("got %d (%s), expected %d", res.end_rc, res.err.message, code);
    }
    assert_int_equal(res.err.event, event);
    if (offset >= 0) {
        assert_int_equal(res.err.offset, offset);
    }
    assert_true(res.err.message[0] != '\0');
}

static void test_digest_counts(void **state)
{
    (void)state;
    static const uint32_t counts[] = { 0, 3, 9, 0xffffffffu };
    for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
        struct lb b;
        header_then(&b);
        size_t at = b.len;
        lb_u32(&b, 0);
        lb_u32(&b, EV_POST_CODE);
        lb_u32(&b, counts[i]);
        lb_fill(&b, 0x11, 200);
        expect_fail(&b, counts[i] == 0 ? CCT_EMALFORMED : CCT_ELIMIT, 1, (int64_t)at + 8);
        lb_free(&b);
    }
}

static void test_unknown_and_duplicate_alg(void **state)
{
    (void)state;
    struct lb b;
    /* SHA-384 is a known algorithm but not declared in this SpecID. */
    static const uint16_t undeclared[] = { CCT_ALG_SHA1, CCT_ALG_SHA384 };
    header_then(&b);
    size_t at = b.len;
    b.n_records--;
    lb_event2(&b, 0, EV_POST_CODE, undeclared, 2, "x", 1);
    expect_fail(&b, CCT_EMALFORMED, 1, (int64_t)at + 12 + 2 + 20);
    lb_free(&b);

    static const uint16_t twice[] = { CCT_ALG_SHA256, CCT_ALG_SHA256 };
    header_then(&b);
    at = b.len;
    b.n_records--;
    lb_event2(&b, 0, EV_POST_CODE, twice, 2, "x", 1);
    expect_fail(&b, CCT_EMALFORMED, 1, (int64_t)at + 12 + 2 + 32);
    lb_free(&b);
}

/* A log whose first record carries the given SpecID data. */
static void specid_log(struct lb *b, const uint16_t *algs, const uint16_t *sizes, uint32_t n,
                       size_t trailing)
{
    struct lb data;
    lb_init(&data);
    lb_specid_data(&data, algs, sizes, n, (const uint8_t *)"\xde\xad", 2, trailing);
    lb_init(b);
    lb_legacy(b, 0, EV_NO_ACTION, zero20, data.p, data.len);
    lb_event2(b, 0, EV_POST_CODE, B2, 2, "x", 1);
    lb_free(&data);
}

static void test_specid(void **state)
{
    (void)state;
    static const uint16_t algs[9] = { 0x0004, 0x000B, 0x000C, 0x000D, 0x0012,
                                      0x0020, 0x0021, 0x0022, 0x0023 };
    static const uint16_t sizes[9] = { 20, 32, 48, 64, 32, 32, 32, 32, 32 };
    struct lb b;
    struct result res;

    specid_log(&b, algs, sizes, 2, 0); /* valid */
    run(b.p, b.len, CCT_LOG_AUTO, 0, &res);
    assert_int_equal(res.open_rc, 0);
    assert_int_equal(res.format, CCT_LOG_TCG2);
    assert_int_equal(res.end_rc, 0);
    assert_int_equal(res.n, 2);
    lb_free(&b);

    specid_log(&b, algs, sizes, 0, 0);
    expect_fail(&b, CCT_EMALFORMED, 0, -1);
    lb_free(&b);

    specid_log(&b, algs, sizes, 9, 0);
    expect_fail(&b, CCT_ELIMIT, 0, -1);
    lb_free(&b);

    specid_log(&b, algs, sizes, 8, 0); /* 8 is the limit: accepted */
    run(b.p, b.len, CCT_LOG_AUTO, 0, &res);
    assert_int_equal(res.end_rc, 0);
    lb_free(&b);

    specid_log(&b, algs, sizes, 2, 3); /* bytes after vendorInfo */
    expect_fail(&b, CCT_EMALFORMED, 0, -1);
    lb_free(&b);

    static const uint16_t badsize[] = { 20, 31 }; /* SHA-256 declared with 31 bytes */
    specid_log(&b, algs, badsize, 2, 0);
    expect_fail(&b, CCT_EMALFORMED, 0, -1);
    lb_free(&b);

    static const uint16_t dup[] = { 0x000B, 0x000B };
    specid_log(&b, dup, sizes + 1, 2, 0);
    expect_fail(&b, CCT_EMALFORMED, 0, -1);
    lb_free(&b);
}

static void test_specid_direct(void **state)
{
    (void)state;
    struct lb data;
    struct cct_specid s;
    struct cct_error err;
    static const uint16_t sizes[] = { 20, 32 };
    lb_init(&data);
    lb_specid_data(&data, B2, sizes, 2, (const uint8_t *)"\xde\xad\xbe\xef", 4, 0);
    assert_int_equal(cct_tcg_parse_specid(data.p, data.len, &s, 0, 32, &err), 0);
    assert_int_equal(s.n_algs, 2);
    assert_int_equal(s.algs[1], CCT_ALG_SHA256);
    assert_int_equal(s.sizes[1], 32);
    assert_int_equal(s.version_major, 2);
    assert_int_equal(s.uintn_size, 2);
    assert_int_equal(s.vendor_info_len, 4);
    assert_memory_equal(s.vendor_info, "\xde\xad\xbe\xef", 4);
    /* Every prefix is rejected. */
    for (size_t n = 0; n < data.len; n++) {
        assert_int_equal(cct_tcg_parse_specid(data.p, n, &s, 0, 32, &err), CCT_EMALFORMED);
    }
    /* Wrong signature. */
    data.p[14] = '2';
    cct_error_clear(&err);
    assert_int_equal(cct_tcg_parse_specid(data.p, data.len, &s, 0, 32, &err), CCT_EMALFORMED);
    assert_non_null(strstr(err.message, "signature"));
    lb_free(&data);
}

static void test_wrong_signature(void **state)
{
    (void)state;
    struct lb b;
    struct result res;
    build_tcg2(&b);
    /* "Spec ID Event03" -> "Spec ID Event02": data starts at byte 32. */
    b.p[32 + 14] = '2';
    /* Auto-detection no longer sees a crypto-agile header: TCG1.2 layout,
     * which then fails on the first TCG_PCR_EVENT2 record. */
    run(b.p, b.len, CCT_LOG_AUTO, 0, &res);
    assert_int_equal(res.open_rc, 0);
    assert_int_equal(res.format, CCT_LOG_TCG1);
    assert_true(res.end_rc < 0);
    /* Forced TCG2: the header is required. */
    run(b.p, b.len, CCT_LOG_TCG2, 0, &res);
    assert_int_equal(res.open_rc, 0);
    assert_int_equal(res.end_rc, CCT_EMALFORMED);
    assert_int_equal(res.err.event, 0);
    assert_non_null(strstr(res.err.message, "SpecID"));
    lb_free(&b);
}

static void test_event_size_limit(void **state)
{
    (void)state;
    uint8_t big[200];
    struct lb b;
    struct result res;
    memset(big, 0x41, sizeof(big));

    lb_init(&b);
    lb_header(&b, 0, B2, 2);
    lb_event2(&b, 0, EV_POST_CODE, B2, 2, big, 100);
    lb_event2(&b, 0, EV_POST_CODE, B2, 2, big, 200);
    run(b.p, b.len, CCT_LOG_AUTO, 150, &res);
    assert_int_equal(res.n, 2);
    assert_int_equal(res.end_rc, CCT_ELIMIT);
    assert_int_equal(res.err.event, 2);
    /* The offset names the eventSize field. */
    assert_int_equal(res.err.offset, (int64_t)(b.start[2] + 12 + 22 + 34));
    run(b.p, b.len, CCT_LOG_AUTO, 200, &res);
    assert_int_equal(res.end_rc, 0);
    lb_free(&b);

    /* The fixed limit CCT_MAX_EVENT_SIZE applies without options. */
    lb_init(&b);
    lb_header(&b, 0, B2, 2);
    b.start[b.n_records++] = b.len;
    lb_u32(&b, 0);
    lb_u32(&b, EV_POST_CODE);
    lb_u32(&b, 1);
    lb_u16(&b, CCT_ALG_SHA1);
    lb_fill(&b, 0, 20);
    lb_u32(&b, CCT_MAX_EVENT_SIZE + 1);
    expect_fail(&b, CCT_ELIMIT, 1, -1);
    lb_free(&b);

    /* Legacy records too. */
    lb_init(&b);
    lb_legacy(&b, 0, EV_POST_CODE, NULL, big, 10);
    lb_legacy(&b, 0, EV_POST_CODE, NULL, big, 200);
    run(b.p, b.len, CCT_LOG_AUTO, 100, &res);
    assert_int_equal(res.format, CCT_LOG_TCG1);
    assert_int_equal(res.n, 1);
    assert_int_equal(res.end_rc, CCT_ELIMIT);
    assert_int_equal(res.err.event, 1);
    lb_free(&b);
}

static void test_pcr_range(void **state)
{
    (void)state;
    struct lb b;
    struct result res;
    lb_init(&b);
    lb_header(&b, 0, B2, 2);
    lb_event2(&b, CCT_TCG_MAX_PCR, EV_POST_CODE, B2, 2, "x", 1);
    run(b.p, b.len, CCT_LOG_AUTO, 0, &res);
    assert_int_equal(res.end_rc, 0);
    assert_int_equal(res.last.index, CCT_TCG_MAX_PCR);
    assert_false(res.last.flags & CCT_EVENT_F_INDEX_OUT_OF_RANGE);
    /* Past the PCR range: parsed, flagged, kept at the logged index, an anomaly. */
    lb_event2(&b, CCT_TCG_MAX_PCR + 1, EV_POST_CODE, B2, 2, "x", 1);
    run(b.p, b.len, CCT_LOG_AUTO, 0, &res);
    assert_int_equal(res.end_rc, 0);
    assert_int_equal(res.n, 3);
    assert_int_equal(res.last.index, CCT_TCG_MAX_PCR + 1);
    assert_int_equal(res.last.index_logged, CCT_TCG_MAX_PCR + 1);
    assert_true(res.last.flags & CCT_EVENT_F_INDEX_OUT_OF_RANGE);
    char why[128];
    assert_int_equal(cct_event_anomaly(&res.last, why, sizeof(why)), 1);
    assert_non_null(strstr(why, "PCR index 32 is out of range"));
    lb_free(&b);

    lb_init(&b);
    lb_legacy(&b, 0, EV_POST_CODE, NULL, "x", 1);
    lb_legacy(&b, 0xffffff00u, EV_POST_CODE, NULL, "x", 1);
    run(b.p, b.len, CCT_LOG_AUTO, 0, &res);
    assert_int_equal(res.end_rc, 0);
    assert_int_equal(res.format, CCT_LOG_TCG1);
    assert_int_equal(res.last.index, 0xffffff00u);
    assert_true(res.last.flags & CCT_EVENT_F_INDEX_OUT_OF_RANGE);
    lb_free(&b);

    /* No log starts with an out-of-range index: that is not a TCG log. */
    lb_init(&b);
    lb_legacy(&b, 0xffffffffu, EV_NO_ACTION, NULL, "WBCL", 4);
    run(b.p, b.len, CCT_LOG_AUTO, 0, &res);
    assert_int_equal(res.open_rc, CCT_EMALFORMED);
    assert_non_null(strstr(res.open_err.message, "register index 4294967295"));
    lb_free(&b);
}

/* td-shim: SpecID at CC MR index 0, SHA-384 only, events at MR 1..4. */
static void build_td_shim(struct lb *b)
{
    lb_init(b);
    lb_header(b, 0, B384, 1);
    lb_event2(b, 1, EV_PLATFORM_CONFIG_FLAGS, B384, 1, "td_hob", 6);
    lb_event2(b, 2, EV_EFI_PLATFORM_FIRMWARE_BLOB2, B384, 1, "payload", 7);
    lb_event2(b, 2, EV_SEPARATOR, B384, 1, zero4, 4);
}

static enum cct_log_format detected(const struct lb *b)
{
    struct result res;
    run(b->p, b->len, CCT_LOG_AUTO, 0, &res);
    assert_int_equal(res.open_rc, 0);
    assert_int_equal(res.end_rc, 0);
    return res.format;
}

static void test_td_shim_detection(void **state)
{
    (void)state;
    static const uint16_t b2_384[] = { CCT_ALG_SHA256, CCT_ALG_SHA384 };
    struct lb b;
    struct result res;

    build_td_shim(&b);
    run(b.p, b.len, CCT_LOG_AUTO, 0, &res);
    assert_int_equal(res.format, CCT_LOG_CCEL);
    assert_int_equal(res.end_rc, 0);
    assert_int_equal(res.n, 4);
    assert_int_equal(res.first.kind, CCT_REG_MRTD);
    assert_true(res.first.flags & CCT_EVENT_F_HEADER);
    assert_int_equal(res.last.kind, CCT_REG_RTMR);
    assert_int_equal(res.last.index, 1);
    assert_int_equal(res.last.index_logged, 2);
    /* The same with the CCEL area's 0xFF padding, and with EV_NO_ACTION at MR 0. */
    lb_fill(&b, 0xff, 300);
    assert_int_equal(detected(&b), CCT_LOG_CCEL);
    lb_free(&b);
    build_td_shim(&b);
    lb_event2(&b, 0, EV_NO_ACTION, B384, 1, "note", 4);
    assert_int_equal(detected(&b), CCT_LOG_CCEL);
    lb_free(&b);

    /* Tie-breaks towards a TPM log: an extend of PCR0 (never of the MRTD)... */
    build_td_shim(&b);
    lb_event2(&b, 0, EV_S_CRTM_VERSION, B384, 1, "v\0", 2);
    assert_int_equal(detected(&b), CCT_LOG_TCG2);
    lb_free(&b);
    /* ... an index beyond the CC MR range ... */
    build_td_shim(&b);
    lb_event2(&b, 7, EV_SEPARATOR, B384, 1, zero4, 4);
    assert_int_equal(detected(&b), CCT_LOG_TCG2);
    lb_free(&b);
    /* ... but not an EV_NO_ACTION there (PCR -1 notes of Windows). */
    build_td_shim(&b);
    lb_event2(&b, 0xffffffffu, EV_NO_ACTION, B384, 1, "WBCL", 4);
    assert_int_equal(detected(&b), CCT_LOG_CCEL);
    lb_free(&b);
    /* A SpecID at 0 with more banks than SHA-384 is a TPM log. */
    lb_init(&b);
    lb_header(&b, 0, b2_384, 2);
    lb_event2(&b, 1, EV_SEPARATOR, b2_384, 2, zero4, 4);
    assert_int_equal(detected(&b), CCT_LOG_TCG2);
    lb_free(&b);
    /* Forcing the format still wins. */
    build_td_shim(&b);
    run(b.p, b.len, CCT_LOG_TCG2, 0, &res);
    assert_int_equal(res.format, CCT_LOG_TCG2);
    assert_int_equal(res.last.kind, CCT_REG_PCR);
    assert_int_equal(res.last.index, 2);
    lb_free(&b);
}

/* PCR -1 EV_NO_ACTION events after a log: parsed, not anomalies, never replayed. */
static void test_pcr_minus_one(void **state)
{
    (void)state;
    for (int legacy = 0; legacy < 2; legacy++) {
        struct lb b;
        lb_init(&b);
        if (legacy) {
            lb_legacy(&b, 4, EV_SEPARATOR, NULL, zero4, 4);
            lb_legacy(&b, 0xffffffffu, EV_NO_ACTION, NULL, "WBCL", 4);
            lb_legacy(&b, 0xffffffffu, EV_EVENT_TAG, NULL, "tag", 3);
        } else {
            lb_header(&b, 0, B2, 2);
            lb_event2(&b, 4, EV_SEPARATOR, B2, 2, zero4, 4);
            lb_event2(&b, 0xffffffffu, EV_NO_ACTION, B2, 2, "WBCL", 4);
            lb_event2(&b, 0xffffffffu, EV_EVENT_TAG, B2, 2, "tag", 3);
        }
        cct_eventlog *log;
        cct_replay *rp;
        struct cct_event ev;
        char why[128];
        int n = 0, anomalies = 0, r;
        assert_int_equal(cct_eventlog_from_memory(b.p, b.len, NULL, &log, NULL), 0);
        assert_int_equal(cct_eventlog_format(log), legacy ? CCT_LOG_TCG1 : CCT_LOG_TCG2);
        assert_int_equal(cct_replay_new(NULL, &rp), 0);
        while ((r = cct_eventlog_next(log, &ev)) > 0) {
            n++;
            anomalies += cct_event_anomaly(&ev, why, sizeof(why));
            assert_int_equal(cct_replay_event(rp, &ev), 0);
            if (ev.index_logged == 0xffffffffu) {
                assert_true(ev.flags & CCT_EVENT_F_INDEX_OUT_OF_RANGE);
                assert_int_equal(ev.index, 0xffffffffu);
            }
        }
        assert_int_equal(r, 0);
        assert_int_equal(n, legacy ? 3 : 4);
        assert_int_equal(anomalies, 1);
        assert_non_null(strstr(why, "PCR index 4294967295"));
        assert_int_equal(cct_replay_finish(rp), 0);
        /* Only PCR4 was extended, once per bank, with H(zero4). */
        size_t banks = legacy ? 1 : 2;
        assert_int_equal(cct_replay_count(rp), banks);
        for (size_t i = 0; i < banks; i++) {
            struct cct_register g;
            uint8_t d[64], want[64], zeros[64] = { 0 };
            assert_int_equal(cct_replay_get(rp, i, &g), 0);
            assert_int_equal(g.index, 4);
            assert_int_equal(g.n_events, 1);
            size_t sz = lb_hash(g.alg, zero4, 4, d);
            lb_hash2(g.alg, zeros, sz, d, sz, want);
            assert_memory_equal(g.digest, want, sz);
        }
        cct_replay_free(rp);
        cct_eventlog_free(log);
        lb_free(&b);
    }
}

/* ACPI tables and reports handed to the log reader are named, not parsed. */
static void test_not_a_log(void **state)
{
    (void)state;
    struct lb b;
    struct result res;
    lb_init(&b);
    lb_bytes(&b, "CCEL", 4);
    lb_u32(&b, 56);
    lb_u8(&b, 1);
    lb_u8(&b, 0);
    lb_bytes(&b, "OEMID TABLEID ", 14);
    lb_u32(&b, 2);
    lb_u32(&b, 0x20202020);
    lb_u32(&b, 0x01000013);
    lb_u32(&b, 2);
    lb_u64(&b, 65536);
    lb_u64(&b, 0xbedbf000);
    uint8_t sum = 0;
    for (size_t i = 0; i < b.len; i++) {
        sum = (uint8_t)(sum + b.p[i]);
    }
    b.p[9] = (uint8_t)(0x100 - sum);
    run(b.p, b.len, CCT_LOG_AUTO, 0, &res);
    assert_int_equal(res.open_rc, CCT_EMALFORMED);
    assert_non_null(
        strstr(res.open_err.message, "not an event log: this is a CCEL ACPI table (56 bytes)"));
    assert_non_null(
        strstr(res.open_err.message, "the log is its data area (acpi/tables/data/CCEL)"));
    assert_null(strstr(res.open_err.message, "538976288"));
    /* A broken checksum is no ACPI table: the log reader's own message stands. */
    b.p[9] ^= 1;
    run(b.p, b.len, CCT_LOG_AUTO, 0, &res);
    assert_int_equal(res.open_rc, CCT_EMALFORMED);
    assert_null(strstr(res.open_err.message, "ACPI"));
    lb_free(&b);

    /* A TPMS_ATTEST and a TDX quote header. */
    static const uint8_t attest[] = {
        0xff, 'T', 'C', 'G', 0x80, 0x18, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
    };
    run(attest, sizeof(attest), CCT_LOG_AUTO, 0, &res);
    assert_non_null(strstr(res.open_err.message, "TPMS_ATTEST"));
    uint8_t quote[640] = { 4, 0, 2, 0, 0x81, 0, 0, 0 };
    run(quote, sizeof(quote), CCT_LOG_AUTO, 0, &res);
    assert_non_null(strstr(res.open_err.message, "a TDX quote (640 bytes)"));
    /* What starts like an SGX quote v3 also starts like a TCG 1.2 log at PCR3: a log wins. */
    lb_init(&b);
    lb_legacy(&b, 3, EV_PREBOOT_CERT, NULL, "cert", 4);
    lb_legacy(&b, 3, EV_SEPARATOR, NULL, zero4, 4);
    lb_fill(&b, 0, 64);
    run(b.p, b.len, CCT_LOG_AUTO, 0, &res);
    assert_int_equal(res.open_rc, 0);
    assert_int_equal(res.format, CCT_LOG_TCG1);
    assert_int_equal(res.n, 2);
    lb_free(&b);
}

static void test_ccel_mapping(void **state)
{
    (void)state;
    struct lb b;
    struct cct_eventlog_options o = CCT_EVENTLOG_OPTIONS_INIT;
    cct_eventlog *log;
    struct cct_event ev;
    build_ccel(&b);
    assert_int_equal(cct_eventlog_from_memory(b.p, b.len, &o, &log, NULL), 0);
    assert_int_equal(cct_eventlog_format(log), CCT_LOG_CCEL);
    static const struct {
        enum cct_reg_kind kind;
        uint32_t index, logged;
    } want[] = {
        { CCT_REG_RTMR, 0, 1 }, /* header, MR index 1 */
        { CCT_REG_RTMR, 0, 1 }, { CCT_REG_MRTD, 0, 0 }, { CCT_REG_RTMR, 1, 2 },
        { CCT_REG_RTMR, 2, 3 }, { CCT_REG_RTMR, 3, 4 },
    };
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        assert_int_equal(cct_eventlog_next(log, &ev), 1);
        assert_int_equal(ev.format, CCT_LOG_CCEL);
        assert_int_equal(ev.kind, want[i].kind);
        assert_int_equal(ev.index, want[i].index);
        assert_int_equal(ev.index_logged, want[i].logged);
    }
    assert_int_equal(cct_eventlog_next(log, &ev), 0);
    cct_eventlog_free(log);

    /* MR index 5 does not exist: parsed and flagged, not mapped to a register. */
    struct result res;
    lb_event2(&b, 5, EV_EVENT_TAG, B384, 1, "bad", 3);
    run(b.p, b.len, CCT_LOG_AUTO, 0, &res);
    assert_int_equal(res.end_rc, 0);
    assert_int_equal(res.format, CCT_LOG_CCEL);
    assert_int_equal(res.last.index_logged, 5);
    assert_int_equal(res.last.index, 5);
    assert_true(res.last.flags & CCT_EVENT_F_INDEX_OUT_OF_RANGE);
    char why[128];
    assert_int_equal(cct_event_anomaly(&res.last, why, sizeof(why)), 1);
    assert_non_null(strstr(why, "CC MR index 5 is out of range"));
    lb_free(&b);
}

static void test_padding(void **state)
{
    (void)state;
    struct lb b;
    struct result res;
    build_ccel(&b);
    size_t used = b.len;
    lb_fill(&b, 0xff, 1000);
    run(b.p, b.len, CCT_LOG_AUTO, 0, &res);
    assert_int_equal(res.end_rc, 0);
    assert_int_equal(res.n, b.n_records);
    assert_int_equal(res.padding, 1000);

    /* Data after the padding is an error naming where it is. */
    b.p[used + 500] = 0x01;
    run(b.p, b.len, CCT_LOG_AUTO, 0, &res);
    assert_int_equal(res.n, b.n_records);
    assert_int_equal(res.end_rc, CCT_EMALFORMED);
    assert_int_equal(res.err.offset, (int64_t)(used + 500));
    lb_free(&b);

    /* A TCG2 log followed by zero fill (as some securityfs copies are). */
    build_tcg2(&b);
    lb_fill(&b, 0, 64);
    run(b.p, b.len, CCT_LOG_AUTO, 0, &res);
    assert_int_equal(res.end_rc, 0);
    assert_int_equal(res.n, b.n_records);
    assert_int_equal(res.padding, 64);
    lb_free(&b);
}

static void test_tcg1_detection(void **state)
{
    (void)state;
    struct lb b;
    struct result res;
    struct cct_specid sid;
    cct_eventlog *log;
    build_tcg1(&b);
    run(b.p, b.len, CCT_LOG_AUTO, 0, &res);
    assert_int_equal(res.open_rc, 0);
    assert_int_equal(res.format, CCT_LOG_TCG1);
    assert_int_equal(res.n, 4);
    assert_int_equal(res.end_rc, 0);
    assert_true(res.first.flags & CCT_EVENT_F_LEGACY);
    assert_false(res.first.flags & CCT_EVENT_F_HEADER);
    assert_int_equal(res.first.n_digests, 1);
    assert_int_equal(res.first.digests[0].alg, CCT_ALG_SHA1);
    uint8_t d[20];
    lb_hash(CCT_ALG_SHA1, "1.0\0", 4, d);
    assert_memory_equal(res.first.digests[0].bytes, d, 20);
    assert_int_equal(cct_eventlog_from_memory(b.p, b.len, NULL, &log, NULL), 0);
    assert_int_equal(cct_eventlog_specid(log, &sid), CCT_ENOTFOUND);
    cct_eventlog_free(log);
    lb_free(&b);
}

/* A 49-byte log: one legacy EV_NO_ACTION with "StartupLocality\0" + 3,
 * shorter than any SpecID header. */
static void test_short_startup_locality(void **state)
{
    (void)state;
    struct lb b;
    struct result res;
    lb_init(&b);
    lb_legacy(&b, 0, EV_NO_ACTION, zero20, "StartupLocality\0\x03", 17);
    assert_int_equal(b.len, 49);
    run(b.p, b.len, CCT_LOG_AUTO, 0, &res);
    assert_int_equal(res.open_rc, 0);
    assert_int_equal(res.format, CCT_LOG_TCG1);
    assert_int_equal(res.end_rc, 0);
    assert_int_equal(res.n, 1);
    assert_int_equal(res.first.type, EV_NO_ACTION);
    assert_int_equal(res.first.data_len, 17);
    assert_int_equal(res.first.data[16], 3);
    lb_free(&b);
}

static void test_detect_direct(void **state)
{
    (void)state;
    enum cct_log_format f = CCT_LOG_AUTO;
    struct cct_error err;
    static const char text[] = "bogus\ninvalid\nevent\nlog\nfile\nhere\n";
    cct_error_clear(&err);
    assert_int_equal(cct_tcg_detect((const uint8_t *)text, sizeof(text) - 1, &f, &err),
                     CCT_EMALFORMED);
    assert_int_equal(cct_tcg_detect((const uint8_t *)text, 0, &f, &err), CCT_EMALFORMED);
    assert_int_equal(f, CCT_LOG_AUTO);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_truncation_tcg2),
        cmocka_unit_test(test_truncation_tcg1),
        cmocka_unit_test(test_truncation_ccel),
        cmocka_unit_test(test_full_tcg2),
        cmocka_unit_test(test_digest_counts),
        cmocka_unit_test(test_unknown_and_duplicate_alg),
        cmocka_unit_test(test_specid),
        cmocka_unit_test(test_specid_direct),
        cmocka_unit_test(test_wrong_signature),
        cmocka_unit_test(test_event_size_limit),
        cmocka_unit_test(test_pcr_range),
        cmocka_unit_test(test_ccel_mapping),
        cmocka_unit_test(test_td_shim_detection),
        cmocka_unit_test(test_pcr_minus_one),
        cmocka_unit_test(test_not_a_log),
        cmocka_unit_test(test_padding),
        cmocka_unit_test(test_tcg1_detection),
        cmocka_unit_test(test_short_startup_locality),
        cmocka_unit_test(test_detect_direct),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
