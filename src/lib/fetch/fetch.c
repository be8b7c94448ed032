/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Collateral retrieval rules (include/cctrusted/collateral.h):
 *   - Intel PCS API v4 (and PCCS, same paths): TDX TCB Info by FMSPC, TD QE
 *     identity, PCK CRL of the PCK chain's CA (platform or processor), root CA
 *     CRL; issuer chains from the TCB-Info-Issuer-Chain,
 *     SGX-Enclave-Identity-Issuer-Chain and SGX-PCK-CRL-Issuer-Chain headers.
 *   - AMD KDS (VCEK/VLEK certificate interface): /vcek/v1/{product}/{hwid}
 *     with the reported TCB's SPLs, /vcek/v1/{product}/cert_chain,
 *     /vlek/v1/{product}/cert_chain.
 * Every document is verified (verify/collateral.c, verify/snp.c) before it
 * is used or cached; a cache hit is verified again.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cctrusted/collateral.h>
#include <cctrusted/report.h>
#include <cctrusted/verify.h>

#include "cct-config.h"
#include "fetch/http.h"
#include "util/error.h"
#include "util/jsonspan.h"
#include "util/file.h"
#include "util/hex.h"
#include "verify/common.h"
#include "verify/verify_internal.h"

void cct_fetch_options_init(struct cct_fetch_options *o)
{
    if (o != NULL) {
        struct cct_fetch_options d = CCT_FETCH_OPTIONS_INIT;
        *o = d;
    }
}

int cct_have_fetch(void)
{
    return CCT_HAVE_CURL;
}

void cct_fetch_result_free(struct cct_fetch_result *r)
{
    if (r != NULL) {
        free(r->data);
        memset(r, 0, sizeof(*r));
    }
}

