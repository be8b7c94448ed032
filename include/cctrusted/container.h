/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Per-container measurement: a container's virtual register IMR3, its own
 * event log, the record of its start in the node's runtime log, and the
 * verification of a report bound to a container.
 *
 * Model (kept compatible with CIMA's container view):
 * - A container's IMR3 (SHA-384, 48 bytes) starts from the measurement of
 *   the host's system processes the policy names (cct_container_system_measure():
 *   zero when it names none) and is then extended with the container's own
 *   events: the creation events an OCI hook records
 *   (cct_container_start()) and, on kernels with the ima-cgpath or
 *   ima-dep-cgn IMA templates, the IMA entries of its cgroup.
 * - The container log is a TCG CEL-TLV file; each creation event is a PC
 *   Client EV_EVENT_TAG record (tag "CCTC") at index 3 whose SHA-384 digest
 *   is the digest of its text (so a verifier recomputes it).
 * - Each start is also recorded in the node's runtime log through
 *   cct_extend() (RTMR3 on TDX and sim, PCR 15 on a TPM), with the text
 *   "cctrusted.container-start v1 id=ID events=N imr3=sha384:HEX", so the
 *   node's quote binds every container start.
 * - A report requested for a container binds it: REPORTDATA =
 *   SHA-512(IMR3 || nonce || user_data) (cct_container_reportdata()).
 *
 * Threads: the functions keep no state of their own; a container log,
 * view or result object is used by one thread at a time; a system
 * measurement may be shared by any number of threads once made; cct_container_start()
 * serialises with other extenders through the runtime log's lock.
 */
#ifndef CCTRUSTED_CONTAINER_H
#define CCTRUSTED_CONTAINER_H

#include <stddef.h>
#include <stdint.h>

#include <cctrusted/context.h>
#include <cctrusted/error.h>
#include <cctrusted/eventlog.h>
#include <cctrusted/logindex.h>
#include <cctrusted/verify.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CCT_CONTAINER_IMR 3           /* the container's virtual register index */
#define CCT_CONTAINER_IMR_SIZE 48     /* SHA-384 */
#define CCT_CONTAINER_ID_MAX 128      /* longest container id, NUL excluded */
#define CCT_CONTAINER_TPM_PCR 15      /* node register for start records on a TPM */
#define CCT_CONTAINER_MAX_EVENTS 4096 /* most events in a container log */

/**
 * Whether id is a container id the library handles: 1..128 characters of
 * [A-Za-z0-9_.-], not starting with '.'. 1 or 0.
 */
int cct_container_id_valid(const char *id);

/** Options for cct_container_start(). Initialise with CCT_CONTAINER_START_OPTIONS_INIT. */
struct cct_container_start_options {
    unsigned version;      /* CCT_CONTAINER_START_OPTIONS_VERSION */
    const char *state_dir; /* container logs; NULL = cct_container_dir() */
    int measure_rootfs;    /* 1: measure the root file system tree when within the limits */
};
#define CCT_CONTAINER_START_OPTIONS_VERSION 1
#define CCT_CONTAINER_START_OPTIONS_INIT                                                           \
    {                                                                                              \
        CCT_CONTAINER_START_OPTIONS_VERSION, NULL, 1                                               \
    }

/** Limits of the root file system measurement: larger trees are not measured (and say so). */
#define CCT_CONTAINER_ROOTFS_MAX_FILES 20000
#define CCT_CONTAINER_ROOTFS_MAX_BYTES ((uint64_t)256 * 1024 * 1024)

/** What cct_container_start() did. */
struct cct_container_start_result {
    char id[CCT_CONTAINER_ID_MAX + 1];
    char log_path[4096];
    size_t n_events;                     /* creation events in the container log */
    uint8_t imr[CCT_CONTAINER_IMR_SIZE]; /* container IMR3 after them */
    uint32_t node_index;                 /* node register the start record extended */
    int already_recorded;                /* 1: the node log held this start; nothing extended */
    int rootfs_measured;                 /* 1 when the rootfs event is present */
};

/**
 * The default directory of container logs of ctx: $CCT_CONTAINER_DIR, else
 * <sim state dir>/containers on sim, else <sysroot>/var/lib/cctrusted/containers.
 */
int cct_container_dir(const cct_context *ctx, char *out, size_t len);

/**
 * Measure a container at creation, from the OCI state JSON a runtime gives
 * a hook on stdin ({"ociVersion", "id", "status", "pid", "bundle",
 * "annotations"}): the events are the container id, the SHA-384 of the
 * bundle's config.json, the process args, cwd and environment (as a
 * digest), the image reference and digest from annotations when present,
 * and a digest of the root file system tree when opts->measure_rootfs and
 * within the limits. Writes them as the container log <dir>/<id>.cel
 * (atomically; a log already present with the same events is kept), then
 * appends the start record to the node's runtime log with cct_extend().
 * Idempotent: when the node log already holds a committed start record of
 * this id with the same IMR3 (a retried hook, a crash after the extend),
 * nothing is extended again. A different start record for the same id is
 * CCT_EVERIFY (an id is started once). Fills *out on success.
 */
