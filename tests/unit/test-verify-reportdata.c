/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Options version 4 through the public API only: the expected report data
 * given as the report request's nonce and user data is derived as
 * cct_get_report() derives it (a quote from the simulated platform, and
 * generated SNP/TPM evidence), the raw value keeps its meaning, both together
 * are refused naming both, callers of version 3 are read only up to their
 * end, and the SNP minimum TCB passes, fails naming the component, or is
 * refused. The expected values are computed here with OpenSSL.
 *
 * usage: test-verify-reportdata GEN_QUOTES (tests/data/gen_quotes.py writes the evidence)
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include <cctrusted/cctrusted.h>
#include <cctrusted/verify.h>

#include "verifyutil.h"

/* A hex file (gen_quotes.py's req.nonce / req.data) into out; its length. */
static size_t slurp_hex(const char *dir, const char *name, uint8_t *out, size_t max)
{
    size_t len = 0, n = 0;
    uint8_t *t = slurp(dir, name, &len);
    for (size_t i = 0; t != NULL && i + 1 < len && n < max; i += 2) {
        unsigned v;
        char two[3] = { (char)t[i], (char)t[i + 1], 0 };
        if (sscanf(two, "%2x", &v) != 1) {
            break;
        }
        out[n++] = (uint8_t)v;
    }
    free(t);
    return n;
}

static int status_of(const struct cct_verify_result *res, const char *name)
{
    const struct cct_check *c = find(res, name);
    return c ? (int)c->status : -1;
}

static void sha512_2(const uint8_t *a, size_t an, const uint8_t *b, size_t bn, uint8_t out[64])
{
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    if (c == NULL || EVP_DigestInit_ex(c, EVP_sha512(), NULL) != 1 ||
        EVP_DigestUpdate(c, a, an) != 1 || EVP_DigestUpdate(c, b, bn) != 1 ||
        EVP_DigestFinal_ex(c, out, NULL) != 1) {
        memset(out, 0, 64);
    }
    EVP_MD_CTX_free(c);
}

/* The nonce and user data of the report request (NULL, 0: none). */
static void set_request(struct cct_verify_options *o, const uint8_t *nonce, size_t nn,
                        const uint8_t *data, size_t dn)
{
    o->request_nonce = nonce;
    o->request_nonce_len = nn;
    o->request_user_data = data;
    o->request_user_data_len = dn;
}

static void test_sim(const char *dir)
{
    static const uint8_t nonce[] = { 0xa1, 0xb2, 0xc3, 0xd4, 0x00, 0x01 };
    static const uint8_t data[] = "data bound to the quote";
    char state[4200], root_name[64] = "sim-state/root-cert.pem";
    snprintf(state, sizeof(state), "%s/sim-state", dir);
    struct cct_open_options oo = CCT_OPEN_OPTIONS_INIT;
    oo.platform = CCT_PLATFORM_SIM;
    oo.sim_state_dir = state;
    cct_context *ctx = NULL;
    struct cct_error err;
    if (cct_open(&oo, &ctx, &err) != 0) {
        check(0, "the simulated platform opens");
        return;
    }
    struct cct_report_request req = CCT_REPORT_REQUEST_INIT;
    req.nonce = nonce;
    req.nonce_len = sizeof(nonce);
    req.user_data = data;
    req.user_data_len = sizeof(data);
    cct_report *rep = NULL;
    int rc = cct_get_report(ctx, &req, &rep);
    check(rc == 0, "cct_get_report on the simulated platform");
    size_t qlen = 0, rlen = 0, rdlen = 0;
    const uint8_t *q = rc == 0 ? cct_report_data(rep, &qlen) : NULL;
    uint8_t *root = slurp(dir, root_name, &rlen);
    uint8_t want[64];
    sha512_2(nonce, sizeof(nonce), data, sizeof(data), want);
    const uint8_t *rd = rc == 0 ? cct_report_reportdata(rep, &rdlen) : NULL;
    check(rd != NULL && rdlen == 64 && memcmp(rd, want, 64) == 0,
          "the report's REPORTDATA is SHA-512(nonce || data) (OpenSSL)");
    if (q == NULL || root == NULL) {
        check(0, "a quote and the simulation root");
        free(root);
        cct_report_free(rep);
        cct_close(ctx);
        return;
    }
    struct cct_verify_result res;
    struct cct_verify_options o = CCT_VERIFY_OPTIONS_INIT;
    o.root = root;
    o.root_len = rlen;
    o.allow_simulation = 1;
    set_request(&o, nonce, sizeof(nonce), data, sizeof(data));
    cct_verify_result_init(&res);
    rc = cct_verify_report(q, qlen, &o, &res, &err);
    const struct cct_check *c = find(&res, "report-data");
    check(rc == 0 && res.ok && c != NULL && c->status == CCT_CHECK_PASSED &&
              strstr(c->detail, "SHA-512(nonce || user data)") != NULL,
          "request nonce + user data: report-data passes and says it was derived");
    o.request_user_data_len--;
    cct_verify_result_init(&res);
    rc = cct_verify_report(q, qlen, &o, &res, &err);
    check(rc == CCT_EVERIFY && !res.ok && status_of(&res, "report-data") == CCT_CHECK_FAILED,
          "another user data fails report-data");
    o.request_user_data_len++;
    /* both the raw value and the request's parts: refused naming both */
    o.nonce = want;
    o.nonce_len = sizeof(want);
    cct_verify_result_init(&res);
    rc = cct_verify_report(q, qlen, &o, &res, &err);
    check(rc == CCT_EINVAL && !res.ok && status_of(&res, "input") == CCT_CHECK_FAILED &&
              strstr(err.message, "nonce") != NULL &&
              strstr(err.message, "request_nonce") != NULL &&
              strstr(err.message, "exclusive") != NULL,
          "raw nonce with request nonce/user data is CCT_EINVAL naming both");
    set_request(&o, NULL, 0, NULL, 0);
    cct_verify_result_init(&res);
    rc = cct_verify_report(q, qlen, &o, &res, &err);
    c = find(&res, "report-data");
    check(rc == 0 && res.ok && c != NULL && strstr(c->detail, "raw") != NULL,
          "the raw SHA-512 (OpenSSL) as nonce passes; the detail says raw");
    o.nonce = NULL;
    o.nonce_len = 0;
    o.request_nonce_len = 3; /* a length without its pointer */
    cct_verify_result_init(&res);
    rc = cct_verify_report(q, qlen, &o, &res, &err);
    check(rc == CCT_EINVAL, "request_nonce_len without request_nonce is CCT_EINVAL");
    free(root);
    cct_report_free(rep);
    cct_close(ctx);
}

