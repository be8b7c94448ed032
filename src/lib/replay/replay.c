/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Replay of events into registers, per register and per bank, with the
 * initial-value rules of ARCHITECTURE.md:
 *  - zero, except TPM PCR 17-22 (all 0xFF: DRTM PCRs reset by the dynamic launch)
 *  - PCR0 starts at 00..0L where L is the StartupLocality logged in an
 *    EV_NO_ACTION event (PFP 10.4.5.3), or 4 when an H-CRTM event is present
 *  - EV_NO_ACTION and header events never extend.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cctrusted/ima.h>
#include <cctrusted/replay.h>

#include "crypto/crypto.h"
#include "formats/tcg/tcg.h"
#include "replay/replay_internal.h"
#include "util/error.h"

static const struct {
    uint32_t bit;
    const char *name;
} workarounds[] = {
    { CCT_WORKAROUND_EBS_MISSING, "ebs-missing" },
    { CCT_WORKAROUND_DUP_SEPARATOR, "dup-separator" },
};

const char *cct_workaround_name(uint32_t bit)
{
    for (size_t i = 0; i < sizeof(workarounds) / sizeof(workarounds[0]); i++) {
        if (workarounds[i].bit == bit) {
            return workarounds[i].name;
        }
    }
    return NULL;
}

uint32_t cct_workaround_from_name(const char *name)
{
    for (size_t i = 0; name && i < sizeof(workarounds) / sizeof(workarounds[0]); i++) {
        if (strcmp(workarounds[i].name, name) == 0) {
            return workarounds[i].bit;
        }
    }
    return 0;
}

int cct_register_initial(enum cct_reg_kind kind, uint32_t index, uint16_t alg, uint8_t locality,
                         uint8_t *out, size_t size)
{
    size_t n = cct_alg_digest_size(alg);
    if (n == 0) {
        return CCT_EUNSUPPORTED;
    }
    if (size < n) {
        return CCT_EINVAL;
    }
    memset(out, 0, n);
    if (kind == CCT_REG_PCR && index >= 17 && index <= 22) {
        memset(out, 0xff, n);
    } else if (kind == CCT_REG_PCR && index == 0) {
        out[n - 1] = locality;
    }
    return 0;
}

void cct_replay_options_init(struct cct_replay_options *o)
{
    if (o != NULL) {
        const struct cct_replay_options d = CCT_REPLAY_OPTIONS_INIT;
        *o = d;
    }
}

/* Banks must be computable, and at most CCT_MAX_DIGESTS of each kind. */
static int banks_ok(const uint16_t *algs, size_t n)
{
    if (n > CCT_MAX_DIGESTS) {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        if (cct_alg_digest_size(algs[i]) == 0) {
            return 0;
        }
    }
    return 1;
}

int cct_replay_new(const struct cct_replay_options *opts, cct_replay **out)
{
    struct cct_replay_options o = CCT_REPLAY_OPTIONS_INIT;
    if (out == NULL) {
        return CCT_EINVAL;
    }
    if (opts != NULL) {
        if (opts->version == 1) {
            /* Version 1 had only the workaround bits. */
            o.workarounds = opts->workarounds;
        } else if (opts->version == CCT_REPLAY_OPTIONS_VERSION) {
            o = *opts;
        } else {
            return CCT_EINVAL;
        }
    }
    if (o.ima_register > CCT_IMA_REGISTER_RTMR || !banks_ok(o.ima_banks, o.n_ima_banks) ||
        !banks_ok(o.ima_padded, o.n_ima_padded) || (o.mrtd == NULL && o.mrtd_len > 0) ||
        (o.mrtd != NULL && o.mrtd_len != 48)) {
        return CCT_EINVAL;
    }
    cct_replay *r = calloc(1, sizeof(*r));
    if (r == NULL) {
        return CCT_ENOMEM;
    }
    if (cct_hasher_init(&r->h) < 0) {
        free(r);
        return CCT_ENOMEM;
    }
    r->opts = o;
    r->opts.mrtd = NULL; /* borrowed for the call that creates the replay only */
    r->ima_kind = o.ima_register == CCT_IMA_REGISTER_RTMR ? CCT_REG_RTMR : CCT_REG_PCR;
    *out = r;
    return 0;
}

