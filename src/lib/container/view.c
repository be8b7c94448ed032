/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A container's view (include/cctrusted/container.h): which events a caller
 * in a container sees, its IMR3 and the REPORTDATA binding; and the system
 * measurement every container's IMR3 starts from.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cctrusted/container.h>
#include <cctrusted/context.h>

#include "container/container_internal.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/file.h"

#define VIEW_LOG_MAX ((size_t)16 * 1024 * 1024)
#define VIEW_IMA_MAX ((size_t)256 * 1024 * 1024)

struct cct_container_system {
    struct cct_buf log; /* CEL-TLV: one CCTS event per process measured */
    size_t n;
    uint8_t imr[CCT_CONTAINER_IMR_SIZE];
};

struct cct_container_view {
    char id[CCT_CONTAINER_ID_MAX + 1];
    int isolated;
    const cct_container_system *system;
    uint8_t *clog;
    size_t clog_len;
    uint8_t *ima;
    size_t ima_len;
    uint64_t n; /* events at IMR3: system, creation, IMA */
    uint8_t imr[CCT_CONTAINER_IMR_SIZE];
};

/* ---- system processes ---- */

struct proc_pick {
    long pid; /* -1 until a process matches */
    uint8_t *cmdline;
    size_t len;
};

static int numeric(const char *s)
{
    if (*s == '\0') {
        return 0;
    }
    for (; *s != '\0'; s++) {
        if (*s < '0' || *s > '9') {
            return 0;
        }
    }
    return 1;
}

/* Keep the command line of pid for every policy name its argv[0] equals (lowest pid wins). */
static void consider(const struct cct_container_system_policy *pol, struct proc_pick *pick,
                     const char *dir, const char *name)
{
    char path[4200];
    int k = snprintf(path, sizeof(path), "%s/%s/cmdline", dir, name);
    uint8_t *cl = NULL;
    size_t len = 0;
    if (k < 0 || (size_t)k >= sizeof(path) ||
        cct_read_file(path, CCT_CONTAINER_SYSTEM_MAX_CMDLINE, &cl, &len, NULL) < 0) {
        return; /* gone, a kernel thread's empty line, or too long: not considered */
    }
    long pid = strtol(name, NULL, 10);
    size_t a0 = strnlen((const char *)cl, len);
    for (size_t i = 0; i < pol->n_processes && len > 0; i++) {
        const char *want = pol->processes[i];
        if (strlen(want) != a0 || memcmp(want, cl, a0) != 0 ||
            (pick[i].pid >= 0 && pick[i].pid < pid)) {
            continue;
        }
        uint8_t *copy = malloc(len);
        if (copy == NULL) {
            continue;
        }
        memcpy(copy, cl, len);
        free(pick[i].cmdline);
        pick[i].pid = pid;
        pick[i].cmdline = copy;
        pick[i].len = len;
    }
    free(cl);
}

static int scan_proc(const char *procroot, const struct cct_container_system_policy *pol,
                     struct proc_pick *pick, struct cct_error *err)
{
    char dir[4096];
    int k = snprintf(dir, sizeof(dir), "%s/proc",
                     (procroot != NULL && strcmp(procroot, "/") != 0) ? procroot : "");
    if (k < 0 || (size_t)k >= sizeof(dir)) {
        return cct_err(err, CCT_EINVAL, -1, -1, "proc root path too long");
    }
    DIR *d = opendir(dir);
    if (d == NULL) {
        return cct_err_sys(err, CCT_EIO, errno, "cannot list %s", dir);
    }
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (numeric(de->d_name)) {
            consider(pol, pick, dir, de->d_name);
        }
    }
    closedir(d);
    return 0;
}

static int system_encode(cct_container_system *s, const struct cct_container_system_policy *pol,
                         const struct proc_pick *pick)
{
    for (size_t i = 0; i < pol->n_processes; i++) {
        if (pick[i].pid < 0) {
            continue;
        }
        /* CIMA's measured bytes: argv[0], or the command line as /proc shows it. */
        size_t len =
            pol->with_args ? pick[i].len : strnlen((const char *)pick[i].cmdline, pick[i].len);
        int r = cct_container_encode_tagged(&s->log, s->n, CCT_SYSTEM_TAG_ID, pick[i].cmdline, len,
                                            s->imr);
        if (r < 0) {
            return r;
        }
        s->n++;
    }
    return 0;
}

