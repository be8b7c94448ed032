/* SPDX-License-Identifier: Apache-2.0 */
/*
 * CEL encoders: one struct cct_event in, one CEL record out, in the TLV,
 * JSON (TCG or systemd layout) or CBOR encoding. The layouts are in
 * docs/cel.md; the field types follow the TCG Canonical Event Log Format
 * specification v1.0 ("Information Model": recnum, pcr / nv_index, digests,
 * content_type + content; the content sections: cel_mgt = 4, pcclient_std = 5,
 * ima_template = 7; "TLV Encoding", "CBOR Encoding", "JSON Encoding"), plus
 * 108 for CC measurement registers as the CEL reader already accepts.
 */
#include <cctrusted/cel.h>

#include <stdlib.h>
#include <string.h>

#include <cbor.h>
#include <openssl/evp.h>

#include "formats/cel/cel.h"
#include "formats/cel/tlv.h"
#include "formats/ima/ima.h"
#include "util/buf.h"
#include "util/error.h"

#define FIELD_0 0u /* pcclient_std event_type / ima_template template_name */
#define FIELD_1 1u /* pcclient_std event_data / ima_template template_data */

/* Content of a record, resolved from the event whatever its source format. */
struct content {
    uint32_t type;       /* CCT_CEL_* */
    uint32_t event_type; /* pcclient_std */
    const uint8_t *name; /* ima_template: template name */
    size_t name_len;
    const uint8_t *data; /* event data, template data, or the opaque value */
    size_t data_len;
};

static int resolve(const struct cct_event *ev, struct content *c, struct cct_error *err)
{
    memset(c, 0, sizeof(*c));
    c->data = ev->data;
    c->data_len = ev->data_len;
    int is_cel = ev->format == CCT_LOG_CEL_TLV || ev->format == CCT_LOG_CEL_JSON ||
                 ev->format == CCT_LOG_CEL_CBOR;
    if (ev->ima_template != NULL) {
        c->type = CCT_CEL_IMA_TEMPLATE;
        c->name = (const uint8_t *)ev->ima_template;
        c->name_len = ev->ima_template_len;
        /* CEL readers parse template data in the little-endian (canonical) layout; a
         * big-endian binary list's data would not parse, and re-ordering it would break
         * its template hash. */
        struct cct_event probe;
        struct cct_error perr;
        memset(&probe, 0, sizeof(probe));
        if (cct_ima_describe(ev->ima_template, ev->ima_template_len, c->data, c->data_len, 0,
                             &probe, ev->number, &perr) < 0) {
            return cct_err(
                err, CCT_EUNSUPPORTED, (int64_t)ev->number, (int64_t)ev->offset,
                "event %llu: IMA template data does not parse in the little-endian layout CEL "
                "readers use (a big-endian list?)",
                (unsigned long long)ev->number);
        }
    } else if (is_cel && ev->cel_content_type != CCT_CEL_PCCLIENT_STD) {
        c->type = ev->cel_content_type;
        if (c->type == CCT_CEL_IMA_TEMPLATE) {
            return cct_err(err, CCT_EMALFORMED, (int64_t)ev->number, (int64_t)ev->offset,
                           "event %llu: ima_template record without a template name",
                           (unsigned long long)ev->number);
        }
        /* TLV types 0..3 and 108 are record fields, never content types. */
        if (c->type <= CCT_CEL_T_DIGESTS || c->type == CCT_CEL_T_CCMR || c->type > 255) {
            return cct_err(err, CCT_EUNSUPPORTED, (int64_t)ev->number, (int64_t)ev->offset,
                           "event %llu: content type %u cannot be encoded",
                           (unsigned long long)ev->number, c->type);
        }
    } else {
        c->type = CCT_CEL_PCCLIENT_STD;
        c->event_type = ev->type;
    }
    if (c->data == NULL) {
        c->data = (const uint8_t *)"";
        c->data_len = 0;
    }
    return 0;
}

/* Index field: PCR n (type 1), or CC MR index (type 108: 0 = MRTD, 1..4 = RTMR0..3). */
static int index_field(const struct cct_event *ev, uint8_t *type, uint32_t *value,
                       struct cct_error *err)
{
    switch (ev->kind) {
    case CCT_REG_PCR:
        if (ev->index > CCT_CEL_MAX_INDEX) {
            /* e.g. PCR 0xFFFFFFFF (CCT_EVENT_F_INDEX_OUT_OF_RANGE): no CEL reader takes it back. */
            return cct_err(err, CCT_EUNSUPPORTED, (int64_t)ev->number, (int64_t)ev->offset,
                           "event %llu: PCR index %u is beyond the CEL range 0-%u",
                           (unsigned long long)ev->number, ev->index, CCT_CEL_MAX_INDEX);
        }
        *type = CCT_CEL_T_PCR;
        *value = ev->index;
        return 0;
    case CCT_REG_RTMR:
        if (ev->index > 3) {
            break;
        }
        *type = CCT_CEL_T_CCMR;
        *value = ev->index + 1;
        return 0;
    case CCT_REG_MRTD:
        *type = CCT_CEL_T_CCMR;
        *value = 0;
        return 0;
    }
    return cct_err(err, CCT_EUNSUPPORTED, (int64_t)ev->number, (int64_t)ev->offset,
                   "event %llu: register cannot be written as a CEL index",
                   (unsigned long long)ev->number);
}

