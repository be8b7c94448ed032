/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Helpers shared by the TEE backends (tdx, snp, cca, sim): the configfs-tsm
 * report protocol, whole-pseudo-file reads and writes, /proc/cpuinfo flags,
 * and the runtime extend log used by cct_extend() for every backend.
 */
#ifndef CCT_PLATFORM_TEE_H
#define CCT_PLATFORM_TEE_H

#include <stddef.h>
#include <stdint.h>

#include "platform/platform.h"

/* configfs-tsm report directory (Documentation/ABI/testing/configfs-tsm). */
#define CCT_TSM_REPORT_DIR "/sys/kernel/config/tsm/report"

/* Largest outblob/auxblob we accept (the kernel caps them at 32 KiB today). */
#define CCT_TSM_BLOB_MAX (1024u * 1024u)
/* Attempts when a concurrent writer changed the entry's generation. */
#define CCT_TSM_RETRIES 3

struct cct_tsm_request {
    const uint8_t *inblob;
    size_t inblob_len;
    int privlevel;               /* written when >= 0 (SEV-SNP VMPL) */
    const char *expect_provider; /* fail unless provider equals this; NULL = any */
    int want_aux;                /* read auxblob (absent or empty is fine) */
};

/*
 * One report through configfs-tsm under ctx->sysroot: a fresh entry per
 * attempt, generation-checked, always removed. Fills out->data, aux,
 * provider. Errors go to ctx->err.
 */
CCT_WUR int cct_tsm_report(cct_context *ctx, const struct cct_tsm_request *req,
                           struct cct_report *out);

/* Probe the configfs-tsm report directory; 1 when present. */
int cct_tsm_probe(const char *sysroot, struct cct_detection *d, enum cct_platform p);

/*
 * Read a whole (pseudo-)file into buf (at most max bytes). *len receives
 * the size. CCT_ELIMIT when larger. Errors carry errno.
 */
CCT_WUR int cct_tee_read(const char *path, uint8_t *buf, size_t max, size_t *len,
                         struct cct_error *err);
/* Write n bytes to an existing file in one go (O_CLOEXEC), checking close(). */
CCT_WUR int cct_tee_write(const char *path, const void *p, size_t n, int create,
                          struct cct_error *err);

/* 1 when /proc/cpuinfo under sysroot lists flag in a "flags" line; 0 if not; <0 on error. */
int cct_cpuinfo_has_flag(const char *sysroot, const char *flag);

/* 1 when the path exists under sysroot (stat), filling full. */
int cct_tee_exists(const char *sysroot, const char *path, char *full, size_t len);

/*
 * TDX: one GET_QUOTE exchange with the host quote generation service over
 * a connected stream fd (vsock in production). Fills out->data/provider.
 */
CCT_WUR int cct_tdx_qgs_exchange(cct_context *ctx, int fd, const uint8_t *tdreport,
                                 struct cct_report *out);

/* ---- runtime extend log (runtime_log.c) ---- */

/* Resolve the runtime log path for ctx into out. */
CCT_WUR int cct_runtime_log_path(const cct_context *ctx, char *out, size_t len);

/*
 * Extend through the runtime log: lock, append a pending record (fsync),
 * ops->extend, mark committed (fsync), unlock.
 */
CCT_WUR int cct_runtime_log_extend(cct_context *ctx, uint32_t index, const uint8_t *digest,
                                   size_t digest_len, const uint8_t *event_data,
                                   size_t event_data_len);

/*
 * Check the runtime log without changing it (called by cct_open): a missing
 * or unreadable log is fine; a symbolic link, a log or directory others can
 * write, or a corrupt record fails (ctx->err names record and offset). A
 * torn or pending tail is not an error: repair happens under the extend
 * lock (cct_runtime_log_extend(), cct_runtime_log_repair()).
 */
CCT_WUR int cct_runtime_log_check(cct_context *ctx);

/* Append the runtime log as a log source when it exists and holds records. */
CCT_WUR int cct_runtime_log_source(cct_context *ctx, struct cct_log_source *out, size_t max,
                                   size_t *n);

#endif
