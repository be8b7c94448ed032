/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Verifier of a container-bound report (cct_verify_container_report()):
 * the container log replays to an IMR3, REPORTDATA binds that IMR3 with the
 * nonce and user data, the node runtime log replays to the report's RTMR3,
 * and that log holds the container's start record. Every check is named;
 * what cannot be checked fails.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cctrusted/container.h>
#include <cctrusted/report.h>

#include "container/container_internal.h"
#include "crypto/crypto.h"
#include "util/error.h"
#include "util/hex.h"

static void add(struct cct_verify_result *res, const char *name, int ok, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void add(struct cct_verify_result *res, const char *name, int ok, const char *fmt, ...)
{
    if (!ok) {
        res->ok = 0;
    }
    if (res->n_checks >= CCT_MAX_CHECKS) {
        res->dropped++;
        res->ok = 0;
        return;
    }
    struct cct_check *c = &res->checks[res->n_checks++];
    snprintf(c->name, sizeof(c->name), "%s", name);
    c->ok = ok ? 1 : 0;
    c->status = ok ? CCT_CHECK_PASSED : CCT_CHECK_FAILED;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->detail, sizeof(c->detail), fmt, ap);
    va_end(ap);
}

struct walk {
    uint64_t events;
    uint64_t checked; /* creation and system events whose digest was recomputed */
    uint64_t other;   /* IMR3 events that are not creation events (IMA entries) */
    int64_t bad;      /* first event whose digest is not H(text), or -1 */
    uint64_t created; /* creation events seen */
    uint8_t prefix[CCT_CONTAINER_IMR_SIZE];
    uint64_t prefix_at; /* replay of this many creation events is kept in prefix */
    uint8_t created_imr[CCT_CONTAINER_IMR_SIZE]; /* creation events alone, from zero */
};

static int extend384(uint8_t v[CCT_CONTAINER_IMR_SIZE], const uint8_t *d)
{
    uint8_t buf[2 * CCT_CONTAINER_IMR_SIZE];
    memcpy(buf, v, CCT_CONTAINER_IMR_SIZE);
    memcpy(buf + CCT_CONTAINER_IMR_SIZE, d, CCT_CONTAINER_IMR_SIZE);
    return cct_digest(CCT_ALG_SHA384, buf, sizeof(buf), v) < 0 ? CCT_EIO : 0;
}

/* A tagged event whose digest must be the SHA-384 of its text. */
static void check_text(struct walk *w, const struct cct_event *ev, const uint8_t *d, const char *t,
                       size_t tl)
{
    uint8_t h[CCT_CONTAINER_IMR_SIZE];
    if (d == NULL || cct_digest(CCT_ALG_SHA384, t, tl, h) < 0 || !cct_memeq_ct(h, d, sizeof(h))) {
        if (w->bad < 0) {
            w->bad = (int64_t)ev->number;
        }
    } else {
        w->checked++;
    }
}

static int on_event(void *arg, const struct cct_event *ev)
{
    struct walk *w = arg;
    const char *t;
    size_t tl;
    const uint8_t *d = NULL;
    for (size_t i = 0; i < ev->n_digests; i++) {
        if (ev->digests[i].alg == CCT_ALG_SHA384) {
            d = ev->digests[i].bytes;
        }
    }
    w->events++;
    if (cct_container_event_text(ev, CCT_CONTAINER_TAG_ID, &t, &tl) == 0) {
        check_text(w, ev, d, t, tl);
        /* The node's start record covers the creation events alone, from zero:
         * the system events that start IMR3 are the agent's, not the hook's. */
        if (d != NULL && extend384(w->created_imr, d) < 0) {
            return CCT_EIO;
        }
        if (++w->created == w->prefix_at) {
            memcpy(w->prefix, w->created_imr, CCT_CONTAINER_IMR_SIZE);
        }
    } else if (cct_container_event_text(ev, CCT_SYSTEM_TAG_ID, &t, &tl) == 0) {
        check_text(w, ev, d, t, tl);
    } else {
        w->other++;
    }
    return 0;
}

/*
 * Replay the RTMR3 records of the node runtime log (committed ones only),
 * looking for the prefix that equals the report's RTMR3: the log may have
 * grown since the report was made. *matched = records in that prefix (-1
 * when none matches), *last_event = event number of its last record.
 */
