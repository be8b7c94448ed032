/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Arm CCA attestation token and PSA attestation token parser.
 *
 * References: Arm Realm Management Monitor specification (RMM 1.0), section
 * "Attestation token format": a CBOR map (tag 399; the older tag 907 with
 * [content-format, bstr] entries is accepted too) holding the platform token
 * (key 44234) and the realm delegated token (key 44241), each a COSE_Sign1
 * (RFC 9052, tag 18). PSA tokens (draft-tschofenig-rats-psa-token) are a bare
 * COSE_Sign1. Decoding uses libcbor after a bounded well-formedness and
 * nesting-depth pre-scan (libcbor frees nested items recursively). The
 * pre-scan also re-encodes one-byte tag heads 0xc6-0xd4 (tags 6-20, e.g.
 * COSE_Sign1 = 18) as 0xd8 NN: libcbor 0.8 rejects the one-byte form of those
 * tags as malformed although RFC 8949 allows it.
 */
#include <stdlib.h>
#include <string.h>

#include <cbor.h>

#include <cctrusted/algorithm.h>
#include <cctrusted/report.h>

#include "formats/cca/cca.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/reader.h"

#define CBOR_MAX_DEPTH 16
#define CBOR_MAX_ITEMS 4096

/* Claim keys (RMM spec "Realm claims", "CCA platform claims"; PSA token draft). */
#define K_CHALLENGE 10
#define K_PROFILE 265
#define K_INSTANCE_ID 256
#define K_LIFECYCLE 2395
#define K_IMPL_ID 2396
#define K_SW_COMPONENTS 2399
#define K_PLAT_HASH_ALGO 2402
#define K_LEGACY_LIFECYCLE (-75002)
#define K_LEGACY_IMPL_ID (-75003)
#define K_LEGACY_SW_COMPONENTS (-75006)
#define K_LEGACY_INSTANCE_ID (-75009)
#define K_LEGACY_PROFILE (-75000)
#define K_LEGACY_NONCE (-75008)
#define K_REALM_PERSO 44235
#define K_REALM_HASH_ALGO 44236
#define K_REALM_PUBKEY 44237
#define K_REALM_RIM 44238
#define K_REALM_REM 44239
#define K_REALM_PUBKEY_HASH_ALGO 44240
#define K_PLATFORM_TOKEN 44234
#define K_REALM_TOKEN 44241

struct cca_internal {
    cbor_item_t *items[10];
    size_t n;
};

/* The item under a tag. cbor_tag_item() adds a reference; drop it at once (the tag keeps its own).
 */
static cbor_item_t *tagged(const cbor_item_t *it)
{
    cbor_item_t *x = cbor_tag_item(it);
    cbor_item_t *ref = x;
    cbor_decref(&ref);
    return x;
}

/* ---- bounded pre-scan (RFC 8949 section 3) ---- */
static int scan_item(struct cct_reader *r, int depth, size_t *items, struct cct_buf *o,
                     struct cct_error *err);

static int scan_arg(struct cct_reader *r, uint8_t info, uint64_t *v, struct cct_error *err)
{
    uint8_t u8;
    uint16_t u16;
    uint32_t u32;
    bool ok = true;
    if (info < 24) {
        *v = info;
    } else if (info == 24) {
        ok = cct_read_u8(r, &u8);
        *v = u8;
    } else if (info == 25) {
        ok = cct_read_u16be(r, &u16);
        *v = u16;
    } else if (info == 26) {
        ok = cct_read_u32be(r, &u32);
        *v = u32;
    } else if (info == 27) {
        ok = cct_read_u64be(r, v);
    } else {
        return cct_err(err, CCT_EUNSUPPORTED, -1, (int64_t)cct_reader_offset(r),
                       "indefinite-length or reserved CBOR encoding (additional info %u)", info);
    }
    if (!ok) {
        return cct_err(err, CCT_ETRUNCATED, -1, (int64_t)cct_reader_offset(r),
                       "CBOR argument truncated");
    }
    return 0;
}

