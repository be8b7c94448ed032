/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Intel TDX guest backend.
 *
 * Registers: RTMR0-3 (SHA-384) from the tsm-mr sysfs files
 * /sys/class/misc/tdx_guest/measurements/rtmrN:sha384 (Linux 6.16+), else
 * from a TDREPORT (ioctl TDX_CMD_GET_REPORT0 on /dev/tdx_guest).
 * Extend: write the 48-byte digest to rtmrN:sha384 (the kernel accepts
 * RTMR2 and RTMR3 only).
 * Reports: configfs-tsm (provider tdx_guest), or the host quote generation
 * service over vsock when /etc/tdx-attest.conf names a port.
 * Logs: CCEL data area, IMA (when the library parses it); the runtime log
 * is added by the API layer.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <linux/vm_sockets.h>

#include <openssl/crypto.h>

#include <cctrusted/ccel.h>

#include "platform/tee.h"
#include "util/error.h"
#include "util/hex.h"
#include "util/reader.h"

#define TDX_RTMRS 4
#define TDX_DIGEST 48
#define TDX_DEV "/dev/tdx_guest"
#define TDX_SYSFS "/sys/class/misc/tdx_guest"
#define TDX_MR_DIR TDX_SYSFS "/measurements"
#define CCEL_TABLE "/sys/firmware/acpi/tables/CCEL"
#define CCEL_DATA "/sys/firmware/acpi/tables/data/CCEL"
#define IMA_ASCII "/sys/kernel/security/ima/ascii_runtime_measurements"
#define IMA_BINARY "/sys/kernel/security/ima/binary_runtime_measurements"
#define TDX_ATTEST_CONF "/etc/tdx-attest.conf"

/* linux/tdx-guest.h: struct tdx_report_req { __u8 reportdata[64]; __u8 tdreport[1024]; } */
#define TDX_REPORTDATA_LEN 64
#define TDX_REPORT_LEN 1024
struct tdx_report_req {
    uint8_t reportdata[TDX_REPORTDATA_LEN];
    uint8_t tdreport[TDX_REPORT_LEN];
};
#define TDX_CMD_GET_REPORT0 _IOWR('T', 1, struct tdx_report_req)

/* TDREPORT_STRUCT (TDX module ABI, "TDREPORT_STRUCT"): REPORTMACSTRUCT (256)
 * at 0, TEE_TCB_INFO (239) at 256, reserved (17), TDINFO (512) at 512.
 * TDINFO: ATTRIBUTES 8, XFAM 8, MRTD 48, MRCONFIGID 48, MROWNER 48,
 * MROWNERCONFIG 48, RTMR[4] 48 each, ... */
#define TDREPORT_TDINFO 512u
#define TDINFO_RTMR0 208u

