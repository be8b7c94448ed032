/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Replaying several logs together: the one path every frontend takes.
 *
 * Order: boot logs (TCG2, TCG1.2, CCEL, CEL) in the order given, then IMA
 * lists, whatever order they were given in (IMA extends on top of the boot
 * measurements, and its boot_aggregate is checked against them). IMA lines
 * do not say which register file they extend: a kernel on a TDX guest
 * extends RTMR n, one on a TPM extends PCR n, so AUTO picks RTMR when a CCEL
 * is among the logs. Diagnostics (digest checks, separators,
 * boot_aggregate) become notes on the replay.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cctrusted/ima.h>
#include <cctrusted/replay.h>

#include "formats/tcg/tcg.h"
#include "replay/replay_internal.h"
#include "util/buf.h"
#include "util/error.h"

#define MAX_LOGS 64

static int is_ima_format(enum cct_log_format f)
{
    return f == CCT_LOG_IMA_ASCII || f == CCT_LOG_IMA_BINARY;
}

static const char *log_name(const struct cct_log_input *in, size_t i, char *buf, size_t len)
{
    if (in->name != NULL) {
        return in->name;
    }
    if (in->path != NULL) {
        return in->path;
    }
    snprintf(buf, len, "log %zu", i);
    return buf;
}

static int open_input(const struct cct_log_input *in, enum cct_log_format fmt, cct_eventlog **log,
                      struct cct_error *err)
{
    struct cct_eventlog_options o = CCT_EVENTLOG_OPTIONS_INIT;
    o.format = fmt;
    if (in->path != NULL) {
        return cct_eventlog_from_file(in->path, &o, log, err);
    }
    if (in->data == NULL && in->len > 0) {
        return cct_err(err, CCT_EINVAL, -1, -1, "log has neither a path nor data");
    }
    return cct_eventlog_from_memory(in->data, in->len, &o, log, err);
}

/* Prefix err's message with the log's name, keeping event and offset. */
static int name_error(struct cct_error *err, int rc, const char *name)
{
    if (err != NULL) {
        char msg[sizeof(err->message)];
        size_t room = sizeof(err->message) / 2;
        snprintf(msg, sizeof(msg), "%s", err->message);
        snprintf(err->message, sizeof(err->message), "%.*s: %.*s", (int)room, name, (int)room - 3,
                 msg);
        err->code = rc;
    }
    return rc;
}

struct plan {
    size_t n;
    enum cct_log_format fmt[MAX_LOGS];
    enum cct_reg_kind ima_kind[MAX_LOGS];
    uint64_t events[MAX_LOGS];
};

/* Detect each log's format and the register file of IMA entries. */
static int make_plan(const struct cct_log_input *logs, size_t n,
                     const struct cct_replay_options *opts, struct plan *pl, struct cct_error *err)
{
    char nb[32];
    int have_ccel = 0;
    if (n > MAX_LOGS) {
        return cct_err(err, CCT_ELIMIT, -1, -1, "more than %d logs", MAX_LOGS);
    }
    memset(pl, 0, sizeof(*pl));
    pl->n = n;
    for (size_t i = 0; i < n; i++) {
        cct_eventlog *log = NULL;
        int rc = open_input(&logs[i], logs[i].format, &log, err);
        if (rc < 0) {
            return name_error(err, rc, log_name(&logs[i], i, nb, sizeof(nb)));
        }
        pl->fmt[i] = cct_eventlog_format(log);
        cct_eventlog_free(log);
        have_ccel |= pl->fmt[i] == CCT_LOG_CCEL;
    }
    enum cct_ima_register dflt = opts ? opts->ima_register : CCT_IMA_REGISTER_AUTO;
    for (size_t i = 0; i < n; i++) {
        enum cct_ima_register k =
            logs[i].ima_register != CCT_IMA_REGISTER_AUTO ? logs[i].ima_register : dflt;
        if (k == CCT_IMA_REGISTER_AUTO) {
            k = have_ccel ? CCT_IMA_REGISTER_RTMR : CCT_IMA_REGISTER_PCR;
        }
        pl->ima_kind[i] = k == CCT_IMA_REGISTER_RTMR ? CCT_REG_RTMR : CCT_REG_PCR;
    }
    return 0;
}