/* Copy the bytes consumed since `from` to the normalised output. */
static int emit_since(struct cct_buf *o, const uint8_t *from, const struct cct_reader *r)
{
    return cct_buf_append(o, from, (size_t)(r->p - from)) < 0 ? CCT_ENOMEM : 0;
}

static int scan_item(struct cct_reader *r, int depth, size_t *items, struct cct_buf *o,
                     struct cct_error *err)
{
    uint8_t ib;
    uint64_t v;
    size_t off = cct_reader_offset(r);
    const uint8_t *head = r->p;
    if (depth > CBOR_MAX_DEPTH) {
        return cct_err(err, CCT_ELIMIT, -1, (int64_t)off, "CBOR nesting deeper than %d",
                       CBOR_MAX_DEPTH);
    }
    if (++*items > CBOR_MAX_ITEMS) {
        return cct_err(err, CCT_ELIMIT, -1, (int64_t)off, "more than %d CBOR items",
                       CBOR_MAX_ITEMS);
    }
    if (!cct_read_u8(r, &ib)) {
        return cct_err(err, CCT_ETRUNCATED, -1, (int64_t)off, "CBOR item truncated");
    }
    uint8_t major = ib >> 5, info = ib & 0x1f;
    if (major == 7) {
        /* simple values and floats: 0-23 inline, 24: 1 byte, 25/26/27: 2/4/8 bytes */
        size_t n = info < 24    ? 0
                   : info == 24 ? 1
                   : info == 25 ? 2
                   : info == 26 ? 4
                   : info == 27 ? 8
                                : 99;
        if (n == 99) {
            return cct_err(err, CCT_EUNSUPPORTED, -1, (int64_t)off,
                           "unsupported CBOR simple value encoding");
        }
        if (!cct_read_skip(r, n)) {
            return cct_err(err, CCT_ETRUNCATED, -1, (int64_t)off, "CBOR value truncated");
        }
        return emit_since(o, head, r);
    }
    int rc = scan_arg(r, info, &v, err);
    if (rc < 0) {
        return rc;
    }
    if (major == 6 && info >= 6 && info <= 20) {
        uint8_t two[2] = { 0xd8, info };
        rc = cct_buf_append(o, two, 2) < 0 ? CCT_ENOMEM : 0;
    } else {
        rc = emit_since(o, head, r);
    }
    if (rc < 0) {
        return cct_err(err, rc, -1, (int64_t)off, "out of memory");
    }
    switch (major) {
    case 0:
    case 1: return 0;
    case 2:
    case 3:
        head = r->p;
        if (v > cct_reader_left(r) || !cct_read_skip(r, (size_t)v)) {
            return cct_err(err, CCT_ETRUNCATED, -1, (int64_t)off,
                           "CBOR string of %llu bytes exceeds the input", (unsigned long long)v);
        }
        return emit_since(o, head, r) < 0
                   ? cct_err(err, CCT_ENOMEM, -1, (int64_t)off, "out of memory")
                   : 0;
    case 4:
    case 5: {
        uint64_t n = v;
        if (n > CBOR_MAX_ITEMS || (major == 5 && n > CBOR_MAX_ITEMS / 2)) {
            return cct_err(err, CCT_ELIMIT, -1, (int64_t)off, "CBOR container of %llu entries",
                           (unsigned long long)n);
        }
        if (major == 5) {
            n *= 2;
        }
        for (uint64_t i = 0; i < n; i++) {
            rc = scan_item(r, depth + 1, items, o, err);
            if (rc < 0) {
                return rc;
            }
        }
        return 0;
    }
    default: /* 6: tag */ return scan_item(r, depth + 1, items, o, err);
    }
}

