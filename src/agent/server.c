/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The gRPC transport: HTTP/2 by nghttp2 over accepted Unix-socket
 * connections, one epoll loop per worker thread.
 *
 * The acceptor reads SO_PEERCRED and the peer's cgroup once per connection
 * and hands the connection to a worker (round robin); every call on that
 * connection carries that identity. A worker owns its connections and its
 * library context, so the read path takes no process-wide lock.
 *
 * Limits (all from the policy): request message size (RESOURCE_EXHAUSTED
 * past it, the stream is answered and the connection stays usable),
 * concurrent streams per connection, connections, bytes of responses
 * queued across the agent, the time a request may take to arrive, and idle
 * connections. A protocol error closes that connection only.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <nghttp2/nghttp2.h>

#include "agent.h"

#define MAX_STREAMS 100
#define READ_BUF 16384
#define MAX_QUEUED (256ull * 1024 * 1024) /* response bytes queued, whole agent */
#define CONN_QUEUE_PAUSE (1024u * 1024u)  /* stop reading a connection with this much unsent */

struct stream {
    int32_t id;
    char path[160];
    int bad_content_type;
    int too_big;
    uint8_t *req;
    size_t req_len;
    uint8_t *resp; /* 5-byte gRPC prefix + message */
    size_t resp_len, resp_off;
    int done; /* the request arrived whole */
    struct stream *next;
};

struct worker;

struct conn {
    int fd;
    struct worker *w;
    nghttp2_session *s;
    struct peer peer;
    int peer_ok;
    char peer_why[96];
    struct stream *streams;
    int n_open; /* streams whose request has not fully arrived */
    time_t last_io;
    time_t accepted;
    int got_frame;        /* the HTTP/2 preface and a first frame arrived */
    time_t waiting_since; /* when the oldest incomplete request began, 0 if none */
    uint8_t *wbuf;        /* bytes nghttp2 produced that the socket did not take yet */
    size_t wlen, woff;
    size_t queued; /* response bytes held by this connection's streams */
    int want_close;
    int paused;
    struct conn *prev, *next;
};

struct worker {
    struct agent *a;
    struct worker_ctx wc;
    int epfd;
    int pipe_rd, pipe_wr;
    pthread_t th;
    struct conn *conns;
};

static time_t now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec;
}

static struct stream *find_stream(struct conn *c, int32_t id)
{
    for (struct stream *s = c->streams; s; s = s->next) {
        if (s->id == id) {
            return s;
        }
    }
    return NULL;
}

static void free_stream(struct conn *c, struct stream *st)
{
    struct stream **pp = &c->streams;
    while (*pp && *pp != st) {
        pp = &(*pp)->next;
    }
    if (*pp) {
        *pp = st->next;
    }
    if (st->resp) {
        c->queued -= st->resp_len;
        atomic_fetch_sub(&c->w->a->inflight_bytes, st->resp_len);
    }
    free(st->req);
    free(st->resp);
    free(st);
}

/* grpc-message is percent-encoded (gRPC over HTTP/2, "Responses"). */
static void pct_encode(const char *in, char *out, size_t len)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *)in; *p && o + 4 < len; p++) {
        if (*p >= 0x20 && *p <= 0x7e && *p != '%') {
            out[o++] = (char)*p;
        } else {
            out[o++] = '%';
            out[o++] = hex[*p >> 4];
            out[o++] = hex[*p & 15];
        }
    }
    out[o] = '\0';
}

#define NV(n, v)                                                                                   \
    {                                                                                              \
        (uint8_t *)(n), (uint8_t *)(v), sizeof(n) - 1, strlen(v), NGHTTP2_NV_FLAG_NONE             \
    }

static ssize_t body_read(nghttp2_session *session, int32_t id, uint8_t *buf, size_t length,
                         uint32_t *flags, nghttp2_data_source *src, void *user)
{
    struct conn *c = user;
    struct stream *st = src->ptr;
    size_t n = st->resp_len - st->resp_off;
    if (n > length) {
        n = length;
    }
    memcpy(buf, st->resp + st->resp_off, n);
    st->resp_off += n;
    if (st->resp_off == st->resp_len) {
        *flags |= NGHTTP2_DATA_FLAG_EOF | NGHTTP2_DATA_FLAG_NO_END_STREAM;
        nghttp2_nv tr[] = { NV("grpc-status", "0") };
        if (nghttp2_submit_trailer(session, id, tr, 1) != 0) {
            c->want_close = 1;
        }
    }
    return (ssize_t)n;
}

