/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Register values given by a user: the one grammar behind cct_expected_parse()
 * (replay --expect) and cct_pcr_values_parse() (verify --pcrs). Accepted:
 *   - lines "NAME ALG HEX" ('#' comments, blank lines; words may also be
 *     separated by commas or semicolons);
 *   - tokens "[ALG:]NAME=HEX" separated by white space, commas or semicolons
 *     (ALG taken from the digest size when absent);
 *   - the JSON `cctrusted replay --json` and `cctrusted measurement --json`
 *     print (a "registers" array of {index, alg, digest[, register]}), and
 *     `cctrusted eventlog --json` of one log (its "replay": {"registers"});
 *   - the register sections of `cctrusted eventlog --output yaml` and
 *     tpm2_eventlog ("pcrs:" / "rtmrs:", then "  ALG:", then "    N : 0xHEX"),
 *     and the same bank blocks without a section as tpm2_pcrread prints.
 * NAME (docs/ARCHITECTURE.md, register index convention): N or IMRn is
 * native index n of the evidence's register file (TDX: RTMR n, TPM: PCR n, a
 * container's view: index 3 is its IMR3); PCRn is TPM PCR n (0-31); RTMRn is
 * TDX RTMR n (0-3); MRTD is the TDX build-time register. Whether a name fits
 * the evidence is decided where the evidence is known
 * (cct_replay_expected_check(), cct_pcr_values_parse()).
 */
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include <cctrusted/algorithm.h>
#include <cctrusted/replay.h>

#include "replay/regvalues.h"
#include "crypto/crypto.h"
#include "util/error.h"
#include "util/hex.h"

#define MAX_INDEX 1023 /* N and IMRn */
#define MAX_PCR 31
#define MAX_RTMR 3

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

static bool is_sep(char c)
{
    return is_blank(c) || c == ',' || c == ';';
}

void cct__expected_name(const struct cct_expected *e, char *out, size_t n)
{
    if (!e->have_kind) {
        snprintf(out, n, "%u", e->index);
    } else if (e->kind == CCT_REG_MRTD) {
        snprintf(out, n, "MRTD");
    } else {
        snprintf(out, n, "%s%u", e->kind == CCT_REG_RTMR ? "RTMR" : "PCR", e->index);
    }
}

void cct__regpos_text(const struct cct__regpos *p, char *out, size_t n)
{
    if (p->line == 0) {
        snprintf(out, n, "registers[%u]", p->entry);
    } else {
        snprintf(out, n, "line %u", p->line); /* the byte offset is err->offset */
    }
}

/* Register file and index; why says what is wrong. */
static bool set_index(struct cct_expected *e, int have_kind, enum cct_reg_kind kind, uint64_t v,
                      const char **why)
{
    uint64_t max = !have_kind ? MAX_INDEX : kind == CCT_REG_RTMR ? MAX_RTMR : MAX_PCR;
    if (have_kind && kind == CCT_REG_MRTD) {
        max = 0;
    }
    if (v > max) {
        *why = !have_kind             ? "index out of range (0-1023)"
               : kind == CCT_REG_RTMR ? "RTMR index out of range (0-3)"
               : kind == CCT_REG_MRTD ? "MRTD has no index"
                                      : "PCR index out of range (0-31)";
        return false;
    }
    e->have_kind = have_kind;
    e->kind = have_kind ? kind : CCT_REG_PCR;
    e->index = (uint32_t)v;
    return true;
}

