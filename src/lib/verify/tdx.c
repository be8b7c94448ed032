/* SPDX-License-Identifier: Apache-2.0 */
/*
 * TDX quote verification (ECDSA quote format, attestation key type 2):
 *   1. quote signature: ECDSA P-256/SHA-256 by the attestation key over header + body;
 *   2. QE report data: SHA-256(attestation key || QE authentication data) || 32 zero bytes;
 *   3. QE report signature: ECDSA P-256/SHA-256 by the PCK leaf over the 384-byte QE report;
 *   4. PCK chain: leaf -> intermediate -> Intel SGX Root CA (built in, or the caller's root).
 * Collateral (TCB Info, QE Identity) is evaluated separately in verify/collateral.c.
 */
#include <string.h>

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "util/error.h"
#include "util/hex.h"
#include "verify/common.h"
#include "verify/verify_internal.h"

static void free_certs(STACK_OF(X509) * sk)
{
    sk_X509_pop_free(sk, X509_free);
}

/* Roots: opts->root when given, else the built-in Intel SGX Root CA. */
static STACK_OF(X509) * tdx_roots(const struct cct_verify_options *o)
{
    if (o != NULL && o->root != NULL) {
        return certs_load(o->root, o->root_len);
    }
    return certs_load((const uint8_t *)cct_root_intel_sgx_pem, strlen(cct_root_intel_sgx_pem));
}

/*
 * Is the quote from the simulated platform? Its header user data says so
 * (docs/SIM.md), and any certificate of its chain (the quote's own, the
 * caller's replacement) or the anchor naming the simulation root does, in
 * PEM or DER alike.
 */
static bool tdx_is_simulation(const struct cct_tdx_quote *q, STACK_OF(X509) * chain,
                              bool chain_is_quotes, STACK_OF(X509) * roots, const char **where)
{
    static const char tag[] = "cctrusted-sim";
    if (cct__certs_have_simulation(roots)) {
        *where = "the trust anchor is";
        return true;
    }
    /* The quote's own chain is parsed again only when the caller's replaced it. */
    if (cct__certs_have_simulation(chain) ||
        (!chain_is_quotes && q->pck_cert_type == CCT_TDX_CERT_PCK_CHAIN &&
         cct__blob_has_simulation(q->pck_chain, q->pck_chain_len))) {
        *where = "the PCK chain ends in";
        return true;
    }
    if (memcmp(q->user_data, tag, sizeof(tag) - 1) == 0) {
        *where = "the quote header (user data \"cctrusted-sim\") names";
        return true;
    }
    return false;
}

/*
 * Event logs: every event bound to RTMR0-3 (verify/binding.c), and each
 * replayed RTMR equal to the quote's. 0 or an environment error.
 */
static int tdx_bind_logs(const struct cct_tdx_quote *q, const struct cct_verify_options *o,
                         struct cct_verify_result *res, struct cct_error *err)
{
    struct cct__coverage cov;
    cct_replay *rp = NULL;
    cct__coverage_tdx(&cov);
    int rc = cct__bind_logs(o, &cov, "RTMR0-3 SHA-384", &rp, res, err);
    for (uint32_t i = 0; rp != NULL && i < 4; i++) {
        struct cct_register reg;
        char name[32];
        snprintf(name, sizeof(name), "rtmr%u-replay", i);
        if (cct_replay_lookup(rp, CCT_REG_RTMR, i, CCT_ALG_SHA384, &reg) < 0 || reg.size != 48) {
            vres_add(res, name, false, "cannot compute the replayed RTMR%u", i);
        } else if (cct_memeq_ct(reg.digest, q->body.rtmr[i], 48) == 1) {
            vres_add(res, name, true, "RTMR%u replayed from %llu events equals the quote", i,
                     (unsigned long long)reg.n_events);
        } else {
            char got[17], want[17];
            cct_hex_encode(reg.digest, 8, got);
            cct_hex_encode(q->body.rtmr[i], 8, want);
            vres_add(res, name, false,
                     "RTMR%u replayed from %llu events is %s..., the quote has %s...", i,
                     (unsigned long long)reg.n_events, got, want);
        }
    }
    cct_replay_free(rp);
    return rc;
}

