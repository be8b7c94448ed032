/* SPDX-License-Identifier: Apache-2.0 */
/*
 * CEL-CBOR reader (layout in cel_cbor.h and docs/cel.md). Each record is
 * first walked with a cct_reader (RFC 8949 section 3: initial byte = major
 * type << 5 | additional info; 24..27 = 1/2/4/8-byte argument; 28..30 are
 * reserved; 31 = indefinite length, which deterministic CEL-CBOR never
 * uses), which bounds depth, entry counts and string sizes and finds where
 * the record ends; only then does libcbor decode exactly those bytes.
 */
#include "formats/cel/cel_cbor.h"

#include <stdlib.h>
#include <string.h>

#include <cbor.h>

#include "formats/cel/cel.h"
#include "formats/ima/ima.h"
#include "util/error.h"
#include "util/reader.h"

#define FIELD_0 0u /* event_type / template_name */
#define FIELD_1 1u /* event_data / template_data */

int cct_cel_cbor_detect(const uint8_t *p, size_t len, int eof, enum cct_log_format *fmt)
{
    /* A map of four pairs whose first key is recnum (0). */
    if (len < 2) {
        return eof || (len == 1 && p[0] != 0xa4) ? 0 : CCT_ETRUNCATED;
    }
    if (p[0] != 0xa4 || p[1] != 0x00) {
        return 0;
    }
    *fmt = CCT_LOG_CEL_CBOR;
    return 1;
}

void cct_cel_cbor_init(struct cct_cel_cbor_state *st, size_t max_event_size)
{
    memset(st, 0, sizeof(*st));
    st->max_event_size = max_event_size;
}

static void drop_item(struct cct_cel_cbor_state *st)
{
    if (st->item != NULL) {
        cbor_item_t *it = st->item;
        cbor_decref(&it);
        st->item = NULL;
    }
}

void cct_cel_cbor_free(struct cct_cel_cbor_state *st)
{
    drop_item(st);
    free(st->cos);
    st->cos = NULL;
    st->cos_cap = 0;
}

struct scan {
    uint64_t number;
    size_t strings; /* bytes of strings so far */
    size_t limit;
    struct cct_error *err;
    size_t at[8]; /* offsets of the record map's keys and values, for error messages */
    size_t n_at;
};

static int sfail(struct scan *s, int code, size_t at, const char *what)
{
    return cct_err(s->err, code, (int64_t)s->number, (int64_t)at,
                   "CEL-CBOR record %llu: %s at byte %zu", (unsigned long long)s->number, what, at);
}

/* One data item (RFC 8949 section 3). CCT_ETRUNCATED when the input ends inside it. */
static int scan_item(struct cct_reader *r, unsigned depth, struct scan *s)
{
    size_t at = cct_reader_offset(r);
    uint8_t ib;
    uint64_t arg = 0;
    if (depth >= CCT_CEL_CBOR_MAX_DEPTH) {
        return sfail(s, CCT_ELIMIT, at, "items nested too deeply");
    }
    if (!cct_read_u8(r, &ib)) {
        return CCT_ETRUNCATED;
    }
    if (depth == 1 && s->n_at < sizeof(s->at) / sizeof(s->at[0])) {
        s->at[s->n_at++] = at;
    }
    uint8_t major = ib >> 5, ai = ib & 0x1f;
    if (ai < 24) {
        arg = ai;
    } else if (ai == 24) {
        uint8_t v;
        if (!cct_read_u8(r, &v)) {
            return CCT_ETRUNCATED;
        }
        arg = v;
    } else if (ai == 25) {
        uint16_t v;
        if (!cct_read_u16be(r, &v)) {
            return CCT_ETRUNCATED;
        }
        arg = v;
    } else if (ai == 26) {
        uint32_t v;
        if (!cct_read_u32be(r, &v)) {
            return CCT_ETRUNCATED;
        }
        arg = v;
    } else if (ai == 27) {
        if (!cct_read_u64be(r, &arg)) {
            return CCT_ETRUNCATED;
        }
    } else if (ai == 31) {
        return sfail(s, CCT_EUNSUPPORTED, at, "indefinite-length item");
    } else {
        return sfail(s, CCT_EMALFORMED, at, "reserved additional information");
    }
    switch (major) {
    case 0: /* unsigned */
    case 1: /* negative */
    case 7: /* simple / float: the argument was the whole value */ return 0;
    case 2: /* byte string */
    case 3: /* text string */
        if (arg > s->limit - s->strings) {
            return sfail(s, CCT_ELIMIT, at, "strings larger than the event size limit");
        }
        s->strings += (size_t)arg;
        return cct_read_skip(r, (size_t)arg) ? 0 : CCT_ETRUNCATED;
    case 4: /* array */
    case 5: /* map */
        if (arg > CCT_CEL_CBOR_MAX_ITEMS) {
            return sfail(s, CCT_ELIMIT, at, "array or map with too many entries");
        }
        for (uint64_t i = 0; i < (major == 5 ? 2 * arg : arg); i++) {
            int rc = scan_item(r, depth + 1, s);
            if (rc < 0) {
                return rc;
            }
        }
        return 0;
    default: /* 6: tag */ return scan_item(r, depth + 1, s);
    }
}