/* NAME: N, IMRn, PCRn, RTMRn or MRTD (case-insensitive). */
static bool parse_name(const char *s, size_t len, struct cct_expected *e, const char **why)
{
    int have_kind = 0;
    enum cct_reg_kind kind = CCT_REG_PCR;
    *why = "bad register name (want N, IMRn, PCRn, RTMRn or MRTD)";
    if (len == 4 && strncasecmp(s, "MRTD", 4) == 0) {
        return set_index(e, 1, CCT_REG_MRTD, 0, why);
    }
    if (len >= 4 && strncasecmp(s, "RTMR", 4) == 0) {
        have_kind = 1;
        kind = CCT_REG_RTMR;
        s += 4;
        len -= 4;
    } else if (len >= 3 && strncasecmp(s, "PCR", 3) == 0) {
        have_kind = 1;
        s += 3;
        len -= 3;
    } else if (len >= 3 && strncasecmp(s, "IMR", 3) == 0) {
        s += 3;
        len -= 3;
    }
    if (len == 0 || len > 4) {
        return false;
    }
    uint64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return false;
        }
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    return set_index(e, have_kind, kind, v, why);
}

/*
 * Digest hex (an optional 0x prefix) of algorithm alg, or, with alg NULL, of
 * the SHA algorithm its size names.
 */
static bool set_digest(struct cct_expected *e, const char *alg, size_t alen, const char *hex,
                       size_t hlen, const char **why)
{
    char an[32];
    if (hlen >= 2 && hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X')) {
        hex += 2;
        hlen -= 2;
    }
    if (alg == NULL) {
        size_t n = 0;
        if (cct_hex_decode_var(hex, hlen, e->digest, sizeof(e->digest), &n) < 0 ||
            cct_alg_by_digest_size(n) == 0) {
            *why = "the digest is not the hex of a SHA-1/256/384/512 value";
            return false;
        }
        e->alg = cct_alg_by_digest_size(n);
        e->size = (uint16_t)n;
        return true;
    }
    if (alen == 0 || alen >= sizeof(an)) {
        *why = "unknown algorithm";
        return false;
    }
    memcpy(an, alg, alen);
    an[alen] = '\0';
    uint16_t a = cct_alg_from_name(an);
    size_t size = cct_alg_digest_size(a);
    if (a == CCT_ALG_ERROR || size == 0 || size > sizeof(e->digest)) {
        *why = "unknown algorithm";
        return false;
    }
    if (hlen != size * 2 || cct_hex_decode(hex, hlen, e->digest, size) < 0) {
        *why = "the digest is not the algorithm's size in hex";
        return false;
    }
    e->alg = a;
    e->size = (uint16_t)size;
    return true;
}

/* Output table being filled. */
struct sink {
    struct cct_expected *out;
    struct cct__regpos *pos;
    size_t max, n;
    struct cct_error *err;
};

static bool same_register(const struct cct_expected *a, const struct cct_expected *b)
{
    return a->have_kind == b->have_kind && (!a->have_kind || a->kind == b->kind) &&
           a->index == b->index && a->alg == b->alg;
}

/* Slot for the next value; CCT_ELIMIT past max. */
static int next_slot(struct sink *s, const struct cct__regpos *p, struct cct_expected **e)
{
    char where[64];
    if (s->n == s->max) {
        cct__regpos_text(p, where, sizeof(where));
        return cct_err(s->err, CCT_ELIMIT, -1, p->line ? (int64_t)p->offset : -1,
                       "%s: more than %zu register values", where, s->max);
    }
    *e = &s->out[s->n];
    memset(*e, 0, sizeof(**e));
    return 0;
}

/* Keep the value in the slot; a register given twice with different values is refused. */
static int commit(struct sink *s, const struct cct__regpos *p)
{
    const struct cct_expected *e = &s->out[s->n];
    for (size_t i = 0; i < s->n; i++) {
        if (same_register(&s->out[i], e) &&
            (s->out[i].size != e->size || !cct_memeq_ct(s->out[i].digest, e->digest, e->size))) {
            char where[64], name[16];
            cct__regpos_text(p, where, sizeof(where));
            cct__expected_name(e, name, sizeof(name));
            return cct_err(s->err, CCT_EMALFORMED, -1, p->line ? (int64_t)p->offset : -1,
                           "%s: %s %s is given twice with different values", where, name,
                           cct_alg_name(e->alg));
        }
    }
    if (s->pos != NULL) {
        s->pos[s->n] = *p;
    }
    s->n++;
    return 0;
}

