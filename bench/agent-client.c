/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Load client for cctrustedd: C connections (HTTP/2 by nghttp2, messages
 * by protobuf-c), each keeping one unary call in flight, like C synchronous
 * clients. Prints one JSON line: requests, errors, seconds, RPC/s and the
 * p50/p99 latency.
 *
 *   agent-client --socket PATH [--method measurement|count|eventlog|report|health]
 *                [--connections C] [--requests N] [--start S] [--count K]
 *                [--container-id ID] [--expect-status CODE]
 *
 * --requests is the total over all connections. --expect-status counts
 * calls that end with another status as errors (default 0).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <nghttp2/nghttp2.h>

#include "cima.pb-c.h"
#include "health.pb-c.h"

struct client;

struct conn {
    int fd;
    nghttp2_session *s;
    struct client *cl;
    uint8_t *req;
    size_t req_len, req_off;
    double t0;
    int status;
    int got_status;
    size_t resp_bytes;
    int dead;
};

struct client {
    const char *path;
    uint8_t *msg;
    size_t msg_len;
    long target, issued, done, errors, wrong_status;
    int expect;
    double *lat;
    long nlat;
};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static ssize_t req_read(nghttp2_session *s, int32_t id, uint8_t *buf, size_t len, uint32_t *flags,
                        nghttp2_data_source *src, void *user)
{
    struct conn *c = user;
    size_t n = c->req_len - c->req_off;
    if (n > len) {
        n = len;
    }
    memcpy(buf, c->req + c->req_off, n);
    c->req_off += n;
    if (c->req_off == c->req_len) {
        *flags |= NGHTTP2_DATA_FLAG_EOF;
    }
    return (ssize_t)n;
}

#define NV(n, v)                                                                                   \
    {                                                                                              \
        (uint8_t *)(n), (uint8_t *)(v), sizeof(n) - 1, sizeof(v) - 1, NGHTTP2_NV_FLAG_NONE         \
    }

static void issue(struct conn *c)
{
    struct client *cl = c->cl;
    if (cl->issued >= cl->target) {
        return;
    }
    cl->issued++;
    c->req_off = 0;
    c->got_status = 0;
    c->status = -1;
    c->resp_bytes = 0;
    c->t0 = now();
    nghttp2_nv h[] = { NV(":method", "POST"),
                       NV(":scheme", "http"),
                       NV(":authority", "localhost"),
                       { (uint8_t *)":path", (uint8_t *)cl->path, 5, strlen(cl->path),
                         NGHTTP2_NV_FLAG_NONE },
                       NV("content-type", "application/grpc"),
                       NV("te", "trailers") };
    nghttp2_data_provider dp;
    dp.source.ptr = NULL;
    dp.read_callback = req_read;
    if (nghttp2_submit_request(c->s, NULL, h, sizeof(h) / sizeof(h[0]), &dp, NULL) < 0) {
        c->dead = 1;
    }
}

static int on_header(nghttp2_session *s, const nghttp2_frame *f, const uint8_t *name, size_t nl,
                     const uint8_t *value, size_t vl, uint8_t flags, void *user)
{
    struct conn *c = user;
    if (nl == 11 && memcmp(name, "grpc-status", 11) == 0) {
        c->status = 0;
        for (size_t i = 0; i < vl; i++) {
            c->status = c->status * 10 + (value[i] - '0');
        }
        c->got_status = 1;
    }
    return 0;
}

static int on_data(nghttp2_session *s, uint8_t flags, int32_t id, const uint8_t *d, size_t len,
                   void *user)
{
    struct conn *c = user;
    c->resp_bytes += len;
    return 0;
}

static int on_close(nghttp2_session *s, int32_t id, uint32_t err, void *user)
{
    struct conn *c = user;
    struct client *cl = c->cl;
    cl->done++;
    cl->lat[cl->nlat++] = now() - c->t0;
    if (!c->got_status || err != 0) {
        cl->errors++;
    } else if (c->status != cl->expect) {
        cl->wrong_status++;
    }
    issue(c);
    return 0;
}

