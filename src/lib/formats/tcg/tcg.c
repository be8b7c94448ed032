/* SPDX-License-Identifier: Apache-2.0 */
#include "formats/tcg/tcg.h"

#include <string.h>

#include "util/error.h"
#include "util/reader.h"

static const char specid_sig[16] = "Spec ID Event03";

int cct_tcg_parse_specid(const uint8_t *data, size_t len, struct cct_specid *out, uint64_t number,
                         uint64_t offset, struct cct_error *err)
{
    struct cct_reader r;
    struct cct_specid s;
    uint8_t sig[16];
    uint32_t n;
    int64_t ev = (int64_t)number;

    memset(&s, 0, sizeof(s));
    cct_reader_init(&r, data, len, (size_t)offset);
    /* TCG_EfiSpecIDEvent: signature[16], platformClass u32, specVersionMinor u8,
     * specVersionMajor u8, specErrata u8, uintnSize u8, numberOfAlgorithms u32,
     * digestSizes[n] {algorithmId u16, digestSize u16}, vendorInfoSize u8,
     * vendorInfo[vendorInfoSize]. */
    if (!cct_read_copy(&r, sig, 16) || !cct_read_u32le(&r, &s.platform_class) ||
        !cct_read_u8(&r, &s.version_minor) || !cct_read_u8(&r, &s.version_major) ||
        !cct_read_u8(&r, &s.errata) || !cct_read_u8(&r, &s.uintn_size) || !cct_read_u32le(&r, &n)) {
        return cct_err(err, CCT_EMALFORMED, ev, (int64_t)cct_reader_offset(&r),
                       "SpecID event truncated in its fixed fields");
    }
    if (memcmp(sig, specid_sig, 16) != 0) {
        return cct_err(err, CCT_EMALFORMED, ev, (int64_t)offset,
                       "SpecID signature is not \"Spec ID Event03\"");
    }
    if (n == 0 || n > CCT_MAX_DIGESTS) {
        return cct_err(err, n == 0 ? CCT_EMALFORMED : CCT_ELIMIT, ev,
                       (int64_t)cct_reader_offset(&r) - 4,
                       "SpecID lists %u algorithms (allowed 1..%u)", n, CCT_MAX_DIGESTS);
    }
    for (uint32_t i = 0; i < n; i++) {
        uint16_t alg, size;
        if (!cct_read_u16le(&r, &alg) || !cct_read_u16le(&r, &size)) {
            return cct_err(err, CCT_EMALFORMED, ev, (int64_t)cct_reader_offset(&r),
                           "SpecID algorithm list truncated at entry %u", i);
        }
        if (size == 0 || size > CCT_MAX_DIGEST_SIZE) {
            return cct_err(err, CCT_EMALFORMED, ev, (int64_t)cct_reader_offset(&r) - 2,
                           "SpecID digest size %u for algorithm 0x%04x out of range", size, alg);
        }
        size_t known = cct_alg_digest_size(alg);
        if (known != 0 && known != size) {
            return cct_err(err, CCT_EMALFORMED, ev, (int64_t)cct_reader_offset(&r) - 2,
                           "SpecID gives %u bytes for %s, which has %zu", size, cct_alg_name(alg),
                           known);
        }
        for (uint32_t j = 0; j < i; j++) {
            if (s.algs[j] == alg) {
                return cct_err(err, CCT_EMALFORMED, ev, (int64_t)cct_reader_offset(&r) - 4,
                               "SpecID lists algorithm 0x%04x twice", alg);
            }
        }
        s.algs[i] = alg;
        s.sizes[i] = size;
    }
    s.n_algs = n;
    uint8_t vlen;
    if (!cct_read_u8(&r, &vlen) || !cct_read_copy(&r, s.vendor_info, vlen)) {
        return cct_err(err, CCT_EMALFORMED, ev, (int64_t)cct_reader_offset(&r),
                       "SpecID vendor info truncated");
    }
    s.vendor_info_len = vlen;
    if (!cct_reader_done(&r)) {
        return cct_err(err, CCT_EMALFORMED, ev, (int64_t)cct_reader_offset(&r),
                       "%zu trailing bytes after SpecID vendor info", cct_reader_left(&r));
    }
    *out = s;
    return 0;
}