static int bad_at(struct sink *s, const struct cct__regpos *p, const char *t, size_t tl,
                  const char *why)
{
    char where[64];
    cct__regpos_text(p, where, sizeof(where));
    int show = (int)(tl > 40 ? 40 : tl);
    return cct_err(s->err, CCT_EMALFORMED, -1, p->line ? (int64_t)p->offset : -1, "%s: '%.*s': %s",
                   where, show, t, why);
}

/* ---- JSON: replay --json, measurement --json, eventlog --json ---- */

static int json_entry(struct sink *s, struct json_object *o, uint32_t i)
{
    struct cct__regpos p = { 0, 0, i };
    struct json_object *vi, *va, *vd, *vk;
    struct cct_expected *e;
    const char *why = "needs index, alg and digest";
    int rc = next_slot(s, &p, &e);
    if (rc < 0) {
        return rc;
    }
    if (!json_object_is_type(o, json_type_object) || !json_object_object_get_ex(o, "index", &vi) ||
        !json_object_object_get_ex(o, "alg", &va) || !json_object_object_get_ex(o, "digest", &vd) ||
        !json_object_is_type(vi, json_type_int) || !json_object_is_type(va, json_type_string) ||
        !json_object_is_type(vd, json_type_string)) {
        return bad_at(s, &p, "", 0, why);
    }
    int64_t idx = json_object_get_int64(vi);
    int have_kind = 0;
    enum cct_reg_kind kind = CCT_REG_PCR;
    if (json_object_object_get_ex(o, "register", &vk)) {
        const char *k = json_object_is_type(vk, json_type_string) ? json_object_get_string(vk) : "";
        have_kind = 1;
        if (strcmp(k, "rtmr") == 0) {
            kind = CCT_REG_RTMR;
        } else if (strcmp(k, "mrtd") == 0) {
            kind = CCT_REG_MRTD;
        } else if (strcmp(k, "pcr") != 0) {
            return bad_at(s, &p, k, strlen(k), "register is pcr, rtmr or mrtd");
        }
    }
    if (idx < 0 || !set_index(e, have_kind, kind, (uint64_t)idx, &why)) {
        return bad_at(s, &p, "", 0, idx < 0 ? "negative index" : why);
    }
    const char *a = json_object_get_string(va), *d = json_object_get_string(vd);
    if (!set_digest(e, a, strlen(a), d, strlen(d), &why)) {
        return bad_at(s, &p, d, strlen(d), why);
    }
    return commit(s, &p);
}

static int parse_json(const char *text, size_t len, struct sink *s)
{
    if (len > INT_MAX) {
        return cct_err(s->err, CCT_ELIMIT, -1, -1, "JSON input too large");
    }
    struct json_tokener *tok = json_tokener_new();
    if (tok == NULL) {
        return cct_err(s->err, CCT_ENOMEM, -1, -1, "out of memory");
    }
    struct json_object *root = json_tokener_parse_ex(tok, text, (int)len);
    enum json_tokener_error je = json_tokener_get_error(tok);
    size_t used = tok->char_offset;
    json_tokener_free(tok);
    if (root == NULL || je != json_tokener_success) {
        json_object_put(root);
        return cct_err(s->err, CCT_EMALFORMED, -1, (int64_t)used, "invalid JSON at byte %zu: %s",
                       used, json_tokener_error_desc(je));
    }
    for (size_t k = used; k < len; k++) {
        if (!is_blank(text[k]) && text[k] != '\n') {
            json_object_put(root);
            return cct_err(s->err, CCT_EMALFORMED, -1, (int64_t)k,
                           "text after the JSON document at byte %zu", k);
        }
    }
    struct json_object *regs = NULL, *rep, *logs;
    int rc = 0;
    if (!json_object_object_get_ex(root, "registers", &regs) &&
        json_object_object_get_ex(root, "logs", &logs) &&
        json_object_is_type(logs, json_type_array)) {
        /* eventlog --json: {"logs":[{..., "replay":{"registers":[...]}}]}, one replay per log */
        if (json_object_array_length(logs) != 1) {
            rc = cct_err(s->err, CCT_EMALFORMED, -1, -1,
                         "eventlog JSON of %zu logs replays each alone: give the JSON of "
                         "`cctrusted replay --json` over them instead",
                         json_object_array_length(logs));
        } else if (json_object_object_get_ex(json_object_array_get_idx(logs, 0), "replay", &rep)) {
            (void)json_object_object_get_ex(rep, "registers", &regs);
        }
    }
    if (rc == 0 && (regs == NULL || !json_object_is_type(regs, json_type_array))) {
        rc = cct_err(s->err, CCT_EMALFORMED, -1, -1,
                     "JSON has no \"registers\" array (want the JSON of replay, measurement or "
                     "eventlog --json)");
    }
    size_t count = rc == 0 ? json_object_array_length(regs) : 0;
    for (size_t i = 0; rc == 0 && i < count; i++) {
        rc = json_entry(s, json_object_array_get_idx(regs, i), (uint32_t)i);
    }
    json_object_put(root);
    return rc;
}

