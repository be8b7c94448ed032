/* SPDX-License-Identifier: Apache-2.0 */
/*
 * CEL TLV records (TCG Canonical Event Log Format, "CEL TLV encoding"):
 * every field is u8 type, u32 big-endian length, value. A record is
 *   recnum (0), one of pcr (1) / nv_index (2) / ccmr (108), digests (3, a
 *   list of TLVs whose type is the TPM_ALG_ID), content (type = content type)
 * and ends where the next recnum starts or the input ends. Content values
 * are TLV lists too: pcclient_std = event_type (0) + event_data (1),
 * ima_template = template_name (0) + template_data (1).
 */
#include "formats/cel/cel.h"

#include <string.h>

#include "formats/ima/ima.h"
#include "formats/tcg/tcg.h"
#include "util/error.h"
#include "util/reader.h"

struct tlv {
    uint8_t type;
    uint32_t len;
    const uint8_t *v;
    size_t off; /* absolute offset of the type byte */
};

/* Read one TLV. false when it does not fit in r (cursor unchanged). */
static bool read_tlv(struct cct_reader *r, struct tlv *t)
{
    struct cct_reader save = *r;
    t->off = cct_reader_offset(r);
    if (!cct_read_u8(r, &t->type) || !cct_read_u32be(r, &t->len) ||
        !cct_read_bytes(r, t->len, &t->v)) {
        *r = save;
        return false;
    }
    return true;
}

/* Big-endian unsigned of 1..8 bytes. */
static bool tlv_uint(const struct tlv *t, size_t max_len, uint64_t *v)
{
    if (t->len == 0 || t->len > max_len) {
        return false;
    }
    uint64_t x = 0;
    for (uint32_t i = 0; i < t->len; i++) {
        x = x << 8 | t->v[i];
    }
    *v = x;
    return true;
}

static bool is_index_type(uint8_t t)
{
    return t == CCT_CEL_T_PCR || t == CCT_CEL_T_NV_INDEX || t == CCT_CEL_T_CCMR;
}

void cct_cel_set_register(struct cct_event *e, uint64_t type, uint32_t index)
{
    if (type == CCT_CEL_T_PCR) {
        e->kind = CCT_REG_PCR;
        e->index = index;
    } else {
        /* CC MR index 0 is MRTD, 1..4 are RTMR0..3 (as in the CCEL). */
        e->kind = index == 0 ? CCT_REG_MRTD : CCT_REG_RTMR;
        e->index = index == 0 ? 0 : index - 1;
    }
    e->index_logged = index;
}

int cct_cel_detect(const uint8_t *p, size_t len, int eof, enum cct_log_format *fmt)
{
    struct cct_reader r;
    uint8_t t;
    uint32_t l;
    cct_reader_init(&r, p, len, 0);
    /* recnum TLV, then an index TLV, then the type byte of digests. */
    if (!cct_read_u8(&r, &t) || !cct_read_u32be(&r, &l)) {
        return eof ? 0 : CCT_ETRUNCATED;
    }
    if (t != CCT_CEL_T_RECNUM || l == 0 || l > 8) {
        return 0;
    }
    if (!cct_read_skip(&r, l) || !cct_read_u8(&r, &t) || !cct_read_u32be(&r, &l)) {
        return eof ? 0 : CCT_ETRUNCATED;
    }
    if (!is_index_type(t) || l == 0 || l > 4) {
        return 0;
    }
    if (!cct_read_skip(&r, l) || !cct_read_u8(&r, &t)) {
        return eof ? 0 : CCT_ETRUNCATED;
    }
    if (t != CCT_CEL_T_DIGESTS) {
        return 0;
    }
    *fmt = CCT_LOG_CEL_TLV;
    return 1;
}

void cct_cel_init(struct cct_cel_state *st, enum cct_log_format fmt, size_t max_event_size)
{
    memset(st, 0, sizeof(*st));
    st->format = fmt;
    st->max_event_size = max_event_size;
}

static int fail(struct cct_error *err, int code, uint64_t number, size_t at, const char *what)
{
    return cct_err(err, code, (int64_t)number, (int64_t)at, "CEL record %llu: %s",
                   (unsigned long long)number, what);
}

int cct_cel_digests_missing(size_t n_digests, uint64_t content_type)
{
    return n_digests == 0 && content_type != CCT_CEL_MGT;
}

