/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A container's view in the agent: its IMR3 and its events, from the
 * container log the OCI hook wrote (and, with --container-ima, the IMA
 * entries of its cgroup), replayed by the library (cct_container_events).
 */
#ifndef CCTD_CONTAINER_H
#define CCTD_CONTAINER_H

#include <stddef.h>
#include <stdint.h>

#include "agent.h"

struct cview {
    char id[PEER_ID_MAX];
    uint8_t imr[CCT_CONTAINER_IMR_SIZE];
    uint64_t n; /* events at IMR3 */
    uint8_t *clog;
    size_t clog_len;
    uint8_t *ima;
    size_t ima_len;
};

/* Load the view of the peer's container. 0, or a gRPC status with msg set. */
int cview_load(struct agent *a, struct worker_ctx *w, const struct peer *p, struct cview *v,
               char *msg, size_t ml);
void cview_free(struct cview *v);

/* Call cb for the view's events [start, start + count) (count 0 = all), numbered from rec0. */
int cview_page(struct cview *v, uint64_t start, uint64_t count, uint64_t rec0, logcache_event_cb cb,
               void *arg, char *msg, size_t ml);

/* `cctrustedd hook`: the OCI runtime hook (state JSON on stdin). Returns the exit code. */
int hook_main(int argc, char **argv);

#endif
