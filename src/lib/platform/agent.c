/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The agent platform: the library as a client of the node agent cctrustedd
 * (docs/agent.md), for callers in a container that see no TEE interface.
 * Unary gRPC calls over the agent's Unix socket, HTTP/2 by nghttp2 and
 * messages by the protobuf-c code generated from src/proto/cima.proto.
 *
 * Socket: $CCT_AGENT_SOCKET, else <sysroot>/run/cima/uds/cima-server.sock.
 * Registers and the default bank are the agent's answers. Reports: the
 * nonce and user data are sent as they are and the agent derives
 * REPORTDATA = SHA-512(nonce || user_data), as cct_get_report() does here;
 * raw REPORTDATA is not expressible in the interface (CCT_EUNSUPPORTED).
 * Event logs: the events the agent serves (its boot, IMA and runtime logs,
 * in replay order) are written as one CEL-TLV log into an anonymous memory
 * file, so the iterator, replay and the CLI read them like any log. Extend
 * is the node's business: not offered.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <nghttp2/nghttp2.h>
#include <openssl/evp.h>

#include <cctrusted/cel.h>

#include "cima.pb-c.h"
#include "platform/platform.h"
#include "util/error.h"

#define AGENT_SOCKET "/run/cima/uds/cima-server.sock"
#define AGENT_TIMEOUT_MS 30000
#define AGENT_MAX_RESPONSE (4u * 1024u * 1024u)
#define AGENT_PAGE 1000u
#define AGENT_MAX_EVENTS 10000000u

struct agent_priv {
    int fd;
    nghttp2_session *s;
    /* the call in flight */
    const uint8_t *req;
    size_t req_len, req_off;
    uint8_t *resp;
    size_t resp_len;
    int too_big;
    int closed;
    int status;        /* grpc-status, -1 until seen */
    char message[160]; /* grpc-message, percent-decoded */
    int log_fd;        /* memfd holding the served events as CEL-TLV, -1 until fetched */
    uint16_t default_alg;
    uint32_t count;
};

static int socket_path(const char *sysroot, char *out, size_t len)
{
    const char *e = secure_getenv("CCT_AGENT_SOCKET");
    if (e != NULL && e[0] != '\0') {
        int n = snprintf(out, len, "%s", e);
        return (n < 0 || (size_t)n >= len) ? CCT_ELIMIT : 0;
    }
    return cct_path(sysroot, AGENT_SOCKET, out, len);
}

static int agent_detect(const char *sysroot, struct cct_detection *d)
{
    char p[CCT_PATH_MAX];
    struct stat st;
    if (socket_path(sysroot, p, sizeof(p)) < 0) {
        cct_probe_add(d, CCT_PLATFORM_AGENT, "node agent socket", NULL, 0, "path too long");
        return 0;
    }
    int found = stat(p, &st) == 0 && S_ISSOCK(st.st_mode);
    cct_probe_add(d, CCT_PLATFORM_AGENT, "node agent socket", p, found,
                  found ? "a socket: cctrustedd (or a CIMA-compatible agent) serves here"
                        : "absent (set CCT_AGENT_SOCKET to use another path)");
    return found;
}

static ssize_t send_cb(nghttp2_session *s, const uint8_t *data, size_t len, int flags, void *user)
{
    struct agent_priv *a = user;
    ssize_t k = send(a->fd, data, len, MSG_NOSIGNAL);
    if (k < 0) {
        return (errno == EAGAIN || errno == EINTR) ? NGHTTP2_ERR_WOULDBLOCK
                                                   : NGHTTP2_ERR_CALLBACK_FAILURE;
    }
    return k;
}

static int on_header(nghttp2_session *s, const nghttp2_frame *f, const uint8_t *name, size_t nl,
                     const uint8_t *value, size_t vl, uint8_t flags, void *user)
{
    struct agent_priv *a = user;
    if (nl == 11 && memcmp(name, "grpc-status", 11) == 0) {
        int st = 0;
        for (size_t i = 0; i < vl && i < 4; i++) {
            st = st * 10 + (value[i] >= '0' && value[i] <= '9' ? value[i] - '0' : 0);
        }
        a->status = st;
    } else if (nl == 12 && memcmp(name, "grpc-message", 12) == 0) {
        size_t o = 0;
        for (size_t i = 0; i < vl && o + 1 < sizeof(a->message); i++) {
            if (value[i] == '%' && i + 2 < vl) {
                char h[3] = { (char)value[i + 1], (char)value[i + 2], 0 };
                char *end;
                long c = strtol(h, &end, 16);
                if (*end == '\0') {
                    a->message[o++] = (char)c;
                    i += 2;
                    continue;
                }
            }
            a->message[o++] = (char)value[i];
        }
        a->message[o] = '\0';
    }
    return 0;
}

