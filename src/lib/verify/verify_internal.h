/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CCT_VERIFY_INTERNAL_H
#define CCT_VERIFY_INTERNAL_H

#include <stdbool.h>

#include <openssl/x509.h>

#include <cctrusted/verify.h>

/*
 * Evaluate TDX collateral (TCB Info and QE Identity JSON, their signing
 * chain, CRLs) for quote q whose PCK leaf is pck; appends checks to res.
 */
void cct__tdx_collateral_check(const struct cct_tdx_quote *q, X509 *pck, STACK_OF(X509) *roots,
                               const struct cct_verify_options *o, struct cct_verify_result *res);

/* Simulation root (docs/SIM.md): a certificate whose subject or issuer names it. */
bool cct__cert_is_simulation(X509 *c);
bool cct__certs_have_simulation(STACK_OF(X509) *sk);
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
/* "report-data": rd starts with o->nonce; an empty nonce expects all zero. */
void cct__check_report_data(const uint8_t rd[64], const char *field, const struct cct_verify_options *o,
                            struct cct_verify_result *res);

#endif
