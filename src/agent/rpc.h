/* SPDX-License-Identifier: Apache-2.0 */
/* Helpers shared by the RPC handlers (service.c, eventlog.c). */
#ifndef CCTD_RPC_H
#define CCTD_RPC_H

#include <stddef.h>
#include <stdint.h>

#include "agent.h"

/* Fail res with a gRPC status and a message (the body, if any, is dropped). */
void rpc_fail(struct rpc_result *res, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Fail res with the status for a library code, naming what failed and the library's reason. */
void rpc_fail_lib(struct rpc_result *res, int code, const char *what, const char *why);

/* The gRPC status for a library code. */
int rpc_status_of(int code);

/* Pack a protobuf-c message as the response body (RESOURCE_EXHAUSTED above the limit). */
struct ProtobufCMessage;
void rpc_pack(struct rpc_result *res, const struct ProtobufCMessage *msg);

/* A request's container_id against the kernel's view of the caller. 0, or -1 with res failed. */
int rpc_check_container(const struct peer *p, const char *requested, struct rpc_result *res);

/*
 * The view of the caller's container (cct_container_view_open with the
 * agent's policy), or *out NULL for a host caller. 0, or -1 with res failed.
 */
int rpc_open_view(struct agent *a, struct worker_ctx *w, const struct peer *p,
                  cct_container_view **out, struct rpc_result *res);

void rpc_eventlog(struct agent *a, struct worker_ctx *w, const struct peer *p, const uint8_t *msg,
                  size_t len, struct rpc_result *res);

#endif
