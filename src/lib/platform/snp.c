/* SPDX-License-Identifier: Apache-2.0 */
/*
 * AMD SEV-SNP guest backend.
 *
 * Reports: configfs-tsm (provider sev_guest; privlevel = VMPL; auxblob = the
 * certificate table), else the /dev/sev-guest ioctls SNP_GET_EXT_REPORT
 * (report + certificates) and SNP_GET_REPORT.
 * Register: the launch MEASUREMENT (index 0, SHA-384) is not readable on its
 * own; it is taken from a fresh attestation report (offset 0x90, 48 bytes).
 * No boot log, no extendable register: only the runtime log of the API
 * layer applies.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "platform/tee.h"
#include "util/error.h"
#include "util/reader.h"

#define SNP_DEV "/dev/sev-guest"
#define SNP_SYSFS "/sys/class/misc/sev-guest"

/* linux/sev-guest.h, defined here field by field. */
struct snp_report_req {
    uint8_t user_data[64];
    uint32_t vmpl;
    uint8_t rsvd[28];
};
struct snp_report_resp {
    uint8_t data[4000];
};
struct snp_ext_report_req {
    struct snp_report_req data;
    uint64_t certs_address;
    uint32_t certs_len;
};
struct snp_guest_request_ioctl {
    uint8_t msg_version;
    uint64_t req_data;
    uint64_t resp_data;
    union {
        uint64_t exitinfo2;
        struct {
            uint32_t fw_error;
            uint32_t vmm_error;
        } err;
    } u;
};
#define SNP_GET_REPORT _IOWR('S', 0x0, struct snp_guest_request_ioctl)
#define SNP_GET_EXT_REPORT _IOWR('S', 0x2, struct snp_guest_request_ioctl)
#define SNP_GUEST_VMM_ERR_INVALID_LEN 1u
#define SNP_CERTS_MAX (64u * 4096u)

/* SEV-SNP firmware ABI, MSG_REPORT_RSP: STATUS u32, REPORT_SIZE u32,
 * reserved to 0x20, then ATTESTATION_REPORT. */
#define SNP_RSP_REPORT 0x20u
/* ATTESTATION_REPORT: REPORT_DATA at 0x50 (64), MEASUREMENT at 0x90 (48). */
#define SNP_REPORT_MEASUREMENT 0x90u
#define SNP_MEASUREMENT_LEN 48u
#define SNP_REPORT_MIN 0x4A0u /* 1184: version 2 report with signature */

static int snp_detect(const char *sysroot, struct cct_detection *d)
{
    char p[CCT_PATH_MAX];
    cct_tsm_probe(sysroot, d, CCT_PLATFORM_SNP);
    int dev = cct_tee_exists(sysroot, SNP_DEV, p, sizeof(p));
    cct_probe_add(d, CCT_PLATFORM_SNP, "SEV guest device", p, dev,
                  dev ? "sev-guest device present (SNP_GET_REPORT)" : "absent");
    int sys = cct_tee_exists(sysroot, SNP_SYSFS, p, sizeof(p));
    cct_probe_add(d, CCT_PLATFORM_SNP, "SEV guest sysfs", p, sys,
                  sys ? "sev-guest driver registered" : "absent");
    /* A host with SNP support shows the flag too: it confirms, it does not decide. */
    int flag = cct_cpuinfo_has_flag(sysroot, "sev_snp");
    cct_path(sysroot, "/proc/cpuinfo", p, sizeof(p));
    cct_probe_add(d, CCT_PLATFORM_SNP, "cpuinfo sev_snp flag", p, flag > 0,
                  flag > 0 ? "SEV-SNP supported or active (also set on hosts; not decisive)"
                           : "no sev_snp flag");
    return (dev || sys) ? 1 : 0;
}

static int snp_default_alg(cct_context *ctx, uint16_t *alg)
{
    *alg = CCT_ALG_SHA384;
    return 0;
}

