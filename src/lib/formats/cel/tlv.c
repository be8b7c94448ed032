/* SPDX-License-Identifier: Apache-2.0 */
/* TCG CEL TLV records (see tlv.h for the layout and the spec reference). */
#include <string.h>

#include "crypto/crypto.h"
#include "formats/cel/tlv.h"
#include "formats/tcg/tcg.h"
#include "util/error.h"
#include "util/reader.h"

/* Largest integer field (recnum, index, event type). */
#define CEL_MAX_INT 8u

struct tlv {
    uint8_t type;
    struct cct_reader v;
};

/* 0 ok, CCT_ETRUNCATED when more bytes are needed. */
static int read_tlv(struct cct_reader *r, struct tlv *t, size_t max)
{
    struct cct_reader save = *r;
    uint32_t n;
    if (!cct_read_u8(r, &t->type) || !cct_read_u32be(r, &n)) {
        *r = save;
        return CCT_ETRUNCATED;
    }
    if (n > max) {
        *r = save;
        return CCT_ELIMIT;
    }
    if (!cct_read_sub(r, n, &t->v)) {
        *r = save;
        return CCT_ETRUNCATED;
    }
    return 0;
}

static int read_uint(const struct tlv *t, uint64_t *out)
{
    size_t n = cct_reader_left(&t->v);
    if (n == 0 || n > CEL_MAX_INT) {
        return CCT_EMALFORMED;
    }
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        v = (v << 8) | t->v.p[i];
    }
    *out = v;
    return 0;
}

static int fail(struct cct_error *err, int code, uint64_t number, size_t at, const char *what)
{
    return cct_err(err, code, (int64_t)number, (int64_t)at, "CEL record %llu: %s", (unsigned long long)number,
                   what);
}

int cct_cel_tlv_next(struct cct_cel_tlv_state *st, const uint8_t *p, size_t len, uint64_t off,
                     uint64_t number, struct cct_event *ev, size_t *consumed, int *end, struct cct_error *err)
{
    struct cct_reader r;
    struct tlv f[4];
    size_t max = st->max_event_size ? st->max_event_size : CCT_MAX_EVENT_SIZE;
    cct_reader_init(&r, p, len, off);
    *end = 0;
    for (int i = 0; i < 4; i++) {
        size_t at = cct_reader_offset(&r);
        int rc = read_tlv(&r, &f[i], max);
        if (rc == CCT_ELIMIT) {
            return fail(err, CCT_ELIMIT, number, at, "field longer than the event size limit");
        }
        if (rc < 0) {
            return rc;
        }
    }
    memset(ev, 0, sizeof(*ev));
    ev->number = number;
    ev->offset = off;
    ev->format = CCT_LOG_CEL_TLV;
    /* 1. recnum */
    uint64_t recnum;
    if (f[0].type != CCT_CEL_T_RECNUM || read_uint(&f[0], &recnum) < 0) {
        return fail(err, CCT_EMALFORMED, number, (size_t)off, "does not start with a recnum field");
    }
    /* 2. register index */
    uint64_t idx;
    if (read_uint(&f[1], &idx) < 0 || idx > UINT32_MAX) {
        return fail(err, CCT_EMALFORMED, number, f[1].v.start, "bad register index");
    }
    ev->index_logged = (uint32_t)idx;
    switch (f[1].type) {
    case CCT_CEL_T_PCR:
        if (idx > CCT_TCG_MAX_PCR) {
            return fail(err, CCT_EMALFORMED, number, f[1].v.start, "PCR index out of range");
        }
        ev->kind = CCT_REG_PCR;
        ev->index = (uint32_t)idx;
        break;
    case CCT_CEL_T_CCMR:
        /* UEFI CC MR index: 0 = MRTD, 1..4 = RTMR0..3. */
        if (idx > CCT_CCEL_MAX_MR) {
            return fail(err, CCT_EMALFORMED, number, f[1].v.start, "CC MR index out of range");
        }
        ev->kind = idx == 0 ? CCT_REG_MRTD : CCT_REG_RTMR;
        ev->index = idx == 0 ? 0 : (uint32_t)idx - 1;
        break;
    case CCT_CEL_T_NV_INDEX:
        return fail(err, CCT_EUNSUPPORTED, number, f[1].v.start, "NV index records are not supported");
    default: return fail(err, CCT_EMALFORMED, number, f[1].v.start, "second field is not a register index");
    }
    /* 3. digests */
    if (f[2].type != CCT_CEL_T_DIGESTS) {
        return fail(err, CCT_EMALFORMED, number, f[2].v.start, "third field is not the digest list");
    }
    struct cct_reader dl = f[2].v;
    while (cct_reader_left(&dl) > 0) {
        struct tlv d;
        size_t at = cct_reader_offset(&dl);
        if (read_tlv(&dl, &d, CCT_MAX_DIGEST_SIZE) < 0) {
            return fail(err, CCT_EMALFORMED, number, at, "bad digest entry");
        }
        if (ev->n_digests >= CCT_MAX_DIGESTS) {
            return fail(err, CCT_ELIMIT, number, at, "more digests than CCT_MAX_DIGESTS");
        }
        size_t want = cct_alg_digest_size(d.type);
        size_t got = cct_reader_left(&d.v);
        if (want != 0 && want != got) {
            return fail(err, CCT_EMALFORMED, number, at, "digest size does not match its algorithm");
        }
        struct cct_digest *g = &ev->digests[ev->n_digests++];
        g->alg = d.type;
        g->size = (uint16_t)got;
        g->bytes = d.v.p;
    }
    /* 4. content */
    ev->data = f[3].v.p;
    ev->data_len = cct_reader_left(&f[3].v);
    switch (f[3].type) {
    case CCT_CEL_T_PCCLIENT_STD: {
        struct cct_reader c = f[3].v;
        struct tlv t, d;
        uint64_t type;
        if (read_tlv(&c, &t, CEL_MAX_INT) < 0 || t.type != CCT_CEL_PCCLIENT_EVENT_TYPE ||
            read_uint(&t, &type) < 0 || type > UINT32_MAX || read_tlv(&c, &d, max) < 0 ||
            d.type != CCT_CEL_PCCLIENT_EVENT_DATA || !cct_reader_done(&c)) {
            return fail(err, CCT_EMALFORMED, number, f[3].v.start, "bad PC Client content");
        }
        ev->type = (uint32_t)type;
        ev->data = d.v.p;
        ev->data_len = cct_reader_left(&d.v);
        break;
    }
    case CCT_CEL_T_MGT:
        /* Management records describe the log; they never extend. */
        ev->type = EV_NO_ACTION;
        ev->flags |= CCT_EVENT_F_HEADER;
        break;
    default: ev->type = 0; break;
    }
    size_t total = len - cct_reader_left(&r);
    ev->length = total;
    ev->raw = p;
    ev->raw_len = total;
    *consumed = total;
    return 0;
}