/* Decode exactly one well-formed item filling [p, p+len). */
static int decode(struct cca_internal *in, const uint8_t *p, size_t len, size_t base,
                  cbor_item_t **out, struct cct_error *err)
{
    struct cct_reader r;
    struct cct_buf o;
    size_t items = 0;
    struct cbor_load_result res;
    cct_reader_init(&r, p, len, base);
    cct_buf_init(&o, 2 * CCT_CCA_MAX_TOKEN);
    int rc = scan_item(&r, 0, &items, &o, err);
    if (rc == 0 && !cct_reader_done(&r)) {
        rc = cct_err(err, CCT_EMALFORMED, -1, (int64_t)cct_reader_offset(&r),
                     "%zu bytes after the CBOR item", cct_reader_left(&r));
    }
    if (rc == 0 && in->n >= sizeof(in->items) / sizeof(in->items[0])) {
        rc = cct_err(err, CCT_ELIMIT, -1, -1, "too many nested tokens");
    }
    if (rc < 0) {
        cct_buf_free(&o);
        return rc;
    }
    cbor_item_t *it = cbor_load(o.data, o.len, &res);
    cct_buf_free(&o);
    if (it == NULL || res.error.code != CBOR_ERR_NONE) {
        if (it != NULL) {
            cbor_decref(&it);
        }
        return cct_err(err, res.error.code == CBOR_ERR_MEMERROR ? CCT_ENOMEM : CCT_EMALFORMED, -1,
                       (int64_t)(base + res.error.position),
                       "CBOR decoding failed (libcbor error %d)", (int)res.error.code);
    }
    in->items[in->n++] = it;
    *out = it;
    return 0;
}

static bool get_int(const cbor_item_t *it, int64_t *v)
{
    if (cbor_isa_uint(it)) {
        uint64_t u = cbor_get_int(it);
        if (u > INT64_MAX) {
            return false;
        }
        *v = (int64_t)u;
        return true;
    }
    if (cbor_isa_negint(it)) {
        uint64_t u = cbor_get_int(it);
        if (u > INT64_MAX) {
            return false;
        }
        *v = -1 - (int64_t)u;
        return true;
    }
    return false;
}

static bool get_bytes(const cbor_item_t *it, const uint8_t **p, size_t *n)
{
    if (!cbor_isa_bytestring(it) || !cbor_bytestring_is_definite(it)) {
        return false;
    }
    *p = cbor_bytestring_handle(it);
    *n = cbor_bytestring_length(it);
    return true;
}

static bool get_text(const cbor_item_t *it, const char **p, size_t *n)
{
    if (!cbor_isa_string(it) || !cbor_string_is_definite(it)) {
        return false;
    }
    *p = (const char *)cbor_string_handle(it);
    *n = cbor_string_length(it);
    return true;
}

/*
 * COSE_Sign1 = [protected: bstr, unprotected: map, payload: bstr, signature: bstr] (RFC 9052, 4.2);
 * COSE_Mac0 (tag 17, RFC 9052, 6.2) has the same shape with the MAC tag last. allow_mac0: a bare
 * PSA token, which may be MAC'ed instead of signed.
 */
static int parse_sign1(struct cca_internal *in, const cbor_item_t *it, struct cct_cose_sign1 *s,
                       const char *what, int allow_mac0, struct cct_error *err)
{
    const char *kind = "COSE_Sign1";
    s->cose_tag = 18;
    if (cbor_isa_tag(it)) {
        uint64_t tag = cbor_tag_value(it);
        if (tag == 17 && !allow_mac0) {
            return cct_err(err, CCT_EUNSUPPORTED, -1, -1,
                           "%s is a COSE_Mac0 (tag 17); only a bare PSA token may be MAC'ed", what);
        }
        if (tag != 18 && tag != 17) {
            return cct_err(err, CCT_EMALFORMED, -1, -1, "%s has CBOR tag %llu, COSE_Sign1 is 18",
                           what, (unsigned long long)tag);
        }
        if (tag == 17) {
            s->cose_tag = 17;
            kind = "COSE_Mac0";
        }
        it = tagged(it);
    }
    if (!cbor_isa_array(it) || cbor_array_size(it) != 4) {
        return cct_err(err, CCT_EMALFORMED, -1, -1, "%s is not a 4-element %s array", what, kind);
    }
    cbor_item_t **a = cbor_array_handle(it);
    if (!get_bytes(a[0], &s->protected_hdr, &s->protected_len) || !cbor_isa_map(a[1]) ||
        !get_bytes(a[2], &s->payload, &s->payload_len) ||
        !get_bytes(a[3], &s->signature, &s->signature_len)) {
        return cct_err(err, CCT_EMALFORMED, -1, -1, "%s: %s fields have the wrong types", what,
                       kind);
    }
    cbor_item_t *ph;
    int rc = decode(in, s->protected_hdr, s->protected_len, 0, &ph, err);
    if (rc < 0) {
        return rc;
    }
    s->alg = 0;
    if (cbor_isa_map(ph)) {
        struct cbor_pair *m = cbor_map_handle(ph);
        for (size_t i = 0; i < cbor_map_size(ph); i++) {
            int64_t k, v;
            if (get_int(m[i].key, &k) && k == 1 && get_int(m[i].value, &v) && v >= INT32_MIN &&
                v <= INT32_MAX) {
                s->alg = (int)v;
            }
        }
    }
    if (s->alg == 0) {
        return cct_err(err, CCT_EMALFORMED, -1, -1, "%s: protected header has no algorithm", what);
    }
    return 0;
}

