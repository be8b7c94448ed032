/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The verification API contract, through the public headers only: a result
 * must be initialised and is written only up to its size, options are
 * versioned (a version 1 caller's shorter struct is never read past its
 * end), inputs that do not apply are refused naming them, and every check
 * has one of three states with ok set only for a passed one; given PCR
 * values fill what event logs do not cover on a TPM quote, and must agree
 * with what they do.
 *
 * usage: test-verify-api GEN_QUOTES (tests/data/gen_quotes.py writes the evidence)
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include <cctrusted/cctrusted.h>
#include <cctrusted/replay.h>
#include <cctrusted/verify.h>

#include "verifyutil.h"

static void test_states(const uint8_t *q, size_t qlen, const uint8_t *root, size_t rlen)
{
    struct cct_verify_result res;
    struct cct_verify_options o = CCT_VERIFY_OPTIONS_INIT;
    struct cct_error err;
    o.root = root;
    o.root_len = rlen;
    cct_verify_result_init(&res);
    int rc = cct_verify_tdx_quote(q, qlen, &o, &res, &err);
    check(rc == 0 && res.ok == 1, "generated TDX quote verifies with its root");
    size_t unchecked = 0, bad = 0;
    for (size_t i = 0; i < res.n_checks; i++) {
        const struct cct_check *c = &res.checks[i];
        bad += c->status != CCT_CHECK_FAILED && c->status != CCT_CHECK_PASSED &&
               c->status != CCT_CHECK_NOT_CHECKED;
        bad += c->ok != (c->status == CCT_CHECK_PASSED);
        unchecked += c->status == CCT_CHECK_NOT_CHECKED;
    }
    check(bad == 0, "every check has one of three states, ok only when passed");
    check(unchecked > 0 && unchecked == res.n_unchecked,
          "n_unchecked counts the not-checked items");
    const struct cct_check *rd = find(&res, "report-data");
    check(rd != NULL && rd->status == CCT_CHECK_NOT_CHECKED && rd->ok == 0,
          "without a nonce, report-data is not checked (and not ok)");
    check(strcmp(cct_check_status_name(CCT_CHECK_PASSED), "ok") == 0 &&
              strcmp(cct_check_status_name(CCT_CHECK_FAILED), "fail") == 0 &&
              strcmp(cct_check_status_name(CCT_CHECK_NOT_CHECKED), "not-checked") == 0,
          "status names");
}

static void test_result_size(const uint8_t *q, size_t qlen, const uint8_t *root, size_t rlen)
{
    struct cct_verify_options o = CCT_VERIFY_OPTIONS_INIT;
    struct cct_error err;
    o.root = root;
    o.root_len = rlen;
    struct cct_verify_result *res = calloc(1, sizeof(*res));
    int rc = res ? cct_verify_report(q, qlen, &o, res, &err) : -1;
    check(rc == CCT_EINVAL && strstr(err.message, "cct_verify_result_init") != NULL,
          "a result without its size is refused");
    free(res);
    /* A caller built against a later, larger layout: the tail is not touched. */
    size_t big = sizeof(struct cct_verify_result) + 64;
    uint8_t *mem = malloc(big);
    if (mem == NULL) {
        check(0, "malloc");
        return;
    }
    memset(mem, 0xAA, big);
    struct cct_verify_result *r2 = (struct cct_verify_result *)(void *)mem;
    r2->size = big;
    rc = cct_verify_report(q, qlen, &o, r2, &err);
    size_t touched = 0;
    for (size_t i = sizeof(struct cct_verify_result); i < big; i++) {
        touched += mem[i] != 0xAA;
    }
    check(rc == 0 && r2->ok && touched == 0,
          "a larger result verifies and its unknown tail is left alone");
    free(mem);
}

