/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Verification of quotes and reports against keys and vendor roots.
 *
 * Every verifier fails closed: it returns 0 only when every check it ran
 * passed and at least one check ran; CCT_EVERIFY when a check failed; any
 * other negative code when the evidence could not be parsed or the inputs
 * were unusable (then the result holds a failed "parse"/"input" check). The
 * result lists each named check with its outcome and a short detail.
 */
#ifndef CCTRUSTED_VERIFY_H
#define CCTRUSTED_VERIFY_H

#include <stddef.h>
#include <stdint.h>

#include <cctrusted/error.h>
#include <cctrusted/report.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CCT_CHECK_NAME_MAX 48
#define CCT_CHECK_DETAIL_MAX 240
#define CCT_MAX_CHECKS 40

/** One named check. */
struct cct_check {
    char name[CCT_CHECK_NAME_MAX];
    int ok; /* 1 passed, 0 failed */
    char detail[CCT_CHECK_DETAIL_MAX];
};

/** Outcome of a verification. ok is 1 only if every check passed. */
struct cct_verify_result {
    enum cct_report_type type;
    int ok;
    size_t n_checks;
    size_t dropped; /* checks that did not fit (counted as failures) */
    struct cct_check checks[CCT_MAX_CHECKS];
};

/** A PCR value supplied by the caller (TPM quote verification). */
struct cct_pcr_value {
    uint16_t alg;
    uint32_t index;
    uint8_t digest[64];
};
#define CCT_MAX_PCR_VALUES 128

/**
 * Inputs of a verification. Initialise with CCT_VERIFY_OPTIONS_INIT. All
 * buffers are borrowed for the duration of the call.
 */
struct cct_verify_options {
    unsigned version;               /* CCT_VERIFY_OPTIONS_VERSION */
    const uint8_t *certs;           /* PEM bundle or DER: PCK chain / VCEK[, ASK, ARK] overriding the embedded ones */
    size_t certs_len;
    const uint8_t *root;            /* PEM or DER trust anchor replacing the built-in vendor root */
    size_t root_len;
    int have_at;                    /* 1: check validity at `at` instead of now */
    int64_t at;                     /* seconds since the epoch (UTC) */
    const uint8_t *nonce;           /* TPM qualifying data / CCA challenge / report data prefix */
    size_t nonce_len;
    const uint8_t *signature;       /* TPM: TPMT_SIGNATURE, or raw RSA PKCS#1 v1.5 SHA-256 signature */
    size_t signature_len;
    const uint8_t *ak;              /* TPM: TPMT_PUBLIC or PEM public key */
    size_t ak_len;
    const uint8_t *cpak;            /* CCA: platform key (PEM) */
    size_t cpak_len;
    const uint8_t *collateral;      /* TDX: collateral JSON */
    size_t collateral_len;
    const struct cct_pcr_value *pcrs; /* TPM: PCR values to check the quote's PCR digest against */
    size_t n_pcrs;
    const uint8_t *mac_key;         /* PSA COSE_Mac0: the HMAC key (secret; the caller wipes it) */
    size_t mac_key_len;
};
#define CCT_VERIFY_OPTIONS_VERSION 1
#define CCT_VERIFY_OPTIONS_INIT                                                                \
    { CCT_VERIFY_OPTIONS_VERSION, NULL, 0, NULL, 0, 0, 0, NULL, 0, NULL, 0, NULL, 0, NULL, 0, \
      NULL, 0, NULL, 0, NULL, 0 }

#ifndef CCT_WUR
#define CCT_WUR __attribute__((warn_unused_result))
#endif

/**
 * Verify a TDX quote: quote signature by the attestation key, QE report
 * signature by the PCK leaf, QE report data binding of the attestation key,
 * and the PCK chain up to the Intel SGX Root CA (built in, or opts->root),
 * at opts->at or now. opts->certs replaces the chain embedded in the quote.
 */
CCT_WUR int cct_verify_tdx_quote(const uint8_t *p, size_t len, const struct cct_verify_options *opts,
                                 struct cct_verify_result *res, struct cct_error *err);

/**
 * Verify an SEV-SNP report: signature by the VCEK/VLEK from opts->certs,
 * the chain VCEK -> ASK -> ARK (opts->certs or the built-in Milan/Genoa
 * roots; opts->root replaces the ARK) or VLEK -> ASVK -> ARK (ASVK from
 * opts->certs), the certificate's SPLs against REPORTED_TCB in the product's
 * TCB_VERSION layout (Milan/Genoa/Turin), and REPORT_DATA prefix == opts->nonce
 * when given.
 */
CCT_WUR int cct_verify_snp_report(const uint8_t *p, size_t len, const struct cct_verify_options *opts,
                                  struct cct_verify_result *res, struct cct_error *err);

/**
 * Verify a TPM quote (TPMS_ATTEST in p): magic, type, signature by opts->ak
 * (opts->signature: TPMT_SIGNATURE or raw RSASSA-SHA256), extraData ==
 * opts->nonce, and the PCR digest against opts->pcrs when given.
 */
CCT_WUR int cct_verify_tpm_quote(const uint8_t *p, size_t len, const struct cct_verify_options *opts,
                                 struct cct_verify_result *res, struct cct_error *err);

/**
 * Verify a CCA token: realm token signed by the RAK in its claims, platform
 * token signed by opts->cpak, and the platform challenge binding the RAK.
 * A bare PSA token is verified with opts->cpak as the attestation key.
 */
CCT_WUR int cct_verify_cca_token(const uint8_t *p, size_t len, const struct cct_verify_options *opts,
                                 struct cct_verify_result *res, struct cct_error *err);

/** Detect the type and run the matching verifier. */
CCT_WUR int cct_verify_report(const uint8_t *p, size_t len, const struct cct_verify_options *opts,
                              struct cct_verify_result *res, struct cct_error *err);

/**
 * Parse a time "YYYY-MM-DD[THH:MM:SS[Z]]" or "@SECONDS" into seconds since
 * the epoch (UTC). 0 or CCT_EINVAL.
 */
int cct_parse_time(const char *s, int64_t *out);

#ifdef __cplusplus
}
#endif
#endif