void cct_replay_free(cct_replay *r)
{
    if (r == NULL) {
        return;
    }
    cct_hasher_free(&r->h);
    for (size_t i = 0; i < r->n_logs; i++) {
        free(r->logs[i].path);
    }
    free(r->logs);
    free(r->notes);
    free(r);
}

/* Does g sort after (kind, index, alg)? */
static int reg_after(const struct reg *g, enum cct_reg_kind kind, uint32_t index, uint16_t alg)
{
    if (g->kind != kind) {
        return g->kind > kind;
    }
    if (g->index != index) {
        return g->index > index;
    }
    return g->alg > alg;
}

/* Slot of the register in regs[from, to), or SIZE_MAX. */
static size_t scan(const cct_replay *r, size_t from, size_t to, enum cct_reg_kind kind,
                   uint32_t index, uint16_t alg)
{
    for (size_t i = from; i < r->n && i < to; i++) {
        const struct reg *g = &r->regs[i];
        if (g->kind == kind && g->index == index && g->alg == alg) {
            return i;
        }
    }
    return SIZE_MAX;
}

static int find(cct_replay *r, enum cct_reg_kind kind, uint32_t index, uint16_t alg, int create,
                struct reg **out)
{
    /* The banks of one register are created one after the other, so the
     * next bank of an event usually sits right after the last one used. */
    size_t i = scan(r, r->last, r->last + 2, kind, index, alg);
    int hinted = kind <= CCT_REG_RTMR && index < 32;
    if (i == SIZE_MAX && hinted) {
        size_t h = r->hint[kind][index];
        i = scan(r, h, h + 3, kind, index, alg);
    }
    if (i == SIZE_MAX) {
        i = scan(r, 0, r->n, kind, index, alg);
        if (i != SIZE_MAX && hinted) {
            r->hint[kind][index] = (uint16_t)i;
        }
    }
    if (i != SIZE_MAX) {
        r->last = i;
        *out = &r->regs[i];
        return 0;
    }
    if (!create) {
        return CCT_ENOTFOUND;
    }
    if (r->n == CCT_MAX_REGISTERS) {
        return CCT_ELIMIT;
    }
    size_t size = cct_alg_digest_size(alg);
    if (size == 0) {
        return CCT_EUNSUPPORTED;
    }
    /* Keep the table in cct_replay_get() order: registers are few and
     * created once, so an insertion costs less than sorting on reads. */
    size_t pos = r->n;
    while (pos > 0 && reg_after(&r->regs[pos - 1], kind, index, alg)) {
        pos--;
    }
    memmove(&r->regs[pos + 1], &r->regs[pos], (r->n - pos) * sizeof(r->regs[0]));
    struct reg *g = &r->regs[pos];
    memset(g, 0, sizeof(*g));
    g->kind = kind;
    g->index = index;
    g->alg = alg;
    g->size = (uint16_t)size;
    int rc = cct_register_initial(kind, index, alg, r->pcr0_locality, g->digest, sizeof(g->digest));
    if (rc < 0) {
        return rc;
    }
    if (hinted) {
        r->hint[kind][index] = (uint16_t)pos;
    }
    r->n++;
    r->last = pos;
    *out = g;
    return 0;
}

/* The register (created when new) that a digest of size bytes goes into; CCT_EINVAL when sizes
 * differ. */