int cct_container_system_measure(const char *procroot,
                                 const struct cct_container_system_policy *pol,
                                 cct_container_system **out, struct cct_error *err)
{
    cct_error_clear(err);
    if (pol == NULL || out == NULL || (pol->n_processes > 0 && pol->processes == NULL)) {
        return cct_err(err, CCT_EINVAL, -1, -1, "policy or output missing");
    }
    if (pol->n_processes > CCT_CONTAINER_SYSTEM_MAX_PROCESSES) {
        return cct_err(err, CCT_ELIMIT, -1, -1, "%zu system processes; at most %d",
                       pol->n_processes, CCT_CONTAINER_SYSTEM_MAX_PROCESSES);
    }
    for (size_t i = 0; i < pol->n_processes; i++) {
        if (pol->processes[i] == NULL || pol->processes[i][0] == '\0') {
            return cct_err(err, CCT_EINVAL, -1, -1, "system process %zu has no name", i);
        }
    }
    cct_container_system *s = calloc(1, sizeof(*s));
    struct proc_pick pick[CCT_CONTAINER_SYSTEM_MAX_PROCESSES];
    for (size_t i = 0; i < CCT_CONTAINER_SYSTEM_MAX_PROCESSES; i++) {
        pick[i].pid = -1;
        pick[i].cmdline = NULL;
        pick[i].len = 0;
    }
    int r = s == NULL ? cct_err(err, CCT_ENOMEM, -1, -1, "out of memory") : 0;
    if (r == 0 && pol->n_processes > 0) {
        cct_buf_init(&s->log, 0);
        r = scan_proc(procroot, pol, pick, err);
        if (r == 0 && (r = system_encode(s, pol, pick)) < 0) {
            r = cct_err(err, r, -1, -1, "cannot encode the system measurement");
        }
    }
    for (size_t i = 0; i < pol->n_processes; i++) {
        free(pick[i].cmdline);
    }
    if (r < 0) {
        cct_container_system_free(s);
        return r;
    }
    *out = s;
    return 0;
}

size_t cct_container_system_count(const cct_container_system *sys)
{
    return sys != NULL ? sys->n : 0;
}

const uint8_t *cct_container_system_imr(const cct_container_system *sys)
{
    static const uint8_t zero[CCT_CONTAINER_IMR_SIZE];
    return sys != NULL ? sys->imr : zero;
}

void cct_container_system_free(cct_container_system *sys)
{
    if (sys != NULL) {
        cct_buf_free(&sys->log);
        free(sys);
    }
}

/* ---- the view ---- */

/* Walk the view's IMR3 events in order (system, creation, IMA entries) onto imr. */
static int view_walk(const cct_container_view *v, cct_container_event_cb cb, void *arg,
                     uint8_t imr[CCT_CONTAINER_IMR_SIZE], uint64_t *n, struct cct_error *err)
{
    memset(imr, 0, CCT_CONTAINER_IMR_SIZE);
    *n = 0;
    int r = 0;
    if (v->system != NULL && v->system->n > 0) {
        r = cct_container_log_walk(v->system->log.data, v->system->log.len, cb, arg, imr, n, err);
    }
    if (r == 0) {
        r = cct_container_log_walk(v->clog, v->clog_len, cb, arg, imr, n, err);
    }
    if (r == 0 && v->ima != NULL && v->ima_len > 0) {
        r = cct_container_ima_walk(v->id, v->ima, v->ima_len, cb, arg, imr, n, err);
    }
    return r;
}

