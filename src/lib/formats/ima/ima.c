/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Linux IMA measurement lists (ascii and binary).
 *
 * Binary entry (kernel ima_fs.c, ima_measurements_show; lengths and the PCR
 * in the kernel's byte order, little-endian with ima_canonical_fmt):
 *   u32 pcr, u8 template_digest[20] (SHA-1 bank), u32 name_len, name,
 *   u32 template_data_len (absent for the "ima" template), template data.
 * Template data is a sequence of fields, each u32 len + bytes; the "ima"
 * template instead writes d as 20 raw bytes and n as u32 strlen + name.
 *
 * Ascii entry (ima_ascii_measurements_show): "%2d <template hash hex>
 * <template name>" then " <field>" per field, "\n".
 *
 * Template hash (ima_calc_field_array_hash): H over, per field, u32 len and
 * the field bytes, i.e. H(template data); for the "ima" template H(d(20) ||
 * n padded with NULs to 256 bytes). The event's data is always the byte
 * string the template hash covers, so the check is H(data) == digest.
 */
#include "formats/ima/ima.h"

#include <cctrusted/ima.h>

#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "util/error.h"
#include "util/hex.h"
#include "util/reader.h"

/* Field encodings of ima_template_lib.c. */
enum fkind {
    F_DIGEST_OLD,  /* "d": 20 raw bytes (ima template) */
    F_NAME_OLD,    /* "n": name, hashed padded to 256 (ima template) */
    F_DIGEST_ALGO, /* "d-ng", "d-ngv2", "d-modsig": "<prefix>:\0" + digest; ascii "<prefix>:<hex>"
                    */
    F_STRING,      /* "n-ng" and patched string fields: string + NUL; ascii the string */
    F_HEX,         /* "sig", "buf", "modsig": bytes; ascii hex */
};

struct field_def {
    const char *id;
    enum fkind kind;
    int is_name; /* the file name field ("n", "n-ng") */
};

/* A string literal and its length, for tables searched once per entry. */
#define LIT(s) s, sizeof(s) - 1

struct tmpl_def {
    const char *name;
    size_t name_len;
    size_t n;
    struct field_def f[5];
    int guessed; /* layout of a patched kernel, not published upstream */
};

static const struct tmpl_def templates[] = {
    { LIT("ima"), 2, { { "d", F_DIGEST_OLD, 0 }, { "n", F_NAME_OLD, 1 } }, 0 },
    { LIT("ima-ng"), 2, { { "d-ng", F_DIGEST_ALGO, 0 }, { "n-ng", F_STRING, 1 } }, 0 },
    { LIT("ima-sig"),
      3,
      { { "d-ng", F_DIGEST_ALGO, 0 }, { "n-ng", F_STRING, 1 }, { "sig", F_HEX, 0 } },
      0 },
    { LIT("ima-sigv2"),
      3,
      { { "d-ngv2", F_DIGEST_ALGO, 0 }, { "n-ng", F_STRING, 1 }, { "sig", F_HEX, 0 } },
      0 },
    { LIT("ima-buf"),
      3,
      { { "d-ng", F_DIGEST_ALGO, 0 }, { "n-ng", F_STRING, 1 }, { "buf", F_HEX, 0 } },
      0 },
    { LIT("ima-modsig"),
      5,
      { { "d-ng", F_DIGEST_ALGO, 0 },
        { "n-ng", F_STRING, 1 },
        { "sig", F_HEX, 0 },
        { "d-modsig", F_DIGEST_ALGO, 0 },
        { "modsig", F_HEX, 0 } },
      0 },
    /* Patched TDX kernels: process dependency and cgroup path before d-ng|n-ng. */
    { LIT("ima-cgpath"),
      4,
      { { "dep", F_STRING, 0 },
        { "cg-path", F_STRING, 0 },
        { "d-ng", F_DIGEST_ALGO, 0 },
        { "n-ng", F_STRING, 1 } },
      1 },
    { LIT("ima-dep-cgn"),
      4,
      { { "dep", F_STRING, 0 },
        { "cgn", F_STRING, 0 },
        { "d-ng", F_DIGEST_ALGO, 0 },
        { "n-ng", F_STRING, 1 } },
      1 },
};

static const struct tmpl_def *find_template(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof(templates) / sizeof(templates[0]); i++) {
        if (templates[i].name_len == len && memcmp(templates[i].name, name, len) == 0) {
            return &templates[i];
        }
    }
    return NULL;
}

/* Kernel crypto/hash_info.c: hash_algo_name and hash_digest_size. */
static const struct {
    const char *name;
    size_t len;
    uint8_t size;
    uint16_t tpm;
} hash_algos[] = {
    { LIT("md4"), 16, 0 },
    { LIT("md5"), 16, 0 },
    { LIT("sha1"), 20, CCT_ALG_SHA1 },
    { LIT("rmd160"), 20, 0 },
    { LIT("sha256"), 32, CCT_ALG_SHA256 },
    { LIT("sha384"), 48, CCT_ALG_SHA384 },
    { LIT("sha512"), 64, CCT_ALG_SHA512 },
    { LIT("sha224"), 28, 0 },
    { LIT("rmd128"), 16, 0 },
    { LIT("rmd256"), 32, 0 },
    { LIT("rmd320"), 40, 0 },
    { LIT("wp256"), 32, 0 },
    { LIT("wp384"), 48, 0 },
    { LIT("wp512"), 64, 0 },
    { LIT("tgr128"), 16, 0 },
    { LIT("tgr160"), 20, 0 },
    { LIT("tgr192"), 24, 0 },
    { LIT("sm3"), 32, CCT_ALG_SM3_256 },
    /* Older kernels named SM3 "sm3-256"; tools write the TPM spelling "sm3_256". */
    { LIT("sm3-256"), 32, CCT_ALG_SM3_256 },
    { LIT("sm3_256"), 32, CCT_ALG_SM3_256 },
    { LIT("streebog256"), 32, 0 },
    { LIT("streebog512"), 64, 0 },
    { LIT("sha3-256"), 32, 0 },
    { LIT("sha3-384"), 48, 0 },
    { LIT("sha3-512"), 64, 0 },
};

size_t cct_ima_hash_algo(const char *name, size_t len, uint16_t *tpm_alg)
{
    for (size_t i = 0; i < sizeof(hash_algos) / sizeof(hash_algos[0]); i++) {
        if (hash_algos[i].len == len && memcmp(hash_algos[i].name, name, len) == 0) {
            if (tpm_alg) {
                *tpm_alg = hash_algos[i].tpm;
            }
            return hash_algos[i].size;
        }
    }
    return 0;
}