static int tdx_detect(const char *sysroot, struct cct_detection *d)
{
    char p[CCT_PATH_MAX];
    int score = 0;
    int tsm = cct_tsm_probe(sysroot, d, CCT_PLATFORM_TDX);

    int dev = cct_tee_exists(sysroot, TDX_DEV, p, sizeof(p));
    cct_probe_add(d, CCT_PLATFORM_TDX, "TDX guest device", p, dev,
                  dev ? "tdx_guest misc device present (TDREPORT ioctl)"
                      : "absent (vendor kernels may expose only configfs-tsm and sysfs)");
    score += dev;

    int sys = cct_tee_exists(sysroot, TDX_SYSFS, p, sizeof(p));
    cct_probe_add(d, CCT_PLATFORM_TDX, "TDX guest sysfs", p, sys,
                  sys ? "tdx_guest is registered with the kernel" : "absent");
    score += sys;

    int mrs = 0;
    for (int i = 0; i < TDX_RTMRS; i++) {
        char rel[96];
        snprintf(rel, sizeof(rel), TDX_MR_DIR "/rtmr%d:sha384", i);
        mrs += cct_tee_exists(sysroot, rel, p, sizeof(p));
    }
    int mrtd = cct_tee_exists(sysroot, TDX_MR_DIR "/mrtd:sha384", p, sizeof(p));
    cct_path(sysroot, TDX_MR_DIR, p, sizeof(p));
    cct_probe_add(d, CCT_PLATFORM_TDX, "TDX measurement files", p, mrs > 0,
                  "%d of 4 rtmrN:sha384 files%s (tsm-mr, Linux 6.16+)", mrs,
                  mrtd ? " and mrtd:sha384" : "");
    score += mrs > 0;

    int ccel = cct_tee_exists(sysroot, CCEL_TABLE, p, sizeof(p));
    if (ccel) {
        uint8_t tbl[256];
        size_t tn = 0;
        struct cct_ccel_table_info t;
        struct cct_error e;
        cct_error_clear(&e);
        if (cct_tee_read(p, tbl, sizeof(tbl), &tn, &e) == 0 &&
            cct_ccel_table_parse(tbl, tn, &t, &e) == 0) {
            const char *nm = cct_cc_type_name(t.cc_type);
            cct_probe_add(d, CCT_PLATFORM_TDX, "CCEL ACPI table", p, 1,
                          "CC type %u (%s), log area %llu bytes", t.cc_type, nm ? nm : "unknown",
                          (unsigned long long)t.laml);
        } else {
            cct_probe_add(d, CCT_PLATFORM_TDX, "CCEL ACPI table", p, 1,
                          "present but not parseable: %.100s", e.message);
        }
    } else {
        cct_probe_add(d, CCT_PLATFORM_TDX, "CCEL ACPI table", p, 0, "absent");
    }
    int ccel_data = cct_tee_exists(sysroot, CCEL_DATA, p, sizeof(p));
    cct_probe_add(d, CCT_PLATFORM_TDX, "CCEL data area", p, ccel_data,
                  ccel_data ? "boot event log readable" : "absent (boot log not exposed)");

    int flag = cct_cpuinfo_has_flag(sysroot, "tdx_guest");
    cct_path(sysroot, "/proc/cpuinfo", p, sizeof(p));
    cct_probe_add(d, CCT_PLATFORM_TDX, "cpuinfo tdx_guest flag", p, flag > 0,
                  flag > 0 ? "the kernel runs as a TDX guest"
                           : (flag == 0 ? "no tdx_guest flag" : "cpuinfo not readable"));
    score += flag > 0;

    /* configfs-tsm and the CCEL are shared with other TEEs: they confirm,
     * but a TDX-specific interface must be present to choose TDX. */
    (void)tsm;
    return score > 0 ? 1 : 0;
}

static int tdx_default_alg(cct_context *ctx, uint16_t *alg)
{
    *alg = CCT_ALG_SHA384;
    return 0;
}

static int tdx_count(cct_context *ctx, uint32_t *count)
{
    *count = TDX_RTMRS;
    return 0;
}

/* Accept the raw 48 bytes (bin attribute) or 96 hex digits (text form). */
static int decode_mr(cct_context *ctx, const char *path, const uint8_t *buf, size_t n, uint8_t *out)
{
    if (n == TDX_DIGEST) {
        memcpy(out, buf, TDX_DIGEST);
        return 0;
    }
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' ')) {
        n--;
    }
    if (n == 2 * TDX_DIGEST) {
        if (cct_hex_decode((const char *)buf, n, out, TDX_DIGEST) == 0) {
            return 0;
        }
    }
    return cct_err(&ctx->err, CCT_EMALFORMED, -1, -1,
                   "%s: expected 48 bytes (or 96 hex digits), got %zu bytes", path, n);
}

static int read_tdreport(cct_context *ctx, const uint8_t *reportdata, uint8_t *tdreport)
{
    char dev[CCT_PATH_MAX];
    int r = cct_path(ctx->sysroot, TDX_DEV, dev, sizeof(dev));
    if (r < 0) {
        return cct_err(&ctx->err, r, -1, -1, "path too long");
    }
    int fd = open(dev, O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        return cct_err_sys(&ctx->err, cct_code_from_errno(e), e, "cannot open %s", dev);
    }
    struct tdx_report_req req;
    memset(&req, 0, sizeof(req));
    if (reportdata != NULL) {
        memcpy(req.reportdata, reportdata, sizeof(req.reportdata));
    }
    if (ioctl(fd, TDX_CMD_GET_REPORT0, &req) < 0) {
        int e = errno;
        close(fd);
        return cct_err_sys(&ctx->err, cct_code_from_errno(e), e, "%s: TDX_CMD_GET_REPORT0 failed",
                           dev);
    }
    close(fd);
    memcpy(tdreport, req.tdreport, TDX_REPORT_LEN);
    OPENSSL_cleanse(&req, sizeof(req));
    return 0;
}