static int check_digests(const struct cct_event *ev, struct cct_error *err)
{
    if (ev->n_digests > CCT_MAX_DIGESTS) {
        return cct_err(err, CCT_EINVAL, (int64_t)ev->number, -1, "event has too many digests");
    }
    for (size_t i = 0; i < ev->n_digests; i++) {
        /* The TLV digest list types each digest by its TPM_ALG_ID in one byte. */
        if (ev->digests[i].alg > 255 || ev->digests[i].size == 0) {
            return cct_err(err, CCT_EUNSUPPORTED, (int64_t)ev->number, (int64_t)ev->offset,
                           "event %llu: digest algorithm 0x%x cannot be written in CEL",
                           (unsigned long long)ev->number, ev->digests[i].alg);
        }
    }
    return 0;
}

/* COS launcher events hash their whole content TLV: the CEL readers' view holds that TLV. */
static bool cos_whole(const struct cct_event *ev, const struct content *c)
{
    return c->type == CCT_CEL_COS &&
           (ev->format == CCT_LOG_CEL_TLV || ev->format == CCT_LOG_CEL_CBOR);
}

/* ---- TLV ---- */

static int encode_tlv(struct cct_buf *b, const struct cct_event *ev, uint64_t recnum, uint8_t itype,
                      uint32_t index, const struct content *c)
{
    size_t dlen = 0;
    for (size_t i = 0; i < ev->n_digests; i++) {
        dlen += CCT_CEL_TLV_HEADER + ev->digests[i].size;
    }
    int rc = cct_cel_tlv_uint(b, CCT_CEL_T_RECNUM, recnum, 8);
    rc = rc < 0 ? rc : cct_cel_tlv_uint(b, itype, index, 4);
    rc = rc < 0 ? rc : cct_cel_tlv_head(b, CCT_CEL_T_DIGESTS, dlen);
    for (size_t i = 0; rc == 0 && i < ev->n_digests; i++) {
        rc = cct_cel_tlv_bytes(b, (uint8_t)ev->digests[i].alg, ev->digests[i].bytes,
                               ev->digests[i].size);
    }
    if (rc < 0) {
        return rc;
    }
    if (c->type == CCT_CEL_PCCLIENT_STD) {
        rc = cct_cel_tlv_head(b, CCT_CEL_PCCLIENT_STD, 2 * CCT_CEL_TLV_HEADER + 4 + c->data_len);
        rc = rc < 0 ? rc : cct_cel_tlv_uint(b, FIELD_0, c->event_type, 4);
        rc = rc < 0 ? rc : cct_cel_tlv_bytes(b, FIELD_1, c->data, c->data_len);
    } else if (c->type == CCT_CEL_IMA_TEMPLATE) {
        rc = cct_cel_tlv_head(b, CCT_CEL_IMA_TEMPLATE,
                              2 * CCT_CEL_TLV_HEADER + c->name_len + c->data_len);
        rc = rc < 0 ? rc : cct_cel_tlv_bytes(b, FIELD_0, c->name, c->name_len);
        rc = rc < 0 ? rc : cct_cel_tlv_bytes(b, FIELD_1, c->data, c->data_len);
    } else if (cos_whole(ev, c)) {
        /* The readers' view of a COS record is the whole content TLV. */
        rc = cct_buf_append(b, c->data, c->data_len);
    } else {
        rc = cct_cel_tlv_bytes(b, (uint8_t)c->type, c->data, c->data_len);
    }
    return rc;
}

/* ---- JSON ---- */

static int json_b64(struct cct_buf *b, const uint8_t *p, size_t n)
{
    size_t want = 4 * ((n + 2) / 3) + 1;
    if (n > (size_t)INT32_MAX / 2) {
        return CCT_ELIMIT;
    }
    int rc = cct_buf_putc(b, '"');
    rc = rc < 0 ? rc : cct_buf_reserve(b, want);
    if (rc < 0) {
        return rc;
    }
    int w = EVP_EncodeBlock(b->data + b->len, p, (int)n);
    if (w < 0) {
        return CCT_EINVAL;
    }
    b->len += (size_t)w;
    return cct_buf_putc(b, '"');
}