/* Template hash algorithm of an ascii line, from the digest's length. */
static uint16_t alg_for_size(size_t n)
{
    uint16_t alg = cct_alg_by_digest_size(n);
    return alg != 0 ? alg : CCT_ALG_ERROR;
}

/*
 * Algorithm of a template hash of `size` bytes over `data`. Only 32 bytes
 * are ambiguous: SHA-256 or SM3 (a kernel with ima_hash=sm3 lists the SM3
 * bank in ascii/binary_runtime_measurements_sm3). The first entry whose hash
 * one of them reproduces decides for the whole list, SHA-256 tried first;
 * until then (violations, unknown layouts, tampered entries) SHA-256.
 */
static uint16_t template_alg(struct cct_ima_state *st, size_t size, const uint8_t *digest,
                             const uint8_t *data, size_t len, int violation)
{
    static const uint16_t candidates[] = { CCT_ALG_SHA256, CCT_ALG_SM3_256 };
    if (size != 32) {
        return alg_for_size(size);
    }
    for (size_t i = 0; st->alg32 == 0 && !violation && st->have_hasher && i < 2; i++) {
        uint8_t h[32];
        if (cct_hasher_digest(&st->h, candidates[i], data, len, h) == 0 &&
            memcmp(h, digest, 32) == 0) {
            st->alg32 = candidates[i];
        }
    }
    return st->alg32 != 0 ? st->alg32 : CCT_ALG_SHA256;
}

static int is_zero(const uint8_t *p, size_t n)
{
    /* Eight bytes at a time: a byte loop here was a tenth of the ascii parser's time. */
    uint64_t acc = 0;
    size_t i = 0;
    for (; n - i >= 8; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        acc |= w;
    }
    for (; i < n; i++) {
        acc |= p[i];
    }
    return acc == 0;
}

static int template_name_ok(const uint8_t *p, size_t n)
{
    if (n == 0 || n > CCT_IMA_MAX_TEMPLATE_NAME) {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        uint8_t c = p[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_')) {
            return 0;
        }
    }
    return 1;
}

