/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SEV-SNP report verification: ECDSA P-384/SHA-384 signature over the first
 * 0x2A0 bytes by the VCEK (or VLEK), and the chain VCEK -> ASK -> ARK (or
 * VLEK -> ASVK -> ARK, with the ASVK given in --certs); reported TCB against
 * the certificate's SPL extensions in the product's TCB_VERSION layout. The
 * ARK is a trust anchor: the built-in ARK-Milan, or the caller's --root. An
 * ARK inside --certs is only used as an intermediate, never trusted.
 * Azure "HCLA" reports are unwrapped and their runtime data binding checked.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
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

/* Little-endian, zero-extended 72-byte integer -> big-endian 48 bytes (P-384). */
static bool le72_to_be48(const uint8_t in[72], uint8_t out[48])
{
    for (int i = 48; i < 72; i++) {
        if (in[i] != 0) {
            return false;
        }
    }
    for (int i = 0; i < 48; i++) {
        out[i] = in[47 - i];
    }
    return true;
}

/* --certs: PEM bundle, DER certificate, or an extended-report certificate table (auxblob). */
static STACK_OF(X509) * load_snp_certs(const uint8_t *p, size_t len)
{
    struct cct_snp_cert_table t;
    if (cct_snp_cert_table_parse(p, len, &t, NULL) == 0 && t.n > 0) {
        STACK_OF(X509) *sk = sk_X509_new_null();
        /* endorsement key first, then ASK and ARK */
        static const enum cct_snp_cert_kind order[] = { CCT_SNP_CERT_VCEK, CCT_SNP_CERT_VLEK,
                                                        CCT_SNP_CERT_ASK, CCT_SNP_CERT_ARK };
        for (size_t k = 0; sk != NULL && k < sizeof(order) / sizeof(order[0]); k++) {
            for (size_t i = 0; i < t.n; i++) {
                if (t.entries[i].kind != order[k]) {
                    continue;
                }
                const unsigned char *q = t.entries[i].data;
                X509 *c = d2i_X509(NULL, &q, (long)t.entries[i].len);
                if (c != NULL && !sk_X509_push(sk, c)) {
                    X509_free(c);
                }
            }
        }
        if (sk != NULL && sk_X509_num(sk) > 0) {
            return sk;
        }
        sk_X509_free(sk);
    }
    return certs_load(p, len);
}

/* Raw value of an extension given by dotted OID, or NULL. */
static const ASN1_OCTET_STRING *ext_value(X509 *c, const char *oid_txt)
{
    ASN1_OBJECT *oid = OBJ_txt2obj(oid_txt, 1);
    int idx = oid != NULL ? X509_get_ext_by_OBJ(c, oid, -1) : -1;
    ASN1_OBJECT_free(oid);
    return idx < 0 ? NULL : X509_EXTENSION_get_data(X509_get_ext(c, idx));
}

/* VCEK SPL extension (AMD VCEK spec, 1.3.6.1.4.1.3704.1.3.N): a DER INTEGER. -1 when absent. */
static long vcek_spl(X509 *c, int n)
{
    char oid[40];
    snprintf(oid, sizeof(oid), "1.3.6.1.4.1.3704.1.3.%d", n);
    const ASN1_OCTET_STRING *v = ext_value(c, oid);
    if (v == NULL) {
        return -1;
    }
    const unsigned char *q = v->data;
    ASN1_INTEGER *i = d2i_ASN1_INTEGER(NULL, &q, v->length);
    long r = i != NULL ? ASN1_INTEGER_get(i) : -1;
    ASN1_INTEGER_free(i);
    ERR_clear_error();
    return r;
}

/* hwID (1.3.6.1.4.1.3704.1.4): 64 raw bytes, or (newer KDS) a DER OCTET STRING of 64 bytes. */
static bool vcek_hwid(X509 *c, uint8_t out[64])
{
    const ASN1_OCTET_STRING *v = ext_value(c, "1.3.6.1.4.1.3704.1.4");
    if (v == NULL) {
        return false;
    }
    if (v->length == 64) {
        memcpy(out, v->data, 64);
        return true;
    }
    const unsigned char *q = v->data;
    ASN1_OCTET_STRING *o = d2i_ASN1_OCTET_STRING(NULL, &q, v->length);
    bool ok = o != NULL && o->length == 64 && q == v->data + v->length;
    if (ok) {
        memcpy(out, o->data, 64);
    }
    ASN1_OCTET_STRING_free(o);
    ERR_clear_error();
    return ok;
}

