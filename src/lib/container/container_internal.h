/* SPDX-License-Identifier: Apache-2.0 */
/* Shared by container.c and container_verify.c. */
#ifndef CCT_CONTAINER_INTERNAL_H
#define CCT_CONTAINER_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <cctrusted/container.h>

/* The text that opens a start record in the node's runtime log. */
#define CCT_CONTAINER_START_MAGIC "cctrusted.container-start v1"
#define CCT_CONTAINER_TAG_ID 0x43544343u /* "CCTC": container log events */
#define CCT_RUNTIME_TAG_ID 0x52544343u   /* "CCTR": runtime log records */
#define CCT_SYSTEM_TAG_ID 0x53544343u    /* "CCTS": host processes that start a container's IMR3 */
#define RUNTIME_LOG_MAX_READ ((size_t)256 * 1024 * 1024)

/* The first start record of a container found in a node log, and how many there are. */
struct cct_container_start_record {
    size_t count;      /* start records of this id (more than one is a duplicate) */
    uint64_t event;    /* event number of the first */
    uint32_t index;    /* register it extended */
    uint64_t n_events; /* creation events it covers */
    uint8_t imr[CCT_CONTAINER_IMR_SIZE];
};

/* Scan a node runtime log (CEL-TLV) for committed start records of id. */
int cct_container_find_start(const uint8_t *node_log, size_t len, const char *id,
                             struct cct_container_start_record *out, struct cct_error *err);

/* The text of an EV_EVENT_TAG record with tag_id (a view into ev). CCT_ENOTFOUND otherwise. */
int cct_container_event_text(const struct cct_event *ev, uint32_t tag_id, const char **text,
                             size_t *len);

/* Replay the IMR3 events of a container log onto imr, counting them in *n. */
int cct_container_log_walk(const uint8_t *clog, size_t len, cct_container_event_cb cb, void *arg,
                           uint8_t imr[CCT_CONTAINER_IMR_SIZE], uint64_t *n, struct cct_error *err);

/* The IMA entries of an IMA list whose cgroup names container id, replayed onto imr. */
int cct_container_ima_walk(const char *id, const uint8_t *ima, size_t len,
                           cct_container_event_cb cb, void *arg,
                           uint8_t imr[CCT_CONTAINER_IMR_SIZE], uint64_t *n, struct cct_error *err);

struct cct_buf;
/*
 * Append one EV_EVENT_TAG record (tag_id, text) at IMR3 to a CEL-TLV log;
 * its SHA-384 digest is the digest of text, and imr is extended with it.
 */
int cct_container_encode_tagged(struct cct_buf *b, uint64_t number, uint32_t tag_id,
                                const void *text, size_t tl, uint8_t imr[CCT_CONTAINER_IMR_SIZE]);

#endif