static int walk(const struct cct_log_input *logs, const struct plan *pl, struct plan *counts,
                cct_log_event_fn fn, void *arg, struct cct_error *err)
{
    char nb[32];
    for (size_t pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < pl->n; i++) {
            if (is_ima_format(pl->fmt[i]) != (pass == 1)) {
                continue;
            }
            const char *name = log_name(&logs[i], i, nb, sizeof(nb));
            cct_eventlog *log = NULL;
            int rc = open_input(&logs[i], pl->fmt[i], &log, err);
            if (rc < 0) {
                return name_error(err, rc, name);
            }
            if (is_ima_format(pl->fmt[i]) &&
                (rc = cct_eventlog_ima_set_register(log, pl->ima_kind[i])) < 0) {
                cct_eventlog_free(log);
                return cct_err(err, rc, -1, -1, "%s: cannot set the IMA register file", name);
            }
            struct cct_event ev;
            while ((rc = cct_eventlog_next(log, &ev)) > 0) {
                if (counts != NULL) {
                    counts->events[i]++;
                }
                rc = fn(arg, i, &ev);
                if (rc != 0) {
                    break;
                }
            }
            /* The iterator's error (it stopped the walk, or the callback set none). */
            if (rc < 0 && err != NULL && (err->code == 0 || rc == cct_eventlog_error(log)->code)) {
                *err = *cct_eventlog_error(log);
                name_error(err, rc, name);
            }
            cct_eventlog_free(log);
            if (rc != 0) {
                return rc;
            }
        }
    }
    return 0;
}

int cct_logs_foreach(const struct cct_log_input *logs, size_t n,
                     const struct cct_replay_options *opts, cct_log_event_fn fn, void *arg,
                     struct cct_error *err)
{
    struct plan *pl;
    if ((logs == NULL && n > 0) || fn == NULL) {
        return cct_err(err, CCT_EINVAL, -1, -1, "invalid argument");
    }
    pl = calloc(1, sizeof(*pl));
    if (pl == NULL) {
        return cct_err(err, CCT_ENOMEM, -1, -1, "out of memory");
    }
    if (err != NULL) {
        cct_error_clear(err);
    }
    int rc = make_plan(logs, n, opts, pl, err);
    if (rc == 0) {
        rc = walk(logs, pl, NULL, fn, arg, err);
    }
    free(pl);
    return rc;
}

/* ---- notes ---- */

int cct_replay_add_note(cct_replay *r, enum cct_note_code code, size_t log,
                        const struct cct_event *ev, const char *fmt, ...)
{
    if (r->notes == NULL) {
        r->notes = calloc(CCT_MAX_NOTES, sizeof(*r->notes));
        if (r->notes == NULL) {
            return CCT_ENOMEM;
        }
    }
    if (r->n_notes == CCT_MAX_NOTES) {
        r->dropped_notes++;
        return 0;
    }
    struct cct_replay_note *n = &r->notes[r->n_notes++];
    memset(n, 0, sizeof(*n));
    n->code = code;
    n->log = log;
    n->event = ev->number;
    n->offset = ev->offset;
    n->kind = ev->kind;
    n->index = ev->index;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(n->text, sizeof(n->text), fmt, ap);
    va_end(ap);
    return 0;
}

size_t cct_replay_note_count(const cct_replay *r)
{
    return r ? r->n_notes : 0;
}

size_t cct_replay_notes_dropped(const cct_replay *r)
{
    return r ? r->dropped_notes : 0;
}

int cct_replay_note_get(const cct_replay *r, size_t i, struct cct_replay_note *out)
{
    if (r == NULL || out == NULL || i >= r->n_notes) {
        return CCT_EINVAL;
    }
    *out = r->notes[i];
    return 0;
}

int cct_replay_boot_aggregate(const cct_replay *r, struct cct_aggregate_result *out)
{
    if (r == NULL || out == NULL) {
        return CCT_EINVAL;
    }
    *out = r->agg;
    return 0;
}

size_t cct_replay_log_count(const cct_replay *r)
{
    return r ? r->n_logs : 0;
}