const char *cct_cel_content_name(uint32_t type)
{
    switch (type) {
    case CCT_CEL_MGT: return "cel_mgt";
    case CCT_CEL_PCCLIENT_STD: return "pcclient_std";
    case CCT_CEL_IMA_TEMPLATE: return "ima_template";
    case CCT_CEL_IMA_TLV: return "ima_tlv";
    case CCT_CEL_SYSTEMD: return "systemd";
    case CCT_CEL_COS: return "cos";
    default: return NULL;
    }
}

static int encode_json(struct cct_buf *b, const struct cct_event *ev, uint64_t recnum, int systemd,
                       const struct content *c, struct cct_error *err)
{
    const char *cname = cct_cel_content_name(c->type);
    if (cname == NULL || c->type == CCT_CEL_COS) {
        return cct_err(err, CCT_EUNSUPPORTED, (int64_t)ev->number, (int64_t)ev->offset,
                       "event %llu: content type %u has no CEL-JSON name",
                       (unsigned long long)ev->number, c->type);
    }
    if (ev->kind == CCT_REG_MRTD || (ev->kind == CCT_REG_RTMR && ev->index > 3)) {
        return cct_err(err, CCT_EUNSUPPORTED, (int64_t)ev->number, (int64_t)ev->offset,
                       "event %llu: MRTD events have no CEL-JSON index",
                       (unsigned long long)ev->number);
    }
    int rc = 0;
    if (systemd) {
        /* RFC 7464 record separator; systemd leaves the recnum out. */
        rc = cct_buf_printf(b, "\x1e{");
    } else {
        rc = cct_buf_printf(b, "{\"recnum\":%llu,", (unsigned long long)recnum);
    }
    rc = rc < 0 ? rc
                : cct_buf_printf(b, "\"%s\":%u,\"digests\":[",
                                 ev->kind == CCT_REG_PCR ? "pcr" : "rtmr", ev->index);
    for (size_t i = 0; rc == 0 && i < ev->n_digests; i++) {
        const char *an = cct_alg_name(ev->digests[i].alg);
        if (an == NULL) {
            return cct_err(err, CCT_EUNSUPPORTED, (int64_t)ev->number, (int64_t)ev->offset,
                           "event %llu: digest algorithm 0x%x has no name",
                           (unsigned long long)ev->number, ev->digests[i].alg);
        }
        rc = cct_buf_printf(b, "%s{\"hashAlg\":\"%s\",\"digest\":\"", i ? "," : "", an);
        rc = rc < 0 ? rc : cct_buf_hex(b, ev->digests[i].bytes, ev->digests[i].size);
        rc = rc < 0 ? rc : cct_buf_puts(b, "\"}");
    }
    rc = rc < 0 ? rc : cct_buf_printf(b, "],\"content_type\":\"%s\",\"content\":{", cname);
    if (rc < 0) {
        return rc;
    }
    if (c->type == CCT_CEL_PCCLIENT_STD) {
        rc = cct_buf_printf(b, "\"event_type\":%u,\"event_data\":", c->event_type);
        rc = rc < 0 ? rc : json_b64(b, c->data, c->data_len);
    } else if (c->type == CCT_CEL_IMA_TEMPLATE) {
        rc = cct_buf_puts(b, "\"template_name\":");
        rc = rc < 0 ? rc : cct_buf_json_str(b, (const char *)c->name, c->name_len);
        rc = rc < 0 ? rc : cct_buf_puts(b, ",\"template_data\":");
        rc = rc < 0 ? rc : json_b64(b, c->data, c->data_len);
    } else if (c->type == CCT_CEL_SYSTEMD) {
        rc = cct_buf_puts(b, "\"string\":");
        rc = rc < 0 ? rc : cct_buf_json_str(b, (const char *)c->data, c->data_len);
    } else {
        /* cel_mgt / ima_tlv: the value, base64 (readers may ignore it). */
        rc = cct_buf_puts(b, "\"data\":");
        rc = rc < 0 ? rc : json_b64(b, c->data, c->data_len);
    }
    return rc < 0 ? rc : cct_buf_puts(b, "}}\n");
}

/* ---- CBOR ---- */

/* Unsigned integer in its shortest form (deterministic, RFC 8949 4.2.1). */
static cbor_item_t *cbor_uint(uint64_t v)
{
    if (v <= UINT8_MAX) {
        return cbor_build_uint8((uint8_t)v);
    }
    if (v <= UINT16_MAX) {
        return cbor_build_uint16((uint16_t)v);
    }
    if (v <= UINT32_MAX) {
        return cbor_build_uint32((uint32_t)v);
    }
    return cbor_build_uint64(v);
}

/* Add key -> value to map; takes the value's reference; false on failure (value freed). */
static bool map_put(cbor_item_t *map, uint64_t key, cbor_item_t *value)
{
    cbor_item_t *k = cbor_uint(key);
    bool ok = k != NULL && value != NULL &&
              cbor_map_add(map, (struct cbor_pair){ .key = k, .value = value });
    if (k) {
        cbor_decref(&k);
    }
    if (value) {
        cbor_decref(&value);
    }
    return ok;
}

