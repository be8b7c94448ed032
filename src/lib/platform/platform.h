/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Platform backends. Each backend is one file with one ops table; api.c
 * joins them. Only platform/ knows device paths, ioctls, configfs and sysfs,
 * and every path is resolved under the context's sysroot (cct_path()).
 */
#ifndef CCT_PLATFORM_H
#define CCT_PLATFORM_H

#include <stddef.h>
#include <stdint.h>

#include <cctrusted/context.h>

#define CCT_PATH_MAX 512

/* State shared by every backend; the backend's own state hangs off priv. */
struct cct_context {
    struct cct_error err;
    enum cct_platform platform;
    const struct cct_platform_ops *ops;
    char sysroot[CCT_PATH_MAX];
    char tpm_tcti[CCT_PATH_MAX];
    char sim_state_dir[CCT_PATH_MAX];
    char runtime_log[CCT_PATH_MAX];
    void *priv;
};

struct cct_report {
    uint8_t *data;
    size_t len;
    uint8_t *aux;
    size_t aux_len;
    char provider[64];
    uint8_t reportdata[64];
    size_t reportdata_len;
    uint8_t *key; /* public key of the signer (TPM: the AK's marshalled TPMT_PUBLIC), or NULL */
    size_t key_len;
};

struct cct_platform_ops {
    enum cct_platform platform;
    const char *name;
    /* Add probes to d; return 1 when this platform is present. Must not open devices exclusively.
     */
    int (*detect)(const char *sysroot, struct cct_detection *d);
    /* open and close are optional: NULL when the backend keeps no state between calls. */
    int (*open)(cct_context *ctx);
    void (*close)(cct_context *ctx);
    int (*default_alg)(cct_context *ctx, uint16_t *alg);
    int (*count)(cct_context *ctx, uint32_t *count);
    int (*read)(cct_context *ctx, uint32_t index, uint16_t alg, struct cct_measurement *out);
    /* reportdata is already derived (64 bytes or the caller's raw bytes). */
    int (*report)(cct_context *ctx, const uint8_t *reportdata, size_t rd_len,
                  const struct cct_report_request *req, struct cct_report *out);
    int (*log_sources)(cct_context *ctx, struct cct_log_source *out, size_t max, size_t *n);
    /* Extend the register only; api.c handles the runtime log around it. */
    int (*extend)(cct_context *ctx, uint32_t index, const uint8_t *digest, size_t len);
};

/* Backends, in detection priority order. A backend not built is NULL. */
extern const struct cct_platform_ops cct_platform_tdx;
extern const struct cct_platform_ops cct_platform_snp;
extern const struct cct_platform_ops cct_platform_cca;
extern const struct cct_platform_ops cct_platform_tpm;
extern const struct cct_platform_ops cct_platform_sim;

/* sysroot + path into out. CCT_ELIMIT when it does not fit. */
int cct_path(const char *sysroot, const char *path, char *out, size_t len);

/* Append a probe to d (silently drops past CCT_MAX_PROBES). */
void cct_probe_add(struct cct_detection *d, enum cct_platform p, const char *what, const char *path,
                   int found, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/*
 * Whether this library build parses fmt (another module may add it): opens a
 * small dummy buffer with that format. Not an empty one: the iterator rejects
 * an empty log (CCT_EMALFORMED) before it looks at the format.
 */
int cct_log_format_supported(enum cct_log_format fmt);

/* Append {path, f, role} to out[*n] and count it. CCT_ELIMIT when out is full or path too long. */
int cct_log_source_add(struct cct_log_source *out, size_t max, size_t *n, const char *path,
                       enum cct_log_format f, const char *role);

/* A backend's register value into out (zeroed first); size is at most CCT_MAX_DIGEST_SIZE. */
void cct_measurement_set(struct cct_measurement *out, enum cct_reg_kind kind, uint32_t index,
                         uint16_t alg, const uint8_t *digest, size_t size);

#endif
