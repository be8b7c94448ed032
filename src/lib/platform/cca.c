/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Arm CCA realm backend.
 *
 * Reports: configfs-tsm (provider arm_cca_guest) with a 32-64 byte
 * challenge; the outblob is the CCA attestation token (CBOR).
 * Registers: RIM (index 0) and REM0-3 (1-4) are claims of the realm token;
 * the RMM gives no other way to read them to a Linux guest. A read requests a
 * fresh token (all-zero 64-byte challenge, as the SNP backend does for its
 * launch measurement), parses it (formats/cca) and returns the claim. The
 * realm hash algorithm (SHA-256 or SHA-512, fixed when the realm is created)
 * is the only algorithm of the registers; the default algorithm is that one,
 * learnt from the first token of the context (SHA-256 when no token can be had).
 * The token is not verified here: cct_verify_report() does that.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cctrusted/algorithm.h>
#include <cctrusted/report.h>

#include "formats/cca/cca.h"
#include "platform/tee.h"
#include "util/error.h"

#define CCA_DEV "/sys/bus/platform/devices/arm-cca-dev"
#define CCA_CHALLENGE_MIN 32u
#define CCA_CHALLENGE_MAX 64u

static int cca_detect(const char *sysroot, struct cct_detection *d)
{
    char p[CCT_PATH_MAX];
    cct_tsm_probe(sysroot, d, CCT_PLATFORM_CCA);
    int dev = cct_tee_exists(sysroot, CCA_DEV, p, sizeof(p));
    cct_probe_add(d, CCT_PLATFORM_CCA, "CCA guest device", p, dev,
                  dev ? "arm-cca-dev platform device present (realm)" : "absent");
    return dev;
}

static int cca_report(cct_context *ctx, const uint8_t *rd, size_t rd_len,
                      const struct cct_report_request *req, struct cct_report *out);

/*
 * A fresh realm token, parsed: *alg is its realm hash algorithm. The caller
 * frees rep->data, rep->aux and the token.
 */
static int realm_token(cct_context *ctx, struct cct_report *rep, struct cct_cca_token *t,
                       uint16_t *alg)
{
    static const uint8_t challenge[CCA_CHALLENGE_MAX];
    struct cct_report_request req = CCT_REPORT_REQUEST_INIT;
    struct cct_error perr;
    memset(rep, 0, sizeof(*rep));
    memset(t, 0, sizeof(*t));
    int r = cca_report(ctx, challenge, sizeof(challenge), &req, rep);
    if (r < 0) {
        return r;
    }
    r = cct_cca_token_parse(rep->data, rep->len, t, &perr);
    if (r < 0) {
        return cct_err(&ctx->err, r, perr.event, perr.offset,
                       "the CCA token from configfs-tsm does not parse: %s", perr.message);
    }
    if (!t->has_realm) {
        return cct_err(&ctx->err, CCT_EMALFORMED, -1, -1,
                       "the CCA token from configfs-tsm has no realm token");
    }
    *alg = cct__cca_hash_alg(t->realm_hash_algo, t->realm_hash_algo_len);
    if (*alg == CCT_ALG_ERROR) {
        return cct_err(&ctx->err, CCT_EUNSUPPORTED, -1, -1,
                       "the realm token names hash algorithm '%.*s', which is not supported",
                       (int)(t->realm_hash_algo_len > 32 ? 32 : t->realm_hash_algo_len),
                       t->realm_hash_algo ? t->realm_hash_algo : "");
    }
    ctx->priv = (void *)(uintptr_t)*alg; /* fixed for the realm's life */
    return 0;
}

static int cca_default_alg(cct_context *ctx, uint16_t *alg)
{
    uintptr_t known = (uintptr_t)ctx->priv;
    if (known == 0) {
        struct cct_report rep;
        struct cct_cca_token t;
        uint16_t a = 0;
        int r = realm_token(ctx, &rep, &t, &a);
        cct_cca_token_free(&t);
        free(rep.data);
        free(rep.aux);
        /* No token to be had (no configfs-tsm, an RMM error): the usual realm algorithm. */
        known = r == 0 ? a : CCT_ALG_SHA256;
        cct_error_clear(&ctx->err);
    }
    *alg = (uint16_t)known;
    return 0;
}

