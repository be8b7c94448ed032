/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The RPC handlers: decode the request (protoc-c generated code), check the
 * caller against the request and the policy, call the library, encode the
 * response. No evidence rule lives here.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "container.h"
#include "cima.pb-c.h"
#include "health.pb-c.h"

/* CIMA's cc_type values (evidence_api EvidenceApi.TYPE_CC_*). */
enum { CC_TYPE_TPM = 0, CC_TYPE_TDX = 1, CC_TYPE_SEV = 2, CC_TYPE_CCA = 3 };

enum method {
    M_DEFAULT_ALG,
    M_COUNT,
    M_REPORT,
    M_MEASUREMENT,
    M_EVENTLOG,
    M_HEALTH,
};

static const struct {
    const char *path;
    enum method m;
} routes[] = {
    { "/cima_server_pb.cima/GetDefaultAlgorithm", M_DEFAULT_ALG },
    { "/cima_server_pb.cima/GetMeasurementCount", M_COUNT },
    { "/cima_server_pb.cima/GetCcReport", M_REPORT },
    { "/cima_server_pb.cima/GetCcMeasurement", M_MEASUREMENT },
    { "/cima_server_pb.cima/GetCcEventlog", M_EVENTLOG },
    /* The older CCNP name of the same service: same messages, same numbers. */
    { "/ccnp_server_pb.ccnp/GetDefaultAlgorithm", M_DEFAULT_ALG },
    { "/ccnp_server_pb.ccnp/GetMeasurementCount", M_COUNT },
    { "/ccnp_server_pb.ccnp/GetCcReport", M_REPORT },
    { "/ccnp_server_pb.ccnp/GetCcMeasurement", M_MEASUREMENT },
    { "/ccnp_server_pb.ccnp/GetCcEventlog", M_EVENTLOG },
    { "/grpc.health.v1.Health/Check", M_HEALTH },
};

static int route(const char *path)
{
    for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
        if (strcmp(routes[i].path, path) == 0) {
            return (int)routes[i].m;
        }
    }
    return -1;
}

int service_known(const char *path)
{
    return route(path) >= 0;
}