/* A version 3 caller: a heap block of exactly the version 3 layout. */
static void test_version3(const uint8_t *q, size_t qlen, const uint8_t *root, size_t rlen)
{
    size_t v3 = offsetof(struct cct_verify_options, request_nonce);
    struct cct_verify_options full = CCT_VERIFY_OPTIONS_INIT, o4;
    cct_verify_options_init(&o4);
    check(o4.version == 4 && CCT_VERIFY_OPTIONS_VERSION == 4 && o4.request_nonce == NULL &&
              o4.request_nonce_len == 0 && o4.request_user_data == NULL &&
              o4.request_user_data_len == 0 && o4.snp_min_tcb == NULL &&
              full.request_nonce == NULL && full.snp_min_tcb == NULL,
          "version 4 defaults: no request parts, no minimum TCB");
    full.version = 3;
    full.root = root;
    full.root_len = rlen;
    unsigned char *old = malloc(v3);
    if (old == NULL) {
        check(0, "malloc");
        return;
    }
    memcpy(old, &full, v3);
    struct cct_verify_result res;
    struct cct_error err;
    cct_verify_result_init(&res);
    int rc = cct_verify_tdx_quote(q, qlen, (const struct cct_verify_options *)(const void *)old,
                                  &res, &err);
    check(rc == 0 && res.ok && status_of(&res, "report-data") == CCT_CHECK_NOT_CHECKED,
          "a version 3 options struct is accepted and read only up to its end");
    free(old);
}

/* Generated evidence bound to gen_quotes.py's request (req.nonce, req.data). */
static void test_generated(const char *dir)
{
    uint8_t nonce[256], data[256], want[64];
    size_t nn = slurp_hex(dir, "req.nonce", nonce, sizeof(nonce));
    size_t dn = slurp_hex(dir, "req.data", data, sizeof(data));
    sha512_2(nonce, nn, data, dn, want);
    size_t alen = 0, slen = 0, klen = 0, plen = 0;
    uint8_t *a = slurp(dir, "tpm-req32.attest", &alen);
    uint8_t *sig = slurp(dir, "tpm-req32.sig", &slen);
    uint8_t *ak = slurp(dir, "tpm-ak.pem", &klen);
    uint8_t *pcrs = slurp(dir, "tpm.pcrs", &plen);
    struct cct_pcr_value pv[8];
    size_t npv = 0;
    struct cct_error err;
    if (nn == 0 || dn == 0 || a == NULL || sig == NULL || ak == NULL || pcrs == NULL ||
        cct_pcr_values_parse(pcrs, plen, pv, 8, &npv, &err) != 0) {
        check(0, "generated TPM evidence");
    } else {
        struct cct_verify_options o = CCT_VERIFY_OPTIONS_INIT;
        struct cct_verify_result res;
        o.signature = sig;
        o.signature_len = slen;
        o.ak = ak;
        o.ak_len = klen;
        o.pcrs = pv;
        o.n_pcrs = npv;
        set_request(&o, nonce, nn, data, dn);
        cct_verify_result_init(&res);
        int rc = cct_verify_tpm_quote(a, alen, &o, &res, &err);
        check(rc == 0 && res.ok && status_of(&res, "nonce") == CCT_CHECK_PASSED,
              "TPM extraData = the first 32 bytes of the derived value passes");
        set_request(&o, NULL, 0, NULL, 0);
        o.nonce = want;
        o.nonce_len = 32;
        cct_verify_result_init(&res);
        rc = cct_verify_tpm_quote(a, alen, &o, &res, &err);
        check(rc == 0 && res.ok, "... and equals the raw first 32 bytes of SHA-512 (OpenSSL)");
        o.nonce_len = 64;
        cct_verify_result_init(&res);
        rc = cct_verify_tpm_quote(a, alen, &o, &res, &err);
        check(rc == CCT_EVERIFY && status_of(&res, "nonce") == CCT_CHECK_FAILED,
              "... but not all 64 raw bytes (a raw value is compared exactly)");
    }
    free(a);
    free(sig);
    free(ak);
    free(pcrs);
}

