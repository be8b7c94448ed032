/* SPDX-License-Identifier: Apache-2.0 */
/* Event-log cache: boot logs in memory, growing logs indexed (see logcache.h). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "logcache.h"

#define READ_CHUNK (1u << 20)
/* Most bytes read for one page: twice what a response may carry (4 MiB). */
#define PAGE_MAX_BYTES (8u * 1024u * 1024u)
#define MAX_SOURCES CCT_MAX_LOG_SOURCES

/* A boot-log event held in memory: the raw record re-parsed on demand would
 * need the log header, so the fields a response carries are copied. */
struct held_event {
    struct cct_event ev; /* pointers re-aimed at blob */
    uint8_t *blob;
};

struct span {
    uint64_t off;
    uint32_t len;
};

struct source {
    struct cct_log_source src;
    int growing; /* 1: indexed incrementally; 0: held in memory */
    int is_ima;
    int is_runtime;
    /* held */
    struct held_event *held;
    size_t n_held;
    /* growing: guarded by lc->lock for the index, lc->refresh for the rest */
    int fd;
    struct span *idx;
    size_t n_idx, cap_idx;
    uint64_t consumed;    /* bytes indexed (whole records only) */
    uint64_t next_number; /* event number of the next record in the file */
};

struct logcache {
    pthread_rwlock_t lock;   /* index arrays: readers share, a refresh appends */
    pthread_mutex_t refresh; /* one refresher at a time */
    size_t n;
    struct source s[MAX_SOURCES];
};

static int hold_event(struct held_event *h, const struct cct_event *ev)
{
    size_t total = ev->data_len;
    for (size_t i = 0; i < ev->n_digests; i++) {
        total += ev->digests[i].size;
    }
    total += ev->ima_template_len + ev->ima_file_name_len + ev->ima_file_digest_len +
             ev->ima_file_alg_name_len;
    uint8_t *b = malloc(total ? total : 1);
    if (b == NULL) {
        return CCT_ENOMEM;
    }
    h->ev = *ev;
    h->blob = b;
    size_t o = 0;
    for (size_t i = 0; i < ev->n_digests; i++) {
        memcpy(b + o, ev->digests[i].bytes, ev->digests[i].size);
        h->ev.digests[i].bytes = b + o;
        o += ev->digests[i].size;
    }
    if (ev->data_len) {
        memcpy(b + o, ev->data, ev->data_len);
    }
    h->ev.data = b + o;
    o += ev->data_len;
#define HOLD(field, lenfield)                                                                      \
    do {                                                                                           \
        if (ev->lenfield) {                                                                        \
            memcpy(b + o, ev->field, ev->lenfield);                                                \
            h->ev.field = (const void *)(b + o);                                                   \
            o += ev->lenfield;                                                                     \
        }                                                                                          \
    } while (0)
    HOLD(ima_template, ima_template_len);
    HOLD(ima_file_name, ima_file_name_len);
    HOLD(ima_file_digest, ima_file_digest_len);
    HOLD(ima_file_alg_name, ima_file_alg_name_len);
#undef HOLD
    h->ev.raw = NULL;
    h->ev.raw_len = 0;
    return 0;
}

static int load_held(struct source *s, char *msg, size_t ml)
{
    struct cct_eventlog_options o = CCT_EVENTLOG_OPTIONS_INIT;
    o.format = s->src.format;
    cct_eventlog *log = NULL;
    struct cct_error err;
    int r = cct_eventlog_from_file(s->src.path, &o, &log, &err);
    if (r < 0) {
        snprintf(msg, ml, "%s: %s", s->src.path, err.message);
        return r;
    }
    struct cct_event ev;
    size_t cap = 0;
    while ((r = cct_eventlog_next(log, &ev)) > 0) {
        if (s->n_held == cap) {
            size_t nc = cap ? cap * 2 : 64;
            struct held_event *nh = realloc(s->held, nc * sizeof(*nh));
            if (nh == NULL) {
                r = CCT_ENOMEM;
                break;
            }
            s->held = nh;
            cap = nc;
        }
        r = hold_event(&s->held[s->n_held], &ev);
        if (r < 0) {
            break;
        }
        s->n_held++;
    }
    if (r < 0) {
        const struct cct_error *e = cct_eventlog_error(log);
        snprintf(msg, ml, "%s: event %lld at byte %lld: %s", s->src.path, (long long)e->event,
                 (long long)e->offset, e->message[0] ? e->message : cct_strerror(r));
    }
    cct_eventlog_free(log);
    return r < 0 ? r : 0;
}

