/* SPDX-License-Identifier: Apache-2.0 */
/* The unified API: chooses a platform backend and joins the parts below. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include <cctrusted/context.h>

#include "crypto/crypto.h"
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
    int r = ctx->ops->log_sources(ctx, out, max, n);
    if (r < 0) {
        return r;
    }
    /* The runtime extend log comes last: it extends on top of boot and IMA.
     * Through the agent, the node's runtime log is part of what it serves. */
    if (ctx->platform == CCT_PLATFORM_AGENT) {
        return 0;
    }
    return cct_runtime_log_source(ctx, out, max, n);
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
    static const uint16_t known[] = { CCT_ALG_SHA1, CCT_ALG_SHA256, CCT_ALG_SHA384, CCT_ALG_SHA512,
                                      CCT_ALG_SM3_256 };
    NEED(read);
    if ((algs == NULL && max > 0) || n == NULL) {
        return cct_err(&ctx->err, CCT_EINVAL, -1, -1, "invalid argument");
    }
    size_t k = 0;
    for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
        struct cct_measurement m;
        int r = ctx->ops->read(ctx, index, known[i], &m);
        if (r == CCT_ENOTFOUND || r == CCT_EUNSUPPORTED) {
            continue;
        }
        if (r < 0) {
            return r;
        }
        if (k == max) {
            return cct_err(&ctx->err, CCT_ELIMIT, -1, -1, "more than %zu banks", max);
        }
        algs[k++] = known[i];
    }
    cct_error_clear(&ctx->err);
    *n = k;
    return 0;
}

/*
 * Registers no event feeds must still hold their initial value; one that
 * does not was extended without a log record, so it becomes an expected
 * value too (and shows up as a mismatch).
 */
static int unlogged_registers(cct_context *ctx, const cct_replay *rp, struct cct_expected *out,
                              size_t max, size_t *k)
{
    uint32_t count = 0;
    struct cct_measurement m;
    int r = cct_get_measurement_count(ctx, &count);
    if (r < 0) {
        return r;
    }
    for (uint32_t idx = 0; idx < count; idx++) {
        uint16_t algs[CCT_MAX_DIGESTS];
        size_t nb = 0;
        r = cct_get_banks(ctx, idx, algs, CCT_MAX_DIGESTS, &nb);
        for (size_t b = 0; r == 0 && b < nb; b++) {
            struct cct_register reg;
            r = cct_get_measurement(ctx, idx, algs[b], &m);
            if (r < 0) {
                break;
            }
            r = cct_replay_lookup(rp, m.kind, idx, algs[b], &reg);
            if (r < 0 || reg.n_events > 0 ||
                (reg.size == m.size && cct_memeq_ct(reg.digest, m.digest, m.size))) {
                continue;
            }
            if (*k == max) {
                return cct_err(&ctx->err, CCT_ELIMIT, -1, -1, "more than %zu registers", max);
            }
            struct cct_expected *e = &out[(*k)++];
            memset(e, 0, sizeof(*e));
            e->have_kind = 1;
            e->kind = m.kind;
            e->index = idx;
            e->alg = algs[b];
            e->size = m.size;
            memcpy(e->digest, m.digest, m.size);
        }
        if (r < 0) {
            return r;
        }
    }
    return 0;
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
    size_t count = cct_replay_count(rp), k = 0;
    for (size_t i = 0; i < count; i++) {
        struct cct_register reg;
        struct cct_measurement m;
        int r = cct_replay_get(rp, i, &reg);
        if (r < 0) {
            return cct_err(&ctx->err, r, -1, -1, "cannot read replayed register %zu", i);
        }
        if (k == max) {
            return cct_err(&ctx->err, CCT_ELIMIT, -1, -1, "more than %zu registers", max);
        }
        struct cct_expected *e = &out[k++];
        memset(e, 0, sizeof(*e));
        e->have_kind = 1;
        e->kind = reg.kind;
        e->index = reg.index;
        e->alg = reg.alg;
        if (reg.kind == CCT_REG_MRTD) {
            continue; /* not a live register: compared through a report */
        }
        r = cct_get_measurement(ctx, reg.index, reg.alg, &m);
        if (r == CCT_ENOTFOUND || (r == 0 && m.kind != reg.kind)) {
            continue; /* bank not allocated, or another register file: size 0, not compared */
        }
        if (r < 0) {
            return r;
        }
        e->size = m.size;
        memcpy(e->digest, m.digest, m.size);
    }
    int r = unlogged_registers(ctx, rp, out, max, &k);
    if (r < 0) {
        return r;
    }
    cct_error_clear(&ctx->err);
    *n = k;
    return 0;
}

/* Replay the live sources with o (IMA banks filled in from the platform). */
static int replay_sources(cct_context *ctx, const struct cct_log_source *src, size_t n,
                          const struct cct_replay_options *o, cct_replay **out)
{
    struct cct_log_input in[CCT_MAX_LOG_SOURCES];
    memset(in, 0, sizeof(in));
    for (size_t i = 0; i < n; i++) {
        in[i].path = src[i].path;
        in[i].format = src[i].format;
        /* The caller's explicit choice wins over the platform's. */
        in[i].ima_register =
            o->ima_register != CCT_IMA_REGISTER_AUTO ? o->ima_register : src[i].ima_register;
    }
    return cct_replay_logs(in, n, o, out, &ctx->err);
}

