/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Arm CCA token verification (RMM 1.0, "Attestation token"; COSE, RFC 9052):
 *   realm token  COSE_Sign1 signed by the RAK carried in its own claims (44237);
 *   platform token COSE_Sign1 signed by the CPAK given by the caller;
 *   binding: platform challenge == hash(RAK) with the realm's public-key hash algorithm;
 *   optional: realm challenge == the caller's nonce.
 * A bare PSA token is one COSE_Sign1 verified with the caller's key (the IAK), or a
 * COSE_Mac0 verified with the caller's MAC key (HMAC, RFC 9053, 3.1).
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "formats/cca/cca.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/hex.h"
#include "verify/common.h"
#include "verify/verify_internal.h"

/* CBOR head for a byte/text string of n bytes (RFC 8949, 3.1). */
static int put_head(struct cct_buf *b, uint8_t major, size_t n)
{
    uint8_t h[9];
    size_t l;
    if (n < 24) {
        h[0] = (uint8_t)(major << 5 | n);
        l = 1;
    } else if (n <= 0xff) {
        h[0] = (uint8_t)(major << 5 | 24);
        h[1] = (uint8_t)n;
        l = 2;
    } else if (n <= 0xffff) {
        h[0] = (uint8_t)(major << 5 | 25);
        h[1] = (uint8_t)(n >> 8);
        h[2] = (uint8_t)n;
        l = 3;
    } else {
        h[0] = (uint8_t)(major << 5 | 26);
        h[1] = (uint8_t)(n >> 24);
        h[2] = (uint8_t)(n >> 16);
        h[3] = (uint8_t)(n >> 8);
        h[4] = (uint8_t)n;
        l = 5;
    }
    return cct_buf_append(b, h, l);
}

/*
 * The to-be-signed / to-be-MACed structure: [context, body_protected, external_aad = h'',
 * payload], with context "Signature1" for COSE_Sign1 (RFC 9052, 4.4) and "MAC0" for COSE_Mac0
 * (RFC 9052, 6.3).
 */
static int tbs_structure(const struct cct_cose_sign1 *s, const char *ctx, struct cct_buf *b)
{
    size_t ctx_len = strlen(ctx);
    int rc = cct_buf_putc(b, (char)0x84);
    rc = rc < 0 ? rc : put_head(b, 3, ctx_len);
    rc = rc < 0 ? rc : cct_buf_append(b, ctx, ctx_len);
    rc = rc < 0 ? rc : put_head(b, 2, s->protected_len);
    rc = rc < 0 ? rc : cct_buf_append(b, s->protected_hdr, s->protected_len);
    rc = rc < 0 ? rc : put_head(b, 2, 0);
    rc = rc < 0 ? rc : put_head(b, 2, s->payload_len);
    rc = rc < 0 ? rc : cct_buf_append(b, s->payload, s->payload_len);
    return rc;
}

/* COSE MAC algorithms with a full-length tag (RFC 9053, 3.1): HMAC 256/256, 384/384, 512/512. */
static const EVP_MD *cose_hmac_md(int alg, size_t *n)
{
    switch (alg) {
    case 5: *n = 32; return EVP_sha256();
    case 6: *n = 48; return EVP_sha384();
    case 7: *n = 64; return EVP_sha512();
    default: return NULL;
    }
}

/* A COSE_Mac0 PSA token: HMAC over the MAC_structure with the caller's key, compared in constant
 * time. */
static void verify_mac0(const struct cct_cose_sign1 *s, const struct cct_verify_options *o,
                        struct cct_verify_result *res)
{
    size_t n = 0;
    const EVP_MD *md = cose_hmac_md(s->alg, &n);
    uint8_t tag[EVP_MAX_MD_SIZE];
    unsigned tag_len = 0;
    struct cct_buf b;
    if (md == NULL) {
        vres_add(res, "token-mac", false,
                 "COSE MAC algorithm %d is not supported (5, 6, 7: HMAC-SHA-256/384/512)", s->alg);
        return;
    }
    if (o == NULL || o->mac_key == NULL || o->mac_key_len == 0) {
        vres_add(res, "token-mac", false,
                 "the token is a COSE_Mac0: it can only be verified with its MAC key (--mac-key), "
                 "none given");
        return;
    }
    if (s->signature_len != n) {
        vres_add(res, "token-mac", false, "MAC tag is %zu bytes, COSE alg %d needs %zu",
                 s->signature_len, s->alg, n);
        return;
    }
    if (o->mac_key_len > INT_MAX) {
        vres_add(res, "token-mac", false, "MAC key too long");
        return;
    }
    cct_buf_init(&b, 2 * CCT_CCA_MAX_TOKEN);
    if (tbs_structure(s, "MAC0", &b) < 0 ||
        HMAC(md, o->mac_key, (int)o->mac_key_len, b.data, b.len, tag, &tag_len) == NULL ||
        tag_len != n) {
        vres_add(res, "token-mac", false, "cannot compute the HMAC");
        cct_buf_free(&b);
        return;
    }
    cct_buf_free(&b);
    bool ok = cct_memeq_ct(tag, s->signature, n) == 1;
    OPENSSL_cleanse(tag, sizeof(tag));
    vres_add(res, "token-mac", ok, "%s with the given key",
             ok ? "COSE_Mac0 HMAC verifies" : "COSE_Mac0 HMAC differs");
}

static const EVP_MD *cose_md(int alg, size_t *n)
{
    switch (alg) {
    case -7: *n = 32; return EVP_sha256();
    case -35: *n = 48; return EVP_sha384();
    case -36: *n = 66; return EVP_sha512();
    default: return NULL;
    }
}

