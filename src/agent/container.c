/* SPDX-License-Identifier: Apache-2.0 */
/* The agent's container views (container.h); every rule is the library's. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "container.h"

#define CVIEW_MAX_LOG ((size_t)16 * 1024 * 1024)
#define CVIEW_MAX_IMA ((size_t)256 * 1024 * 1024)

/* Whole file into memory; a missing file is empty (0). -1 on error. */
static int slurp(const char *path, size_t max, uint8_t **out, size_t *len)
{
    *out = NULL;
    *len = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return errno == ENOENT ? 0 : -1;
    }
    struct stat st;
    if (fstat(fd, &st) < 0 || (uint64_t)st.st_size > max) {
        close(fd);
        return -1;
    }
    size_t cap = (size_t)st.st_size + 1, n = 0;
    uint8_t *b = malloc(cap);
    if (b == NULL) {
        close(fd);
        return -1;
    }
    for (;;) {
        if (n == cap) {
            /* The file grew (an IMA list): read what was there at open plus what fits. */
            break;
        }
        ssize_t k = read(fd, b + n, cap - n);
        if (k < 0 && errno == EINTR) {
            continue;
        }
        if (k < 0) {
            free(b);
            close(fd);
            return -1;
        }
        if (k == 0) {
            break;
        }
        n += (size_t)k;
    }
    close(fd);
    *out = b;
    *len = n;
    return 0;
}

int cview_load(struct agent *a, struct worker_ctx *w, const struct peer *p, struct cview *v,
               char *msg, size_t ml)
{
    memset(v, 0, sizeof(*v));
    snprintf(v->id, sizeof(v->id), "%s", p->container_id);
    if (!cct_container_id_valid(v->id)) {
        snprintf(msg, ml, "container id of the caller is not one the library handles");
        return GRPC_FAILED_PRECONDITION;
    }
    char path[4200];
    int n = snprintf(path, sizeof(path), "%s/%s.cel", a->container_dir, v->id);
    if (n < 0 || (size_t)n >= sizeof(path) ||
        slurp(path, CVIEW_MAX_LOG, &v->clog, &v->clog_len) < 0) {
        snprintf(msg, ml, "cannot read the log of container %.64s", v->id);
        return GRPC_INTERNAL;
    }
    if (a->container_ima) {
        struct cct_log_source src[CCT_MAX_LOG_SOURCES];
        size_t ns = 0;
        if (cct_get_log_sources(w->ctx, src, CCT_MAX_LOG_SOURCES, &ns) == 0) {
            for (size_t i = 0; i < ns; i++) {
                if (strcmp(src[i].role, "ima") == 0 &&
                    slurp(src[i].path, CVIEW_MAX_IMA, &v->ima, &v->ima_len) < 0) {
                    snprintf(msg, ml, "cannot read the IMA list %.128s", src[i].path);
                    cview_free(v);
                    return GRPC_INTERNAL;
                }
            }
        }
    }
    struct cct_error err;
    int r = cct_container_events(v->id, v->clog, v->clog_len, v->ima, v->ima_len, NULL, NULL,
                                 v->imr, &v->n, &err);
    if (r < 0) {
        snprintf(msg, ml, "container %.64s: %s", v->id, err.message);
        cview_free(v);
        return GRPC_INTERNAL;
    }
    return 0;
}

void cview_free(struct cview *v)
{
    free(v->clog);
    free(v->ima);
    v->clog = v->ima = NULL;
}

struct pager {
    uint64_t at, start, end, rec0;
    logcache_event_cb cb;
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
    return pg->cb(pg->arg, pg->rec0 + (k - pg->start), "container", ev);
}

int cview_page(struct cview *v, uint64_t start, uint64_t count, uint64_t rec0, logcache_event_cb cb,
               void *arg, char *msg, size_t ml)
{
    struct pager pg = { 0, start, count ? start + count : UINT64_MAX, rec0, cb, arg };
    uint8_t imr[CCT_CONTAINER_IMR_SIZE];
    uint64_t n = 0;
    struct cct_error err;
    cct_error_clear(&err);
    int r = cct_container_events(v->id, v->clog, v->clog_len, v->ima, v->ima_len, page_one, &pg,
                                 imr, &n, &err);
    if (r == CCT_ELIMIT && pg.at > pg.end) {
        return 0;
    }
    if (r < 0 && err.message[0]) {
        snprintf(msg, ml, "container %.64s: %s", v->id, err.message);
    }
    return r;
}
