/* SPDX-License-Identifier: Apache-2.0 */
/*
 * TDX collateral evaluation (Intel PCS API v4 "TDX TCB Info" and "TD QE
 * Identity"; DCAP QuoteCollateralV3):
 *   - TCB Info and QE Identity are signed (ECDSA P-256, r || s hex) over the
 *     exact bytes of their "tcbInfo" / "enclaveIdentity" JSON value, by the
 *     TCB Signing certificate, which must chain to the trusted root;
 *   - both are valid from issueDate until nextUpdate;
 *   - TCB Info's FMSPC equals the PCK certificate's;
 *   - TCB status: see check_tcb_status (TCB levels against the PCK certificate's SGX TCB
 *     and the quote's TEE_TCB_SVN, TDX module identities); only UpToDate passes;
 *   - QE Identity: MRSIGNER, ISVPRODID, masked MISCSELECT/ATTRIBUTES equal, and
 *     the QE's ISVSVN selects an UpToDate level;
 *   - CRLs when present: signed by the issuer, current, and not listing the chain.
 * Accepted inputs: a QuoteCollateralV3 JSON object, or PCS response bodies
 * ({"tcbInfo":...,"signature":...}, {"enclaveIdentity":...,"signature":...})
 * concatenated with the PEM issuer chain.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>
#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "util/error.h"
#include "util/jsonspan.h"
#include "util/hex.h"
#include "verify/common.h"
#include "verify/verify_internal.h"

#define MAX_JSON_OBJECTS 8

struct signed_json {
    char *body; /* exact signed bytes, NUL-terminated copy */
    size_t body_len;
    uint8_t sig[64];
    int have_sig;
    json_object *obj; /* parsed body */
    STACK_OF(X509) * chain;
};

struct collateral {
    struct signed_json tcb, qe;
    X509_CRL *pck_crl, *root_crl;
    STACK_OF(X509) * pem;
};

struct pck_tcb {
    uint8_t fmspc[6];
    int have_fmspc;
    int comp[16];
    int pcesvn;
    int have_tcb;
};

static void sj_free(struct signed_json *j)
{
    free(j->body);
    json_object_put(j->obj);
    sk_X509_pop_free(j->chain, X509_free);
    memset(j, 0, sizeof(*j));
}

static bool set_body(struct signed_json *j, const char *p, size_t n)
{
    j->body = malloc(n + 1);
    if (j->body == NULL) {
        return false;
    }
    memcpy(j->body, p, n);
    j->body[n] = '\0';
    j->body_len = n;
    j->obj = json_tokener_parse(j->body);
    return j->obj != NULL && json_object_is_type(j->obj, json_type_object);
}

static bool set_sig(struct signed_json *j, const char *hex)
{
    if (hex == NULL || strlen(hex) != 128 || cct_hex_decode(hex, 128, j->sig, 64) < 0) {
        return false;
    }
    j->have_sig = 1;
    return true;
}

static const char *jstr(json_object *o, const char *key)
{
    json_object *v;
    if (o == NULL || !json_object_object_get_ex(o, key, &v) ||
        !json_object_is_type(v, json_type_string)) {
        return NULL;
    }
    return json_object_get_string(v);
}

static X509_CRL *crl_from_hex(const char *hex)
{
    uint8_t *der;
    size_t n = 0, len;
    if (hex == NULL || (len = strlen(hex)) == 0 || len > 4u * 1024u * 1024u) {
        return NULL;
    }
    der = malloc(len / 2 + 1);
    if (der == NULL || cct_hex_decode_var(hex, len, der, len / 2 + 1, &n) < 0) {
        free(der);
        return NULL;
    }
    const unsigned char *q = der;
    X509_CRL *crl = d2i_X509_CRL(NULL, &q, (long)n);
    free(der);
    return crl;
}

