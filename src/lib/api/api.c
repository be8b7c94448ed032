/* SPDX-License-Identifier: Apache-2.0 */
/* The unified API: chooses a platform backend and joins the parts below. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include <cctrusted/context.h>

#include "crypto/crypto.h"
#include "platform/live.h"
#include "platform/platform.h"
#include "platform/tee.h"
#include "replay/replay_internal.h"
#include "util/hex.h"
#include "util/error.h"

/* Detection order: TEE-specific interfaces first, the TPM last (a CVM
 * often has a vTPM too; the TEE is what the caller wants by default). */
static const struct cct_platform_ops *backend_for(enum cct_platform p);

static const struct {
    enum cct_platform p;
    const char *name;
} platform_names[] = {
    { CCT_PLATFORM_AUTO, "auto" },   { CCT_PLATFORM_TDX, "tdx" },   { CCT_PLATFORM_TPM, "tpm" },
    { CCT_PLATFORM_SNP, "snp" },     { CCT_PLATFORM_CCA, "cca" },   { CCT_PLATFORM_SIM, "sim" },
    { CCT_PLATFORM_AGENT, "agent" }, { CCT_PLATFORM_NONE, "none" },
};

const char *cct_platform_name(enum cct_platform p)
{
    for (size_t i = 0; i < sizeof(platform_names) / sizeof(platform_names[0]); i++) {
        if (platform_names[i].p == p) {
            return platform_names[i].name;
        }
    }
    return "unknown";
}

int cct_platform_from_name(const char *name, enum cct_platform *out)
{
    for (size_t i = 0; name && i < sizeof(platform_names) / sizeof(platform_names[0]); i++) {
        if (strcmp(platform_names[i].name, name) == 0) {
            *out = platform_names[i].p;
            return 0;
        }
    }
    return CCT_EINVAL;
}

const char *cct_register_name(enum cct_platform p, enum cct_reg_kind kind, uint32_t index,
                              char *buf, size_t n)
{
    if (buf == NULL || n == 0) {
        return buf;
    }
    if (p == CCT_PLATFORM_CCA && kind == CCT_REG_PCR && index == 0) {
        snprintf(buf, n, "RIM");
    } else if (p == CCT_PLATFORM_CCA && kind == CCT_REG_PCR && index <= 4) {
        snprintf(buf, n, "REM%u", index - 1);
    } else if (p == CCT_PLATFORM_SNP && kind == CCT_REG_PCR && index == 0) {
        snprintf(buf, n, "MEASUREMENT");
    } else if (kind == CCT_REG_MRTD) {
        snprintf(buf, n, "MRTD");
    } else {
        snprintf(buf, n, "%s%u", kind == CCT_REG_RTMR ? "RTMR" : "PCR", index);
    }
    return buf;
}

/* Weak defaults so the library links while a backend is not built. */
#define WEAK_BACKEND(sym, plat, nm)                                                                \
    __attribute__((weak))                                                                          \
    const struct cct_platform_ops sym = { plat, nm,   NULL, NULL, NULL, NULL,                      \
                                          NULL, NULL, NULL, NULL, NULL }

WEAK_BACKEND(cct_platform_agent, CCT_PLATFORM_AGENT, "agent");

/* The agent comes last: a caller that sees a TEE interface itself uses it. */
static const struct cct_platform_ops *const detect_order[] = {
    &cct_platform_tdx, &cct_platform_snp, &cct_platform_cca, &cct_platform_tpm, &cct_platform_agent,
};

static const struct cct_platform_ops *backend_for(enum cct_platform p)
{
    switch (p) {
    case CCT_PLATFORM_TDX: return &cct_platform_tdx;
    case CCT_PLATFORM_SNP: return &cct_platform_snp;
    case CCT_PLATFORM_CCA: return &cct_platform_cca;
    case CCT_PLATFORM_TPM: return &cct_platform_tpm;
    case CCT_PLATFORM_SIM: return &cct_platform_sim;
    case CCT_PLATFORM_AGENT: return cct_platform_agent.open ? &cct_platform_agent : NULL;
    default: return NULL;
    }
}

static const char *opt_or_env(const char *v, const char *env, const char *def)
{
    if (v != NULL) {
        return v;
    }
    const char *e = secure_getenv(env);
    return (e != NULL && *e != '\0') ? e : def;
}