/* Bytes of vendorInfo that lie beyond the declared SpecID size, when the
 * declared size ends exactly after vendorInfoSize; 0 otherwise. */
static size_t specid_vendor_outside(const uint8_t *data, size_t len, size_t after)
{
    struct cct_reader r;
    uint32_t n;
    uint8_t vlen;
    cct_reader_init(&r, data, len, 0);
    if (!cct_read_skip(&r, 24) || !cct_read_u32le(&r, &n) || n > CCT_MAX_DIGESTS ||
        !cct_read_skip(&r, (size_t)n * 4) || !cct_read_u8(&r, &vlen) || !cct_reader_done(&r)) {
        return 0;
    }
    return vlen <= after ? vlen : 0;
}

/* Is this legacy-layout event a SpecID Event03 header? */
static int is_specid(uint32_t type, const uint8_t *data, size_t len)
{
    return type == EV_NO_ACTION && len >= 16 && memcmp(data, specid_sig, 16) == 0;
}

/* Padding that ends a log: a record starting with an all-0xFF or all-zero
 * (pcr, type) pair. Firmware fills the unused CCEL area with 0xFF; some
 * securityfs copies are zero-filled. */
static int is_padding(const uint8_t *p, size_t len)
{
    size_t n = len < 8 ? len : 8;
    int ff = 1, zero = 1;
    for (size_t i = 0; i < n; i++) {
        ff &= p[i] == 0xff;
        zero &= p[i] == 0x00;
    }
    /* Fewer than 8 zero bytes are the start of a PCR0 record cut short,
     * not padding: no valid record starts with 0xFF, but PCR0 ones start
     * with four zero bytes. */
    return ff || (zero && len >= 8);
}

/* Records after the SpecID that detection reads at most. */
#define DETECT_MAX_RECORDS 64u

/*
 * A crypto-agile log whose SpecID sits at index 0 and declares SHA-384 only:
 * the shape of a td-shim CCEL, and of a TPM log with a lone SHA-384 bank.
 * Walk the TCG_PCR_EVENT2 records that follow (p, len: the bytes after the
 * SpecID record) and vote. A record that extends index 0 means a TPM log
 * (PCR0 always holds the S-CRTM events; CC MR index 0 is the MRTD, which no
 * log extends), so does one that extends an index above 4 (beyond the CC MR
 * range). Anything else, up to the padding, the end of the bytes or the first
 * record that does not parse, leaves the CCEL reading standing.
 */
static int sha384_log_is_ccel(const uint8_t *p, size_t len)
{
    struct cct_reader r;
    cct_reader_init(&r, p, len, 0);
    for (unsigned i = 0; i < DETECT_MAX_RECORDS; i++) {
        uint32_t pcr, type, count, size;
        uint16_t alg;
        size_t left = cct_reader_left(&r);
        if (left == 0 || is_padding(p + (len - left), left)) {
            return 1;
        }
        if (!cct_read_u32le(&r, &pcr) || !cct_read_u32le(&r, &type) ||
            !cct_read_u32le(&r, &count) || count != 1 || !cct_read_u16le(&r, &alg) ||
            alg != CCT_ALG_SHA384 || !cct_read_skip(&r, 48) || !cct_read_u32le(&r, &size) ||
            !cct_read_skip(&r, size)) {
            return 1;
        }
        if (type != EV_NO_ACTION && (pcr == 0 || pcr > CCT_CCEL_MAX_MR)) {
            return 0;
        }
    }
    return 1;
}

