/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Expected register values (parsed by replay/regvalues.c): whether they fit
 * a replay's register files, and comparing them with the replay.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cctrusted/replay.h>

#include "replay/regvalues.h"
#include "replay/replay_internal.h"
#include "util/error.h"
#include "util/hex.h"

/* RTMR when a CCEL was replayed (or only RTMRs were extended), else PCR. */
static enum cct_reg_kind default_kind(const cct_replay *r)
{
    int pcr = 0, rtmr = 0;
    for (size_t i = 0; i < r->n_logs; i++) {
        if (r->logs[i].info.format == CCT_LOG_CCEL) {
            return CCT_REG_RTMR;
        }
    }
    for (size_t i = 0; i < r->n; i++) {
        pcr |= r->regs[i].kind == CCT_REG_PCR;
        rtmr |= r->regs[i].kind == CCT_REG_RTMR;
    }
    return rtmr && !pcr ? CCT_REG_RTMR : CCT_REG_PCR;
}

static const char *kind_phrase(enum cct_reg_kind k)
{
    return k == CCT_REG_RTMR ? "TDX RTMRs (a CCEL)" : "TPM PCRs";
}

int cct_replay_expected_check(const cct_replay *r, const struct cct_expected *ex, size_t n,
                              struct cct_error *err)
{
    if (r == NULL || (ex == NULL && n > 0)) {
        return cct_err(err, CCT_EINVAL, -1, -1, "invalid argument");
    }
    enum cct_reg_kind dk = default_kind(r);
    for (size_t i = 0; i < n; i++) {
        const struct cct_expected *e = &ex[i];
        char name[16];
        cct__expected_name(e, name, sizeof(name));
        if (!e->have_kind || e->kind == dk) {
            continue;
        }
        if (e->kind == CCT_REG_MRTD) {
            return cct_err(err, CCT_EINVAL, -1, -1,
                           "value %zu: MRTD is measured by the TDX module when the TD is built; "
                           "no event log replays it (compare it with a quote's MRTD)",
                           i + 1);
        }
        bool present = false;
        for (size_t k = 0; k < r->n && !present; k++) {
            present = r->regs[k].kind == e->kind;
        }
        if (!present) {
            return cct_err(err, CCT_EINVAL, -1, -1,
                           "value %zu: %s does not fit these logs: they extend %s (N or IMRn "
                           "names index n of the logs' register file)",
                           i + 1, name, kind_phrase(dk));
        }
    }
    return 0;
}

int cct_replay_compare(const cct_replay *r, const struct cct_expected *ex, size_t n,
                       struct cct_register_diff *diffs, size_t max, size_t *n_diffs)
{
    if (r == NULL || (ex == NULL && n > 0) || (diffs == NULL && max > 0) || n_diffs == NULL) {
        return CCT_EINVAL;
    }
    enum cct_reg_kind dk = default_kind(r);
    size_t found = 0;
    for (size_t i = 0; i < n; i++) {
        const struct cct_expected *e = &ex[i];
        if (e->size == 0) {
            continue; /* nothing to compare with (not on the platform) */
        }
        struct cct_register reg;
        enum cct_reg_kind k = e->have_kind ? e->kind : dk;
        int rc = cct_replay_lookup(r, k, e->index, e->alg, &reg);
        if (rc < 0) {
            return rc;
        }
        if (reg.size == e->size && cct_memeq_ct(reg.digest, e->digest, e->size)) {
            continue;
        }
        if (found < max) {
            struct cct_register_diff *d = &diffs[found];
            memset(d, 0, sizeof(*d));
            d->kind = k;
            d->index = e->index;
            d->alg = e->alg;
            d->size = e->size;
            memcpy(d->replayed, reg.digest, reg.size);
            memcpy(d->expected, e->digest, e->size);
        }
        found++;
    }
    *n_diffs = found;
    return 0;
}