static int find_for(cct_replay *r, enum cct_reg_kind kind, uint32_t index, uint16_t alg,
                    const uint8_t *digest, size_t size, struct reg **out)
{
    struct reg *g;
    if (r == NULL || digest == NULL) {
        return CCT_EINVAL;
    }
    int rc = find(r, kind, index, alg, 1, &g);
    if (rc < 0) {
        return rc;
    }
    if (size != g->size) {
        return CCT_EINVAL;
    }
    *out = g;
    return 0;
}

int cct_replay_extend(cct_replay *r, enum cct_reg_kind kind, uint32_t index, uint16_t alg,
                      const uint8_t *digest, size_t size)
{
    struct reg *g;
    int rc = find_for(r, kind, index, alg, digest, size, &g);
    if (rc < 0) {
        return rc;
    }
    rc = cct_hasher_extend(&r->h, alg, g->digest, digest);
    if (rc < 0) {
        return rc;
    }
    g->n_events++;
    return 0;
}

/* StartupLocality event data: "StartupLocality\0" then one byte (PFP 10.4.5.3). */
static int startup_locality(const struct cct_event *ev, uint8_t *loc)
{
    static const char sig[16] = "StartupLocality";
    if (ev->type == EV_NO_ACTION && ev->data_len == 17 && memcmp(ev->data, sig, 16) == 0) {
        *loc = ev->data[16];
        return 1;
    }
    return 0;
}

static int pcr0_touched(const cct_replay *r)
{
    for (size_t i = 0; i < r->n; i++) {
        if (r->regs[i].kind == CCT_REG_PCR && r->regs[i].index == 0) {
            return 1;
        }
    }
    return 0;
}

int cct_event_is_ima(const struct cct_event *ev)
{
    return ev->format == CCT_LOG_IMA_ASCII || ev->format == CCT_LOG_IMA_BINARY ||
           (ev->cel_content_type == CCT_CEL_IMA_TEMPLATE &&
            (ev->format == CCT_LOG_CEL_TLV || ev->format == CCT_LOG_CEL_JSON ||
             ev->format == CCT_LOG_CEL_CBOR));
}

/* By spec these never extend: EV_NO_ACTION, headers, and MRTD (fixed at
 * build time; only a report can vouch for it). */
/* No register at an out-of-range index (PCR -1): cct_event_anomaly() reports such events. */
static int extends(const struct cct_event *ev)
{
    return ev->type != EV_NO_ACTION &&
           !(ev->flags & (CCT_EVENT_F_HEADER | CCT_EVENT_F_INDEX_OUT_OF_RANGE)) &&
           ev->kind != CCT_REG_MRTD;
}

int cct_replay_event_register(const cct_replay *r, const struct cct_event *ev,
                              enum cct_reg_kind *kind, uint32_t *index)
{
    if (r == NULL || ev == NULL || kind == NULL || index == NULL) {
        return CCT_EINVAL;
    }
    *kind = ev->kind;
    *index = ev->index;
    return extends(ev);
}

static int in_list(const uint16_t *algs, size_t n, uint16_t alg)
{
    for (size_t i = 0; i < n; i++) {
        if (algs[i] == alg) {
            return 1;
        }
    }
    return 0;
}

static const struct cct_digest *find_digest(const struct cct_event *ev, uint16_t alg)
{
    for (size_t i = 0; i < ev->n_digests; i++) {
        if (ev->digests[i].alg == alg) {
            return &ev->digests[i];
        }
    }
    return NULL;
}

static int extend_reg(cct_replay *r, const struct cct_event *ev, uint16_t alg, const uint8_t *d)
{
    struct reg *g;
    int rc = find(r, ev->kind, ev->index, alg, 1, &g);
    if (rc == 0) {
        rc = cct_hasher_extend(&r->h, alg, g->digest, d);
    }
    if (rc == 0) {
        g->n_events++;
    }
    return rc;
}

/*
 * The banks of an IMA entry that its log does not carry, as the kernel
 * extends them: each allocated bank gets that bank's hash of the template
 * data; a bank the kernel had no hash for when IMA started gets the SHA-1
 * template hash padded with zeros; violations extend all-0xFF everywhere.
 */