/* Add the sources of ctx not indexed yet (a runtime log appears with the
 * first extend). Sources keep the order they were first seen in. */
static int add_sources(struct logcache *lc, cct_context *ctx, char *msg, size_t ml)
{
    struct cct_log_source src[MAX_SOURCES];
    size_t n = 0;
    int r = cct_get_log_sources(ctx, src, MAX_SOURCES, &n);
    if (r < 0) {
        snprintf(msg, ml, "cannot list the event logs: %s", cct_context_error(ctx)->message);
        return r;
    }
    for (size_t i = 0; i < n; i++) {
        size_t k = 0;
        while (k < lc->n && strcmp(lc->s[k].src.path, src[i].path) != 0) {
            k++;
        }
        if (k < lc->n) {
            continue;
        }
        if (lc->n == MAX_SOURCES) {
            snprintf(msg, ml, "more than %d event logs", MAX_SOURCES);
            return CCT_ELIMIT;
        }
        struct source *s = &lc->s[lc->n];
        memset(s, 0, sizeof(*s));
        s->src = src[i];
        s->fd = -1;
        s->is_ima = strcmp(src[i].role, "ima") == 0;
        s->is_runtime = strcmp(src[i].role, "runtime") == 0;
        s->growing = strcmp(src[i].role, "boot") != 0;
        if (!s->growing) {
            r = load_held(s, msg, ml);
            if (r < 0) {
                for (size_t h = 0; h < s->n_held; h++) {
                    free(s->held[h].blob);
                }
                free(s->held);
                memset(s, 0, sizeof(*s));
                return r;
            }
        }
        pthread_rwlock_wrlock(&lc->lock);
        lc->n++;
        pthread_rwlock_unlock(&lc->lock);
    }
    return 0;
}

int logcache_new(cct_context *ctx, struct logcache **out, char *msg, size_t ml)
{
    struct logcache *lc = calloc(1, sizeof(*lc));
    if (lc == NULL) {
        return CCT_ENOMEM;
    }
    pthread_rwlock_init(&lc->lock, NULL);
    pthread_mutex_init(&lc->refresh, NULL);
    int r = logcache_refresh(lc, ctx, msg, ml);
    if (r < 0) {
        logcache_free(lc);
        return r;
    }
    *out = lc;
    return 0;
}

void logcache_free(struct logcache *lc)
{
    if (lc == NULL) {
        return;
    }
    for (size_t i = 0; i < lc->n; i++) {
        struct source *s = &lc->s[i];
        for (size_t k = 0; k < s->n_held; k++) {
            free(s->held[k].blob);
        }
        free(s->held);
        free(s->idx);
        if (s->fd >= 0) {
            close(s->fd);
        }
    }
    pthread_rwlock_destroy(&lc->lock);
    pthread_mutex_destroy(&lc->refresh);
    free(lc);
}

/* Ascii logs end a record with a newline: a line still being written is
 * left for the next refresh instead of being parsed short. */
static int is_ascii(enum cct_log_format f)
{
    return f == CCT_LOG_IMA_ASCII || f == CCT_LOG_CEL_JSON;
}