static int snp_count(cct_context *ctx, uint32_t *count)
{
    *count = 1;
    return 0;
}

/* Take the ATTESTATION_REPORT out of a MSG_REPORT_RSP. */
static int parse_rsp(cct_context *ctx, const uint8_t *rsp, size_t len, struct cct_report *out)
{
    struct cct_reader r;
    uint32_t status, size;
    cct_reader_init(&r, rsp, len, 0);
    if (!cct_read_u32le(&r, &status) || !cct_read_u32le(&r, &size) ||
        !cct_read_skip(&r, SNP_RSP_REPORT - 8)) {
        return cct_err(&ctx->err, CCT_ETRUNCATED, -1, -1, "SNP report response truncated");
    }
    if (status != 0) {
        return cct_err(&ctx->err, CCT_EIO, -1, -1, "SNP firmware returned status 0x%x", status);
    }
    if (size < SNP_REPORT_MIN || size > cct_reader_left(&r)) {
        return cct_err(&ctx->err, CCT_EMALFORMED, -1, -1, "SNP report size %u out of range", size);
    }
    out->data = malloc(size);
    if (out->data == NULL) {
        return cct_err(&ctx->err, CCT_ENOMEM, -1, -1, "out of memory");
    }
    if (!cct_read_copy(&r, out->data, size)) { /* size <= what is left (checked above) */
        free(out->data);
        out->data = NULL;
        return cct_err(&ctx->err, CCT_ETRUNCATED, -1, -1, "SNP report shorter than its size %u",
                       size);
    }
    out->len = size;
    return 0;
}

static int snp_ioctl_report(cct_context *ctx, const uint8_t *rd, int vmpl, int ext,
                            struct cct_report *out)
{
    char dev[CCT_PATH_MAX];
    if (cct_path(ctx->sysroot, SNP_DEV, dev, sizeof(dev)) < 0) {
        return cct_err(&ctx->err, CCT_ELIMIT, -1, -1, "path too long");
    }
    int fd = open(dev, O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        return cct_err_sys(&ctx->err, cct_code_from_errno(e), e, "cannot open %s", dev);
    }
    struct snp_ext_report_req ereq;
    struct snp_report_resp *resp = calloc(1, sizeof(*resp));
    uint8_t *certs = NULL;
    uint32_t certs_len = ext ? 4 * 4096u : 0;
    int r = 0;
    if (resp == NULL) {
        close(fd);
        return cct_err(&ctx->err, CCT_ENOMEM, -1, -1, "out of memory");
    }
    for (;;) {
        memset(&ereq, 0, sizeof(ereq));
        memcpy(ereq.data.user_data, rd, sizeof(ereq.data.user_data));
        ereq.data.vmpl = (uint32_t)(vmpl < 0 ? 0 : vmpl);
        if (ext) {
            free(certs);
            /* The kernel wants a page-aligned buffer length. */
            certs = aligned_alloc(4096, certs_len);
            if (certs == NULL) {
                r = cct_err(&ctx->err, CCT_ENOMEM, -1, -1, "out of memory");
                break;
            }
            memset(certs, 0, certs_len);
            ereq.certs_address = (uint64_t)(uintptr_t)certs;
            ereq.certs_len = certs_len;
        }
        struct snp_guest_request_ioctl io;
        memset(&io, 0, sizeof(io));
        io.msg_version = 1;
        io.req_data = ext ? (uint64_t)(uintptr_t)&ereq : (uint64_t)(uintptr_t)&ereq.data;
        io.resp_data = (uint64_t)(uintptr_t)resp;
        if (ioctl(fd, ext ? SNP_GET_EXT_REPORT : SNP_GET_REPORT, &io) == 0) {
            r = parse_rsp(ctx, resp->data, sizeof(resp->data), out);
            if (r == 0 && ext) {
                out->aux = certs;
                out->aux_len = certs_len;
                certs = NULL;
            }
            break;
        }
        int e = errno;
        if (ext && io.u.err.vmm_error == SNP_GUEST_VMM_ERR_INVALID_LEN &&
            ereq.certs_len > certs_len && ereq.certs_len <= SNP_CERTS_MAX) {
            certs_len = (ereq.certs_len + 4095u) & ~4095u;
            continue;
        }
        r = cct_err_sys(&ctx->err, cct_code_from_errno(e), e,
                        "%s: %s failed (fw_error 0x%x, vmm_error 0x%x)", dev,
                        ext ? "SNP_GET_EXT_REPORT" : "SNP_GET_REPORT", io.u.err.fw_error,
                        io.u.err.vmm_error);
        break;
    }
    close(fd);
    free(certs);
    OPENSSL_cleanse(resp, sizeof(*resp));
    free(resp);
    if (r == 0) {
        snprintf(out->provider, sizeof(out->provider), "sev_guest");
    }
    return r;
}