int cct_tcg_detect(const uint8_t *p, size_t len, enum cct_log_format *fmt, struct cct_error *err)
{
    struct cct_reader r;
    uint32_t pcr, type, size;
    const uint8_t *data;

    if (len == 0) {
        return cct_err(err, CCT_EMALFORMED, 0, 0, "empty event log");
    }
    cct_reader_init(&r, p, len, 0);
    if (!cct_read_u32le(&r, &pcr) || !cct_read_u32le(&r, &type) || !cct_read_skip(&r, 20) ||
        !cct_read_u32le(&r, &size)) {
        return CCT_ETRUNCATED;
    }
    if (pcr > CCT_TCG_MAX_PCR) {
        /* Logs may hold out-of-range indices later (PCR -1), never first. */
        return cct_err(err, CCT_EMALFORMED, 0, 0,
                       "not a TCG event log: first record names register index %u", pcr);
    }
    if (size > CCT_MAX_EVENT_SIZE) {
        /* Not a TCG log at all (e.g. text): say so rather than wait for bytes. */
        return cct_err(err, CCT_EMALFORMED, 0, 28,
                       "not a TCG event log: first event claims %u bytes of data", size);
    }
    if (!cct_read_bytes(&r, size, &data)) {
        return CCT_ETRUNCATED;
    }
    if (!is_specid(type, data, size)) {
        *fmt = CCT_LOG_TCG1;
        return 0;
    }
    /* OVMF/TDVF write the CCEL SpecID at CC MR index 1; td-shim at 0, like
     * a TPM log, so a SHA-384-only header at 0 is read on (docs/internals/formats-tcg.md). */
    *fmt = pcr == 1 ? CCT_LOG_CCEL : CCT_LOG_TCG2;
    if (pcr == 0) {
        struct cct_specid s;
        size_t end = cct_reader_offset(&r);
        if (cct_tcg_parse_specid(data, size, &s, 0, 32, NULL) < 0) {
            size_t extra = specid_vendor_outside(data, size, len - end);
            if (extra == 0 || cct_tcg_parse_specid(data, size + extra, &s, 0, 32, NULL) < 0) {
                return 0;
            }
            end += extra;
        }
        if (s.n_algs == 1 && s.algs[0] == CCT_ALG_SHA384 &&
            sha384_log_is_ccel(p + end, len - end)) {
            *fmt = CCT_LOG_CCEL;
        }
    }
    return 0;
}

/*
 * Native register of a record. An index beyond the log's register file
 * (PCR > 31, CC MR index > 4; Windows writes EV_NO_ACTION events at PCR
 * 0xFFFFFFFF) is no parse error: the event keeps index == index_logged, is
 * flagged CCT_EVENT_F_INDEX_OUT_OF_RANGE and never extends anything.
 */
static void map_index(const struct cct_tcg_state *st, uint32_t logged, struct cct_event *ev)
{
    ev->index_logged = logged;
    if (st->format == CCT_LOG_CCEL) {
        if (logged > CCT_CCEL_MAX_MR) {
            ev->kind = CCT_REG_RTMR;
            ev->index = logged;
            ev->flags |= CCT_EVENT_F_INDEX_OUT_OF_RANGE;
            return;
        }
        /* UEFI CC MR index: 0 = MRTD, 1..4 = RTMR0..3 (ARCHITECTURE.md). */
        if (logged == 0) {
            ev->kind = CCT_REG_MRTD;
            ev->index = 0;
        } else {
            ev->kind = CCT_REG_RTMR;
            ev->index = logged - 1;
        }
        return;
    }
    ev->kind = CCT_REG_PCR;
    ev->index = logged;
    if (logged > CCT_TCG_MAX_PCR) {
        ev->flags |= CCT_EVENT_F_INDEX_OUT_OF_RANGE;
    }
}

static int parse_legacy(struct cct_tcg_state *st, const uint8_t *p, size_t len, uint64_t off,
                        uint64_t number, struct cct_event *ev, size_t *consumed,
                        struct cct_error *err)
{
    struct cct_reader r;
    uint32_t pcr, type, size;
    const uint8_t *digest, *data;