/* ---- one line of text ---- */

struct line {
    const char *s; /* the input */
    size_t start, end;
    uint32_t no;
};

/* Next word of the line from *k ('#' starts a comment); false at its end. */
static bool next_word(const struct line *l, size_t *k, size_t *ws, size_t *we)
{
    while (*k < l->end && is_sep(l->s[*k])) {
        (*k)++;
    }
    if (*k == l->end || l->s[*k] == '#') {
        *k = l->end;
        return false;
    }
    *ws = *k;
    while (*k < l->end && !is_sep(l->s[*k])) {
        (*k)++;
    }
    *we = *k;
    return true;
}

/* "[ALG:]NAME=HEX" */
static int parse_token(struct sink *s, const struct line *l, size_t ws, size_t we)
{
    const char *t = l->s + ws;
    size_t tl = we - ws;
    struct cct__regpos p = { l->no, ws, 0 };
    struct cct_expected *e;
    const char *why = "want [ALG:]NAME=HEX";
    int rc = next_slot(s, &p, &e);
    if (rc < 0) {
        return rc;
    }
    const char *eq = memchr(t, '=', tl);
    const char *colon = memchr(t, ':', (size_t)(eq - t));
    const char *name = colon != NULL ? colon + 1 : t;
    if (!parse_name(name, (size_t)(eq - name), e, &why) ||
        !set_digest(e, colon != NULL ? t : NULL, colon != NULL ? (size_t)(colon - t) : 0, eq + 1,
                    tl - (size_t)(eq + 1 - t), &why)) {
        return bad_at(s, &p, t, tl, why);
    }
    return commit(s, &p);
}

static int parse_line(struct sink *s, const struct line *l)
{
    size_t k = l->start, ws, we;
    bool token = false;
    for (size_t i = l->start; i < l->end && l->s[i] != '#'; i++) {
        token = token || l->s[i] == '=';
    }
    if (token) {
        while (next_word(l, &k, &ws, &we)) {
            if (memchr(l->s + ws, '=', we - ws) == NULL) {
                struct cct__regpos p = { l->no, ws, 0 };
                return bad_at(s, &p, l->s + ws, we - ws, "want [ALG:]NAME=HEX");
            }
            int rc = parse_token(s, l, ws, we);
            if (rc < 0) {
                return rc;
            }
        }
        return 0;
    }
    size_t w0[4], w1[4];
    int words = 0;
    while (words < 4 && next_word(l, &k, &w0[words], &w1[words])) {
        words++;
    }
    if (words == 0) {
        return 0;
    }
    struct cct__regpos p = { l->no, w0[0], 0 };
    const char *why = "want 'NAME ALG HEX' or [ALG:]NAME=HEX tokens";
    if (words != 3) {
        return bad_at(s, &p, l->s + l->start, l->end - l->start, why);
    }
    struct cct_expected *e;
    int rc = next_slot(s, &p, &e);
    if (rc < 0) {
        return rc;
    }
    if (!parse_name(l->s + w0[0], w1[0] - w0[0], e, &why)) {
        return bad_at(s, &p, l->s + w0[0], w1[0] - w0[0], why);
    }
    if (!set_digest(e, l->s + w0[1], w1[1] - w0[1], l->s + w0[2], w1[2] - w0[2], &why)) {
        p.offset = w0[2];
        return bad_at(s, &p, l->s + w0[1], w1[2] - w0[1], why);
    }
    return commit(s, &p);
}