/* Load collateral from the caller's buffer. Returns false with a message. */
static bool coll_load(const uint8_t *p, size_t len, struct collateral *c, char *msg, size_t mn)
{
    const char *s = (const char *)p;
    size_t i = 0, objects = 0;
    memset(c, 0, sizeof(*c));
    c->pem = certs_load(p, len);
    while (i < len && objects < MAX_JSON_OBJECTS) {
        while (i < len && s[i] != '{') {
            if (i + 10 < len && memcmp(s + i, "-----BEGIN", 10) == 0) {
                const char *end = memmem(s + i, len - i, "-----END", 8);
                if (end == NULL) {
                    break;
                }
                i = (size_t)(end - s) + 8;
                while (i < len && s[i] != '\n') {
                    i++;
                }
                continue;
            }
            i++;
        }
        if (i >= len) {
            break;
        }
        size_t e = cct_json_value_end(s, i, len);
        if (e == 0) {
            snprintf(msg, mn, "unterminated JSON object at byte %zu", i);
            return false;
        }
        objects++;
        const char *o = s + i;
        size_t on = e - i, vs, ve;
        char *copy = malloc(on + 1);
        if (copy == NULL) {
            snprintf(msg, mn, "out of memory");
            return false;
        }
        memcpy(copy, o, on);
        copy[on] = '\0';
        json_object *top = json_tokener_parse(copy);
        free(copy);
        if (top == NULL) {
            snprintf(msg, mn, "invalid JSON at byte %zu", i);
            return false;
        }
        if (cct_json_member_span(o, on, "tcbInfo", &vs, &ve)) {
            sj_free(&c->tcb);
            if (!set_body(&c->tcb, o + vs, ve - vs) || !set_sig(&c->tcb, jstr(top, "signature"))) {
                snprintf(msg, mn, "tcbInfo response without a usable body or signature");
                json_object_put(top);
                return false;
            }
        } else if (cct_json_member_span(o, on, "enclaveIdentity", &vs, &ve)) {
            sj_free(&c->qe);
            if (!set_body(&c->qe, o + vs, ve - vs) || !set_sig(&c->qe, jstr(top, "signature"))) {
                snprintf(msg, mn, "enclaveIdentity response without a usable body or signature");
                json_object_put(top);
                return false;
            }
        } else if (jstr(top, "tcb_info") != NULL) {
            /* QuoteCollateralV3: the signed texts are the string values themselves */
            const char *ti = jstr(top, "tcb_info"), *qi = jstr(top, "qe_identity");
            const char *tc = jstr(top, "tcb_info_issuer_chain"),
                       *qc = jstr(top, "qe_identity_issuer_chain");
            sj_free(&c->tcb);
            sj_free(&c->qe);
            if (!set_body(&c->tcb, ti, strlen(ti)) ||
                !set_sig(&c->tcb, jstr(top, "tcb_info_signature")) || qi == NULL ||
                !set_body(&c->qe, qi, strlen(qi)) ||
                !set_sig(&c->qe, jstr(top, "qe_identity_signature"))) {
                snprintf(msg, mn,
                         "QuoteCollateralV3 lacks a usable tcb_info / qe_identity or signature");
                json_object_put(top);
                return false;
            }
            if (tc != NULL) {
                c->tcb.chain = certs_load((const uint8_t *)tc, strlen(tc));
            }
            if (qc != NULL) {
                c->qe.chain = certs_load((const uint8_t *)qc, strlen(qc));
            }
            c->pck_crl = crl_from_hex(jstr(top, "pck_crl"));
            c->root_crl = crl_from_hex(jstr(top, "root_ca_crl"));
        }
        json_object_put(top);
        i = e;
    }
    if (c->tcb.body == NULL && c->qe.body == NULL) {
        snprintf(msg, mn, "no tcbInfo or enclaveIdentity found");
        return false;
    }
    return true;
}

static void coll_free(struct collateral *c)
{
    sj_free(&c->tcb);
    sj_free(&c->qe);
    X509_CRL_free(c->pck_crl);
    X509_CRL_free(c->root_crl);
    sk_X509_pop_free(c->pem, X509_free);
}

/* ---- PCK certificate SGX extensions (OID 1.2.840.113741.1.13.1) ---- */
static STACK_OF(ASN1_TYPE) * seq_of(const ASN1_TYPE *t)
{
    if (t == NULL || t->type != V_ASN1_SEQUENCE) {
        return NULL;
    }
    const unsigned char *q = t->value.sequence->data;
    return d2i_ASN1_SEQUENCE_ANY(NULL, &q, t->value.sequence->length);
}

static bool oid_is(const ASN1_TYPE *t, const char *dotted)
{
    char buf[80];
    if (t == NULL || t->type != V_ASN1_OBJECT) {
        return false;
    }
    OBJ_obj2txt(buf, sizeof(buf), t->value.object, 1);
    return strcmp(buf, dotted) == 0;
}

static int asn1_int(const ASN1_TYPE *t)
{
    long v;
    if (t == NULL || (t->type != V_ASN1_INTEGER && t->type != V_ASN1_ENUMERATED)) {
        return -1;
    }
    v = ASN1_INTEGER_get(t->value.integer);
    return v < 0 || v > 0xffff ? -1 : (int)v;
}

