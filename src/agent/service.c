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
#include "cima.pb-c.h"
#include "health.pb-c.h"
#include "rpc.h"

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

void rpc_fail(struct rpc_result *res, int status, const char *fmt, ...)
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

int rpc_status_of(int cct)
{
    return cct_error_to_grpc(cct);
}

void rpc_fail_lib(struct rpc_result *res, int r, const char *what, const char *why)
{
    rpc_fail(res, rpc_status_of(r), "%s: %s%s%s", what, cct_strerror(r),
             why != NULL && why[0] ? ": " : "", why != NULL ? why : "");
}

static void fail_ctx(struct rpc_result *res, struct worker_ctx *w, int r, const char *what)
{
    const struct cct_error *e = cct_context_error(w->ctx);
    rpc_fail_lib(res, r, what, e != NULL ? e->message : NULL);
}

void rpc_pack(struct rpc_result *res, const ProtobufCMessage *msg)
{
    size_t n = protobuf_c_message_get_packed_size(msg);
    if (n > AGENT_MAX_RESPONSE) {
        rpc_fail(res, GRPC_RESOURCE_EXHAUSTED, "response of %zu bytes is above the %u-byte limit",
                 n, AGENT_MAX_RESPONSE);
        return;
    }
    res->body = malloc(n ? n : 1);
    if (res->body == NULL) {
        rpc_fail(res, GRPC_RESOURCE_EXHAUSTED, "out of memory");
        return;
    }
    res->body_len = protobuf_c_message_pack(msg, res->body);
    res->status = GRPC_OK;
}

int rpc_check_container(const struct peer *p, const char *requested, struct rpc_result *res)
{
    if (peer_id_matches(p, requested)) {
        return 0;
    }
    rpc_fail(res, GRPC_PERMISSION_DENIED,
             "container_id \"%.80s\" is not the caller's: pid %ld is %s%.80s", requested,
             (long)p->pid, p->in_container ? "in container " : "a host process",
             p->in_container ? p->container_id : "");
    return -1;
}

int rpc_open_view(struct agent *a, struct worker_ctx *w, const struct peer *p,
                  cct_container_view **out, struct rpc_result *res)
{
    *out = NULL;
    if (!p->in_container) {
        return 0;
    }
    if (!cct_container_id_valid(p->container_id)) {
        rpc_fail(res, GRPC_FAILED_PRECONDITION,
                 "container id of the caller is not one the library handles");
        return -1;
    }
    struct cct_container_view_options o = CCT_CONTAINER_VIEW_OPTIONS_INIT;
    o.dir = a->container_dir;
    o.isolated = a->pol.isolated;
    o.include_ima = a->container_ima;
    o.system = a->system;
    struct cct_error err;
    int r = cct_container_view_open(w->ctx, p->container_id, &o, out, &err);
    if (r < 0) {
        rpc_fail(res, GRPC_INTERNAL, "%s", err.message);
        return -1;
    }
    return 0;
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
        fail_ctx(res, w, r, "default algorithm");
        return;
    }
    CimaServerPb__GetDefaultAlgorithmResponse o =
        CIMA_SERVER_PB__GET_DEFAULT_ALGORITHM_RESPONSE__INIT;
    o.algo_id = alg;
    rpc_pack(res, &o.base);
}

static void do_count(struct worker_ctx *w, struct rpc_result *res)
{
    uint32_t n = 0;
    int r = cct_get_measurement_count(w->ctx, &n);
    if (r < 0) {
        fail_ctx(res, w, r, "measurement count");
        return;
    }
    CimaServerPb__GetMeasurementCountResponse o =
        CIMA_SERVER_PB__GET_MEASUREMENT_COUNT_RESPONSE__INIT;
    o.count = n;
    rpc_pack(res, &o.base);
}

/* Register index of the caller's view: its container's IMR3, else the node's register. */
static void measure(struct agent *a, struct worker_ctx *w, const struct peer *p, uint32_t index,
                    uint16_t alg, struct rpc_result *res)
{
    cct_container_view *v = NULL;
    if (p->in_container && index == CCT_CONTAINER_IMR && rpc_open_view(a, w, p, &v, res) < 0) {
        return;
    }
    struct cct_measurement m;
    int r = v != NULL ? cct_container_view_measurement(v, index, alg, &m) : 1;
    cct_container_view_free(v);
    if (r == 1) {
        if ((r = cct_get_measurement(w->ctx, index, alg, &m)) < 0) {
            fail_ctx(res, w, r, "measurement");
            return;
        }
    } else if (r < 0) {
        rpc_fail_lib(res, r, "measurement", "a container's IMR3 has only the SHA-384 bank");
        return;
    }
    CimaServerPb__TcgDigest d = CIMA_SERVER_PB__TCG_DIGEST__INIT;
    d.algo_id = m.alg;
    d.hash.data = m.digest;
    d.hash.len = m.size;
    CimaServerPb__GetCcMeasurementResponse o = CIMA_SERVER_PB__GET_CC_MEASUREMENT_RESPONSE__INIT;
    o.measurement = &d;
    rpc_pack(res, &o.base);
}