int cct_replay_log_info(const cct_replay *r, size_t i, struct cct_replay_log_info *out)
{
    if (r == NULL || out == NULL || i >= r->n_logs) {
        return CCT_EINVAL;
    }
    *out = r->logs[i].info;
    return 0;
}

enum cct_reg_kind cct_replay_ima_register(const cct_replay *r)
{
    return r ? r->ima_kind : CCT_REG_PCR;
}

/* ---- the replay with diagnostics ---- */

static const char *tname(uint32_t t)
{
    const char *n = cct_event_type_name(t);
    return n ? n : "UNKNOWN";
}

static const char *prefix(enum cct_reg_kind k)
{
    return k == CCT_REG_RTMR ? "RTMR" : k == CCT_REG_MRTD ? "MRTD" : "PCR";
}

struct feed {
    cct_replay *rp;
    const struct cct_replay_options *opts; /* the caller's, for the MRTD */
    int diagnostics;
    int have_boot;
    int ima_seen;
    size_t cur_log;
    uint64_t sep_pcr; /* separator seen, per PCR (this log) */
    uint8_t sep_rtmr;
    struct cct_error *err;
};

/* Separator data is 0x00000000 (normal) or 0xFFFFFFFF (error), PFP 10.4.3. */
static int separator_data_ok(const struct cct_event *ev)
{
    static const uint8_t z[4] = { 0, 0, 0, 0 }, f[4] = { 0xff, 0xff, 0xff, 0xff };
    return ev->data_len == 4 && (memcmp(ev->data, z, 4) == 0 || memcmp(ev->data, f, 4) == 0);
}

static int sep_seen(struct feed *f, const struct cct_event *ev)
{
    int seen = 0;
    if (ev->kind == CCT_REG_PCR && ev->index < 64) {
        seen = (f->sep_pcr >> ev->index) & 1;
        f->sep_pcr |= 1ull << ev->index;
    } else if (ev->kind == CCT_REG_RTMR && ev->index < 8) {
        seen = (f->sep_rtmr >> ev->index) & 1;
        f->sep_rtmr |= (uint8_t)(1u << ev->index);
    }
    return seen;
}

static int check_event(struct feed *f, size_t log, const struct cct_event *ev)
{
    enum cct_digest_check c;
    cct_replay *r = f->rp;
    int rc = 0;
    /* No *literal wanted: lets the check skip hashing unbound types. */
    if (cct_event_check_digest(ev, &c, NULL) != 0 || c != CCT_DIGEST_MISMATCH) {
        c = CCT_DIGEST_NOT_CHECKED;
    }
    if (cct_event_is_ima(ev)) {
        if (c == CCT_DIGEST_MISMATCH) {
            int nl = (int)(ev->ima_file_name_len > 80 ? 80 : ev->ima_file_name_len);
            rc = cct_replay_add_note(
                r, CCT_NOTE_IMA_TEMPLATE, log, ev,
                "IMA %.*s entry '%.*s' on %s%u: template hash does not match the template data",
                (int)ev->ima_template_len, ev->ima_template ? ev->ima_template : "", nl,
                ev->ima_file_name ? ev->ima_file_name : "", prefix(ev->kind), ev->index);
        }
        return rc;
    }
    if (c == CCT_DIGEST_MISMATCH) {
        rc = cct_replay_add_note(r, CCT_NOTE_DIGEST_MISMATCH, log, ev,
                                 "%s on %s%u: digest does not match the hash of its event data",
                                 tname(ev->type), prefix(ev->kind), ev->index);
    }
    if (rc == 0 && ev->type == EV_SEPARATOR) {
        if (!separator_data_ok(ev)) {
            rc = cct_replay_add_note(r, CCT_NOTE_SEPARATOR_DATA, log, ev,
                                     "EV_SEPARATOR on %s%u carries %zu bytes of non-separator data",
                                     prefix(ev->kind), ev->index, ev->data_len);
        }
        if (rc == 0 && sep_seen(f, ev)) {
            rc = cct_replay_add_note(r, CCT_NOTE_DUP_SEPARATOR, log, ev,
                                     "duplicate separator at event %llu on %s%u",
                                     (unsigned long long)ev->number, prefix(ev->kind), ev->index);
        }
    }
    return rc;
}