int cct_detect(const struct cct_open_options *opts, struct cct_detection *out)
{
    if (out == NULL) {
        return CCT_EINVAL;
    }
    const char *sysroot = opt_or_env(opts ? opts->sysroot : NULL, "CCT_SYSROOT", "/");
    memset(out, 0, sizeof(*out));
    out->chosen = CCT_PLATFORM_NONE;
    for (size_t i = 0; i < sizeof(detect_order) / sizeof(detect_order[0]); i++) {
        const struct cct_platform_ops *o = detect_order[i];
        if (o->detect == NULL) {
            cct_probe_add(out, o->platform, "backend", NULL, 0,
                          "%s backend not built into this library", o->name);
            continue;
        }
        if (o->detect(sysroot, out) > 0 && out->chosen == CCT_PLATFORM_NONE) {
            out->chosen = o->platform;
        }
    }
    if (out->chosen == CCT_PLATFORM_NONE) {
        snprintf(out->reason, sizeof(out->reason),
                 "no TEE found: no TDX, SEV-SNP or CCA guest interface, no TPM and no node agent "
                 "socket under %s",
                 sysroot);
    } else {
        snprintf(out->reason, sizeof(out->reason),
                 "%s chosen: first platform in the order tdx, snp, cca, tpm, "
                 "agent whose interfaces are present under %s",
                 cct_platform_name(out->chosen), sysroot);
    }
    return 0;
}

static int copy_opt(char *dst, size_t len, const char *v)
{
    int n = snprintf(dst, len, "%s", v ? v : "");
    return (n < 0 || (size_t)n >= len) ? CCT_ELIMIT : 0;
}

/* Append to msg (CCT_ERROR_MESSAGE_MAX bytes) what fits whole, else " ..." once. */
static void msg_add(char *msg, size_t *len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void msg_add(char *msg, size_t *len, const char *fmt, ...)
{
    static const char cut[] = " ...";
    char part[CCT_ERROR_MESSAGE_MAX];
    size_t room = CCT_ERROR_MESSAGE_MAX - *len;
    if (room <= sizeof(cut)) {
        return; /* already cut */
    }
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(part, sizeof(part), fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n + sizeof(cut) <= room) {
        memcpy(msg + *len, part, (size_t)n + 1);
        *len += (size_t)n;
    } else {
        memcpy(msg + *len, cut, sizeof(cut));
        *len = CCT_ERROR_MESSAGE_MAX; /* nothing more */
    }
}

/*
 * A platform named by the caller must be present: its own probes decide,
 * as detection would, so "--platform tdx" on a machine without TDX fails at
 * open with the probe reason instead of answering from nothing. The sim
 * platform has no probe (always available). A TPM reached through an
 * explicitly configured TCTI (e.g. swtpm) needs no local device: opening
 * the TCTI is its check.
 */
static int forced_present(const cct_context *ctx, const struct cct_platform_ops *ops,
                          struct cct_error *err)
{
    if (ops->detect == NULL || (ops->platform == CCT_PLATFORM_TPM && ctx->tpm_tcti[0] != '\0')) {
        return 0;
    }
    struct cct_detection *d = calloc(1, sizeof(*d));
    if (d == NULL) {
        return cct_err(err, CCT_ENOMEM, -1, -1, "out of memory");
    }
    if (ops->detect(ctx->sysroot, d) > 0) {
        free(d);
        return 0;
    }
    /* The reason: the interfaces of this platform that were looked for, the
     * absent ones first, then present ones that did not count and why, as far
     * as the message holds ("..." when cut; cct_detect() has the whole list). */
    char msg[CCT_ERROR_MESSAGE_MAX];
    size_t len = 0;
    msg_add(msg, &len, "%s requested but not present under %s", ops->name, ctx->sysroot);
    const char *sep = ": absent ";
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < d->n_probes; i++) {
            const struct cct_probe *pr = &d->probes[i];
            /* pass 0: a path that is not there; pass 1: a finding (present, or a
             * conclusion without a path) that did not make the platform count. */
            int absent = !pr->found && pr->path[0] != '\0';
            if (pr->platform != ops->platform || absent != (pass == 0)) {
                continue;
            }
            const char *name = pr->path[0] != '\0' ? pr->path : pr->what;
            size_t rl = strlen(ctx->sysroot);
            if (strcmp(ctx->sysroot, "/") != 0 && strncmp(name, ctx->sysroot, rl) == 0) {
                name += rl; /* the sysroot is named once above */
            }
            if (pass == 0) {
                msg_add(msg, &len, "%s%s", sep, name);
                sep = ", ";
            } else {
                msg_add(msg, &len, "; %s: %s", name, pr->detail);
            }
        }
    }
    free(d);
    return cct_err(err, CCT_ENOTFOUND, -1, -1, "%s", msg);
}