/* productName (1.3.6.1.4.1.3704.1.2): a DER IA5String such as "Milan-B0", or raw text. */
static enum cct_snp_product cert_product(X509 *c)
{
    const ASN1_OCTET_STRING *v = ext_value(c, "1.3.6.1.4.1.3704.1.2");
    enum cct_snp_product p = CCT_SNP_PRODUCT_UNKNOWN;
    if (v == NULL) {
        return p;
    }
    const unsigned char *q = v->data;
    ASN1_IA5STRING *s = d2i_ASN1_IA5STRING(NULL, &q, v->length);
    if (s != NULL && q == v->data + v->length) {
        p = cct_snp_product_from_name((const char *)s->data, (size_t)s->length);
    } else {
        p = cct_snp_product_from_name((const char *)v->data, (size_t)v->length);
    }
    ASN1_IA5STRING_free(s);
    ERR_clear_error();
    return p;
}

/*
 * The endorsement certificate carries the TCB it was issued for as SPL extensions
 * (AMD "VCEK Certificate and KDS Interface Specification", 1.3.6.1.4.1.3704.1.3.N):
 * 1 boot loader, 2 TEE, 3 SNP, 8 microcode, 9 FMC (Turin). The TCB_VERSION layout of
 * REPORTED_TCB depends on the product: CPUID fields of a v3+ report, else the
 * certificate's productName, else Milan (Milan and Genoa share a layout).
 */
static enum cct_snp_product snp_layout(const struct cct_snp_report *s, X509 *cert,
                                       const char **from)
{
    enum cct_snp_product p = s->product;
    *from = "report CPUID";
    if (p == CCT_SNP_PRODUCT_UNKNOWN && cert != NULL) {
        p = cert_product(cert);
        *from = "certificate productName";
    }
    if (p == CCT_SNP_PRODUCT_UNKNOWN && s->version < 3) {
        p = CCT_SNP_PRODUCT_MILAN;
        *from = "default for a v2 report";
    }
    return p;
}

static void check_tcb(X509 *cert, const struct cct_snp_report *s, const char *name,
                      struct cct_verify_result *res)
{
    const char *from;
    enum cct_snp_product p = snp_layout(s, cert, &from);
    if (p == CCT_SNP_PRODUCT_UNKNOWN) {
        vres_add(res, name, false, "TCB layout of CPU family 0x%02x model 0x%02x is not known",
                 s->cpuid_fam_id, s->cpuid_mod_id);
        return;
    }
    struct cct_snp_tcb t;
    cct_snp_tcb_decode(s->reported_tcb, p, &t);
    long want[5] = { t.boot_loader, t.tee, t.snp, t.microcode, t.has_fmc ? (long)t.fmc : -1 };
    long have[5] = { vcek_spl(cert, 1), vcek_spl(cert, 2), vcek_spl(cert, 3), vcek_spl(cert, 8),
                     t.has_fmc ? vcek_spl(cert, 9) : -1 };
    bool ok = true;
    for (int i = 0; i < 5; i++) {
        ok = ok && want[i] == have[i];
    }
    char fmc_have[24] = "", fmc_want[24] = "";
    if (t.has_fmc) {
        snprintf(fmc_have, sizeof(fmc_have), " fmc=%ld", have[4]);
        snprintf(fmc_want, sizeof(fmc_want), " fmc=%ld", want[4]);
    }
    vres_add(res, name, ok,
             "%s layout (%s): certificate SPLs%s bl=%ld tee=%ld snp=%ld ucode=%ld, REPORTED_TCB%s "
             "bl=%ld tee=%ld snp=%ld ucode=%ld",
             cct_snp_product_name(p), from, fmc_have, have[0], have[1], have[2], have[3], fmc_want,
             want[0], want[1], want[2], want[3]);
}

/* ---- minimum TCB (opts->snp_min_tcb) ---- */

enum { TCB_BL, TCB_TEE, TCB_SNP, TCB_UCODE, TCB_FMC, TCB_N };

static const char *const tcb_comp[TCB_N] = { "bootloader", "tee", "snp", "microcode", "fmc" };