static void test_options_version(const uint8_t *q, size_t qlen, const uint8_t *root, size_t rlen)
{
    struct cct_verify_result res;
    struct cct_error err;
    struct cct_verify_options o = CCT_VERIFY_OPTIONS_INIT, o2;
    cct_verify_options_init(&o2);
    check(o2.version == o.version && o.version == CCT_VERIFY_OPTIONS_VERSION && o2.nonce == NULL &&
              o2.logs == NULL && o2.n_logs == 0 && o2.replay == NULL && o2.allow_simulation == 0 &&
              o2.allow_debug == 0 && o2.have_vmpl == 0 && o2.have_at == 0,
          "cct_verify_options_init() gives the CCT_VERIFY_OPTIONS_INIT defaults");
    o.version = 99;
    o.root = root;
    o.root_len = rlen;
    cct_verify_result_init(&res);
    int rc = cct_verify_tdx_quote(q, qlen, &o, &res, &err);
    const struct cct_check *in = find(&res, "input");
    check(rc == CCT_EINVAL && res.ok == 0 && in != NULL && in->status == CCT_CHECK_FAILED,
          "options version 99 is refused with a failed input check");
    /* Version 1: exactly the old layout on the heap; reading a new field would be out of bounds. */
    size_t v1 = offsetof(struct cct_verify_options, mac_key);
    struct cct_verify_options full = CCT_VERIFY_OPTIONS_INIT;
    full.version = 1;
    full.root = root;
    full.root_len = rlen;
    unsigned char *old = malloc(v1);
    if (old == NULL) {
        check(0, "malloc");
        return;
    }
    memcpy(old, &full, v1);
    cct_verify_result_init(&res);
    rc = cct_verify_tdx_quote(q, qlen, (const struct cct_verify_options *)(const void *)old, &res,
                              &err);
    check(rc == 0 && res.ok, "a version 1 options struct is accepted and read only up to its end");
    free(old);
}

static void test_inapplicable(const char *dir, const uint8_t *q, size_t qlen, const uint8_t *root,
                              size_t rlen)
{
    struct cct_verify_result res;
    struct cct_error err;
    struct cct_verify_options o = CCT_VERIFY_OPTIONS_INIT;
    static const uint8_t sig[4] = { 1, 2, 3, 4 };
    o.root = root;
    o.root_len = rlen;
    o.signature = sig;
    o.signature_len = sizeof(sig);
    cct_verify_result_init(&res);
    int rc = cct_verify_tdx_quote(q, qlen, &o, &res, &err);
    check(rc == CCT_EINVAL && strstr(err.message, "signature") != NULL && res.ok == 0,
          "a TPM signature on a TDX quote is refused, naming it");
    size_t slen = 0;
    uint8_t *snp = slurp(dir, "snp.report", &slen);
    struct cct_log_input log;
    memset(&log, 0, sizeof(log));
    log.path = "/dev/null";
    struct cct_verify_options so = CCT_VERIFY_OPTIONS_INIT;
    so.logs = &log;
    so.n_logs = 1;
    cct_verify_result_init(&res);
    rc = snp ? cct_verify_snp_report(snp, slen, &so, &res, &err) : -1;
    check(rc == CCT_EINVAL && strstr(err.message, "eventlog") != NULL,
          "event logs on an SNP report are refused");
    free(snp);
    struct cct_verify_options bad = CCT_VERIFY_OPTIONS_INIT;
    bad.n_logs = 1; /* no logs pointer */
    cct_verify_result_init(&res);
    rc = cct_verify_tdx_quote(q, qlen, &bad, &res, &err);
    check(rc == CCT_EINVAL, "n_logs without logs is refused");
}

static void test_pcr_values(void)
{
    struct cct_pcr_value v[4];
    struct cct_error err;
    size_t n = 99;
    static const char ok[] = "sha1:PCR3=00112233445566778899aabbccddeeff00112233, 7=0x"
                             "0000000000000000000000000000000000000000000000000000000000000001;";
    int rc = cct_pcr_values_parse((const uint8_t *)ok, strlen(ok), v, 4, &n, &err);
    check(rc == 0 && n == 2 && v[0].alg == CCT_ALG_SHA1 && v[0].index == 3 &&
              v[0].digest[1] == 0x11 && v[1].alg == CCT_ALG_SHA256 && v[1].index == 7 &&
              v[1].digest[31] == 1,
          "PCR values: ALG:PCRn=HEX and N=0xHEX (algorithm from the size)");
    static const char *const bad[] = { "sha256:3=0011",
                                       "32=00112233445566778899aabbccddeeff00112233", "3=00112",
                                       "x=00", "sha1:3" };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char what[96];
        rc = cct_pcr_values_parse((const uint8_t *)bad[i], strlen(bad[i]), v, 4, &n, &err);
        snprintf(what, sizeof(what), "PCR values: '%s' refused", bad[i]);
        check(rc == CCT_EMALFORMED && err.offset == 0, what);
    }
    static const char many[] =
        "1=0000000000000000000000000000000000000000 2=0000000000000000000000000000000000000000";
    rc = cct_pcr_values_parse((const uint8_t *)many, strlen(many), v, 1, &n, &err);
    check(rc == CCT_ELIMIT, "PCR values: more than max refused");
}