static void pck_extensions(X509 *pck, struct pck_tcb *out)
{
    memset(out, 0, sizeof(*out));
    ASN1_OBJECT *oid = OBJ_txt2obj("1.2.840.113741.1.13.1", 1);
    int idx = oid ? X509_get_ext_by_OBJ(pck, oid, -1) : -1;
    ASN1_OBJECT_free(oid);
    if (idx < 0) {
        return;
    }
    ASN1_OCTET_STRING *data = X509_EXTENSION_get_data(X509_get_ext(pck, idx));
    const unsigned char *q = data->data;
    STACK_OF(ASN1_TYPE) *top = d2i_ASN1_SEQUENCE_ANY(NULL, &q, data->length);
    for (int i = 0; top != NULL && i < sk_ASN1_TYPE_num(top); i++) {
        STACK_OF(ASN1_TYPE) *pair = seq_of(sk_ASN1_TYPE_value(top, i));
        if (pair != NULL && sk_ASN1_TYPE_num(pair) == 2) {
            ASN1_TYPE *k = sk_ASN1_TYPE_value(pair, 0), *v = sk_ASN1_TYPE_value(pair, 1);
            if (oid_is(k, "1.2.840.113741.1.13.1.4") && v->type == V_ASN1_OCTET_STRING &&
                v->value.octet_string->length == 6) {
                memcpy(out->fmspc, v->value.octet_string->data, 6);
                out->have_fmspc = 1;
            } else if (oid_is(k, "1.2.840.113741.1.13.1.2")) {
                STACK_OF(ASN1_TYPE) *tcb = seq_of(v);
                int found = 0;
                for (int j = 0; tcb != NULL && j < sk_ASN1_TYPE_num(tcb); j++) {
                    STACK_OF(ASN1_TYPE) *c = seq_of(sk_ASN1_TYPE_value(tcb, j));
                    if (c != NULL && sk_ASN1_TYPE_num(c) == 2) {
                        char name[80];
                        ASN1_TYPE *ck = sk_ASN1_TYPE_value(c, 0);
                        if (ck->type == V_ASN1_OBJECT) {
                            OBJ_obj2txt(name, sizeof(name), ck->value.object, 1);
                            const char *pre = "1.2.840.113741.1.13.1.2.";
                            if (strncmp(name, pre, strlen(pre)) == 0) {
                                char *endp;
                                long n = strtol(name + strlen(pre), &endp, 10);
                                int val = asn1_int(sk_ASN1_TYPE_value(c, 1));
                                if (*endp == '\0' && n >= 1 && n <= 16 && val >= 0) {
                                    out->comp[n - 1] = val;
                                    found++;
                                } else if (*endp == '\0' && n == 17 && val >= 0) {
                                    out->pcesvn = val;
                                    found++;
                                }
                            }
                        }
                    }
                    sk_ASN1_TYPE_pop_free(c, ASN1_TYPE_free);
                }
                out->have_tcb = found == 17;
                sk_ASN1_TYPE_pop_free(tcb, ASN1_TYPE_free);
            }
        }
        sk_ASN1_TYPE_pop_free(pair, ASN1_TYPE_free);
    }
    sk_ASN1_TYPE_pop_free(top, ASN1_TYPE_free);
}

/* ---- checks ---- */
static int64_t now_or_at(const struct cct_verify_options *o)
{
    return o->have_at ? o->at : (int64_t)time(NULL);
}

static void check_signed(const char *name, struct signed_json *j, struct collateral *c,
                         STACK_OF(X509) * roots, const struct cct_verify_options *o,
                         struct cct_verify_result *res)
{
    char detail[CCT_CHECK_DETAIL_MAX];
    STACK_OF(X509) *chain = j->chain != NULL ? j->chain : c->pem;
    X509 *signer = NULL;
    for (int i = 0; chain != NULL && i < sk_X509_num(chain); i++) {
        X509 *x = sk_X509_value(chain, i);
        if (X509_check_issued(x, x) != X509_V_OK) {
            signer = x;
            break;
        }
    }
    if (signer == NULL) {
        vres_add(res, name, false, "no TCB signing certificate in the collateral");
        return;
    }
    if (chain_verify(signer, chain, roots, o->have_at, o->at, detail, sizeof(detail)) != 1) {
        vres_add(res, name, false, "TCB signing chain: %s", detail);
        return;
    }
    int rc = ecdsa_verify_rs(X509_get0_pubkey(signer), EVP_sha256(), (const uint8_t *)j->body,
                             j->body_len, j->sig, 32, j->sig + 32, 32, detail, sizeof(detail));
    vres_add(res, name, rc == 1, "%s",
             rc == 1 ? "signed by the TCB signing key, chained to the root" : detail);
}

static void check_validity(const char *name, const char *what, json_object *obj,
                           const struct cct_verify_options *o, struct cct_verify_result *res)
{
    int64_t issue, next, at = now_or_at(o);
    const char *is = jstr(obj, "issueDate"), *nu = jstr(obj, "nextUpdate");
    if (is == NULL || nu == NULL || cct_parse_time(is, &issue) < 0 ||
        cct_parse_time(nu, &next) < 0) {
        vres_add(res, name, false, "%s lacks a parsable issueDate/nextUpdate", what);
        return;
    }
    if (at < issue) {
        vres_add(res, name, false, "%s is not yet valid (issued %s)", what, is);
    } else if (at > next) {
        vres_add(res, name, false, "%s has expired (nextUpdate %s)", what, nu);
    } else {
        vres_add(res, name, true, "%s valid from %s until %s", what, is, nu);
    }
}

static int jint(json_object *o, const char *key)
{
    json_object *v;
    if (o == NULL || !json_object_object_get_ex(o, key, &v) ||
        !json_object_is_type(v, json_type_int)) {
        return -1;
    }
    int64_t x = json_object_get_int64(v);
    return x < 0 || x > 0xffff ? -1 : (int)x;
}

static bool comps_le(json_object *arr, const uint8_t *have16, const int *have_int, int start)
{
    if (arr == NULL || !json_object_is_type(arr, json_type_array) ||
        json_object_array_length(arr) != 16) {
        return false;
    }
    for (int i = start; i < 16; i++) {
        int svn = jint(json_object_array_get_idx(arr, (size_t)i), "svn");
        int have = have16 ? have16[i] : have_int[i];
        if (svn < 0 || svn > have) {
            return false;
        }
    }
    return true;
}

static const char *status_of(json_object *level)
{
    const char *s = jstr(level, "tcbStatus");
    return s ? s : "(none)";
}

/*
 * Whether a TCB status passes: UpToDate always; another name when the caller's comma-separated
 * accept list names it (Revoked never). *by_policy says the list was needed.
 */