/* Index the whole records in buf (the file's bytes from s->consumed on). */
static int index_chunk(struct logcache *lc, struct source *s, const uint8_t *buf, size_t len,
                       int at_eof, size_t *used, char *msg, size_t ml)
{
    *used = 0;
    if (is_ascii(s->src.format)) {
        while (len > 0 && buf[len - 1] != '\n') {
            len--;
        }
    }
    if (len == 0) {
        return 0;
    }
    struct cct_eventlog_options o = CCT_EVENTLOG_OPTIONS_INIT;
    o.format = s->src.format;
    cct_eventlog *log = NULL;
    struct cct_error err;
    int r = cct_eventlog_from_memory(buf, len, &o, &log, &err);
    if (r < 0) {
        snprintf(msg, ml, "%s: at byte %llu: %s", s->src.path, (unsigned long long)s->consumed,
                 err.message);
        return r;
    }
    struct span add[4096];
    size_t n_add = 0;
    struct cct_event ev;
    uint64_t end = 0;
    while ((r = cct_eventlog_next(log, &ev)) > 0) {
        /* A runtime-log record still pending its register extend is CEL
         * management content (docs/internals/platform-tee.md): it is either
         * committed or cut off by the next extend's recovery, so the index
         * stops before it and reads it again next time. */
        if (ev.cel_content_type == CCT_CEL_MGT && strcmp(s->src.role, "runtime") == 0) {
            break;
        }
        if (n_add == sizeof(add) / sizeof(add[0])) {
            break;
        }
        add[n_add].off = s->consumed + ev.offset;
        add[n_add].len = (uint32_t)ev.length;
        n_add++;
        end = ev.offset + ev.length;
    }
    if (r < 0) {
        const struct cct_error *e = cct_eventlog_error(log);
        /* A record cut short at the end of what was read is still being
         * appended; anything else is a broken log. */
        if (!(e->code == CCT_ETRUNCATED && !at_eof)) {
            if (e->code != CCT_ETRUNCATED) {
                snprintf(
                    msg, ml, "%s: event %llu at byte %llu: %s", s->src.path,
                    (unsigned long long)(s->next_number + n_add),
                    (unsigned long long)(s->consumed + (e->offset >= 0 ? (uint64_t)e->offset : 0)),
                    e->message);
                cct_eventlog_free(log);
                return e->code;
            }
        }
    }
    cct_eventlog_free(log);
    if (n_add > 0) {
        pthread_rwlock_wrlock(&lc->lock);
        if (s->n_idx + n_add > s->cap_idx) {
            size_t nc = s->cap_idx ? s->cap_idx : 1024;
            while (nc < s->n_idx + n_add) {
                nc *= 2;
            }
            struct span *ni = realloc(s->idx, nc * sizeof(*ni));
            if (ni == NULL) {
                pthread_rwlock_unlock(&lc->lock);
                snprintf(msg, ml, "out of memory indexing %s", s->src.path);
                return CCT_ENOMEM;
            }
            s->idx = ni;
            s->cap_idx = nc;
        }
        memcpy(s->idx + s->n_idx, add, n_add * sizeof(add[0]));
        s->n_idx += n_add;
        pthread_rwlock_unlock(&lc->lock);
        s->next_number += n_add;
    }
    *used = (size_t)end;
    return 0;
}

/* Drop a growing log's index when the file got shorter (rotated, or a
 * pending runtime record was cut): it is indexed again from the start. */
static void reset_source(struct logcache *lc, struct source *s)
{
    pthread_rwlock_wrlock(&lc->lock);
    s->n_idx = 0;
    pthread_rwlock_unlock(&lc->lock);
    s->consumed = 0;
    s->next_number = 0;
}