/* Number of registers whose replay differs from the live value. */
static int live_diffs(cct_context *ctx, const cct_replay *rp, size_t *bad, uint16_t *bad_algs,
                      size_t *n_bad_algs)
{
    struct cct_expected *ex = calloc(CCT_MAX_REGISTERS, sizeof(*ex));
    struct cct_register_diff *d = calloc(CCT_MAX_REGISTERS, sizeof(*d));
    size_t n = 0;
    int r = ex && d ? cct_live_expected(ctx, rp, ex, CCT_MAX_REGISTERS, &n) : CCT_ENOMEM;
    if (r == 0) {
        r = cct_replay_compare(rp, ex, n, d, CCT_MAX_REGISTERS, bad);
    }
    *n_bad_algs = 0;
    for (size_t i = 0; r == 0 && i < *bad && i < CCT_MAX_REGISTERS; i++) {
        int dup = 0;
        for (size_t k = 0; k < *n_bad_algs; k++) {
            dup |= bad_algs[k] == d[i].alg;
        }
        if (!dup && *n_bad_algs < CCT_MAX_DIGESTS) {
            bad_algs[(*n_bad_algs)++] = d[i].alg;
        }
    }
    free(ex);
    free(d);
    return r;
}

/*
 * A kernel extends a bank it had no hash for when IMA started with the
 * zero-padded SHA-1 template hash (seen for sha384/sha512 on real boots).
 * When recomputed banks differ from the live registers, replay those banks
 * padded and keep that when fewer registers differ.
 */
static int try_padded(cct_context *ctx, const struct cct_log_source *src, size_t n,
                      struct cct_replay_options *o, cct_replay **rp)
{
    size_t bad = 0, n_algs = 0;
    uint16_t algs[CCT_MAX_DIGESTS];
    int r = live_diffs(ctx, *rp, &bad, algs, &n_algs);
    if (r < 0 || bad == 0) {
        return r;
    }
    struct cct_replay_options t = *o;
    t.n_ima_banks = 0;
    for (size_t i = 0; i < o->n_ima_banks; i++) {
        int moved = 0;
        for (size_t k = 0; k < n_algs && o->ima_banks[i] != CCT_ALG_SHA1; k++) {
            moved |= algs[k] == o->ima_banks[i];
        }
        if (moved) {
            t.ima_padded[t.n_ima_padded++] = o->ima_banks[i];
        } else {
            t.ima_banks[t.n_ima_banks++] = o->ima_banks[i];
        }
    }
    if (t.n_ima_padded == 0) {
        return 0;
    }
    cct_replay *alt = NULL;
    size_t bad_alt = 0, n_alt = 0;
    uint16_t alt_algs[CCT_MAX_DIGESTS];
    r = replay_sources(ctx, src, n, &t, &alt);
    if (r == 0) {
        r = live_diffs(ctx, alt, &bad_alt, alt_algs, &n_alt);
    }
    if (r < 0 || bad_alt >= bad) {
        cct_replay_free(alt);
        cct_error_clear(&ctx->err);
        return 0;
    }
    for (size_t k = 0; k < t.n_ima_padded; k++) {
        struct cct_event none;
        memset(&none, 0, sizeof(none));
        none.kind = cct_replay_ima_register(alt);
        r = cct_replay_add_note(
            alt, CCT_NOTE_IMA_PADDED, SIZE_MAX, &none,
            "IMA extended the %s bank with zero-padded SHA-1 template hashes (the kernel "
            "had no %s when IMA started); replayed that way",
            cct_alg_name(t.ima_padded[k]), cct_alg_name(t.ima_padded[k]));
        if (r < 0) {
            cct_replay_free(alt);
            return cct_err(&ctx->err, r, -1, -1, "out of memory");
        }
    }
    cct_replay_free(*rp);
    *rp = alt;
    *o = t;
    return 0;
}

int cct_replay_live(cct_context *ctx, const struct cct_replay_options *opts, cct_replay **out)
{
    struct cct_log_source src[CCT_MAX_LOG_SOURCES];
    struct cct_replay_options o = CCT_REPLAY_OPTIONS_INIT;
    size_t n = 0;
    if (ctx == NULL) {
        return CCT_EINVAL;
    }
    if (out == NULL ||
        (opts && opts->version != 1 && opts->version != CCT_REPLAY_OPTIONS_VERSION)) {
        return cct_err(&ctx->err, CCT_EINVAL, -1, -1, "invalid argument");
    }
    if (opts != NULL && opts->version == 1) {
        o.workarounds = opts->workarounds;
    } else if (opts != NULL) {
        o = *opts;
    }
    int r = cct_get_log_sources(ctx, src, CCT_MAX_LOG_SOURCES, &n);
    if (r < 0) {
        return r;
    }
    /* IMA entries come from an IMA list, or inside the agent's one log (their
     * templates kept), where they also feed banks the log does not carry. */
    int ima = -1;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(src[i].role, "ima") == 0 || strcmp(src[i].role, "agent") == 0) {
            ima = (int)i;
        }
    }
    int auto_banks = ima >= 0 && o.n_ima_banks == 0 && o.n_ima_padded == 0;
    if (auto_banks) {
        /* The kernel extends every bank the platform holds for the IMA
         * register, each with its own hash of the template data. The IMA
         * register is PCR10 on a TPM; on TDX every RTMR is SHA-384 only. */
        int rtmr =
            (o.ima_register != CCT_IMA_REGISTER_AUTO ? o.ima_register : src[ima].ima_register) ==
            CCT_IMA_REGISTER_RTMR;
        r = cct_get_banks(ctx, rtmr ? 2 : 10, o.ima_banks, CCT_MAX_DIGESTS, &o.n_ima_banks);
        if (r < 0) {
            return r;
        }
    }
    cct_replay *rp = NULL;
    r = replay_sources(ctx, src, n, &o, &rp);
    if (r == 0 && auto_banks && o.n_ima_banks > 0) {
        r = try_padded(ctx, src, n, &o, &rp);
    }
    if (r < 0) {
        cct_replay_free(rp);
        return r;
    }
    *out = rp;
    return 0;
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