/* A response with no message: status in the headers ("Trailers-Only"). */
static void respond_status(struct conn *c, struct stream *st, int status, const char *msg)
{
    char code[16], enc[768];
    snprintf(code, sizeof(code), "%d", status);
    pct_encode(msg, enc, sizeof(enc));
    nghttp2_nv h[] = { NV(":status", "200"), NV("content-type", "application/grpc"),
                       NV("grpc-status", code), NV("grpc-message", enc) };
    if (nghttp2_submit_response(c->s, st->id, h, 4, NULL) != 0) {
        c->want_close = 1;
    }
}

static void handle_request(struct conn *c, struct stream *st)
{
    struct agent *a = c->w->a;
    atomic_fetch_add(&a->n_requests, 1);
    if (st->bad_content_type) {
        respond_status(c, st, GRPC_INVALID_ARGUMENT, "content-type must be application/grpc");
        return;
    }
    if (!c->peer_ok) {
        respond_status(c, st, GRPC_UNAUTHENTICATED, c->peer_why);
        return;
    }
    if (st->too_big) {
        char m[128];
        snprintf(m, sizeof(m), "request message larger than %zu bytes", a->pol.max_message);
        respond_status(c, st, GRPC_RESOURCE_EXHAUSTED, m);
        return;
    }
    /* Exactly one length-prefixed message (gRPC over HTTP/2, "Length-Prefixed-Message"). */
    if (st->req_len < 5) {
        respond_status(c, st, GRPC_INVALID_ARGUMENT, "request has no complete gRPC message frame");
        return;
    }
    if (st->req[0] != 0) {
        respond_status(c, st, GRPC_UNIMPLEMENTED, "compressed requests are not supported");
        return;
    }
    uint32_t mlen = ((uint32_t)st->req[1] << 24) | ((uint32_t)st->req[2] << 16) |
                    ((uint32_t)st->req[3] << 8) | st->req[4];
    if (mlen != st->req_len - 5) {
        respond_status(c, st, GRPC_INVALID_ARGUMENT,
                       "gRPC message length prefix does not match the data");
        return;
    }
    if (atomic_load(&a->inflight_bytes) > MAX_QUEUED) {
        respond_status(c, st, GRPC_RESOURCE_EXHAUSTED,
                       "agent busy: too many response bytes queued");
        return;
    }
    struct rpc_result res;
    service_call(a, &c->w->wc, &c->peer, st->path, st->req + 5, mlen, &res);
    free(st->req);
    st->req = NULL;
    if (res.status != GRPC_OK) {
        respond_status(c, st, res.status, res.message);
        free(res.body);
        return;
    }
    st->resp = malloc(res.body_len + 5);
    if (st->resp == NULL) {
        free(res.body);
        respond_status(c, st, GRPC_RESOURCE_EXHAUSTED, "out of memory");
        return;
    }
    st->resp[0] = 0;
    st->resp[1] = (uint8_t)(res.body_len >> 24);
    st->resp[2] = (uint8_t)(res.body_len >> 16);
    st->resp[3] = (uint8_t)(res.body_len >> 8);
    st->resp[4] = (uint8_t)res.body_len;
    memcpy(st->resp + 5, res.body, res.body_len);
    free(res.body);
    st->resp_len = res.body_len + 5;
    c->queued += st->resp_len;
    atomic_fetch_add(&a->inflight_bytes, st->resp_len);
    nghttp2_nv h[] = { NV(":status", "200"), NV("content-type", "application/grpc") };
    nghttp2_data_provider dp;
    dp.source.ptr = st;
    dp.read_callback = body_read;
    if (nghttp2_submit_response(c->s, st->id, h, 2, &dp) != 0) {
        c->want_close = 1;
    }
}

static int on_begin_headers(nghttp2_session *session, const nghttp2_frame *frame, void *user)
{
    struct conn *c = user;
    if (frame->hd.type != NGHTTP2_HEADERS || frame->headers.cat != NGHTTP2_HCAT_REQUEST) {
        return 0;
    }
    struct stream *st = calloc(1, sizeof(*st));
    if (st == NULL) {
        return NGHTTP2_ERR_CALLBACK_FAILURE;
    }
    st->id = frame->hd.stream_id;
    st->next = c->streams;
    c->streams = st;
    if (c->n_open++ == 0) {
        c->waiting_since = now_s();
    }
    return 0;
}

