/* SPDX-License-Identifier: Apache-2.0 */
/*
 * CEL-JSON (TCG Canonical Event Log Format, JSON encoding) and systemd's
 * tpm2-measure.log / cc-measure.log variant of it.
 *
 * A record: {"recnum": N (optional), "pcr": N | "rtmr": N,
 *   "digests": [{"hashAlg": "sha256", "digest": "<hex>"}, ...],
 *   "content_type": "pcclient_std" | "ima_template" | "cel_mgt" | "systemd" | ...,
 *   "content": {...}}
 * pcclient_std content: {"event_type": N, "event_data": "<base64>"};
 * ima_template: {"template_name": "...", "template_data": "<base64>"};
 * systemd: {"string": "...", "eventType": "...", ...}.
 */
#include "formats/cel/cel_json.h"

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/evp.h>

#include "formats/cel/cel.h"
#include "formats/ima/ima.h"
#include "util/error.h"
#include "util/hex.h"

static int is_ws(uint8_t c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

int cct_cel_json_detect(const uint8_t *p, size_t len, int eof, enum cct_log_format *fmt)
{
    size_t i = 0;
    while (i < len && i < 4096 && (is_ws(p[i]) || p[i] == 0x1e || p[i] == '[')) {
        i++;
    }
    if (i < len && p[i] == '{') {
        i++;
        while (i < len && i < 4096 && is_ws(p[i])) {
            i++;
        }
        if (i < len) {
            if (p[i] != '"') {
                return 0;
            }
            *fmt = CCT_LOG_CEL_JSON;
            return 1;
        }
    }
    if (i < len || eof || i >= 4096) {
        return 0;
    }
    return CCT_ETRUNCATED;
}

void cct_cel_json_init(struct cct_cel_json_state *st, size_t max_event_size)
{
    memset(st, 0, sizeof(*st));
    st->max_data = max_event_size;
    st->max_record = max_event_size < CCT_CEL_JSON_MAX_RECORD / 2 ? max_event_size * 2 + 4096
                                                                  : CCT_CEL_JSON_MAX_RECORD;
}

int cct_cel_json_unfinished(const struct cct_cel_json_state *st)
{
    return st->in_array && !st->closed;
}

void cct_cel_json_free(struct cct_cel_json_state *st)
{
    if (st->obj) {
        json_object_put(st->obj);
        st->obj = NULL;
    }
    free(st->data);
    st->data = NULL;
    st->data_cap = 0;
}

static int fail(struct cct_error *err, int code, uint64_t number, uint64_t off, const char *what)
{
    return cct_err(err, code, (int64_t)number, (int64_t)off, "CEL-JSON record %llu: %s",
                   (unsigned long long)number, what);
}

/* Decode base64 text into st->data. */
static int b64(struct cct_cel_json_state *st, const char *s, size_t n, size_t *out_len)
{
    if (n % 4 != 0) {
        return CCT_EMALFORMED;
    }
    size_t max = n / 4 * 3;
    if (max > st->max_data) {
        return CCT_ELIMIT;
    }
    if (max + 1 > st->data_cap) {
        uint8_t *d = realloc(st->data, max + 1);
        if (d == NULL) {
            return CCT_ENOMEM;
        }
        st->data = d;
        st->data_cap = max + 1;
    }
    if (n > 0x7fffffff) {
        return CCT_ELIMIT;
    }
    int r = EVP_DecodeBlock(st->data, (const unsigned char *)s, (int)n);
    if (r < 0) {
        return CCT_EMALFORMED;
    }
    size_t len = (size_t)r;
    /* EVP_DecodeBlock counts the padding as zero bytes. */
    if (n >= 1 && s[n - 1] == '=') {
        len--;
    }
    if (n >= 2 && s[n - 2] == '=') {
        len--;
    }
    *out_len = len;
    return 0;
}

static int get_uint(struct json_object *o, const char *key, uint64_t max, uint64_t *v, int *present)
{
    struct json_object *x;
    *present = json_object_object_get_ex(o, key, &x);
    if (!*present) {
        return 0;
    }
    if (!json_object_is_type(x, json_type_int)) {
        return CCT_EMALFORMED;
    }
    int64_t i = json_object_get_int64(x);
    if (i < 0 || (uint64_t)i > max) {
        return CCT_EMALFORMED;
    }
    *v = (uint64_t)i;
    return 0;
}

static const struct {
    const char *name;
    uint32_t type;
} content_types[] = {
    { "cel_mgt", CCT_CEL_MGT },
    { "pcclient_std", CCT_CEL_PCCLIENT_STD },
    { "ima_template", CCT_CEL_IMA_TEMPLATE },
    { "ima_tlv", CCT_CEL_IMA_TLV },
    { "systemd", CCT_CEL_SYSTEMD },
};

static int record(struct cct_cel_json_state *st, struct json_object *o, uint64_t off,
                  uint64_t number, struct cct_event *e, struct cct_error *err)
{
    uint64_t v, recnum = 0;
    int present, rc;
    struct json_object *x;
    if (!json_object_is_type(o, json_type_object)) {
        return fail(err, CCT_EMALFORMED, number, off, "is not a JSON object");
    }
    /* recnum (optional: systemd leaves it out) */
    if ((rc = get_uint(o, "recnum", UINT64_MAX >> 1, &recnum, &present)) < 0) {
        return fail(err, rc, number, off, "recnum is not a non-negative integer");
    }
    if (present) {
        if (st->have_prev && recnum != st->prev_recnum + 1) {
            return cct_err(err, CCT_EMALFORMED, (int64_t)number, (int64_t)off,
                           "CEL-JSON record %llu: recnum %llu does not follow %llu",
                           (unsigned long long)number, (unsigned long long)recnum,
                           (unsigned long long)st->prev_recnum);
        }
        st->have_prev = 1;
        st->prev_recnum = recnum;
    } else {
        recnum = number;
    }
    e->cel_recnum = recnum;
    /* register */
    if ((rc = get_uint(o, "pcr", 1023, &v, &present)) < 0) {
        return fail(err, rc, number, off, "pcr is not an integer 0..1023");
    }
    if (present) {
        e->kind = CCT_REG_PCR;
    } else {
        if ((rc = get_uint(o, "rtmr", 3, &v, &present)) < 0) {
            return fail(err, rc, number, off, "rtmr is not an integer 0..3");
        }
        if (!present) {
            if (json_object_object_get_ex(o, "nv_index", &x)) {
                return fail(err, CCT_EUNSUPPORTED, number, off,
                            "NV index records are not supported");
            }
            return fail(err, CCT_EMALFORMED, number, off, "has neither pcr nor rtmr");
        }
        e->kind = CCT_REG_RTMR;
    }
    e->index = e->index_logged = (uint32_t)v;
    /* digests */
    if (!json_object_object_get_ex(o, "digests", &x) || !json_object_is_type(x, json_type_array)) {
        return fail(err, CCT_EMALFORMED, number, off, "digests is missing or not an array");
    }
    size_t nd = json_object_array_length(x);
    if (nd > CCT_MAX_DIGESTS) {
        return fail(err, CCT_ELIMIT, number, off, "more digests than CCT_MAX_DIGESTS");
    }
    for (size_t i = 0; i < nd; i++) {
        struct json_object *d = json_object_array_get_idx(x, i), *a, *h;
        if (!json_object_is_type(d, json_type_object) ||
            !json_object_object_get_ex(d, "hashAlg", &a) ||
            !json_object_object_get_ex(d, "digest", &h) ||
            !json_object_is_type(a, json_type_string) ||
            !json_object_is_type(h, json_type_string)) {
            return fail(err, CCT_EMALFORMED, number, off,
                        "digest entry needs hashAlg and digest strings");
        }
        uint16_t alg = cct_alg_from_name(json_object_get_string(a));
        size_t ds = cct_alg_digest_size(alg);
        if (ds == 0) {
            return fail(err, CCT_EUNSUPPORTED, number, off, "unknown hashAlg");
        }
        for (size_t k = 0; k < i; k++) {
            if (e->digests[k].alg == alg) {
                return fail(err, CCT_EMALFORMED, number, off, "hashAlg listed twice");
            }
        }
        if (cct_hex_decode(json_object_get_string(h), (size_t)json_object_get_string_len(h),
                           st->digest[i], ds) < 0) {
            return fail(err, CCT_EMALFORMED, number, off,
                        "digest is not hex of the algorithm's size");
        }
        e->digests[i].alg = alg;
        e->digests[i].size = (uint16_t)ds;
        e->digests[i].bytes = st->digest[i];
    }
    e->n_digests = nd;
    /* content */
    struct json_object *ct, *c = NULL;
    if (!json_object_object_get_ex(o, "content_type", &ct) ||
        !json_object_is_type(ct, json_type_string)) {
        return fail(err, CCT_EMALFORMED, number, off, "content_type is missing or not a string");
    }
    e->cel_content_type = 255; /* an unnamed content type */
    for (size_t i = 0; i < sizeof(content_types) / sizeof(content_types[0]); i++) {
        if (strcmp(json_object_get_string(ct), content_types[i].name) == 0) {
            e->cel_content_type = content_types[i].type;
        }
    }
    if (cct_cel_digests_missing(nd, e->cel_content_type)) {
        return fail(err, CCT_EMALFORMED, number, off, CCT_CEL_EMPTY_DIGESTS);
    }
    json_object_object_get_ex(o, "content", &c);
    if (c != NULL && !json_object_is_type(c, json_type_object)) {
        return fail(err, CCT_EMALFORMED, number, off, "content is not an object");
    }
    e->data = (const uint8_t *)"";
    e->data_len = 0;
    if (e->cel_content_type == CCT_CEL_PCCLIENT_STD ||
        e->cel_content_type == CCT_CEL_IMA_TEMPLATE) {
        int pc = e->cel_content_type == CCT_CEL_PCCLIENT_STD;
        struct json_object *k0, *k1;
        if (c == NULL || !json_object_object_get_ex(c, pc ? "event_type" : "template_name", &k0) ||
            !json_object_object_get_ex(c, pc ? "event_data" : "template_data", &k1) ||
            !json_object_is_type(k1, json_type_string) ||
            !json_object_is_type(k0, pc ? json_type_int : json_type_string)) {
            return fail(err, CCT_EMALFORMED, number, off,
                        pc ? "pcclient_std content needs event_type and event_data"
                           : "ima_template content needs template_name and template_data");
        }
        size_t dl;
        rc = b64(st, json_object_get_string(k1), (size_t)json_object_get_string_len(k1), &dl);
        if (rc < 0) {
            return fail(err, rc, number, off, "event data is not base64 (or too long)");
        }
        e->data = st->data;
        e->data_len = dl;
        if (pc) {
            int64_t t = json_object_get_int64(k0);
            if (t < 0 || t > UINT32_MAX) {
                return fail(err, CCT_EMALFORMED, number, off, "event_type out of range");
            }
            e->type = (uint32_t)t;
        } else {
            rc =
                cct_ima_describe(json_object_get_string(k0), (size_t)json_object_get_string_len(k0),
                                 st->data, dl, off, e, number, err);
            if (rc < 0) {
                return rc;
            }
            cct_ima_mark_violation(e);
        }
    } else if (e->cel_content_type == CCT_CEL_SYSTEMD) {
        struct json_object *s;
        if (c != NULL && json_object_object_get_ex(c, "string", &s) &&
            json_object_is_type(s, json_type_string)) {
            e->data = (const uint8_t *)json_object_get_string(s);
            e->data_len = (size_t)json_object_get_string_len(s);
        }
    } else if (e->cel_content_type == CCT_CEL_MGT) {
        e->flags |= CCT_EVENT_F_HEADER;
    }
    return 0;
}

int cct_cel_json_next(struct cct_cel_json_state *st, const uint8_t *p, size_t len, int eof,
                      uint64_t off, uint64_t number, struct cct_event *ev, size_t *consumed,
                      int *end, struct cct_error *err)
{
    size_t i = 0;
    *end = 0;
    *consumed = 0;
    /* Separators before the record: whitespace, RS (RFC 7464), '[' first, ',' in an array. */
    for (;;) {
        while (i < len && (is_ws(p[i]) || p[i] == 0x1e)) {
            i++;
        }
        if (i == len) {
            if (!eof) {
                return CCT_ETRUNCATED;
            }
            if (st->in_array && !st->closed) {
                /* Not a wait for bytes (eof): the iterator must not rewrite this one. */
                return fail(err, CCT_EMALFORMED, number, off + i,
                            "log ends before the JSON array is closed");
            }
            /* Only separators left: the log ends here (they are consumed). */
            *consumed = i;
            *end = 1;
            return 0;
        }
        if (st->closed) {
            return fail(err, CCT_EMALFORMED, number, off + i,
                        "data after the end of the JSON array");
        }
        if (!st->started && p[i] == '[') {
            st->in_array = 1;
            st->started = 1;
            i++;
            continue;
        }
        if (st->in_array && p[i] == ',' && number > 0) {
            i++;
            continue;
        }
        if (st->in_array && p[i] == ']') {
            st->closed = 1;
            i++;
            continue;
        }
        break;
    }
    st->started = 1;
    if (p[i] != '{') {
        return fail(err, CCT_EMALFORMED, number, off + i, "expected a JSON object");
    }
    size_t avail = len - i;
    if (avail > st->max_record) {
        avail = st->max_record;
    }
    struct json_tokener *tok = json_tokener_new_ex(CCT_CEL_JSON_MAX_DEPTH);
    if (tok == NULL) {
        return cct_err(err, CCT_ENOMEM, (int64_t)number, (int64_t)off, "out of memory");
    }
    struct json_object *o = json_tokener_parse_ex(tok, (const char *)p + i, (int)avail);
    enum json_tokener_error je = json_tokener_get_error(tok);
    size_t used = json_tokener_get_parse_end(tok);
    json_tokener_free(tok);
    /* The tokener may take whitespace after the object: leave it to the separators. */
    while (used > 0 && used <= avail && is_ws(p[i + used - 1])) {
        used--;
    }
    if (o == NULL) {
        if (je == json_tokener_continue) {
            if (avail == st->max_record && len - i >= st->max_record) {
                return fail(err, CCT_ELIMIT, number, off + i, "record longer than the limit");
            }
            return CCT_ETRUNCATED; /* at eof the iterator reports the cut record */
        }
        return cct_err(err, CCT_EMALFORMED, (int64_t)number, (int64_t)(off + i),
                       "CEL-JSON record %llu: %s", (unsigned long long)number,
                       json_tokener_error_desc(je));
    }
    struct cct_event e;
    memset(&e, 0, sizeof(e));
    if (st->obj) {
        json_object_put(st->obj);
    }
    st->obj = o;
    int rc = record(st, o, off + i, number, &e, err);
    if (rc < 0) {
        return rc;
    }
    size_t rec_end = i + used;
    e.number = number;
    e.offset = off + i;
    e.length = used;
    e.format = CCT_LOG_CEL_JSON;
    e.raw = p + i;
    e.raw_len = used;
    *ev = e;
    *consumed = rec_end;
    return 0;
}