    cct_reader_init(&r, p, len, (size_t)off);
    /* TCG_PCR_EVENT: pcrIndex u32, eventType u32, digest[20], eventDataSize u32, event[]. */
    if (!cct_read_u32le(&r, &pcr) || !cct_read_u32le(&r, &type) ||
        !cct_read_bytes(&r, 20, &digest) || !cct_read_u32le(&r, &size)) {
        return CCT_ETRUNCATED;
    }
    if (size > st->max_event_size) {
        return cct_err(err, CCT_ELIMIT, (int64_t)number, (int64_t)off + 28,
                       "event data size %u exceeds the limit of %zu bytes", size,
                       st->max_event_size);
    }
    if (!cct_read_bytes(&r, size, &data)) {
        return CCT_ETRUNCATED;
    }
    memset(ev, 0, sizeof(*ev));
    ev->type = type;
    ev->flags = CCT_EVENT_F_LEGACY;
    map_index(st, pcr, ev);
    ev->n_digests = 1;
    ev->digests[0].alg = CCT_ALG_SHA1;
    ev->digests[0].size = 20;
    ev->digests[0].bytes = digest;
    ev->data = data;
    ev->data_len = size;
    *consumed = len - cct_reader_left(&r);
    return 0;
}

static int parse_agile(struct cct_tcg_state *st, const uint8_t *p, size_t len, uint64_t off,
                       uint64_t number, struct cct_event *ev, size_t *consumed,
                       struct cct_error *err)
{
    struct cct_reader r;
    uint32_t pcr, type, count, size;
    const uint8_t *data;
    int64_t en = (int64_t)number;

    cct_reader_init(&r, p, len, (size_t)off);
    /* TCG_PCR_EVENT2: pcrIndex u32, eventType u32, TPML_DIGEST_VALUES digests,
     * eventSize u32, event[]. Digest sizes come from the SpecID (PFP 10.2.2). */
    if (!cct_read_u32le(&r, &pcr) || !cct_read_u32le(&r, &type) || !cct_read_u32le(&r, &count)) {
        return CCT_ETRUNCATED;
    }
    memset(ev, 0, sizeof(*ev));
    if (count == 0 || count > st->specid.n_algs) {
        return cct_err(err, count == 0 ? CCT_EMALFORMED : CCT_ELIMIT, en, (int64_t)off + 8,
                       "digest count %u (the SpecID declares %zu algorithms)", count,
                       st->specid.n_algs);
    }
    for (uint32_t i = 0; i < count; i++) {
        uint16_t alg;
        size_t at = cct_reader_offset(&r);
        if (!cct_read_u16le(&r, &alg)) {
            return CCT_ETRUNCATED;
        }
        size_t k;
        for (k = 0; k < st->specid.n_algs && st->specid.algs[k] != alg; k++) {
        }
        if (k == st->specid.n_algs) {
            return cct_err(err, CCT_EMALFORMED, en, (int64_t)at,
                           "digest algorithm 0x%04x is not declared in the SpecID", alg);
        }
        for (uint32_t j = 0; j < i; j++) {
            if (ev->digests[j].alg == alg) {
                return cct_err(err, CCT_EMALFORMED, en, (int64_t)at,
                               "digest algorithm 0x%04x appears twice", alg);
            }
        }
        ev->digests[i].alg = alg;
        ev->digests[i].size = st->specid.sizes[k];
        if (!cct_read_bytes(&r, st->specid.sizes[k], &ev->digests[i].bytes)) {
            return CCT_ETRUNCATED;
        }
    }
    ev->n_digests = count;
    size_t size_at = cct_reader_offset(&r);
    if (!cct_read_u32le(&r, &size)) {
        return CCT_ETRUNCATED;
    }
    if (size > st->max_event_size) {
        return cct_err(err, CCT_ELIMIT, en, (int64_t)size_at,
                       "event data size %u exceeds the limit of %zu bytes", size,
                       st->max_event_size);
    }
    if (!cct_read_bytes(&r, size, &data)) {
        return CCT_ETRUNCATED;
    }
    ev->type = type;
    map_index(st, pcr, ev);
    ev->data = data;
    ev->data_len = size;
    *consumed = len - cct_reader_left(&r);
    return 0;
}