static int on_data(nghttp2_session *s, uint8_t flags, int32_t id, const uint8_t *d, size_t len,
                   void *user)
{
    struct agent_priv *a = user;
    if (a->too_big || a->resp_len + len > AGENT_MAX_RESPONSE + 5) {
        a->too_big = 1;
        return 0;
    }
    uint8_t *nb = realloc(a->resp, a->resp_len + len);
    if (nb == NULL) {
        a->too_big = 1;
        return 0;
    }
    memcpy(nb + a->resp_len, d, len);
    a->resp = nb;
    a->resp_len += len;
    return 0;
}

static int on_close(nghttp2_session *s, int32_t id, uint32_t err, void *user)
{
    struct agent_priv *a = user;
    a->closed = 1;
    if (err != 0 && a->status < 0) {
        a->status = 14; /* UNAVAILABLE: the stream was reset */
    }
    return 0;
}

static ssize_t req_read(nghttp2_session *s, int32_t id, uint8_t *buf, size_t len, uint32_t *flags,
                        nghttp2_data_source *src, void *user)
{
    struct agent_priv *a = user;
    size_t n = a->req_len - a->req_off;
    if (n > len) {
        n = len;
    }
    memcpy(buf, a->req + a->req_off, n);
    a->req_off += n;
    if (a->req_off == a->req_len) {
        *flags |= NGHTTP2_DATA_FLAG_EOF;
    }
    return (ssize_t)n;
}

static void agent_close(cct_context *ctx)
{
    struct agent_priv *a = ctx->priv;
    if (a == NULL) {
        return;
    }
    nghttp2_session_del(a->s);
    if (a->fd >= 0) {
        close(a->fd);
    }
    if (a->log_fd >= 0) {
        close(a->log_fd);
    }
    free(a->resp);
    free(a);
    ctx->priv = NULL;
}

static int agent_open(cct_context *ctx)
{
    char p[CCT_PATH_MAX];
    if (socket_path(ctx->sysroot, p, sizeof(p)) < 0) {
        return cct_err(&ctx->err, CCT_ELIMIT, -1, -1, "agent socket path too long");
    }
    struct sockaddr_un sa = { 0 };
    sa.sun_family = AF_UNIX;
    if (strlen(p) >= sizeof(sa.sun_path)) {
        return cct_err(&ctx->err, CCT_ELIMIT, -1, -1, "agent socket path too long for AF_UNIX: %s",
                       p);
    }
    memcpy(sa.sun_path, p, strlen(p));
    struct agent_priv *a = calloc(1, sizeof(*a));
    if (a == NULL) {
        return cct_err(&ctx->err, CCT_ENOMEM, -1, -1, "out of memory");
    }
    a->log_fd = -1;
    a->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (a->fd < 0 || connect(a->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        int e = errno;
        if (a->fd >= 0) {
            close(a->fd);
        }
        free(a);
        return cct_err_sys(&ctx->err, e == EACCES ? CCT_EPERM : CCT_ENOTFOUND, e,
                           "cannot connect to the node agent at %s", p);
    }
    nghttp2_session_callbacks *cb;
    if (nghttp2_session_callbacks_new(&cb) != 0) {
        close(a->fd);
        free(a);
        return cct_err(&ctx->err, CCT_ENOMEM, -1, -1, "out of memory");
    }
    nghttp2_session_callbacks_set_send_callback(cb, send_cb);
    nghttp2_session_callbacks_set_on_header_callback(cb, on_header);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cb, on_data);
    nghttp2_session_callbacks_set_on_stream_close_callback(cb, on_close);
    int r = nghttp2_session_client_new(&a->s, cb, a);
    nghttp2_session_callbacks_del(cb);
    if (r != 0) {
        close(a->fd);
        free(a);
        return cct_err(&ctx->err, CCT_ENOMEM, -1, -1, "cannot create an HTTP/2 session");
    }
    nghttp2_submit_settings(a->s, NGHTTP2_FLAG_NONE, NULL, 0);
    ctx->priv = a;
    return 0;
}