static int claims_map(struct cca_internal *in, const struct cct_cose_sign1 *s, cbor_item_t **out,
                      const char *what, struct cct_error *err)
{
    int rc = decode(in, s->payload, s->payload_len, 0, out, err);
    if (rc < 0) {
        return rc;
    }
    if (!cbor_isa_map(*out)) {
        return cct_err(err, CCT_EMALFORMED, -1, -1, "%s claims are not a CBOR map", what);
    }
    return 0;
}

typedef void (*claim_fn)(int64_t key, const cbor_item_t *v, struct cct_cca_token *t);

/* Calls one() for every claim of map m whose key is an integer. */
static void claims_walk(const cbor_item_t *m, claim_fn one, struct cct_cca_token *t)
{
    struct cbor_pair *pairs = cbor_map_handle(m);
    for (size_t i = 0; i < cbor_map_size(m); i++) {
        int64_t k;
        if (get_int(pairs[i].key, &k)) {
            one(k, pairs[i].value, t);
        }
    }
}

static void platform_claim(int64_t k, const cbor_item_t *v, struct cct_cca_token *t)
{
    switch (k) {
    case K_PROFILE:
    case K_LEGACY_PROFILE: (void)get_text(v, &t->platform_profile, &t->platform_profile_len); break;
    case K_CHALLENGE:
    case K_LEGACY_NONCE:
        (void)get_bytes(v, &t->platform_challenge, &t->platform_challenge_len);
        break;
    case K_IMPL_ID:
    case K_LEGACY_IMPL_ID:
        (void)get_bytes(v, &t->implementation_id, &t->implementation_id_len);
        break;
    case K_INSTANCE_ID:
    case K_LEGACY_INSTANCE_ID: (void)get_bytes(v, &t->instance_id, &t->instance_id_len); break;
    case K_LIFECYCLE:
    case K_LEGACY_LIFECYCLE: (void)get_int(v, &t->security_lifecycle); break;
    case K_PLAT_HASH_ALGO:
        (void)get_text(v, &t->platform_hash_algo, &t->platform_hash_algo_len);
        break;
    case K_SW_COMPONENTS:
    case K_LEGACY_SW_COMPONENTS:
        if (cbor_isa_array(v)) {
            t->n_sw_components = cbor_array_size(v);
        }
        break;
    default: break;
    }
}

