/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The agent's event-log cache, shared by every worker thread.
 *
 * Boot logs (CCEL, TCG2) are parsed once at start and their events kept in
 * memory. Growing logs (IMA, the runtime log) are indexed incrementally:
 * each refresh reads only the bytes appended since the last one and records
 * each new event's byte range; a page is served by reading just its byte
 * range and parsing it with the library. Memory is 12 bytes per indexed
 * event, and the cost of a page does not depend on the log's length.
 */
#ifndef CCTD_LOGCACHE_H
#define CCTD_LOGCACHE_H

#include <stddef.h>
#include <stdint.h>

#include <cctrusted/cctrusted.h>

struct logcache;

/** The parts of an event a response carries; views valid during the callback only. */
typedef int (*logcache_event_cb)(void *arg, uint64_t rec_num, const char *role,
                                 const struct cct_event *ev);

/** Index the live logs of ctx (cct_get_log_sources). 0 or a CCT_E* code, msg says why. */
int logcache_new(cct_context *ctx, struct logcache **out, char *msg, size_t msglen);
void logcache_free(struct logcache *lc);

/**
 * Pick up log sources of ctx that appeared since (a runtime log is created
 * by the first extend) and read what was appended to the growing logs
 * since the last refresh. Only
 * one thread refreshes at a time; others return at once and serve what is
 * indexed. 0 or a CCT_E* code.
 */
int logcache_refresh(struct logcache *lc, cct_context *ctx, char *msg, size_t msglen);

/* Which logs a view holds besides the boot logs (the node view holds both). */
#define LOGCACHE_IMA 1u     /* the host IMA list */
#define LOGCACHE_RUNTIME 2u /* the node's runtime log (a container has its own IMR3 instead) */

/** Number of events visible in a view (LOGCACHE_* flags). */
uint64_t logcache_count(struct logcache *lc, unsigned view);

/**
 * Call cb for events [start, start + count) of the view (count 0 = all),
 * numbered across the view's logs in replay order. Stops at the first
 * negative return of cb and returns it. 0 or a CCT_E* code.
 */
int logcache_page(struct logcache *lc, unsigned view, uint64_t start, uint64_t count,
                  logcache_event_cb cb, void *arg, char *msg, size_t msglen);

#endif