/* The first IMA entry is the boot_aggregate, checked before IMA extends anything. */
static void check_aggregate(struct feed *f, size_t log, const struct cct_event *ev)
{
    static const char *const names[] = { "PCR0-7", "PCR0-9", "MRTD+RTMR0-2" };
    struct cct_aggregate_result *a = &f->rp->agg;
    enum cct_ima_aggregate how;
    const uint8_t *mrtd = f->opts ? f->opts->mrtd : NULL;
    size_t mrtd_len = f->opts ? f->opts->mrtd_len : 0;
    int rc = cct_ima_check_boot_aggregate(f->rp, ev, mrtd, mrtd_len, &how);
    a->alg = ev->ima_file_alg;
    if (rc == 0) {
        a->status = CCT_AGGREGATE_MATCHED;
        a->how = (int)how;
        snprintf(a->text, sizeof(a->text), "boot_aggregate (%s) matches %s of the boot log",
                 cct_alg_name(ev->ima_file_alg), names[how]);
    } else if (rc == CCT_EVERIFY) {
        a->status = CCT_AGGREGATE_MISMATCH;
        snprintf(a->text, sizeof(a->text),
                 "boot_aggregate (%s) matches neither PCR0-7 nor PCR0-9 of the boot log%s",
                 cct_alg_name(ev->ima_file_alg),
                 ev->kind == CCT_REG_RTMR && mrtd == NULL ? " (a TDX boot_aggregate needs the MRTD)"
                                                          : "");
        if (f->diagnostics) {
            (void)cct_replay_add_note(f->rp, CCT_NOTE_BOOT_AGGREGATE, log, ev, "%s", a->text);
        }
    } else if (rc != CCT_ENOTFOUND) {
        a->status = CCT_AGGREGATE_UNCHECKED;
        snprintf(a->text, sizeof(a->text), "boot_aggregate not checked: %s", cct_strerror(rc));
    }
}

static int feed_event(void *arg, size_t log, const struct cct_event *ev)
{
    struct feed *f = arg;
    if (log != f->cur_log) {
        f->cur_log = log;
        f->sep_pcr = 0;
        f->sep_rtmr = 0;
    }
    if (f->diagnostics) {
        int rc = check_event(f, log, ev);
        if (rc < 0) {
            return cct_err(f->err, rc, (int64_t)ev->number, (int64_t)ev->offset, "out of memory");
        }
    }
    if (cct_event_is_ima(ev) && !f->ima_seen) {
        f->ima_seen = 1;
        f->rp->ima_kind = ev->kind;
        if (f->have_boot) {
            check_aggregate(f, log, ev);
        }
    }
    int rc = cct_replay_event(f->rp, ev);
    if (rc < 0) {
        return cct_err(f->err, rc, (int64_t)ev->number, (int64_t)ev->offset,
                       "%s: cannot replay event %llu: %s", f->rp->logs[log].info.name,
                       (unsigned long long)ev->number, cct_strerror(rc));
    }
    return 0;
}

static int keep_inputs(cct_replay *r, const struct cct_log_input *logs, const struct plan *pl)
{
    char nb[32];
    r->logs = calloc(pl->n ? pl->n : 1, sizeof(*r->logs));
    if (r->logs == NULL) {
        return CCT_ENOMEM;
    }
    r->n_logs = pl->n;
    for (size_t i = 0; i < pl->n; i++) {
        struct replay_log *l = &r->logs[i];
        if (logs[i].path != NULL && (l->path = strdup(logs[i].path)) == NULL) {
            return CCT_ENOMEM;
        }
        l->data = logs[i].data;
        l->len = logs[i].len;
        l->format_given = logs[i].format;
        snprintf(l->info.name, sizeof(l->info.name), "%s", log_name(&logs[i], i, nb, sizeof(nb)));
        l->info.format = pl->fmt[i];
        l->info.ima_kind = pl->ima_kind[i];
    }
    return 0;
}