static int fail(struct cct_error *err, int code, uint64_t number, uint64_t off, const char *what)
{
    return cct_err(err, code, (int64_t)number, (int64_t)off, "CEL-CBOR record %llu (byte %llu): %s",
                   (unsigned long long)number, (unsigned long long)off, what);
}

static bool get_uint(const cbor_item_t *it, uint64_t max, uint64_t *v)
{
    if (!cbor_isa_uint(it)) {
        return false;
    }
    uint64_t x = cbor_get_int(it);
    if (x > max) {
        return false;
    }
    *v = x;
    return true;
}

static bool get_bytes(const cbor_item_t *it, const uint8_t **p, size_t *n)
{
    if (!cbor_isa_bytestring(it) || !cbor_bytestring_is_definite(it)) {
        return false;
    }
    *n = cbor_bytestring_length(it);
    *p = *n ? cbor_bytestring_handle(it) : (const uint8_t *)"";
    return true;
}

/* A two-entry map {0: k0, 1: k1} in that order. */
static bool pair_map(const cbor_item_t *it, cbor_item_t **k0, cbor_item_t **k1)
{
    uint64_t a, b;
    if (!cbor_isa_map(it) || !cbor_map_is_definite(it) || cbor_map_size(it) != 2) {
        return false;
    }
    struct cbor_pair *pr = cbor_map_handle(it);
    if (!get_uint(pr[0].key, FIELD_0, &a) || a != FIELD_0 || !get_uint(pr[1].key, FIELD_1, &b) ||
        b != FIELD_1) {
        return false;
    }
    *k0 = pr[0].value;
    *k1 = pr[1].value;
    return true;
}

/* Offset of entry i's key (2i) or value (2i + 1) of the record map. */
#define AT(k) (s->n_at > (k) ? (uint64_t)s->at[(k)] : off)