static bool status_ok(const char *st, const struct cct_verify_options *o, bool *by_policy)
{
    *by_policy = false;
    if (st == NULL) {
        return false;
    }
    if (strcmp(st, "UpToDate") == 0) {
        return true;
    }
    const char *a = o->accept_tcb_status;
    size_t n = strlen(st);
    if (a == NULL || strcmp(st, "Revoked") == 0) {
        return false;
    }
    while (*a != '\0') {
        while (*a == ',' || *a == ' ') {
            a++;
        }
        size_t k = strcspn(a, ", ");
        if (k == n && strncasecmp(a, st, n) == 0) {
            *by_policy = true;
            return true;
        }
        a += k;
    }
    return false;
}

/* ", accepted by policy; advisories INTEL-SA-..., ..." for a level whose status the policy let
 * pass (advisory IDs are shown whenever the level lists them). */
static void policy_note(json_object *level, bool by_policy, char *out, size_t room)
{
    size_t used = 0;
    out[0] = '\0';
    if (by_policy) {
        used = (size_t)snprintf(out, room, ", accepted by policy");
    }
    json_object *adv;
    if (level == NULL || !json_object_object_get_ex(level, "advisoryIDs", &adv) ||
        !json_object_is_type(adv, json_type_array) || json_object_array_length(adv) == 0) {
        return;
    }
    size_t na = json_object_array_length(adv);
    for (size_t i = 0; i < na && used + 1 < room; i++) {
        const char *id = json_object_get_string(json_object_array_get_idx(adv, i));
        int w = snprintf(out + used, room - used, "%s%s", i == 0 ? "; advisories " : ",",
                         id ? id : "?");
        if (w < 0 || (size_t)w >= room - used) {
            snprintf(out + (room > 5 ? room - 5 : 0), room > 5 ? 5 : room, "...");
            return;
        }
        used += (size_t)w;
    }
}

static bool hex_masked_eq(const char *want_hex, const char *mask_hex, const uint8_t *have, size_t n)
{
    uint8_t w[64], m[64];
    if (n > 64 || want_hex == NULL || mask_hex == NULL || strlen(want_hex) != 2 * n ||
        strlen(mask_hex) != 2 * n || cct_hex_decode(want_hex, 2 * n, w, n) < 0 ||
        cct_hex_decode(mask_hex, 2 * n, m, n) < 0) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if ((have[i] & m[i]) != (w[i] & m[i])) {
            return false;
        }
    }
    return true;
}

/* Append "<component> <have><<want>" to buf (size n) for up to 4 components below the level's SVNs.
 */
static void comps_diag(json_object *arr, const uint8_t *have16, const int *have_int, int start,
                       char *buf, size_t n)
{
    int shown = 0;
    if (arr == NULL || !json_object_is_type(arr, json_type_array) ||
        json_object_array_length(arr) != 16) {
        return;
    }
    for (int i = start; i < 16 && shown < 4; i++) {
        int svn = jint(json_object_array_get_idx(arr, (size_t)i), "svn");
        int have = have16 ? have16[i] : have_int[i];
        size_t used = strlen(buf);
        if (svn > have && used + 1 < n) {
            snprintf(buf + used, n - used,
                     have16 ? "%sTEE_TCB_SVN[%d] %d<%d" : "%sPCK comp %d %d<%d", used ? ", " : "",
                     have16 ? i : i + 1, have, svn);
            shown++;
        }
    }
}

/*
 * Status of a TDX module identity (TCB Info v3 "tdxModuleIdentities"): the first of its
 * tcbLevels whose isvsvn is <= the module SVN (TEE_TCB_SVN[0]); NULL when none is.
 */
static const char *module_status(json_object *mod, int isvsvn)
{
    json_object *ml;
    if (!json_object_object_get_ex(mod, "tcbLevels", &ml) ||
        !json_object_is_type(ml, json_type_array)) {
        return NULL;
    }
    for (size_t i = 0; i < json_object_array_length(ml); i++) {
        json_object *lv = json_object_array_get_idx(ml, i), *t;
        int want = json_object_object_get_ex(lv, "tcb", &t) ? jint(t, "isvsvn") : -1;
        if (want >= 0 && want <= isvsvn) {
            return status_of(lv);
        }
    }
    return NULL;
}

/*
 * Combined status when the TDX module's own status is not UpToDate (Intel DCAP quote
 * verification: the module status lowers the platform's; a revoked module revokes).
 */
static const char *converge(const char *platform, const char *module)
{
    if (module == NULL || strcmp(module, "UpToDate") == 0) {
        return platform;
    }
    if (strcmp(module, "Revoked") == 0 || strcmp(platform, "Revoked") == 0) {
        return "Revoked";
    }
    if (strcmp(module, "OutOfDate") == 0) {
        if (strcmp(platform, "ConfigurationNeeded") == 0 ||
            strcmp(platform, "ConfigurationAndSWHardeningNeeded") == 0) {
            return "OutOfDateConfigurationNeeded";
        }
        if (strcmp(platform, "UpToDate") == 0 || strcmp(platform, "SWHardeningNeeded") == 0) {
            return "OutOfDate";
        }
    }
    return strcmp(platform, "UpToDate") == 0 ? module : platform;
}