/* ---- YAML register sections ---- */

/* The line without its indent and trailing blanks: [*b, *e). */
static size_t trim(const struct line *l, size_t *b, size_t *e)
{
    *b = l->start;
    *e = l->end;
    while (*b < *e && (l->s[*b] == ' ' || l->s[*b] == '\t')) {
        (*b)++;
    }
    while (*e > *b && is_blank(l->s[*e - 1])) {
        (*e)--;
    }
    return *b - l->start;
}

static bool text_is(const struct line *l, size_t b, size_t e, const char *w)
{
    return e - b == strlen(w) && memcmp(l->s + b, w, e - b) == 0;
}

/* "ALG:" alone: the algorithm, else 0. */
static uint16_t bank_header(const struct line *l, size_t b, size_t e)
{
    char an[32];
    if (e - b < 2 || e - b > sizeof(an) || l->s[e - 1] != ':') {
        return 0;
    }
    memcpy(an, l->s + b, e - b - 1);
    an[e - b - 1] = '\0';
    uint16_t a = cct_alg_from_name(an);
    return a != CCT_ALG_ERROR && cct_alg_digest_size(a) > 0 ? a : 0;
}

/* "KEY:" or "KEY: value" with KEY a YAML plain identifier. */
static bool top_key(const struct line *l, size_t b, size_t e)
{
    size_t k = b;
    while (k < e && ((l->s[k] >= 'a' && l->s[k] <= 'z') || (l->s[k] >= 'A' && l->s[k] <= 'Z') ||
                     (l->s[k] >= '0' && l->s[k] <= '9') || l->s[k] == '_' || l->s[k] == '-')) {
        k++;
    }
    return k > b && k < e && l->s[k] == ':' && (k + 1 == e || l->s[k + 1] == ' ');
}

struct yaml_state {
    int section; /* 0 none, 1 pcrs/rtmrs, 2 another top-level key (skipped) */
    enum cct_reg_kind kind;
    uint16_t alg;
};