/* The inputs of a replay, as given (formats as detected, IMA register files as chosen). */
static void inputs_of(const cct_replay *r, struct cct_log_input *in)
{
    for (size_t i = 0; i < r->n_logs; i++) {
        const struct replay_log *l = &r->logs[i];
        memset(&in[i], 0, sizeof(in[i]));
        in[i].path = l->path;
        in[i].data = l->data;
        in[i].len = l->len;
        in[i].format = l->info.format;
        in[i].ima_register =
            l->info.ima_kind == CCT_REG_RTMR ? CCT_IMA_REGISTER_RTMR : CCT_IMA_REGISTER_PCR;
        in[i].name = l->info.name;
    }
}

int cct_replay_logs(const struct cct_log_input *logs, size_t n,
                    const struct cct_replay_options *opts, cct_replay **out, struct cct_error *err)
{
    cct_replay *rp = NULL;
    struct plan *pl;
    if ((logs == NULL && n > 0) || out == NULL) {
        return cct_err(err, CCT_EINVAL, -1, -1, "invalid argument");
    }
    if (err != NULL) {
        cct_error_clear(err);
    }
    int rc = cct_replay_new(opts, &rp);
    if (rc < 0) {
        return cct_err(err, rc, -1, -1, "invalid replay options");
    }
    pl = calloc(1, sizeof(*pl));
    if (pl == NULL) {
        cct_replay_free(rp);
        return cct_err(err, CCT_ENOMEM, -1, -1, "out of memory");
    }
    rc = make_plan(logs, n, opts, pl, err);
    if (rc == 0 && (rc = keep_inputs(rp, logs, pl)) < 0) {
        cct_err(err, rc, -1, -1, "out of memory");
    }
    if (rc == 0) {
        struct feed f;
        memset(&f, 0, sizeof(f));
        f.rp = rp;
        f.opts = opts;
        f.diagnostics = !(rp->opts.flags & CCT_REPLAY_F_NO_DIAGNOSTICS);
        f.cur_log = SIZE_MAX;
        f.err = err;
        for (size_t i = 0; i < n; i++) {
            f.have_boot |= !is_ima_format(pl->fmt[i]);
        }
        rc = walk(logs, pl, pl, feed_event, &f, err);
    }
    if (rc == 0) {
        for (size_t i = 0; i < n; i++) {
            rp->logs[i].info.events = pl->events[i];
        }
        rc = cct_replay_finish(rp);
        if (rc < 0) {
            cct_err(err, rc, -1, -1, "cannot apply the end-of-log workarounds: %s",
                    cct_strerror(rc));
        }
    }
    free(pl);
    if (rc != 0) {
        cct_replay_free(rp);
        return rc < 0 ? rc : CCT_EINVAL;
    }
    *out = rp;
    return 0;
}

int cct_replay_foreach_event(const cct_replay *r, cct_log_event_fn fn, void *arg,
                             struct cct_error *err)
{
    if (r == NULL || fn == NULL || r->logs == NULL) {
        return cct_err(err, CCT_EINVAL, -1, -1, "not a replay of logs");
    }
    struct cct_log_input *in = calloc(r->n_logs ? r->n_logs : 1, sizeof(*in));
    if (in == NULL) {
        return cct_err(err, CCT_ENOMEM, -1, -1, "out of memory");
    }
    inputs_of(r, in);
    int rc = cct_logs_foreach(in, r->n_logs, &r->opts, fn, arg, err);
    free(in);
    return rc;
}

/* ---- explaining a difference ---- */

struct feeders {
    const struct cct_register_diff *d;
    const cct_replay *r;
    struct cct_buf *b;
    size_t cur_log;
    uint64_t fed;
    uint64_t visited; /* bit per log */
};

static int has_bank(const cct_replay *r, const struct cct_event *ev, uint16_t alg)
{
    for (size_t k = 0; k < ev->n_digests; k++) {
        if (ev->digests[k].alg == alg) {
            return 1;
        }
    }
    if (cct_event_is_ima(ev)) {
        for (size_t k = 0; k < r->opts.n_ima_banks; k++) {
            if (r->opts.ima_banks[k] == alg) {
                return 1;
            }
        }
        for (size_t k = 0; k < r->opts.n_ima_padded; k++) {
            if (r->opts.ima_padded[k] == alg) {
                return 1;
            }
        }
    }
    return 0;
}