static int on_header(nghttp2_session *session, const nghttp2_frame *frame, const uint8_t *name,
                     size_t namelen, const uint8_t *value, size_t valuelen, uint8_t flags,
                     void *user)
{
    struct conn *c = user;
    if (frame->hd.type != NGHTTP2_HEADERS || frame->headers.cat != NGHTTP2_HCAT_REQUEST) {
        return 0;
    }
    struct stream *st = find_stream(c, frame->hd.stream_id);
    if (st == NULL) {
        return 0;
    }
    if (namelen == 5 && memcmp(name, ":path", 5) == 0) {
        size_t n = valuelen < sizeof(st->path) - 1 ? valuelen : sizeof(st->path) - 1;
        memcpy(st->path, value, n);
        st->path[n] = '\0';
    } else if (namelen == 12 && memcmp(name, "content-type", 12) == 0) {
        /* application/grpc, optionally +proto or ;params */
        st->bad_content_type = !(valuelen >= 16 && memcmp(value, "application/grpc", 16) == 0 &&
                                 (valuelen == 16 || value[16] == '+' || value[16] == ';'));
    }
    return 0;
}

static int on_data_chunk(nghttp2_session *session, uint8_t flags, int32_t id, const uint8_t *data,
                         size_t len, void *user)
{
    struct conn *c = user;
    struct stream *st = find_stream(c, id);
    if (st == NULL || st->too_big) {
        return 0;
    }
    size_t cap = c->w->a->pol.max_message + 5;
    if (st->req_len + len > cap) {
        st->too_big = 1;
        free(st->req);
        st->req = NULL;
        st->req_len = 0;
        return 0;
    }
    uint8_t *nb = realloc(st->req, st->req_len + len);
    if (nb == NULL) {
        return NGHTTP2_ERR_CALLBACK_FAILURE;
    }
    memcpy(nb + st->req_len, data, len);
    st->req = nb;
    st->req_len += len;
    return 0;
}

static int on_frame_recv(nghttp2_session *session, const nghttp2_frame *frame, void *user)
{
    struct conn *c = user;
    c->got_frame = 1;
    if ((frame->hd.type == NGHTTP2_DATA || frame->hd.type == NGHTTP2_HEADERS) &&
        (frame->hd.flags & NGHTTP2_FLAG_END_STREAM)) {
        struct stream *st = find_stream(c, frame->hd.stream_id);
        if (st != NULL && !st->done) {
            st->done = 1;
            if (--c->n_open == 0) {
                c->waiting_since = 0;
            } else {
                c->waiting_since = now_s();
            }
            handle_request(c, st);
        }
    }
    return 0;
}

static int on_stream_close(nghttp2_session *session, int32_t id, uint32_t error_code, void *user)
{
    struct conn *c = user;
    struct stream *st = find_stream(c, id);
    if (st != NULL) {
        if (!st->done && --c->n_open == 0) {
            c->waiting_since = 0; /* the client gave up on a request it never finished */
        }
        free_stream(c, st);
    }
    return 0;
}

static nghttp2_session_callbacks *g_cb;

static void make_callbacks(void)
{
    nghttp2_session_callbacks_new(&g_cb);
    nghttp2_session_callbacks_set_on_begin_headers_callback(g_cb, on_begin_headers);
    nghttp2_session_callbacks_set_on_header_callback(g_cb, on_header);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(g_cb, on_data_chunk);
    nghttp2_session_callbacks_set_on_frame_recv_callback(g_cb, on_frame_recv);
    nghttp2_session_callbacks_set_on_stream_close_callback(g_cb, on_stream_close);
}

