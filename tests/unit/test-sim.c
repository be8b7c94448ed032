/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The simulated platform: registers, generated CCEL boot log, runtime
 * extends, and the TDX quote v4 it produces. Expected values are computed
 * here with OpenSSL directly (extend = SHA-384(old || digest), REPORTDATA =
 * SHA-512(nonce)), and the quote signatures are verified with the public
 * keys it carries.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/params.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include <cctrusted/context.h>

#include "tee-test.h"

/* Offsets in a TDX quote v4 (header 48, body 584). */
#define Q_BODY 48
#define Q_MRTD (Q_BODY + 16 + 48 + 48 + 8 + 8 + 8)
#define Q_RTMR0 (Q_MRTD + 4 * 48)
#define Q_REPORTDATA (Q_RTMR0 + 4 * 48)
#define Q_SIGLEN (Q_BODY + 584)

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

/* ECDSA P-256 / SHA-256 verify of r||s over msg with the raw x||y public key. */
static int verify_raw(const uint8_t *pub, const uint8_t *sig, const uint8_t *msg, size_t len)
{
    uint8_t pt[65], der[80];
    pt[0] = 4;
    memcpy(pt + 1, pub, 64);
    char group[] = "prime256v1";
    OSSL_PARAM params[] = { OSSL_PARAM_construct_utf8_string("group", group, 0),
                            OSSL_PARAM_construct_octet_string("pub", pt, sizeof(pt)),
                            OSSL_PARAM_construct_end() };
    EVP_PKEY_CTX *pc = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    EVP_PKEY *key = NULL;
    int ok = pc && EVP_PKEY_fromdata_init(pc) == 1 &&
             EVP_PKEY_fromdata(pc, &key, EVP_PKEY_PUBLIC_KEY, params) == 1;
    EVP_PKEY_CTX_free(pc);
    ECDSA_SIG *s = ECDSA_SIG_new();
    ok = ok && s && ECDSA_SIG_set0(s, BN_bin2bn(sig, 32, NULL), BN_bin2bn(sig + 32, 32, NULL)) == 1;
    unsigned char *dp = der;
    int dl = ok ? i2d_ECDSA_SIG(s, &dp) : -1;
    ECDSA_SIG_free(s);
    EVP_MD_CTX *m = EVP_MD_CTX_new();
    ok = ok && dl > 0 && m && EVP_DigestVerifyInit(m, NULL, EVP_sha256(), NULL, key) == 1 &&
         EVP_DigestVerify(m, der, (size_t)dl, msg, len) == 1;
    EVP_MD_CTX_free(m);
    EVP_PKEY_free(key);
    return ok;
}

/* The boot registers equal what tests/unit/sim_rtmrs.py derives from docs/SIM.md with hashlib. */
static void check_against_python(const char *dir)
{
    const char *src = getenv("CCT_SOURCE_ROOT");
    char cmd[4096], line[256], path[4096];
    snprintf(cmd, sizeof(cmd), "python3 %s/tests/unit/sim_rtmrs.py", src ? src : ".");
    snprintf(path, sizeof(path), "%s/registers", dir);
    size_t n = 0;
    uint8_t *regs = tee_slurp(path, &n);
    FILE *p = popen(cmd, "r");
    int lines = 0;
    CHECK(regs != NULL && p != NULL);
    while (regs && p && fgets(line, sizeof(line), p) != NULL) {
        /* Same "NAME hex" line format as the state file. */
        CHECK(strstr((const char *)regs, line) != NULL);
        lines++;
    }
    CHECK(lines == 5);
    if (p) {
        CHECK(pclose(p) == 0);
    }
    free(regs);
}