/*
 * TCB status of a TDX platform (Intel TDX TCB Info v3, DCAP quote verification):
 *   - TEE_TCB_SVN[1] is the TDX module major version and TEE_TCB_SVN[0] its SVN; when the
 *     version is > 0 the module is the tdxModuleIdentities entry "TDX_%02X" (version), whose
 *     tcbLevels give the module status, and tdxtcbcomponents are compared from index 2;
 *     when it is 0 the module is "tdxModule" and all 16 bytes are compared;
 *   - sgxtcbcomponents[i] is compared with PCK TCB component i+1 (= CPUSVN byte i),
 *     pcesvn with the PCK PCESVN; a level matches when no platform value is below it;
 *   - the first level matching the SGX TCB is taken (Revoked there ends the search), then
 *     the first level from it on whose TDX components match gives the platform status;
 *   - no such level: TCB level not supported (status unknown). Only UpToDate passes.
 */
static void check_tcb_status(json_object *tcb, const struct cct_tdx_quote *q,
                             const struct pck_tcb *pt, const struct cct_verify_options *o,
                             struct cct_verify_result *res)
{
    json_object *levels, *ids;
    const uint8_t *svn = q->body.tee_tcb_svn;
    char want[16] = "tdxModule";
    if (!pt->have_tcb) {
        vres_add(res, "tcb-status", false, "PCK certificate has no SGX TCB extension");
        return;
    }
    if (!json_object_object_get_ex(tcb, "tcbLevels", &levels) ||
        !json_object_is_type(levels, json_type_array) || json_object_array_length(levels) == 0) {
        vres_add(res, "tcb-status", false, "tcbInfo has no tcbLevels");
        return;
    }
    /* TDX module identity */
    int start = svn[1] > 0 ? 2 : 0;
    json_object *mod = NULL;
    const char *mstatus = NULL;
    if (svn[1] > 0) {
        snprintf(want, sizeof(want), "TDX_%02X", svn[1]);
        if (json_object_object_get_ex(tcb, "tdxModuleIdentities", &ids) &&
            json_object_is_type(ids, json_type_array)) {
            for (size_t i = 0; i < json_object_array_length(ids) && mod == NULL; i++) {
                const char *id = jstr(json_object_array_get_idx(ids, i), "id");
                if (id != NULL && strcasecmp(id, want) == 0) {
                    mod = json_object_array_get_idx(ids, i);
                }
            }
        }
        if (mod == NULL) {
            vres_add(res, "tdx-module", false,
                     "no TDX module identity %s (TEE_TCB_SVN[1] = %u) in tcbInfo", want, svn[1]);
            vres_add(res, "tcb-status", false,
                     "TDX module %s unknown to tcbInfo (TCB status unknown)", want);
            return;
        }
        mstatus = module_status(mod, svn[0]);
    } else {
        json_object_object_get_ex(tcb, "tdxModule", &mod);
    }
    if (mod != NULL) {
        char all[97];
        memset(all, 'F', 96);
        all[96] = '\0';
        bool id_ok = hex_masked_eq(jstr(mod, "mrsigner"), all, q->body.mrsignerseam, 48) &&
                     hex_masked_eq(jstr(mod, "attributes"), jstr(mod, "attributesMask"),
                                   q->body.seam_attributes, 8);
        bool mpol = false;
        bool ok = id_ok && (svn[1] == 0 || status_ok(mstatus, o, &mpol));
        if (svn[1] == 0) {
            vres_add(res, "tdx-module", ok, "%s",
                     ok ? "TDX module MRSIGNER/attributes match"
                        : "TDX module MRSIGNER/attributes do not match");
        } else {
            vres_add(res, "tdx-module", ok, "%s %s; module SVN %u: %s", want,
                     id_ok ? "MRSIGNER/attributes match" : "MRSIGNER/attributes do not match",
                     svn[0], mstatus ? mstatus : "below every module TCB level");
        }
        if (!id_ok) {
            vres_add(res, "tcb-status", false,
                     "TDX module identity does not match (TCB status unknown)");
            return;
        }
        if (svn[1] > 0 && mstatus == NULL) {
            vres_add(res, "tcb-status", false,
                     "TCB level not supported: TDX module %s SVN %u is below every level", want,
                     svn[0]);
            return;
        }
    }
    /* platform TCB level */
    size_t nlv = json_object_array_length(levels);
    json_object *sgx_level = NULL, *match = NULL;
    size_t match_idx = 0;
    for (size_t i = 0; i < nlv && match == NULL; i++) {
        json_object *lv = json_object_array_get_idx(levels, i), *t, *sgx, *tdx;
        if (!json_object_object_get_ex(lv, "tcb", &t) ||
            !json_object_object_get_ex(t, "sgxtcbcomponents", &sgx) ||
            !json_object_object_get_ex(t, "tdxtcbcomponents", &tdx)) {
            continue;
        }
        if (sgx_level == NULL) {
            int pce = jint(t, "pcesvn");
            if (!comps_le(sgx, NULL, pt->comp, 0) || pce < 0 || pce > pt->pcesvn) {
                continue;
            }
            sgx_level = lv;
        }
        if (strcmp(status_of(sgx_level), "Revoked") == 0 || comps_le(tdx, svn, NULL, start)) {
            match = strcmp(status_of(sgx_level), "Revoked") == 0 ? sgx_level : lv;
            match_idx = i;
        }
    }
    if (match == NULL) {
        /* say which values are below the lowest level */
        char why[CCT_CHECK_DETAIL_MAX] = "";
        json_object *last = json_object_array_get_idx(levels, nlv - 1), *t, *sgx = NULL,
                    *tdx = NULL;
        if (json_object_object_get_ex(last, "tcb", &t)) {
            json_object_object_get_ex(t, "sgxtcbcomponents", &sgx);
            json_object_object_get_ex(t, "tdxtcbcomponents", &tdx);
            if (sgx_level == NULL) {
                comps_diag(sgx, NULL, pt->comp, 0, why, 120);
                int pce = jint(t, "pcesvn");
                size_t used = strlen(why);
                if (pce > pt->pcesvn && used + 1 < 140) {
                    snprintf(why + used, 140 - used, "%sPCESVN %d<%d", used ? ", " : "", pt->pcesvn,
                             pce);
                }
            }
            comps_diag(tdx, svn, NULL, start, why, 160);
        }
        vres_add(res, "tcb-status", false,
                 "TCB level not supported (status unknown): %s below every TCB level%s%s%s",
                 sgx_level == NULL ? "PCK SGX TCB" : "TEE_TCB_SVN", why[0] ? " (lowest: " : "", why,
                 why[0] ? ")" : "");
        return;
    }
    const char *pst = status_of(match), *st = converge(pst, mstatus);
    const char *date = jstr(match, "tcbDate") ? jstr(match, "tcbDate") : "?";
    bool pol = false;
    bool ok = status_ok(st, o, &pol);
    char note[120];
    policy_note(match, pol, note, sizeof(note));
    if (mstatus != NULL) {
        vres_add(res, "tcb-status", ok, "%s: TCB level %zu (%s) %s, TDX module %s SVN %u %s%s", st,
                 match_idx, date, pst, want, svn[0], mstatus, note);
    } else {
        vres_add(res, "tcb-status", ok, "TCB level %zu (%s): %s%s", match_idx, date, st, note);
    }
}