/* Accepted names: report show's JSON says boot_loader, the vcek-tcb detail bl and ucode. */
static int tcb_comp_of(const char *name, size_t n)
{
    static const struct {
        const char *name;
        int comp;
    } names[] = { { "bootloader", TCB_BL }, { "boot_loader", TCB_BL }, { "bl", TCB_BL },
                  { "tee", TCB_TEE },       { "snp", TCB_SNP },        { "microcode", TCB_UCODE },
                  { "ucode", TCB_UCODE },   { "fmc", TCB_FMC } };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strlen(names[i].name) == n && strncasecmp(names[i].name, name, n) == 0) {
            return names[i].comp;
        }
    }
    return -1;
}

/*
 * "NAME=N[,NAME=N]..." (blanks around the separators tolerated) into want[] (-1: no minimum).
 * 0, or -1 with msg naming the problem and its byte offset.
 */
static int parse_min_tcb(const char *spec, int want[TCB_N], char *msg, size_t mn)
{
    const char *p = spec;
    for (int i = 0; i < TCB_N; i++) {
        want[i] = -1;
    }
    for (;;) {
        while (*p == ' ' || *p == '\t') {
            p++;
        }
        const char *name = p;
        size_t n = strcspn(p, "=, \t");
        int comp = tcb_comp_of(name, n);
        if (comp < 0) {
            snprintf(msg, mn,
                     "min-tcb: unknown component '%.*s' at offset %zu (bootloader, tee, snp, "
                     "microcode, fmc)",
                     (int)(n > 32 ? 32 : n), name, (size_t)(name - spec));
            return -1;
        }
        p += n;
        while (*p == ' ' || *p == '\t') {
            p++;
        }
        if (*p++ != '=') {
            snprintf(msg, mn, "min-tcb: '%s' needs =N at offset %zu", tcb_comp[comp],
                     (size_t)(p - 1 - spec));
            return -1;
        }
        while (*p == ' ' || *p == '\t') {
            p++;
        }
        const char *num = p;
        long v = 0;
        while (*p >= '0' && *p <= '9' && v <= 255) {
            v = v * 10 + (*p++ - '0');
        }
        if (p == num || v > 255 || (*p >= '0' && *p <= '9')) {
            snprintf(msg, mn, "min-tcb: %s needs a number 0-255 at offset %zu", tcb_comp[comp],
                     (size_t)(num - spec));
            return -1;
        }
        if (want[comp] >= 0) {
            snprintf(msg, mn, "min-tcb: %s given twice (offset %zu)", tcb_comp[comp],
                     (size_t)(name - spec));
            return -1;
        }
        want[comp] = (int)v;
        while (*p == ' ' || *p == '\t') {
            p++;
        }
        if (*p == '\0') {
            return 0;
        }
        if (*p++ != ',') {
            snprintf(msg, mn, "min-tcb: expected ',' after %s=%ld at offset %zu", tcb_comp[comp], v,
                     (size_t)(p - 1 - spec));
            return -1;
        }
    }
}

/*
 * "min-tcb": REPORTED_TCB, decoded in the report's layout (snp_layout(), cert: the endorsement
 * certificate or NULL), at or above every given minimum. CCT_EINVAL (msg says why) when the
 * minimum names a component the layout lacks (FMC before Turin); 0 otherwise.
 */
static int check_min_tcb(const struct cct_snp_report *s, X509 *cert, const int want[TCB_N],
                         struct cct_verify_result *res, char *msg, size_t mn)
{
    const char *from;
    enum cct_snp_product p = snp_layout(s, cert, &from);
    if (p == CCT_SNP_PRODUCT_UNKNOWN) {
        vres_add(res, "min-tcb", false,
                 "TCB layout of CPU family 0x%02x model 0x%02x is not known: REPORTED_TCB not "
                 "compared with the minimum",
                 s->cpuid_fam_id, s->cpuid_mod_id);
        return 0;
    }
    struct cct_snp_tcb t;
    cct_snp_tcb_decode(s->reported_tcb, p, &t);
    if (want[TCB_FMC] >= 0 && !t.has_fmc) {
        snprintf(msg, mn, "min-tcb: fmc is not a component of the %s TCB_VERSION layout (%s)",
                 cct_snp_product_name(p), from);
        return CCT_EINVAL;
    }
    int have[TCB_N] = { t.boot_loader, t.tee, t.snp, t.microcode, t.has_fmc ? t.fmc : -1 };
    char below[CCT_CHECK_DETAIL_MAX] = "", layout[64];
    size_t used = 0;
    snprintf(layout, sizeof(layout), "%s layout, %s", cct_snp_product_name(p), from);
    for (int i = 0; i < TCB_N; i++) {
        if (want[i] >= 0 && have[i] < want[i] && used < sizeof(below)) {
            int w = snprintf(below + used, sizeof(below) - used, "%s%s has %d, requires %d",
                             used ? "; " : "", tcb_comp[i], have[i], want[i]);
            used += w > 0 ? (size_t)w : 0;
        }
    }
    if (used > 0) {
        vres_add(res, "min-tcb", false, "REPORTED_TCB below the minimum: %s (%s)", below, layout);
        return 0;
    }
    char met[96] = "";
    used = 0;
    for (int i = 0; i < TCB_N; i++) {
        if (want[i] >= 0 && used < sizeof(met)) {
            int w = snprintf(met + used, sizeof(met) - used, "%s%s=%d>=%d", used ? " " : "",
                             tcb_comp[i], have[i], want[i]);
            used += w > 0 ? (size_t)w : 0;
        }
    }
    vres_add(res, "min-tcb", true, "REPORTED_TCB meets the minimum: %s (%s)", met, layout);
    return 0;
}

