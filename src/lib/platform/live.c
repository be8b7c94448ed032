/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The live evidence of a context as the replay sees it: its log sources (the
 * runtime extend log last), the banks each register holds, the live values to
 * compare a replay with, and the replay of all live logs (IMA banks filled in
 * from the platform, zero-padded IMA banks detected). The API's
 * cct_get_log_sources(), cct_get_banks(), cct_live_expected() and
 * cct_replay_live() check their arguments and call these; platform code (the
 * runtime log's recovery) calls them directly.
 */
#include "platform/live.h"

#include <stdlib.h>
#include <string.h>

#include "platform/platform.h"
#include "platform/tee.h"
#include "replay/replay_internal.h"
#include "util/error.h"
#include "util/hex.h"

static int unsupported(cct_context *ctx, const char *op)
{
    return cct_err(&ctx->err, CCT_EUNSUPPORTED, -1, -1, "%s: %s is not supported", ctx->ops->name,
                   op);
}

static int live_read(cct_context *ctx, uint32_t index, uint16_t alg, struct cct_measurement *m)
{
    return ctx->ops->read != NULL ? ctx->ops->read(ctx, index, alg, m) : unsupported(ctx, "read");
}

int cct_live_sources(cct_context *ctx, struct cct_log_source *out, size_t max, size_t *n)
{
    if (ctx->ops->log_sources == NULL) {
        return unsupported(ctx, "log_sources");
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

int cct_live_banks(cct_context *ctx, uint32_t index, uint16_t *algs, size_t max, size_t *n)
{
    static const uint16_t known[] = { CCT_ALG_SHA1, CCT_ALG_SHA256, CCT_ALG_SHA384, CCT_ALG_SHA512,
                                      CCT_ALG_SM3_256 };
    if (ctx->ops->read == NULL) {
        return unsupported(ctx, "read");
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
    int r = ctx->ops->count != NULL ? ctx->ops->count(ctx, &count) : unsupported(ctx, "count");
    if (r < 0) {
        return r;
    }
    for (uint32_t idx = 0; idx < count; idx++) {
        uint16_t algs[CCT_MAX_DIGESTS];
        size_t nb = 0;
        r = cct_live_banks(ctx, idx, algs, CCT_MAX_DIGESTS, &nb);
        for (size_t b = 0; r == 0 && b < nb; b++) {
            struct cct_register reg;
            r = live_read(ctx, idx, algs[b], &m);
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

int cct_live_expected_values(cct_context *ctx, const cct_replay *rp, struct cct_expected *out,
                             size_t max, size_t *n)
{
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
        r = live_read(ctx, reg.index, reg.alg, &m);
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
    int r = ex && d ? cct_live_expected_values(ctx, rp, ex, CCT_MAX_REGISTERS, &n) : CCT_ENOMEM;
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

int cct_live_replay(cct_context *ctx, const struct cct_replay_options *opts, cct_replay **out)
{
    struct cct_log_source src[CCT_MAX_LOG_SOURCES];
    struct cct_replay_options o = CCT_REPLAY_OPTIONS_INIT;
    size_t n = 0;
    if (opts != NULL && opts->version == 1) {
        o.workarounds = opts->workarounds;
    } else if (opts != NULL) {
        o = *opts;
    }
    int r = cct_live_sources(ctx, src, CCT_MAX_LOG_SOURCES, &n);
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
        r = cct_live_banks(ctx, rtmr ? 2 : 10, o.ima_banks, CCT_MAX_DIGESTS, &o.n_ima_banks);
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