static int tdx_read(cct_context *ctx, uint32_t index, uint16_t alg, struct cct_measurement *out)
{
    if (index >= TDX_RTMRS) {
        return cct_err(&ctx->err, CCT_ENOTFOUND, -1, -1, "TDX has RTMR0-3; no register %u", index);
    }
    if (alg != CCT_ALG_SHA384) {
        return cct_err(&ctx->err, CCT_ENOTFOUND, -1, -1, "TDX RTMRs exist in the sha384 bank only");
    }
    uint8_t digest[TDX_DIGEST];
    char rel[96], path[CCT_PATH_MAX];
    snprintf(rel, sizeof(rel), TDX_MR_DIR "/rtmr%u:sha384", index);
    int r = cct_path(ctx->sysroot, rel, path, sizeof(path));
    if (r < 0) {
        return cct_err(&ctx->err, r, -1, -1, "path too long");
    }
    uint8_t buf[2 * TDX_DIGEST + 2];
    size_t n = 0;
    r = cct_tee_read(path, buf, sizeof(buf), &n, &ctx->err);
    if (r == 0) {
        r = decode_mr(ctx, path, buf, n, digest);
        if (r < 0) {
            return r;
        }
    } else if (r == CCT_ENOTFOUND) {
        /* No tsm-mr: the TDREPORT carries the RTMRs. */
        uint8_t rep[TDX_REPORT_LEN];
        struct cct_reader rd;
        r = read_tdreport(ctx, NULL, rep);
        if (r < 0) {
            return r;
        }
        cct_reader_init(&rd, rep, sizeof(rep), 0);
        if (!cct_read_skip(&rd, TDREPORT_TDINFO + TDINFO_RTMR0 + (size_t)index * TDX_DIGEST) ||
            !cct_read_copy(&rd, digest, TDX_DIGEST)) {
            return cct_err(&ctx->err, CCT_ETRUNCATED, -1, -1, "TDREPORT too short");
        }
    } else {
        return r;
    }
    cct_measurement_set(out, CCT_REG_RTMR, index, CCT_ALG_SHA384, digest, TDX_DIGEST);
    return 0;
}

static int tdx_extend(cct_context *ctx, uint32_t index, const uint8_t *digest, size_t len)
{
    if (index >= TDX_RTMRS) {
        return cct_err(&ctx->err, CCT_ENOTFOUND, -1, -1, "TDX has RTMR0-3; no register %u", index);
    }
    if (index < 2) {
        return cct_err(&ctx->err, CCT_EPERM, -1, -1,
                       "RTMR%u belongs to the firmware; the kernel extends RTMR2 and RTMR3 only",
                       index);
    }
    if (len != TDX_DIGEST) {
        return cct_err(&ctx->err, CCT_EINVAL, -1, -1,
                       "RTMR extend needs a 48-byte SHA-384 digest, got %zu", len);
    }
    char rel[96], path[CCT_PATH_MAX];
    snprintf(rel, sizeof(rel), TDX_MR_DIR "/rtmr%u:sha384", index);
    int r = cct_path(ctx->sysroot, rel, path, sizeof(path));
    if (r < 0) {
        return cct_err(&ctx->err, r, -1, -1, "path too long");
    }
    r = cct_tee_write(path, digest, len, 0, &ctx->err);
    if (r == CCT_ENOTFOUND) {
        return cct_err(&ctx->err, CCT_EUNSUPPORTED, -1, -1,
                       "%s is missing: this kernel cannot extend RTMRs from user space (needs "
                       "tsm-mr, Linux 6.16+)",
                       path);
    }
    return r;
}

/* Port of the host quote generation service from /etc/tdx-attest.conf. */
static int vsock_port(cct_context *ctx, unsigned *port)
{
    char path[CCT_PATH_MAX];
    uint8_t buf[4096];
    size_t n = 0;
    if (cct_path(ctx->sysroot, TDX_ATTEST_CONF, path, sizeof(path)) < 0 ||
        cct_tee_read(path, buf, sizeof(buf) - 1, &n, NULL) < 0) {
        return 0;
    }
    buf[n] = '\0';
    char *next = (char *)buf;
    while (next != NULL && *next != '\0') {
        char *line = next;
        next = strchr(line, '\n');
        if (next != NULL) {
            *next++ = '\0';
        }
        while (*line == ' ' || *line == '\t') {
            line++;
        }
        if (strncmp(line, "port", 4) != 0) {
            continue;
        }
        char *v = line + 4;
        while (*v == ' ' || *v == '\t') {
            v++;
        }
        if (*v != '=') {
            continue;
        }
        v++;
        char *end = NULL;
        errno = 0;
        unsigned long p = strtoul(v, &end, 10);
        if (errno == 0 && end != v && p > 0 && p <= 0xFFFFFFFFul) {
            *port = (unsigned)p;
            return 1;
        }
    }
    return 0;
}