static int is_hex(uint8_t c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* ---------------------------------------------------------------- detection */

static int detect_binary(const uint8_t *p, size_t len, int eof, enum cct_log_format *fmt)
{
    /* pcr u32, template digest (20 bytes, or 32/48/64 in a per-bank list), name_len u32 (either
     * byte order), name starting with "ima" or "evm-sig" */
    if (cct_ima_binary_digest_size(p, len) == 0) {
        return eof || len >= 4 + 64 + 4 + CCT_IMA_MAX_TEMPLATE_NAME ? 0 : CCT_ETRUNCATED;
    }
    *fmt = CCT_LOG_IMA_BINARY;
    return 1;
}

static int detect_ascii(const uint8_t *p, size_t len, int eof, enum cct_log_format *fmt)
{
    size_t i = 0, k;
    while (i < len && i < 8 && p[i] == ' ') {
        i++;
    }
    for (k = 0; i < len && k < 5 && p[i] >= '0' && p[i] <= '9'; i++, k++) {
    }
    if (i == len) {
        return eof ? 0 : CCT_ETRUNCATED;
    }
    if (k == 0 || k > 4 || p[i] != ' ') {
        return 0;
    }
    i++;
    for (k = 0; i < len && k <= 128 && is_hex(p[i]); i++, k++) {
    }
    if (i == len) {
        return eof ? 0 : CCT_ETRUNCATED;
    }
    if (p[i] != ' ' || alg_for_size(k / 2) == CCT_ALG_ERROR || k % 2 != 0) {
        return 0;
    }
    i++;
    size_t s = i;
    for (; i < len && i - s <= CCT_IMA_MAX_TEMPLATE_NAME && p[i] != ' ' && p[i] != '\n'; i++) {
    }
    if (i == len && !eof) {
        return CCT_ETRUNCATED;
    }
    if (!template_name_ok(p + s, i - s)) {
        return 0;
    }
    *fmt = CCT_LOG_IMA_ASCII;
    return 1;
}

int cct_ima_detect(const uint8_t *p, size_t len, int eof, enum cct_log_format *fmt)
{
    int r = detect_binary(p, len, eof, fmt);
    if (r != 0) {
        return r;
    }
    return detect_ascii(p, len, eof, fmt);
}

/* ---------------------------------------------------------------- state */

int cct_ima_init(struct cct_ima_state *st, enum cct_log_format fmt, size_t max_event_size,
                 const struct cct_ima_settings *set)
{
    memset(st, 0, sizeof(*st));
    st->format = fmt;
    st->max_data =
        max_event_size < CCT_IMA_MAX_TEMPLATE_DATA ? max_event_size : CCT_IMA_MAX_TEMPLATE_DATA;
    /* A line carries the data in hex plus names and digests. */
    st->max_line = st->max_data * 2 + 1024;
    st->event_size = sizeof(struct cct_event);
    if (set) {
        st->set = *set;
    }
    if (cct_hasher_init(&st->h) < 0) {
        return CCT_ENOMEM;
    }
    st->have_hasher = 1;
    return 0;
}

void cct_ima_free(struct cct_ima_state *st)
{
    if (st->have_hasher) {
        cct_hasher_free(&st->h);
        st->have_hasher = 0;
    }
    free(st->scratch);
    st->scratch = NULL;
    st->scratch_cap = 0;
}

/* sizeof(struct cct_event) as the state holds it (see cct_ima_state.event_size). */
static size_t event_size(const struct cct_ima_state *st)
{
    return st->event_size != 0 ? st->event_size : sizeof(struct cct_event);
}

/* Template data being rebuilt into st->scratch, capped by st->max_data. */
struct out {
    struct cct_ima_state *st;
    size_t len;
    int over;
};

static int out_reserve(struct out *o, size_t n)
{
    if (n > o->st->max_data || o->len > o->st->max_data - n) {
        o->over = 1;
        return CCT_ELIMIT;
    }
    size_t need = o->len + n;
    if (need > o->st->scratch_cap) {
        size_t cap = o->st->scratch_cap ? o->st->scratch_cap : 1024;
        while (cap < need) {
            cap *= 2;
        }
        uint8_t *p = realloc(o->st->scratch, cap);
        if (p == NULL) {
            return CCT_ENOMEM;
        }
        o->st->scratch = p;
        o->st->scratch_cap = cap;
    }
    return 0;
}

static int out_put(struct out *o, const void *p, size_t n)
{
    int r = out_reserve(o, n);
    if (r < 0) {
        return r;
    }
    if (n) {
        memcpy(o->st->scratch + o->len, p, n);
    }
    o->len += n;
    return 0;
}

static int out_u32(struct out *o, uint32_t v)
{
    /* Ascii lists are rebuilt in the canonical (little-endian) format. */
    uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
    return out_put(o, b, 4);
}

/* v little-endian at d (ascii lists are rebuilt in the canonical format). */
static void put_le32(uint8_t *d, uint32_t v)
{
    d[0] = (uint8_t)v;
    d[1] = (uint8_t)(v >> 8);
    d[2] = (uint8_t)(v >> 16);
    d[3] = (uint8_t)(v >> 24);
}

/* Reserve n bytes and return where they go. */
static int out_take(struct out *o, size_t n, uint8_t **where)
{
    int r = out_reserve(o, n);
    if (r < 0) {
        return r;
    }
    *where = o->st->scratch + o->len;
    o->len += n;
    return 0;
}

/*
 * Split "<prefix>:" (the part of a d-ng field before its NUL) into the
 * algorithm: the last ':'-separated component. "sha256:" -> sha256,
 * "ima:sha256:" -> sha256.
 */
static int prefix_alg(const char *pre, size_t n, const char **alg, size_t *alen)
{
    if (n < 2 || pre[n - 1] != ':') {
        return 0;
    }
    size_t e = n - 1, s = e;
    while (s > 0 && pre[s - 1] != ':') {
        s--;
    }
    *alg = pre + s;
    *alen = e - s;
    return *alen > 0;
}

/* ---------------------------------------------------------------- ascii */

struct tok {
    const char *p;
    size_t n;
    size_t off; /* offset in the line */
};

static int bad(struct cct_error *err, int code, uint64_t number, uint64_t off, size_t at,
               const char *what, const struct tok *t)
{
    int shown = t && t->n < 40 ? (int)t->n : 40;
    return cct_err(err, code, (int64_t)number, (int64_t)(off + at), "IMA entry %llu: %s%s%.*s%s",
                   (unsigned long long)number, what, t ? " '" : "", t ? shown : 0, t ? t->p : "",
                   t ? (t->n > 40 ? "...'" : "'") : "");
}

/* Decode an ascii d-ng token "<prefix>:<hex>" into field data. */
static int ascii_digest_algo(struct cct_ima_state *st, struct out *o, const struct tok *t,
                             int want_file, struct cct_event *ev, uint64_t number, uint64_t off,
                             struct cct_error *err)
{
    uint8_t *f, *d;
    int r;
    if (t->n == 0) {
        /* An empty field (d-modsig of an unsigned file). */
        return out_u32(o, 0);
    }
    /* The previous line's prefix first: when the token is that prefix and as many digits as its
     * algorithm's digest has, all of which decode, no ':' follows the prefix (a hex digit is
     * never one), so the search below would find the same prefix and algorithm. */
    size_t pre = st->dng_pre;
    if (pre != 0 && t->n == pre + 2 * st->dng_dsize && memcmp(t->p, st->dng_prefix, pre) == 0) {
        size_t dsize = st->dng_dsize, mark = o->len;
        if (out_take(o, 4 + pre + 1 + dsize, &f) == 0) {
            put_le32(f, (uint32_t)(pre + 1 + dsize));
            memcpy(f + 4, t->p, pre);
            f[4 + pre] = 0;
            d = f + 4 + pre + 1;
            if (cct_hex_decode(t->p + pre, 2 * dsize, d, dsize) == 0) {
                if (want_file) {
                    memcpy(st->file_digest, d, dsize);
                    ev->ima_file_alg = st->dng_tpm;
                    ev->ima_file_alg_name = t->p + st->dng_alg_off;
                    ev->ima_file_alg_name_len = st->dng_alen;
                    ev->ima_file_digest = st->file_digest;
                    ev->ima_file_digest_len = dsize;
                }
                return 0;
            }
        }
        /* Not so: the token is read as if this had not been tried. */
        o->len = mark;
        o->over = 0;
    }
    /* The last ':' ends the prefix ("ima:sha256:<hex>"). memchr from the left: the prefix is
     * short, the hex after it long. */
    const char *colon = memchr(t->p, ':', t->n);
    for (const char *c = colon; c != NULL;
         c = memchr(c + 1, ':', (size_t)(t->p + t->n - (c + 1)))) {
        colon = c;
    }
    const char *alg;
    size_t alen;
    if (colon == NULL || !prefix_alg(t->p, (size_t)(colon - t->p) + 1, &alg, &alen)) {
        return bad(err, CCT_EMALFORMED, number, off, t->off,
                   "file digest is not '<algorithm>:<hex>':", t);
    }
    uint16_t tpm = 0;
    size_t dsize = cct_ima_hash_algo(alg, alen, &tpm);
    if (dsize == 0) {
        struct tok a = { alg, alen, (size_t)(alg - t->p) + t->off };
        return bad(err, CCT_EUNSUPPORTED, number, off, a.off, "unknown file digest algorithm", &a);
    }
    pre = (size_t)(colon - t->p) + 1;
    const char *hex = colon + 1;
    size_t hlen = t->n - pre;
    if (hlen != dsize * 2) {
        struct tok h = { hex, hlen, t->off + pre };
        return bad(err, CCT_EMALFORMED, number, off, h.off,
                   "file digest has the wrong length for its algorithm:", &h);
    }
    /* u32 length, "<prefix>:", NUL, digest: one reservation (the limit is the same). */
    if ((r = out_take(o, 4 + pre + 1 + dsize, &f)) < 0) {
        return r;
    }
    put_le32(f, (uint32_t)(pre + 1 + dsize));
    memcpy(f + 4, t->p, pre);
    f[4 + pre] = 0;
    d = f + 4 + pre + 1;
    if (cct_hex_decode(hex, hlen, d, dsize) < 0) {
        struct tok h = { hex, hlen, t->off + pre };
        return bad(err, CCT_EMALFORMED, number, off, h.off, "bad hex in file digest", &h);
    }
    if (pre <= sizeof(st->dng_prefix)) {
        memcpy(st->dng_prefix, t->p, pre);
        st->dng_pre = pre;
        st->dng_alg_off = (size_t)(alg - t->p);
        st->dng_alen = alen;
        st->dng_dsize = dsize;
        st->dng_tpm = tpm;
    }
    if (want_file) {
        memcpy(st->file_digest, d, dsize);
        ev->ima_file_alg = tpm;
        ev->ima_file_alg_name = alg;
        ev->ima_file_alg_name_len = alen;
        ev->ima_file_digest = st->file_digest;
        ev->ima_file_digest_len = dsize;
    }
    return 0;
}

static int ascii_hex_field(struct out *o, const struct tok *t, uint64_t number, uint64_t off,
                           struct cct_error *err)
{
    uint8_t *d;
    int r;
    if (t->n % 2 != 0) {
        return bad(err, CCT_EMALFORMED, number, off, t->off, "odd number of hex digits in", t);
    }
    if ((r = out_u32(o, (uint32_t)(t->n / 2))) < 0 || (r = out_take(o, t->n / 2, &d)) < 0) {
        return r;
    }
    if (cct_hex_decode(t->p, t->n, d, t->n / 2) < 0) {
        return bad(err, CCT_EMALFORMED, number, off, t->off, "bad hex in", t);
    }
    return 0;
}

/* Parse the fields of a known template from rest (the text after the template name). */
static int ascii_fields(struct cct_ima_state *st, const struct tmpl_def *td, const struct tok *rest,
                        struct cct_event *ev, struct out *o, uint64_t number, uint64_t off,
                        struct cct_error *err)
{
    struct tok f[CCT_IMA_MAX_FIELDS];
    size_t name_idx = td->n;
    for (size_t i = 0; i < td->n; i++) {
        if (td->f[i].is_name) {
            name_idx = i;
        }
    }
    /* Fields before the name hold no spaces: split from the left. Fields
     * after it are hex: split from the right, so a name may hold spaces. */
    const char *s = rest->p, *e = rest->p + rest->n;
    for (size_t i = 0; i < name_idx; i++) {
        const char *sp = memchr(s, ' ', (size_t)(e - s));
        if (sp == NULL) {
            struct tok t = { s, (size_t)(e - s), rest->off + (size_t)(s - rest->p) };
            return bad(err, CCT_EMALFORMED, number, off, t.off,
                       "too few fields for the template at", &t);
        }
        f[i] = (struct tok){ s, (size_t)(sp - s), rest->off + (size_t)(s - rest->p) };
        s = sp + 1;
    }
    for (size_t i = td->n; i > name_idx + 1; i--) {
        const char *sp = NULL;
        for (const char *q = e; q > s; q--) {
            if (q[-1] == ' ') {
                sp = q - 1;
                break;
            }
        }
        if (sp == NULL) {
            return bad(err, CCT_EMALFORMED, number, off, rest->off,
                       "too few fields for the template", NULL);
        }
        f[i - 1] =
            (struct tok){ sp + 1, (size_t)(e - sp - 1), rest->off + (size_t)(sp + 1 - rest->p) };
        e = sp;
    }
    if (name_idx < td->n) {
        f[name_idx] = (struct tok){ s, (size_t)(e - s), rest->off + (size_t)(s - rest->p) };
    }
    int r, seen_digest = 0;
    for (size_t i = 0; i < td->n; i++) {
        const struct tok *t = &f[i];
        switch (td->f[i].kind) {
        case F_DIGEST_OLD: {
            uint8_t *d;
            if (t->n != 2 * CCT_IMA_SHA1_SIZE) {
                return bad(err, CCT_EMALFORMED, number, off, t->off,
                           "'ima' template digest is not 40 hex digits:", t);
            }
            if ((r = out_take(o, CCT_IMA_SHA1_SIZE, &d)) < 0) {
                return r;
            }
            if (cct_hex_decode(t->p, t->n, d, CCT_IMA_SHA1_SIZE) < 0) {
                return bad(err, CCT_EMALFORMED, number, off, t->off, "bad hex in file digest", t);
            }
            memcpy(st->file_digest, d, CCT_IMA_SHA1_SIZE);
            ev->ima_file_alg = CCT_ALG_SHA1;
            ev->ima_file_alg_name = "sha1";
            ev->ima_file_alg_name_len = 4;
            ev->ima_file_digest = st->file_digest;
            ev->ima_file_digest_len = CCT_IMA_SHA1_SIZE;
            break;
        }
        case F_NAME_OLD: {
            uint8_t *d;
            if (t->n > CCT_IMA_EVENT_NAME_LEN_MAX) {
                return bad(err, CCT_ELIMIT, number, off, t->off,
                           "'ima' template name longer than 255 bytes:", t);
            }
            if ((r = out_take(o, CCT_IMA_EVENT_NAME_LEN_MAX + 1, &d)) < 0) {
                return r;
            }
            memset(d, 0, CCT_IMA_EVENT_NAME_LEN_MAX + 1);
            memcpy(d, t->p, t->n);
            ev->ima_file_name = t->p;
            ev->ima_file_name_len = t->n;
            break;
        }
        case F_DIGEST_ALGO:
            if ((r = ascii_digest_algo(st, o, t, !seen_digest, ev, number, off, err)) < 0) {
                return r;
            }
            seen_digest = 1;
            break;
        case F_STRING: {
            if (t->n > UINT32_MAX - 1) {
                return CCT_ELIMIT;
            }
            /* u32 length, the string, NUL: one reservation (the limit is the same). */
            uint8_t *w;
            if ((r = out_take(o, 4 + t->n + 1, &w)) < 0) {
                return r;
            }
            put_le32(w, (uint32_t)(t->n + 1));
            memcpy(w + 4, t->p, t->n);
            w[4 + t->n] = 0;
            if (i == name_idx) {
                ev->ima_file_name = t->p;
                ev->ima_file_name_len = t->n;
            }
            break;
        }
        case F_HEX:
            if ((r = ascii_hex_field(o, t, number, off, err)) < 0) {
                return r;
            }
            break;
        }
    }
    return 0;
}

/* Unknown template: keep the text of its fields; find "<alg>:<hex> name" if present. */
static void ascii_unknown(struct cct_ima_state *st, const struct tok *rest, struct cct_event *ev)
{
    const char *s = rest->p, *e = rest->p + rest->n;
    while (s < e) {
        const char *sp = memchr(s, ' ', (size_t)(e - s));
        const char *te = sp ? sp : e;
        const char *colon = NULL;
        for (const char *q = te; q > s; q--) {
            if (q[-1] == ':') {
                colon = q - 1;
                break;
            }
        }
        if (colon) {
            const char *alg;
            size_t alen;
            uint16_t tpm = 0;
            size_t hlen = (size_t)(te - colon - 1);
            if (prefix_alg(s, (size_t)(colon - s) + 1, &alg, &alen)) {
                size_t ds = cct_ima_hash_algo(alg, alen, &tpm);
                if (ds != 0 && hlen == ds * 2 &&
                    cct_hex_decode(colon + 1, hlen, st->file_digest, ds) == 0) {
                    ev->ima_file_alg = tpm;
                    ev->ima_file_alg_name = alg;
                    ev->ima_file_alg_name_len = alen;
                    ev->ima_file_digest = st->file_digest;
                    ev->ima_file_digest_len = ds;
                    if (sp) {
                        const char *ns = sp + 1;
                        const char *ne = memchr(ns, ' ', (size_t)(e - ns));
                        ev->ima_file_name = ns;
                        ev->ima_file_name_len = (size_t)((ne ? ne : e) - ns);
                    }
                    return;
                }
            }
        }
        s = sp ? sp + 1 : e;
    }
}

/*
 * The fields every IMA record sets the same way, ascii or binary: where it
 * is, the register it extends and its template hash (the first digest).
 */
static void set_record(const struct cct_ima_state *st, struct cct_event *ev, uint64_t number,
                       uint64_t off, size_t len, enum cct_log_format fmt, uint32_t pcr,
                       int violation, uint16_t alg, const uint8_t *digest, size_t size)
{
    ev->number = number;
    ev->offset = off;
    ev->length = len;
    ev->format = fmt;
    ev->kind = st->set.kind;
    ev->index = pcr;
    ev->index_logged = pcr;
    ev->type = 0;
    if (violation) {
        ev->flags |= CCT_EVENT_F_IMA_VIOLATION;
    }
    ev->n_digests = 1;
    ev->digests[0].alg = alg;
    ev->digests[0].size = (uint16_t)size;
    ev->digests[0].bytes = digest;
}

static int ascii_next(struct cct_ima_state *st, const uint8_t *p, size_t len, int eof, uint64_t off,
                      uint64_t number, struct cct_event *ev, size_t *consumed, int *end,
                      struct cct_error *err)
{
    size_t scan = len < st->max_line ? len : st->max_line;
    const uint8_t *nl = memchr(p, '\n', scan);
    size_t line_len, rec_len;
    if (nl == NULL) {
        if (len > st->max_line) {
            return cct_err(err, CCT_ELIMIT, (int64_t)number, (int64_t)off,
                           "IMA entry %llu: line longer than %zu bytes", (unsigned long long)number,
                           st->max_line);
        }
        if (!eof) {
            return CCT_ETRUNCATED;
        }
        line_len = rec_len = len;
    } else {
        line_len = (size_t)(nl - p);
        rec_len = line_len + 1;
    }
    if (line_len == 0) {
        /* A blank line ends the list; only more newlines may follow. */
        *end = 1;
        *consumed = 0;
        return 0;
    }
    const char *l = (const char *)p;
    size_t i = 0;
    memset(ev, 0, event_size(st));
    while (i < line_len && l[i] == ' ') {
        i++;
    }
    /* 1st: register index, "%2d " */
    uint32_t pcr = 0;
    size_t ds = i;
    for (; i < line_len && l[i] >= '0' && l[i] <= '9' && i - ds < 5; i++) {
        pcr = pcr * 10 + (uint32_t)(l[i] - '0');
    }
    if (i == ds || i - ds > 4 || i >= line_len || l[i] != ' ' || pcr > CCT_IMA_MAX_PCR) {
        struct tok t = { l + ds, (i > ds ? i - ds : (line_len - ds < 8 ? line_len - ds : 8)), ds };
        return bad(err, CCT_EMALFORMED, number, off, ds,
                   "register index is not a number 0..1023:", &t);
    }
    i++;
    /* 2nd: template hash in hex; its length gives the algorithm. The previous line's length
     * is tried first: when that many digits decode and a space follows, the token is exactly
     * what the search for the space would give (a hex digit is never a space). */
    const char *th = l + i;
    const char *sp;
    size_t thn = st->thn_hint;
    uint16_t talg;
    if (thn != 0 && line_len - i > thn && th[thn] == ' ' &&
        cct_hex_decode(th, thn, st->tmpl_digest, thn / 2) == 0) {
        sp = th + thn;
        talg = st->talg_hint;
    } else {
        sp = memchr(th, ' ', line_len - i);
        thn = sp ? (size_t)(sp - th) : line_len - i;
        struct tok tht = { th, thn, i };
        talg = (thn % 2 == 0) ? alg_for_size(thn / 2) : CCT_ALG_ERROR;
        if (talg == CCT_ALG_ERROR) {
            return bad(err, CCT_EMALFORMED, number, off, i,
                       "template hash is not 40, 64, 96 or 128 hex digits:", &tht);
        }
        if (cct_hex_decode(th, thn, st->tmpl_digest, thn / 2) < 0) {
            return bad(err, CCT_EMALFORMED, number, off, i, "bad hex in template hash", &tht);
        }
        if (sp == NULL) {
            return bad(err, CCT_EMALFORMED, number, off, line_len,
                       "line ends after the template hash", NULL);
        }
        st->thn_hint = thn;
        st->talg_hint = talg;
    }
    i += thn + 1;
    /* 3rd: template name. The previous line's template is tried first: a table name followed
     * by a space or the end of the line is the token, a valid name, and that template. */
    const char *tn = l + i;
    const struct tmpl_def *td = st->tmpl_hint != 0 ? &templates[st->tmpl_hint - 1] : NULL;
    size_t tnn, left = line_len - i;
    if (td != NULL && left >= td->name_len && (left == td->name_len || tn[td->name_len] == ' ') &&
        memcmp(tn, td->name, td->name_len) == 0) {
        tnn = td->name_len;
        sp = left == tnn ? NULL : tn + tnn;
    } else {
        sp = memchr(tn, ' ', left);
        tnn = sp ? (size_t)(sp - tn) : left;
        struct tok tnt = { tn, tnn, i };
        if (!template_name_ok((const uint8_t *)tn, tnn)) {
            return bad(err, CCT_EMALFORMED, number, off, i, "bad template name", &tnt);
        }
        td = find_template(tn, tnn);
        if (td != NULL) {
            st->tmpl_hint = (size_t)(td - templates) + 1;
        }
    }
    ev->ima_template = tn;
    ev->ima_template_len = tnn;
    i += tnn;
    struct tok rest = { l + i, 0, i };
    if (sp != NULL) {
        rest.p = l + i + 1;
        rest.n = line_len - i - 1;
        rest.off = i + 1;
    }
    /* 4th: template fields */
    int violation = is_zero(st->tmpl_digest, thn / 2);
    struct out o = { st, 0, 0 };
    if (td != NULL) {
        if (sp == NULL) {
            return bad(err, CCT_EMALFORMED, number, off, line_len,
                       "no fields after the template name", NULL);
        }
        int r = ascii_fields(st, td, &rest, ev, &o, number, off, err);
        if (r < 0) {
            if (r == CCT_ELIMIT && o.over) {
                return cct_err(err, CCT_ELIMIT, (int64_t)number, (int64_t)off,
                               "IMA entry %llu: template data longer than %zu bytes",
                               (unsigned long long)number, st->max_data);
            }
            if (r == CCT_ENOMEM) {
                return cct_err(err, r, (int64_t)number, (int64_t)off, "out of memory");
            }
            return r;
        }
        ev->data = st->scratch;
        ev->data_len = o.len;
        if (td->guessed) {
            ev->flags |= CCT_EVENT_F_IMA_LAYOUT_GUESSED;
        }
    } else {
        ascii_unknown(st, &rest, ev);
        ev->data = (const uint8_t *)rest.p;
        ev->data_len = rest.n;
        ev->flags |= CCT_EVENT_F_IMA_LAYOUT_GUESSED;
    }
    if (ev->data == NULL) {
        ev->data = (const uint8_t *)"";
    }
    if (!(ev->flags & CCT_EVENT_F_IMA_LAYOUT_GUESSED)) {
        talg = template_alg(st, thn / 2, st->tmpl_digest, ev->data, ev->data_len, violation);
    } else if (thn / 2 == 32 && st->alg32 != 0) {
        talg = st->alg32;
    }
    set_record(st, ev, number, off, rec_len, CCT_LOG_IMA_ASCII, pcr, violation, talg,
               st->tmpl_digest, thn / 2);
    ev->raw = p;
    ev->raw_len = line_len;
    *consumed = rec_len;
    return 0;
}

/* ---------------------------------------------------------------- binary */

static bool rd_u32(struct cct_reader *r, int be, uint32_t *v)
{
    return be ? cct_read_u32be(r, v) : cct_read_u32le(r, v);
}

/*
 * Unknown binary template: take the first field shaped like d-ng
 * ("<alg>:\0" + digest of that algorithm's size) as the file digest and a
 * NUL-terminated field right after it as the name.
 */
static void unknown_field(struct cct_event *ev, const uint8_t *f, size_t flen, int *seen_digest)
{
    if (*seen_digest == 1) {
        *seen_digest = 2;
        if (flen > 0 && f[flen - 1] == 0 && memchr(f, 0, flen) == f + flen - 1) {
            ev->ima_file_name = (const char *)f;
            ev->ima_file_name_len = flen - 1;
        }
        return;
    }
    if (*seen_digest || flen == 0) {
        return;
    }
    const uint8_t *nul = memchr(f, 0, flen);
    const char *alg;
    size_t alen;
    uint16_t tpm = 0;
    if (nul == NULL || !prefix_alg((const char *)f, (size_t)(nul - f), &alg, &alen)) {
        return;
    }
    size_t ds = cct_ima_hash_algo(alg, alen, &tpm);
    if (ds == 0 || flen - (size_t)(nul - f) - 1 != ds) {
        return;
    }
    ev->ima_file_alg = tpm;
    ev->ima_file_alg_name = alg;
    ev->ima_file_alg_name_len = alen;
    ev->ima_file_digest = nul + 1;
    ev->ima_file_digest_len = ds;
    *seen_digest = 1;
}

/* Walk template data as u32 len + bytes fields; fills ev's file fields from td. */
static int binary_fields(int be, const struct tmpl_def *td, const uint8_t *data, size_t len,
                         uint64_t data_off, struct cct_event *ev, uint64_t number,
                         struct cct_error *err)
{
    struct cct_reader r;
    size_t n = 0;
    int seen_digest = 0;
    cct_reader_init(&r, data, len, (size_t)data_off);
    while (cct_reader_left(&r) > 0) {
        uint32_t flen;
        const uint8_t *f;
        size_t at = cct_reader_offset(&r);
        if (n == CCT_IMA_MAX_FIELDS) {
            return cct_err(err, CCT_ELIMIT, (int64_t)number, (int64_t)at,
                           "IMA entry %llu: more than %u template fields",
                           (unsigned long long)number, CCT_IMA_MAX_FIELDS);
        }
        if (!rd_u32(&r, be, &flen) || !cct_read_bytes(&r, flen, &f)) {
            return cct_err(err, CCT_EMALFORMED, (int64_t)number, (int64_t)at,
                           "IMA entry %llu: template field %zu runs past the template data",
                           (unsigned long long)number, n);
        }
        if (td != NULL && n < td->n) {
            if (td->f[n].kind == F_DIGEST_ALGO && !seen_digest && flen > 0) {
                const uint8_t *nul = memchr(f, 0, flen);
                const char *alg;
                size_t alen;
                uint16_t tpm = 0;
                if (nul == NULL || !prefix_alg((const char *)f, (size_t)(nul - f), &alg, &alen)) {
                    return cct_err(err, CCT_EMALFORMED, (int64_t)number, (int64_t)at + 4,
                                   "IMA entry %llu: %s field lacks its '<algorithm>:' prefix",
                                   (unsigned long long)number, td->f[n].id);
                }
                size_t ds = cct_ima_hash_algo(alg, alen, &tpm);
                size_t dlen = flen - (size_t)(nul - f) - 1;
                if (ds == 0) {
                    return cct_err(err, CCT_EUNSUPPORTED, (int64_t)number, (int64_t)at + 4,
                                   "IMA entry %llu: unknown file digest algorithm '%.*s'",
                                   (unsigned long long)number, (int)(alen < 32 ? alen : 32), alg);
                }
                if (dlen != ds) {
                    return cct_err(err, CCT_EMALFORMED, (int64_t)number, (int64_t)at + 4,
                                   "IMA entry %llu: %zu-byte file digest for %.*s (which has %zu)",
                                   (unsigned long long)number, dlen, (int)alen, alg, ds);
                }
                ev->ima_file_alg = tpm;
                ev->ima_file_alg_name = alg;
                ev->ima_file_alg_name_len = alen;
                ev->ima_file_digest = nul + 1;
                ev->ima_file_digest_len = dlen;
                seen_digest = 1;
            } else if (td->f[n].kind == F_STRING && td->f[n].is_name) {
                size_t sl = flen;
                const uint8_t *nul = memchr(f, 0, flen);
                if (nul != NULL) {
                    sl = (size_t)(nul - f);
                }
                ev->ima_file_name = (const char *)f;
                ev->ima_file_name_len = sl;
            }
        }
        if (td == NULL) {
            unknown_field(ev, f, flen, &seen_digest);
        }
        n++;
    }
    if (td != NULL && n != td->n) {
        return cct_err(err, CCT_EMALFORMED, (int64_t)number, (int64_t)data_off,
                       "IMA entry %llu: template %s has %zu fields, the data holds %zu",
                       (unsigned long long)number, td->name, td->n, n);
    }
    return 0;
}

static int binary_next(struct cct_ima_state *st, const uint8_t *p, size_t len, int eof,
                       uint64_t off, uint64_t number, struct cct_event *ev, size_t *consumed,
                       int *end, struct cct_error *err)
{
    struct cct_reader r;
    uint32_t pcr, nlen, dlen;
    const uint8_t *digest, *name, *data;
    int be = st->big_endian;
    (void)eof;
    (void)end;
    cct_reader_init(&r, p, len, (size_t)off);
    memset(ev, 0, event_size(st));
    if (st->tmpl_size == 0) {
        /* Fixed by the first entry read (also when resuming mid-list). */
        size_t ds = cct_ima_binary_digest_size(p, len);
        if (ds == 0 && len < 4 + 64 + 4 + CCT_IMA_MAX_TEMPLATE_NAME) {
            return CCT_ETRUNCATED;
        }
        st->tmpl_size = ds != 0 ? ds : CCT_IMA_SHA1_SIZE;
    }
    /* 1st: PCR, 2nd: template digest (SHA-1, or the list's bank), 3rd: name length, 4th: name */
    if (!rd_u32(&r, be, &pcr) || !cct_read_bytes(&r, st->tmpl_size, &digest) ||
        !rd_u32(&r, be, &nlen)) {
        return CCT_ETRUNCATED;
    }
    if (pcr > CCT_IMA_MAX_PCR) {
        return cct_err(err, CCT_EMALFORMED, (int64_t)number, (int64_t)off,
                       "IMA entry %llu: register index %u out of range", (unsigned long long)number,
                       pcr);
    }
    if (nlen == 0 || nlen > CCT_IMA_MAX_TEMPLATE_NAME) {
        return cct_err(err, CCT_EMALFORMED, (int64_t)number, (int64_t)cct_reader_offset(&r) - 4,
                       "IMA entry %llu: template name length %u out of range 1..%u",
                       (unsigned long long)number, nlen, CCT_IMA_MAX_TEMPLATE_NAME);
    }
    if (!cct_read_bytes(&r, nlen, &name)) {
        return CCT_ETRUNCATED;
    }
    if (!template_name_ok(name, nlen)) {
        return cct_err(err, CCT_EMALFORMED, (int64_t)number, (int64_t)cct_reader_offset(&r) - nlen,
                       "IMA entry %llu: template name is not printable",
                       (unsigned long long)number);
    }
    const struct tmpl_def *td = find_template((const char *)name, nlen);
    ev->ima_template = (const char *)name;
    ev->ima_template_len = nlen;
    if (td == &templates[0]) {
        /* "ima": 20-byte digest, then u32 strlen + name without NUL. */
        const uint8_t *fd, *fname;
        uint32_t fnlen;
        if (!cct_read_bytes(&r, CCT_IMA_SHA1_SIZE, &fd) || !rd_u32(&r, be, &fnlen)) {
            return CCT_ETRUNCATED;
        }
        if (fnlen > CCT_IMA_EVENT_NAME_LEN_MAX) {
            return cct_err(err, CCT_EMALFORMED, (int64_t)number, (int64_t)cct_reader_offset(&r) - 4,
                           "IMA entry %llu: 'ima' template name of %u bytes (at most %u)",
                           (unsigned long long)number, fnlen, CCT_IMA_EVENT_NAME_LEN_MAX);
        }
        if (!cct_read_bytes(&r, fnlen, &fname)) {
            return CCT_ETRUNCATED;
        }
        struct out o = { st, 0, 0 };
        uint8_t *d;
        int rc = out_take(&o, CCT_IMA_SHA1_SIZE + CCT_IMA_EVENT_NAME_LEN_MAX + 1, &d);
        if (rc < 0) {
            return cct_err(err, rc, (int64_t)number, (int64_t)off,
                           "IMA entry %llu: no room for template data", (unsigned long long)number);
        }
        memcpy(d, fd, CCT_IMA_SHA1_SIZE);
        memset(d + CCT_IMA_SHA1_SIZE, 0, CCT_IMA_EVENT_NAME_LEN_MAX + 1);
        memcpy(d + CCT_IMA_SHA1_SIZE, fname, fnlen);
        ev->data = d;
        ev->data_len = o.len;
        ev->ima_file_alg = CCT_ALG_SHA1;
        ev->ima_file_alg_name = "sha1";
        ev->ima_file_alg_name_len = 4;
        ev->ima_file_digest = fd;
        ev->ima_file_digest_len = CCT_IMA_SHA1_SIZE;
        ev->ima_file_name = (const char *)fname;
        ev->ima_file_name_len = fnlen;
    } else {
        /* 5th: template data length, 6th: template data */
        if (!rd_u32(&r, be, &dlen)) {
            return CCT_ETRUNCATED;
        }
        if (dlen > st->max_data) {
            return cct_err(err, CCT_ELIMIT, (int64_t)number, (int64_t)cct_reader_offset(&r) - 4,
                           "IMA entry %llu: template data of %u bytes (limit %zu)",
                           (unsigned long long)number, dlen, st->max_data);
        }
        uint64_t data_off = cct_reader_offset(&r);
        if (!cct_read_bytes(&r, dlen, &data)) {
            return CCT_ETRUNCATED;
        }
        int rc = binary_fields(st->big_endian, td, data, dlen, data_off, ev, number, err);
        if (rc < 0) {
            return rc;
        }
        ev->data = data;
        ev->data_len = dlen;
    }
    size_t rec = (size_t)(cct_reader_offset(&r) - off);
    int violation = is_zero(digest, st->tmpl_size);
    uint16_t talg =
        td != NULL
            ? template_alg(st, st->tmpl_size, digest, ev->data, ev->data_len, violation)
            : (st->alg32 != 0 && st->tmpl_size == 32 ? st->alg32 : alg_for_size(st->tmpl_size));
    set_record(st, ev, number, off, rec, CCT_LOG_IMA_BINARY, pcr, violation, talg, digest,
               st->tmpl_size);
    ev->raw = p;
    ev->raw_len = rec;
    *consumed = rec;
    return 0;
}

int cct_ima_next(struct cct_ima_state *st, const uint8_t *p, size_t len, int eof, uint64_t off,
                 uint64_t number, struct cct_event *ev, size_t *consumed, int *end,
                 struct cct_error *err)
{
    /* Straight into ev, like the TCG parser: the iterator only hands ev on after a success, and
     * a copy through a local view cost as much as parsing the fields of an ascii line. */
    *end = 0;
    *consumed = 0;
    if (st->format == CCT_LOG_IMA_ASCII) {
        return ascii_next(st, p, len, eof, off, number, ev, consumed, end, err);
    }
    return binary_next(st, p, len, eof, off, number, ev, consumed, end, err);
}

/* A template name length (either byte order) and name at p + at. */
static int binary_name_at(const uint8_t *p, size_t len, size_t at)
{
    struct cct_reader r, c;
    uint32_t le, be;
    const uint8_t *name;
    cct_reader_init(&r, p, len, 0);
    if (!cct_read_skip(&r, at) || !cct_read_sub(&r, 4, &c)) {
        return 0;
    }
    struct cct_reader c2 = c;
    if (!cct_read_u32le(&c, &le) || !cct_read_u32be(&c2, &be)) {
        return 0;
    }
    uint32_t n = (le >= 1 && le <= CCT_IMA_MAX_TEMPLATE_NAME) ? le : be;
    if (n < 1 || n > CCT_IMA_MAX_TEMPLATE_NAME || !cct_read_bytes(&r, n, &name)) {
        return 0;
    }
    return template_name_ok(name, n) &&
           ((n >= 3 && memcmp(name, "ima", 3) == 0) || (n == 7 && memcmp(name, "evm-sig", 7) == 0));
}

size_t cct_ima_binary_digest_size(const uint8_t *p, size_t len)
{
    static const size_t sizes[] = { CCT_IMA_SHA1_SIZE, 32, 48, 64 };
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        if (binary_name_at(p, len, 4 + sizes[i])) {
            return sizes[i];
        }
    }
    return 0;
}