static int walk(struct cct_cel_cbor_state *st, const cbor_item_t *rec, uint64_t number,
                uint64_t off, const struct scan *s, struct cct_event *e, struct cct_error *err)
{
    uint64_t recnum, key, index;
    if (!cbor_isa_map(rec) || !cbor_map_is_definite(rec) || cbor_map_size(rec) != 4) {
        return fail(err, CCT_EMALFORMED, number, off, "record is not a map of four entries");
    }
    struct cbor_pair *f = cbor_map_handle(rec);
    /* recnum */
    if (!get_uint(f[0].key, 0, &key) || !get_uint(f[0].value, UINT64_MAX, &recnum)) {
        return fail(err, CCT_EMALFORMED, number, AT(0),
                    "first entry is not recnum (key 0, unsigned)");
    }
    if (st->have_prev && recnum != st->prev_recnum + 1) {
        return fail(err, CCT_EMALFORMED, number, AT(1),
                    "recnum does not follow the previous record's");
    }
    /* pcr / nv_index / ccmr */
    if (!get_uint(f[1].key, CCT_CEL_T_CCMR, &key) ||
        (key != CCT_CEL_T_PCR && key != CCT_CEL_T_NV_INDEX && key != CCT_CEL_T_CCMR)) {
        return fail(err, CCT_EMALFORMED, number, AT(2),
                    "second entry is not pcr (1), nv_index (2) or ccmr (108)");
    }
    if (key == CCT_CEL_T_NV_INDEX) {
        return fail(err, CCT_EUNSUPPORTED, number, AT(2), "NV index records are not supported");
    }
    if (!get_uint(f[1].value, key == CCT_CEL_T_PCR ? CCT_CEL_MAX_INDEX : CCT_CEL_MAX_CCMR,
                  &index)) {
        return fail(err, CCT_EMALFORMED, number, AT(3),
                    "register index is not an unsigned integer in range");
    }
    cct_cel_set_register(e, key, (uint32_t)index);
    /* digests: {TPM_ALG_ID: digest} */
    if (!get_uint(f[2].key, CCT_CEL_T_DIGESTS, &key) || key != CCT_CEL_T_DIGESTS ||
        !cbor_isa_map(f[2].value) || !cbor_map_is_definite(f[2].value)) {
        return fail(err, CCT_EMALFORMED, number, AT(4),
                    "third entry is not the digests map (key 3)");
    }
    size_t nd = cbor_map_size(f[2].value);
    if (nd > CCT_MAX_DIGESTS) {
        return fail(err, CCT_ELIMIT, number, AT(5), "more digests than CCT_MAX_DIGESTS");
    }
    struct cbor_pair *d = cbor_map_handle(f[2].value);
    for (size_t i = 0; i < nd; i++) {
        uint64_t alg;
        const uint8_t *b;
        size_t n;
        if (!get_uint(d[i].key, UINT16_MAX, &alg) || !get_bytes(d[i].value, &b, &n)) {
            return fail(err, CCT_EMALFORMED, number, AT(5),
                        "digest entry is not {alg id: byte string}");
        }
        size_t known = cct_alg_digest_size((uint16_t)alg);
        if ((known != 0 && n != known) || n == 0 || n > CCT_MAX_DIGEST_SIZE) {
            return fail(err, CCT_EMALFORMED, number, AT(5),
                        "digest size does not fit its algorithm");
        }
        for (size_t k = 0; k < i; k++) {
            if (e->digests[k].alg == alg) {
                return fail(err, CCT_EMALFORMED, number, AT(5), "algorithm listed twice");
            }
        }
        e->digests[i].alg = (uint16_t)alg;
        e->digests[i].size = (uint16_t)n;
        e->digests[i].bytes = b;
    }
    e->n_digests = nd;
    /* content_type: content */
    if (!get_uint(f[3].key, 255, &key) || key <= CCT_CEL_T_DIGESTS) {
        return fail(err, CCT_EMALFORMED, number, AT(6),
                    "fourth entry is not a content (key 4..255)");
    }
    e->cel_content_type = (uint32_t)key;
    if (cct_cel_digests_missing(nd, key)) {
        return fail(err, CCT_EMALFORMED, number, AT(4), CCT_CEL_EMPTY_DIGESTS);
    }
    cbor_item_t *k0, *k1;
    if (key == CCT_CEL_PCCLIENT_STD) {
        uint64_t type;
        if (!pair_map(f[3].value, &k0, &k1) || !get_uint(k0, UINT32_MAX, &type) ||
            !get_bytes(k1, &e->data, &e->data_len)) {
            return fail(err, CCT_EMALFORMED, number, AT(7),
                        "pcclient_std content is not {0: event_type, 1: event_data}");
        }
        e->type = (uint32_t)type;
    } else if (key == CCT_CEL_IMA_TEMPLATE) {
        if (!pair_map(f[3].value, &k0, &k1) || !cbor_isa_string(k0) ||
            !cbor_string_is_definite(k0) || !get_bytes(k1, &e->data, &e->data_len)) {
            return fail(err, CCT_EMALFORMED, number, AT(7),
                        "ima_template content is not {0: template_name, 1: template_data}");
        }
        size_t nl = cbor_string_length(k0);
        const char *name = nl ? (const char *)cbor_string_handle(k0) : "";
        int rc = cct_ima_describe(name, nl, e->data, e->data_len, AT(7), e, number, err);
        if (rc < 0) {
            return rc;
        }
        cct_ima_mark_violation(e);
    } else {
        if (!get_bytes(f[3].value, &e->data, &e->data_len)) {
            return fail(err, CCT_EMALFORMED, number, AT(7), "content is not a byte string");
        }
        if (key == CCT_CEL_MGT) {
            /* Log management: never extended. */
            e->flags |= CCT_EVENT_F_HEADER;
        } else if (key == CCT_CEL_COS) {
            /* COS launcher events hash the whole content TLV (as the TLV reader shows it). */
            if (e->data_len > UINT32_MAX - 5) {
                return fail(err, CCT_ELIMIT, number, AT(7), "COS content too large");
            }
            size_t need = e->data_len + 5;
            if (need > st->cos_cap) {
                uint8_t *n = realloc(st->cos, need);
                if (n == NULL) {
                    return cct_err(err, CCT_ENOMEM, (int64_t)number, (int64_t)off, "out of memory");
                }
                st->cos = n;
                st->cos_cap = need;
            }
            st->cos[0] = (uint8_t)key;
            for (int b = 0; b < 4; b++) {
                st->cos[1 + b] = (uint8_t)((uint64_t)e->data_len >> (8 * (3 - b)));
            }
            memcpy(st->cos + 5, e->data, e->data_len);
            e->data = st->cos;
            e->data_len = need;
        }
    }
    e->cel_recnum = recnum;
    return 0;
}