int cct_tcg_next(struct cct_tcg_state *st, const uint8_t *p, size_t len, uint64_t off,
                 uint64_t number, struct cct_event *ev, size_t *consumed, int *end,
                 struct cct_error *err)
{
    int rc;
    *end = 0;
    if (st->max_event_size == 0) {
        st->max_event_size = CCT_MAX_EVENT_SIZE;
    }
    if (number > 0 && len > 0 && is_padding(p, len)) {
        *end = 1;
        *consumed = 0;
        return 0;
    }
    if (st->format == CCT_LOG_TCG1 || !st->have_specid) {
        rc = parse_legacy(st, p, len, off, number, ev, consumed, err);
        if (rc == 0 && st->format != CCT_LOG_TCG1 && !st->have_specid) {
            /* The first record of a crypto-agile log must be the SpecID. */
            if (number != 0 || !is_specid(ev->type, ev->data, ev->data_len)) {
                return cct_err(err, CCT_EMALFORMED, (int64_t)number, (int64_t)off,
                               "crypto-agile log does not start with a SpecID Event03");
            }
            rc = cct_tcg_parse_specid(ev->data, ev->data_len, &st->specid, number, off + 32, err);
            if (rc < 0) {
                /* Some writers leave vendorInfo out of eventSize. Accept it
                 * when the bytes follow and the result parses exactly. */
                size_t extra = specid_vendor_outside(ev->data, ev->data_len, len - *consumed);
                if (extra == 0) {
                    return rc;
                }
                rc = cct_tcg_parse_specid(ev->data, ev->data_len + extra, &st->specid, number,
                                          off + 32, err);
                if (rc < 0) {
                    return rc;
                }
                ev->data_len += extra;
                *consumed += extra;
                ev->flags |= CCT_EVENT_F_SPECID_VENDOR_OUTSIDE;
            }
            st->have_specid = 1;
            ev->flags |= CCT_EVENT_F_HEADER;
        }
    } else {
        rc = parse_agile(st, p, len, off, number, ev, consumed, err);
    }
    if (rc == 0) {
        ev->number = number;
        ev->offset = off;
        ev->length = *consumed;
        ev->raw = p;
        ev->raw_len = *consumed;
        ev->format = st->format;
    }
    return rc;
}

int cct_tcg_ccel_table_parse(const uint8_t *p, size_t len, struct cct_ccel_table *out,
                             struct cct_error *err)
{
    struct cct_reader r;
    struct cct_ccel_table t;
    uint8_t sig[4], checksum, sum = 0;
    uint16_t reserved;

    memset(&t, 0, sizeof(t));
    cct_reader_init(&r, p, len, 0);
    /* ACPI header (ACPI 6.5, 5.2.6) followed by CC type u8, CC subtype u8,
     * reserved u16, LAML u64, LASA u64 (UEFI 2.10, 38.4.2 "CCEL"). */
    if (!cct_read_copy(&r, sig, 4) || !cct_read_u32le(&r, &t.length) ||
        !cct_read_u8(&r, &t.revision) || !cct_read_u8(&r, &checksum) ||
        !cct_read_copy(&r, t.oem_id, 6) || !cct_read_copy(&r, t.oem_table_id, 8) ||
        !cct_read_u32le(&r, &t.oem_revision) || !cct_read_u32le(&r, &t.creator_id) ||
        !cct_read_u32le(&r, &t.creator_revision) || !cct_read_u8(&r, &t.cc_type) ||
        !cct_read_u8(&r, &t.cc_subtype) || !cct_read_u16le(&r, &reserved) ||
        !cct_read_u64le(&r, &t.laml) || !cct_read_u64le(&r, &t.lasa)) {
        return cct_err(err, CCT_ETRUNCATED, -1, (int64_t)cct_reader_offset(&r),
                       "CCEL table truncated (%zu bytes, need 56)", len);
    }
    if (memcmp(sig, "CCEL", 4) != 0) {
        return cct_err(err, CCT_EMALFORMED, -1, 0, "ACPI table signature is not CCEL");
    }
    if (t.length < 56 || t.length != len) {
        return cct_err(err, CCT_EMALFORMED, -1, 4, "CCEL table length field %u, file has %zu bytes",
                       t.length, len);
    }
    for (size_t i = 0; i < len; i++) {
        sum = (uint8_t)(sum + p[i]);
    }
    t.checksum_ok = sum == 0;
    if (!t.checksum_ok) {
        return cct_err(err, CCT_EMALFORMED, -1, 9, "CCEL table checksum does not sum to zero");
    }
    *out = t;
    return 0;
}
