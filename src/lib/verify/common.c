/* SPDX-License-Identifier: Apache-2.0 */
#include "verify/common.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <cctrusted/algorithm.h>

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

#include "util/error.h"
#include "util/hex.h"

int vres_begin(struct cct_verify_result *res, enum cct_report_type type, struct cct_error *err)
{
    if (res == NULL) {
        return cct_err(err, CCT_EINVAL, -1, -1, "no result");
    }
    if (res->size < sizeof(*res)) {
        return cct_err(err, CCT_EINVAL, -1, -1,
                       "result not initialised (size %zu, need %zu): call cct_verify_result_init()",
                       res->size, sizeof(*res));
    }
    vres_init(res, type);
    return 0;
}

void vres_init(struct cct_verify_result *res, enum cct_report_type type)
{
    /* Only this version's part: a caller built against a later header may have more. */
    memset(res, 0, sizeof(*res));
    res->size = sizeof(*res);
    res->type = type;
    res->ok = 0;
}

static void vres_vadd(struct cct_verify_result *res, const char *name, enum cct_check_status st,
                      const char *fmt, va_list ap) __attribute__((format(printf, 4, 0)));

static void vres_vadd(struct cct_verify_result *res, const char *name, enum cct_check_status st,
                      const char *fmt, va_list ap)
{
    if (res->n_checks >= CCT_MAX_CHECKS) {
        res->dropped++;
        return;
    }
    struct cct_check *c = &res->checks[res->n_checks++];
    snprintf(c->name, sizeof(c->name), "%s", name);
    c->status = st;
    c->ok = st == CCT_CHECK_PASSED ? 1 : 0;
    vsnprintf(c->detail, sizeof(c->detail), fmt, ap);
}

bool vres_add(struct cct_verify_result *res, const char *name, bool ok, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vres_vadd(res, name, ok ? CCT_CHECK_PASSED : CCT_CHECK_FAILED, fmt, ap);
    va_end(ap);
    return ok;
}

void vres_skip(struct cct_verify_result *res, const char *name, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vres_vadd(res, name, CCT_CHECK_NOT_CHECKED, fmt, ap);
    va_end(ap);
}

int vres_finish(struct cct_verify_result *res, struct cct_error *err)
{
    size_t failed = 0, passed = 0;
    const char *first = NULL;
    res->n_unchecked = 0;
    for (size_t i = 0; i < res->n_checks; i++) {
        switch (res->checks[i].status) {
        case CCT_CHECK_PASSED: passed++; break;
        case CCT_CHECK_NOT_CHECKED: res->n_unchecked++; break;
        default:
            if (failed++ == 0) {
                first = res->checks[i].name;
            }
            break;
        }
    }
    res->ok = passed > 0 && failed == 0 && res->dropped == 0;
    if (res->ok) {
        return 0;
    }
    if (passed == 0 && failed == 0) {
        return cct_err(err, CCT_EVERIFY, -1, -1, "no check passed");
    }
    return cct_err(err, CCT_EVERIFY, -1, -1, "%zu check(s) failed, first: %s", failed,
                   first ? first : "(dropped)");
}

int vres_parse_failed(struct cct_verify_result *res, const struct cct_error *perr,
                      struct cct_error *err, int rc)
{
    vres_add(res, "parse", false, "%s", perr->message);
    (void)vres_finish(res, NULL);
    if (err != NULL) {
        *err = *perr;
    }
    return rc;
}

/* Text of the most recent OpenSSL error (or "unknown"), consuming the error queue. */
static void ossl_errstr(char *buf, size_t n)
{
    unsigned long e = ERR_get_error();
    unsigned long last = e;
    while (e != 0) {
        last = e;
        e = ERR_get_error();
    }
    if (last == 0) {
        snprintf(buf, n, "unknown OpenSSL error");
        return;
    }
    ERR_error_string_n(last, buf, n);
}

EVP_PKEY *ec_key_from_xy(const char *curve, const uint8_t *x, const uint8_t *y, size_t n)
{
    uint8_t pt[1 + 2 * 66];
    EVP_PKEY *pkey = NULL;
    if (n > 66) {
        return NULL;
    }
    pt[0] = 0x04; /* uncompressed point (SEC 1, 2.3.3) */
    memcpy(pt + 1, x, n);
    memcpy(pt + 1 + n, y, n);
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    OSSL_PARAM *params = NULL;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    if (bld == NULL || ctx == NULL ||
        !OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, curve, 0) ||
        !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pt, 1 + 2 * n) ||
        (params = OSSL_PARAM_BLD_to_param(bld)) == NULL || EVP_PKEY_fromdata_init(ctx) <= 0 ||
        EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) <= 0) {
        pkey = NULL;
    }
    /* fromdata does not check the point is on the curve: do it here */
    if (pkey != NULL) {
        EVP_PKEY_CTX *c2 = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);
        if (c2 == NULL || EVP_PKEY_public_check(c2) != 1) {
            EVP_PKEY_free(pkey);
            pkey = NULL;
        }
        EVP_PKEY_CTX_free(c2);
    }
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    EVP_PKEY_CTX_free(ctx);
    return pkey;
}