static void check_qe_identity(json_object *qe, const struct cct_tdx_quote *q,
                              const struct cct_verify_options *o, struct cct_verify_result *res)
{
    const struct cct_sgx_report_body *r = &q->qe_report;
    uint8_t misc[4] = { (uint8_t)r->misc_select, (uint8_t)(r->misc_select >> 8),
                        (uint8_t)(r->misc_select >> 16), (uint8_t)(r->misc_select >> 24) };
    uint8_t mask_be[4], want_be[4];
    const char *ms = jstr(qe, "miscselect"), *mm = jstr(qe, "miscselectMask");
    bool misc_ok = false;
    /* MISCSELECT is written as a big-endian hex number */
    if (ms && mm && strlen(ms) == 8 && strlen(mm) == 8 && cct_hex_decode(ms, 8, want_be, 4) == 0 &&
        cct_hex_decode(mm, 8, mask_be, 4) == 0) {
        misc_ok = true;
        for (int i = 0; i < 4; i++) {
            misc_ok = misc_ok && (misc[i] & mask_be[3 - i]) == (want_be[3 - i] & mask_be[3 - i]);
        }
    }
    bool id_ok =
        hex_masked_eq(jstr(qe, "mrsigner"),
                      "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF",
                      r->mr_signer, 32) &&
        jint(qe, "isvprodid") == r->isv_prod_id &&
        hex_masked_eq(jstr(qe, "attributes"), jstr(qe, "attributesMask"), r->attributes, 16) &&
        misc_ok;
    const char *st = NULL;
    json_object *levels;
    if (json_object_object_get_ex(qe, "tcbLevels", &levels) &&
        json_object_is_type(levels, json_type_array)) {
        for (size_t i = 0; i < json_object_array_length(levels) && st == NULL; i++) {
            json_object *lv = json_object_array_get_idx(levels, i), *t;
            if (json_object_object_get_ex(lv, "tcb", &t) && jint(t, "isvsvn") >= 0 &&
                jint(t, "isvsvn") <= r->isv_svn) {
                st = status_of(lv);
            }
        }
    }
    bool pol = false;
    bool ok = id_ok && status_ok(st, o, &pol);
    vres_add(res, "qe-identity", ok, "%s; QE ISVSVN %u: %s%s",
             id_ok ? "QE MRSIGNER, ISVPRODID, attributes and MISCSELECT match"
                   : "QE identity does not match",
             r->isv_svn, st ? st : "no matching TCB level", pol ? ", accepted by policy" : "");
}