static int node_rtmr3(const uint8_t *log, size_t len, const uint8_t want[48], int64_t *matched,
                      int64_t *last_event, uint64_t *total, struct cct_error *err)
{
    struct cct_eventlog_options o = CCT_EVENTLOG_OPTIONS_INIT;
    o.format = CCT_LOG_CEL_TLV;
    cct_eventlog *el = NULL;
    int r = cct_eventlog_from_memory(log, len, &o, &el, err);
    if (r < 0) {
        return r;
    }
    uint8_t v[48] = { 0 };
    uint64_t count = 0;
    int64_t m = cct_memeq_ct(v, want, 48) ? 0 : -1, last = -1;
    struct cct_event ev;
    while ((r = cct_eventlog_next(el, &ev)) == 1) {
        if (ev.cel_content_type == CCT_CEL_MGT || ev.kind != CCT_REG_RTMR || ev.index != 3) {
            continue;
        }
        const uint8_t *d = NULL;
        for (size_t i = 0; i < ev.n_digests; i++) {
            if (ev.digests[i].alg == CCT_ALG_SHA384 && ev.digests[i].size == 48) {
                d = ev.digests[i].bytes;
            }
        }
        if (d == NULL) {
            r = cct_err(err, CCT_EUNSUPPORTED, (int64_t)ev.number, (int64_t)ev.offset,
                        "node log event %llu has no SHA-384 digest", (unsigned long long)ev.number);
            break;
        }
        uint8_t buf[96];
        memcpy(buf, v, 48);
        memcpy(buf + 48, d, 48);
        if ((r = cct_digest(CCT_ALG_SHA384, buf, sizeof(buf), v)) < 0) {
            break;
        }
        count++;
        if (m < 0 && cct_memeq_ct(v, want, 48)) {
            m = (int64_t)count;
            last = (int64_t)ev.number;
        }
    }
    if (r < 0 && err != NULL && err->code == 0) {
        *err = *cct_eventlog_error(el);
    }
    cct_eventlog_free(el);
    if (r < 0) {
        return r;
    }
    *matched = m;
    *last_event = last;
    *total = count;
    return 0;
}

/* What the checks of one container-bound report share. */
struct cv {
    const struct cct_container_evidence *ev;
    struct cct_verify_result *res;
    struct cct_tdx_quote q;
    int have_quote;
    struct cct_container_start_record rec;
    int have_node, node_ok;
    struct walk w;
    uint8_t imr[CCT_CONTAINER_IMR_SIZE];
    uint64_t n;
    int have_imr;
    int64_t matched, last_event;
};

/* container-log and container-imr: replay the IMR3 events, checking each tagged event's digest. */
static void check_log(struct cv *c)
{
    struct cct_error e;
    memset(&c->w, 0, sizeof(c->w));
    c->w.bad = -1;
    c->w.prefix_at = c->rec.count > 0 ? c->rec.n_events : 0;
    if (c->ev->container_log == NULL || c->ev->container_log_len == 0) {
        add(c->res, "container-imr", 0, "no container event log given");
        return;
    }
    cct_error_clear(&e);
    if (cct_container_log_walk(c->ev->container_log, c->ev->container_log_len, on_event, &c->w,
                               c->imr, &c->n, &e) < 0) {
        add(c->res, "container-imr", 0, "container log: %s", e.message);
        return;
    }
    c->have_imr = 1;
    if (c->w.bad >= 0) {
        add(c->res, "container-log", 0, "event %lld: digest is not the SHA-384 of its text",
            (long long)c->w.bad);
    } else if (c->w.created == 0) {
        add(c->res, "container-log", 0, "no creation event of the container in its log");
    } else {
        add(c->res, "container-log", 1,
            "%llu creation and system events match their text; %llu other events (digest not "
            "recomputable)",
            (unsigned long long)c->w.checked, (unsigned long long)c->w.other);
    }
    char hx[2 * CCT_CONTAINER_IMR_SIZE + 1];
    cct_hex_encode(c->imr, sizeof(c->imr), hx);
    add(c->res, "container-imr", 1, "%llu events replay to IMR3 %.24s...", (unsigned long long)c->n,
        hx);
}

/* container-binding: REPORTDATA = SHA-512(IMR3 || nonce || user_data). */
static void check_binding(struct cv *c)
{
    if (!c->have_quote) {
        return;
    }
    if (!c->have_imr) {
        add(c->res, "container-binding", 0, "no container IMR3 to check REPORTDATA against");
        return;
    }
    uint8_t want[64];
    if (cct_container_reportdata(c->imr, c->ev->nonce, c->ev->nonce_len, c->ev->user_data,
                                 c->ev->user_data_len, want) < 0) {
        add(c->res, "container-binding", 0, "cannot compute SHA-512");
        return;
    }
    int ok = cct_memeq_ct(want, c->q.body.report_data, 64);
    add(c->res, "container-binding", ok,
        ok ? "REPORTDATA = SHA-512(IMR3 || nonce || user_data)"
           : "REPORTDATA is not SHA-512(IMR3 || nonce || user_data) of this log");
}