static int ima_banks(cct_replay *r, const struct cct_event *ev)
{
    uint8_t d[CCT_MAX_DIGEST_SIZE];
    int violation = (ev->flags & CCT_EVENT_F_IMA_VIOLATION) != 0;
    for (size_t i = 0; i < r->opts.n_ima_padded; i++) {
        uint16_t alg = r->opts.ima_padded[i];
        const struct cct_digest *sha1 = find_digest(ev, CCT_ALG_SHA1);
        if (sha1 == NULL || sha1->size != 20) {
            return CCT_EUNSUPPORTED;
        }
        memset(d, violation ? 0xff : 0, sizeof(d));
        if (!violation) {
            memcpy(d, sha1->bytes, 20);
        }
        int rc = extend_reg(r, ev, alg, d);
        if (rc < 0) {
            return rc;
        }
    }
    for (size_t i = 0; i < r->opts.n_ima_banks; i++) {
        uint16_t alg = r->opts.ima_banks[i];
        if (find_digest(ev, alg) != NULL ||
            in_list(r->opts.ima_padded, r->opts.n_ima_padded, alg)) {
            continue;
        }
        if (violation) {
            memset(d, 0xff, sizeof(d));
        } else if (ev->flags & CCT_EVENT_F_IMA_LAYOUT_GUESSED) {
            /* The template data of this entry is not known exactly. */
            return CCT_EUNSUPPORTED;
        } else {
            int rc = cct_hasher_digest(&r->h, alg, ev->data, ev->data_len, d);
            if (rc < 0) {
                return rc;
            }
        }
        int rc = extend_reg(r, ev, alg, d);
        if (rc < 0) {
            return rc;
        }
    }
    return 0;
}

int cct_replay_event(cct_replay *r, const struct cct_event *ev)
{
    if (r == NULL || ev == NULL) {
        return CCT_EINVAL;
    }
    if (ev->kind == CCT_REG_PCR && ev->index == 0 && !r->pcr0_locality_set) {
        uint8_t loc;
        if (startup_locality(ev, &loc)) {
            if (!pcr0_touched(r)) {
                r->pcr0_locality = loc;
                r->pcr0_locality_set = 1;
            }
        } else if (ev->type == EV_EFI_HCRTM_EVENT && !pcr0_touched(r)) {
            /* H-CRTM: the TPM starts PCR0 at locality 4 (PFP 10.4.5.3). */
            r->pcr0_locality = 4;
            r->pcr0_locality_set = 1;
        }
    }
    if (!extends(ev)) {
        return 0;
    }
    for (size_t i = 0; i < ev->n_digests; i++) {
        if (cct_event_is_ima(ev) &&
            in_list(r->opts.ima_padded, r->opts.n_ima_padded, ev->digests[i].alg)) {
            continue; /* replayed from the padded SHA-1 below */
        }
        struct reg *g;
        const struct cct_digest *d = &ev->digests[i];
        int rc = find(r, ev->kind, ev->index, d->alg, 1, &g);
        if (rc < 0) {
            return rc;
        }
        if (d->size != g->size) {
            return CCT_EMALFORMED;
        }
        if (ev->type == EV_SEPARATOR) {
            if (g->separators > 0 && (r->opts.workarounds & CCT_WORKAROUND_DUP_SEPARATOR)) {
                r->applied |= CCT_WORKAROUND_DUP_SEPARATOR;
                continue;
            }
            g->separators++;
        }
        const uint8_t *bytes = d->bytes;
        uint8_t ff[CCT_MAX_DIGEST_SIZE];
        if (ev->flags & CCT_EVENT_F_IMA_VIOLATION) {
            /* IMA violation: the kernel extends all-0xFF instead of the zero digest it logs. */
            memset(ff, 0xff, sizeof(ff));
            bytes = ff;
        }
        rc = cct_hasher_extend(&r->h, d->alg, g->digest, bytes);
        if (rc < 0) {
            return rc;
        }
        g->n_events++;
    }
    return cct_event_is_ima(ev) ? ima_banks(r, ev) : 0;
}