/* Decide the byte order of a binary list from its first entry. */
int cct_ima_binary_order(const uint8_t *p, size_t len)
{
    struct cct_reader r, c;
    uint32_t le, be;
    size_t ds = cct_ima_binary_digest_size(p, len);
    cct_reader_init(&r, p, len, 0);
    /* The name length (u32 after pcr and the template digest) is small in the right order. */
    if (!cct_read_skip(&r, 4 + (ds != 0 ? ds : CCT_IMA_SHA1_SIZE)) || !cct_read_sub(&r, 4, &c)) {
        return 0;
    }
    struct cct_reader c2 = c;
    if (!cct_read_u32le(&c, &le) || !cct_read_u32be(&c2, &be)) {
        return 0;
    }
    if (le >= 1 && le <= CCT_IMA_MAX_TEMPLATE_NAME) {
        return 0;
    }
    return be >= 1 && be <= CCT_IMA_MAX_TEMPLATE_NAME;
}

int cct_ima_event_fields(const struct cct_event *ev, struct cct_ima_field *out, size_t max)
{
    size_t n = 0;
    if (ev == NULL || (out == NULL && max > 0) ||
        (ev->format != CCT_LOG_IMA_ASCII && ev->format != CCT_LOG_IMA_BINARY)) {
        return CCT_EINVAL;
    }
    if (ev->ima_template_len == 3 && memcmp(ev->ima_template, "ima", 3) == 0) {
        /* d (20 bytes), n (NUL-padded to 256) */
        if (ev->data_len != CCT_IMA_SHA1_SIZE + CCT_IMA_EVENT_NAME_LEN_MAX + 1) {
            return CCT_EMALFORMED;
        }
        if (max < 2) {
            return CCT_ELIMIT;
        }
        out[0] = (struct cct_ima_field){ ev->data, CCT_IMA_SHA1_SIZE };
        out[1] =
            (struct cct_ima_field){ ev->data + CCT_IMA_SHA1_SIZE, CCT_IMA_EVENT_NAME_LEN_MAX + 1 };
        return 2;
    }
    if (ev->format == CCT_LOG_IMA_ASCII &&
        find_template(ev->ima_template, ev->ima_template_len) == NULL) {
        /* Unknown ascii template: the words of the line after the name. */
        const uint8_t *s = ev->data, *e = ev->data + ev->data_len;
        while (s <= e && ev->data_len > 0) {
            const uint8_t *sp = memchr(s, ' ', (size_t)(e - s));
            const uint8_t *te = sp ? sp : e;
            if (n == max || n == CCT_IMA_MAX_FIELDS) {
                return CCT_ELIMIT;
            }
            out[n++] = (struct cct_ima_field){ s, (size_t)(te - s) };
            if (sp == NULL) {
                break;
            }
            s = sp + 1;
        }
        return (int)n;
    }
    struct cct_reader r;
    /* Ascii data was rebuilt little-endian; a binary log keeps its order. */
    int be = ev->format == CCT_LOG_IMA_BINARY && cct_ima_binary_order(ev->raw, ev->raw_len);
    cct_reader_init(&r, ev->data, ev->data_len, 0);
    while (cct_reader_left(&r) > 0) {
        uint32_t len;
        const uint8_t *f;
        if (n == max || n == CCT_IMA_MAX_FIELDS) {
            return CCT_ELIMIT;
        }
        if (!rd_u32(&r, be, &len) || !cct_read_bytes(&r, len, &f)) {
            return CCT_EMALFORMED;
        }
        out[n++] = (struct cct_ima_field){ f, len };
    }
    return (int)n;
}