int main(void)
{
    char *dir = tee_tempdir("sim");
    struct cct_open_options o = CCT_OPEN_OPTIONS_INIT;
    struct cct_error err;
    cct_context *ctx = NULL;
    o.platform = CCT_PLATFORM_SIM;
    o.sim_state_dir = dir;
    CHECK_RC(cct_open(&o, &ctx, &err), 0);
    if (ctx == NULL) {
        fprintf(stderr, "open: %s\n", err.message);
        return 1;
    }
    CHECK(cct_context_platform(ctx) == CCT_PLATFORM_SIM);

    /* Detection never picks sim, even with a state directory present. */
    struct cct_detection det;
    struct cct_open_options od = CCT_OPEN_OPTIONS_INIT;
    od.sysroot = dir;
    CHECK_RC(cct_detect(&od, &det), 0);
    CHECK(det.chosen != CCT_PLATFORM_SIM);

    uint16_t alg = 0;
    uint32_t count = 0;
    CHECK_RC(cct_get_default_algorithm(ctx, &alg), 0);
    CHECK(alg == CCT_ALG_SHA384);
    CHECK_RC(cct_get_measurement_count(ctx, &count), 0);
    CHECK(count == 4);
    struct cct_measurement m0, m3;
    CHECK_RC(cct_get_measurement(ctx, 4, 0, &m0), CCT_ENOTFOUND);
    CHECK_RC(cct_get_measurement(ctx, 0, CCT_ALG_SHA256, &m0), CCT_ENOTFOUND);
    CHECK_RC(cct_get_measurement(ctx, 3, 0, &m3), 0);
    static const uint8_t zero48[48];
    CHECK(memcmp(m3.digest, zero48, 48) == 0); /* nothing extended RTMR3 at boot */
    CHECK_RC(cct_get_measurement(ctx, 0, 0, &m0), 0);
    CHECK(memcmp(m0.digest, zero48, 48) != 0);

    /* The boot log: CCEL, SpecID first, 0xFF padding, replays to RTMR0-2. */
    struct cct_log_source src[CCT_MAX_LOG_SOURCES];
    size_t n = 0;
    CHECK_RC(cct_get_log_sources(ctx, src, CCT_MAX_LOG_SOURCES, &n), 0);
    CHECK(n == 1 && src[0].format == CCT_LOG_CCEL && strcmp(src[0].role, "boot") == 0);
    cct_eventlog *log = NULL;
    CHECK_RC(cct_get_eventlog(ctx, 0, 0, CCT_COUNT_ALL, &log), 0);
    struct cct_event ev;
    int events = 0, rtmr2_events = 0;
    while (log && cct_eventlog_next(log, &ev) > 0) {
        if (events == 0) {
            CHECK((ev.flags & CCT_EVENT_F_HEADER) != 0 && ev.index_logged == 1);
        }
        if (ev.kind == CCT_REG_RTMR && ev.index == 2) {
            rtmr2_events++;
        }
        events++;
    }
    CHECK(events >= 8);
    CHECK(rtmr2_events == 1);
    CHECK(log && cct_eventlog_padding(log) > 0);
    cct_eventlog_free(log);
    tee_check_rtmrs_replay(ctx, "sim");
    check_against_python(dir);

    /* Two runtime extends of RTMR3; expected values computed here. */
    uint8_t d1[48], d2[48], want[48], buf[96];
    SHA384((const uint8_t *)"first runtime event", 19, d1);
    SHA384((const uint8_t *)"second runtime event", 20, d2);
    memset(buf, 0, 48);
    memcpy(buf + 48, d1, 48);
    SHA384(buf, 96, want);
    memcpy(buf, want, 48);
    memcpy(buf + 48, d2, 48);
    SHA384(buf, 96, want);
    CHECK_RC(cct_extend(ctx, 3, d1, 48, (const uint8_t *)"first", 5), 0);
    CHECK_RC(cct_extend(ctx, 3, d2, 48, NULL, 0), 0);
    CHECK_RC(cct_extend(ctx, 1, d2, 48, NULL, 0), CCT_EPERM);
    CHECK_RC(cct_extend(ctx, 3, d2, 32, NULL, 0), CCT_EINVAL);
    CHECK_RC(cct_get_measurement(ctx, 3, 0, &m3), 0);
    CHECK(memcmp(m3.digest, want, 48) == 0);
    CHECK_RC(cct_get_log_sources(ctx, src, CCT_MAX_LOG_SOURCES, &n), 0);
    CHECK(n == 2 && src[1].format == CCT_LOG_CEL_TLV && strcmp(src[1].role, "runtime") == 0);
    tee_check_rtmrs_replay(ctx, "sim");

    /* The runtime records: RTMR3 (CC MR index 4), EV_EVENT_TAG with our data. */
    CHECK_RC(cct_get_eventlog(ctx, 1, 0, CCT_COUNT_ALL, &log), 0);
    int recs = 0;
    while (log && cct_eventlog_next(log, &ev) > 0) {
        CHECK(ev.kind == CCT_REG_RTMR && ev.index == 3 && ev.index_logged == 4);
        CHECK(ev.n_digests == 1 && ev.digests[0].alg == CCT_ALG_SHA384);
        CHECK(memcmp(ev.digests[0].bytes, recs == 0 ? d1 : d2, 48) == 0);
        CHECK(ev.type == 6 && (ev.flags & CCT_EVENT_F_HEADER) == 0);
        if (recs == 0) {
            CHECK(ev.data_len == 13 && memcmp(ev.data + 8, "first", 5) == 0);
        }
        recs++;
    }
    CHECK(recs == 2);
    cct_eventlog_free(log);

    /* A quote v4 bound to the nonce. */
    struct cct_report_request req = CCT_REPORT_REQUEST_INIT;
    req.nonce = (const uint8_t *)"nonce-1234";
    req.nonce_len = 10;
    cct_report *rep = NULL;
    CHECK_RC(cct_get_report(ctx, &req, &rep), 0);
    size_t qlen = 0;
    const uint8_t *q = cct_report_data(rep, &qlen);
    uint8_t rd[64];
    SHA512((const uint8_t *)"nonce-1234", 10, rd);
    CHECK(q != NULL && qlen > Q_SIGLEN + 4);
    if (q != NULL && qlen > Q_SIGLEN + 4 + 128 + 6 + 384 + 64 + 2) {
        CHECK(le16(q) == 4 && le16(q + 2) == 2 && le32(q + 4) == 0x81);
        CHECK(memcmp(q + Q_REPORTDATA, rd, 64) == 0);
        CHECK(memcmp(q + Q_RTMR0 + 3 * 48, want, 48) == 0);
        CHECK(memcmp(q + Q_RTMR0, m0.digest, 48) == 0);
        uint32_t siglen = le32(q + Q_SIGLEN);
        CHECK(Q_SIGLEN + 4 + (size_t)siglen == qlen);
        const uint8_t *sd = q + Q_SIGLEN + 4;
        const uint8_t *sig = sd, *ak = sd + 64;
        CHECK(verify_raw(ak, sig, q, Q_SIGLEN));
        CHECK(le16(sd + 128) == 6);
        const uint8_t *qe = sd + 134;
        const uint8_t *qe_sig = qe + 384;
        uint16_t auth_len = le16(qe_sig + 64);
        const uint8_t *auth = qe_sig + 66;
        /* QE REPORTDATA = SHA-256(AK || QE auth data) || zeros. */
        uint8_t bind[64 + 256], h[32];
        CHECK(auth_len <= 256);
        memcpy(bind, ak, 64);
        memcpy(bind + 64, auth, auth_len);
        SHA256(bind, 64 + (size_t)auth_len, h);
        CHECK(memcmp(qe + 320, h, 32) == 0);
        CHECK(memcmp(qe + 352, zero48, 32) == 0);
        const uint8_t *cd = auth + auth_len;
        CHECK(le16(cd) == 5);
        uint32_t chain_len = le32(cd + 2);
        CHECK(cd + 6 + chain_len == q + qlen);
        /* The QE report is signed by the PCK certificate's key, which chains to the sim root. */
        BIO *bio = BIO_new_mem_buf(cd + 6, (int)chain_len);
        X509 *pck = PEM_read_bio_X509(bio, NULL, NULL, NULL);
        X509 *root = PEM_read_bio_X509(bio, NULL, NULL, NULL);
        CHECK(pck != NULL && root != NULL);
        if (pck && root) {
            char cn[128];
            X509_NAME_get_text_by_NID(X509_get_subject_name(root), NID_commonName, cn, sizeof(cn));
            CHECK(strcmp(cn, "cctrusted SIMULATION root - not trusted") == 0);
            CHECK(X509_verify(pck, X509_get0_pubkey(root)) == 1);
            CHECK(X509_verify(root, X509_get0_pubkey(root)) == 1);
            uint8_t pub[65];
            size_t pl = 0;
            EVP_PKEY_get_octet_string_param(X509_get0_pubkey(pck), "encoded-pub-key", pub,
                                            sizeof(pub), &pl);
            CHECK(pl == 65 && verify_raw(pub + 1, qe_sig, qe, 384));
        }
        X509_free(pck);
        X509_free(root);
        BIO_free(bio);
    }
    CHECK(strcmp(cct_report_provider(rep), "sim") == 0);
    cct_report_free(rep);

    /* Keys persist: a second context signs with the same AK. */
    cct_context *ctx2 = NULL;
    cct_report *r1 = NULL, *r2 = NULL;
    CHECK_RC(cct_open(&o, &ctx2, &err), 0);
    CHECK_RC(cct_get_report(ctx, &req, &r1), 0);
    CHECK_RC(cct_get_report(ctx2, &req, &r2), 0);
    if (r1 && r2) {
        const uint8_t *a = cct_report_data(r1, NULL), *b = cct_report_data(r2, NULL);
        CHECK(memcmp(a + Q_SIGLEN + 4 + 64, b + Q_SIGLEN + 4 + 64, 64) == 0);
    }
    cct_report_free(r1);
    cct_report_free(r2);
    tee_check_rtmrs_replay(ctx2, "sim");
    cct_close(ctx2);
    cct_close(ctx);
    tee_rmrf(dir);
    free(dir);
    if (tee_failures) {
        fprintf(stderr, "%d check(s) failed\n", tee_failures);
        return 1;
    }
    printf("sim: ok\n");
    return 0;
}