EVP_PKEY *rsa_key_from_n_e(const uint8_t *n, size_t nlen, uint32_t e)
{
    EVP_PKEY *pkey = NULL;
    BIGNUM *bn = BN_bin2bn(n, (int)nlen, NULL);
    BIGNUM *be = BN_new();
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    OSSL_PARAM *params = NULL;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
    if (bn == NULL || be == NULL || bld == NULL || ctx == NULL || !BN_set_word(be, e) ||
        !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn) ||
        !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, be) ||
        (params = OSSL_PARAM_BLD_to_param(bld)) == NULL || EVP_PKEY_fromdata_init(ctx) <= 0 ||
        EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) <= 0) {
        pkey = NULL;
    }
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    EVP_PKEY_CTX_free(ctx);
    BN_free(bn);
    BN_free(be);
    return pkey;
}

EVP_PKEY *pkey_from_pem_or_der(const uint8_t *p, size_t len)
{
    EVP_PKEY *k = NULL;
    if (len > INT32_MAX) {
        return NULL;
    }
    BIO *b = BIO_new_mem_buf(p, (int)len);
    if (b == NULL) {
        return NULL;
    }
    k = PEM_read_bio_PUBKEY(b, NULL, NULL, NULL);
    if (k == NULL) {
        (void)BIO_reset(b);
        X509 *c = PEM_read_bio_X509(b, NULL, NULL, NULL);
        if (c != NULL) {
            k = X509_get_pubkey(c);
            X509_free(c);
        }
    }
    if (k == NULL) {
        const unsigned char *q = p;
        k = d2i_PUBKEY(NULL, &q, (long)len);
    }
    if (k == NULL) {
        const unsigned char *q = p;
        X509 *c = d2i_X509(NULL, &q, (long)len);
        if (c != NULL) {
            k = X509_get_pubkey(c);
            X509_free(c);
        }
    }
    BIO_free(b);
    ERR_clear_error();
    return k;
}

int sig_verify(EVP_PKEY *key, const EVP_MD *md, bool pss, const uint8_t *data, size_t len,
               const uint8_t *sig, size_t siglen, char *detail, size_t dn)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = NULL;
    int rc = -1;
    if (ctx == NULL || EVP_DigestVerifyInit(ctx, &pctx, md, NULL, key) != 1) {
        ossl_errstr(detail, dn);
        goto out;
    }
    if (pss && (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
                EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_AUTO) != 1)) {
        ossl_errstr(detail, dn);
        goto out;
    }
    rc = EVP_DigestVerify(ctx, sig, siglen, data, len) == 1 ? 1 : 0;
    if (rc == 0) {
        snprintf(detail, dn, "signature does not verify");
    }
    ERR_clear_error();
out:
    EVP_MD_CTX_free(ctx);
    return rc;
}

int ecdsa_verify_rs(EVP_PKEY *key, const EVP_MD *md, const uint8_t *data, size_t len,
                    const uint8_t *r, size_t rlen, const uint8_t *s, size_t slen, char *detail,
                    size_t dn)
{
    ECDSA_SIG *es = ECDSA_SIG_new();
    BIGNUM *br = BN_bin2bn(r, (int)rlen, NULL);
    BIGNUM *bs = BN_bin2bn(s, (int)slen, NULL);
    unsigned char *der = NULL;
    int derlen, rc = -1;
    if (es == NULL || br == NULL || bs == NULL || ECDSA_SIG_set0(es, br, bs) != 1) {
        BN_free(br);
        BN_free(bs);
        snprintf(detail, dn, "cannot build the ECDSA signature");
        goto out;
    }
    derlen = i2d_ECDSA_SIG(es, &der);
    if (derlen <= 0) {
        snprintf(detail, dn, "cannot encode the ECDSA signature");
        goto out;
    }
    rc = sig_verify(key, md, false, data, len, der, (size_t)derlen, detail, dn);
out:
    OPENSSL_free(der);
    ECDSA_SIG_free(es);
    return rc;
}