int cct_open(const struct cct_open_options *opts, cct_context **out, struct cct_error *err)
{
    struct cct_open_options o = CCT_OPEN_OPTIONS_INIT;
    if (out == NULL || (opts && opts->version != CCT_OPEN_OPTIONS_VERSION)) {
        return cct_err(err, CCT_EINVAL, -1, -1, "invalid argument");
    }
    if (opts) {
        o = *opts;
    }
    cct_context *ctx = calloc(1, sizeof(*ctx));
    if (ctx == NULL) {
        return cct_err(err, CCT_ENOMEM, -1, -1, "out of memory");
    }
    cct_error_clear(&ctx->err);
    const char *sysroot = opt_or_env(o.sysroot, "CCT_SYSROOT", "/");
    int r = copy_opt(ctx->sysroot, sizeof(ctx->sysroot), sysroot);
    if (r == 0) {
        r = copy_opt(ctx->tpm_tcti, sizeof(ctx->tpm_tcti),
                     opt_or_env(o.tpm_tcti, "CCT_TPM_TCTI", NULL));
    }
    if (r == 0) {
        r = copy_opt(ctx->sim_state_dir, sizeof(ctx->sim_state_dir),
                     opt_or_env(o.sim_state_dir, "CCT_SIM_DIR", NULL));
    }
    if (r == 0) {
        r = copy_opt(ctx->runtime_log, sizeof(ctx->runtime_log),
                     opt_or_env(o.runtime_log, "CCT_RUNTIME_LOG", NULL));
    }
    if (r < 0) {
        free(ctx);
        return cct_err(err, r, -1, -1, "an option path is too long");
    }
    enum cct_platform p = o.platform;
    if (p == CCT_PLATFORM_AUTO) {
        struct cct_detection *d = calloc(1, sizeof(*d));
        if (d == NULL) {
            free(ctx);
            return cct_err(err, CCT_ENOMEM, -1, -1, "out of memory");
        }
        r = cct_detect(&o, d);
        p = r < 0 ? CCT_PLATFORM_NONE : d->chosen;
        if (p == CCT_PLATFORM_NONE) {
            r = cct_err(err, CCT_ENOTFOUND, -1, -1, "%s", d->reason);
            free(d);
            free(ctx);
            return r;
        }
        free(d);
    }
    const struct cct_platform_ops *ops = backend_for(p);
    if (ops == NULL) {
        free(ctx);
        return cct_err(err, CCT_EUNSUPPORTED, -1, -1, "platform %s is not supported by this build",
                       cct_platform_name(p));
    }
    if (o.platform != CCT_PLATFORM_AUTO) {
        r = forced_present(ctx, ops, err);
        if (r < 0) {
            free(ctx);
            return r;
        }
    }
    ctx->platform = p;
    ctx->ops = ops;
    r = ops->open ? ops->open(ctx) : 0;
    if (r < 0) {
        if (err) {
            *err = ctx->err;
        }
        free(ctx);
        return r;
    }
    /* A corrupt or unsafe runtime log fails the open, so nobody is served wrong data. The
     * check never changes the log: repair happens under the extend lock (runtime_log.c).
     * A client of the node agent has no runtime log of its own. */
    r = p == CCT_PLATFORM_AGENT ? 0 : cct_runtime_log_check(ctx);
    if (r < 0) {
        if (err) {
            *err = ctx->err;
        }
        if (ops->close) {
            ops->close(ctx);
        }
        free(ctx);
        return r;
    }
    *out = ctx;
    return 0;
}

void cct_close(cct_context *ctx)
{
    if (ctx == NULL) {
        return;
    }
    if (ctx->ops && ctx->ops->close) {
        ctx->ops->close(ctx);
    }
    free(ctx);
}

const struct cct_error *cct_context_error(const cct_context *ctx)
{
    return ctx ? &ctx->err : NULL;
}

enum cct_platform cct_context_platform(const cct_context *ctx)
{
    return ctx ? ctx->platform : CCT_PLATFORM_NONE;
}

