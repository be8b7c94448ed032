/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Incremental event-log index: serves pages of a platform's event logs
 * while the growing ones (the IMA list, the runtime log) are appended to.
 *
 * - Boot logs (CCEL, TCG2, role "boot") are parsed once and their events
 *   kept in memory.
 * - Growing logs are indexed: a refresh reads only the bytes appended since
 *   the previous one and records each new event's byte range (16 bytes per
 *   event). A page reads only its byte range and parses it, so its cost does
 *   not depend on the log's length or on where the page is.
 * - Only whole records are indexed: an ascii line (IMA ascii, CEL-JSON)
 *   without its newline and a binary record cut short at the end of the
 *   file are left for the next refresh; so is a runtime-log record still
 *   pending its register extend (CEL management content: the write-ahead
 *   step, committed or cut off by the next extend) and everything after it.
 * - A log that got shorter, was replaced (another file at the path), or
 *   whose last indexed bytes changed is indexed again from its start.
 *
 * Events are numbered across the logs of a view in the order the sources
 * were added (replay order for cct_logindex_open()).
 *
 * Threads: cct_logindex_count(), cct_logindex_page() and
 * cct_logindex_stats() may run on any number of threads at once, also
 * while one thread refreshes. cct_logindex_refresh() and
 * cct_logindex_add_source() serialise among themselves: a call made while
 * another refresh runs returns 0 at once, and readers serve what is
 * indexed. cct_logindex_free() must not run concurrently with anything.
 */
#ifndef CCTRUSTED_LOGINDEX_H
#define CCTRUSTED_LOGINDEX_H

#include <stddef.h>
#include <stdint.h>

#include <cctrusted/context.h>
#include <cctrusted/error.h>
#include <cctrusted/eventlog.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cct_logindex cct_logindex;

/* Which logs a view holds besides the boot logs (flags of cct_logindex_count/page). */
#define CCT_LOGINDEX_IMA 1u     /* logs of role "ima" */
#define CCT_LOGINDEX_RUNTIME 2u /* logs of role "runtime" */
#define CCT_LOGINDEX_ALL (CCT_LOGINDEX_IMA | CCT_LOGINDEX_RUNTIME)
/*
 * A container's view: boot-log events on register 3 (CCT_CONTAINER_IMR, the container's own
 * register there) are left out, so that index 3 of the view holds only the container's events
 * (on a TPM the firmware's PCR 3 events would otherwise share the index).
 */
#define CCT_LOGINDEX_CONTAINER 4u
#define CCT_LOGINDEX_CONTAINER_REG 3u /* equals CCT_CONTAINER_IMR */

/** Most bytes one page may read (a page above it is CCT_ELIMIT: ask for fewer events). */
#define CCT_LOGINDEX_PAGE_MAX_BYTES (8u * 1024u * 1024u)

/**
 * Index the event logs of ctx (cct_get_log_sources()), or start an empty
 * index when ctx is NULL (add sources with cct_logindex_add_source()).
 * ctx is used during the call only. On failure *out is untouched and err
 * (may be NULL) says which log, event and byte offset.
 */
CCT_WUR int cct_logindex_open(cct_context *ctx, cct_logindex **out, struct cct_error *err);

/**
 * Add one log (a boot log is parsed now; a growing log is indexed by the
 * next refresh; a file that does not exist yet is picked up once it does).
 * A path already indexed is ignored. CCT_ELIMIT past CCT_MAX_LOG_SOURCES.
 */
CCT_WUR int cct_logindex_add_source(cct_logindex *li, const struct cct_log_source *src,
                                    struct cct_error *err);

/**
 * Pick up the logs of ctx that appeared since (the runtime log is created
 * by the first extend; ctx may be NULL to skip this) and index what was
 * appended to the growing logs. Returns 0 at once when another thread is
 * refreshing. A broken record is an error naming the log, the event number
 * and the byte offset; what was indexed before it stays served.
 */
CCT_WUR int cct_logindex_refresh(cct_logindex *li, cct_context *ctx, struct cct_error *err);

/** Number of events in a view (CCT_LOGINDEX_* flags; boot logs are always in it). */
uint64_t cct_logindex_count(cct_logindex *li, unsigned view);

/**
 * Called for each event of a page: number counts across the view from 0,
 * role is the log's ("boot", "ima", "runtime"); ev and what it points to are
 * valid during the call only. A negative return stops the page and is
 * returned.
 */
typedef int (*cct_logindex_cb)(void *arg, uint64_t number, const char *role,
                               const struct cct_event *ev);

/**
 * Call cb for events [start, start + count) of a view (count 0 = to the
 * end; a range past the end is cut short). 0, cb's negative return, or a
 * CCT_E* code with err set (CCT_ELIMIT when the range of one log is above
 * CCT_LOGINDEX_PAGE_MAX_BYTES; CCT_EIO when a log lost bytes it had).
 */
CCT_WUR int cct_logindex_page(cct_logindex *li, unsigned view, uint64_t start, uint64_t count,
                              cct_logindex_cb cb, void *arg, struct cct_error *err);

/** What an index holds, for monitoring and tests. */
struct cct_logindex_stats {
    uint64_t events;      /* events served in the CCT_LOGINDEX_ALL view */
    uint64_t index_bytes; /* bytes allocated for the byte ranges of growing logs */
    uint64_t held_bytes;  /* bytes of boot-log events held in memory */
    uint64_t bytes_read;  /* bytes read from growing logs by refreshes, in total */
    uint64_t reindexed;   /* times a growing log was indexed again from its start */
};

/** Fill *out. CCT_EINVAL for NULL arguments. */
int cct_logindex_stats(cct_logindex *li, struct cct_logindex_stats *out);

/** Free the index and close its files. NULL is accepted. */
void cct_logindex_free(cct_logindex *li);

#ifdef __cplusplus
}
#endif
#endif