static void test_min_tcb(const char *dir)
{
    size_t rlen = 0, clen = 0, alen = 0;
    uint8_t *r = slurp(dir, "snp.report", &rlen);
    uint8_t *certs = slurp(dir, "snp-certs.pem", &clen);
    uint8_t *ark = slurp(dir, "snp-ark.pem", &alen);
    if (r == NULL || certs == NULL || ark == NULL || rlen < 0x188) {
        check(0, "generated SNP evidence");
        free(r);
        free(certs);
        free(ark);
        return;
    }
    /* REPORTED_TCB at 0x180; a v3 report from CPU family 19h model 01h (Milan layout) */
    unsigned bl = r[0x180], tee = r[0x181], snp = r[0x186], uc = r[0x187];
    struct cct_verify_options o = CCT_VERIFY_OPTIONS_INIT;
    struct cct_verify_result res;
    struct cct_error err;
    char spec[128];
    o.certs = certs;
    o.certs_len = clen;
    o.root = ark;
    o.root_len = alen;
    snprintf(spec, sizeof(spec), "bootloader=%u,tee=%u,snp=%u,microcode=%u", bl, tee, snp, uc);
    o.snp_min_tcb = spec;
    cct_verify_result_init(&res);
    int rc = cct_verify_snp_report(r, rlen, &o, &res, &err);
    check(rc == 0 && res.ok && status_of(&res, "min-tcb") == CCT_CHECK_PASSED,
          "SNP minimum TCB equal to REPORTED_TCB passes");
    snprintf(spec, sizeof(spec), "microcode=%u", uc + 1);
    cct_verify_result_init(&res);
    rc = cct_verify_snp_report(r, rlen, &o, &res, &err);
    const struct cct_check *c = find(&res, "min-tcb");
    char want[64];
    snprintf(want, sizeof(want), "microcode has %u, requires %u", uc, uc + 1);
    check(rc == CCT_EVERIFY && c != NULL && c->status == CCT_CHECK_FAILED &&
              strstr(c->detail, want) != NULL,
          "microcode below its minimum fails min-tcb naming it, what it has and requires");
    static const char *const bad[] = { "fmc=1", "cpu=1", "snp=300", "snp=1,snp=1", "snp" };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char what[96];
        o.snp_min_tcb = bad[i];
        cct_verify_result_init(&res);
        rc = cct_verify_snp_report(r, rlen, &o, &res, &err);
        snprintf(what, sizeof(what), "min TCB '%s' is CCT_EINVAL with a failed input check",
                 bad[i]);
        check(rc == CCT_EINVAL && status_of(&res, "input") == CCT_CHECK_FAILED &&
                  strstr(err.message, "min-tcb") != NULL,
              what);
    }
    o.snp_min_tcb = "";
    cct_verify_result_init(&res);
    rc = cct_verify_snp_report(r, rlen, &o, &res, &err);
    check(rc == 0 && find(&res, "min-tcb") == NULL, "an empty minimum TCB is not checked");
    free(r);
    free(certs);
    free(ark);
}

int main(int argc, char **argv)
{
    char dir[] = "/tmp/cct-verify-rd-XXXXXX";
    struct verify_evidence ev;
    int rc = verify_test_start(argc, argv, "test-verify-reportdata", dir, &ev);
    if (rc != 0) {
        return rc;
    }
    uint8_t *q = ev.quote, *root = ev.root;
    size_t qlen = ev.quote_len, rlen = ev.root_len;
    test_sim(dir);
    test_version3(q, qlen, root, rlen);
    test_generated(dir);
    test_min_tcb(dir);
    free(q);
    free(root);
    return verify_test_end(dir);
}