int cct_ima_describe(const char *name, size_t nlen, const uint8_t *data, size_t len,
                     uint64_t data_off, struct cct_event *ev, uint64_t number,
                     struct cct_error *err)
{
    if (!template_name_ok((const uint8_t *)name, nlen)) {
        return cct_err(err, CCT_EMALFORMED, (int64_t)number, -1,
                       "event %llu: bad IMA template name", (unsigned long long)number);
    }
    ev->ima_template = name;
    ev->ima_template_len = nlen;
    const struct tmpl_def *td = find_template(name, nlen);
    if (td == &templates[0]) {
        /* "ima": d(20) || name padded to 256 */
        if (len != CCT_IMA_SHA1_SIZE + CCT_IMA_EVENT_NAME_LEN_MAX + 1) {
            return cct_err(err, CCT_EMALFORMED, (int64_t)number, (int64_t)data_off,
                           "event %llu: 'ima' template data of %zu bytes (want 276)",
                           (unsigned long long)number, len);
        }
        const uint8_t *nm = data + CCT_IMA_SHA1_SIZE;
        const uint8_t *nul = memchr(nm, 0, CCT_IMA_EVENT_NAME_LEN_MAX + 1);
        ev->ima_file_alg = CCT_ALG_SHA1;
        ev->ima_file_alg_name = "sha1";
        ev->ima_file_alg_name_len = 4;
        ev->ima_file_digest = data;
        ev->ima_file_digest_len = CCT_IMA_SHA1_SIZE;
        ev->ima_file_name = (const char *)nm;
        ev->ima_file_name_len = nul ? (size_t)(nul - nm) : CCT_IMA_EVENT_NAME_LEN_MAX + 1;
        return 0;
    }
    return binary_fields(0, td, data, len, data_off, ev, number, err);
}

void cct_ima_mark_violation(struct cct_event *ev)
{
    if (ev->n_digests == 0) {
        return;
    }
    for (size_t k = 0; k < ev->n_digests; k++) {
        if (!is_zero(ev->digests[k].bytes, ev->digests[k].size)) {
            return;
        }
    }
    ev->flags |= CCT_EVENT_F_IMA_VIOLATION;
}