STACK_OF(X509) * certs_load(const uint8_t *p, size_t len)
{
    STACK_OF(X509) *sk = sk_X509_new_null();
    if (sk == NULL || len > INT32_MAX) {
        sk_X509_free(sk);
        return NULL;
    }
    BIO *b = BIO_new_mem_buf(p, (int)len);
    X509 *c;
    while (b != NULL && (c = PEM_read_bio_X509(b, NULL, NULL, NULL)) != NULL) {
        if (!sk_X509_push(sk, c)) {
            X509_free(c);
            break;
        }
    }
    BIO_free(b);
    ERR_clear_error();
    if (sk_X509_num(sk) == 0) {
        const unsigned char *q = p;
        c = d2i_X509(NULL, &q, (long)len);
        if (c != NULL && !sk_X509_push(sk, c)) {
            X509_free(c);
        }
        ERR_clear_error();
    }
    if (sk_X509_num(sk) == 0) {
        sk_X509_free(sk);
        return NULL;
    }
    return sk;
}

int chain_verify(X509 *leaf, STACK_OF(X509) * untrusted, STACK_OF(X509) * roots, int have_at,
                 int64_t at, char *detail, size_t dn)
{
    X509_STORE *store = X509_STORE_new();
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    int rc = 0;
    if (store == NULL || ctx == NULL) {
        snprintf(detail, dn, "out of memory");
        goto out;
    }
    for (int i = 0; i < sk_X509_num(roots); i++) {
        if (X509_STORE_add_cert(store, sk_X509_value(roots, i)) != 1) {
            ERR_clear_error(); /* duplicates are harmless */
        }
    }
    if (X509_STORE_CTX_init(ctx, store, leaf, untrusted) != 1) {
        ossl_errstr(detail, dn);
        goto out;
    }
    if (have_at) {
        X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx), (time_t)at);
    }
    if (X509_verify_cert(ctx) == 1) {
        STACK_OF(X509) *chain = X509_STORE_CTX_get0_chain(ctx);
        snprintf(detail, dn, "%d certificates up to a trusted root", sk_X509_num(chain));
        rc = 1;
    } else {
        int e = X509_STORE_CTX_get_error(ctx);
        char subj[96];
        X509 *bad = X509_STORE_CTX_get_current_cert(ctx);
        cert_subject(bad != NULL ? bad : leaf, subj, sizeof(subj));
        if (e == X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN && bad != NULL) {
            char fp[65];
            cert_fingerprint(bad, fp);
            snprintf(detail, dn, "chain ends in a root that is not trusted (%s, SHA-256 %.16s...)",
                     subj, fp);
        } else {
            snprintf(detail, dn, "%s (certificate %s, depth %d)", X509_verify_cert_error_string(e),
                     subj, X509_STORE_CTX_get_error_depth(ctx));
        }
    }
    ERR_clear_error();
out:
    X509_STORE_CTX_free(ctx);
    X509_STORE_free(store);
    return rc;
}

void cert_subject(X509 *c, char *buf, size_t n)
{
    if (n == 0) {
        return;
    }
    buf[0] = '\0';
    if (c == NULL) {
        return;
    }
    X509_NAME *nm = X509_get_subject_name(c);
    int i = X509_NAME_get_index_by_NID(nm, NID_commonName, -1);
    if (i >= 0) {
        ASN1_STRING *s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(nm, i));
        unsigned char *u = NULL;
        int l = ASN1_STRING_to_UTF8(&u, s);
        if (l >= 0) {
            snprintf(buf, n, "CN=%.*s", l, (const char *)u);
        }
        OPENSSL_free(u);
    } else {
        X509_NAME_oneline(nm, buf, (int)n);
    }
}

void cert_fingerprint(X509 *c, char out[65])
{
    unsigned char md[32];
    unsigned int l = 0;
    out[0] = '\0';
    if (X509_digest(c, EVP_sha256(), md, &l) == 1 && l == 32) {
        cct_hex_encode(md, sizeof(md), out);
    }
}

const EVP_MD *md_for_alg(uint16_t alg)
{
    switch (alg) {
    case CCT_ALG_SHA1: return EVP_sha1();
    case CCT_ALG_SHA256: return EVP_sha256();
    case CCT_ALG_SHA384: return EVP_sha384();
    case CCT_ALG_SHA512: return EVP_sha512();
    default: return NULL;
    }
}

int sha_2parts(const EVP_MD *md, const void *a, size_t alen, const void *b, size_t blen,
               uint8_t *out)
{
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    int ok =
        c != NULL && EVP_DigestInit_ex(c, md, NULL) == 1 && EVP_DigestUpdate(c, a, alen) == 1 &&
        (blen == 0 || EVP_DigestUpdate(c, b, blen) == 1) && EVP_DigestFinal_ex(c, out, NULL) == 1;
    EVP_MD_CTX_free(c);
    return ok ? 0 : -1;
}