/* The VCEK is issued for one chip and one TCB: both must match the report. */
static void check_vcek_binding(X509 *vcek, const struct cct_snp_report *s,
                               struct cct_verify_result *res)
{
    uint8_t hw[64];
    static const uint8_t zero[64];
    if (vcek_hwid(vcek, hw)) {
        if (memcmp(s->chip_id, zero, 64) == 0) {
            vres_skip(res, "chip-id",
                      "CHIP_ID masked in the report (MASK_CHIP_ID): the VCEK's chip is not "
                      "compared");
        } else {
            bool ok = cct_memeq_ct(hw, s->chip_id, 64) == 1;
            vres_add(res, "chip-id", ok, "%s",
                     ok ? "VCEK hwID equals the report's CHIP_ID"
                        : "VCEK hwID differs from the report's CHIP_ID");
        }
    } else {
        vres_add(res, "chip-id", false, "endorsement certificate has no usable hwID extension");
    }
    check_tcb(vcek, s, "vcek-tcb", res);
}

/* A VLEK certificate: carries the CSP ID extension (1.3.6.1.4.1.3704.1.5) or "VLEK" in its common
 * name. */
static bool cert_is_vlek(X509 *c)
{
    char cn[128];
    if (ext_value(c, "1.3.6.1.4.1.3704.1.5") != NULL) {
        return true;
    }
    int n = X509_NAME_get_text_by_NID(X509_get_subject_name(c), NID_commonName, cn, sizeof(cn));
    return n > 0 && strstr(cn, "VLEK") != NULL;
}

static bool cert_is_self_signed(X509 *c)
{
    return X509_check_issued(c, c) == X509_V_OK;
}

/* Checks on an HCL wrapper: returns the inner hardware report via *hw. */
static void hcl_binding(const struct cct_hcl_report *h, const uint8_t *report_data,
                        struct cct_verify_result *res)
{
    const EVP_MD *md = h->hash_type == 1   ? EVP_sha256()
                       : h->hash_type == 2 ? EVP_sha384()
                       : h->hash_type == 3 ? EVP_sha512()
                                           : NULL;
    uint8_t d[64];
    if (md == NULL) {
        vres_add(res, "hcl-report-data", false, "unknown runtime data hash type %u", h->hash_type);
        return;
    }
    size_t n = (size_t)EVP_MD_get_size(md);
    bool ok = sha_2parts(md, h->runtime_data, h->runtime_len, NULL, 0, d) == 0 &&
              cct_memeq_ct(d, report_data, n) == 1;
    vres_add(res, "hcl-report-data", ok, "%s",
             ok ? "REPORT_DATA starts with the hash of the HCL runtime data"
                : "REPORT_DATA does not match the hash of the HCL runtime data");
}

int cct__verify_hcl_tdx(const struct cct_hcl_report *h, struct cct_verify_result *res);
int cct__verify_hcl_tdx(const struct cct_hcl_report *h, struct cct_verify_result *res)
{
    struct cct_tdreport tr;
    struct cct_error e;
    cct_error_clear(&e);
    int rc = cct_tdreport_parse(h->hw_report, CCT_TDREPORT_SIZE, &tr, &e);
    vres_add(res, "parse", rc == 0, "%s",
             rc == 0 ? "HCL report with a TDREPORT_STRUCT" : e.message);
    if (rc == 0) {
        hcl_binding(h, tr.report_data, res);
    }
    vres_add(res, "mac", false,
             "a TDREPORT is MAC'ed with a platform key; verify the companion TD quote instead");
    return rc;
}