static void fail(struct rpc_result *res, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void fail(struct rpc_result *res, int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(res->message, sizeof(res->message), fmt, ap);
    va_end(ap);
    res->status = status;
    free(res->body);
    res->body = NULL;
    res->body_len = 0;
}

static int status_of(int cct)
{
    switch (cct) {
    case CCT_EINVAL: return GRPC_INVALID_ARGUMENT;
    case CCT_ENOTFOUND: return GRPC_NOT_FOUND;
    case CCT_EPERM: return GRPC_PERMISSION_DENIED;
    case CCT_EUNSUPPORTED: return GRPC_UNIMPLEMENTED;
    case CCT_ELIMIT: return GRPC_RESOURCE_EXHAUSTED;
    case CCT_EIO: return GRPC_UNAVAILABLE;
    case CCT_ENOMEM: return GRPC_RESOURCE_EXHAUSTED;
    default: return GRPC_INTERNAL;
    }
}

static void fail_lib(struct rpc_result *res, struct worker_ctx *w, int r, const char *what)
{
    const struct cct_error *e = cct_context_error(w->ctx);
    fail(res, status_of(r), "%s: %s%s%s", what, cct_strerror(r), e && e->message[0] ? ": " : "",
         e ? e->message : "");
}

/* Pack msg into res->body (the library's protobuf-c code does the encoding). */
static void pack(struct rpc_result *res, const ProtobufCMessage *msg)
{
    size_t n = protobuf_c_message_get_packed_size(msg);
    if (n > AGENT_MAX_RESPONSE) {
        fail(res, GRPC_RESOURCE_EXHAUSTED, "response of %zu bytes is above the %u-byte limit", n,
             AGENT_MAX_RESPONSE);
        return;
    }
    res->body = malloc(n ? n : 1);
    if (res->body == NULL) {
        fail(res, GRPC_RESOURCE_EXHAUSTED, "out of memory");
        return;
    }
    res->body_len = protobuf_c_message_pack(msg, res->body);
    res->status = GRPC_OK;
}

/* A request's container_id against the kernel's view of the caller. */
static int check_container(const struct peer *p, const char *requested, struct rpc_result *res)
{
    if (peer_id_matches(p, requested)) {
        return 0;
    }
    fail(res, GRPC_PERMISSION_DENIED,
         "container_id \"%.80s\" is not the caller's: pid %ld is %s%.80s", requested, (long)p->pid,
         p->in_container ? "in container " : "a host process",
         p->in_container ? p->container_id : "");
    return -1;
}

/* Decode standard base64 (padding optional); -1 when it is not base64. */
static int b64_decode(const char *s, uint8_t **out, size_t *outlen)
{
    size_t n = strlen(s);
    *out = NULL;
    *outlen = 0;
    uint8_t *buf = malloc(n / 4 * 3 + 3);
    if (buf == NULL) {
        return -1;
    }
    if (cct_base64_decode(s, n, buf, n / 4 * 3 + 3, outlen) < 0) {
        free(buf);
        return -1;
    }
    *out = buf;
    return 0;
}

static void do_default_alg(struct worker_ctx *w, struct rpc_result *res)
{
    uint16_t alg = 0;
    int r = cct_get_default_algorithm(w->ctx, &alg);
    if (r < 0) {
        fail_lib(res, w, r, "default algorithm");
        return;
    }
    CimaServerPb__GetDefaultAlgorithmResponse o =
        CIMA_SERVER_PB__GET_DEFAULT_ALGORITHM_RESPONSE__INIT;
    o.algo_id = alg;
    pack(res, &o.base);
}

static void do_count(struct worker_ctx *w, struct rpc_result *res)
{
    uint32_t n = 0;
    int r = cct_get_measurement_count(w->ctx, &n);
    if (r < 0) {
        fail_lib(res, w, r, "measurement count");
        return;
    }
    CimaServerPb__GetMeasurementCountResponse o =
        CIMA_SERVER_PB__GET_MEASUREMENT_COUNT_RESPONSE__INIT;
    o.count = n;
    pack(res, &o.base);
}

/* A container's IMR3 (its own view). 0, or 1 with res failed. */
static int container_imr(struct agent *a, struct worker_ctx *w, const struct peer *p,
                         uint32_t algo_id, struct cct_measurement *m, struct rpc_result *res)
{
    if (algo_id != 0 && algo_id != CCT_ALG_SHA384) {
        fail(res, GRPC_NOT_FOUND, "a container's IMR3 has only the SHA-384 bank");
        return 1;
    }
    struct cview v;
    char why[256];
    int st = cview_load(a, w, p, &v, why, sizeof(why));
    if (st != 0) {
        fail(res, st, "%s", why);
        return 1;
    }
    memset(m, 0, sizeof(*m));
    m->kind = CCT_REG_RTMR;
    m->index = CCT_CONTAINER_IMR;
    m->alg = CCT_ALG_SHA384;
    m->size = CCT_CONTAINER_IMR_SIZE;
    memcpy(m->digest, v.imr, CCT_CONTAINER_IMR_SIZE);
    cview_free(&v);
    return 0;
}

static void do_measurement(struct agent *a, struct worker_ctx *w, const struct peer *p,
                           const uint8_t *msg, size_t len, struct rpc_result *res)
{
    CimaServerPb__GetCcMeasurementRequest *q =
        cima_server_pb__get_cc_measurement_request__unpack(NULL, len, msg);
    if (q == NULL) {
        fail(res, GRPC_INVALID_ARGUMENT,
             "GetCcMeasurementRequest: not a valid protobuf message (%zu bytes)", len);
        return;
    }
    if (check_container(p, q->container_id, res) == 0) {
        if (q->algo_id > 0xFFFF) {
            fail(res, GRPC_INVALID_ARGUMENT, "algo_id %u is not a TPM_ALG_ID", q->algo_id);
        } else {
            struct cct_measurement m;
            int r = 0;
            if (p->in_container && q->index == CCT_CONTAINER_IMR) {
                r = container_imr(a, w, p, q->algo_id, &m, res);
            } else {
                r = cct_get_measurement(w->ctx, q->index, (uint16_t)q->algo_id, &m);
            }
            if (r == 1) {
                /* res already says why */
            } else if (r < 0) {
                fail_lib(res, w, r, "measurement");
            } else {
                CimaServerPb__TcgDigest d = CIMA_SERVER_PB__TCG_DIGEST__INIT;
                d.algo_id = m.alg;
                d.hash.data = m.digest;
                d.hash.len = m.size;
                CimaServerPb__GetCcMeasurementResponse o =
                    CIMA_SERVER_PB__GET_CC_MEASUREMENT_RESPONSE__INIT;
                o.measurement = &d;
                pack(res, &o.base);
            }
        }
    }
    cima_server_pb__get_cc_measurement_request__free_unpacked(q, NULL);
}

static int cc_type(enum cct_platform p)
{
    switch (p) {
    case CCT_PLATFORM_TPM: return CC_TYPE_TPM;
    case CCT_PLATFORM_SNP: return CC_TYPE_SEV;
    case CCT_PLATFORM_CCA: return CC_TYPE_CCA;
    default: return CC_TYPE_TDX; /* tdx, and sim, which produces TDX-shaped quotes */
    }
}

static void do_report(struct agent *a, struct worker_ctx *w, const struct peer *p,
                      const uint8_t *msg, size_t len, struct rpc_result *res)
{
    CimaServerPb__GetCcReportRequest *q =
        cima_server_pb__get_cc_report_request__unpack(NULL, len, msg);
    if (q == NULL) {
        fail(res, GRPC_INVALID_ARGUMENT,
             "GetCcReportRequest: not a valid protobuf message (%zu bytes)", len);
        return;
    }
    uint8_t *nonce = NULL, *data = NULL;
    size_t nonce_len = 0, data_len = 0;
    if (check_container(p, q->container_id, res) < 0) {
        goto out;
    }
    if (!policy_may_report(&a->pol, p->uid, p->in_container)) {
        fail(res, GRPC_PERMISSION_DENIED, "the policy does not allow uid %lu%s to request a quote",
             (unsigned long)p->uid, p->in_container ? " in a container" : "");
        goto out;
    }
    if (b64_decode(q->nonce, &nonce, &nonce_len) < 0) {
        fail(res, GRPC_INVALID_ARGUMENT, "nonce is not base64");
        goto out;
    }
    if (b64_decode(q->user_data, &data, &data_len) < 0) {
        fail(res, GRPC_INVALID_ARGUMENT, "user_data is not base64");
        goto out;
    }
    struct cct_report_request rq = CCT_REPORT_REQUEST_INIT;
    uint8_t bound[64];
    if (p->in_container) {
        /* A container's report always binds its IMR3 (docs/containers.md). */
        struct cview v;
        char why[256];
        int st = cview_load(a, w, p, &v, why, sizeof(why));
        if (st != 0) {
            fail(res, st, "%s", why);
            goto out;
        }
        int br = cct_container_reportdata(v.imr, nonce, nonce_len, data, data_len, bound);
        cview_free(&v);
        if (br < 0) {
            fail(res, GRPC_INTERNAL, "cannot compute the container's REPORTDATA");
            goto out;
        }
        rq.report_data = bound;
        rq.report_data_len = sizeof(bound);
    } else {
        rq.nonce = nonce;
        rq.nonce_len = nonce_len;
        rq.user_data = data;
        rq.user_data_len = data_len;
    }
    cct_report *rep = NULL;
    int r = cct_get_report(w->ctx, &rq, &rep);
    if (r < 0) {
        fail_lib(res, w, r, "report");
        goto out;
    }
    size_t rl = 0;
    const uint8_t *rb = cct_report_data(rep, &rl);
    CimaServerPb__GetCcReportResponse o = CIMA_SERVER_PB__GET_CC_REPORT_RESPONSE__INIT;
    o.cc_type = cc_type(cct_context_platform(w->ctx));
    o.cc_report.data = (uint8_t *)rb;
    o.cc_report.len = rl;
    pack(res, &o.base);
    cct_report_free(rep);
out:
    cct_wipe(nonce, nonce_len);
    free(nonce);
    free(data);
    cima_server_pb__get_cc_report_request__free_unpacked(q, NULL);
}

/* One event of a page, with everything it points to in one allocation. */
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

#define MAX_EXTRA 4

/* snprintf that returns the length written (never more than fits). */
static size_t sprintf_len(char *dst, size_t room, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static size_t sprintf_len(char *dst, size_t room, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(dst, room, fmt, ap);
    va_end(ap);
    if (n < 0) {
        dst[0] = '\0';
        return 0;
    }
    return (size_t)n < room ? (size_t)n : room - 1;
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
    size_t strings =
        strlen(role) + 1 + 16 + ev->ima_template_len + 1 + ev->ima_file_name_len * 2 + 1;
    size_t need = sizeof(CimaServerPb__TcgEventlog) +
                  ev->n_digests * (sizeof(CimaServerPb__TcgDigest) + sizeof(void *)) +
                  MAX_EXTRA * (sizeof(CimaServerPb__TcgEventlog__ExtraInfoEntry) + sizeof(void *)) +
                  strings;
    for (size_t i = 0; i < ev->n_digests; i++) {
        need += ev->digests[i].size;
    }
    need += ev->data_len;
    uint8_t *blk = calloc(1, need);
    if (blk == NULL) {
        return CCT_ENOMEM;
    }
    CimaServerPb__TcgEventlog *e = (CimaServerPb__TcgEventlog *)(void *)blk;
    cima_server_pb__tcg_eventlog__init(e);
    size_t o = sizeof(*e);
    CimaServerPb__TcgDigest *ds = (CimaServerPb__TcgDigest *)(void *)(blk + o);
    o += ev->n_digests * sizeof(*ds);
    CimaServerPb__TcgDigest **dp = (CimaServerPb__TcgDigest **)(void *)(blk + o);
    o += ev->n_digests * sizeof(*dp);
    CimaServerPb__TcgEventlog__ExtraInfoEntry *xs =
        (CimaServerPb__TcgEventlog__ExtraInfoEntry *)(void *)(blk + o);
    o += MAX_EXTRA * sizeof(*xs);
    CimaServerPb__TcgEventlog__ExtraInfoEntry **xp =
        (CimaServerPb__TcgEventlog__ExtraInfoEntry **)(void *)(blk + o);
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
    /* extra_info: where the event came from; IMA entries add template and file name. */
    char *str = (char *)(blk + o);
    size_t nx = 0;
#define EXTRA(k, fmt, ...)                                                                         \
    do {                                                                                           \
        cima_server_pb__tcg_eventlog__extra_info_entry__init(&xs[nx]);                             \
        xs[nx].key = (char *)(k);                                                                  \
        xs[nx].value = str;                                                                        \
        str += sprintf_len(str, need - (size_t)((uint8_t *)str - blk), fmt, __VA_ARGS__) + 1;      \
        xp[nx] = &xs[nx];                                                                          \
        nx++;                                                                                      \
    } while (0)
    EXTRA("log", "%s", role);
    EXTRA("format", "%s", cct_log_format_name(ev->format));
    if (ev->ima_template_len && printable(ev->ima_template, ev->ima_template_len)) {
        EXTRA("ima_template", "%.*s", (int)ev->ima_template_len, ev->ima_template);
    }
    if (ev->ima_file_name_len && printable(ev->ima_file_name, ev->ima_file_name_len)) {
        EXTRA("file_name", "%.*s", (int)ev->ima_file_name_len, ev->ima_file_name);
    }
#undef EXTRA
    e->n_extra_info = nx;
    e->extra_info = xp;
    pg->bytes += cima_server_pb__tcg_eventlog__get_packed_size(e) + 6;
    pg->ev[pg->n++] = e;
    if (pg->bytes > AGENT_MAX_RESPONSE) {
        pg->too_big = 1;
        return CCT_ELIMIT;
    }
    return 0;
}

static void do_eventlog(struct agent *a, struct worker_ctx *w, const struct peer *p,
                        const uint8_t *msg, size_t len, struct rpc_result *res)
{
    CimaServerPb__GetCcEventlogRequest *q =
        cima_server_pb__get_cc_eventlog_request__unpack(NULL, len, msg);
    if (q == NULL) {
        fail(res, GRPC_INVALID_ARGUMENT,
             "GetCcEventlogRequest: not a valid protobuf message (%zu bytes)", len);
        return;
    }
    struct page pg = { 0 };
    struct cview cv;
    int have_cv = 0;
    if (check_container(p, q->container_id, res) < 0) {
        goto out;
    }
    char why[256] = "";
    if (logcache_refresh(a->logs, w->ctx, why, sizeof(why)) < 0) {
        fail(res, GRPC_INTERNAL, "event log: %s", why);
        goto out;
    }
    /* A container sees the boot logs, the host IMA list unless isolated, and
     * its own IMR3 events instead of the node's runtime log. */
    unsigned view =
        p->in_container ? (a->pol.isolated ? 0 : LOGCACHE_IMA) : LOGCACHE_IMA | LOGCACHE_RUNTIME;
    if (p->in_container) {
        int st = cview_load(a, w, p, &cv, why, sizeof(why));
        if (st != 0) {
            fail(res, st, "%s", why);
            goto out;
        }
        have_cv = 1;
    }
    uint64_t node_total = logcache_count(a->logs, view);
    uint64_t total = node_total + (have_cv ? cv.n : 0);
    if (q->start > total) {
        fail(res, GRPC_OUT_OF_RANGE, "start %u is past the %llu events of the log", q->start,
             (unsigned long long)total);
        goto out;
    }
    uint64_t count = q->count ? q->count : total - q->start;
    if (count > a->pol.max_page) {
        fail(res, GRPC_RESOURCE_EXHAUSTED,
             "%llu events asked for; at most %u per request (page with start/count)",
             (unsigned long long)count, a->pol.max_page);
        goto out;
    }
    int r = 0;
    if (q->start < node_total) {
        uint64_t take = count && count < node_total - q->start ? count : node_total - q->start;
        r = logcache_page(a->logs, view, q->start, take, add_event, &pg, why, sizeof(why));
    }
    if (r == 0 && have_cv && (count == 0 || pg.n < count)) {
        uint64_t cstart = q->start > node_total ? q->start - node_total : 0;
        uint64_t ccount = count ? count - pg.n : 0;
        r = cview_page(&cv, cstart, ccount, node_total + cstart, add_event, &pg, why, sizeof(why));
    }
    if (pg.too_big) {
        fail(res, GRPC_RESOURCE_EXHAUSTED,
             "events %u.. do not fit in one %u-byte response; ask for fewer with start/count",
             q->start, AGENT_MAX_RESPONSE);
    } else if (r < 0) {
        fail(res, status_of(r), "event log: %s", why[0] ? why : cct_strerror(r));
    } else {
        CimaServerPb__GetCcEventlogResponse o = CIMA_SERVER_PB__GET_CC_EVENTLOG_RESPONSE__INIT;
        o.n_event_logs = pg.n;
        o.event_logs = pg.ev;
        pack(res, &o.base);
    }
out:
    if (have_cv) {
        cview_free(&cv);
    }
    for (size_t i = 0; i < pg.n; i++) {
        free(pg.ev[i]);
    }
    free(pg.ev);
    cima_server_pb__get_cc_eventlog_request__free_unpacked(q, NULL);
}

static void do_health(const uint8_t *msg, size_t len, struct rpc_result *res)
{
    Grpc__Health__V1__HealthCheckRequest *q =
        grpc__health__v1__health_check_request__unpack(NULL, len, msg);
    if (q == NULL) {
        fail(res, GRPC_INVALID_ARGUMENT, "HealthCheckRequest: not a valid protobuf message");
        return;
    }
    Grpc__Health__V1__HealthCheckResponse o = GRPC__HEALTH__V1__HEALTH_CHECK_RESPONSE__INIT;
    if (q->service[0] == '\0' || strcmp(q->service, "cima_server_pb.cima") == 0 ||
        strcmp(q->service, "ccnp_server_pb.ccnp") == 0) {
        o.status = GRPC__HEALTH__V1__HEALTH_CHECK_RESPONSE__SERVING_STATUS__SERVING;
        pack(res, &o.base);
    } else {
        fail(res, GRPC_NOT_FOUND, "unknown service \"%.64s\"", q->service);
    }
    grpc__health__v1__health_check_request__free_unpacked(q, NULL);
}

void service_call(struct agent *a, struct worker_ctx *w, const struct peer *p, const char *path,
                  const uint8_t *msg, size_t len, struct rpc_result *res)
{
    memset(res, 0, sizeof(*res));
    int m = route(path);
    if (m < 0) {
        fail(res, GRPC_UNIMPLEMENTED, "unknown method %.128s", path);
        return;
    }
    if (a->rl != NULL && m != M_HEALTH && !ratelimit_take(a->rl, p->key)) {
        fail(res, GRPC_RESOURCE_EXHAUSTED, "request rate of caller %s is above the policy's %.0f/s",
             p->key, a->pol.rate_per_second);
        return;
    }
    switch ((enum method)m) {
    case M_DEFAULT_ALG: do_default_alg(w, res); break;
    case M_COUNT: do_count(w, res); break;
    case M_MEASUREMENT: do_measurement(a, w, p, msg, len, res); break;
    case M_REPORT: do_report(a, w, p, msg, len, res); break;
    case M_EVENTLOG: do_eventlog(a, w, p, msg, len, res); break;
    case M_HEALTH: do_health(msg, len, res); break;
    }
}