#define NEED(op)                                                                                   \
    do {                                                                                           \
        if (ctx == NULL) {                                                                         \
            return CCT_EINVAL;                                                                     \
        }                                                                                          \
        if (ctx->ops->op == NULL) {                                                                \
            return cct_err(&ctx->err, CCT_EUNSUPPORTED, -1, -1, "%s: %s is not supported",         \
                           ctx->ops->name, #op);                                                   \
        }                                                                                          \
    } while (0)

/* A missing output pointer: CCT_EINVAL, recorded on ctx when there is one. */
static int no_output(cct_context *ctx, const char *what)
{
    return ctx ? cct_err(&ctx->err, CCT_EINVAL, -1, -1, "%s: no output given", what) : CCT_EINVAL;
}

int cct_get_default_algorithm(cct_context *ctx, uint16_t *alg)
{
    NEED(default_alg);
    if (alg == NULL) {
        return no_output(ctx, "default algorithm");
    }
    return ctx->ops->default_alg(ctx, alg);
}

int cct_get_measurement_count(cct_context *ctx, uint32_t *count)
{
    NEED(count);
    if (count == NULL) {
        return no_output(ctx, "measurement count");
    }
    return ctx->ops->count(ctx, count);
}

int cct_get_measurement(cct_context *ctx, uint32_t index, uint16_t alg, struct cct_measurement *out)
{
    NEED(read);
    if (out == NULL) {
        return no_output(ctx, "measurement");
    }
    if (alg == 0) {
        int r = cct_get_default_algorithm(ctx, &alg);
        if (r < 0) {
            return r;
        }
    }
    return ctx->ops->read(ctx, index, alg, out);
}

int cct_get_report(cct_context *ctx, const struct cct_report_request *req, cct_report **out)
{
    NEED(report);
    if (req == NULL || out == NULL || req->version != CCT_REPORT_REQUEST_VERSION) {
        return cct_err(&ctx->err, CCT_EINVAL, -1, -1, "invalid report request");
    }
    uint8_t rd[64];
    size_t rd_len = sizeof(rd);
    if (req->report_data != NULL) {
        if (req->report_data_len == 0 || req->report_data_len > sizeof(rd)) {
            return cct_err(&ctx->err, CCT_EINVAL, -1, -1, "raw report data must be 1-64 bytes");
        }
        memset(rd, 0, sizeof(rd));
        memcpy(rd, req->report_data, req->report_data_len);
        rd_len = req->report_data_len;
    } else {
        /* Seed convention: REPORTDATA = SHA-512(nonce || user_data) (crypto/reportdata.c). */
        int r = cct__reportdata_derive(req->nonce, req->nonce_len, req->user_data,
                                       req->user_data_len, rd);
        if (r < 0) {
            return cct_err(&ctx->err, r, -1, -1, "cannot hash the report data");
        }
    }
    cct_report *rep = calloc(1, sizeof(*rep));
    if (rep == NULL) {
        return cct_err(&ctx->err, CCT_ENOMEM, -1, -1, "out of memory");
    }
    memcpy(rep->reportdata, rd, rd_len);
    rep->reportdata_len = rd_len;
    int r = ctx->ops->report(ctx, rd, rd_len, req, rep);
    if (r < 0) {
        cct_report_free(rep);
        return r;
    }
    *out = rep;
    return 0;
}

const uint8_t *cct_report_data(const cct_report *rep, size_t *len)
{
    if (rep == NULL) {
        return NULL;
    }
    if (len) {
        *len = rep->len;
    }
    return rep->data;
}

const uint8_t *cct_report_aux(const cct_report *rep, size_t *len)
{
    if (rep == NULL) {
        return NULL;
    }
    if (len) {
        *len = rep->aux_len;
    }
    return rep->aux;
}

const uint8_t *cct_report_key(const cct_report *rep, size_t *len)
{
    if (rep == NULL) {
        return NULL;
    }
    if (len) {
        *len = rep->key_len;
    }
    return rep->key;
}

const char *cct_report_provider(const cct_report *rep)
{
    return rep ? rep->provider : NULL;
}

const uint8_t *cct_report_reportdata(const cct_report *rep, size_t *len)
{
    if (rep == NULL) {
        return NULL;
    }
    if (len) {
        *len = rep->reportdata_len;
    }
    return rep->reportdata;
}

void cct_report_free(cct_report *rep)
{
    if (rep == NULL) {
        return;
    }
    free(rep->data);
    free(rep->aux);
    free(rep->key);
    OPENSSL_cleanse(rep->reportdata, sizeof(rep->reportdata));
    free(rep);
}

int cct_get_log_sources(cct_context *ctx, struct cct_log_source *out, size_t max, size_t *n)
{
    NEED(log_sources);
    if (out == NULL || n == NULL) {
        return no_output(ctx, "log sources");
    }
    return cct_live_sources(ctx, out, max, n);
}

/* Open one listed log source, limited to events [start, start + count). */
static int open_source(cct_context *ctx, const struct cct_log_source *src, uint64_t start,
                       uint64_t count, cct_eventlog **out)
{
    struct cct_eventlog_options o = CCT_EVENTLOG_OPTIONS_INIT;
    o.format = src->format;
    cct_eventlog *log = NULL;
    int r = cct_eventlog_from_file(src->path, &o, &log, &ctx->err);
    if (r < 0) {
        return r;
    }
    r = cct_eventlog_select(log, start, count);
    if (r < 0) {
        cct_eventlog_free(log);
        return r;
    }
    *out = log;
    return 0;
}

int cct_get_eventlog(cct_context *ctx, size_t source, uint64_t start, uint64_t count,
                     cct_eventlog **out)
{
    struct cct_log_source src[CCT_MAX_LOG_SOURCES];
    size_t n = 0;
    if (out == NULL) {
        return no_output(ctx, "event log");
    }
    int r = cct_get_log_sources(ctx, src, CCT_MAX_LOG_SOURCES, &n);
    if (r < 0) {
        return r;
    }
    if (source >= n) {
        return cct_err(&ctx->err, CCT_ENOTFOUND, -1, -1, "no event log source %zu (%zu available)",
                       source, n);
    }
    return open_source(ctx, &src[source], start, count, out);
}

int cct_get_banks(cct_context *ctx, uint32_t index, uint16_t *algs, size_t max, size_t *n)
{
    NEED(read);
    if ((algs == NULL && max > 0) || n == NULL) {
        return cct_err(&ctx->err, CCT_EINVAL, -1, -1, "invalid argument");
    }
    return cct_live_banks(ctx, index, algs, max, n);
}

int cct_live_expected(cct_context *ctx, const cct_replay *rp, struct cct_expected *out, size_t max,
                      size_t *n)
{
    if (ctx == NULL) {
        return CCT_EINVAL;
    }
    if (rp == NULL || (out == NULL && max > 0) || n == NULL) {
        return cct_err(&ctx->err, CCT_EINVAL, -1, -1, "invalid argument");
    }
    return cct_live_expected_values(ctx, rp, out, max, n);
}

int cct_replay_live(cct_context *ctx, const struct cct_replay_options *opts, cct_replay **out)
{
    if (ctx == NULL) {
        return CCT_EINVAL;
    }
    if (out == NULL ||
        (opts && opts->version != 1 && opts->version != CCT_REPLAY_OPTIONS_VERSION)) {
        return cct_err(&ctx->err, CCT_EINVAL, -1, -1, "invalid argument");
    }
    return cct_live_replay(ctx, opts, out);
}

int cct_extend(cct_context *ctx, uint32_t index, const uint8_t *digest, size_t digest_len,
               const uint8_t *event_data, size_t event_data_len)
{
    NEED(extend);
    if (digest == NULL || digest_len == 0 || (event_data == NULL && event_data_len > 0)) {
        return cct_err(&ctx->err, CCT_EINVAL, -1, -1, "invalid extend arguments");
    }
    /* The runtime log (write-ahead record, recovery) wraps this call; see
     * platform/runtime_log.c. */
    return cct_runtime_log_extend(ctx, index, digest, digest_len, event_data, event_data_len);
}

int cct_extend_data(cct_context *ctx, uint32_t index, const uint8_t *data, size_t len,
                    uint8_t *digest_out, size_t *digest_len)
{
    uint16_t alg = 0;
    uint8_t d[CCT_MAX_DIGEST_SIZE];
    struct cct_hasher h;
    if (ctx == NULL) {
        return CCT_EINVAL;
    }
    if (data == NULL && len > 0) {
        return cct_err(&ctx->err, CCT_EINVAL, -1, -1, "invalid extend arguments");
    }
    int r = cct_get_default_algorithm(ctx, &alg);
    if (r < 0) {
        return r;
    }
    r = cct_hasher_init(&h);
    if (r == 0) {
        r = cct_hasher_digest(&h, alg, data ? data : (const uint8_t *)"", len, d);
    }
    cct_hasher_free(&h);
    if (r < 0) {
        return cct_err(&ctx->err, r, -1, -1, "cannot hash with %s", cct_alg_name(alg));
    }
    size_t n = cct_alg_digest_size(alg);
    r = cct_extend(ctx, index, d, n, data, len);
    if (r < 0) {
        return r;
    }
    if (digest_out != NULL) {
        memcpy(digest_out, d, n);
    }
    if (digest_len != NULL) {
        *digest_len = n;
    }
    return 0;
}
