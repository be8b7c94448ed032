/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CCT_VERIFY_INTERNAL_H
#define CCT_VERIFY_INTERNAL_H

#include <openssl/x509.h>

#include <cctrusted/verify.h>

/*
 * Evaluate TDX collateral (TCB Info and QE Identity JSON, their signing
 * chain, CRLs) for quote q whose PCK leaf is pck; appends checks to res.
 */
void cct__tdx_collateral_check(const struct cct_tdx_quote *q, X509 *pck, STACK_OF(X509) *roots,
                               const struct cct_verify_options *o, struct cct_verify_result *res);

#endif