int cct_container_start(cct_context *ctx, const char *state_json, size_t state_len,
                        const struct cct_container_start_options *opts,
                        struct cct_container_start_result *out);

/** Called for every event of a container's view; a negative return stops the walk. */
typedef int (*cct_container_event_cb)(void *arg, const struct cct_event *ev);

/**
 * Walk the events of container id: every IMR3 event of its container log
 * (clog, CEL-TLV; may be NULL), then, when ima is given, the IMA entries
 * (ascii or binary list) whose ima-cgpath / ima-dep-cgn cgroup names the
 * container (cct_container_cgroup_matches()), presented at index 3 and
 * extended with their SHA-384 template digest. cb (may be NULL) sees each
 * event; views are valid during the call only. Replays them into imr from
 * zero and counts them in *n. IMA entries without a SHA-384 digest are
 * CCT_EUNSUPPORTED (with the event number). err may be NULL.
 */
int cct_container_events(const char *id, const uint8_t *clog, size_t clog_len, const uint8_t *ima,
                         size_t ima_len, cct_container_event_cb cb, void *arg,
                         uint8_t imr[CCT_CONTAINER_IMR_SIZE], uint64_t *n, struct cct_error *err);

/**
 * The cgroup field of an IMA event of the ima-cgpath ("cg-path") or
 * ima-dep-cgn ("cgn") template, as a view into the event. CCT_ENOTFOUND for
 * other templates.
 */
int cct_ima_event_cgroup(const struct cct_event *ev, const char **path, size_t *len);

/**
 * Whether a cgroup path (or a single cgroup name) belongs to container id:
 * one of its components, without a runtime prefix (docker-, cri-containerd-,
 * crio-, libpod-) and a ".scope" suffix, equals id exactly. Per container,
 * never per pod. 1 or 0.
 */
int cct_container_cgroup_matches(const char *path, size_t len, const char *id);

/** REPORTDATA of a container-bound report: SHA-512(imr || nonce || user_data). */
int cct_container_reportdata(const uint8_t imr[CCT_CONTAINER_IMR_SIZE], const uint8_t *nonce,
                             size_t nonce_len, const uint8_t *user_data, size_t user_data_len,
                             uint8_t out[64]);

/** Evidence about a container, for cct_verify_container_report(). All borrowed. */
struct cct_container_evidence {
    unsigned version;             /* CCT_CONTAINER_EVIDENCE_VERSION */
    const char *id;               /* the container the report claims to be bound to */
    const uint8_t *container_log; /* the container's event log (CEL-TLV; its IMR3 events count) */
    size_t container_log_len;
    const uint8_t *node_log; /* the node's runtime log (CEL-TLV) */
    size_t node_log_len;
    const uint8_t *nonce;
    size_t nonce_len;
    const uint8_t *user_data;
    size_t user_data_len;
};
#define CCT_CONTAINER_EVIDENCE_VERSION 1
#define CCT_CONTAINER_EVIDENCE_INIT                                                                \
    {                                                                                              \
        CCT_CONTAINER_EVIDENCE_VERSION, NULL, NULL, 0, NULL, 0, NULL, 0, NULL, 0                   \
    }

/**
 * Check that a report (a TDX quote; other types fail closed as not
 * supported) is bound to a container. Appends named checks to res and
 * clears res->ok when any fails (never sets it):
 *   container-log        every creation event's digest is the SHA-384 of its text
 *   container-imr        the container log replays to an IMR3 (how many events)
 *   container-binding    REPORTDATA == SHA-512(IMR3 || nonce || user_data)
 *   node-log             a prefix of the node runtime log's records at RTMR3 replays to the
 *                        report's RTMR3 (the log may have grown since the report)
 *   container-start      that prefix holds exactly one committed start record of this id (and
 *                        the whole log no other) whose IMR3 equals the replay of the container
 *                        log's first events
 * Returns 0 when it ran (see res->ok), CCT_EINVAL for a missing input.
 */
CCT_WUR int cct_verify_container_report(const uint8_t *report, size_t report_len,
                                        const struct cct_container_evidence *ev,
                                        struct cct_verify_result *res, struct cct_error *err);

/* ---- the start of a container's IMR3: the host's system processes ---- */

typedef struct cct_container_system cct_container_system;

/** Which host processes start every container's IMR3 (CIMA's measure.system policy). */
struct cct_container_system_policy {
    unsigned version;             /* CCT_CONTAINER_SYSTEM_POLICY_VERSION */
    const char *const *processes; /* executable names as in argv[0], e.g. "/usr/bin/containerd" */
    size_t n_processes;
    int with_args; /* 1: measure the whole command line, not argv[0] only */
};
#define CCT_CONTAINER_SYSTEM_POLICY_VERSION 1
#define CCT_CONTAINER_SYSTEM_POLICY_INIT                                                           \
    {                                                                                              \
        CCT_CONTAINER_SYSTEM_POLICY_VERSION, NULL, 0, 0                                            \
    }
