/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The HTTP/2 side of a connection: nghttp2 session callbacks that collect
 * each stream's request headers and DATA (capped at the policy's
 * max_message) and hand a whole request to grpc_handle().
 */
#include <stdlib.h>
#include <string.h>

#include "server.h"

struct stream *find_stream(struct conn *c, int32_t id)
{
    for (struct stream *s = c->streams; s; s = s->next) {
        if (s->id == id) {
            return s;
        }
    }
    return NULL;
}

void free_stream(struct conn *c, struct stream *st)
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
            grpc_handle(c, st);
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

nghttp2_session_callbacks *h2_callbacks_new(void)
{
    nghttp2_session_callbacks *cb = NULL;
    if (nghttp2_session_callbacks_new(&cb) != 0) {
        return NULL;
    }
    nghttp2_session_callbacks_set_on_begin_headers_callback(cb, on_begin_headers);
    nghttp2_session_callbacks_set_on_header_callback(cb, on_header);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cb, on_data_chunk);
    nghttp2_session_callbacks_set_on_frame_recv_callback(cb, on_frame_recv);
    nghttp2_session_callbacks_set_on_stream_close_callback(cb, on_stream_close);
    return cb;
}