int cct_verify_snp_report(const uint8_t *p, size_t len, const struct cct_verify_options *opts,
                          struct cct_verify_result *res, struct cct_error *err)
{
    struct cct_verify_options ob;
    const struct cct_verify_options *o = &ob;
    struct cct_snp_report s;
    struct cct_hcl_report h;
    struct cct_error perr;
    char detail[CCT_CHECK_DETAIL_MAX];
    STACK_OF(X509) *given = NULL, *roots = NULL, *untrusted = NULL;
    X509 *vcek = NULL;
    int rc, min_tcb[TCB_N];
    bool is_hcl = p != NULL && len >= 4 && memcmp(p, "HCLA", 4) == 0;

    if (p == NULL) {
        return cct_err(err, CCT_EINVAL, -1, -1, "no input");
    }
    rc = vopts_begin(opts, is_hcl ? CCT_REPORT_AZURE_HCL : CCT_REPORT_SNP, &ob, res, err);
    if (rc < 0) {
        return rc;
    }
    bool have_min = o->snp_min_tcb != NULL && o->snp_min_tcb[0] != '\0';
    if (have_min && parse_min_tcb(o->snp_min_tcb, min_tcb, detail, sizeof(detail)) < 0) {
        vres_add(res, "input", false, "%s", detail);
        (void)vres_finish(res, NULL);
        return cct_err(err, CCT_EINVAL, -1, -1, "%s", detail);
    }
    cct_error_clear(&perr);
    if (is_hcl) {
        rc = cct_hcl_report_parse(p, len, &h, &perr);
        if (rc == 0 && h.hw_report[0] == 0x81) {
            rc = cct__verify_hcl_tdx(&h, res);
            (void)vres_finish(res, err);
            return rc < 0 ? rc
                          : cct_err(err, CCT_EUNSUPPORTED, -1, -1,
                                    "a TDREPORT cannot be verified off-platform");
        }
        if (rc == 0) {
            rc = cct_snp_report_parse(h.hw_report, h.hw_report_len, &s, &perr);
        }
    } else {
        rc = cct_snp_report_parse(p, len, &s, &perr);
    }
    if (rc < 0) {
        return vres_parse_failed(res, &perr, err, rc);
    }
    vres_add(res, "parse", true, "%sSNP report version %u, VMPL %u",
             is_hcl ? "HCL report with an " : "", s.version, s.vmpl);
    if (!is_hcl && s.trailing > 0) {
        /* Only the report is signed: say that the rest was neither used nor checked. */
        vres_add(res, "trailing-bytes", true,
                 "%zu bytes after the %u-byte report: not covered by its signature, not checked",
                 s.trailing, CCT_SNP_REPORT_SIZE);
    }
    if (is_hcl) {
        hcl_binding(&h, s.report_data, res);
    }
    cct__check_snp_policy(s.policy, s.vmpl, o, res);
    if (s.signature_algo != 1) {
        vres_add(res, "signature-algorithm", false, "signature algorithm %u is not ECDSA P-384 (1)",
                 s.signature_algo);
        goto done;
    }
    unsigned signing_key = (s.flags >> 2) & 7u;
    if (signing_key != CCT_SNP_SIGNING_KEY_VCEK && signing_key != CCT_SNP_SIGNING_KEY_VLEK) {
        vres_add(res, "signing-key", false, "report declares signing key %u (not VCEK 0 or VLEK 1)",
                 signing_key);
        goto done;
    }
    if (o == NULL || o->certs == NULL || (given = load_snp_certs(o->certs, o->certs_len)) == NULL) {
        vres_add(res, "report-signature", false, "no %s certificate given (--certs)",
                 signing_key == CCT_SNP_SIGNING_KEY_VLEK ? "VLEK" : "VCEK");
        goto done;
    }
    /* The endorsement key is the first non-CA certificate with an EC key of the kind the report
     * names (VLEK: the chain is VLEK -> ASVK -> ARK, the ASVK coming with --certs). */
    bool want_vlek = signing_key == CCT_SNP_SIGNING_KEY_VLEK;
    const char *kname = want_vlek ? "VLEK" : "VCEK";
    int other_kind = 0;
    untrusted = sk_X509_new_null();
    for (int i = 0; i < sk_X509_num(given); i++) {
        X509 *c = sk_X509_value(given, i);
        EVP_PKEY *k = X509_get0_pubkey(c);
        bool leaf = k != NULL && EVP_PKEY_get_base_id(k) == EVP_PKEY_EC &&
                    !cert_is_self_signed(c) && X509_check_ca(c) == 0;
        if (leaf && cert_is_vlek(c) != want_vlek) {
            other_kind++;
            leaf = false;
        }
        if (vcek == NULL && leaf) {
            vcek = c;
        } else if (untrusted != NULL) {
            sk_X509_push(untrusted, c);
        }
    }
    if (vcek == NULL) {
        const char *why = "no EC endorsement certificate was given";
        if (other_kind > 0) {
            why = want_vlek ? "only a VCEK certificate was given"
                            : "only a VLEK certificate was given";
        }
        vres_add(res, "report-signature", false, "the report is signed with a %s, but %s", kname,
                 why);
        goto done;
    }
    {
        uint8_t r[48], sg[48];
        if (!le72_to_be48(s.sig_r, r) || !le72_to_be48(s.sig_s, sg)) {
            vres_add(res, "report-signature", false, "signature component wider than P-384");
        } else {
            rc = ecdsa_verify_rs(X509_get0_pubkey(vcek), EVP_sha384(), s.signed_data,
                                 CCT_SNP_SIGNED_SIZE, r, 48, sg, 48, detail, sizeof(detail));
            char subj[64];
            cert_subject(vcek, subj, sizeof(subj));
            vres_add(res, "report-signature", rc == 1, "%s%s",
                     rc == 1 ? "ECDSA P-384 signature verifies with " : detail,
                     rc == 1 ? subj : "");
        }
    }
    if (want_vlek) {
        vres_skip(res, "chip-id",
                  "a VLEK is not bound to a chip: CHIP_ID not compared, CSP ID not judged");
        check_tcb(vcek, &s, "vlek-tcb", res);
    } else {
        check_vcek_binding(vcek, &s, res);
    }
    /* Chain: intermediates from --certs plus the built-in ASK; anchor --root or the built-in ARK.
     */
    STACK_OF(X509) *builtin =
        certs_load((const uint8_t *)cct_root_amd_milan_pem, strlen(cct_root_amd_milan_pem));
    if (o->root != NULL) {
        roots = certs_load(o->root, o->root_len);
    } else {
        roots = sk_X509_new_null();
        for (int i = 0; builtin != NULL && roots != NULL && i < sk_X509_num(builtin); i++) {
            X509 *c = sk_X509_value(builtin, i);
            if (cert_is_self_signed(c) && X509_up_ref(c) == 1) {
                sk_X509_push(roots, c);
            }
        }
    }
    for (int i = 0; builtin != NULL && untrusted != NULL && i < sk_X509_num(builtin); i++) {
        X509 *c = sk_X509_value(builtin, i);
        if (!cert_is_self_signed(c)) {
            sk_X509_push(untrusted, c);
        }
    }
    if (roots == NULL || sk_X509_num(roots) == 0) {
        vres_add(res, want_vlek ? "vlek-chain" : "vcek-chain", false, "no usable ARK root");
    } else {
        rc = chain_verify(vcek, untrusted, roots, o->have_at, o->at, detail, sizeof(detail));
        vres_add(res, want_vlek ? "vlek-chain" : "vcek-chain", rc == 1, "%s%s%s", detail,
                 want_vlek ? " (VLEK -> ASVK -> ARK)" : "",
                 o->root != NULL ? " (given root)" : " (built-in ARK-Milan)");
    }
    sk_X509_free(untrusted); /* borrowed entries */
    untrusted = NULL;
    free_certs(builtin);
    /* Optional expected REPORT_DATA: derived from the request, or a raw prefix (empty: zero) */
    if (cct__expect_given(o)) {
        cct__check_report_data(s.report_data, "REPORT_DATA", o, res);
    } else {
        vres_skip(res, "report-data",
                  "no nonce or report data given: REPORT_DATA (freshness) not compared");
    }
    vres_skip(res, "measurements",
              "MEASUREMENT, HOST_DATA, ID/author key digests and FAMILY/IMAGE_ID are shown, "
              "not compared with reference values");
done:
    rc = have_min ? check_min_tcb(&s, vcek, min_tcb, res, detail, sizeof(detail)) : 0;
    sk_X509_free(untrusted);
    free_certs(given);
    free_certs(roots);
    if (rc < 0) {
        vres_add(res, "input", false, "%s", detail);
        (void)vres_finish(res, NULL);
        return cct_err(err, rc, -1, -1, "%s", detail);
    }
    return vres_finish(res, err);
}