static int encode_cbor(struct cct_buf *b, const struct cct_event *ev, uint64_t recnum,
                       uint8_t itype, uint32_t index, const struct content *c)
{
    cbor_item_t *rec = cbor_new_definite_map(4);
    cbor_item_t *dig = cbor_new_definite_map(ev->n_digests);
    cbor_item_t *con = NULL;
    bool ok = rec != NULL && dig != NULL;
    for (size_t i = 0; ok && i < ev->n_digests; i++) {
        const struct cct_digest *d = &ev->digests[i];
        ok = map_put(dig, d->alg, cbor_build_bytestring(d->bytes, d->size));
    }
    if (ok && c->type == CCT_CEL_PCCLIENT_STD) {
        con = cbor_new_definite_map(2);
        ok = con != NULL && map_put(con, FIELD_0, cbor_uint(c->event_type)) &&
             map_put(con, FIELD_1, cbor_build_bytestring(c->data, c->data_len));
    } else if (ok && c->type == CCT_CEL_IMA_TEMPLATE) {
        con = cbor_new_definite_map(2);
        ok = con != NULL &&
             map_put(con, FIELD_0, cbor_build_stringn((const char *)c->name, c->name_len)) &&
             map_put(con, FIELD_1, cbor_build_bytestring(c->data, c->data_len));
    } else if (ok) {
        const uint8_t *v = c->data;
        size_t vn = c->data_len;
        if (cos_whole(ev, c) && vn >= CCT_CEL_TLV_HEADER) {
            /* The readers' COS view is the whole content TLV: keep only its value. */
            v += CCT_CEL_TLV_HEADER;
            vn -= CCT_CEL_TLV_HEADER;
        }
        con = cbor_build_bytestring(v, vn);
        ok = con != NULL;
    }
    if (ok) {
        ok = map_put(rec, CCT_CEL_T_RECNUM, cbor_uint(recnum)) &&
             map_put(rec, itype, cbor_uint(index)) && map_put(rec, CCT_CEL_T_DIGESTS, dig);
        dig = NULL;
        ok = ok && map_put(rec, c->type, con);
        con = NULL;
    }
    unsigned char *out = NULL;
    size_t cap = 0, n = 0;
    if (ok) {
        n = cbor_serialize_alloc(rec, &out, &cap);
        ok = n > 0;
    }
    int rc = ok ? cct_buf_append(b, out, n) : CCT_ENOMEM;
    free(out);
    if (rec) {
        cbor_decref(&rec);
    }
    if (dig) {
        cbor_decref(&dig);
    }
    if (con) {
        cbor_decref(&con);
    }
    return rc;
}

int cct_cel_encode(const struct cct_event *ev, uint64_t recnum, enum cct_cel_encoding enc,
                   uint8_t **out, size_t *out_len, struct cct_error *err)
{
    struct content c;
    struct cct_buf b;
    uint8_t itype = 0;
    uint32_t index = 0;
    if (ev == NULL || out == NULL || out_len == NULL) {
        return cct_err(err, CCT_EINVAL, -1, -1, "invalid argument");
    }
    int rc = check_digests(ev, err);
    rc = rc < 0 ? rc : resolve(ev, &c, err);
    rc = rc < 0 ? rc : index_field(ev, &itype, &index, err);
    if (rc < 0) {
        return rc;
    }
    cct_buf_init(&b, 0);
    switch (enc) {
    case CCT_CEL_ENC_TLV: rc = encode_tlv(&b, ev, recnum, itype, index, &c); break;
    case CCT_CEL_ENC_JSON:
    case CCT_CEL_ENC_JSON_SYSTEMD:
        rc = encode_json(&b, ev, recnum, enc == CCT_CEL_ENC_JSON_SYSTEMD, &c, err);
        if (rc == CCT_EUNSUPPORTED) {
            /* err already says which field. */
            cct_buf_free(&b);
            return rc;
        }
        break;
    case CCT_CEL_ENC_CBOR: rc = encode_cbor(&b, ev, recnum, itype, index, &c); break;
    default: rc = CCT_EINVAL; break;
    }
    if (rc < 0) {
        cct_buf_free(&b);
        return cct_err(err, rc, (int64_t)ev->number, (int64_t)ev->offset,
                       "event %llu: cannot encode the CEL record", (unsigned long long)ev->number);
    }
    size_t n = b.len;
    *out = (uint8_t *)cct_buf_steal(&b);
    if (*out == NULL) {
        return cct_err(err, CCT_ENOMEM, -1, -1, "out of memory");
    }
    *out_len = n;
    return 0;
}
