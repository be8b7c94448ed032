/* SPDX-License-Identifier: Apache-2.0 */
/*
 * gRPC over HTTP/2 for one call: the 5-byte length prefix of a message,
 * the response headers and trailers, and grpc-status / grpc-message
 * ("gRPC over HTTP2", PROTOCOL-HTTP2.md). The message itself is the
 * service's (protoc-c generated code).
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"

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

/*
 * The checks of a request before the call: identity, size, one whole
 * uncompressed length-prefixed message. 0 with *mlen set, or -1 answered.
 */
static int check_request(struct conn *c, struct stream *st, uint32_t *mlen)
{
    struct agent *a = c->w->a;
    const char *why = NULL;
    int status = GRPC_INVALID_ARGUMENT;
    char m[128];
    if (st->bad_content_type) {
        why = "content-type must be application/grpc";
    } else if (!c->peer_ok) {
        status = GRPC_UNAUTHENTICATED;
        why = c->peer_why;
    } else if (st->too_big) {
        snprintf(m, sizeof(m), "request message larger than %zu bytes", a->pol.max_message);
        status = GRPC_RESOURCE_EXHAUSTED;
        why = m;
    } else if (st->req_len < 5) {
        /* Exactly one length-prefixed message (gRPC over HTTP/2, "Length-Prefixed-Message"). */
        why = "request has no complete gRPC message frame";
    } else if (st->req[0] != 0) {
        status = GRPC_UNIMPLEMENTED;
        why = "compressed requests are not supported";
    } else {
        *mlen = ((uint32_t)st->req[1] << 24) | ((uint32_t)st->req[2] << 16) |
                ((uint32_t)st->req[3] << 8) | st->req[4];
        if (*mlen != st->req_len - 5) {
            why = "gRPC message length prefix does not match the data";
        } else if (atomic_load(&a->inflight_bytes) > MAX_QUEUED) {
            status = GRPC_RESOURCE_EXHAUSTED;
            why = "agent busy: too many response bytes queued";
        }
    }
    if (why != NULL) {
        respond_status(c, st, status, why);
        return -1;
    }
    return 0;
}

/* Send a message: headers, the prefixed body (body_read), then the trailers. */
static void respond_message(struct conn *c, struct stream *st, struct rpc_result *res)
{
    st->resp = malloc(res->body_len + 5);
    if (st->resp == NULL) {
        free(res->body);
        respond_status(c, st, GRPC_RESOURCE_EXHAUSTED, "out of memory");
        return;
    }
    st->resp[0] = 0;
    st->resp[1] = (uint8_t)(res->body_len >> 24);
    st->resp[2] = (uint8_t)(res->body_len >> 16);
    st->resp[3] = (uint8_t)(res->body_len >> 8);
    st->resp[4] = (uint8_t)res->body_len;
    memcpy(st->resp + 5, res->body, res->body_len);
    free(res->body);
    st->resp_len = res->body_len + 5;
    c->queued += st->resp_len;
    atomic_fetch_add(&c->w->a->inflight_bytes, st->resp_len);
    nghttp2_nv h[] = { NV(":status", "200"), NV("content-type", "application/grpc") };
    nghttp2_data_provider dp;
    dp.source.ptr = st;
    dp.read_callback = body_read;
    if (nghttp2_submit_response(c->s, st->id, h, 2, &dp) != 0) {
        c->want_close = 1;
    }
}

void grpc_handle(struct conn *c, struct stream *st)
{
    struct agent *a = c->w->a;
    atomic_fetch_add(&a->n_requests, 1);
    uint32_t mlen = 0;
    if (check_request(c, st, &mlen) < 0) {
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
    respond_message(c, st, &res);
}