static void close_conn(struct conn *c)
{
    struct worker *w = c->w;
    epoll_ctl(w->epfd, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    nghttp2_session_del(c->s); /* closes streams through on_stream_close */
    while (c->streams) {
        free_stream(c, c->streams);
    }
    if (c->prev) {
        c->prev->next = c->next;
    } else {
        w->conns = c->next;
    }
    if (c->next) {
        c->next->prev = c->prev;
    }
    free(c->wbuf);
    atomic_fetch_sub(&w->a->n_conns, 1);
    free(c);
}

/* Push what nghttp2 has to send; keep the rest for EPOLLOUT. 0, or -1 to close. */
static int flush_conn(struct conn *c)
{
    for (;;) {
        if (c->woff < c->wlen) {
            ssize_t k = send(c->fd, c->wbuf + c->woff, c->wlen - c->woff, MSG_NOSIGNAL);
            if (k < 0) {
                if (errno == EINTR) {
                    continue;
                }
                if (errno == EAGAIN || errno == EWOULDBLOCK) {
                    break;
                }
                return -1;
            }
            c->woff += (size_t)k;
            c->last_io = now_s();
            continue;
        }
        const uint8_t *data;
        ssize_t n = nghttp2_session_mem_send(c->s, &data);
        if (n < 0) {
            return -1;
        }
        if (n == 0) {
            break;
        }
        free(c->wbuf);
        c->wbuf = malloc((size_t)n);
        if (c->wbuf == NULL) {
            return -1;
        }
        memcpy(c->wbuf, data, (size_t)n);
        c->wlen = (size_t)n;
        c->woff = 0;
    }
    int pending = c->woff < c->wlen;
    int pause = c->queued > CONN_QUEUE_PAUSE;
    struct epoll_event ev = { 0 };
    ev.events = (pause ? 0 : EPOLLIN) | (pending ? EPOLLOUT : 0) | EPOLLRDHUP;
    ev.data.ptr = c;
    epoll_ctl(c->w->epfd, EPOLL_CTL_MOD, c->fd, &ev);
    c->paused = pause;
    if (!pending && !nghttp2_session_want_read(c->s) && !nghttp2_session_want_write(c->s)) {
        return -1;
    }
    if (c->want_close && !pending) {
        return -1;
    }
    return 0;
}

static int read_conn(struct conn *c)
{
    uint8_t buf[READ_BUF];
    for (int rounds = 0; rounds < 16; rounds++) {
        ssize_t k = recv(c->fd, buf, sizeof(buf), 0);
        if (k < 0) {
            if (errno == EINTR) {
                continue;
            }
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                return 0;
            }
            return -1;
        }
        if (k == 0) {
            return -1;
        }
        c->last_io = now_s();
        ssize_t used = nghttp2_session_mem_recv(c->s, buf, (size_t)k);
        if (used < 0) {
            /* Bad HTTP/2: nghttp2 queued a GOAWAY; send what it can, then close. */
            c->want_close = 1;
            flush_conn(c);
            return -1;
        }
        if (flush_conn(c) < 0) {
            return -1;
        }
        if (c->paused) {
            return 0;
        }
    }
    return 0;
}

static void add_conn(struct worker *w, struct conn *c)
{
    c->w = w;
    c->last_io = now_s();
    c->accepted = c->last_io;
    nghttp2_option *opt;
    nghttp2_option_new(&opt);
    nghttp2_option_set_max_send_header_block_length(opt, 16384);
    nghttp2_option_set_max_deflate_dynamic_table_size(opt, 4096);
    int r = nghttp2_session_server_new2(&c->s, g_cb, c, opt);
    nghttp2_option_del(opt);
    if (r != 0) {
        close(c->fd);
        atomic_fetch_sub(&w->a->n_conns, 1);
        free(c);
        return;
    }
    nghttp2_settings_entry iv[] = {
        { NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, MAX_STREAMS },
        { NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE, 16384 },
    };
    nghttp2_submit_settings(c->s, NGHTTP2_FLAG_NONE, iv, 2);
    c->next = w->conns;
    if (w->conns) {
        w->conns->prev = c;
    }
    w->conns = c;
    struct epoll_event ev = { 0 };
    ev.events = EPOLLIN | EPOLLRDHUP;
    ev.data.ptr = c;
    if (epoll_ctl(w->epfd, EPOLL_CTL_ADD, c->fd, &ev) < 0 || flush_conn(c) < 0) {
        close_conn(c);
    }
}