static void realm_claim(int64_t k, const cbor_item_t *v, struct cct_cca_token *t)
{
    switch (k) {
    case K_PROFILE: (void)get_text(v, &t->realm_profile, &t->realm_profile_len); break;
    case K_CHALLENGE: (void)get_bytes(v, &t->realm_challenge, &t->realm_challenge_len); break;
    case K_REALM_PERSO:
        (void)get_bytes(v, &t->realm_personalization, &t->realm_personalization_len);
        break;
    case K_REALM_HASH_ALGO: (void)get_text(v, &t->realm_hash_algo, &t->realm_hash_algo_len); break;
    case K_REALM_PUBKEY_HASH_ALGO:
        (void)get_text(v, &t->rak_hash_algo, &t->rak_hash_algo_len);
        break;
    case K_REALM_PUBKEY: (void)get_bytes(v, &t->rak, &t->rak_len); break;
    case K_REALM_RIM: (void)get_bytes(v, &t->rim, &t->rim_len); break;
    case K_REALM_REM:
        if (cbor_isa_array(v)) {
            cbor_item_t **a = cbor_array_handle(v);
            for (size_t j = 0; j < cbor_array_size(v) && j < 4; j++) {
                (void)get_bytes(a[j], &t->rem[j], &t->rem_len[j]);
            }
        }
        break;
    default: break;
    }
}

/*
 * Realm public key: an uncompressed EC point (0x04 || x || y), or a COSE_Key
 * (RFC 9052, 7.1; RFC 9053, 7.1.1: kty 2 = EC2, crv -1, x -2, y -3).
 */
static int rak_coords(struct cca_internal *in, struct cct_cca_token *t, struct cct_error *err)
{
    if (t->rak == NULL || t->rak_len == 0) {
        return 0;
    }
    if (t->rak[0] == 0x04) {
        size_t c = (t->rak_len - 1) / 2;
        int crv = c == 32 ? 1 : c == 48 ? 2 : c == 66 ? 3 : 0;
        if (crv != 0 && t->rak_len == 1 + 2 * c) {
            t->rak_crv = crv;
            t->rak_x = t->rak + 1;
            t->rak_y = t->rak + 1 + c;
            t->rak_xy_len = c;
        }
        return 0;
    }
    cbor_item_t *key;
    int rc = decode(in, t->rak, t->rak_len, 0, &key, err);
    if (rc < 0) {
        return rc;
    }
    if (!cbor_isa_map(key)) {
        return 0;
    }
    struct cbor_pair *m = cbor_map_handle(key);
    int64_t kty = 0, crv = 0;
    const uint8_t *x = NULL, *y = NULL;
    size_t xn = 0, yn = 0;
    for (size_t i = 0; i < cbor_map_size(key); i++) {
        int64_t k;
        if (!get_int(m[i].key, &k)) {
            continue;
        }
        if (k == 1) {
            (void)get_int(m[i].value, &kty);
        } else if (k == -1) {
            (void)get_int(m[i].value, &crv);
        } else if (k == -2) {
            (void)get_bytes(m[i].value, &x, &xn);
        } else if (k == -3) {
            (void)get_bytes(m[i].value, &y, &yn);
        }
    }
    size_t want = crv == 1 ? 32 : crv == 2 ? 48 : crv == 3 ? 66 : 0;
    if (kty == 2 && want != 0 && xn == want && yn == want) {
        t->rak_crv = (int)crv;
        t->rak_x = x;
        t->rak_y = y;
        t->rak_xy_len = want;
    }
    return 0;
}

/* A collection entry: a bstr, or (tag 907) [content-format, bstr]. */
static bool entry_bytes(const cbor_item_t *v, const uint8_t **p, size_t *n)
{
    if (cbor_isa_array(v) && cbor_array_size(v) == 2) {
        return get_bytes(cbor_array_handle(v)[1], p, n);
    }
    return get_bytes(v, p, n);
}