#define CCT_CONTAINER_SYSTEM_MAX_PROCESSES 64   /* most names in a policy */
#define CCT_CONTAINER_SYSTEM_MAX_CMDLINE 131072 /* a longer command line is not considered */

/**
 * Measure the host processes a policy names, reading <procroot>/proc/PID/
 * cmdline (procroot NULL = "/"). For each name, in policy order, the
 * process with the lowest pid whose argv[0] equals it exactly is measured:
 * the event data is argv[0], or with with_args the whole command line as
 * the kernel shows it (arguments separated and ended by NUL bytes), and its
 * digest is the SHA-384 of those bytes. A name no process has is skipped.
 * The events (EV_EVENT_TAG, tag "CCTS", at index 3) open every container's
 * view and IMR3. *out is freed with cct_container_system_free().
 */
CCT_WUR int cct_container_system_measure(const char *procroot,
                                         const struct cct_container_system_policy *pol,
                                         cct_container_system **out, struct cct_error *err);

/** Number of processes measured (events in the measurement). */
size_t cct_container_system_count(const cct_container_system *sys);

/** IMR3 after the system events alone: the start value of every container's IMR3. */
const uint8_t *cct_container_system_imr(const cct_container_system *sys);

/** Free a system measurement. NULL is accepted. */
void cct_container_system_free(cct_container_system *sys);

/* ---- a container's view: what a caller in a container is served ---- */

typedef struct cct_container_view cct_container_view;

/** Options of cct_container_view_open(). Initialise with CCT_CONTAINER_VIEW_OPTIONS_INIT. */
struct cct_container_view_options {
    unsigned version;                   /* CCT_CONTAINER_VIEW_OPTIONS_VERSION */
    const char *dir;                    /* container logs; NULL = cct_container_dir(ctx) */
    int isolated;                       /* 1: the host IMA list is not in the view */
    int include_ima;                    /* 1: the container's ima-cgpath / ima-dep-cgn entries */
    const cct_container_system *system; /* start of IMR3; NULL = zero */
    const char *ima_path;               /* with include_ima: the IMA list; NULL = ctx's */
};
#define CCT_CONTAINER_VIEW_OPTIONS_VERSION 1
#define CCT_CONTAINER_VIEW_OPTIONS_INIT                                                            \
    {                                                                                              \
        CCT_CONTAINER_VIEW_OPTIONS_VERSION, NULL, 1, 0, NULL, NULL                                 \
    }

/**
 * Open the view of container id: its container log (<dir>/<id>.cel; none
 * yet is an empty log) and, with include_ima, the IMA list of ctx (or
 * ima_path; of an ascii list only whole lines count), replayed
 * after the system events into the container's IMR3. ctx is used during
 * the call only. The view's events, in order: the node's boot logs, the
 * host IMA list unless isolated (never the node's runtime log: the
 * container's index 3 is its IMR3), then at index 3 the system events, the
 * container's creation events and its IMA entries. opts->system is
 * borrowed and must outlive the view.
 */
CCT_WUR int cct_container_view_open(cct_context *ctx, const char *id,
                                    const struct cct_container_view_options *opts,
                                    cct_container_view **out, struct cct_error *err);

/** The container's IMR3 (48 bytes, valid while the view is open). */
const uint8_t *cct_container_view_imr(const cct_container_view *v);

/**
 * Register index of the view: index 3 is the container's IMR3 (SHA-384
 * only: alg 0 or CCT_ALG_SHA384, else CCT_ENOTFOUND). 1 when index is not
 * the container's (read the node's register instead), 0 with *out filled.
 */
CCT_WUR int cct_container_view_measurement(const cct_container_view *v, uint32_t index,
                                           uint16_t alg, struct cct_measurement *out);

/**
 * Number of events in a view over the node's logs in node (v NULL: the
 * node's own view, every log).
 */
uint64_t cct_container_view_count(const cct_container_view *v, cct_logindex *node);

/**
 * Call cb for events [start, start + count) (count 0 = to the end) of the
 * view over node (v NULL: the node's own view), numbered across the view;
 * roles "boot", "ima", "system" and "container". As cct_logindex_page().
 */
CCT_WUR int cct_container_view_page(const cct_container_view *v, cct_logindex *node, uint64_t start,
                                    uint64_t count, cct_logindex_cb cb, void *arg,
                                    struct cct_error *err);

/** REPORTDATA of a report bound to the view's container (cct_container_reportdata()). */
CCT_WUR int cct_container_view_reportdata(const cct_container_view *v, const uint8_t *nonce,
                                          size_t nonce_len, const uint8_t *user_data,
                                          size_t user_data_len, uint8_t out[64]);

/** Free a view. NULL is accepted. */
void cct_container_view_free(cct_container_view *v);

#ifdef __cplusplus
}
#endif
#endif
