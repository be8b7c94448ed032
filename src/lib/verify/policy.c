/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Verification policy shared by the verifiers: which inputs apply to which
 * evidence type (an input that does not apply is refused, never ignored),
 * the options version, the simulation root, TDX TD attributes and SNP
 * guest policy / VMPL.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <openssl/x509.h>

#include "util/error.h"
#include "util/hex.h"
#include "verify/common.h"
#include "verify/verify_internal.h"

void cct_verify_result_init(struct cct_verify_result *res)
{
    if (res != NULL) {
        vres_init(res, CCT_REPORT_UNKNOWN);
    }
}

void cct_verify_options_init(struct cct_verify_options *o)
{
    static const struct cct_verify_options def = CCT_VERIFY_OPTIONS_INIT;
    if (o != NULL) {
        *o = def;
    }
}

const char *cct_check_status_name(enum cct_check_status s)
{
    switch (s) {
    case CCT_CHECK_PASSED: return "ok";
    case CCT_CHECK_NOT_CHECKED: return "not-checked";
    default: return "fail";
    }
}

/* Evidence kinds an input can apply to. */
enum {
    T_TDX = 1u << 0,
    T_SNP = 1u << 1,
    T_TPM = 1u << 2,
    T_CCA = 1u << 3,
};

static unsigned type_bit(enum cct_report_type t)
{
    switch (t) {
    case CCT_REPORT_TDX_QUOTE: return T_TDX;
    case CCT_REPORT_SNP:
    case CCT_REPORT_AZURE_HCL: return T_SNP;
    case CCT_REPORT_TPM_QUOTE: return T_TPM;
    case CCT_REPORT_CCA: return T_CCA;
    default: return 0;
    }
}

static const char *type_phrase(enum cct_report_type t)
{
    switch (t) {
    case CCT_REPORT_TDX_QUOTE: return "a TDX quote";
    case CCT_REPORT_SNP: return "an SEV-SNP report";
    case CCT_REPORT_AZURE_HCL: return "an HCL report";
    case CCT_REPORT_TPM_QUOTE: return "a TPM quote";
    case CCT_REPORT_CCA: return "a CCA token";
    default: return "this evidence";
    }
}

/*
 * The one table of inputs per evidence type. Event logs: TDX binds them to
 * RTMR0-3, a TPM quote to its PCR selection; SNP reports and CCA tokens
 * carry no register an event log extends (see verify/binding.c).
 */
static bool opt_given(const struct cct_verify_options *o, int i)
{
    switch (i) {
    case 0: return o->certs != NULL;
    case 1: return o->root != NULL;
    case 2: return o->have_at != 0;
    case 3: return o->nonce != NULL;
    case 4: return o->signature != NULL;
    case 5: return o->ak != NULL;
    case 6: return o->cpak != NULL;
    case 7: return o->collateral != NULL;
    case 8: return o->pcrs != NULL || o->n_pcrs > 0;
    case 9: return o->logs != NULL || o->n_logs > 0;
    case 10: return o->allow_simulation != 0;
    case 11: return o->allow_debug != 0;
    case 12: return o->allow_migration_agent != 0;
    case 13: return o->have_vmpl != 0;
    case 14: return o->mac_key != NULL;
    case 15: return o->require_collateral != 0;
    case 16: return o->accept_tcb_status != NULL && o->accept_tcb_status[0] != '\0';
    case 17: return o->request_nonce != NULL || o->request_user_data != NULL;
    case 18: return o->snp_min_tcb != NULL && o->snp_min_tcb[0] != '\0';
    default: return false;
    }
}

static const struct {
    const char *name;
    unsigned applies;
} opt_table[] = {
    { "certs", T_TDX | T_SNP },
    { "root", T_TDX | T_SNP },
    { "at", T_TDX | T_SNP },
    { "nonce", T_TDX | T_SNP | T_TPM | T_CCA },
    { "signature", T_TPM },
    { "ak", T_TPM },
    { "cpak", T_CCA },
    { "collateral", T_TDX },
    { "pcrs", T_TPM },
    { "eventlog", T_TDX | T_TPM },
    { "allow-sim", T_TDX },
    { "allow-debug", T_TDX | T_SNP },
    { "allow-migration-agent", T_SNP },
    { "vmpl", T_SNP },
    { "mac-key", T_CCA },
    { "require-collateral", T_TDX },
    { "accept-tcb-status", T_TDX },
    { "request nonce/user data", T_TDX | T_SNP | T_TPM | T_CCA },
    { "min-tcb", T_SNP },
};