static void end_log(struct feeders *s)
{
    if (s->cur_log == SIZE_MAX) {
        return;
    }
    if (s->fed > 40) {
        cct_buf_printf(s->b, " ... (%llu in all)", (unsigned long long)s->fed);
    }
    if (s->fed == 0) {
        cct_buf_puts(s->b, " none (the register keeps its initial value)");
    }
    cct_buf_puts(s->b, "\n");
    for (size_t k = 0; k < s->r->n_notes; k++) {
        const struct cct_replay_note *n = &s->r->notes[k];
        if (n->log == s->cur_log && n->kind == s->d->kind && n->index == s->d->index) {
            cct_buf_printf(s->b, "    event %llu: %s\n", (unsigned long long)n->event, n->text);
        }
    }
}

static void begin_log(struct feeders *s, size_t log)
{
    end_log(s);
    s->cur_log = log;
    s->fed = 0;
    s->visited |= 1ull << log;
    cct_buf_printf(s->b, "    events feeding %s%u in %s:", prefix(s->d->kind), s->d->index,
                   s->r->logs[log].info.name);
}

static int feeder(void *arg, size_t log, const struct cct_event *ev)
{
    struct feeders *s = arg;
    if (s->cur_log != log) {
        begin_log(s, log);
    }
    enum cct_reg_kind k;
    uint32_t idx;
    if (cct_replay_event_register(s->r, ev, &k, &idx) != 1 || k != s->d->kind ||
        idx != s->d->index || !has_bank(s->r, ev, s->d->alg)) {
        return 0;
    }
    s->fed++;
    if (s->fed <= 40) {
        cct_buf_printf(s->b, " %llu(%s)", (unsigned long long)ev->number,
                       cct_event_is_ima(ev) ? "IMA" : tname(ev->type));
    }
    return 0;
}

/* Does the register match when replayed with one more workaround? */
static int matches_with(const cct_replay *r, uint32_t wa, const struct cct_register_diff *d)
{
    struct cct_log_input *in = calloc(r->n_logs ? r->n_logs : 1, sizeof(*in));
    struct cct_replay_options o = r->opts;
    cct_replay *t = NULL;
    int ok = 0;
    if (in == NULL) {
        return 0;
    }
    inputs_of(r, in);
    o.workarounds |= wa;
    o.flags |= CCT_REPLAY_F_NO_DIAGNOSTICS;
    if (cct_replay_logs(in, r->n_logs, &o, &t, NULL) == 0) {
        struct cct_register reg;
        ok = cct_replay_lookup(t, d->kind, d->index, d->alg, &reg) == 0 && reg.size == d->size &&
             memcmp(reg.digest, d->expected, d->size) == 0;
    }
    cct_replay_free(t);
    free(in);
    return ok;
}

int cct_replay_explain(const cct_replay *r, const struct cct_register_diff *d, char **text)
{
    static const uint32_t all[] = { CCT_WORKAROUND_EBS_MISSING, CCT_WORKAROUND_DUP_SEPARATOR };
    if (r == NULL || d == NULL || text == NULL || r->logs == NULL) {
        return CCT_EINVAL;
    }
    struct cct_buf b;
    cct_buf_init(&b, 1u << 20);
    struct feeders s = { d, r, &b, SIZE_MAX, 0, 0 };
    int rc = cct_replay_foreach_event(r, feeder, &s, NULL);
    if (rc < 0) {
        cct_buf_free(&b);
        return rc;
    }
    for (size_t i = 0; i < r->n_logs; i++) {
        if (!(s.visited & (1ull << i))) {
            begin_log(&s, i); /* a log without events still gets its line */
        }
    }
    end_log(&s);
    for (size_t k = 0; k < sizeof(all) / sizeof(all[0]); k++) {
        if (!(r->opts.workarounds & all[k]) && matches_with(r, all[k], d)) {
            cct_buf_printf(
                &b,
                "    hint: this register matches with the workaround %s (a known firmware bug)\n",
                cct_workaround_name(all[k]));
        }
    }
    if (b.failed) {
        cct_buf_free(&b);
        return CCT_ENOMEM;
    }
    *text = cct_buf_steal(&b);
    return *text ? 0 : CCT_ENOMEM;
}