static int add_req(struct cct_fetch_result *r, const char *what, struct cct_error *err,
                   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int add_req(struct cct_fetch_result *r, const char *what, struct cct_error *err,
                   const char *fmt, ...)
{
    if (r->n >= CCT_FETCH_MAX_REQUESTS) {
        return cct_err(err, CCT_ELIMIT, -1, -1, "too many requests");
    }
    struct cct_fetch_request *q = &r->req[r->n];
    memset(q, 0, sizeof(*q));
    snprintf(q->what, sizeof(q->what), "%s", what);
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(q->url, sizeof(q->url), fmt, ap);
    va_end(ap);
    if (w < 0 || (size_t)w >= sizeof(q->url)) {
        return cct_err(err, CCT_EINVAL, -1, -1, "%s URL longer than %d characters", what,
                       CCT_FETCH_URL_MAX - 1);
    }
    r->n++;
    return 0;
}

/* Base URL without trailing slashes; refuses anything but http(s). */
static int base_of(const char *given, const char *dflt, char *out, size_t n, struct cct_error *err)
{
    const char *b = given != NULL ? given : dflt;
    size_t l = strlen(b);
    while (l > 0 && b[l - 1] == '/') {
        l--;
    }
    if (l >= n || (strncmp(b, "http://", 7) != 0 && strncmp(b, "https://", 8) != 0)) {
        return cct_err(err, CCT_EINVAL, -1, -1, "base URL must be http:// or https://: %s", b);
    }
    memcpy(out, b, l);
    out[l] = '\0';
    return 0;
}

static int check_opts(const struct cct_fetch_options *o, struct cct_error *err)
{
    if (o == NULL || o->version != CCT_FETCH_OPTIONS_VERSION) {
        return cct_err(err, CCT_EINVAL, -1, -1, "fetch options: version must be %d",
                       CCT_FETCH_OPTIONS_VERSION);
    }
    return 0;
}

/* ---- TDX ---- */

struct tdx_src {
    STACK_OF(X509) * chain;
    uint8_t fmspc[6];
    const char *ca; /* "platform" or "processor" */
};

static int tdx_source(const uint8_t *p, size_t len, struct tdx_src *s, struct cct_error *err)
{
    struct cct_tdx_quote q;
    memset(s, 0, sizeof(*s));
    int rc = cct_tdx_quote_parse(p, len, &q, err);
    if (rc < 0) {
        return rc;
    }
    if (!q.has_qe_report || q.pck_cert_type != CCT_TDX_CERT_PCK_CHAIN) {
        return cct_err(err, CCT_EUNSUPPORTED, -1, -1,
                       "the quote carries no PCK certificate chain (certification data type "
                       "5): its FMSPC and CA are unknown");
    }
    s->chain = certs_load(q.pck_chain, q.pck_chain_len);
    if (s->chain == NULL || sk_X509_num(s->chain) < 2) {
        return cct_err(err, CCT_EMALFORMED, -1, -1,
                       "the quote's PCK certificate chain does not parse");
    }
    if (!cct__pck_fmspc(sk_X509_value(s->chain, 0), s->fmspc)) {
        return cct_err(err, CCT_EMALFORMED, -1, -1,
                       "the PCK certificate has no FMSPC (SGX extension 1.2.840.113741.1.13.1.4)");
    }
    char cn[256] = "";
    X509_NAME_get_text_by_NID(X509_get_subject_name(sk_X509_value(s->chain, 1)), NID_commonName, cn,
                              sizeof(cn));
    if (strstr(cn, "Platform") != NULL) {
        s->ca = "platform";
    } else if (strstr(cn, "Processor") != NULL) {
        s->ca = "processor";
    } else {
        return cct_err(err, CCT_EMALFORMED, -1, -1,
                       "the PCK issuer '%s' is neither the PCK Platform CA nor the Processor CA",
                       cn);
    }
    return 0;
}

static int tdx_urls(const struct tdx_src *s, const struct cct_fetch_options *o,
                    struct cct_fetch_result *r, struct cct_error *err)
{
    char base[CCT_FETCH_URL_MAX];
    int rc = base_of(o->base_url, CCT_PCS_DEFAULT_URL, base, sizeof(base), err);
    if (rc < 0) {
        return rc;
    }
    const uint8_t *f = s->fmspc;
    snprintf(r->fmspc, sizeof(r->fmspc), "%02X%02X%02X%02X%02X%02X", f[0], f[1], f[2], f[3], f[4],
             f[5]);
    snprintf(r->pck_ca, sizeof(r->pck_ca), "%s", s->ca);
    if ((rc = add_req(r, "tcb-info", err,
                      "%s/tdx/certification/v4/tcb?fmspc=%02X%02X%02X%02X%02X%02X", base, f[0],
                      f[1], f[2], f[3], f[4], f[5])) < 0 ||
        (rc = add_req(r, "qe-identity", err, "%s/tdx/certification/v4/qe/identity", base)) < 0 ||
        (rc = add_req(r, "pck-crl", err, "%s/sgx/certification/v4/pckcrl?ca=%s&encoding=der", base,
                      s->ca)) < 0) {
        return rc;
    }
    if (o->root_crl_url != NULL) {
        return add_req(r, "root-ca-crl", err, "%s", o->root_crl_url);
    }
    if (o->base_url == NULL || strcmp(base, CCT_PCS_DEFAULT_URL) == 0) {
        return add_req(r, "root-ca-crl", err, "%s", CCT_PCS_ROOT_CRL_URL);
    }
    return add_req(r, "root-ca-crl", err, "%s/sgx/certification/v4/rootcacrl", base);
}

/* ---- SNP ---- */

static const char *kds_product(const struct cct_snp_report *s, const struct cct_fetch_options *o,
                               char *note, size_t nn)
{
    if (o->product != NULL) {
        return o->product;
    }
    if (s->product == CCT_SNP_PRODUCT_UNKNOWN) {
        snprintf(note, nn,
                 "the report (version %u) does not name its product; Milan assumed "
                 "(give the product to choose another)",
                 s->version);
        return "Milan";
    }
    switch (s->product) {
    case CCT_SNP_PRODUCT_GENOA: return "Genoa";
    case CCT_SNP_PRODUCT_TURIN: return "Turin";
    default: return "Milan";
    }
}

static int snp_urls(const struct cct_snp_report *s, const struct cct_fetch_options *o,
                    struct cct_fetch_result *r, struct cct_error *err)
{
    char base[CCT_FETCH_URL_MAX], hw[129];
    int rc = base_of(o->base_url, CCT_KDS_DEFAULT_URL, base, sizeof(base), err);
    if (rc < 0) {
        return rc;
    }
    const char *prod = kds_product(s, o, r->note, sizeof(r->note));
    for (const char *c = prod; *c != '\0'; c++) {
        if (!((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
              *c == '-')) {
            return cct_err(err, CCT_EINVAL, -1, -1, "product name '%s' is not a KDS name", prod);
        }
    }
    uint32_t key = (s->flags >> 2) & 7u;
    if (key == CCT_SNP_SIGNING_KEY_VLEK) {
        snprintf(r->note, sizeof(r->note),
                 "VLEK-signed report: the KDS hands out the ASVK chain only; add the VLEK "
                 "certificate (from the host or the report's certificate table)");
        return add_req(r, "vlek-cert-chain", err, "%s/vlek/v1/%s/cert_chain", base, prod);
    }
    if (key != CCT_SNP_SIGNING_KEY_VCEK) {
        return cct_err(err, CCT_EUNSUPPORTED, -1, -1,
                       "the report is not signed (SIGNING_KEY %u): nothing to fetch", key);
    }
    bool turin = strncmp(prod, "Turin", 5) == 0;
    struct cct_snp_tcb t;
    cct_snp_tcb_decode(
        s->reported_tcb,
        turin ? CCT_SNP_PRODUCT_TURIN : cct_snp_product_from_name(prod, strlen(prod)), &t);
    /* Turin VCEKs are per chip by the first 8 bytes of CHIP_ID. */
    cct_hex_encode(s->chip_id, turin ? 8 : 64, hw);
    if (turin) {
        rc = add_req(r, "vcek", err,
                     "%s/vcek/v1/%s/%s?fmcSPL=%u&blSPL=%u&teeSPL=%u&snpSPL=%u&ucodeSPL=%u", base,
                     prod, hw, t.fmc, t.boot_loader, t.tee, t.snp, t.microcode);
    } else {
        rc = add_req(r, "vcek", err, "%s/vcek/v1/%s/%s?blSPL=%u&teeSPL=%u&snpSPL=%u&ucodeSPL=%u",
                     base, prod, hw, t.boot_loader, t.tee, t.snp, t.microcode);
    }
    if (rc < 0) {
        return rc;
    }
    return add_req(r, "cert-chain", err, "%s/vcek/v1/%s/cert_chain", base, prod);
}

int cct_collateral_urls(const uint8_t *p, size_t len, const struct cct_fetch_options *opts,
                        struct cct_fetch_result *out, struct cct_error *err)
{
    struct cct_fetch_options d = CCT_FETCH_OPTIONS_INIT;
    enum cct_report_type t;
    if (out == NULL || p == NULL) {
        return cct_err(err, CCT_EINVAL, -1, -1, "no evidence or result");
    }
    memset(out, 0, sizeof(*out));
    out->version = CCT_FETCH_RESULT_VERSION;
    const struct cct_fetch_options *o = opts != NULL ? opts : &d;
    int rc = check_opts(o, err);
    if (rc < 0 || (rc = cct_report_detect(p, len, &t)) < 0) {
        return rc < 0 ? rc : cct_err(err, rc, -1, -1, "evidence not recognised");
    }
    if (t == CCT_REPORT_TDX_QUOTE) {
        struct tdx_src s;
        rc = tdx_source(p, len, &s, err);
        if (rc == 0) {
            rc = tdx_urls(&s, o, out, err);
        }
        sk_X509_pop_free(s.chain, X509_free);
    } else if (t == CCT_REPORT_SNP) {
        struct cct_snp_report s;
        rc = cct_snp_report_parse(p, len, &s, err);
        if (rc == 0) {
            rc = snp_urls(&s, o, out, err);
        }
    } else {
        rc = cct_err(err, CCT_EUNSUPPORTED, -1, -1,
                     "collateral is fetched for TDX quotes and SNP reports, not for %s",
                     cct_report_type_name(t));
    }
    if (rc < 0) {
        memset(out, 0, sizeof(*out));
        out->version = CCT_FETCH_RESULT_VERSION;
    }
    return rc;
}

/* ---- fetching with verification and cache ---- */

struct doc {
    uint8_t *body;
    size_t len;
    uint8_t *chain;
    size_t chain_len;
    int64_t fresh_until;
};

static void doc_free(struct doc *d)
{
    free(d->body);
    free(d->chain);
    memset(d, 0, sizeof(*d));
}

/* Verify a document in place: 1 ok (fresh_until set), 0 refused (msg). */
typedef int (*verify_fn)(struct doc *d, void *ctx, char *msg, size_t mn);

static int64_t now_of(const struct cct_fetch_options *o)
{
    return o->have_at ? o->at : (int64_t)time(NULL);
}

static int get_doc(struct cct_fetch_request *q, const char *const *hdrs, verify_fn vf, void *ctx,
                   const struct cct_fetch_options *o, struct doc *d, struct cct_error *err)
{
    char msg[CCT_ERROR_MESSAGE_MAX];
    struct cct_cache_entry ce;
    memset(d, 0, sizeof(*d));
    if (o->cache_dir != NULL && cct_cache_get(o->cache_dir, q->url, now_of(o), &ce) == 1) {
        d->body = ce.body;
        d->len = ce.len;
        d->chain = ce.chain;
        d->chain_len = ce.chain_len;
        if (vf(d, ctx, msg, sizeof(msg)) == 1 && d->fresh_until > now_of(o)) {
            q->from_cache = 1;
            q->fresh_until = d->fresh_until;
            return 0;
        }
        doc_free(d); /* a stale or damaged entry is fetched again */
    }
    struct cct_http_resp r;
    int rc = cct_http_get(q->url, hdrs, o, &r, err);
    q->attempts = r.attempts;
    q->http_status = r.status;
    if (rc < 0) {
        cct_http_resp_free(&r);
        return rc;
    }
    if (hdrs != NULL && r.header == NULL) {
        cct_http_resp_free(&r);
        return cct_err(err, CCT_EVERIFY, -1, -1, "%s: refused: the response has no %s header",
                       q->url, hdrs[0]);
    }
    d->body = r.body;
    d->len = r.len;
    d->chain = (uint8_t *)r.header;
    d->chain_len = r.header_len;
    if (vf(d, ctx, msg, sizeof(msg)) != 1) {
        doc_free(d);
        return cct_err(err, CCT_EVERIFY, -1, -1, "%s: refused (not cached): %s", q->url, msg);
    }
    q->fresh_until = d->fresh_until;
    if (o->cache_dir != NULL && d->fresh_until > now_of(o)) {
        struct cct_cache_entry e = { d->body, d->len, d->chain, d->chain_len, d->fresh_until };
        rc = cct_cache_put(o->cache_dir, q->url, &e, err);
        if (rc < 0) {
            doc_free(d);
            return rc;
        }
    }
    return 0;
}

struct tdx_ctx {
    STACK_OF(X509) * roots;
    const struct cct_fetch_options *o;
    const char *member;
    uint8_t *der; /* CRL DER of the last verified CRL */
    size_t der_len;
};

static int verify_pcs_json(struct doc *d, void *vc, char *msg, size_t mn)
{
    struct tdx_ctx *c = vc;
    return cct__pcs_json_verify(d->body, d->len, d->chain, d->chain_len, c->member, c->roots,
                                c->o->have_at, c->o->at, &d->fresh_until, msg, mn);
}

static int verify_crl(struct doc *d, void *vc, char *msg, size_t mn)
{
    struct tdx_ctx *c = vc;
    free(c->der);
    c->der = NULL;
    return cct__crl_verify(d->body, d->len, d->chain, d->chain_len, c->roots, c->o->have_at,
                           c->o->at, &d->fresh_until, &c->der, &c->der_len, msg, mn);
}

static STACK_OF(X509) * roots_of(const struct cct_fetch_options *o, const char *builtin)
{
    if (o->root != NULL) {
        return certs_load(o->root, o->root_len);
    }
    return builtin != NULL ? certs_load((const uint8_t *)builtin, strlen(builtin)) : NULL;
}

/* The signed text of member in a PCS response body, and its signature. */
static int split_pcs(const struct doc *d, const char *member, json_object *out, const char *key,
                     struct cct_error *err)
{
    json_object *top = json_tokener_parse((const char *)d->body), *v, *sig;
    if (top == NULL || !json_object_object_get_ex(top, member, &v) ||
        !json_object_object_get_ex(top, "signature", &sig)) {
        json_object_put(top);
        return cct_err(err, CCT_EMALFORMED, -1, -1, "%s response does not parse", member);
    }
    /* the signed bytes are the member's raw text: take them from the body, not re-serialised */
    size_t vs, ve;
    if (!cct_json_member_span((const char *)d->body, d->len, member, &vs, &ve) ||
        d->body[vs] != '{') {
        json_object_put(top);
        return cct_err(err, CCT_EMALFORMED, -1, -1, "%s: not an object in the response", member);
    }
    char kk[64];
    json_object_object_add(out, key,
                           json_object_new_string_len((const char *)d->body + vs, (int)(ve - vs)));
    snprintf(kk, sizeof(kk), "%s_signature", key);
    json_object_object_add(out, kk, json_object_get(sig));
    json_object_put(top);
    return 0;
}

static void add_chain(json_object *out, const char *key, const struct doc *d)
{
    json_object_object_add(out, key,
                           json_object_new_string_len((const char *)d->chain, (int)d->chain_len));
}

static int add_hex(json_object *out, const char *key, const uint8_t *p, size_t n,
                   struct cct_error *err)
{
    char *h = malloc(2 * n + 1);
    if (h == NULL) {
        return cct_err(err, CCT_ENOMEM, -1, -1, "out of memory");
    }
    cct_hex_encode(p, n, h);
    json_object_object_add(out, key, json_object_new_string(h));
    free(h);
    return 0;
}

static int tdx_fetch(const struct tdx_src *s, const struct cct_fetch_options *o,
                     struct cct_fetch_result *r, struct cct_error *err)
{
    static const char *const tcb_h[] = { "TCB-Info-Issuer-Chain", "SGX-TCB-Info-Issuer-Chain",
                                         NULL };
    static const char *const qe_h[] = { "SGX-Enclave-Identity-Issuer-Chain", NULL };
    static const char *const crl_h[] = { "SGX-PCK-CRL-Issuer-Chain", NULL };
    struct tdx_ctx c = { roots_of(o, cct_root_intel_sgx_pem), o, NULL, NULL, 0 };
    struct doc d[4];
    json_object *out = json_object_new_object();
    int rc = tdx_urls(s, o, r, err);
    memset(d, 0, sizeof(d));
    if (c.roots == NULL || out == NULL) {
        rc = rc < 0 ? rc : cct_err(err, CCT_EINVAL, -1, -1, "no usable root certificate");
        goto done;
    }
    json_object_object_add(out, "version", json_object_new_int(3));
    json_object_object_add(out, "tee_type", json_object_new_int(0x81));
    c.member = "tcbInfo";
    if (rc < 0 || (rc = get_doc(&r->req[0], tcb_h, verify_pcs_json, &c, o, &d[0], err)) < 0 ||
        (rc = split_pcs(&d[0], "tcbInfo", out, "tcb_info", err)) < 0) {
        goto done;
    }
    add_chain(out, "tcb_info_issuer_chain", &d[0]);
    c.member = "enclaveIdentity";
    if ((rc = get_doc(&r->req[1], qe_h, verify_pcs_json, &c, o, &d[1], err)) < 0 ||
        (rc = split_pcs(&d[1], "enclaveIdentity", out, "qe_identity", err)) < 0) {
        goto done;
    }
    add_chain(out, "qe_identity_issuer_chain", &d[1]);
    if ((rc = get_doc(&r->req[2], crl_h, verify_crl, &c, o, &d[2], err)) < 0 ||
        (rc = add_hex(out, "pck_crl", c.der, c.der_len, err)) < 0) {
        goto done;
    }
    add_chain(out, "pck_crl_issuer_chain", &d[2]);
    if ((rc = get_doc(&r->req[3], NULL, verify_crl, &c, o, &d[3], err)) < 0 ||
        (rc = add_hex(out, "root_ca_crl", c.der, c.der_len, err)) < 0) {
        goto done;
    }
    size_t n = 0;
    const char *txt = json_object_to_json_string_length(
        out, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE,
        &n);
    r->data = malloc(n + 2);
    if (r->data == NULL) {
        rc = cct_err(err, CCT_ENOMEM, -1, -1, "out of memory");
        goto done;
    }
    memcpy(r->data, txt, n);
    r->data[n] = '\n';
    r->data[n + 1] = '\0';
    r->len = n + 1;
    rc = 0;
done:
    for (int i = 0; i < 4; i++) {
        doc_free(&d[i]);
    }
    free(c.der);
    json_object_put(out);
    sk_X509_pop_free(c.roots, X509_free);
    return rc;
}

/* What both fetches do first: a clean result, checked options, libcurl, a private cache. */
static int fetch_begin(const struct cct_fetch_options *o, struct cct_fetch_result *out,
                       struct cct_error *err)
{
    memset(out, 0, sizeof(*out));
    out->version = CCT_FETCH_RESULT_VERSION;
    int rc = check_opts(o, err);
    if (rc < 0) {
        return rc;
    }
    if (!CCT_HAVE_CURL) {
        return cct_err(err, CCT_EUNSUPPORTED, -1, -1,
                       "this libcctrusted was built without libcurl (-Dcollateral_fetch=disabled)");
    }
    if (o->cache_dir != NULL && (rc = cct_check_dir(o->cache_dir, err)) < 0) {
        return rc;
    }
    return 0;
}

int cct_tdx_collateral_fetch(const uint8_t *p, size_t len, const struct cct_fetch_options *o,
                             struct cct_fetch_result *out, struct cct_error *err)
{
    struct tdx_src s;
    if (out == NULL || p == NULL) {
        return cct_err(err, CCT_EINVAL, -1, -1, "no quote or result");
    }
    int rc = fetch_begin(o, out, err);
    if (rc < 0) {
        return rc;
    }
    rc = tdx_source(p, len, &s, err);
    if (rc == 0) {
        rc = tdx_fetch(&s, o, out, err);
    }
    sk_X509_pop_free(s.chain, X509_free);
    return rc;
}

/* ---- SNP ---- */

struct snp_ctx {
    STACK_OF(X509) * roots;
    const struct cct_fetch_options *o;
    const uint8_t *report;
    size_t report_len;
    const struct doc *chain; /* verified ASK/ARK chain, for the VCEK */
};

static int64_t not_after(X509 *x)
{
    struct tm tm;
    return ASN1_TIME_to_tm(X509_get0_notAfter(x), &tm) == 1 ? (int64_t)timegm(&tm) : 0;
}

/* ASK (or ASVK) + ARK PEM: the intermediate chains to a trusted ARK. */
static int verify_chain(struct doc *d, void *vc, char *msg, size_t mn)
{
    struct snp_ctx *c = vc;
    char detail[CCT_CHECK_DETAIL_MAX];
    STACK_OF(X509) *sk = certs_load(d->body, d->len);
    X509 *inter = NULL;
    int64_t fresh = INT64_MAX;
    for (int i = 0; sk != NULL && i < sk_X509_num(sk); i++) {
        X509 *x = sk_X509_value(sk, i);
        int64_t na = not_after(x);
        fresh = na < fresh ? na : fresh;
        if (inter == NULL && X509_check_issued(x, x) != X509_V_OK) {
            inter = x;
        }
    }
    int ok = 0;
    if (inter == NULL || c->roots == NULL) {
        snprintf(msg, mn, "%s",
                 inter == NULL ? "no intermediate (ASK/ASVK) certificate in the chain"
                               : "no trusted ARK for this product: give the root");
    } else if (chain_verify(inter, sk, c->roots, c->o->have_at, c->o->at, detail, sizeof(detail)) !=
               1) {
        snprintf(msg, mn, "certificate chain: %s", detail);
    } else {
        d->fresh_until = fresh;
        ok = 1;
    }
    sk_X509_pop_free(sk, X509_free);
    return ok;
}

static char *to_pem(X509 *x, size_t *n)
{
    BIO *b = BIO_new(BIO_s_mem());
    char *out = NULL, *p;
    if (b != NULL && PEM_write_bio_X509(b, x) == 1) {
        long l = BIO_get_mem_data(b, &p);
        out = l > 0 ? malloc((size_t)l + 1) : NULL;
        if (out != NULL) {
            memcpy(out, p, (size_t)l);
            out[l] = '\0';
            *n = (size_t)l;
        }
    }
    BIO_free(b);
    return out;
}

/* VCEK (DER or PEM) + the verified chain as one PEM bundle; NULL when it does not parse. */
static char *vcek_bundle(const struct doc *d, const struct doc *chain, X509 **leaf, size_t *n)
{
    STACK_OF(X509) *sk = certs_load(d->body, d->len);
    if (sk == NULL || sk_X509_num(sk) != 1) {
        sk_X509_pop_free(sk, X509_free);
        return NULL;
    }
    size_t pl = 0;
    char *pem = to_pem(sk_X509_value(sk, 0), &pl);
    char *all = pem != NULL ? malloc(pl + chain->len + 2) : NULL;
    if (all != NULL) {
        memcpy(all, pem, pl);
        memcpy(all + pl, chain->body, chain->len);
        *n = pl + chain->len;
        if (*n > 0 && all[*n - 1] != '\n') {
            all[(*n)++] = '\n';
        }
        all[*n] = '\0';
        *leaf = X509_dup(sk_X509_value(sk, 0));
    }
    free(pem);
    sk_X509_pop_free(sk, X509_free);
    return all;
}

static const char *check_named(const struct cct_verify_result *res, const char *const *names)
{
    for (size_t k = 0; names[k] != NULL; k++) {
        bool seen = false;
        for (size_t i = 0; i < res->n_checks; i++) {
            if (strcmp(res->checks[i].name, names[k]) == 0) {
                seen = true;
                if (!res->checks[i].ok) {
                    return res->checks[i].detail;
                }
            }
        }
        if (!seen) {
            return names[k];
        }
    }
    return NULL;
}

/* The VCEK must verify the report's own signature and chain to the trusted ARK. */
static int verify_vcek(struct doc *d, void *vc, char *msg, size_t mn)
{
    static const char *const need[] = { "report-signature", "vcek-chain", NULL };
    struct snp_ctx *c = vc;
    struct cct_verify_options vo = CCT_VERIFY_OPTIONS_INIT;
    struct cct_verify_result *res = calloc(1, sizeof(*res));
    X509 *leaf = NULL;
    size_t n = 0;
    char *bundle = vcek_bundle(d, c->chain, &leaf, &n);
    int ok = 0;
    if (res == NULL || bundle == NULL) {
        snprintf(msg, mn, "%s", res == NULL ? "out of memory" : "not one X.509 certificate");
        goto out;
    }
    vo.certs = (const uint8_t *)bundle;
    vo.certs_len = n;
    vo.root = c->o->root;
    vo.root_len = c->o->root_len;
    vo.have_at = c->o->have_at;
    vo.at = c->o->at;
    cct_verify_result_init(res);
    int rc = cct_verify_snp_report(c->report, c->report_len, &vo, res, NULL);
    const char *bad = check_named(res, need);
    if (bad != NULL) {
        snprintf(msg, mn, "the VCEK does not verify the report: %s", bad);
        goto out;
    }
    (void)rc; /* other checks (policy, TCB) are the verifier's business, not the fetch's */
    d->fresh_until = not_after(leaf);
    ok = 1;
out:
    X509_free(leaf);
    free(bundle);
    free(res);
    return ok;
}

static int snp_fetch(const uint8_t *p, size_t len, const struct cct_snp_report *s,
                     const struct cct_fetch_options *o, struct cct_fetch_result *r,
                     struct cct_error *err)
{
    struct snp_ctx c = { NULL, o, p, len, NULL };
    struct doc chain, vcek;
    int rc = snp_urls(s, o, r, err);
    memset(&chain, 0, sizeof(chain));
    memset(&vcek, 0, sizeof(vcek));
    if (rc < 0) {
        return rc;
    }
    char note[sizeof(r->note)];
    const char *prod = kds_product(s, o, note, sizeof(note));
    c.roots = roots_of(o, strncmp(prod, "Milan", 5) == 0 ? cct_root_amd_milan_pem : NULL);
    /* the chain first: the VCEK is judged against it */
    struct cct_fetch_request *cq = &r->req[r->n - 1];
    if ((rc = get_doc(cq, NULL, verify_chain, &c, o, &chain, err)) < 0) {
        goto done;
    }
    if (r->n == 1) { /* VLEK: the chain is the result */
        r->data = chain.body;
        r->len = chain.len;
        chain.body = NULL;
        goto done;
    }
    c.chain = &chain;
    if ((rc = get_doc(&r->req[0], NULL, verify_vcek, &c, o, &vcek, err)) < 0) {
        goto done;
    }
    X509 *leaf = NULL;
    size_t n = 0;
    char *bundle = vcek_bundle(&vcek, &chain, &leaf, &n);
    X509_free(leaf);
    if (bundle == NULL) {
        rc = cct_err(err, CCT_ENOMEM, -1, -1, "out of memory");
        goto done;
    }
    r->data = (uint8_t *)bundle;
    r->len = n;
done:
    doc_free(&chain);
    doc_free(&vcek);
    sk_X509_pop_free(c.roots, X509_free);
    return rc;
}

int cct_snp_vcek_fetch(const uint8_t *p, size_t len, const struct cct_fetch_options *o,
                       struct cct_fetch_result *out, struct cct_error *err)
{
    struct cct_snp_report s;
    if (out == NULL || p == NULL) {
        return cct_err(err, CCT_EINVAL, -1, -1, "no report or result");
    }
    int rc = fetch_begin(o, out, err);
    if (rc < 0) {
        return rc;
    }
    if ((rc = cct_snp_report_parse(p, len, &s, err)) < 0) {
        return rc;
    }
    return snp_fetch(p, len, &s, o, out, err);
}