static int read_optional(const char *path, size_t max, uint8_t **out, size_t *len,
                         struct cct_error *err)
{
    struct cct_error e;
    int r = cct_read_file(path, max, out, len, &e);
    if (r < 0 && e.sys_errno == ENOENT) {
        *out = NULL;
        *len = 0;
        return 0; /* no log yet: no events */
    }
    return r < 0 ? cct_err(err, r, -1, -1, "%s", e.message) : 0;
}

/* The IMA list: whole lines of an ascii list (it grows while read), a binary list as read. */
static int read_ima(const char *path, cct_container_view *v, struct cct_error *err)
{
    int r = read_optional(path, VIEW_IMA_MAX, &v->ima, &v->ima_len, err);
    struct cct_eventlog_options o = CCT_EVENTLOG_OPTIONS_INIT;
    cct_eventlog *log = NULL;
    if (r == 0 && v->ima_len > 0 &&
        cct_eventlog_from_memory(v->ima, v->ima_len, &o, &log, NULL) == 0) {
        int ascii = cct_eventlog_format(log) == CCT_LOG_IMA_ASCII;
        cct_eventlog_free(log);
        while (ascii && v->ima_len > 0 && v->ima[v->ima_len - 1] != '\n') {
            v->ima_len--;
        }
    }
    return r;
}

static int view_read_ima(cct_context *ctx, const char *path, cct_container_view *v,
                         struct cct_error *err)
{
    if (path != NULL) {
        return read_ima(path, v, err);
    }
    struct cct_log_source src[CCT_MAX_LOG_SOURCES];
    size_t ns = 0;
    int r = cct_get_log_sources(ctx, src, CCT_MAX_LOG_SOURCES, &ns);
    if (r < 0) {
        return cct_err(err, r, -1, -1, "cannot list the event logs: %s",
                       cct_context_error(ctx)->message);
    }
    for (size_t i = 0; i < ns; i++) {
        if (strcmp(src[i].role, "ima") == 0) {
            return read_ima(src[i].path, v, err);
        }
    }
    return 0;
}

int cct_container_view_open(cct_context *ctx, const char *id,
                            const struct cct_container_view_options *opts, cct_container_view **out,
                            struct cct_error *err)
{
    cct_error_clear(err);
    struct cct_container_view_options dflt = CCT_CONTAINER_VIEW_OPTIONS_INIT;
    const struct cct_container_view_options *o = opts != NULL ? opts : &dflt;
    if (out == NULL || !cct_container_id_valid(id) ||
        (ctx == NULL && (o->dir == NULL || (o->include_ima && o->ima_path == NULL)))) {
        return cct_err(err, CCT_EINVAL, -1, -1, "container id, context or output missing");
    }
    cct_container_view *v = calloc(1, sizeof(*v));
    if (v == NULL) {
        return cct_err(err, CCT_ENOMEM, -1, -1, "out of memory");
    }
    snprintf(v->id, sizeof(v->id), "%s", id);
    v->isolated = o->isolated;
    v->system = o->system;
    char dir[4096], path[4300];
    int r = o->dir != NULL ? 0 : cct_container_dir(ctx, dir, sizeof(dir));
    int k = r < 0 ? -1 : snprintf(path, sizeof(path), "%s/%s.cel", o->dir ? o->dir : dir, id);
    if (r < 0 || k < 0 || (size_t)k >= sizeof(path)) {
        r = cct_err(err, CCT_ELIMIT, -1, -1, "container log path too long");
    } else {
        r = read_optional(path, VIEW_LOG_MAX, &v->clog, &v->clog_len, err);
    }
    if (r == 0 && o->include_ima) {
        r = view_read_ima(ctx, o->ima_path, v, err);
    }
    if (r == 0 && (r = view_walk(v, NULL, NULL, v->imr, &v->n, err)) < 0 && err != NULL) {
        char m[CCT_ERROR_MESSAGE_MAX];
        snprintf(m, sizeof(m), "%s", err->message);
        snprintf(err->message, sizeof(err->message), "container %.64s: %.170s", id, m);
    }
    if (r < 0) {
        cct_container_view_free(v);
        return r;
    }
    *out = v;
    return 0;
}

const uint8_t *cct_container_view_imr(const cct_container_view *v)
{
    return v->imr;
}