/* Nested TLVs of a content value: find types 0 and 1. */
static int content_pair(const struct tlv *c, struct tlv *t0, struct tlv *t1, uint64_t number,
                        struct cct_error *err)
{
    struct cct_reader r;
    size_t n = 0;
    int have0 = 0, have1 = 0;
    cct_reader_init(&r, c->v, c->len, c->off + 5);
    while (cct_reader_left(&r) > 0) {
        struct tlv t;
        if (n++ == CCT_CEL_MAX_NESTED) {
            return fail(err, CCT_ELIMIT, number, cct_reader_offset(&r),
                        "too many fields in the content");
        }
        if (!read_tlv(&r, &t)) {
            return fail(err, CCT_EMALFORMED, number, cct_reader_offset(&r),
                        "content field runs past the content");
        }
        if (t.type == 0 && !have0) {
            *t0 = t;
            have0 = 1;
        } else if (t.type == 1 && !have1) {
            *t1 = t;
            have1 = 1;
        } else {
            return fail(err, CCT_EMALFORMED, number, t.off, "unexpected or repeated content field");
        }
    }
    if (!have0 || !have1) {
        return fail(err, CCT_EMALFORMED, number, c->off,
                    "content lacks its type/name or its data field");
    }
    return 0;
}

/*
 * The four fields of the record at p, and nothing after them. On success
 * *out is the event and *out_recnum its recnum; st is not changed.
 */
static int parse_record(const struct cct_cel_state *st, const uint8_t *p, size_t len, uint64_t off,
                        uint64_t number, struct cct_event *out, uint64_t *out_recnum,
                        struct cct_error *err)
{
    struct cct_reader r;
    struct tlv rec, idx, dig, con;
    struct cct_event e;
    uint64_t recnum, index;
    cct_reader_init(&r, p, len, (size_t)off);
    memset(&e, 0, sizeof(e));
    /* Check sizes before waiting for bytes, so a bogus length is an error, not a wait. */
    struct tlv *fields[4] = { &rec, &idx, &dig, &con };
    for (int i = 0; i < 4; i++) {
        struct cct_reader peek = r;
        uint8_t t;
        uint32_t l;
        if (cct_read_u8(&peek, &t) && cct_read_u32be(&peek, &l) && l > st->max_event_size) {
            return cct_err(err, CCT_ELIMIT, (int64_t)number, (int64_t)cct_reader_offset(&r),
                           "CEL record %llu: field of %u bytes (limit %zu)",
                           (unsigned long long)number, l, st->max_event_size);
        }
        if (!read_tlv(&r, fields[i])) {
            return CCT_ETRUNCATED;
        }
    }
    /* recnum */
    if (rec.type != CCT_CEL_T_RECNUM || !tlv_uint(&rec, 8, &recnum)) {
        return fail(err, CCT_EMALFORMED, number, rec.off,
                    "does not start with a recnum field of 1..8 bytes");
    }
    if (st->have_prev && recnum != st->prev_recnum + 1) {
        return cct_err(err, CCT_EMALFORMED, (int64_t)number, (int64_t)rec.off,
                       "CEL record %llu: recnum %llu does not follow %llu",
                       (unsigned long long)number, (unsigned long long)recnum,
                       (unsigned long long)st->prev_recnum);
    }
    /* pcr / nv_index / ccmr */
    if (!is_index_type(idx.type) || !tlv_uint(&idx, 4, &index)) {
        return fail(err, CCT_EMALFORMED, number, idx.off,
                    "second field is not a pcr, nv_index or ccmr of 1..4 bytes");
    }
    if (idx.type == CCT_CEL_T_NV_INDEX) {
        return fail(err, CCT_EUNSUPPORTED, number, idx.off, "NV index records are not supported");
    }
    if (idx.type == CCT_CEL_T_PCR) {
        if (index > CCT_CEL_MAX_INDEX) {
            return fail(err, CCT_EMALFORMED, number, idx.off, "PCR index out of range");
        }
    } else if (index > CCT_CEL_MAX_CCMR) {
        return fail(err, CCT_EMALFORMED, number, idx.off, "CC MR index out of range 0..4");
    }
    cct_cel_set_register(&e, idx.type, (uint32_t)index);
    /* digests: TLVs typed by TPM_ALG_ID */
    if (dig.type != CCT_CEL_T_DIGESTS) {
        return fail(err, CCT_EMALFORMED, number, dig.off, "third field is not the digests list");
    }
    struct cct_reader dr;
    cct_reader_init(&dr, dig.v, dig.len, dig.off + 5);
    while (cct_reader_left(&dr) > 0) {
        struct tlv d;
        if (e.n_digests == CCT_MAX_DIGESTS) {
            return fail(err, CCT_ELIMIT, number, cct_reader_offset(&dr),
                        "more digests than CCT_MAX_DIGESTS");
        }
        if (!read_tlv(&dr, &d)) {
            return fail(err, CCT_EMALFORMED, number, cct_reader_offset(&dr),
                        "digest runs past the digests list");
        }
        size_t known = cct_alg_digest_size(d.type);
        if ((known != 0 && d.len != known) || d.len == 0 || d.len > CCT_MAX_DIGEST_SIZE) {
            return fail(err, CCT_EMALFORMED, number, d.off,
                        "digest size does not fit its algorithm");
        }
        for (size_t k = 0; k < e.n_digests; k++) {
            if (e.digests[k].alg == d.type) {
                return fail(err, CCT_EMALFORMED, number, d.off, "algorithm listed twice");
            }
        }
        e.digests[e.n_digests].alg = d.type;
        e.digests[e.n_digests].size = (uint16_t)d.len;
        e.digests[e.n_digests].bytes = d.v;
        e.n_digests++;
    }
    /* content */
    if (con.type == CCT_CEL_T_RECNUM || con.type == CCT_CEL_T_DIGESTS || is_index_type(con.type)) {
        return fail(err, CCT_EMALFORMED, number, con.off, "fourth field is not a content");
    }
    e.cel_content_type = con.type;
    if (cct_cel_digests_missing(e.n_digests, con.type)) {
        return fail(err, CCT_EMALFORMED, number, dig.off, CCT_CEL_EMPTY_DIGESTS);
    }
    e.data = con.v;
    e.data_len = con.len;
    if (con.type == CCT_CEL_PCCLIENT_STD) {
        struct tlv t0, t1;
        uint64_t type;
        int rc = content_pair(&con, &t0, &t1, number, err);
        if (rc < 0) {
            return rc;
        }
        if (!tlv_uint(&t0, 4, &type)) {
            return fail(err, CCT_EMALFORMED, number, t0.off,
                        "pcclient_std event type is not 1..4 bytes");
        }
        e.type = (uint32_t)type;
        e.data = t1.v;
        e.data_len = t1.len;
    } else if (con.type == CCT_CEL_IMA_TEMPLATE) {
        struct tlv t0, t1;
        int rc = content_pair(&con, &t0, &t1, number, err);
        if (rc < 0) {
            return rc;
        }
        e.data = t1.v;
        e.data_len = t1.len;
        rc =
            cct_ima_describe((const char *)t0.v, t0.len, t1.v, t1.len, t1.off + 5, &e, number, err);
        if (rc < 0) {
            return rc;
        }
        cct_ima_mark_violation(&e);
    } else if (con.type == CCT_CEL_COS) {
        /* COS launcher events hash the whole content TLV (type, length, value). */
        struct cct_reader cr;
        const uint8_t *whole;
        cct_reader_init(&cr, p, len, (size_t)off);
        if (!cct_read_skip(&cr, con.off - (size_t)off) ||
            !cct_read_bytes(&cr, (size_t)con.len + 5, &whole)) {
            return fail(err, CCT_EMALFORMED, number, con.off, "content TLV out of bounds");
        }
        e.data = whole;
        e.data_len = (size_t)con.len + 5;
    } else if (con.type == CCT_CEL_MGT) {
        /* Log management (version, firmware end, timestamps): never extended. */
        e.flags |= CCT_EVENT_F_HEADER;
    }
    size_t rec_len = (size_t)(cct_reader_offset(&r) - off);
    e.number = number;
    e.offset = off;
    e.length = rec_len;
    e.format = CCT_LOG_CEL_TLV;
    e.cel_recnum = recnum;
    e.raw = p;
    e.raw_len = rec_len;
    if (e.data == NULL) {
        e.data = p;
        e.data_len = 0;
    }
    *out = e;
    *out_recnum = recnum;
    return 0;
}