/* Where each options version ends: a caller's older struct is never read past it. */
static size_t options_size(unsigned version)
{
    switch (version) {
    case 1: return offsetof(struct cct_verify_options, mac_key);
    case 2: return offsetof(struct cct_verify_options, require_collateral);
    case 3: return offsetof(struct cct_verify_options, request_nonce);
    case CCT_VERIFY_OPTIONS_VERSION: return sizeof(struct cct_verify_options);
    default: return 0;
    }
}

int vopts_begin(const struct cct_verify_options *in, enum cct_report_type t,
                struct cct_verify_options *o, struct cct_verify_result *res, struct cct_error *err)
{
    int rc = vres_begin(res, t, err);
    if (rc < 0) {
        return rc;
    }
    cct_verify_options_init(o);
    if (in != NULL) {
        size_t n = options_size(in->version);
        if (n > 0) {
            /* An older version's fields only; the later ones keep their defaults. */
            memcpy(o, in, n);
            o->version = CCT_VERIFY_OPTIONS_VERSION;
        } else {
            vres_add(res, "input", false, "options version %u is not supported (1..%u)",
                     in->version, CCT_VERIFY_OPTIONS_VERSION);
            (void)vres_finish(res, NULL);
            return cct_err(err, CCT_EINVAL, -1, -1, "options version %u is not supported (1..%u)",
                           in->version, CCT_VERIFY_OPTIONS_VERSION);
        }
    }
    /* Evidence that no verifier accepts (SGX, TDREPORT, unknown) fails on its own. */
    unsigned bit = type_bit(t);
    for (int i = 0; bit != 0 && i < (int)(sizeof(opt_table) / sizeof(opt_table[0])); i++) {
        if (opt_given(o, i) && !(opt_table[i].applies & bit)) {
            vres_add(res, "input", false, "%s does not apply to %s", opt_table[i].name,
                     type_phrase(t));
            (void)vres_finish(res, NULL);
            return cct_err(err, CCT_EINVAL, -1, -1, "%s does not apply to %s", opt_table[i].name,
                           type_phrase(t));
        }
    }
    const char *bad = NULL;
    if (opt_given(o, 8) && opt_given(o, 9)) {
        bad = "pcrs and eventlog are exclusive";
    } else if ((o->pcrs == NULL) != (o->n_pcrs == 0)) {
        bad = "pcrs and n_pcrs disagree";
    } else if ((o->logs == NULL) != (o->n_logs == 0)) {
        bad = "logs and n_logs disagree";
    } else if (o->nonce == NULL && o->nonce_len > 0) {
        bad = "nonce_len without nonce";
    } else if ((o->request_nonce == NULL && o->request_nonce_len > 0) ||
               (o->request_user_data == NULL && o->request_user_data_len > 0)) {
        bad = "request_nonce_len or request_user_data_len without its pointer";
    } else if (o->nonce != NULL && opt_given(o, 17)) {
        bad = "the raw report data (nonce; --report-data) and the report request's nonce and "
              "user data (request_nonce/request_user_data; --nonce/--data) are exclusive";
    }
    if (bad != NULL) {
        vres_add(res, "input", false, "%s", bad);
        (void)vres_finish(res, NULL);
        return cct_err(err, CCT_EINVAL, -1, -1, "%s", bad);
    }
    return 0;
}

/* ---- simulation root ---- */

static bool entry_is(const X509_NAME *n, int nid, const char *want, bool prefix)
{
    for (int i = X509_NAME_get_index_by_NID(n, nid, -1); i >= 0;
         i = X509_NAME_get_index_by_NID(n, nid, i)) {
        const ASN1_STRING *s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(n, i));
        size_t wl = strlen(want);
        int len = s != NULL ? ASN1_STRING_length(s) : 0;
        const unsigned char *d = s != NULL ? ASN1_STRING_get0_data(s) : NULL;
        if (d != NULL && len >= 0 && (prefix ? (size_t)len >= wl : (size_t)len == wl) &&
            memcmp(d, want, wl) == 0) {
            return true;
        }
    }
    return false;
}

