/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The transport's internals, shared by server.c (connections, epoll loop,
 * accept), h2.c (the nghttp2 session callbacks) and grpc.c (gRPC framing
 * and status of one call).
 */
#ifndef CCTD_SERVER_H
#define CCTD_SERVER_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <nghttp2/nghttp2.h>
#include <pthread.h>

#include "agent.h"

#define MAX_STREAMS 100
#define READ_BUF 16384
#define MAX_QUEUED (256ull * 1024 * 1024) /* response bytes queued, whole agent */
#define CONN_QUEUE_PAUSE (1024u * 1024u)  /* stop reading a connection with this much unsent */
#define CONN_GATHER_MAX (64u * 1024u)     /* unsent bytes gathered before a send() */

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
    size_t wlen, woff, wcap;
    uint32_t ev_mask; /* the epoll events registered for fd */
    size_t queued;    /* response bytes held by this connection's streams */
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

/* Seconds on the monotonic clock. */
time_t now_s(void);

/* The stream with id on c, or NULL. */
struct stream *find_stream(struct conn *c, int32_t id);

/* Unlink and free a stream, releasing the response bytes it held. */
void free_stream(struct conn *c, struct stream *st);

/* The nghttp2 callbacks of every session (made once per server_run). */
nghttp2_session_callbacks *h2_callbacks_new(void);

/* Answer a request that arrived whole (gRPC framing, the call, the response). */
void grpc_handle(struct conn *c, struct stream *st);

#endif
