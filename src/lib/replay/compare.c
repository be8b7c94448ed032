/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Expected register values: parsing them ("INDEX ALG HEX" lines, or the
 * JSON `cctrusted replay --json` prints) and comparing them with a replay.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include <cctrusted/replay.h>

#include "replay/replay_internal.h"
#include "util/error.h"
#include "util/hex.h"

#define MAX_INDEX 1023

/* "PCR5" / "RTMR2" / "5" */
static int parse_index(const char *s, size_t len, struct cct_expected *e)
{
    e->have_kind = 0;
    if (len >= 3 && strncasecmp(s, "PCR", 3) == 0) {
        e->have_kind = 1;
        e->kind = CCT_REG_PCR;
        s += 3;
        len -= 3;
    } else if (len >= 4 && strncasecmp(s, "RTMR", 4) == 0) {
        e->have_kind = 1;
        e->kind = CCT_REG_RTMR;
        s += 4;
        len -= 4;
    }
    if (len == 0 || len > 4) {
        return -1;
    }
    uint32_t v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return -1;
        }
        v = v * 10 + (uint32_t)(s[i] - '0');
    }
    if (v > MAX_INDEX) {
        return -1;
    }
    e->index = v;
    return 0;
}

/* Exactly the digest's hex digits of alg. */
static int set_digest(struct cct_expected *e, const char *alg, size_t alen, const char *hex,
                      size_t hlen)
{
    char an[32];
    if (alen == 0 || alen >= sizeof(an)) {
        return -1;
    }
    memcpy(an, alg, alen);
    an[alen] = '\0';
    e->alg = cct_alg_from_name(an);
    size_t size = cct_alg_digest_size(e->alg);
    if (size == 0 || hlen != size * 2 || cct_hex_decode(hex, hlen, e->digest, size) < 0) {
        return -1;
    }
    e->size = (uint16_t)size;
    return 0;
}

static int parse_json(const char *text, size_t len, struct cct_expected *out, size_t max, size_t *n,
                      struct cct_error *err)
{
    struct json_tokener *tok = json_tokener_new();
    if (tok == NULL) {
        return cct_err(err, CCT_ENOMEM, -1, -1, "out of memory");
    }
    struct json_object *root = json_tokener_parse_ex(tok, text, (int)len);
    enum json_tokener_error je = json_tokener_get_error(tok);
    size_t used = tok->char_offset;
    json_tokener_free(tok);
    if (root == NULL || je != json_tokener_success) {
        json_object_put(root);
        return cct_err(err, CCT_EMALFORMED, -1, (int64_t)used, "invalid JSON at byte %zu: %s", used,
                       json_tokener_error_desc(je));
    }
    struct json_object *regs;
    int rc = 0;
    if (!json_object_object_get_ex(root, "registers", &regs) ||
        !json_object_is_type(regs, json_type_array)) {
        rc = cct_err(err, CCT_EMALFORMED, -1, -1, "JSON has no \"registers\" array");
    }
    size_t count = rc == 0 ? json_object_array_length(regs) : 0;
    for (size_t i = 0; rc == 0 && i < count; i++) {
        struct json_object *o = json_object_array_get_idx(regs, i), *vi, *va, *vd, *vk;
        if (*n == max) {
            rc = cct_err(err, CCT_ELIMIT, -1, -1, "more than %zu expected values", max);
            break;
        }
        struct cct_expected *e = &out[*n];
        memset(e, 0, sizeof(*e));
        if (!json_object_object_get_ex(o, "index", &vi) ||
            !json_object_object_get_ex(o, "alg", &va) ||
            !json_object_object_get_ex(o, "digest", &vd) ||
            !json_object_is_type(vi, json_type_int) || !json_object_is_type(va, json_type_string) ||
            !json_object_is_type(vd, json_type_string)) {
            rc = cct_err(err, CCT_EMALFORMED, (int64_t)i, -1,
                         "registers[%zu] needs index, alg and digest", i);
            break;
        }
        int64_t idx = json_object_get_int64(vi);
        if (idx < 0 || idx > MAX_INDEX) {
            rc = cct_err(err, CCT_EMALFORMED, (int64_t)i, -1, "registers[%zu]: index out of range",
                         i);
            break;
        }
        e->index = (uint32_t)idx;
        if (json_object_object_get_ex(o, "register", &vk)) {
            const char *k = json_object_get_string(vk);
            e->have_kind = 1;
            if (k != NULL && strcmp(k, "rtmr") == 0) {
                e->kind = CCT_REG_RTMR;
            } else if (k != NULL && strcmp(k, "pcr") == 0) {
                e->kind = CCT_REG_PCR;
            } else {
                rc = cct_err(err, CCT_EMALFORMED, (int64_t)i, -1,
                             "registers[%zu]: register is pcr or rtmr", i);
                break;
            }
        }
        const char *a = json_object_get_string(va), *d = json_object_get_string(vd);
        if (set_digest(e, a, strlen(a), d, strlen(d)) < 0) {
            rc = cct_err(err, CCT_EMALFORMED, (int64_t)i, -1, "registers[%zu]: bad alg or digest",
                         i);
            break;
        }
        (*n)++;
    }
    json_object_put(root);
    return rc;
}