static void check_crl(const char *name, X509_CRL *crl, STACK_OF(X509) * chain, X509 *subject,
                      const struct cct_verify_options *o, struct cct_verify_result *res)
{
    X509 *issuer = NULL;
    for (int i = 0; chain != NULL && i < sk_X509_num(chain); i++) {
        X509 *x = sk_X509_value(chain, i);
        if (X509_NAME_cmp(X509_get_subject_name(x), X509_CRL_get_issuer(crl)) == 0) {
            issuer = x;
        }
    }
    if (issuer == NULL || X509_CRL_verify(crl, X509_get0_pubkey(issuer)) != 1) {
        ERR_clear_error();
        vres_add(res, name, false, "CRL signature does not verify with its issuer");
        return;
    }
    time_t at = (time_t)now_or_at(o);
    const ASN1_TIME *nu = X509_CRL_get0_nextUpdate(crl);
    if (X509_cmp_time(X509_CRL_get0_lastUpdate(crl), &at) > 0 ||
        (nu != NULL && X509_cmp_time(nu, &at) < 0)) {
        vres_add(res, name, false, "CRL is not current at the verification time");
        return;
    }
    X509_REVOKED *rev = NULL;
    if (subject != NULL &&
        X509_CRL_get0_by_serial(crl, &rev, X509_get0_serialNumber(subject)) == 1) {
        vres_add(res, name, false, "certificate is revoked");
        return;
    }
    vres_add(res, name, true, "CRL signed by its issuer, current, certificate not revoked");
}

void cct__tdx_collateral_check(const struct cct_tdx_quote *q, X509 *pck, STACK_OF(X509) * roots,
                               const struct cct_verify_options *o, struct cct_verify_result *res)
{
    struct collateral c;
    struct pck_tcb pt;
    char msg[CCT_CHECK_DETAIL_MAX];
    if (roots == NULL || pck == NULL) {
        vres_add(res, "collateral", false,
                 "no trusted root or PCK certificate to evaluate collateral with");
        return;
    }
    if (!coll_load(o->collateral, o->collateral_len, &c, msg, sizeof(msg))) {
        vres_add(res, "collateral", false, "%s", msg);
        coll_free(&c);
        return;
    }
    pck_extensions(pck, &pt);
    if (c.tcb.body != NULL) {
        check_signed("tcb-info-signature", &c.tcb, &c, roots, o, res);
        check_validity("tcb-info-validity", "tcbInfo", c.tcb.obj, o, res);
        const char *fm = jstr(c.tcb.obj, "fmspc");
        uint8_t f[6];
        bool ok = pt.have_fmspc && fm != NULL && strlen(fm) == 12 &&
                  cct_hex_decode(fm, 12, f, 6) == 0 && memcmp(f, pt.fmspc, 6) == 0;
        const char *id = jstr(c.tcb.obj, "id");
        ok = ok && id != NULL && strcmp(id, "TDX") == 0;
        vres_add(res, "fmspc", ok, "tcbInfo %s FMSPC %s, PCK FMSPC %02x%02x%02x%02x%02x%02x",
                 id ? id : "?", fm ? fm : "?", pt.fmspc[0], pt.fmspc[1], pt.fmspc[2], pt.fmspc[3],
                 pt.fmspc[4], pt.fmspc[5]);
        check_tcb_status(c.tcb.obj, q, &pt, o, res);
    } else {
        vres_add(res, "tcb-info", false, "collateral has no tcbInfo");
    }
    if (c.qe.body != NULL) {
        check_signed("qe-identity-signature", &c.qe, &c, roots, o, res);
        check_validity("qe-identity-validity", "QE identity", c.qe.obj, o, res);
        check_qe_identity(c.qe.obj, q, o, res);
    } else {
        vres_add(res, "qe-identity", false, "collateral has no QE identity");
    }
    if (c.pck_crl != NULL) {
        STACK_OF(X509) *chain = certs_load(q->pck_chain, q->pck_chain_len);
        check_crl("pck-crl", c.pck_crl, chain, pck, o, res);
        sk_X509_pop_free(chain, X509_free);
    }
    if (c.root_crl != NULL) {
        STACK_OF(X509) *chain = certs_load(q->pck_chain, q->pck_chain_len);
        X509 *inter = NULL;
        for (int i = 1; chain != NULL && i < sk_X509_num(chain); i++) {
            X509 *x = sk_X509_value(chain, i);
            if (X509_check_issued(x, x) != X509_V_OK) {
                inter = x;
            }
        }
        check_crl("root-ca-crl", c.root_crl, roots, inter, o, res);
        sk_X509_pop_free(chain, X509_free);
    }
    coll_free(&c);
}

/* ---- single documents, as fetched (fetch/fetch.c) ---- */

bool cct__pck_fmspc(X509 *pck, uint8_t out[6])
{
    struct pck_tcb pt;
    pck_extensions(pck, &pt);
    if (pt.have_fmspc) {
        memcpy(out, pt.fmspc, 6);
    }
    return pt.have_fmspc != 0;
}