/* Hex of n bytes into out (2n+1). */
static void tohex(const uint8_t *p, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++) {
        snprintf(out + 2 * i, 3, "%02x", p[i]);
    }
}

static int run_tpm(const uint8_t *att, size_t alen, struct cct_verify_options *o,
                   const char *pcr_text, struct cct_pcr_value *pcrs, struct cct_verify_result *res)
{
    struct cct_error err;
    size_t n = 0;
    o->pcrs = NULL;
    o->n_pcrs = 0;
    if (pcr_text != NULL) {
        if (cct_pcr_values_parse((const uint8_t *)pcr_text, strlen(pcr_text), pcrs,
                                 CCT_MAX_PCR_VALUES, &n, &err) < 0) {
            return -100;
        }
        o->pcrs = pcrs;
        o->n_pcrs = n;
    }
    cct_verify_result_init(res);
    return cct_verify_tpm_quote(att, alen, o, res, &err);
}

static int detail_has(const struct cct_verify_result *res, const char *name, int status,
                      const char *text)
{
    const struct cct_check *c = find(res, name);
    return c != NULL && (int)c->status == status && strstr(c->detail, text) != NULL;
}

/*
 * tpm-sha1.log (gen_quotes.py): 16 EV_IPL events "event N" on PCR N%8, SHA-1;
 * tpm-log.attest quotes SHA-1 PCR0-7. PCR7's value is computed here with
 * OpenSSL; a copy of the log without the PCR7 events leaves PCR7 to the
 * given values.
 */
