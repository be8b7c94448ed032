/* SPDX-License-Identifier: Apache-2.0 */
/*
 * GetCcEventlog: the events of the caller's view (the library's
 * cct_container_view_page() over the node's event-log index) packed into
 * CIMA's TcgEventlog messages.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "cima.pb-c.h"
#include "rpc.h"

#define MAX_EXTRA 4

/* The events of a page, each with everything it points to in one allocation. */
struct page {
    CimaServerPb__TcgEventlog **ev;
    size_t n, cap;
    size_t bytes;
    int too_big;
};

static int printable(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c > 0x7e) {
            return 0;
        }
    }
    return 1;
}

/* Room for the strings of extra_info. */
struct strings {
    char *p;
    size_t left;
};

static char *put_str(struct strings *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static char *put_str(struct strings *s, const char *fmt, ...)
{
    char *at = s->p;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(at, s->left, fmt, ap);
    va_end(ap);
    size_t used = n < 0 ? 0 : (size_t)n < s->left ? (size_t)n : s->left - 1;
    at[used] = '\0';
    s->p += used + 1;
    s->left -= used + 1;
    return at;
}

/* extra_info: where the event came from; IMA entries add template and file name. */
static size_t fill_extra(CimaServerPb__TcgEventlog__ExtraInfoEntry *xs,
                         CimaServerPb__TcgEventlog__ExtraInfoEntry **xp, struct strings *st,
                         const char *role, const struct cct_event *ev)
{
    const char *keys[MAX_EXTRA];
    char *vals[MAX_EXTRA];
    size_t nx = 0;
    keys[nx] = "log";
    vals[nx++] = put_str(st, "%s", role);
    keys[nx] = "format";
    vals[nx++] = put_str(st, "%s", cct_log_format_name(ev->format));
    if (ev->ima_template_len && printable(ev->ima_template, ev->ima_template_len)) {
        keys[nx] = "ima_template";
        vals[nx++] = put_str(st, "%.*s", (int)ev->ima_template_len, ev->ima_template);
    }
    if (ev->ima_file_name_len && printable(ev->ima_file_name, ev->ima_file_name_len)) {
        keys[nx] = "file_name";
        vals[nx++] = put_str(st, "%.*s", (int)ev->ima_file_name_len, ev->ima_file_name);
    }
    for (size_t i = 0; i < nx; i++) {
        cima_server_pb__tcg_eventlog__extra_info_entry__init(&xs[i]);
        xs[i].key = (char *)keys[i];
        xs[i].value = vals[i];
        xp[i] = &xs[i];
    }
    return nx;
}

static size_t event_size(const char *role, const struct cct_event *ev)
{
    size_t strings =
        strlen(role) + 1 + 16 + ev->ima_template_len + 1 + ev->ima_file_name_len * 2 + 1;
    size_t need = sizeof(CimaServerPb__TcgEventlog) +
                  ev->n_digests * (sizeof(CimaServerPb__TcgDigest) + sizeof(void *)) +
                  MAX_EXTRA * (sizeof(CimaServerPb__TcgEventlog__ExtraInfoEntry) + sizeof(void *)) +
                  strings + ev->data_len;
    for (size_t i = 0; i < ev->n_digests; i++) {
        need += ev->digests[i].size;
    }
    return need;
}

/* One TcgEventlog and everything it points to, in one allocation. */
static CimaServerPb__TcgEventlog *make_event(uint64_t rec_num, const char *role,
                                             const struct cct_event *ev)
{
    size_t need = event_size(role, ev);
    uint8_t *blk = calloc(1, need);
    if (blk == NULL) {
        return NULL;
    }
    CimaServerPb__TcgEventlog *e = (CimaServerPb__TcgEventlog *)(void *)blk;
    cima_server_pb__tcg_eventlog__init(e);
    size_t o = sizeof(*e);
    CimaServerPb__TcgDigest *ds = (CimaServerPb__TcgDigest *)(void *)(blk + o);
    o += ev->n_digests * sizeof(*ds);
    CimaServerPb__TcgDigest **dp = (CimaServerPb__TcgDigest **)(void *)(blk + o);
    o += ev->n_digests * sizeof(*dp);
    CimaServerPb__TcgEventlog__ExtraInfoEntry *xs = (void *)(blk + o);
    o += MAX_EXTRA * sizeof(*xs);
    CimaServerPb__TcgEventlog__ExtraInfoEntry **xp = (void *)(blk + o);
    o += MAX_EXTRA * sizeof(*xp);
    e->rec_num = (uint32_t)rec_num;
    e->imr_index = ev->index;
    e->event_type = ev->type;
    e->n_digests = ev->n_digests;
    e->digests = dp;
    for (size_t i = 0; i < ev->n_digests; i++) {
        cima_server_pb__tcg_digest__init(&ds[i]);
        ds[i].algo_id = ev->digests[i].alg;
        ds[i].hash.data = blk + o;
        ds[i].hash.len = ev->digests[i].size;
        memcpy(blk + o, ev->digests[i].bytes, ev->digests[i].size);
        o += ev->digests[i].size;
        dp[i] = &ds[i];
    }
    e->event_size = (uint32_t)ev->data_len;
    e->event.data = blk + o;
    e->event.len = ev->data_len;
    if (ev->data_len) {
        memcpy(blk + o, ev->data, ev->data_len);
    }
    o += ev->data_len;
    struct strings st = { (char *)(blk + o), need - o };
    e->n_extra_info = fill_extra(xs, xp, &st, role, ev);
    e->extra_info = xp;
    return e;
}

static int add_event(void *arg, uint64_t rec_num, const char *role, const struct cct_event *ev)
{
    struct page *pg = arg;
    if (pg->n == pg->cap) {
        size_t nc = pg->cap ? pg->cap * 2 : 128;
        CimaServerPb__TcgEventlog **ne = realloc(pg->ev, nc * sizeof(*ne));
        if (ne == NULL) {
            return CCT_ENOMEM;
        }
        pg->ev = ne;
        pg->cap = nc;
    }
    CimaServerPb__TcgEventlog *e = make_event(rec_num, role, ev);
    if (e == NULL) {
        return CCT_ENOMEM;
    }
    pg->bytes += cima_server_pb__tcg_eventlog__get_packed_size(e) + 6;
    pg->ev[pg->n++] = e;
    if (pg->bytes > AGENT_MAX_RESPONSE) {
        pg->too_big = 1;
        return CCT_ELIMIT;
    }
    return 0;
}

/* Events [start, start + count) of the caller's view into pg. */
static void page_view(struct agent *a, const cct_container_view *v, uint32_t start, uint32_t count,
                      struct page *pg, struct rpc_result *res)
{
    uint64_t total = cct_container_view_count(v, a->logs);
    if (start > total) {
        rpc_fail(res, GRPC_OUT_OF_RANGE, "start %u is past the %llu events of the log", start,
                 (unsigned long long)total);
        return;
    }
    uint64_t n = count ? count : total - start;
    if (n > a->pol.max_page) {
        rpc_fail(res, GRPC_RESOURCE_EXHAUSTED,
                 "%llu events asked for; at most %u per request (page with start/count)",
                 (unsigned long long)n, a->pol.max_page);
        return;
    }
    struct cct_error err;
    cct_error_clear(&err);
    int r = n == 0 ? 0 : cct_container_view_page(v, a->logs, start, n, add_event, pg, &err);
    if (pg->too_big) {
        rpc_fail(res, GRPC_RESOURCE_EXHAUSTED,
                 "events %u.. do not fit in one %u-byte response; ask for fewer with start/count",
                 start, AGENT_MAX_RESPONSE);
    } else if (r < 0) {
        rpc_fail(res, rpc_status_of(r), "event log: %s",
                 err.message[0] ? err.message : cct_strerror(r));
    } else {
        CimaServerPb__GetCcEventlogResponse o = CIMA_SERVER_PB__GET_CC_EVENTLOG_RESPONSE__INIT;
        o.n_event_logs = pg->n;
        o.event_logs = pg->ev;
        rpc_pack(res, &o.base);
    }
}

void rpc_eventlog(struct agent *a, struct worker_ctx *w, const struct peer *p, const uint8_t *msg,
                  size_t len, struct rpc_result *res)
{
    CimaServerPb__GetCcEventlogRequest *q =
        cima_server_pb__get_cc_eventlog_request__unpack(NULL, len, msg);
    if (q == NULL) {
        rpc_fail(res, GRPC_INVALID_ARGUMENT,
                 "GetCcEventlogRequest: not a valid protobuf message (%zu bytes)", len);
        return;
    }
    struct page pg = { 0 };
    cct_container_view *v = NULL;
    struct cct_error err;
    if (rpc_check_container(p, q->container_id, res) < 0) {
        /* res says why */
    } else if (cct_logindex_refresh(a->logs, w->ctx, &err) < 0) {
        rpc_fail(res, GRPC_INTERNAL, "event log: %s", err.message);
    } else if (rpc_open_view(a, w, p, &v, res) == 0) {
        page_view(a, v, q->start, q->count, &pg, res);
    }
    cct_container_view_free(v);
    for (size_t i = 0; i < pg.n; i++) {
        free(pg.ev[i]);
    }
    free(pg.ev);
    cima_server_pb__get_cc_eventlog_request__free_unpacked(q, NULL);
}