static int cca_count(cct_context *ctx, uint32_t *count)
{
    *count = 5;
    return 0;
}

static int cca_read(cct_context *ctx, uint32_t index, uint16_t alg, struct cct_measurement *out)
{
    if (index >= 5) {
        return cct_err(&ctx->err, CCT_ENOTFOUND, -1, -1,
                       "CCA has RIM (0) and REM0-3 (1-4); no register %u", index);
    }
    uintptr_t known = (uintptr_t)ctx->priv;
    if (known != 0 && alg != known) {
        /* The realm's algorithm is known: no token is requested for another one. */
        return cct_err(&ctx->err, CCT_ENOTFOUND, -1, -1,
                       "the realm measures with %s only; no %s value of register %u",
                       cct_alg_name((uint16_t)known),
                       cct_alg_name(alg) ? cct_alg_name(alg) : "unknown-algorithm", index);
    }
    struct cct_report rep;
    struct cct_cca_token t;
    uint16_t ralg = 0;
    int r = realm_token(ctx, &rep, &t, &ralg);
    if (r == 0) {
        const uint8_t *v = index == 0 ? t.rim : t.rem[index - 1];
        size_t n = index == 0 ? t.rim_len : t.rem_len[index - 1];
        char name[8] = "RIM";
        if (index > 0) {
            snprintf(name, sizeof(name), "REM%u", index - 1);
        }
        if (alg != ralg) {
            r = cct_err(&ctx->err, CCT_ENOTFOUND, -1, -1,
                        "the realm measures with %s only; no %s value of %s", cct_alg_name(ralg),
                        cct_alg_name(alg) ? cct_alg_name(alg) : "unknown-algorithm", name);
        } else if (v == NULL || n != cct_alg_digest_size(ralg)) {
            r = cct_err(&ctx->err, CCT_EMALFORMED, -1, -1,
                        "the realm token's %s claim is %s (%zu bytes), not a %s value", name,
                        v == NULL ? "absent" : "of the wrong size", v == NULL ? (size_t)0 : n,
                        cct_alg_name(ralg));
        } else {
            /* No dedicated register kind: RIM and REMs by index, as SNP's launch register. */
            cct_measurement_set(out, CCT_REG_PCR, index, ralg, v, n);
        }
    }
    cct_cca_token_free(&t);
    free(rep.data);
    free(rep.aux);
    return r;
}

static int cca_report(cct_context *ctx, const uint8_t *rd, size_t rd_len,
                      const struct cct_report_request *req, struct cct_report *out)
{
    if (rd_len < CCA_CHALLENGE_MIN || rd_len > CCA_CHALLENGE_MAX) {
        return cct_err(&ctx->err, CCT_EINVAL, -1, -1, "a CCA challenge is %u-%u bytes, got %zu",
                       CCA_CHALLENGE_MIN, CCA_CHALLENGE_MAX, rd_len);
    }
    char p[CCT_PATH_MAX];
    if (!cct_tee_exists(ctx->sysroot, CCT_TSM_REPORT_DIR, p, sizeof(p))) {
        return cct_err(&ctx->err, CCT_EUNSUPPORTED, -1, -1,
                       "%s is absent: CCA tokens come only from configfs-tsm", p);
    }
    struct cct_tsm_request t = { rd, rd_len, -1, "arm_cca_guest", 0 };
    return cct_tsm_report(ctx, &t, out);
}

static int cca_log_sources(cct_context *ctx, struct cct_log_source *out, size_t max, size_t *n)
{
    *n = 0;
    return 0;
}

const struct cct_platform_ops cct_platform_cca = {
    .platform = CCT_PLATFORM_CCA,
    .name = "cca",
    .detect = cca_detect,
    .default_alg = cca_default_alg,
    .count = cca_count,
    .read = cca_read,
    .report = cca_report,
    .log_sources = cca_log_sources,
    .extend = NULL,
};