/* node-log: a prefix of the node runtime log replays to the report's RTMR3. */
static void check_node_log(struct cv *c)
{
    c->matched = c->last_event = -1;
    if (!c->have_quote) {
        return;
    }
    struct cct_error e;
    uint64_t total = 0;
    cct_error_clear(&e);
    if (node_rtmr3(c->ev->node_log, c->ev->node_log_len, c->q.body.rtmr[3], &c->matched,
                   &c->last_event, &total, &e) < 0) {
        add(c->res, "node-log", 0, "node log: %s", e.message);
    } else if (c->matched < 0) {
        add(c->res, "node-log", 0,
            "no prefix of the %llu records at RTMR3 replays to the report's RTMR3",
            (unsigned long long)total);
    } else {
        add(c->res, "node-log", 1,
            "the first %lld of %llu records at RTMR3 replay to the report's RTMR3",
            (long long)c->matched, (unsigned long long)total);
    }
}

/* container-start: the one start record, within what RTMR3 covers, names the creation events. */
static void check_start(struct cv *c)
{
    const struct cct_container_start_record *rec = &c->rec;
    if (rec->count == 0) {
        add(c->res, "container-start", 0, "the node log holds no start record of container %s",
            c->ev->id);
    } else if (rec->count > 1) {
        add(c->res, "container-start", 0, "the node log holds %zu start records of container %s",
            rec->count, c->ev->id);
    } else if (!c->have_imr || rec->n_events > c->w.created || rec->n_events == 0) {
        add(c->res, "container-start", 0,
            "start record (node event %llu) covers %llu events; the container log has %llu",
            (unsigned long long)rec->event, (unsigned long long)rec->n_events,
            (unsigned long long)c->w.created);
    } else if (!c->have_quote || c->matched <= 0 || (int64_t)rec->event > c->last_event) {
        add(c->res, "container-start", 0,
            "start record (node event %llu) is not among the records the report's RTMR3 covers",
            (unsigned long long)rec->event);
    } else {
        int ok = cct_memeq_ct(rec->imr, c->w.prefix, sizeof(rec->imr));
        add(c->res, "container-start", ok,
            ok ? "node event %llu records this container's first %llu events"
               : "node event %llu: the container's first %llu events replay to another IMR3",
            (unsigned long long)rec->event, (unsigned long long)rec->n_events);
    }
}

int cct_verify_container_report(const uint8_t *report, size_t report_len,
                                const struct cct_container_evidence *ev,
                                struct cct_verify_result *res, struct cct_error *err)
{
    cct_error_clear(err);
    if (report == NULL || ev == NULL || res == NULL ||
        ev->version != CCT_CONTAINER_EVIDENCE_VERSION || !cct_container_id_valid(ev->id) ||
        (ev->nonce == NULL && ev->nonce_len > 0) ||
        (ev->user_data == NULL && ev->user_data_len > 0)) {
        return cct_err(err, CCT_EINVAL, -1, -1,
                       "container verification needs a report, evidence (version %u) and a valid "
                       "container id",
                       CCT_CONTAINER_EVIDENCE_VERSION);
    }
    struct cv *c = calloc(1, sizeof(*c));
    if (c == NULL) {
        return cct_err(err, CCT_ENOMEM, -1, -1, "out of memory");
    }
    c->ev = ev;
    c->res = res;
    struct cct_error e;
    enum cct_report_type type;
    if (cct_report_detect(report, report_len, &type) == 0 && type == CCT_REPORT_TDX_QUOTE &&
        cct_tdx_quote_parse(report, report_len, &c->q, &e) == 0) {
        c->have_quote = 1;
    } else {
        add(res, "container-report", 0,
            "not a TDX quote: container binding is checked on TDX-shaped quotes only");
    }
    /* The node's start record first: it says how many creation events it covers. */
    c->have_node = ev->node_log != NULL && ev->node_log_len > 0;
    if (c->have_node) {
        cct_error_clear(&e);
        c->node_ok =
            cct_container_find_start(ev->node_log, ev->node_log_len, ev->id, &c->rec, &e) == 0;
        if (!c->node_ok) {
            add(res, "container-start", 0, "node log unreadable: %s", e.message);
        }
    }
    check_log(c);
    check_binding(c);
    if (!c->have_node) {
        add(res, "node-log", 0, "no node runtime log given");
        add(res, "container-start", 0, "no node runtime log given");
    } else {
        check_node_log(c);
        if (c->node_ok) {
            check_start(c);
        }
    }
    free(c);
    return 0;
}