static int snp_report(cct_context *ctx, const uint8_t *rd, size_t rd_len,
                      const struct cct_report_request *req, struct cct_report *out)
{
    uint8_t full[64] = { 0 };
    memcpy(full, rd, rd_len);
    int privlevel = req ? req->privlevel : -1;
    char p[CCT_PATH_MAX];
    if (cct_tee_exists(ctx->sysroot, CCT_TSM_REPORT_DIR, p, sizeof(p))) {
        struct cct_tsm_request t = { full, sizeof(full), privlevel, "sev_guest", 1 };
        return cct_tsm_report(ctx, &t, out);
    }
    int r = snp_ioctl_report(ctx, full, privlevel, 1, out);
    if (r < 0 && r != CCT_ENOTFOUND && r != CCT_EPERM) {
        /* Hosts without a certificate table refuse the extended request. */
        r = snp_ioctl_report(ctx, full, privlevel, 0, out);
    }
    return r;
}

static int snp_read(cct_context *ctx, uint32_t index, uint16_t alg, struct cct_measurement *out)
{
    if (index != 0) {
        return cct_err(&ctx->err, CCT_ENOTFOUND, -1, -1,
                       "SEV-SNP has one register (the launch measurement)");
    }
    if (alg != CCT_ALG_SHA384) {
        return cct_err(&ctx->err, CCT_ENOTFOUND, -1, -1, "the SNP launch measurement is SHA-384");
    }
    static const uint8_t zero[64];
    struct cct_report rep;
    struct cct_report_request req = CCT_REPORT_REQUEST_INIT;
    memset(&rep, 0, sizeof(rep));
    int r = snp_report(ctx, zero, sizeof(zero), &req, &rep);
    if (r < 0) {
        return r;
    }
    struct cct_reader rd;
    uint8_t m[SNP_MEASUREMENT_LEN];
    cct_reader_init(&rd, rep.data, rep.len, 0);
    int ok = cct_read_skip(&rd, SNP_REPORT_MEASUREMENT) && cct_read_copy(&rd, m, sizeof(m));
    free(rep.data);
    free(rep.aux);
    if (!ok) {
        return cct_err(&ctx->err, CCT_ETRUNCATED, -1, -1, "SNP report too short for MEASUREMENT");
    }
    /* No dedicated kind: a single launch register. */
    cct_measurement_set(out, CCT_REG_PCR, 0, CCT_ALG_SHA384, m, sizeof(m));
    return 0;
}

static int snp_log_sources(cct_context *ctx, struct cct_log_source *out, size_t max, size_t *n)
{
    *n = 0;
    return 0;
}

const struct cct_platform_ops cct_platform_snp = {
    .platform = CCT_PLATFORM_SNP,
    .name = "snp",
    .detect = snp_detect,
    .default_alg = snp_default_alg,
    .count = snp_count,
    .read = snp_read,
    .report = snp_report,
    .log_sources = snp_log_sources,
    .extend = NULL,
};