#define NV(n, v)                                                                                   \
    {                                                                                              \
        (uint8_t *)(n), (uint8_t *)(v), sizeof(n) - 1, strlen(v), NGHTTP2_NV_FLAG_NONE             \
    }

/* One unary call: message in, message out (malloc'd into *out). */
static int call(cct_context *ctx, const char *method, const ProtobufCMessage *in, uint8_t **out,
                size_t *out_len)
{
    struct agent_priv *a = ctx->priv;
    size_t n = protobuf_c_message_get_packed_size(in);
    uint8_t *req = malloc(n + 5);
    if (req == NULL) {
        return cct_err(&ctx->err, CCT_ENOMEM, -1, -1, "out of memory");
    }
    req[0] = 0;
    req[1] = (uint8_t)(n >> 24);
    req[2] = (uint8_t)(n >> 16);
    req[3] = (uint8_t)(n >> 8);
    req[4] = (uint8_t)n;
    protobuf_c_message_pack(in, req + 5);
    char path[96];
    snprintf(path, sizeof(path), "/cima_server_pb.cima/%s", method);
    a->req = req;
    a->req_len = n + 5;
    a->req_off = 0;
    free(a->resp);
    a->resp = NULL;
    a->resp_len = 0;
    a->too_big = 0;
    a->closed = 0;
    a->status = -1;
    a->message[0] = '\0';
    nghttp2_nv h[] = { NV(":method", "POST"),
                       NV(":scheme", "http"),
                       NV(":authority", "localhost"),
                       NV(":path", path),
                       NV("content-type", "application/grpc"),
                       NV("te", "trailers") };
    nghttp2_data_provider dp;
    dp.source.ptr = NULL;
    dp.read_callback = req_read;
    int r = 0;
    if (nghttp2_submit_request(a->s, NULL, h, sizeof(h) / sizeof(h[0]), &dp, NULL) < 0) {
        r = cct_err(&ctx->err, CCT_EIO, -1, -1, "agent: cannot submit the %s request", method);
    }
    while (r == 0 && !a->closed) {
        if (nghttp2_session_send(a->s) != 0) {
            r = cct_err(&ctx->err, CCT_EIO, -1, -1, "agent: connection lost sending %s", method);
            break;
        }
        struct pollfd pf = { a->fd, POLLIN, 0 };
        int k = poll(&pf, 1, AGENT_TIMEOUT_MS);
        if (k == 0) {
            r = cct_err(&ctx->err, CCT_EIO, -1, -1, "agent: no answer to %s within %d s", method,
                        AGENT_TIMEOUT_MS / 1000);
            break;
        }
        if (k < 0) {
            if (errno == EINTR) {
                continue;
            }
            r = cct_err_sys(&ctx->err, CCT_EIO, errno, "agent: poll");
            break;
        }
        uint8_t buf[16384];
        ssize_t got = recv(a->fd, buf, sizeof(buf), 0);
        if (got <= 0 || nghttp2_session_mem_recv(a->s, buf, (size_t)got) < 0) {
            r = cct_err(&ctx->err, CCT_EIO, -1, -1, "agent: connection lost waiting for %s",
                        method);
            break;
        }
    }
    free(req);
    a->req = NULL;
    if (r < 0) {
        return r;
    }
    if (a->status != 0) {
        return cct_err(&ctx->err, cct_error_from_grpc(a->status), -1, -1,
                       "agent: %s: status %d: %s", method, a->status,
                       a->message[0] ? a->message : "(no message)");
    }
    if (a->too_big) {
        return cct_err(&ctx->err, CCT_ELIMIT, -1, -1, "agent: %s answer above %u bytes", method,
                       AGENT_MAX_RESPONSE);
    }
    if (a->resp_len < 5 || a->resp[0] != 0) {
        return cct_err(&ctx->err, CCT_EMALFORMED, -1, -1,
                       "agent: %s answer is not one uncompressed message", method);
    }
    uint32_t mlen = ((uint32_t)a->resp[1] << 24) | ((uint32_t)a->resp[2] << 16) |
                    ((uint32_t)a->resp[3] << 8) | a->resp[4];
    if (mlen != a->resp_len - 5) {
        return cct_err(&ctx->err, CCT_EMALFORMED, -1, -1,
                       "agent: %s answer length prefix %u, %zu bytes follow", method, mlen,
                       a->resp_len - 5);
    }
    *out = a->resp;
    *out_len = a->resp_len;
    a->resp = NULL;
    a->resp_len = 0;
    return 0;
}