int cct_container_view_measurement(const cct_container_view *v, uint32_t index, uint16_t alg,
                                   struct cct_measurement *out)
{
    if (v == NULL || out == NULL) {
        return CCT_EINVAL;
    }
    if (index != CCT_CONTAINER_IMR) {
        return 1;
    }
    if (alg != 0 && alg != CCT_ALG_SHA384) {
        return CCT_ENOTFOUND; /* a container's IMR3 has only the SHA-384 bank */
    }
    memset(out, 0, sizeof(*out));
    out->kind = CCT_REG_RTMR;
    out->index = CCT_CONTAINER_IMR;
    out->alg = CCT_ALG_SHA384;
    out->size = CCT_CONTAINER_IMR_SIZE;
    memcpy(out->digest, v->imr, CCT_CONTAINER_IMR_SIZE);
    return 0;
}

int cct_container_view_reportdata(const cct_container_view *v, const uint8_t *nonce,
                                  size_t nonce_len, const uint8_t *user_data, size_t user_data_len,
                                  uint8_t out[64])
{
    if (v == NULL) {
        return CCT_EINVAL;
    }
    return cct_container_reportdata(v->imr, nonce, nonce_len, user_data, user_data_len, out);
}

_Static_assert(CCT_LOGINDEX_CONTAINER_REG == CCT_CONTAINER_IMR, "one container register index");

/*
 * The node logs a view holds: a container never sees the node's runtime log, nor boot-log
 * events on register 3, which is its own in its view.
 */
static unsigned node_flags(const cct_container_view *v)
{
    if (v == NULL) {
        return CCT_LOGINDEX_ALL;
    }
    return CCT_LOGINDEX_CONTAINER | (v->isolated ? 0 : CCT_LOGINDEX_IMA);
}

uint64_t cct_container_view_count(const cct_container_view *v, cct_logindex *node)
{
    return cct_logindex_count(node, node_flags(v)) + (v != NULL ? v->n : 0);
}

struct pager {
    uint64_t at, start, end, number0, n_system;
    cct_logindex_cb cb;
    void *arg;
};

static int page_one(void *arg, const struct cct_event *ev)
{
    struct pager *pg = arg;
    uint64_t k = pg->at++;
    if (k < pg->start) {
        return 0;
    }
    if (k >= pg->end) {
        return CCT_ELIMIT; /* past the page: stop the walk */
    }
    return pg->cb(pg->arg, pg->number0 + (k - pg->start), k < pg->n_system ? "system" : "container",
                  ev);
}

int cct_container_view_page(const cct_container_view *v, cct_logindex *node, uint64_t start,
                            uint64_t count, cct_logindex_cb cb, void *arg, struct cct_error *err)
{
    if (cb == NULL) {
        return cct_err(err, CCT_EINVAL, -1, -1, "callback missing");
    }
    uint64_t node_total = cct_logindex_count(node, node_flags(v));
    uint64_t end = count ? start + count : UINT64_MAX;
    int r = 0;
    if (start < node_total) {
        uint64_t take = end < node_total ? end - start : node_total - start;
        r = cct_logindex_page(node, node_flags(v), start, take, cb, arg, err);
    }
    if (r < 0 || v == NULL || end <= node_total) {
        return r;
    }
    struct pager pg = { 0,  start > node_total ? start - node_total : 0, end - node_total,
                        0,  cct_container_system_count(v->system),       cb,
                        arg };
    pg.number0 = node_total + pg.start;
    if (count == 0) {
        pg.end = UINT64_MAX;
    }
    uint8_t imr[CCT_CONTAINER_IMR_SIZE];
    uint64_t n = 0;
    r = view_walk(v, page_one, &pg, imr, &n, err);
    if (r == CCT_ELIMIT && pg.at > pg.end) {
        if (err != NULL) {
            cct_error_clear(err);
        }
        return 0;
    }
    return r;
}

void cct_container_view_free(cct_container_view *v)
{
    if (v != NULL) {
        free(v->clog);
        free(v->ima);
        free(v);
    }
}
