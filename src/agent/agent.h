/* SPDX-License-Identifier: Apache-2.0 */
/* cctrustedd: shared state of the node agent. */
#ifndef CCTD_AGENT_H
#define CCTD_AGENT_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include <cctrusted/cctrusted.h>

#include "peer.h"
#include "policy.h"

/* gRPC status codes (grpc/doc/statuscodes.md). */
enum grpc_status {
    GRPC_OK = 0,
    GRPC_CANCELLED = 1,
    GRPC_UNKNOWN = 2,
    GRPC_INVALID_ARGUMENT = 3,
    GRPC_DEADLINE_EXCEEDED = 4,
    GRPC_NOT_FOUND = 5,
    GRPC_PERMISSION_DENIED = 7,
    GRPC_RESOURCE_EXHAUSTED = 8,
    GRPC_FAILED_PRECONDITION = 9,
    GRPC_OUT_OF_RANGE = 11,
    GRPC_UNIMPLEMENTED = 12,
    GRPC_INTERNAL = 13,
    GRPC_UNAVAILABLE = 14,
    GRPC_UNAUTHENTICATED = 16,
};

/* Largest response message: gRPC clients refuse more than 4 MiB by default. */
#define AGENT_MAX_RESPONSE (4u * 1024u * 1024u)

struct ratelimit;

struct agent {
    struct policy pol;
    struct cct_open_options open_opts;
    enum cct_platform platform;
    const char *procroot;         /* "/" unless testing */
    char container_dir[4096];     /* container logs written by `cctrustedd hook` */
    int container_ima;            /* containers' views include their ima-cgpath entries */
    cct_logindex *logs;           /* the node's event logs, shared by the workers */
    cct_container_system *system; /* host processes that start every container's IMR3 */
    struct ratelimit *rl;
    atomic_ullong inflight_bytes; /* response bytes queued, all connections */
    atomic_uint n_conns;
    atomic_ullong n_requests;
    atomic_int stopping;
};

/* Per worker thread: its own library context, so register reads and
 * quotes need no lock in the agent (the backend serialises the device). */
struct worker_ctx {
    cct_context *ctx;
};

struct rpc_result {
    int status; /* enum grpc_status */
    char message[256];
    uint8_t *body; /* serialized response message (malloc), NULL when status != OK */
    size_t body_len;
};

/* Handle one unary call. Always fills res. */
void service_call(struct agent *a, struct worker_ctx *w, const struct peer *p, const char *path,
                  const uint8_t *msg, size_t len, struct rpc_result *res);

/* Whether path names a method the agent serves (checked when headers arrive). */
int service_known(const char *path);

int ratelimit_new(double rate, double burst, struct ratelimit **out);
void ratelimit_free(struct ratelimit *rl);
/* 1 when the caller with key may make one more request now. */
int ratelimit_take(struct ratelimit *rl, const char *key);

/* Run the server on a listening socket until a == stopping. 0 or -1. */
int server_run(struct agent *a, int listen_fd, unsigned n_workers);

#endif