#define UNPACK(ctx, type, fn, buf, len, var)                                                       \
    type *var = fn(NULL, (len)-5, (buf) + 5);                                                      \
    if (var == NULL) {                                                                             \
        free(buf);                                                                                 \
        return cct_err(&(ctx)->err, CCT_EMALFORMED, -1, -1, "agent: undecodable " #type);          \
    }

static int agent_default_alg(cct_context *ctx, uint16_t *alg)
{
    struct agent_priv *a = ctx->priv;
    if (a->default_alg == 0) {
        CimaServerPb__GetDefaultAlgorithmRequest q =
            CIMA_SERVER_PB__GET_DEFAULT_ALGORITHM_REQUEST__INIT;
        uint8_t *b;
        size_t n;
        int r = call(ctx, "GetDefaultAlgorithm", &q.base, &b, &n);
        if (r < 0) {
            return r;
        }
        UNPACK(ctx, CimaServerPb__GetDefaultAlgorithmResponse,
               cima_server_pb__get_default_algorithm_response__unpack, b, n, m);
        uint32_t v = m->algo_id;
        cima_server_pb__get_default_algorithm_response__free_unpacked(m, NULL);
        free(b);
        if (v == 0 || v > 0xFFFF || cct_alg_digest_size((uint16_t)v) == 0) {
            return cct_err(&ctx->err, CCT_EMALFORMED, -1, -1,
                           "agent: default algorithm %u is not known", v);
        }
        a->default_alg = (uint16_t)v;
    }
    *alg = a->default_alg;
    return 0;
}

static int agent_count(cct_context *ctx, uint32_t *count)
{
    struct agent_priv *a = ctx->priv;
    if (a->count == 0) {
        CimaServerPb__GetMeasurementCountRequest q =
            CIMA_SERVER_PB__GET_MEASUREMENT_COUNT_REQUEST__INIT;
        uint8_t *b;
        size_t n;
        int r = call(ctx, "GetMeasurementCount", &q.base, &b, &n);
        if (r < 0) {
            return r;
        }
        UNPACK(ctx, CimaServerPb__GetMeasurementCountResponse,
               cima_server_pb__get_measurement_count_response__unpack, b, n, m);
        a->count = m->count;
        cima_server_pb__get_measurement_count_response__free_unpacked(m, NULL);
        free(b);
    }
    *count = a->count;
    return 0;
}

/* TDX-shaped platforms (TDX, sim) count 4 RTMRs and default to SHA-384. */
static enum cct_reg_kind reg_kind(cct_context *ctx)
{
    uint16_t alg = 0;
    uint32_t count = 0;
    if (agent_default_alg(ctx, &alg) == 0 && agent_count(ctx, &count) == 0 && count == 4 &&
        alg == CCT_ALG_SHA384) {
        return CCT_REG_RTMR;
    }
    cct_error_clear(&ctx->err);
    return CCT_REG_PCR;
}

static int agent_read(cct_context *ctx, uint32_t index, uint16_t alg, struct cct_measurement *out)
{
    enum cct_reg_kind kind = reg_kind(ctx);
    CimaServerPb__GetCcMeasurementRequest q = CIMA_SERVER_PB__GET_CC_MEASUREMENT_REQUEST__INIT;
    q.index = index;
    q.algo_id = alg;
    uint8_t *b;
    size_t n;
    int r = call(ctx, "GetCcMeasurement", &q.base, &b, &n);
    if (r < 0) {
        return r;
    }
    UNPACK(ctx, CimaServerPb__GetCcMeasurementResponse,
           cima_server_pb__get_cc_measurement_response__unpack, b, n, m);
    r = 0;
    if (m->measurement == NULL || m->measurement->hash.len == 0 ||
        m->measurement->hash.len > CCT_MAX_DIGEST_SIZE ||
        m->measurement->hash.len != cct_alg_digest_size(alg)) {
        r = cct_err(&ctx->err, CCT_EMALFORMED, -1, -1,
                    "agent: register %u: no digest of the size of %s", index, cct_alg_name(alg));
    } else {
        cct_measurement_set(out, kind, index, alg, m->measurement->hash.data,
                            m->measurement->hash.len);
    }
    cima_server_pb__get_cc_measurement_response__free_unpacked(m, NULL);
    free(b);
    return r;
}

static char *b64(const uint8_t *p, size_t n)
{
    char *s = malloc(4 * ((n + 2) / 3) + 1);
    if (s != NULL) {
        EVP_EncodeBlock((unsigned char *)s, p, (int)n);
    }
    return s;
}

static int agent_report(cct_context *ctx, const uint8_t *rd, size_t rd_len,
                        const struct cct_report_request *req, struct cct_report *out)
{
    if (req->report_data != NULL) {
        return cct_err(&ctx->err, CCT_EUNSUPPORTED, -1, -1,
                       "agent: raw REPORTDATA cannot be requested; the agent derives it from nonce "
                       "and user data");
    }
    char *nonce = b64(req->nonce ? req->nonce : (const uint8_t *)"", req->nonce_len);
    char *data = b64(req->user_data ? req->user_data : (const uint8_t *)"", req->user_data_len);
    if (nonce == NULL || data == NULL) {
        free(nonce);
        free(data);
        return cct_err(&ctx->err, CCT_ENOMEM, -1, -1, "out of memory");
    }
    CimaServerPb__GetCcReportRequest q = CIMA_SERVER_PB__GET_CC_REPORT_REQUEST__INIT;
    q.nonce = nonce;
    q.user_data = data;
    uint8_t *b;
    size_t n;
    int r = call(ctx, "GetCcReport", &q.base, &b, &n);
    free(nonce);
    free(data);
    if (r < 0) {
        return r;
    }
    UNPACK(ctx, CimaServerPb__GetCcReportResponse, cima_server_pb__get_cc_report_response__unpack,
           b, n, m);
    static const char *const providers[] = { "tpm", "tdx", "sev", "cca" };
    out->data = malloc(m->cc_report.len ? m->cc_report.len : 1);
    if (out->data == NULL) {
        r = cct_err(&ctx->err, CCT_ENOMEM, -1, -1, "out of memory");
    } else {
        memcpy(out->data, m->cc_report.data, m->cc_report.len);
        out->len = m->cc_report.len;
        snprintf(out->provider, sizeof(out->provider), "agent:%s",
                 m->cc_type >= 0 && m->cc_type < 4 ? providers[m->cc_type] : "unknown");
    }
    cima_server_pb__get_cc_report_response__free_unpacked(m, NULL);
    free(b);
    return r;
}

/* One served event as a library event, for the CEL encoder. */
static int to_event(const CimaServerPb__TcgEventlog *e, enum cct_reg_kind kind, uint64_t number,
                    struct cct_event *ev)
{
    memset(ev, 0, sizeof(*ev));
    ev->number = number;
    ev->format = CCT_LOG_TCG2; /* encoded as pcclient_std; IMA entries (below) as ima_template */
    ev->kind = kind;
    ev->index = e->imr_index;
    ev->index_logged = kind == CCT_REG_RTMR ? e->imr_index + 1 : e->imr_index;
    ev->type = e->event_type;
    if (e->n_digests > CCT_MAX_DIGESTS) {
        return CCT_ELIMIT;
    }
    ev->n_digests = e->n_digests;
    for (size_t i = 0; i < e->n_digests; i++) {
        if (e->digests[i]->algo_id > 0xFFFF || e->digests[i]->hash.len > CCT_MAX_DIGEST_SIZE) {
            return CCT_EMALFORMED;
        }
        ev->digests[i].alg = (uint16_t)e->digests[i]->algo_id;
        ev->digests[i].size = (uint16_t)e->digests[i]->hash.len;
        ev->digests[i].bytes = e->digests[i]->hash.data;
    }
    ev->data = e->event.data;
    ev->data_len = e->event.len;
    for (size_t i = 0; i < e->n_extra_info; i++) {
        if (strcmp(e->extra_info[i]->key, "ima_template") == 0) {
            ev->ima_template = e->extra_info[i]->value;
            ev->ima_template_len = strlen(e->extra_info[i]->value);
            ev->format = CCT_LOG_IMA_BINARY;
        }
    }
    return 0;
}

/* Fetch every served event once per context into a memfd as CEL-TLV. */
static int fetch_log(cct_context *ctx)
{
    struct agent_priv *a = ctx->priv;
    if (a->log_fd >= 0) {
        return 0;
    }
    enum cct_reg_kind kind = reg_kind(ctx);
    int fd = memfd_create("cctrusted-agent-log", MFD_CLOEXEC);
    if (fd < 0) {
        return cct_err_sys(&ctx->err, CCT_EIO, errno, "agent: memfd_create");
    }
    uint64_t total = 0;
    uint32_t page = AGENT_PAGE;
    int r = 0;
    for (;;) {
        CimaServerPb__GetCcEventlogRequest q = CIMA_SERVER_PB__GET_CC_EVENTLOG_REQUEST__INIT;
        q.start = (uint32_t)total;
        q.count = page;
        uint8_t *b;
        size_t n;
        r = call(ctx, "GetCcEventlog", &q.base, &b, &n);
        if (r == CCT_ELIMIT && page > 1) {
            page /= 2; /* the agent's page or size limit: ask for less */
            cct_error_clear(&ctx->err);
            continue;
        }
        if (r == CCT_ENOTFOUND && total > 0) {
            r = 0; /* OUT_OF_RANGE: the log ended exactly at a page boundary */
            break;
        }
        if (r < 0) {
            break;
        }
        CimaServerPb__GetCcEventlogResponse *m =
            cima_server_pb__get_cc_eventlog_response__unpack(NULL, n - 5, b + 5);
        if (m == NULL) {
            free(b);
            r = cct_err(&ctx->err, CCT_EMALFORMED, -1, -1, "agent: undecodable event page at %llu",
                        (unsigned long long)total);
            break;
        }
        for (size_t i = 0; i < m->n_event_logs && r == 0; i++) {
            struct cct_event ev;
            uint8_t *rec = NULL;
            size_t rec_len = 0;
            r = to_event(m->event_logs[i], kind, total + i, &ev);
            if (r < 0) {
                r = cct_err(&ctx->err, r, (int64_t)(total + i), -1,
                            "agent: event %llu has an invalid digest",
                            (unsigned long long)(total + i));
                break;
            }
            r = cct_cel_encode(&ev, total + i, CCT_CEL_ENC_TLV, &rec, &rec_len, &ctx->err);
            if (r == 0 && write(fd, rec, rec_len) != (ssize_t)rec_len) {
                r = cct_err_sys(&ctx->err, CCT_EIO, errno, "agent: writing the event log");
            }
            cct_free(rec);
        }
        size_t got = m->n_event_logs;
        cima_server_pb__get_cc_eventlog_response__free_unpacked(m, NULL);
        free(b);
        total += got;
        if (r < 0 || got < page) {
            break;
        }
        if (total > AGENT_MAX_EVENTS) {
            r = cct_err(&ctx->err, CCT_ELIMIT, -1, -1, "agent: more than %u events",
                        AGENT_MAX_EVENTS);
            break;
        }
    }
    if (r < 0) {
        close(fd);
        return r;
    }
    a->log_fd = fd;
    return 0;
}

static int agent_log_sources(cct_context *ctx, struct cct_log_source *out, size_t max, size_t *n)
{
    int r = fetch_log(ctx);
    if (r < 0) {
        return r;
    }
    struct agent_priv *a = ctx->priv;
    struct stat st;
    if (fstat(a->log_fd, &st) < 0 || st.st_size == 0) {
        *n = 0; /* the agent serves no event */
        return 0;
    }
    char p[64];
    snprintf(p, sizeof(p), "/proc/self/fd/%d", a->log_fd);
    size_t k = 0;
    if (cct_log_source_add(out, max, &k, p, CCT_LOG_CEL_TLV, "agent") < 0) {
        return cct_err(&ctx->err, CCT_ELIMIT, -1, -1, "no room for log sources");
    }
    /* The node's IMA entries in it extend the node's IMA register file. */
    out[0].ima_register =
        reg_kind(ctx) == CCT_REG_RTMR ? CCT_IMA_REGISTER_RTMR : CCT_IMA_REGISTER_PCR;
    *n = k;
    return 0;
}

const struct cct_platform_ops cct_platform_agent = {
    .platform = CCT_PLATFORM_AGENT,
    .name = "agent",
    .detect = agent_detect,
    .open = agent_open,
    .close = agent_close,
    .default_alg = agent_default_alg,
    .count = agent_count,
    .read = agent_read,
    .report = agent_report,
    .log_sources = agent_log_sources,
    .extend = NULL,
};
