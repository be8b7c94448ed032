/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CCT_VERIFY_INTERNAL_H
#define CCT_VERIFY_INTERNAL_H

#include <stdbool.h>

#include <openssl/x509.h>

#include <cctrusted/replay.h>
#include <cctrusted/verify.h>

/*
 * Evaluate TDX collateral (TCB Info and QE Identity JSON, their signing
 * chain, CRLs) for quote q whose PCK leaf is pck; appends checks to res.
 */
void cct__tdx_collateral_check(const struct cct_tdx_quote *q, X509 *pck, STACK_OF(X509) * roots,
                               const struct cct_verify_options *o, struct cct_verify_result *res);

/* Simulation root (docs/SIM.md): a certificate whose subject or issuer names it. */
bool cct__cert_is_simulation(X509 *c);
bool cct__certs_have_simulation(STACK_OF(X509) * sk);
/* Any certificate in a PEM bundle or DER blob of the simulation root. */
bool cct__blob_has_simulation(const uint8_t *p, size_t len);
/* The named check "simulation": refused unless o->allow_simulation. where: "the chain ends in". */
void cct__check_simulation(bool sim, const char *where, const struct cct_verify_options *o,
                           struct cct_verify_result *res);
/* "td-attributes": DEBUG fails unless o->allow_debug. */
void cct__check_td_attributes(const struct cct_tdx_td_body *b, const struct cct_verify_options *o,
                              struct cct_verify_result *res);
/* "guest-policy" (DEBUG, MIGRATE_MA) and "vmpl" (o->vmpl, or not checked). */
void cct__check_snp_policy(uint64_t policy, uint32_t vmpl, const struct cct_verify_options *o,
                           struct cct_verify_result *res);
/* ---- event-log binding (verify/binding.c) ---- */

#define CCT__MAX_COVERED 256

/** One register and bank that a piece of evidence vouches for. */
struct cct__cov_reg {
    enum cct_reg_kind kind;
    uint32_t index;
    uint16_t alg;
};

/** What an evidence covers, and the register file its kernel extends IMA into. */
struct cct__coverage {
    size_t n;
    enum cct_ima_register ima_kind;
    struct cct__cov_reg regs[CCT__MAX_COVERED];
};

/* TDX quote: RTMR0-3 SHA-384. */
void cct__coverage_tdx(struct cct__coverage *cov);
/* TPM quote: exactly the selection. CCT_ELIMIT past CCT__MAX_COVERED. */
int cct__coverage_tpm(const struct cct_tpm_attest *a, struct cct__coverage *cov);
/*
 * Replay o->logs and add the checks "eventlog-binding", "eventlog-data" and
 * (when some data is not checkable) the unchecked "eventlog-unverified";
 * covers names the covered set in details. On success *out is the replay
 * for the caller to compare the covered registers (NULL when the logs could
 * not be read: a failed "eventlog" check says why). Returns 0, or a negative
 * code for an environment failure (file missing, permission, memory).
 */
int cct__bind_logs(const struct cct_verify_options *o, const struct cct__coverage *cov,
                   const char *covers, cct_replay **out, struct cct_verify_result *res,
                   struct cct_error *err);

/* ---- expected report data (verify/reportdata.c) ---- */

/* Whether the caller gave an expected value: raw (nonce) or the request's nonce/user data. */
bool cct__expect_given(const struct cct_verify_options *o);
/*
 * "report-data" (TDX/SNP, 64 bytes): equal to SHA-512(request nonce || user data), or starting
 * with the raw o->nonce (an empty one expects all zero). Call only when cct__expect_given().
 */
void cct__check_report_data(const uint8_t rd[64], const char *field,
                            const struct cct_verify_options *o, struct cct_verify_result *res);
/* "nonce" (TPM extraData): the raw value exactly, or the derived 64 bytes or their first 32. */
void cct__check_extra_data(const uint8_t *extra, size_t len, const struct cct_verify_options *o,
                           struct cct_verify_result *res);
/* A CCA challenge check named name: the raw value exactly, or the derived 64 bytes. */
void cct__check_challenge(const char *name, const uint8_t *ch, size_t len,
                          const struct cct_verify_options *o, struct cct_verify_result *res);

/* ---- single fetched documents (fetch/fetch.c) ---- */

/* FMSPC from a PCK certificate's SGX extension. false when absent. */
bool cct__pck_fmspc(X509 *pck, uint8_t out[6]);
/*
 * A PCS response body holding member ("tcbInfo" or "enclaveIdentity") and its
 * signature, with its issuer chain (PEM): 1 when signed by the chain's leaf and
 * the chain ends in roots (at `at` when have_at), *fresh_until = nextUpdate;
 * 0 with msg saying why.
 */
int cct__pcs_json_verify(const uint8_t *body, size_t n, const uint8_t *chain, size_t cn,
                         const char *member, STACK_OF(X509) * roots, int have_at, int64_t at,
                         int64_t *fresh_until, char *msg, size_t mn);
/*
 * A CRL (DER, PEM or hex) signed by a certificate of chain (PEM, may be empty)
 * or of roots, that issuer chaining to roots: 1 with the DER in *der (malloc'ed)
 * and *fresh_until = nextUpdate (0 when none); 0 with msg saying why.
 */
int cct__crl_verify(const uint8_t *p, size_t n, const uint8_t *chain, size_t cn,
                    STACK_OF(X509) * roots, int have_at, int64_t at, int64_t *fresh_until,
                    uint8_t **der, size_t *der_len, char *msg, size_t mn);

#endif