int cct__pcs_json_verify(const uint8_t *body, size_t n, const uint8_t *chain, size_t cn,
                         const char *member, STACK_OF(X509) * roots, int have_at, int64_t at,
                         int64_t *fresh_until, char *msg, size_t mn)
{
    struct collateral c;
    struct cct_verify_options o = CCT_VERIFY_OPTIONS_INIT;
    int ok = 0;
    uint8_t *buf = malloc(n + cn + 2);
    struct cct_verify_result *res = calloc(1, sizeof(*res));
    if (buf == NULL || res == NULL) {
        free(buf);
        free(res);
        snprintf(msg, mn, "out of memory");
        return 0;
    }
    /* the body first: coll_load skips PEM blocks between JSON objects */
    memcpy(buf, body, n);
    buf[n] = '\n';
    if (cn > 0) {
        memcpy(buf + n + 1, chain, cn);
    }
    buf[n + 1 + cn] = '\0';
    o.have_at = have_at;
    o.at = at;
    cct_verify_result_init(res);
    memset(&c, 0, sizeof(c));
    if (!coll_load(buf, n + 1 + cn, &c, msg, mn)) {
        goto out;
    }
    struct signed_json *j = strcmp(member, "tcbInfo") == 0 ? &c.tcb : &c.qe;
    if (j->body == NULL) {
        snprintf(msg, mn, "the response holds no %s", member);
        goto out;
    }
    if (c.pem == NULL || sk_X509_num(c.pem) == 0) {
        snprintf(msg, mn, "no issuer chain came with the %s", member);
        goto out;
    }
    check_signed(member, j, &c, roots, &o, res);
    if (res->n_checks == 0 || !res->checks[0].ok) {
        snprintf(msg, mn, "%s signature: %s", member,
                 res->n_checks > 0 ? res->checks[0].detail : "not checked");
        goto out;
    }
    const char *nu = jstr(j->obj, "nextUpdate");
    int64_t t = 0;
    if (nu == NULL || cct_parse_time(nu, &t) < 0) {
        snprintf(msg, mn, "%s lacks a parsable nextUpdate", member);
        goto out;
    }
    *fresh_until = t;
    snprintf(msg, mn, "%s signed by the TCB signing key, chained to the root", member);
    ok = 1;
out:
    coll_free(&c);
    free(buf);
    free(res);
    return ok;
}

/* A CRL as DER, PEM or hex text. */
static X509_CRL *crl_any(const uint8_t *p, size_t n)
{
    const unsigned char *q = p;
    X509_CRL *crl = d2i_X509_CRL(NULL, &q, (long)n);
    if (crl != NULL) {
        return crl;
    }
    ERR_clear_error();
    BIO *b = BIO_new_mem_buf(p, (int)n);
    if (b != NULL) {
        crl = PEM_read_bio_X509_CRL(b, NULL, NULL, NULL);
        BIO_free(b);
        if (crl != NULL) {
            return crl;
        }
    }
    ERR_clear_error();
    char *s = malloc(n + 1);
    if (s == NULL) {
        return NULL;
    }
    memcpy(s, p, n);
    s[n] = '\0';
    size_t l = strlen(s);
    while (l > 0 && isspace((unsigned char)s[l - 1])) {
        s[--l] = '\0';
    }
    crl = crl_from_hex(s);
    free(s);
    ERR_clear_error();
    return crl;
}

int cct__crl_verify(const uint8_t *p, size_t n, const uint8_t *chain, size_t cn,
                    STACK_OF(X509) * roots, int have_at, int64_t at, int64_t *fresh_until,
                    uint8_t **der, size_t *der_len, char *msg, size_t mn)
{
    char detail[CCT_CHECK_DETAIL_MAX];
    X509_CRL *crl = crl_any(p, n);
    STACK_OF(X509) *sk = cn > 0 ? certs_load(chain, cn) : NULL;
    X509 *issuer = NULL;
    int ok = 0;
    if (crl == NULL) {
        snprintf(msg, mn, "not a CRL (DER, PEM or hex)");
        goto out;
    }
    for (int i = 0; sk != NULL && i < sk_X509_num(sk) && issuer == NULL; i++) {
        X509 *x = sk_X509_value(sk, i);
        if (X509_NAME_cmp(X509_get_subject_name(x), X509_CRL_get_issuer(crl)) == 0) {
            issuer = x;
        }
    }
    for (int i = 0; roots != NULL && i < sk_X509_num(roots) && issuer == NULL; i++) {
        X509 *x = sk_X509_value(roots, i);
        if (X509_NAME_cmp(X509_get_subject_name(x), X509_CRL_get_issuer(crl)) == 0) {
            issuer = x;
        }
    }
    if (issuer == NULL) {
        snprintf(msg, mn, "the CRL's issuer is neither in its issuer chain nor a trusted root");
        goto out;
    }
    if (X509_CRL_verify(crl, X509_get0_pubkey(issuer)) != 1) {
        ERR_clear_error();
        snprintf(msg, mn, "CRL signature does not verify with its issuer");
        goto out;
    }
    if (chain_verify(issuer, sk, roots, have_at, at, detail, sizeof(detail)) != 1) {
        snprintf(msg, mn, "CRL issuer chain: %s", detail);
        goto out;
    }
    const ASN1_TIME *nu = X509_CRL_get0_nextUpdate(crl);
    struct tm tm;
    *fresh_until = nu != NULL && ASN1_TIME_to_tm(nu, &tm) == 1 ? (int64_t)timegm(&tm) : 0;
    int len = i2d_X509_CRL(crl, NULL);
    unsigned char *d = len > 0 ? malloc((size_t)len) : NULL, *w = d;
    if (d == NULL || i2d_X509_CRL(crl, &w) != len) {
        free(d);
        snprintf(msg, mn, "out of memory");
        goto out;
    }
    *der = d;
    *der_len = (size_t)len;
    snprintf(msg, mn, "CRL signed by its issuer, chained to the root");
    ok = 1;
out:
    X509_CRL_free(crl);
    sk_X509_pop_free(sk, X509_free);
    return ok;
}