int cct_cel_cbor_next(struct cct_cel_cbor_state *st, const uint8_t *p, size_t len, int eof,
                      uint64_t off, uint64_t number, struct cct_event *ev, size_t *consumed,
                      int *end, struct cct_error *err)
{
    struct cct_reader r;
    struct scan s = { number, 0, st->max_event_size, err, { 0 }, 0 };
    struct cbor_load_result res;
    *end = 0;
    *consumed = 0;
    drop_item(st);
    cct_reader_init(&r, p, len, (size_t)off);
    int rc = scan_item(&r, 0, &s);
    if (rc < 0) {
        return rc;
    }
    size_t rec_len = cct_reader_offset(&r) - (size_t)off;
    cbor_item_t *it = cbor_load(p, rec_len, &res);
    if (it == NULL || res.error.code != CBOR_ERR_NONE || res.read != rec_len) {
        if (it != NULL) {
            cbor_decref(&it);
        }
        return cct_err(err, res.error.code == CBOR_ERR_MEMERROR ? CCT_ENOMEM : CCT_EMALFORMED,
                       (int64_t)number, (int64_t)(off + res.error.position),
                       "CEL-CBOR record %llu: CBOR decoding failed (libcbor error %d)",
                       (unsigned long long)number, (int)res.error.code);
    }
    struct cct_event e;
    memset(&e, 0, sizeof(e));
    rc = walk(st, it, number, off, &s, &e, err);
    if (rc < 0) {
        cbor_decref(&it);
        return rc;
    }
    st->item = it;
    e.number = number;
    e.offset = off;
    e.length = rec_len;
    e.format = CCT_LOG_CEL_CBOR;
    e.raw = p;
    e.raw_len = rec_len;
    st->have_prev = 1;
    st->prev_recnum = e.cel_recnum;
    *ev = e;
    *consumed = rec_len;
    return 0;
}
