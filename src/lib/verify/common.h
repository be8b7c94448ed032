/* SPDX-License-Identifier: Apache-2.0 */
/* Helpers shared by the verifiers: check lists, keys, signatures, certificate chains. */
#ifndef CCT_VERIFY_COMMON_H
#define CCT_VERIFY_COMMON_H

#include <stdbool.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <cctrusted/verify.h>

/* Check that the caller initialised res (size), then vres_init. 0 or CCT_EINVAL. */
int vres_begin(struct cct_verify_result *res, enum cct_report_type type, struct cct_error *err);
/* Start a result: not ok, no checks. */
void vres_init(struct cct_verify_result *res, enum cct_report_type type);
/* Append a passed or failed check; returns ok so callers can chain. */
bool vres_add(struct cct_verify_result *res, const char *name, bool ok, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Append a "not checked" item: what the verdict does not cover. */
void vres_skip(struct cct_verify_result *res, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/*
 * Start a verification of evidence type t: vres_begin, then normalise the
 * caller's options into *o (NULL: defaults; version 1: the new fields take
 * their defaults; another version: CCT_EINVAL) and refuse any input that
 * does not apply to t (CCT_EINVAL naming it, with a failed "input" check).
 */
int vopts_begin(const struct cct_verify_options *in, enum cct_report_type t,
                struct cct_verify_options *o, struct cct_verify_result *res, struct cct_error *err);
/* Seal the verdict: ok only if no check failed and one passed. Returns 0 or CCT_EVERIFY. */
int vres_finish(struct cct_verify_result *res, struct cct_error *err);
/*
 * The evidence did not parse: record a failed "parse" check carrying perr's message, seal the
 * verdict, copy perr to err (when not NULL) and return rc, the parser's negative code.
 */
int vres_parse_failed(struct cct_verify_result *res, const struct cct_error *perr,
                      struct cct_error *err, int rc);

/* P-256/P-384 public key from raw x || y (n bytes each). NULL on failure. */
EVP_PKEY *ec_key_from_xy(const char *curve, const uint8_t *x, const uint8_t *y, size_t n);
/* RSA public key from a big-endian modulus and exponent. */
EVP_PKEY *rsa_key_from_n_e(const uint8_t *n, size_t nlen, uint32_t e);
/* Public key from PEM (SubjectPublicKeyInfo or certificate) or DER SPKI. */
EVP_PKEY *pkey_from_pem_or_der(const uint8_t *p, size_t len);

/*
 * Verify an ECDSA signature given as big-endian r and s (rlen/slen bytes)
 * over data hashed with md. 1 valid, 0 invalid, -1 error (detail filled).
 */
int ecdsa_verify_rs(EVP_PKEY *key, const EVP_MD *md, const uint8_t *data, size_t len,
                    const uint8_t *r, size_t rlen, const uint8_t *s, size_t slen, char *detail,
                    size_t dn);
/* Verify a signature in the key's native encoding (DER ECDSA, PKCS#1 v1.5 or PSS when pss). */
int sig_verify(EVP_PKEY *key, const EVP_MD *md, bool pss, const uint8_t *data, size_t len,
               const uint8_t *sig, size_t siglen, char *detail, size_t dn);

/* The OpenSSL digest of a TPM_ALG_ID (SHA-1, SHA-256/384/512), or NULL. */
const EVP_MD *md_for_alg(uint16_t alg);

/* out = md(a || b). 0 or -1. */
int sha_2parts(const EVP_MD *md, const void *a, size_t alen, const void *b, size_t blen,
               uint8_t *out);

/* Parse every certificate in a PEM bundle (trailing NULs tolerated) or one DER certificate. */
STACK_OF(X509) * certs_load(const uint8_t *p, size_t len);
/*
 * Verify leaf up to one of the trusted roots, with untrusted intermediates,
 * at time `at` when have_at. 1 ok, 0 failed (detail says why).
 */
int chain_verify(X509 *leaf, STACK_OF(X509) * untrusted, STACK_OF(X509) * roots, int have_at,
                 int64_t at, char *detail, size_t dn);
/* One-line subject of a certificate. */
void cert_subject(X509 *c, char *buf, size_t n);
/* SHA-256 fingerprint of a certificate, lowercase hex (65 bytes). */
void cert_fingerprint(X509 *c, char out[65]);

/* Built-in vendor roots (PEM text). */
extern const char cct_root_intel_sgx_pem[];
extern const char cct_root_amd_milan_pem[]; /* ASK + ARK for Milan */

#endif