int cct_replay_set_register(cct_replay *r, enum cct_reg_kind kind, uint32_t index, uint16_t alg,
                            const uint8_t *digest, size_t size, uint64_t n_events)
{
    struct reg *g;
    int rc = find_for(r, kind, index, alg, digest, size, &g);
    if (rc < 0) {
        return rc;
    }
    memcpy(g->digest, digest, size);
    g->n_events = n_events;
    return 0;
}

int cct_replay_finish(cct_replay *r)
{
    if (r == NULL) {
        return CCT_EINVAL;
    }
    if (r->opts.workarounds & CCT_WORKAROUND_EBS_MISSING) {
        /* The two EV_EFI_ACTION strings of PFP 10.4.4 that such firmware
         * measured into PCR5 without logging, in every PCR5 bank seen. */
        static const char *const strs[2] = { "Exit Boot Services Invocation",
                                             "Exit Boot Services Returned with Success" };
        size_t n = r->n;
        for (size_t i = 0; i < n; i++) {
            struct reg *g = &r->regs[i];
            if (g->kind != CCT_REG_PCR || g->index != 5) {
                continue;
            }
            for (int k = 0; k < 2; k++) {
                uint8_t d[CCT_MAX_DIGEST_SIZE];
                int rc = cct_hasher_digest(&r->h, g->alg, strs[k], strlen(strs[k]), d);
                if (rc == 0) {
                    rc = cct_hasher_extend(&r->h, g->alg, g->digest, d);
                }
                if (rc < 0) {
                    return rc;
                }
                g->n_events++;
            }
            r->applied |= CCT_WORKAROUND_EBS_MISSING;
        }
    }
    return 0;
}

uint32_t cct_replay_workarounds_applied(const cct_replay *r)
{
    return r ? r->applied : 0;
}

size_t cct_replay_count(const cct_replay *r)
{
    return r ? r->n : 0;
}

static void to_public(const cct_replay *r, const struct reg *g, struct cct_register *out)
{
    memset(out, 0, sizeof(*out));
    out->kind = g->kind;
    out->index = g->index;
    out->alg = g->alg;
    out->size = g->size;
    memcpy(out->digest, g->digest, g->size);
    out->n_events = g->n_events;
    out->locality = (g->kind == CCT_REG_PCR && g->index == 0) ? r->pcr0_locality : 0;
}

int cct_replay_get(const cct_replay *r, size_t i, struct cct_register *out)
{
    if (r == NULL || out == NULL || i >= r->n) {
        return CCT_EINVAL;
    }
    to_public(r, &r->regs[i], out);
    return 0;
}

int cct_replay_lookup(const cct_replay *r, enum cct_reg_kind kind, uint32_t index, uint16_t alg,
                      struct cct_register *out)
{
    if (r == NULL || out == NULL) {
        return CCT_EINVAL;
    }
    for (size_t i = 0; i < r->n; i++) {
        if (r->regs[i].kind == kind && r->regs[i].index == index && r->regs[i].alg == alg) {
            to_public(r, &r->regs[i], out);
            return 0;
        }
    }
    size_t n = cct_alg_digest_size(alg);
    if (n == 0) {
        return CCT_EUNSUPPORTED;
    }
    memset(out, 0, sizeof(*out));
    out->kind = kind;
    out->index = index;
    out->alg = alg;
    out->size = (uint16_t)n;
    out->locality = (kind == CCT_REG_PCR && index == 0) ? r->pcr0_locality : 0;
    return cct_register_initial(kind, index, alg, out->locality, out->digest, sizeof(out->digest));
}