static void verify_sign1(const struct cct_cose_sign1 *s, EVP_PKEY *key, const char *name,
                         struct cct_verify_result *res)
{
    size_t n = 0;
    char detail[CCT_CHECK_DETAIL_MAX];
    const EVP_MD *md = cose_md(s->alg, &n);
    struct cct_buf b;
    if (md == NULL) {
        vres_add(res, name, false, "COSE algorithm %d is not supported (ES256, ES384, ES512)",
                 s->alg);
        return;
    }
    if (s->signature_len != 2 * n) {
        vres_add(res, name, false, "signature is %zu bytes, COSE alg %d needs %zu",
                 s->signature_len, s->alg, 2 * n);
        return;
    }
    cct_buf_init(&b, 2 * CCT_CCA_MAX_TOKEN);
    if (tbs_structure(s, "Signature1", &b) < 0) {
        vres_add(res, name, false, "cannot build the Sig_structure");
        cct_buf_free(&b);
        return;
    }
    int rc = ecdsa_verify_rs(key, md, b.data, b.len, s->signature, n, s->signature + n, n, detail,
                             sizeof(detail));
    cct_buf_free(&b);
    vres_add(res, name, rc == 1, "%s", rc == 1 ? "COSE_Sign1 signature verifies" : detail);
}

/* RAK from the coordinates the parser extracted (raw point or COSE_Key). */
static EVP_PKEY *rak_key(const struct cct_cca_token *t)
{
    const char *curve = t->rak_crv == 1   ? "P-256"
                        : t->rak_crv == 2 ? "P-384"
                        : t->rak_crv == 3 ? "P-521"
                                          : NULL;
    if (curve == NULL || t->rak_x == NULL || t->rak_y == NULL) {
        return NULL;
    }
    return ec_key_from_xy(curve, t->rak_x, t->rak_y, t->rak_xy_len);
}

int cct_verify_cca_token(const uint8_t *p, size_t len, const struct cct_verify_options *opts,
                         struct cct_verify_result *res, struct cct_error *err)
{
    struct cct_verify_options ob;
    const struct cct_verify_options *o = &ob;
    struct cct_cca_token t;
    struct cct_error perr;
    EVP_PKEY *cpak = NULL, *rak = NULL;
    int rc;
    rc = vopts_begin(opts, CCT_REPORT_CCA, &ob, res, err);
    if (rc < 0) {
        return rc;
    }
    cct_error_clear(&perr);
    rc = cct_cca_token_parse(p, len, &t, &perr);
    if (rc < 0) {
        return vres_parse_failed(res, &perr, err, rc);
    }
    bool mac0 = t.collection_tag == 0 && t.platform.cose_tag == 17;
    vres_add(res, "parse", true, "%s",
             mac0                      ? "PSA token (COSE_Mac0)"
             : t.collection_tag == 0   ? "PSA token (COSE_Sign1)"
             : t.collection_tag == 399 ? "CCA token collection (tag 399)"
                                       : "CCA token collection (legacy tag 907)");
    if (o != NULL && o->cpak != NULL) {
        cpak = pkey_from_pem_or_der(o->cpak, o->cpak_len);
    }
    if (t.has_realm) {
        rak = rak_key(&t);
        if (rak == NULL) {
            vres_add(res, "realm-signature", false,
                     "realm public key claim is not a supported EC point or COSE_Key");
        } else {
            verify_sign1(&t.realm, rak, "realm-signature", res);
        }
        const EVP_MD *md = md_for_alg(cct__cca_hash_alg(t.rak_hash_algo, t.rak_hash_algo_len));
        uint8_t h[64];
        if (md == NULL || t.rak == NULL) {
            vres_add(res, "platform-challenge", false, "unknown realm public key hash algorithm");
        } else {
            size_t hn = (size_t)EVP_MD_get_size(md);
            bool ok = sha_2parts(md, t.rak, t.rak_len, NULL, 0, h) == 0 &&
                      t.platform_challenge_len == hn &&
                      cct_memeq_ct(h, t.platform_challenge, hn) == 1;
            vres_add(res, "platform-challenge", ok, "%s",
                     ok ? "platform challenge = hash of the realm attestation key"
                        : "platform challenge does not bind the realm attestation key");
        }
        if (o != NULL && cct__expect_given(o)) {
            cct__check_challenge("realm-challenge", t.realm_challenge, t.realm_challenge_len, o,
                                 res);
        } else {
            vres_skip(res, "realm-challenge",
                      "no nonce or challenge given: the realm challenge (freshness) is not "
                      "compared");
        }
    } else if (o != NULL && cct__expect_given(o)) {
        cct__check_challenge("challenge", t.platform_challenge, t.platform_challenge_len, o, res);
    } else {
        vres_skip(res, "challenge",
                  "no nonce or challenge given: the challenge (freshness) is not compared");
    }
    if (mac0) {
        verify_mac0(&t.platform, o, res);
    } else if (cpak == NULL) {
        vres_add(res, "platform-signature", false, "%s",
                 o != NULL && o->cpak != NULL ? "--cpak is not a usable public key"
                                              : "no platform key given (--cpak)");
    } else {
        verify_sign1(&t.platform, cpak, "platform-signature", res);
    }
    vres_skip(res, "claims",
              "RIM/REM, software components and lifecycle are shown, not compared with reference "
              "values");
    EVP_PKEY_free(cpak);
    EVP_PKEY_free(rak);
    cct_cca_token_free(&t);
    return vres_finish(res, err);
}