/* Next whitespace-separated word of [*p, end). */
static int word(const char **p, const char *end, const char **w, size_t *wl)
{
    while (*p < end && (**p == ' ' || **p == '\t' || **p == '\r')) {
        (*p)++;
    }
    *w = *p;
    while (*p < end && **p != ' ' && **p != '\t' && **p != '\r') {
        (*p)++;
    }
    *wl = (size_t)(*p - *w);
    return *wl > 0;
}

int cct_expected_parse(const uint8_t *buf, size_t len, struct cct_expected *out, size_t max,
                       size_t *n, struct cct_error *err)
{
    if ((buf == NULL && len > 0) || (out == NULL && max > 0) || n == NULL) {
        return cct_err(err, CCT_EINVAL, -1, -1, "invalid argument");
    }
    const char *s = (const char *)buf, *end = s + len;
    size_t k = 0, found = 0;
    while (k < len && (s[k] == ' ' || s[k] == '\n' || s[k] == '\t' || s[k] == '\r')) {
        k++;
    }
    if (k < len && s[k] == '{') {
        int rc = parse_json(s, len, out, max, &found, err);
        if (rc == 0) {
            *n = found;
        }
        return rc;
    }
    size_t lineno = 0;
    while (s < end) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        const char *le = nl ? nl : end;
        const char *p = s, *w[4];
        size_t wl[4];
        lineno++;
        int words = 0;
        while (words < 4 && word(&p, le, &w[words], &wl[words])) {
            words++;
        }
        s = nl ? nl + 1 : end;
        if (words == 0 || w[0][0] == '#') {
            continue;
        }
        if (words != 3) {
            return cct_err(err, CCT_EMALFORMED, (int64_t)lineno, -1,
                           "line %zu: expected 'INDEX ALG HEX'", lineno);
        }
        if (found == max) {
            return cct_err(err, CCT_ELIMIT, (int64_t)lineno, -1,
                           "line %zu: more than %zu expected values", lineno, max);
        }
        struct cct_expected *e = &out[found];
        memset(e, 0, sizeof(*e));
        if (parse_index(w[0], wl[0], e) < 0 || set_digest(e, w[1], wl[1], w[2], wl[2]) < 0) {
            return cct_err(err, CCT_EMALFORMED, (int64_t)lineno, -1,
                           "line %zu: bad index, algorithm or digest", lineno);
        }
        found++;
    }
    *n = found;
    return 0;
}

/* RTMR when a CCEL was replayed (or only RTMRs were extended), else PCR. */
static enum cct_reg_kind default_kind(const cct_replay *r)
{
    int pcr = 0, rtmr = 0;
    for (size_t i = 0; i < r->n_logs; i++) {
        if (r->logs[i].info.format == CCT_LOG_CCEL) {
            return CCT_REG_RTMR;
        }
    }
    for (size_t i = 0; i < r->n; i++) {
        pcr |= r->regs[i].kind == CCT_REG_PCR;
        rtmr |= r->regs[i].kind == CCT_REG_RTMR;
    }
    return rtmr && !pcr ? CCT_REG_RTMR : CCT_REG_PCR;
}

int cct_replay_compare(const cct_replay *r, const struct cct_expected *ex, size_t n,
                       struct cct_register_diff *diffs, size_t max, size_t *n_diffs)
{
    if (r == NULL || (ex == NULL && n > 0) || (diffs == NULL && max > 0) || n_diffs == NULL) {
        return CCT_EINVAL;
    }
    enum cct_reg_kind dk = default_kind(r);
    size_t found = 0;
    for (size_t i = 0; i < n; i++) {
        const struct cct_expected *e = &ex[i];
        if (e->size == 0) {
            continue; /* nothing to compare with (not on the platform) */
        }
        struct cct_register reg;
        enum cct_reg_kind k = e->have_kind ? e->kind : dk;
        int rc = cct_replay_lookup(r, k, e->index, e->alg, &reg);
        if (rc < 0) {
            return rc;
        }
        if (reg.size == e->size && cct_memeq_ct(reg.digest, e->digest, e->size)) {
            continue;
        }
        if (found < max) {
            struct cct_register_diff *d = &diffs[found];
            memset(d, 0, sizeof(*d));
            d->kind = k;
            d->index = e->index;
            d->alg = e->alg;
            d->size = e->size;
            memcpy(d->replayed, reg.digest, reg.size);
            memcpy(d->expected, e->digest, e->size);
        }
        found++;
    }
    *n_diffs = found;
    return 0;
}