/* Close idle connections and those whose request is not arriving. */
static void sweep(struct worker *w)
{
    time_t t = now_s();
    const struct policy *p = &w->a->pol;
    struct conn *c = w->conns;
    while (c) {
        struct conn *next = c->next;
        int slow = (c->waiting_since && t - c->waiting_since > (time_t)p->request_timeout_s) ||
                   (!c->got_frame && t - c->accepted > (time_t)p->request_timeout_s);
        int idle = t - c->last_io > (time_t)p->idle_timeout_s;
        if (slow || idle || atomic_load(&w->a->stopping)) {
            /* Say why before closing; a gRPC client reconnects on its next call. */
            nghttp2_submit_goaway(c->s, NGHTTP2_FLAG_NONE,
                                  nghttp2_session_get_last_proc_stream_id(c->s),
                                  slow ? NGHTTP2_CANCEL : NGHTTP2_NO_ERROR, NULL, 0);
            const uint8_t *data;
            ssize_t n = nghttp2_session_mem_send(c->s, &data);
            if (n > 0 && c->woff == c->wlen) {
                ssize_t k = send(c->fd, data, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT);
                (void)k;
            }
            close_conn(c);
        }
        c = next;
    }
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    struct epoll_event evs[64];
    time_t last_sweep = now_s();
    while (!atomic_load(&w->a->stopping) || w->conns) {
        int n = epoll_wait(w->epfd, evs, 64, 1000);
        for (int i = 0; i < n; i++) {
            if (evs[i].data.ptr == NULL) {
                struct conn *c;
                ssize_t k;
                while ((k = read(w->pipe_rd, &c, sizeof(c))) == (ssize_t)sizeof(c)) {
                    add_conn(w, c);
                }
                continue;
            }
            struct conn *c = evs[i].data.ptr;
            int bad = 0;
            if (evs[i].events & (EPOLLERR | EPOLLHUP)) {
                bad = 1;
            }
            if (!bad && (evs[i].events & EPOLLIN)) {
                bad = read_conn(c) < 0;
            }
            if (!bad && (evs[i].events & (EPOLLOUT | EPOLLRDHUP))) {
                bad = flush_conn(c) < 0;
                if (!bad && (evs[i].events & EPOLLRDHUP) && !(evs[i].events & EPOLLIN)) {
                    bad = 1; /* peer shut down its side and sent nothing more */
                }
            }
            if (bad) {
                close_conn(c);
            }
        }
        time_t t = now_s();
        if (t != last_sweep || atomic_load(&w->a->stopping)) {
            last_sweep = t;
            sweep(w);
        }
    }
    return NULL;
}

int server_run(struct agent *a, int lfd, unsigned n_workers)
{
    make_callbacks();
    struct worker *ws = calloc(n_workers, sizeof(*ws));
    if (ws == NULL) {
        return -1;
    }
    unsigned started = 0;
    int rc = 0;
    /* Workers block SIGTERM/SIGINT so the signal interrupts accept() here. */
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGINT);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    for (unsigned i = 0; i < n_workers; i++) {
        struct worker *w = &ws[i];
        w->a = a;
        int p[2];
        struct cct_error err;
        if (cct_open(&a->open_opts, &w->wc.ctx, &err) < 0) {
            fprintf(stderr, "cctrustedd: worker %u: cannot open the platform: %s\n", i,
                    err.message);
            rc = -1;
            break;
        }
        w->epfd = epoll_create1(EPOLL_CLOEXEC);
        if (w->epfd < 0 || pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0) {
            rc = -1;
            break;
        }
        w->pipe_rd = p[0];
        w->pipe_wr = p[1];
        struct epoll_event ev = { 0 };
        ev.events = EPOLLIN;
        ev.data.ptr = NULL;
        epoll_ctl(w->epfd, EPOLL_CTL_ADD, w->pipe_rd, &ev);
        if (pthread_create(&w->th, NULL, worker_main, w) != 0) {
            rc = -1;
            break;
        }
        started++;
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    unsigned next = 0;
    while (rc == 0 && !atomic_load(&a->stopping)) {
        int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (fd < 0) {
            if (errno == EINTR || errno == EAGAIN || errno == ECONNABORTED) {
                continue;
            }
            if (errno == EMFILE || errno == ENFILE) {
                struct timespec ts = { 0, 10 * 1000 * 1000 };
                nanosleep(&ts, NULL);
                continue;
            }
            break;
        }
        if (atomic_load(&a->n_conns) >= a->pol.max_connections) {
            close(fd);
            continue;
        }
        struct conn *c = calloc(1, sizeof(*c));
        if (c == NULL) {
            close(fd);
            continue;
        }
        c->fd = fd;
        const char *why = NULL;
        if (peer_identify(fd, a->procroot, &c->peer, &why) == 0) {
            c->peer_ok = 1;
        } else {
            snprintf(c->peer_why, sizeof(c->peer_why), "cannot identify the caller: %s", why);
        }
        atomic_fetch_add(&a->n_conns, 1);
        struct worker *w = &ws[next++ % started];
        if (write(w->pipe_wr, &c, sizeof(c)) != (ssize_t)sizeof(c)) {
            atomic_fetch_sub(&a->n_conns, 1);
            close(fd);
            free(c);
        }
    }
    atomic_store(&a->stopping, 1);
    for (unsigned i = 0; i < started; i++) {
        pthread_join(ws[i].th, NULL);
    }
    for (unsigned i = 0; i < n_workers; i++) {
        if (ws[i].epfd > 0) {
            close(ws[i].epfd);
            close(ws[i].pipe_rd);
            close(ws[i].pipe_wr);
        }
        cct_close(ws[i].wc.ctx);
    }
    free(ws);
    nghttp2_session_callbacks_del(g_cb);
    return rc;
}
