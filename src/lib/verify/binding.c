/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Binding event logs to evidence. "verified" with event logs means every
 * presented claim is bound:
 *   - every event of every log extends a register and bank that the evidence
 *     covers (and the caller compares those registers with the evidence), or
 *     is an event that by spec never extends (EV_NO_ACTION, log headers);
 *     an event on a register the evidence does not vouch for (MRTD events
 *     included: MRTD is built by the TDX module, not replayable; and events
 *     on an index beyond the log's register file, which replay skips) fails
 *     the check "eventlog-binding";
 *   - every event whose digest can be recomputed from its data matches it
 *     (cct_event_check_digest), else "eventlog-data" fails naming it; events
 *     whose digest covers something not in the log are listed as not
 *     checked ("eventlog-unverified": data not verified).
 * What each evidence type covers is the table below and the TPM quote's own
 * PCR selection. The replay is the library's (cct_replay_logs): one path.
 */
#include <stdio.h>
#include <string.h>

#include <cctrusted/replay.h>

#include "formats/tcg/tcg.h"
#include "replay/replay_internal.h"
#include "util/error.h"
#include "verify/common.h"
#include "verify/verify_internal.h"

/*
 * The one table of registers each evidence type covers:
 *   TDX quote:  RTMR0-3, SHA-384 (MRTD is measured by the TDX module at build
 *               time; no log event can be replayed into it);
 *   TPM quote:  exactly the PCRs and banks of the quote's selection;
 *   SNP report, CCA token: none (event logs are refused as inapplicable
 *               inputs, see verify/policy.c).
 */
void cct__coverage_tdx(struct cct__coverage *cov)
{
    cov->n = 0;
    cov->ima_kind = CCT_IMA_REGISTER_RTMR; /* a TDX kernel extends IMA into RTMRs */
    for (uint32_t i = 0; i < 4; i++) {
        cov->regs[cov->n++] = (struct cct__cov_reg){ CCT_REG_RTMR, i, CCT_ALG_SHA384 };
    }
}

int cct__coverage_tpm(const struct cct_tpm_attest *a, struct cct__coverage *cov)
{
    cov->n = 0;
    cov->ima_kind = CCT_IMA_REGISTER_PCR;
    for (size_t s = 0; s < a->n_selections; s++) {
        const struct cct_tpm_pcr_selection *sel = &a->selections[s];
        for (uint32_t i = 0; i < 8u * sel->size_of_select; i++) {
            if (!(sel->select[i / 8] & (1u << (i % 8)))) {
                continue;
            }
            if (cov->n >= CCT__MAX_COVERED) {
                return CCT_ELIMIT;
            }
            cov->regs[cov->n++] = (struct cct__cov_reg){ CCT_REG_PCR, i, sel->hash };
        }
    }
    return 0;
}

static bool covered(const struct cct__coverage *cov, enum cct_reg_kind k, uint32_t idx,
                    uint16_t alg)
{
    for (size_t i = 0; i < cov->n; i++) {
        if (cov->regs[i].kind == k && cov->regs[i].index == idx && cov->regs[i].alg == alg) {
            return true;
        }
    }
    return false;
}

/* A short list of events for a check's detail: "log 0 #5 PCR10, ... (+3 more)". */
struct ev_list {
    char text[160];
    size_t n;
};

static const char *kind_prefix(enum cct_reg_kind k)
{
    switch (k) {
    case CCT_REG_RTMR: return "RTMR";
    case CCT_REG_MRTD: return "MRTD";
    default: return "PCR";
    }
}

static void list_add(struct ev_list *l, size_t log, const struct cct_event *ev, const char *what)
{
    size_t used = strlen(l->text);
    if (l->n++ < 3 && used < sizeof(l->text)) {
        snprintf(l->text + used, sizeof(l->text) - used, "%slog %zu #%llu @0x%llx %s",
                 used ? ", " : "", log, (unsigned long long)ev->number,
                 (unsigned long long)ev->offset, what);
    }
}

struct walk {
    const cct_replay *rp;
    const struct cct__coverage *cov;
    const struct cct_replay_options *ropts;
    uint64_t total, never, bound, verified, mismatched, unverified;
    struct ev_list uncovered, bad, unchecked;
    int error;
};

/* Is the event bound through at least one covered bank of its register? */
static bool event_covered(const struct walk *w, const struct cct_event *ev, enum cct_reg_kind k,
                          uint32_t idx)
{
    for (size_t i = 0; i < ev->n_digests; i++) {
        if (covered(w->cov, k, idx, ev->digests[i].alg)) {
            return true;
        }
    }
    if (cct_event_is_ima(ev)) {
        /* The replay extends IMA entries into these banks from the template data too. */
        for (size_t i = 0; i < w->ropts->n_ima_banks; i++) {
            if (covered(w->cov, k, idx, w->ropts->ima_banks[i])) {
                return true;
            }
        }
        for (size_t i = 0; i < w->ropts->n_ima_padded; i++) {
            if (covered(w->cov, k, idx, w->ropts->ima_padded[i])) {
                return true;
            }
        }
    }
    return false;
}

static int walk_event(void *arg, size_t log, const struct cct_event *ev)
{
    struct walk *w = arg;
    enum cct_reg_kind k;
    uint32_t idx;
    char what[48];
    w->total++;
    int ext = cct_replay_event_register(w->rp, ev, &k, &idx);
    if (ext < 0) {
        w->error = ext;
        return 1;
    }
    /* Claims the replay skips are not "never extends" events: MRTD events (no log can be replayed
     * into MRTD) and events on an index beyond the log's register file are unbound. */
    bool claim = ev->type != EV_NO_ACTION && !(ev->flags & CCT_EVENT_F_HEADER);
    bool mrtd = claim && ev->kind == CCT_REG_MRTD;
    bool range = claim && (ev->flags & CCT_EVENT_F_INDEX_OUT_OF_RANGE) != 0;
    if (ext == 0 && !mrtd && !range) {
        w->never++;
        return 0;
    }
    if (mrtd || range || !event_covered(w, ev, k, idx)) {
        snprintf(what, sizeof(what), "%s%u%s", kind_prefix(mrtd ? CCT_REG_MRTD : k), idx,
                 mrtd    ? " (not replayable)"
                 : range ? " (index out of range)"
                         : "");
        list_add(&w->uncovered, log, ev, what);
        return 0;
    }
    w->bound++;
    enum cct_digest_check c = CCT_DIGEST_NOT_CHECKED;
    int rc = cct_event_check_digest(ev, &c, NULL);
    if (rc < 0) {
        c = CCT_DIGEST_NOT_CHECKED; /* an algorithm the check cannot compute: data not verified */
    }
    const char *tn = cct_event_is_ima(ev) ? "IMA" : cct_event_type_name(ev->type);
    switch (c) {
    case CCT_DIGEST_OK:
    case CCT_DIGEST_OK_ALT:
    case CCT_DIGEST_OK_RULE: w->verified++; break;
    case CCT_DIGEST_MISMATCH:
        w->mismatched++;
        list_add(&w->bad, log, ev, tn != NULL ? tn : "event");
        break;
    default:
        w->unverified++;
        list_add(&w->unchecked, log, ev, tn != NULL ? tn : "event");
        break;
    }
    return 0;
}

static void more(char *buf, size_t n, const struct ev_list *l)
{
    size_t used = strlen(buf);
    if (l->n > 3 && used < n) {
        snprintf(buf + used, n - used, " (+%zu more)", l->n - 3);
    }
}

/* Replay options for binding: the caller's, or IMA into the covered register file and banks. */
static void binding_replay_options(const struct cct_verify_options *o,
                                   const struct cct__coverage *cov, struct cct_replay_options *r)
{
    if (o->replay != NULL) {
        *r = *o->replay;
        return;
    }
    cct_replay_options_init(r);
    r->ima_register = cov->ima_kind;
    for (size_t i = 0; i < cov->n; i++) {
        bool seen = false;
        for (size_t j = 0; j < r->n_ima_banks; j++) {
            seen = seen || r->ima_banks[j] == cov->regs[i].alg;
        }
        if (!seen && r->n_ima_banks < CCT_MAX_DIGESTS) {
            r->ima_banks[r->n_ima_banks++] = cov->regs[i].alg;
        }
    }
    /* The digest checks run in the walk below. */
    r->flags |= CCT_REPLAY_F_NO_DIAGNOSTICS;
}

int cct__bind_logs(const struct cct_verify_options *o, const struct cct__coverage *cov,
                   const char *covers, cct_replay **out, struct cct_verify_result *res,
                   struct cct_error *err)
{
    struct cct_replay_options ropts;
    struct cct_error e;
    cct_replay *rp = NULL;
    *out = NULL;
    binding_replay_options(o, cov, &ropts);
    cct_error_clear(&e);
    int rc = cct_replay_logs(o->logs, o->n_logs, &ropts, &rp, &e);
    if (rc < 0) {
        vres_add(res, "eventlog", false, "%s", e.message);
        if (rc == CCT_EIO || rc == CCT_ENOTFOUND || rc == CCT_EPERM || rc == CCT_ENOMEM) {
            /* The environment, not the evidence: say so with the caller's error. */
            if (err != NULL) {
                *err = e;
            }
            return rc;
        }
        return 0;
    }
    struct walk w;
    memset(&w, 0, sizeof(w));
    w.rp = rp;
    w.cov = cov;
    w.ropts = &ropts;
    rc = cct_replay_foreach_event(rp, walk_event, &w, &e);
    if (rc < 0 || w.error < 0) {
        vres_add(res, "eventlog", false, "%s",
                 rc < 0 ? e.message : "cannot place an event in a register");
        cct_replay_free(rp);
        return 0;
    }
    char d[CCT_CHECK_DETAIL_MAX];
    if (w.uncovered.n > 0) {
        snprintf(d, sizeof(d), "%zu event(s) extend registers the evidence does not cover (%s): %s",
                 w.uncovered.n, covers, w.uncovered.text);
        more(d, sizeof(d), &w.uncovered);
        vres_add(res, "eventlog-binding", false, "%s", d);
    } else {
        vres_add(
            res, "eventlog-binding", true,
            "%llu event(s) of %zu log(s): %llu extend covered registers (%s), %llu never extend",
            (unsigned long long)w.total, o->n_logs, (unsigned long long)w.bound, covers,
            (unsigned long long)w.never);
    }
    if (w.mismatched > 0) {
        snprintf(d, sizeof(d), "%llu event(s) whose data does not match their digest: %s",
                 (unsigned long long)w.mismatched, w.bad.text);
        more(d, sizeof(d), &w.bad);
        vres_add(res, "eventlog-data", false, "%s", d);
    } else {
        vres_add(res, "eventlog-data", true,
                 "%llu event(s) checked: their data matches their digest",
                 (unsigned long long)w.verified);
    }
    if (w.unverified > 0) {
        snprintf(d, sizeof(d), "%llu event(s): digest not checkable, data not verified: %s",
                 (unsigned long long)w.unverified, w.unchecked.text);
        more(d, sizeof(d), &w.unchecked);
        vres_skip(res, "eventlog-unverified", "%s", d);
    }
    *out = rp;
    return 0;
}