static int pump(struct conn *c)
{
    for (;;) {
        const uint8_t *data;
        ssize_t n = nghttp2_session_mem_send(c->s, &data);
        if (n <= 0) {
            return (int)n;
        }
        size_t off = 0;
        while (off < (size_t)n) {
            ssize_t k = send(c->fd, data + off, (size_t)n - off, MSG_NOSIGNAL);
            if (k < 0 && errno == EINTR) {
                continue;
            }
            if (k < 0) {
                return -1; /* blocking socket: a real error */
            }
            off += (size_t)k;
        }
    }
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    const char *sock = "/run/cima/uds/cima-server.sock", *method = "measurement", *cid = "";
    long conns = 1, total = 1000;
    unsigned start = 0, count = 100;
    int expect = 0;
    static const struct option o[] = { { "socket", 1, NULL, 's' },
                                       { "method", 1, NULL, 'm' },
                                       { "connections", 1, NULL, 'c' },
                                       { "requests", 1, NULL, 'n' },
                                       { "start", 1, NULL, 'S' },
                                       { "count", 1, NULL, 'K' },
                                       { "container-id", 1, NULL, 'i' },
                                       { "expect-status", 1, NULL, 'e' },
                                       { NULL, 0, NULL, 0 } };
    int ch;
    while ((ch = getopt_long(argc, argv, "", o, NULL)) != -1) {
        switch (ch) {
        case 's': sock = optarg; break;
        case 'm': method = optarg; break;
        case 'c': conns = strtol(optarg, NULL, 10); break;
        case 'n': total = strtol(optarg, NULL, 10); break;
        case 'S': start = (unsigned)strtoul(optarg, NULL, 10); break;
        case 'K': count = (unsigned)strtoul(optarg, NULL, 10); break;
        case 'i': cid = optarg; break;
        case 'e': expect = (int)strtol(optarg, NULL, 10); break;
        default: return 1;
        }
    }
    if (conns < 1 || conns > 20000 || total < conns) {
        fprintf(stderr, "agent-client: need 1 <= connections <= requests\n");
        return 1;
    }
    struct client cl = { 0 };
    cl.target = total;
    cl.expect = expect;
    cl.lat = calloc((size_t)total, sizeof(double));
    uint8_t body[512];
    size_t blen = 0;
    if (strcmp(method, "measurement") == 0) {
        CimaServerPb__GetCcMeasurementRequest q = CIMA_SERVER_PB__GET_CC_MEASUREMENT_REQUEST__INIT;
        q.container_id = (char *)cid;
        q.index = 1;
        blen = cima_server_pb__get_cc_measurement_request__pack(&q, body);
        cl.path = "/cima_server_pb.cima/GetCcMeasurement";
    } else if (strcmp(method, "count") == 0) {
        cl.path = "/cima_server_pb.cima/GetMeasurementCount";
    } else if (strcmp(method, "eventlog") == 0) {
        CimaServerPb__GetCcEventlogRequest q = CIMA_SERVER_PB__GET_CC_EVENTLOG_REQUEST__INIT;
        q.container_id = (char *)cid;
        q.start = start;
        q.count = count;
        blen = cima_server_pb__get_cc_eventlog_request__pack(&q, body);
        cl.path = "/cima_server_pb.cima/GetCcEventlog";
    } else if (strcmp(method, "report") == 0) {
        CimaServerPb__GetCcReportRequest q = CIMA_SERVER_PB__GET_CC_REPORT_REQUEST__INIT;
        q.container_id = (char *)cid;
        q.nonce = (char *)"bm9uY2U=";
        blen = cima_server_pb__get_cc_report_request__pack(&q, body);
        cl.path = "/cima_server_pb.cima/GetCcReport";
    } else if (strcmp(method, "health") == 0) {
        cl.path = "/grpc.health.v1.Health/Check";
    } else {
        fprintf(stderr, "agent-client: unknown method %s\n", method);
        return 1;
    }
    uint8_t *req = malloc(blen + 5);
    req[0] = 0;
    req[1] = (uint8_t)(blen >> 24);
    req[2] = (uint8_t)(blen >> 16);
    req[3] = (uint8_t)(blen >> 8);
    req[4] = (uint8_t)blen;
    memcpy(req + 5, body, blen);

    nghttp2_session_callbacks *cb;
    nghttp2_session_callbacks_new(&cb);
    nghttp2_session_callbacks_set_on_header_callback(cb, on_header);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cb, on_data);
    nghttp2_session_callbacks_set_on_stream_close_callback(cb, on_close);
    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct conn *cs = calloc((size_t)conns, sizeof(*cs));
    struct sockaddr_un sa = { 0 };
    sa.sun_family = AF_UNIX;
    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock);
    long connected = 0;
    for (long i = 0; i < conns; i++) {
        struct conn *c = &cs[i];
        c->cl = &cl;
        c->req = req;
        c->req_len = blen + 5;
        c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (c->fd < 0 || connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
            fprintf(stderr, "agent-client: connection %ld: %s\n", i, strerror(errno));
            c->dead = 1;
            if (c->fd >= 0) {
                close(c->fd);
                c->fd = -1;
            }
            continue;
        }
        nghttp2_session_client_new(&c->s, cb, c);
        nghttp2_submit_settings(c->s, NGHTTP2_FLAG_NONE, NULL, 0);
        struct epoll_event ev = { 0 };
        ev.events = EPOLLIN;
        ev.data.ptr = c;
        epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev);
        connected++;
    }
    /* All connections are up before the clock starts. */
    double t0 = now();
    for (long i = 0; i < conns; i++) {
        if (!cs[i].dead) {
            issue(&cs[i]);
            if (pump(&cs[i]) < 0) {
                cs[i].dead = 1;
            }
        }
    }
    long alive = connected;
    struct epoll_event evs[256];
    double last_progress = now();
    long last_done = 0;
    while (cl.done < cl.issued || (cl.issued < cl.target && alive > 0)) {
        int n = epoll_wait(ep, evs, 256, 1000);
        for (int i = 0; i < n; i++) {
            struct conn *c = evs[i].data.ptr;
            uint8_t buf[65536];
            ssize_t k = recv(c->fd, buf, sizeof(buf), 0);
            if (k <= 0 || nghttp2_session_mem_recv(c->s, buf, (size_t)k) < 0 || pump(c) < 0 ||
                c->dead) {
                epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
                close(c->fd);
                c->fd = -1;
                c->dead = 1;
                alive--;
                /* its call in flight is lost */
                cl.errors++;
                cl.done++;
            }
        }
        if (cl.done != last_done) {
            last_done = cl.done;
            last_progress = now();
        } else if (now() - last_progress > 30) {
            fprintf(stderr, "agent-client: no progress for 30 s\n");
            break;
        }
        if (alive == 0) {
            break;
        }
    }
    double secs = now() - t0;
    qsort(cl.lat, (size_t)cl.nlat, sizeof(double), cmp);
    double p50 = cl.nlat ? cl.lat[cl.nlat / 2] : 0,
           p99 = cl.nlat ? cl.lat[(cl.nlat * 99) / 100] : 0;
    printf("{\"method\": \"%s\", \"connections\": %ld, \"connected\": %ld, \"requests\": %ld, "
           "\"completed\": %ld, \"errors\": %ld, \"wrong_status\": %ld, \"seconds\": %.3f, "
           "\"rpc_per_s\": %.0f, \"p50_ms\": %.3f, \"p99_ms\": %.3f}\n",
           method, conns, connected, cl.target, cl.nlat, cl.errors, cl.wrong_status, secs,
           (double)cl.nlat / secs, p50 * 1e3, p99 * 1e3);
    for (long i = 0; i < conns; i++) {
        if (cs[i].s) {
            nghttp2_session_del(cs[i].s);
        }
        if (cs[i].fd >= 0) {
            close(cs[i].fd);
        }
    }
    nghttp2_session_callbacks_del(cb);
    free(cs);
    free(req);
    free(cl.lat);
    return (cl.errors || cl.wrong_status || connected < conns) ? 2 : 0;
}