static int io_all(int fd, void *p, size_t n, int writing)
{
    uint8_t *b = p;
    while (n > 0) {
        ssize_t r = writing ? write(fd, b, n) : read(fd, b, n);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r <= 0) {
            return -1;
        }
        b += r;
        n -= (size_t)r;
    }
    return 0;
}

static void put_u32le(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

/*
 * Quote generation service message (Intel DCAP qgs_msg_lib): a 4-byte
 * big-endian length prefix on the vsock stream, then
 *   header: major u16 (1), minor u16 (0), type u32 (0 = GET_QUOTE_REQ,
 *           1 = GET_QUOTE_RESP), size u32 (whole message), error_code u32
 *   request body:  report_size u32, id_list_size u32, report, id list
 *   response body: selected_id_size u32, quote_size u32, selected id, quote
 * Integers little-endian.
 */
#define QGS_HEADER 16u
#define QGS_MAX_MSG (64u * 1024u)

int cct_tdx_qgs_exchange(cct_context *ctx, int fd, const uint8_t *tdreport, struct cct_report *out)
{
    uint8_t msg[4 + QGS_HEADER + 8 + TDX_REPORT_LEN];
    uint32_t size = QGS_HEADER + 8 + TDX_REPORT_LEN;
    msg[0] = (uint8_t)(size >> 24);
    msg[1] = (uint8_t)(size >> 16);
    msg[2] = (uint8_t)(size >> 8);
    msg[3] = (uint8_t)size;
    uint8_t *h = msg + 4;
    h[0] = 1; /* major version 1 */
    h[1] = 0;
    h[2] = 0; /* minor version 0 */
    h[3] = 0;
    put_u32le(h + 4, 0); /* GET_QUOTE_REQ */
    put_u32le(h + 8, size);
    put_u32le(h + 12, 0);
    put_u32le(h + 16, TDX_REPORT_LEN);
    put_u32le(h + 20, 0); /* no id list */
    memcpy(h + 24, tdreport, TDX_REPORT_LEN);
    if (io_all(fd, msg, sizeof(msg), 1) < 0) {
        int e = errno;
        return cct_err_sys(&ctx->err, CCT_EIO, e, "cannot send the quote request");
    }
    uint8_t lenb[4];
    if (io_all(fd, lenb, 4, 0) < 0) {
        int e = errno;
        return cct_err_sys(&ctx->err, CCT_EIO, e ? e : EPIPE,
                           "quote service closed the connection");
    }
    uint32_t rlen =
        (uint32_t)lenb[0] << 24 | (uint32_t)lenb[1] << 16 | (uint32_t)lenb[2] << 8 | lenb[3];
    if (rlen < QGS_HEADER + 8 || rlen > QGS_MAX_MSG) {
        return cct_err(&ctx->err, CCT_EMALFORMED, -1, -1, "quote service reply of %u bytes", rlen);
    }
    uint8_t *resp = malloc(rlen);
    if (resp == NULL) {
        return cct_err(&ctx->err, CCT_ENOMEM, -1, -1, "out of memory");
    }
    if (io_all(fd, resp, rlen, 0) < 0) {
        int e = errno;
        free(resp);
        return cct_err_sys(&ctx->err, CCT_EIO, e ? e : EPIPE, "short reply from the quote service");
    }
    struct cct_reader rd, id, quote;
    uint16_t major, minor;
    uint32_t type, msize, ecode, id_size, q_size;
    int r = 0;
    cct_reader_init(&rd, resp, rlen, 0);
    if (!cct_read_u16le(&rd, &major) || !cct_read_u16le(&rd, &minor) ||
        !cct_read_u32le(&rd, &type) || !cct_read_u32le(&rd, &msize) ||
        !cct_read_u32le(&rd, &ecode) || !cct_read_u32le(&rd, &id_size) ||
        !cct_read_u32le(&rd, &q_size)) {
        r = cct_err(&ctx->err, CCT_ETRUNCATED, -1, -1, "quote service reply truncated");
    } else if (major != 1 || type != 1 || msize != rlen) {
        r = cct_err(&ctx->err, CCT_EMALFORMED, -1, -1,
                    "quote service reply: version %u.%u type %u size %u", major, minor, type,
                    msize);
    } else if (ecode != 0) {
        r = cct_err(&ctx->err, CCT_EIO, -1, -1, "quote service error code 0x%x", ecode);
    } else if (!cct_read_sub(&rd, id_size, &id) || !cct_read_sub(&rd, q_size, &quote)) {
        r = cct_err(&ctx->err, CCT_ETRUNCATED, -1, (int64_t)cct_reader_offset(&rd),
                    "quote service reply shorter than its sizes");
    } else if (q_size == 0) {
        r = cct_err(&ctx->err, CCT_EMALFORMED, -1, -1, "quote service returned an empty quote");
    } else if ((out->data = malloc(q_size)) == NULL) {
        r = cct_err(&ctx->err, CCT_ENOMEM, -1, -1, "out of memory");
    } else if (!cct_read_copy(&quote, out->data, q_size)) { /* q_size fits (checked above) */
        free(out->data);
        out->data = NULL;
        r = cct_err(&ctx->err, CCT_ETRUNCATED, -1, -1,
                    "quote service reply shorter than its quote size");
    } else {
        out->len = q_size;
        snprintf(out->provider, sizeof(out->provider), "tdx_guest");
    }
    free(resp);
    return r;
}

static int tdx_report_vsock(cct_context *ctx, unsigned port, const uint8_t *rd,
                            struct cct_report *out)
{
    uint8_t tdreport[TDX_REPORT_LEN];
    int r = read_tdreport(ctx, rd, tdreport);
    if (r < 0) {
        return r;
    }
    int fd = socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        int e = errno;
        return cct_err_sys(&ctx->err, CCT_EUNSUPPORTED, e, "no vsock for the quote service");
    }
    struct timeval tv = { 60, 0 };
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    struct sockaddr_vm sa;
    memset(&sa, 0, sizeof(sa));
    sa.svm_family = AF_VSOCK;
    sa.svm_cid = VMADDR_CID_HOST;
    sa.svm_port = port;
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        int e = errno;
        close(fd);
        return cct_err_sys(&ctx->err, CCT_EIO, e,
                           "cannot reach the quote service at vsock host port %u", port);
    }
    r = cct_tdx_qgs_exchange(ctx, fd, tdreport, out);
    close(fd);
    return r;
}