/* What a quote verification does not judge: said, never reported as an ok check. */
static void tdx_unchecked(const struct cct_verify_options *o, struct cct_verify_result *res)
{
    if (o->collateral == NULL && o->require_collateral) {
        vres_add(res, "tcb-status", false,
                 "collateral required but not given: TCB level, TDX module and QE identity "
                 "not evaluated");
    } else if (o->collateral == NULL) {
        vres_skip(res, "tcb-status",
                  "no collateral given: TCB level, TDX module and QE identity not evaluated");
    }
    if (!cct__expect_given(o)) {
        vres_skip(res, "report-data",
                  "no nonce or report data given: REPORTDATA (freshness) not compared");
    }
    if (o->logs == NULL) {
        vres_skip(res, "rtmr", "no event log given: RTMR0-3 not bound to any measured event");
    }

    vres_skip(res, "measurements",
              "MRTD, MRCONFIGID, MROWNER, MROWNERCONFIG and XFAM are shown, not compared "
              "with reference values");
}

int cct_verify_tdx_quote(const uint8_t *p, size_t len, const struct cct_verify_options *opts,
                         struct cct_verify_result *res, struct cct_error *err)
{
    struct cct_verify_options ob;
    const struct cct_verify_options *o = &ob;
    struct cct_tdx_quote q;
    struct cct_error perr;
    char detail[CCT_CHECK_DETAIL_MAX];
    EVP_PKEY *ak = NULL;
    STACK_OF(X509) *chain = NULL, *roots = NULL;
    int rc;

    rc = vopts_begin(opts, CCT_REPORT_TDX_QUOTE, &ob, res, err);
    if (rc < 0) {
        return rc;
    }
    cct_error_clear(&perr);
    rc = cct_tdx_quote_parse(p, len, &q, &perr);
    if (rc < 0) {
        return vres_parse_failed(res, &perr, err, rc);
    }
    vres_add(res, "parse", true, "quote v%u, body type %u (%s), %zu bytes%s", q.version,
             q.body_type, q.body_type == CCT_TDX_BODY_TD15 ? "TDX 1.5" : "TDX 1.0", q.quote_len,
             q.trailing ? " + trailing padding" : "");
    cct__check_td_attributes(&q.body, o, res);

    /* 1. quote signature */
    ak = ec_key_from_xy("P-256", q.attest_key, q.attest_key + 32, 32);
    if (ak == NULL) {
        vres_add(res, "quote-signature", false, "attestation key is not a valid P-256 point");
    } else {
        rc = ecdsa_verify_rs(ak, EVP_sha256(), q.signed_data, q.signed_len, q.signature, 32,
                             q.signature + 32, 32, detail, sizeof(detail));
        vres_add(
            res, "quote-signature", rc == 1, "%s",
            rc == 1 ? "ECDSA P-256 signature over header and body verifies with the attestation key"
                    : detail);
    }