static bool name_is_simulation(const X509_NAME *n)
{
    /* docs/SIM.md: O = cctrusted simulation, CN = cctrusted SIMULATION root/PCK - not trusted */
    return n != NULL && (entry_is(n, NID_organizationName, "cctrusted simulation", false) ||
                         entry_is(n, NID_commonName, "cctrusted SIMULATION", true));
}

bool cct__cert_is_simulation(X509 *c)
{
    return c != NULL && (name_is_simulation(X509_get_subject_name(c)) ||
                         name_is_simulation(X509_get_issuer_name(c)));
}

bool cct__certs_have_simulation(STACK_OF(X509) * sk)
{
    for (int i = 0; sk != NULL && i < sk_X509_num(sk); i++) {
        if (cct__cert_is_simulation(sk_X509_value(sk, i))) {
            return true;
        }
    }
    return false;
}

bool cct__blob_has_simulation(const uint8_t *p, size_t len)
{
    if (p == NULL || len == 0) {
        return false;
    }
    STACK_OF(X509) *sk = certs_load(p, len);
    bool sim = cct__certs_have_simulation(sk);
    sk_X509_pop_free(sk, X509_free);
    return sim;
}

void cct__check_simulation(bool sim, const char *where, const struct cct_verify_options *o,
                           struct cct_verify_result *res)
{
    if (!sim) {
        vres_add(res, "simulation", true,
                 "no certificate of the simulation root in the chain or the anchor");
    } else if (o->allow_simulation) {
        vres_add(res, "simulation", true, "%s the cctrusted simulation root; accepted (allow-sim)",
                 where);
    } else {
        vres_add(
            res, "simulation", false,
            "%s the cctrusted simulation root, which is never trusted unless allow-sim is given",
            where);
    }
}

/* ---- TDX TD attributes (TDX module ABI, TDREPORT TDINFO.ATTRIBUTES) ---- */

void cct__check_td_attributes(const struct cct_tdx_td_body *b, const struct cct_verify_options *o,
                              struct cct_verify_result *res)
{
    uint64_t a = 0;
    for (int i = 7; i >= 0; i--) {
        a = a << 8 | b->td_attributes[i];
    }
    /* bit 0 DEBUG: the host can read and write the TD's private memory and state */
    if (a & 1u) {
        if (o->allow_debug) {
            vres_add(res, "td-attributes", true,
                     "TDATTRIBUTES 0x%016llx: DEBUG set; accepted (allow-debug)",
                     (unsigned long long)a);
        } else {
            vres_add(res, "td-attributes", false,
                     "TDATTRIBUTES 0x%016llx: DEBUG set (the host can read the TD's memory); "
                     "refused unless "
                     "allow-debug is given",
                     (unsigned long long)a);
        }
    } else {
        vres_add(res, "td-attributes", true, "TDATTRIBUTES 0x%016llx: not a debug TD",
                 (unsigned long long)a);
    }
}

/* ---- SEV-SNP guest policy and VMPL (SEV-SNP ABI, GUEST_POLICY) ---- */

#define SNP_POLICY_MIGRATE_MA (1ull << 18)
#define SNP_POLICY_DEBUG (1ull << 19)

void cct__check_snp_policy(uint64_t policy, uint32_t vmpl, const struct cct_verify_options *o,
                           struct cct_verify_result *res)
{
    bool debug = (policy & SNP_POLICY_DEBUG) != 0, ma = (policy & SNP_POLICY_MIGRATE_MA) != 0;
    bool ok = (!debug || o->allow_debug) && (!ma || o->allow_migration_agent);
    vres_add(res, "guest-policy", ok, "POLICY 0x%016llx: debug %s%s, migration agent %s%s",
             (unsigned long long)policy, debug ? "allowed" : "disallowed",
             debug ? (o->allow_debug ? " (accepted: allow-debug)" : " (refused)") : "",
             ma ? "allowed" : "disallowed",
             ma ? (o->allow_migration_agent ? " (accepted: allow-migration-agent)" : " (refused)")
                : "");
    if (o->have_vmpl) {
        vres_add(res, "vmpl", vmpl == o->vmpl, "report VMPL %u, expected %u", vmpl, o->vmpl);
    } else {
        vres_skip(res, "vmpl", "report VMPL %u; no expected VMPL given", vmpl);
    }
}
