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

#include "server.h"

static nghttp2_session_callbacks *g_cb;

time_t now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec;
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

/* Gather what nghttp2 has to send behind the unsent bytes, up to CONN_GATHER_MAX. */
static int gather(struct conn *c)
{
    if (c->woff > 0) { /* keep the unsent bytes at the start */
        memmove(c->wbuf, c->wbuf + c->woff, c->wlen - c->woff);
        c->wlen -= c->woff;
        c->woff = 0;
    }
    while (c->wlen < CONN_GATHER_MAX) {
        const uint8_t *data;
        ssize_t n = nghttp2_session_mem_send(c->s, &data);
        if (n <= 0) {
            return n < 0 ? -1 : 0;
        }
        if (c->wlen + (size_t)n > c->wcap) {
            size_t cap = c->wcap ? c->wcap : 4096;
            while (cap < c->wlen + (size_t)n) {
                cap *= 2;
            }
            uint8_t *nb = realloc(c->wbuf, cap);
            if (nb == NULL) {
                return -1;
            }
            c->wbuf = nb;
            c->wcap = cap;
        }
        memcpy(c->wbuf + c->wlen, data, (size_t)n);
        c->wlen += (size_t)n;
    }
    return 0;
}

/*
 * Push what nghttp2 has to send, gathered into one send() where it fits; keep the rest for
 * EPOLLOUT. 0, or -1 to close.
 */
static int flush_conn(struct conn *c)
{
    for (;;) {
        if (gather(c) < 0) {
            return -1;
        }
        if (c->woff == c->wlen) {
            break;
        }
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
        if (c->woff < c->wlen) {
            break; /* the socket took part: wait for EPOLLOUT */
        }
    }
    int pending = c->woff < c->wlen;
    int pause = c->queued > CONN_QUEUE_PAUSE;
    uint32_t mask = (pause ? 0 : EPOLLIN) | (pending ? EPOLLOUT : 0) | EPOLLRDHUP;
    if (mask != c->ev_mask) { /* no epoll_ctl when nothing changed */
        struct epoll_event ev = { 0 };
        ev.events = mask;
        ev.data.ptr = c;
        epoll_ctl(c->w->epfd, EPOLL_CTL_MOD, c->fd, &ev);
        c->ev_mask = mask;
    }
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
    c->ev_mask = ev.events;
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

/* Start one worker: its library context, epoll set, hand-over pipe and thread. */
static int start_worker(struct agent *a, struct worker *w, unsigned i)
{
    w->a = a;
    int p[2];
    struct cct_error err;
    if (cct_open(&a->open_opts, &w->wc.ctx, &err) < 0) {
        fprintf(stderr, "cctrustedd: worker %u: cannot open the platform: %s\n", i, err.message);
        return -1;
    }
    w->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (w->epfd < 0 || pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0) {
        return -1;
    }
    w->pipe_rd = p[0];
    w->pipe_wr = p[1];
    struct epoll_event ev = { 0 };
    ev.events = EPOLLIN;
    ev.data.ptr = NULL;
    epoll_ctl(w->epfd, EPOLL_CTL_ADD, w->pipe_rd, &ev);
    return pthread_create(&w->th, NULL, worker_main, w) != 0 ? -1 : 0;
}

/* A new connection: its identity from the kernel, then to a worker (round robin). */
static void hand_over(struct agent *a, struct worker *ws, unsigned started, unsigned *next, int fd)
{
    if (atomic_load(&a->n_conns) >= a->pol.max_connections) {
        close(fd);
        return;
    }
    struct conn *c = calloc(1, sizeof(*c));
    if (c == NULL) {
        close(fd);
        return;
    }
    c->fd = fd;
    const char *why = NULL;
    if (peer_identify(fd, a->procroot, &c->peer, &why) == 0) {
        c->peer_ok = 1;
    } else {
        snprintf(c->peer_why, sizeof(c->peer_why), "cannot identify the caller: %s", why);
    }
    atomic_fetch_add(&a->n_conns, 1);
    struct worker *w = &ws[(*next)++ % started];
    if (write(w->pipe_wr, &c, sizeof(c)) != (ssize_t)sizeof(c)) {
        atomic_fetch_sub(&a->n_conns, 1);
        close(fd);
        free(c);
    }
}

static void accept_loop(struct agent *a, int lfd, struct worker *ws, unsigned started)
{
    unsigned next = 0;
    while (!atomic_load(&a->stopping)) {
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
        hand_over(a, ws, started, &next, fd);
    }
}

int server_run(struct agent *a, int lfd, unsigned n_workers)
{
    g_cb = h2_callbacks_new();
    struct worker *ws = calloc(n_workers, sizeof(*ws));
    if (ws == NULL || g_cb == NULL) {
        free(ws);
        nghttp2_session_callbacks_del(g_cb);
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
    for (unsigned i = 0; i < n_workers && rc == 0; i++) {
        if ((rc = start_worker(a, &ws[i], i)) == 0) {
            started++;
        }
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc == 0) {
        accept_loop(a, lfd, ws, started);
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
