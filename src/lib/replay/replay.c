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
#include "util/error.h"

struct reg {
    enum cct_reg_kind kind;
    uint32_t index;
    uint16_t alg;
    uint16_t size;
    uint8_t digest[CCT_MAX_DIGEST_SIZE];
    uint64_t n_events;
    uint64_t separators; /* EV_SEPARATOR events extended */
};

struct cct_replay {
    struct cct_hasher h;
    uint32_t workarounds;
    uint32_t applied;
    uint8_t pcr0_locality;
    int pcr0_locality_set;
    size_t n;
    struct reg regs[CCT_MAX_REGISTERS];
    /* last register looked up: events arrive in runs on one register, with
     * its banks in a row */
    size_t last;
    /* slot where a PCR/RTMR n was first found: a hint, checked before use
     * (cct_replay_get() reorders the table) */
    uint16_t hint[2][32];
    /* regs is in cct_replay_get() order: no register added since the sort */
    int sorted;
};

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

int cct_replay_new(const struct cct_replay_options *opts, cct_replay **out)
{
    if (out == NULL || (opts && opts->version != CCT_REPLAY_OPTIONS_VERSION)) {
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
    r->workarounds = opts ? opts->workarounds : 0;
    *out = r;
    return 0;
}

void cct_replay_free(cct_replay *r)
{
    if (r == NULL) {
        return;
    }
    cct_hasher_free(&r->h);
    free(r);
}

/* Slot of the register in regs[from, to), or SIZE_MAX. */
static size_t scan(const cct_replay *r, size_t from, size_t to, enum cct_reg_kind kind, uint32_t index,
                   uint16_t alg)
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
    struct reg *g = &r->regs[r->n];
    memset(g, 0, sizeof(*g));
    g->kind = kind;
    g->index = index;
    g->alg = alg;
    g->size = (uint16_t)size;
    cct_register_initial(kind, index, alg, r->pcr0_locality, g->digest, sizeof(g->digest));
    if (hinted) {
        r->hint[kind][index] = (uint16_t)r->n;
    }
    r->last = r->n++;
    r->sorted = 0;
    *out = g;
    return 0;
}

/* The register (created when new) that a digest of size bytes goes into; CCT_EINVAL when sizes differ. */
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
    if (ev->type == EV_NO_ACTION || (ev->flags & (CCT_EVENT_F_HEADER | CCT_EVENT_F_INDEX_OUT_OF_RANGE))) {
        /* No register at an out-of-range index: cct_event_anomaly() reports it. */
        return 0;
    }
    if (ev->kind == CCT_REG_MRTD) {
        /* MRTD is fixed at build time; it cannot be extended by a log. */
        return 0;
    }
    for (size_t i = 0; i < ev->n_digests; i++) {
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
            if (g->separators > 0 && (r->workarounds & CCT_WORKAROUND_DUP_SEPARATOR)) {
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
    return 0;
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
    if (r->workarounds & CCT_WORKAROUND_EBS_MISSING) {
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

static int cmp_reg(const void *a, const void *b)
{
    const struct reg *x = a, *y = b;
    if (x->kind != y->kind) {
        return x->kind < y->kind ? -1 : 1;
    }
    if (x->index != y->index) {
        return x->index < y->index ? -1 : 1;
    }
    if (x->alg != y->alg) {
        return x->alg < y->alg ? -1 : 1;
    }
    return 0;
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
    /* Sort lazily: cast away const only for ordering the internal table
     * (the observable state is unchanged). */
    cct_replay *w = (cct_replay *)r;
    if (!w->sorted) {
        qsort(w->regs, w->n, sizeof(w->regs[0]), cmp_reg);
        w->last = 0;
        w->sorted = 1;
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