int cct_cel_next(struct cct_cel_state *st, const uint8_t *p, size_t len, int eof, uint64_t off,
                 uint64_t number, struct cct_event *ev, size_t *consumed, int *end,
                 struct cct_error *err)
{
    struct cct_event e;
    uint64_t recnum;
    *end = 0;
    *consumed = 0;
    int rc = parse_record(st, p, len, off, number, &e, &recnum, err);
    if (rc < 0) {
        return rc;
    }
    /* The record ends where the next recnum starts, or at the end. */
    struct cct_reader r;
    cct_reader_init(&r, p + e.raw_len, len - e.raw_len, (size_t)off + e.raw_len);
    if (cct_reader_left(&r) == 0 && !eof) {
        return CCT_ETRUNCATED;
    }
    uint8_t next;
    if (cct_read_u8(&r, &next) && next != CCT_CEL_T_RECNUM) {
        return fail(err, CCT_EMALFORMED, number, (size_t)off + e.raw_len,
                    "unexpected field after the content");
    }
    st->have_prev = 1;
    st->prev_recnum = recnum;
    *ev = e;
    *consumed = e.raw_len;
    return 0;
}

int cct_cel_record(struct cct_cel_state *st, const uint8_t *p, size_t len, uint64_t off,
                   uint64_t number, struct cct_event *ev, size_t *consumed, struct cct_error *err)
{
    struct cct_event e;
    uint64_t recnum;
    int rc = parse_record(st, p, len, off, number, &e, &recnum, err);
    if (rc < 0) {
        return rc;
    }
    st->have_prev = 1;
    st->prev_recnum = recnum;
    *ev = e;
    *consumed = e.raw_len;
    return 0;
}