static int refresh_source(struct logcache *lc, struct source *s, char *msg, size_t ml)
{
    if (s->fd < 0) {
        s->fd = open(s->src.path, O_RDONLY | O_CLOEXEC);
        if (s->fd < 0) {
            if (errno == ENOENT) {
                return 0; /* a runtime log appears with the first extend */
            }
            snprintf(msg, ml, "cannot open %s: %s", s->src.path, strerror(errno));
            return CCT_EIO;
        }
    }
    size_t cap = READ_CHUNK;
    uint8_t *buf = malloc(cap);
    if (buf == NULL) {
        return CCT_ENOMEM;
    }
    int r = 0;
    size_t have = 0;
    int grew = 1;
    while (grew) {
        grew = 0;
        ssize_t k;
        while (have < cap &&
               (k = pread(s->fd, buf + have, cap - have, (off_t)(s->consumed + have))) != 0) {
            if (k < 0) {
                if (errno == EINTR) {
                    continue;
                }
                snprintf(msg, ml, "cannot read %s: %s", s->src.path, strerror(errno));
                free(buf);
                return CCT_EIO;
            }
            have += (size_t)k;
        }
        int at_eof = have < cap;
        if (have == 0 && s->consumed > 0) {
            /* Nothing new; a file cut below what was indexed starts over. */
            uint8_t probe;
            if (pread(s->fd, &probe, 1, (off_t)(s->consumed - 1)) == 0) {
                reset_source(lc, s);
                grew = 1;
            }
            continue;
        }
        size_t used = 0;
        r = index_chunk(lc, s, buf, have, at_eof, &used, msg, ml);
        if (r < 0) {
            break;
        }
        s->consumed += used;
        memmove(buf, buf + used, have - used);
        have -= used;
        if (used > 0) {
            grew = 1;
        } else if (!at_eof) {
            /* One record larger than the buffer: grow it up to the event cap. */
            if (cap >= CCT_MAX_EVENT_SIZE + READ_CHUNK) {
                snprintf(msg, ml, "%s: a record at byte %llu is larger than %u bytes", s->src.path,
                         (unsigned long long)s->consumed, CCT_MAX_EVENT_SIZE);
                r = CCT_ELIMIT;
                break;
            }
            uint8_t *nb = realloc(buf, cap * 2);
            if (nb == NULL) {
                r = CCT_ENOMEM;
                break;
            }
            buf = nb;
            cap *= 2;
            grew = 1;
        }
    }
    free(buf);
    return r;
}

int logcache_refresh(struct logcache *lc, cct_context *ctx, char *msg, size_t ml)
{
    if (pthread_mutex_trylock(&lc->refresh) != 0) {
        return 0;
    }
    int r = add_sources(lc, ctx, msg, ml);
    for (size_t i = 0; i < lc->n && r == 0; i++) {
        if (lc->s[i].growing) {
            r = refresh_source(lc, &lc->s[i], msg, ml);
        }
    }
    pthread_mutex_unlock(&lc->refresh);
    return r;
}

static size_t source_count(const struct source *s)
{
    return s->growing ? s->n_idx : s->n_held;
}

static int in_view(const struct source *s, unsigned view)
{
    if (s->is_ima) {
        return (view & LOGCACHE_IMA) != 0;
    }
    return !s->is_runtime || (view & LOGCACHE_RUNTIME) != 0;
}

uint64_t logcache_count(struct logcache *lc, unsigned view)
{
    uint64_t n = 0;
    pthread_rwlock_rdlock(&lc->lock);
    for (size_t i = 0; i < lc->n; i++) {
        if (in_view(&lc->s[i], view)) {
            n += source_count(&lc->s[i]);
        }
    }
    pthread_rwlock_unlock(&lc->lock);
    return n;
}