int cct_cca_token_parse(const uint8_t *p, size_t len, struct cct_cca_token *out,
                        struct cct_error *err)
{
    struct cct_cca_token t;
    struct cca_internal *in;
    cbor_item_t *root, *sub, *claims;
    int rc;
    if (p == NULL || out == NULL) {
        return cct_err(err, CCT_EINVAL, -1, -1, "no token");
    }
    if (len > CCT_CCA_MAX_TOKEN) {
        return cct_err(err, CCT_ELIMIT, -1, -1, "token of %zu bytes exceeds %u", len,
                       CCT_CCA_MAX_TOKEN);
    }
    memset(&t, 0, sizeof(t));
    in = calloc(1, sizeof(*in));
    if (in == NULL) {
        return cct_err(err, CCT_ENOMEM, -1, -1, "out of memory");
    }
    t.internal = in;
    rc = decode(in, p, len, 0, &root, err);
    if (rc < 0) {
        goto fail;
    }
    if (!cbor_isa_tag(root)) {
        rc = cct_err(err, CCT_EMALFORMED, -1, 0, "not a tagged CBOR token");
        goto fail;
    }
    t.collection_tag = cbor_tag_value(root);
    if (t.collection_tag == 17 || t.collection_tag == 18) {
        /* bare PSA token */
        t.collection_tag = 0;
        rc = parse_sign1(in, root, &t.platform, "PSA token", 1, err);
        if (rc < 0 || (rc = claims_map(in, &t.platform, &claims, "PSA token", err)) < 0) {
            goto fail;
        }
        claims_walk(claims, platform_claim, &t);
        t.has_platform = 1;
        *out = t;
        return 0;
    }
    if (t.collection_tag != 399 && t.collection_tag != 907) {
        rc = cct_err(err, CCT_EMALFORMED, -1, 0,
                     "CBOR tag %llu is not a CCA token collection (399 or 907)",
                     (unsigned long long)t.collection_tag);
        goto fail;
    }
    cbor_item_t *m = tagged(root);
    if (!cbor_isa_map(m)) {
        rc = cct_err(err, CCT_EMALFORMED, -1, 3, "CCA token collection is not a map");
        goto fail;
    }
    struct cbor_pair *pairs = cbor_map_handle(m);
    for (size_t i = 0; i < cbor_map_size(m); i++) {
        int64_t k;
        const uint8_t *b;
        size_t bn;
        if (!get_int(pairs[i].key, &k) || (k != K_PLATFORM_TOKEN && k != K_REALM_TOKEN)) {
            continue;
        }
        const char *what = k == K_PLATFORM_TOKEN ? "platform token" : "realm token";
        if (!entry_bytes(pairs[i].value, &b, &bn)) {
            rc = cct_err(err, CCT_EMALFORMED, -1, -1, "%s entry is not a byte string", what);
            goto fail;
        }
        struct cct_cose_sign1 *s = k == K_PLATFORM_TOKEN ? &t.platform : &t.realm;
        if ((rc = decode(in, b, bn, 0, &sub, err)) < 0 ||
            (rc = parse_sign1(in, sub, s, what, 0, err)) < 0 ||
            (rc = claims_map(in, s, &claims, what, err)) < 0) {
            goto fail;
        }
        if (k == K_PLATFORM_TOKEN) {
            claims_walk(claims, platform_claim, &t);
            t.has_platform = 1;
        } else {
            claims_walk(claims, realm_claim, &t);
            t.has_realm = 1;
            if ((rc = rak_coords(in, &t, err)) < 0) {
                goto fail;
            }
        }
    }
    if (!t.has_platform || !t.has_realm) {
        rc = cct_err(err, CCT_EMALFORMED, -1, -1, "CCA token collection lacks the %s token",
                     t.has_platform ? "realm" : "platform");
        goto fail;
    }
    *out = t;
    return 0;
fail:
    cct_cca_token_free(&t);
    return rc;
}

void cct_cca_token_free(struct cct_cca_token *t)
{
    if (t == NULL || t->internal == NULL) {
        return;
    }
    struct cca_internal *in = t->internal;
    for (size_t i = 0; i < in->n; i++) {
        cbor_decref(&in->items[i]);
    }
    free(in);
    t->internal = NULL;
}

uint16_t cct__cca_hash_alg(const char *s, size_t n)
{
    static const struct {
        const char *name;
        uint16_t alg;
    } names[] = { { "sha-256", CCT_ALG_SHA256 },
                  { "sha-384", CCT_ALG_SHA384 },
                  { "sha-512", CCT_ALG_SHA512 } };
    for (size_t i = 0; s != NULL && i < sizeof(names) / sizeof(names[0]); i++) {
        if (n == strlen(names[i].name) && memcmp(s, names[i].name, n) == 0) {
            return names[i].alg;
        }
    }
    return CCT_ALG_ERROR;
}