static int put_tlv_hdr(struct cct_buf *b, uint8_t type, size_t n)
{
    uint8_t h[CCT_CEL_TLV_HEADER] = {type, (uint8_t)(n >> 24), (uint8_t)(n >> 16), (uint8_t)(n >> 8),
                                     (uint8_t)n};
    if (n > UINT32_MAX) {
        return CCT_ELIMIT;
    }
    return cct_buf_append(b, h, sizeof(h));
}

static int put_uint(struct cct_buf *b, uint8_t type, uint64_t v, size_t width)
{
    uint8_t x[8];
    for (size_t i = 0; i < width; i++) {
        x[i] = (uint8_t)(v >> (8 * (width - 1 - i)));
    }
    int r = put_tlv_hdr(b, type, width);
    return r < 0 ? r : cct_buf_append(b, x, width);
}

int cct_cel_tlv_encode(struct cct_buf *b, uint64_t recnum, enum cct_reg_kind kind, uint32_t index,
                       uint16_t alg, const uint8_t *digest, size_t size, uint32_t event_type,
                       const uint8_t *data, size_t data_len, int mgt, size_t *type_at)
{
    size_t start = b->len;
    if (alg > 0xFF || size > CCT_MAX_DIGEST_SIZE || data_len > CCT_MAX_EVENT_SIZE) {
        return CCT_EINVAL;
    }
    int r = put_uint(b, CCT_CEL_T_RECNUM, recnum, 8);
    if (r == 0) {
        if (kind == CCT_REG_PCR) {
            r = put_uint(b, CCT_CEL_T_PCR, index, 4);
        } else {
            r = put_uint(b, CCT_CEL_T_CCMR, kind == CCT_REG_MRTD ? 0 : (uint64_t)index + 1, 4);
        }
    }
    if (r == 0) {
        r = put_tlv_hdr(b, CCT_CEL_T_DIGESTS, CCT_CEL_TLV_HEADER + size);
    }
    if (r == 0) {
        r = put_tlv_hdr(b, (uint8_t)alg, size);
    }
    if (r == 0) {
        r = cct_buf_append(b, digest, size);
    }
    if (r == 0 && type_at != NULL) {
        *type_at = b->len - start;
    }
    if (r == 0) {
        r = put_tlv_hdr(b, mgt ? CCT_CEL_T_MGT : CCT_CEL_T_PCCLIENT_STD, CCT_CEL_TLV_HEADER + 4 + CCT_CEL_TLV_HEADER + data_len);
    }
    if (r == 0) {
        r = put_uint(b, CCT_CEL_PCCLIENT_EVENT_TYPE, event_type, 4);
    }
    if (r == 0) {
        r = put_tlv_hdr(b, CCT_CEL_PCCLIENT_EVENT_DATA, data_len);
    }
    if (r == 0 && data_len > 0) {
        r = cct_buf_append(b, data, data_len);
    }
    return r;
}

int cct_cel_tlv_content_type(const struct cct_event *ev, uint8_t *type, size_t *at)
{
    struct cct_reader r;
    struct tlv t;
    size_t start = 0;
    cct_reader_init(&r, ev->raw, ev->raw_len, 0);
    for (int i = 0; i < 4; i++) {
        start = cct_reader_offset(&r);
        if (read_tlv(&r, &t, ev->raw_len) < 0) {
            return CCT_EMALFORMED;
        }
    }
    *type = t.type;
    *at = start;
    return 0;
}