static int tdx_report(cct_context *ctx, const uint8_t *rd, size_t rd_len,
                      const struct cct_report_request *req, struct cct_report *out)
{
    uint8_t full[TDX_REPORTDATA_LEN] = { 0 };
    memcpy(full, rd, rd_len);
    char p[CCT_PATH_MAX];
    if (cct_tee_exists(ctx->sysroot, CCT_TSM_REPORT_DIR, p, sizeof(p))) {
        struct cct_tsm_request t = { full, sizeof(full), -1, "tdx_guest", 0 };
        return cct_tsm_report(ctx, &t, out);
    }
    unsigned port = 0;
    if (vsock_port(ctx, &port)) {
        return tdx_report_vsock(ctx, port, full, out);
    }
    return cct_err(&ctx->err, CCT_EUNSUPPORTED, -1, -1,
                   "no quote path: %s is absent and %s names no vsock port of a quote service", p,
                   TDX_ATTEST_CONF);
}

static int tdx_log_sources(cct_context *ctx, struct cct_log_source *out, size_t max, size_t *n)
{
    char p[CCT_PATH_MAX];
    size_t k = 0;
    int r = 0;
    if (cct_tee_exists(ctx->sysroot, CCEL_DATA, p, sizeof(p))) {
        r = cct_log_source_add(out, max, &k, p, CCT_LOG_CCEL, "boot");
    }
    if (r == 0 && cct_log_format_supported(CCT_LOG_IMA_ASCII) &&
        cct_tee_exists(ctx->sysroot, IMA_ASCII, p, sizeof(p))) {
        r = cct_log_source_add(out, max, &k, p, CCT_LOG_IMA_ASCII, "ima");
    } else if (r == 0 && cct_log_format_supported(CCT_LOG_IMA_BINARY) &&
               cct_tee_exists(ctx->sysroot, IMA_BINARY, p, sizeof(p))) {
        r = cct_log_source_add(out, max, &k, p, CCT_LOG_IMA_BINARY, "ima");
    }
    if (r < 0) {
        return cct_err(&ctx->err, r, -1, -1, "too many log sources or path too long");
    }
    for (size_t i = 0; i < k; i++) {
        /* A TDX guest kernel extends IMA into RTMRs (RTMR2). */
        out[i].ima_register = CCT_IMA_REGISTER_RTMR;
    }
    *n = k;
    return 0;
}

const struct cct_platform_ops cct_platform_tdx = {
    .platform = CCT_PLATFORM_TDX,
    .name = "tdx",
    .detect = tdx_detect,
    .default_alg = tdx_default_alg,
    .count = tdx_count,
    .read = tdx_read,
    .report = tdx_report,
    .log_sources = tdx_log_sources,
    .extend = tdx_extend,
};