/* Events [first, first + n) of a growing source: read their byte range once, parse it. */
static int page_growing(struct logcache *lc, struct source *s, uint64_t first, uint64_t n,
                        uint64_t rec0, logcache_event_cb cb, void *arg, char *msg, size_t ml)
{
    pthread_rwlock_rdlock(&lc->lock);
    if (first + n > s->n_idx) {
        n = first < s->n_idx ? s->n_idx - first : 0;
    }
    uint64_t off = n ? s->idx[first].off : 0;
    uint64_t end = n ? s->idx[first + n - 1].off + s->idx[first + n - 1].len : 0;
    pthread_rwlock_unlock(&lc->lock);
    if (n == 0) {
        return 0;
    }
    size_t len = (size_t)(end - off);
    if (len > PAGE_MAX_BYTES) {
        snprintf(msg, ml,
                 "%s: events %llu..%llu are %zu bytes, above the %u bytes one page may read; "
                 "ask for fewer with start/count",
                 s->src.path, (unsigned long long)first, (unsigned long long)(first + n - 1), len,
                 PAGE_MAX_BYTES);
        return CCT_ELIMIT;
    }
    uint8_t *buf = malloc(len);
    if (buf == NULL) {
        return CCT_ENOMEM;
    }
    size_t got = 0;
    while (got < len) {
        ssize_t k = pread(s->fd, buf + got, len - got, (off_t)(off + got));
        if (k < 0 && errno == EINTR) {
            continue;
        }
        if (k <= 0) {
            snprintf(msg, ml, "%s: cannot read bytes %llu..%llu again", s->src.path,
                     (unsigned long long)off, (unsigned long long)end);
            free(buf);
            return CCT_EIO;
        }
        got += (size_t)k;
    }
    struct cct_eventlog_options o = CCT_EVENTLOG_OPTIONS_INIT;
    o.format = s->src.format;
    cct_eventlog *log = NULL;
    struct cct_error err;
    int r = cct_eventlog_from_memory(buf, len, &o, &log, &err);
    if (r < 0) {
        snprintf(msg, ml, "%s: at byte %llu: %s", s->src.path, (unsigned long long)off,
                 err.message);
        free(buf);
        return r;
    }
    struct cct_event ev;
    uint64_t k = 0;
    while (k < n && (r = cct_eventlog_next(log, &ev)) > 0) {
        ev.number = first + k;
        ev.offset += off;
        r = cb(arg, rec0 + k, s->src.role, &ev);
        if (r < 0) {
            break;
        }
        k++;
    }
    if (r < 0 && k < n && cct_eventlog_error(log)->code != 0) {
        const struct cct_error *e = cct_eventlog_error(log);
        snprintf(msg, ml, "%s: event %llu: %s", s->src.path, (unsigned long long)(first + k),
                 e->message);
    }
    cct_eventlog_free(log);
    free(buf);
    return r < 0 ? r : 0;
}

int logcache_page(struct logcache *lc, unsigned view, uint64_t start, uint64_t count,
                  logcache_event_cb cb, void *arg, char *msg, size_t ml)
{
    uint64_t base = 0;
    uint64_t left = count ? count : UINT64_MAX;
    pthread_rwlock_rdlock(&lc->lock);
    size_t n_src = lc->n;
    pthread_rwlock_unlock(&lc->lock);
    for (size_t i = 0; i < n_src && left > 0; i++) {
        struct source *s = &lc->s[i];
        if (!in_view(s, view)) {
            continue;
        }
        pthread_rwlock_rdlock(&lc->lock);
        uint64_t n = source_count(s);
        pthread_rwlock_unlock(&lc->lock);
        if (start >= base + n) {
            base += n;
            continue;
        }
        uint64_t first = start > base ? start - base : 0;
        uint64_t take = n - first < left ? n - first : left;
        int r;
        if (s->growing) {
            r = page_growing(lc, s, first, take, base + first, cb, arg, msg, ml);
        } else {
            r = 0;
            for (uint64_t k = 0; k < take && r >= 0; k++) {
                r = cb(arg, base + first + k, s->src.role, &s->held[first + k].ev);
            }
        }
        if (r < 0) {
            return r;
        }
        left -= take;
        base += n;
    }
    return 0;
}