static void test_pcrs_with_logs(const char *dir)
{
    size_t alen = 0, slen = 0, klen = 0, nlen = 0, llen = 0;
    uint8_t *att = slurp(dir, "tpm-log.attest", &alen), *sig = slurp(dir, "tpm-log.sig", &slen);
    uint8_t *ak = slurp(dir, "tpm-ak.pem", &klen), *nhex = slurp(dir, "tpm-log.nonce", &nlen);
    uint8_t *log = slurp(dir, "tpm-sha1.log", &llen);
    struct cct_pcr_value *pcrs = calloc(CCT_MAX_PCR_VALUES, sizeof(*pcrs));
    struct cct_verify_result *res = malloc(sizeof(*res));
    uint8_t *trim = malloc(llen + 1), nonce[64], pcr7[20], pcr3[20];
    size_t tlen = 0;
    if (!att || !sig || !ak || !nhex || !log || !pcrs || !res || !trim || nlen > 128) {
        check(0, "TPM log quote files");
        return;
    }
    for (size_t i = 0; i + 1 < nlen; i += 2) {
        unsigned v = 0;
        if (sscanf((const char *)nhex + i, "%2x", &v) != 1) {
            check(0, "nonce hex");
            return;
        }
        nonce[i / 2] = (uint8_t)v;
    }
    /* TCG_PCR_EVENT records: index, type, SHA-1 digest, size, data */
    memset(pcr7, 0, sizeof(pcr7));
    memset(pcr3, 0, sizeof(pcr3));
    for (size_t off = 0; off + 32 <= llen;) {
        uint32_t idx = (uint32_t)log[off] | (uint32_t)log[off + 1] << 8;
        uint32_t dl = (uint32_t)log[off + 28] | (uint32_t)log[off + 29] << 8;
        size_t rl = 32 + dl;
        uint8_t *reg = idx == 7 ? pcr7 : idx == 3 ? pcr3 : NULL;
        if (reg != NULL) {
            uint8_t buf[40];
            unsigned int ol = 0;
            memcpy(buf, reg, 20);
            memcpy(buf + 20, log + off + 8, 20);
            EVP_Digest(buf, sizeof(buf), reg, &ol, EVP_sha1(), NULL);
        }
        if (idx != 7) {
            memcpy(trim + tlen, log + off, rl);
            tlen += rl;
        }
        off += rl;
    }
    struct cct_verify_options o = CCT_VERIFY_OPTIONS_INIT;
    struct cct_log_input full = { NULL, log, llen, CCT_LOG_AUTO, CCT_IMA_REGISTER_AUTO, "full" };
    struct cct_log_input cut = { NULL, trim, tlen, CCT_LOG_AUTO, CCT_IMA_REGISTER_AUTO, "cut" };
    char h7[41], h3[41], text[256];
    tohex(pcr7, 20, h7);
    tohex(pcr3, 20, h3);
    o.signature = sig;
    o.signature_len = slen;
    o.ak = ak;
    o.ak_len = klen;
    o.nonce = nonce;
    o.nonce_len = nlen / 2;
    o.logs = &full;
    o.n_logs = 1;
    int rc = run_tpm(att, alen, &o, NULL, pcrs, res);
    check(rc == 0 && detail_has(res, "pcr-digest", CCT_CHECK_PASSED, "sha1 PCR 0-7") &&
              find(res, "pcr-values") == NULL,
          "TPM log alone: pcr-digest ok over sha1 PCR 0-7, no pcr-values check");
    /* the full log and PCR3 as the log replays it (OpenSSL here): agree */
    snprintf(text, sizeof(text), "PCR3 sha1 %s\n", h3);
    rc = run_tpm(att, alen, &o, text, pcrs, res);
    check(rc == 0 && detail_has(res, "pcr-values", CCT_CHECK_PASSED, "(1 also given, equal)"),
          "TPM log + the same PCR3 value: pcr-values ok");
    /* a conflict names the register, the bank and both values */
    snprintf(text, sizeof(text), "PCR3 sha1 %040d\n", 0);
    rc = run_tpm(att, alen, &o, text, pcrs, res);
    char want[160];
    snprintf(want, sizeof(want), "PCR3 sha1: the log replays %s, the file gives %040d", h3, 0);
    check(rc == CCT_EVERIFY && res->ok == 0 &&
              detail_has(res, "pcr-values", CCT_CHECK_FAILED, want),
          "TPM log + a different PCR3: pcr-values fails naming PCR3 sha1 and both values");
    /* PCR7 without events: the quote's digest fails and names it */
    o.logs = &cut;
    rc = run_tpm(att, alen, &o, NULL, pcrs, res);
    check(rc == CCT_EVERIFY &&
              detail_has(res, "pcr-digest", CCT_CHECK_FAILED,
                         "no event and no given value: sha1 PCR 7") &&
              strstr(find(res, "pcr-digest")->detail, "0x0004") == NULL,
          "TPM log without PCR7 events: pcr-digest fails naming sha1 PCR 7 (bank by name)");
    /* the given PCR7 fills it */
    snprintf(text, sizeof(text), "sha1:PCR7=%s\n", h7);
    rc = run_tpm(att, alen, &o, text, pcrs, res);
    check(rc == 0 && detail_has(res, "pcr-values", CCT_CHECK_PASSED, "1 from the file") &&
              detail_has(res, "pcr-digest", CCT_CHECK_PASSED, "8 selected"),
          "TPM log without PCR7 + given PCR7: verified, PCR7 from the given values");
    /* a wrong given PCR7 fails the digest, not the merge */
    pcr7[0] ^= 1;
    tohex(pcr7, 20, h7);
    snprintf(text, sizeof(text), "7 sha1 %s\n", h7);
    rc = run_tpm(att, alen, &o, text, pcrs, res);
    check(rc == CCT_EVERIFY && detail_has(res, "pcr-values", CCT_CHECK_PASSED, "") &&
              detail_has(res, "pcr-digest", CCT_CHECK_FAILED, "differs from the sha256 hash"),
          "TPM log without PCR7 + a wrong PCR7: pcr-digest fails");
    /* given values alone: the missing ones are listed by bank name */
    o.logs = NULL;
    o.n_logs = 0;
    rc = run_tpm(att, alen, &o, text, pcrs, res);
    check(rc == CCT_EVERIFY && detail_has(res, "pcr-digest", CCT_CHECK_FAILED,
                                          "no value given for selected sha1 PCR 0-6"),
          "PCR7 alone: pcr-digest lists sha1 PCR 0-6 as missing");
    free(att);
    free(sig);
    free(ak);
    free(nhex);
    free(log);
    free(pcrs);
    free(res);
    free(trim);
}

int main(int argc, char **argv)
{
    char dir[] = "/tmp/cct-verify-api-XXXXXX";
    struct verify_evidence ev;
    int rc = verify_test_start(argc, argv, "test-verify-api", dir, &ev);
    if (rc != 0) {
        return rc;
    }
    uint8_t *q = ev.quote, *root = ev.root;
    size_t qlen = ev.quote_len, rlen = ev.root_len;
    test_states(q, qlen, root, rlen);
    test_result_size(q, qlen, root, rlen);
    test_options_version(q, qlen, root, rlen);
    test_inapplicable(dir, q, qlen, root, rlen);
    test_pcr_values();
    test_pcrs_with_logs(dir);
    free(q);
    free(root);
    return verify_test_end(dir);
}