static int yaml_line(struct sink *s, const struct line *l, struct yaml_state *y)
{
    size_t b, e;
    size_t indent = trim(l, &b, &e);
    if (b == e || l->s[b] == '#' ||
        (indent == 0 && (text_is(l, b, e, "---") || text_is(l, b, e, "...")))) {
        return 0;
    }
    if (indent == 0 && l->s[b] != '-' && bank_header(l, b, e) == 0) {
        /* A top-level key: pcrs:/rtmrs: hold values; any other (version:, events:) is skipped. */
        bool pcrs = text_is(l, b, e, "pcrs:"), rtmrs = text_is(l, b, e, "rtmrs:");
        if (!pcrs && !rtmrs && !top_key(l, b, e)) {
            struct cct__regpos p = { l->no, b, 0 };
            return bad_at(s, &p, l->s + b, e - b, "want a 'KEY:' line, 'ALG:' or 'INDEX : 0xHEX'");
        }
        y->section = pcrs || rtmrs ? 1 : 2;
        y->kind = rtmrs ? CCT_REG_RTMR : CCT_REG_PCR;
        y->alg = 0;
        return 0;
    }
    if (y->section == 2) {
        return 0;
    }
    struct cct__regpos p = { l->no, b, 0 };
    uint16_t a = bank_header(l, b, e);
    if (a != 0) {
        y->alg = a;
        return 0;
    }
    const char *colon = memchr(l->s + b, ':', e - b);
    if (y->alg == 0 || colon == NULL) {
        return bad_at(s, &p, l->s + b, e - b, "want 'ALG:' or 'INDEX : 0xHEX' lines");
    }
    size_t ne = (size_t)(colon - l->s), hb = ne + 1;
    while (ne > b && is_blank(l->s[ne - 1])) {
        ne--;
    }
    while (hb < e && is_blank(l->s[hb])) {
        hb++;
    }
    struct cct_expected *ex;
    const char *why;
    const char *an = cct_alg_name(y->alg);
    int rc = next_slot(s, &p, &ex);
    if (rc < 0) {
        return rc;
    }
    if (!parse_name(l->s + b, ne - b, ex, &why) ||
        !set_digest(ex, an, strlen(an), l->s + hb, e - hb, &why)) {
        return bad_at(s, &p, l->s + b, e - b, why);
    }
    if (y->section == 1 && !ex->have_kind) {
        ex->have_kind = 1;
        ex->kind = y->kind;
        if (!set_index(ex, 1, y->kind, ex->index, &why)) {
            return bad_at(s, &p, l->s + b, e - b, why);
        }
    }
    return commit(s, &p);
}

/* A register section ("pcrs:", "rtmrs:" at the left) or a bank header ("  sha256:") alone. */
static bool looks_yaml(const char *s, size_t len)
{
    struct line l = { s, 0, 0, 0 };
    while (l.start < len) {
        const char *nl = memchr(s + l.start, '\n', len - l.start);
        l.end = nl != NULL ? (size_t)(nl - s) : len;
        size_t b, e;
        size_t indent = trim(&l, &b, &e);
        if ((indent == 0 && (text_is(&l, b, e, "pcrs:") || text_is(&l, b, e, "rtmrs:"))) ||
            bank_header(&l, b, e) != 0) {
            return true;
        }
        l.start = l.end + 1;
    }
    return false;
}

int cct__regvalues_parse(const uint8_t *buf, size_t len, struct cct_expected *out,
                         struct cct__regpos *pos, size_t max, size_t *n, struct cct_error *err)
{
    if ((buf == NULL && len > 0) || (out == NULL && max > 0) || n == NULL) {
        return cct_err(err, CCT_EINVAL, -1, -1, "invalid argument");
    }
    const char *s = (const char *)buf;
    struct sink sk = { out, pos, max, 0, err };
    size_t k = 0;
    int rc = 0;
    while (k < len && (is_blank(s[k]) || s[k] == '\n')) {
        k++;
    }
    if (k < len && s[k] == '{') {
        rc = parse_json(s, len, &sk);
    } else {
        bool yaml = looks_yaml(s, len);
        struct yaml_state y = { 0, CCT_REG_PCR, 0 };
        struct line l = { s, 0, 0, 0 };
        while (rc == 0 && l.start < len) {
            const char *nl = memchr(s + l.start, '\n', len - l.start);
            l.end = nl != NULL ? (size_t)(nl - s) : len;
            l.no++;
            if (memchr(s + l.start, '\0', l.end - l.start) != NULL) {
                struct cct__regpos p = { l.no, l.start, 0 };
                return bad_at(&sk, &p, "", 0, "a NUL byte in text");
            }
            rc = yaml ? yaml_line(&sk, &l, &y) : parse_line(&sk, &l);
            l.start = l.end + 1;
        }
    }
    if (rc == 0) {
        *n = sk.n;
    }
    return rc;
}

int cct_expected_parse(const uint8_t *buf, size_t len, struct cct_expected *out, size_t max,
                       size_t *n, struct cct_error *err)
{
    return cct__regvalues_parse(buf, len, out, NULL, max, n, err);
}