static void do_measurement(struct agent *a, struct worker_ctx *w, const struct peer *p,
                           const uint8_t *msg, size_t len, struct rpc_result *res)
{
    CimaServerPb__GetCcMeasurementRequest *q =
        cima_server_pb__get_cc_measurement_request__unpack(NULL, len, msg);
    if (q == NULL) {
        rpc_fail(res, GRPC_INVALID_ARGUMENT,
                 "GetCcMeasurementRequest: not a valid protobuf message (%zu bytes)", len);
        return;
    }
    if (rpc_check_container(p, q->container_id, res) < 0) {
        /* res says why */
    } else if (q->algo_id > 0xFFFF) {
        rpc_fail(res, GRPC_INVALID_ARGUMENT, "algo_id %u is not a TPM_ALG_ID", q->algo_id);
    } else {
        measure(a, w, p, q->index, (uint16_t)q->algo_id, res);
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

/* Quote for the caller: a container's report always binds its IMR3 (docs/containers.md). */
static void quote(struct agent *a, struct worker_ctx *w, const struct peer *p, const uint8_t *nonce,
                  size_t nonce_len, const uint8_t *data, size_t data_len, struct rpc_result *res)
{
    struct cct_report_request rq = CCT_REPORT_REQUEST_INIT;
    uint8_t bound[64];
    cct_container_view *v = NULL;
    if (rpc_open_view(a, w, p, &v, res) < 0) {
        return;
    }
    if (v != NULL) {
        int br = cct_container_view_reportdata(v, nonce, nonce_len, data, data_len, bound);
        cct_container_view_free(v);
        if (br < 0) {
            rpc_fail(res, GRPC_INTERNAL, "cannot compute the container's REPORTDATA");
            return;
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
        fail_ctx(res, w, r, "report");
        return;
    }
    size_t rl = 0;
    const uint8_t *rb = cct_report_data(rep, &rl);
    CimaServerPb__GetCcReportResponse o = CIMA_SERVER_PB__GET_CC_REPORT_RESPONSE__INIT;
    o.cc_type = cc_type(cct_context_platform(w->ctx));
    o.cc_report.data = (uint8_t *)rb;
    o.cc_report.len = rl;
    rpc_pack(res, &o.base);
    cct_report_free(rep);
}

static void do_report(struct agent *a, struct worker_ctx *w, const struct peer *p,
                      const uint8_t *msg, size_t len, struct rpc_result *res)
{
    CimaServerPb__GetCcReportRequest *q =
        cima_server_pb__get_cc_report_request__unpack(NULL, len, msg);
    if (q == NULL) {
        rpc_fail(res, GRPC_INVALID_ARGUMENT,
                 "GetCcReportRequest: not a valid protobuf message (%zu bytes)", len);
        return;
    }
    uint8_t *nonce = NULL, *data = NULL;
    size_t nonce_len = 0, data_len = 0;
    if (rpc_check_container(p, q->container_id, res) < 0) {
        /* res says why */
    } else if (!policy_may_report(&a->pol, p->uid, p->in_container)) {
        rpc_fail(res, GRPC_PERMISSION_DENIED,
                 "the policy does not allow uid %lu%s to request a quote", (unsigned long)p->uid,
                 p->in_container ? " in a container" : "");
    } else if (b64_decode(q->nonce, &nonce, &nonce_len) < 0) {
        rpc_fail(res, GRPC_INVALID_ARGUMENT, "nonce is not base64");
    } else if (b64_decode(q->user_data, &data, &data_len) < 0) {
        rpc_fail(res, GRPC_INVALID_ARGUMENT, "user_data is not base64");
    } else {
        quote(a, w, p, nonce, nonce_len, data, data_len, res);
    }
    cct_wipe(nonce, nonce_len);
    free(nonce);
    free(data);
    cima_server_pb__get_cc_report_request__free_unpacked(q, NULL);
}

static void do_health(const uint8_t *msg, size_t len, struct rpc_result *res)
{
    Grpc__Health__V1__HealthCheckRequest *q =
        grpc__health__v1__health_check_request__unpack(NULL, len, msg);
    if (q == NULL) {
        rpc_fail(res, GRPC_INVALID_ARGUMENT, "HealthCheckRequest: not a valid protobuf message");
        return;
    }
    Grpc__Health__V1__HealthCheckResponse o = GRPC__HEALTH__V1__HEALTH_CHECK_RESPONSE__INIT;
    if (q->service[0] == '\0' || strcmp(q->service, "cima_server_pb.cima") == 0 ||
        strcmp(q->service, "ccnp_server_pb.ccnp") == 0) {
        o.status = GRPC__HEALTH__V1__HEALTH_CHECK_RESPONSE__SERVING_STATUS__SERVING;
        rpc_pack(res, &o.base);
    } else {
        rpc_fail(res, GRPC_NOT_FOUND, "unknown service \"%.64s\"", q->service);
    }
    grpc__health__v1__health_check_request__free_unpacked(q, NULL);
}

void service_call(struct agent *a, struct worker_ctx *w, const struct peer *p, const char *path,
                  const uint8_t *msg, size_t len, struct rpc_result *res)
{
    memset(res, 0, sizeof(*res));
    int m = route(path);
    if (m < 0) {
        rpc_fail(res, GRPC_UNIMPLEMENTED, "unknown method %.128s", path);
        return;
    }
    if (a->rl != NULL && m != M_HEALTH && !ratelimit_take(a->rl, p->key)) {
        rpc_fail(res, GRPC_RESOURCE_EXHAUSTED,
                 "request rate of caller %s is above the policy's %.0f/s", p->key,
                 a->pol.rate_per_second);
        return;
    }
    switch ((enum method)m) {
    case M_DEFAULT_ALG: do_default_alg(w, res); break;
    case M_COUNT: do_count(w, res); break;
    case M_MEASUREMENT: do_measurement(a, w, p, msg, len, res); break;
    case M_REPORT: do_report(a, w, p, msg, len, res); break;
    case M_EVENTLOG: rpc_eventlog(a, w, p, msg, len, res); break;
    case M_HEALTH: do_health(msg, len, res); break;
    }
}
