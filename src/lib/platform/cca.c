/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Arm CCA realm backend.
 *
 * Reports: configfs-tsm (provider arm_cca_guest) with a 32-64 byte
 * challenge; the outblob is the CCA attestation token (CBOR).
 * Registers: RIM (index 0) and REM0-3 (1-4) are claims inside the realm
 * token; reading them needs the token parser, which is not part of this
 * backend, so reads report CCT_EUNSUPPORTED.
 */
#include <stdio.h>
#include <string.h>

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

static int cca_default_alg(cct_context *ctx, uint16_t *alg)
{
    *alg = CCT_ALG_SHA256;
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
    return cct_err(
        &ctx->err, CCT_EUNSUPPORTED, -1, -1,
        "CCA RIM/REM values are claims in the attestation token; token parsing is not available "
        "to this backend (request a report and parse the token)");
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