    if (!q.has_qe_report) {
        vres_add(res, "qe-report", false, "certification data type %u (%s): no QE report to verify",
                 q.cert_type, cct_tdx_cert_type_name(q.cert_type));
        goto done;
    }
    /* 2. QE report data binds the attestation key */
    {
        uint8_t want[64] = { 0 };
        bool ok =
            sha_2parts(EVP_sha256(), q.attest_key, 64, q.qe_auth_data, q.qe_auth_len, want) == 0 &&
            cct_memeq_ct(want, q.qe_report.report_data, 64) == 1;
        vres_add(res, "qe-report-data", ok, "%s",
                 ok ? "QE REPORTDATA = SHA-256(attestation key || QE auth data) || zeros"
                    : "QE REPORTDATA does not bind the attestation key");
    }
    /* 3. PCK chain: the quote's, or the caller's */
    if (o != NULL && o->certs != NULL) {
        chain = certs_load(o->certs, o->certs_len);
    } else if (q.pck_cert_type == CCT_TDX_CERT_PCK_CHAIN) {
        chain = certs_load(q.pck_chain, q.pck_chain_len);
    }
    if (chain == NULL) {
        vres_add(res, "pck-chain", false,
                 "no PCK certificate chain (nested certification data type %u)%s", q.pck_cert_type,
                 o != NULL && o->certs != NULL ? " and --certs holds no certificate" : "");
        goto done;
    }
    X509 *leaf = sk_X509_value(chain, 0);
    {
        EVP_PKEY *pck = X509_get0_pubkey(leaf);
        if (pck == NULL || EVP_PKEY_get_base_id(pck) != EVP_PKEY_EC) {
            vres_add(res, "qe-report-signature", false, "PCK leaf has no EC public key");
        } else {
            rc = ecdsa_verify_rs(pck, EVP_sha256(), q.qe_report_raw, 384, q.qe_report_sig, 32,
                                 q.qe_report_sig + 32, 32, detail, sizeof(detail));
            vres_add(res, "qe-report-signature", rc == 1, "%s",
                     rc == 1 ? "QE report signature verifies with the PCK leaf" : detail);
        }
    }
    /* 4. chain to the root */
    roots = tdx_roots(o);
    if (roots == NULL) {
        vres_add(res, "pck-chain", false, "no usable root certificate");
    } else {
        STACK_OF(X509) *untrusted = sk_X509_new_null();
        for (int i = 1; untrusted != NULL && i < sk_X509_num(chain); i++) {
            sk_X509_push(untrusted, sk_X509_value(chain, i));
        }
        rc = chain_verify(leaf, untrusted, roots, o != NULL && o->have_at, o != NULL ? o->at : 0,
                          detail, sizeof(detail));
        sk_X509_free(untrusted);
        /* A root carried in the quote must be the anchor itself, byte for byte: a modified copy
         * means the certification data was altered even if the anchor alone completes the chain. */
        for (int i = 1; rc == 1 && i < sk_X509_num(chain); i++) {
            X509 *c = sk_X509_value(chain, i);
            if (X509_check_issued(c, c) != X509_V_OK) {
                continue;
            }
            bool same = false;
            for (int j = 0; j < sk_X509_num(roots); j++) {
                same = same || X509_cmp(c, sk_X509_value(roots, j)) == 0;
            }
            if (!same) {
                rc = 0;
                snprintf(detail, sizeof(detail),
                         "the root certificate in the quote (position %d) differs from the "
                         "trusted root",
                         i);
            }
        }
        char subj[80];
        cert_subject(sk_X509_value(roots, 0), subj, sizeof(subj));
        vres_add(res, "pck-chain", rc == 1, "%s%s%s", detail,
                 o != NULL && o->root != NULL ? ", root " : "",
                 o != NULL && o->root != NULL ? subj : ", built-in Intel SGX Root CA");
    }
    {
        const char *where = "";
        bool sim = tdx_is_simulation(&q, chain, o->certs == NULL, roots, &where);
        cct__check_simulation(sim, where, o, res);
    }
    /* 5. collateral, when given */
    if (o != NULL && o->collateral != NULL) {
        cct__tdx_collateral_check(&q, leaf, roots, o, res);
    }
    /* 6. optional expected REPORTDATA: derived from the request's nonce and
     * user data as cct_get_report() does, or a raw prefix; an empty raw value
     * means "REPORTDATA is all zero", never "anything" */
    if (cct__expect_given(o)) {
        cct__check_report_data(q.body.report_data, "REPORTDATA", o, res);
    }
    if (o->logs != NULL && (rc = tdx_bind_logs(&q, o, res, err)) < 0) {
        goto out;
    }
    tdx_unchecked(o, res);
done:
    rc = vres_finish(res, err);
out:
    EVP_PKEY_free(ak);
    free_certs(chain);
    free_certs(roots);
    return rc;
}
