/* SPDX-License-Identifier: Apache-2.0 */
/* Incremental event-log index (include/cctrusted/logindex.h). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctrusted/context.h>
#include <cctrusted/logindex.h>

#include "util/error.h"

#define READ_CHUNK (1u << 20)
#define TAIL_MAX 64 /* last indexed bytes kept to notice a rewritten log */
#define SPAN_BATCH 4096

/* A boot-log event held in memory: the fields a page carries, copied. */
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
    int growing;    /* 1: indexed incrementally; 0: held in memory */
    int is_runtime; /* a pending record (CEL management content) ends the index */
    unsigned flag;  /* CCT_LOGINDEX_* bit of the view, 0 for boot logs */
    struct held_event *held;
    size_t n_held;
    size_t *shown; /* held events a container view serves (not on register 3) */
    size_t n_shown;
    /* growing: the index and fd under li->lock (readers share), the rest under li->refresh */
    int fd;
    dev_t dev;
    ino_t ino;
    struct span *idx;
    size_t n_idx, cap_idx;
    uint64_t consumed; /* bytes indexed (whole records only) */
    uint8_t tail[TAIL_MAX];
    size_t tail_len;
};

struct cct_logindex {
    pthread_rwlock_t lock;   /* source list and index arrays: readers share, refresh writes */
    pthread_mutex_t refresh; /* one refresher at a time */
    size_t n;
    struct source s[CCT_MAX_LOG_SOURCES];
    uint64_t held_bytes, bytes_read, reindexed;
};

static int hold_event(struct held_event *h, const struct cct_event *ev, uint64_t *bytes)
{
    size_t total = ev->data_len + ev->ima_template_len + ev->ima_file_name_len +
                   ev->ima_file_digest_len + ev->ima_file_alg_name_len;
    for (size_t i = 0; i < ev->n_digests; i++) {
        total += ev->digests[i].size;
    }
    uint8_t *b = malloc(total ? total : 1);
    if (b == NULL) {
        return CCT_ENOMEM;
    }
    *bytes += total;
    h->ev = *ev;
    h->blob = b;
    size_t o = 0;
    for (size_t i = 0; i < ev->n_digests; i++) {
        memcpy(b + o, ev->digests[i].bytes, ev->digests[i].size);
        h->ev.digests[i].bytes = b + o;
        o += ev->digests[i].size;
    }
#define HOLD(field, lenfield)                                                                      \
    do {                                                                                           \
        if (ev->lenfield) {                                                                        \
            memcpy(b + o, ev->field, ev->lenfield);                                                \
            h->ev.field = (const void *)(b + o);                                                   \
            o += ev->lenfield;                                                                     \
        } else {                                                                                   \
            h->ev.field = NULL;                                                                    \
        }                                                                                          \
    } while (0)
    HOLD(data, data_len);
    HOLD(ima_template, ima_template_len);
    HOLD(ima_file_name, ima_file_name_len);
    HOLD(ima_file_digest, ima_file_digest_len);
    HOLD(ima_file_alg_name, ima_file_alg_name_len);
#undef HOLD
    h->ev.raw = NULL;
    h->ev.raw_len = 0;
    return 0;
}

static void source_clear(struct source *s)
{
    for (size_t k = 0; k < s->n_held; k++) {
        free(s->held[k].blob);
    }
    free(s->held);
    free(s->shown);
    free(s->idx);
    if (s->fd >= 0) {
        close(s->fd);
    }
    memset(s, 0, sizeof(*s));
    s->fd = -1;
}

/* The held events a container view serves: all but those on register 3 (the container's). */
static int container_subset(struct source *s)
{
    s->shown = malloc((s->n_held ? s->n_held : 1) * sizeof(*s->shown));
    if (s->shown == NULL) {
        return CCT_ENOMEM;
    }
    s->n_shown = 0;
    for (size_t k = 0; k < s->n_held; k++) {
        if (s->held[k].ev.index != CCT_LOGINDEX_CONTAINER_REG) {
            s->shown[s->n_shown++] = k;
        }
    }
    return 0;
}

/* Parse a boot log whole and keep its events. */
static int load_held(cct_logindex *li, struct source *s, struct cct_error *err)
{
    struct cct_eventlog_options o = CCT_EVENTLOG_OPTIONS_INIT;
    o.format = s->src.format;
    cct_eventlog *log = NULL;
    struct cct_error e;
    int r = cct_eventlog_from_file(s->src.path, &o, &log, &e);
    if (r < 0) {
        return cct_err(err, r, e.event, e.offset, "%s: %s", s->src.path, e.message);
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
        if ((r = hold_event(&s->held[s->n_held], &ev, &li->held_bytes)) < 0) {
            break;
        }
        s->n_held++;
    }
    if (r < 0) {
        const struct cct_error *le = cct_eventlog_error(log);
        r = cct_err(err, r, le->event, le->offset, "%s: event %lld at byte %lld: %s", s->src.path,
                    (long long)le->event, (long long)le->offset,
                    le->message[0] ? le->message : cct_strerror(r));
    }
    cct_eventlog_free(log);
    if (r >= 0) {
        r = container_subset(s);
    }
    return r < 0 ? r : 0;
}

static int add_locked(cct_logindex *li, const struct cct_log_source *src, struct cct_error *err)
{
    for (size_t k = 0; k < li->n; k++) {
        if (strcmp(li->s[k].src.path, src->path) == 0) {
            return 0;
        }
    }
    if (li->n == CCT_MAX_LOG_SOURCES) {
        return cct_err(err, CCT_ELIMIT, -1, -1, "more than %d event logs", CCT_MAX_LOG_SOURCES);
    }
    struct source *s = &li->s[li->n];
    memset(s, 0, sizeof(*s));
    s->fd = -1;
    s->src = *src;
    s->is_runtime = strcmp(src->role, "runtime") == 0;
    s->growing = strcmp(src->role, "boot") != 0;
    s->flag = s->is_runtime                   ? CCT_LOGINDEX_RUNTIME
              : strcmp(src->role, "ima") == 0 ? CCT_LOGINDEX_IMA
                                              : 0;
    if (!s->growing) {
        int r = load_held(li, s, err);
        if (r < 0) {
            source_clear(s);
            return r;
        }
    }
    pthread_rwlock_wrlock(&li->lock);
    li->n++;
    pthread_rwlock_unlock(&li->lock);
    return 0;
}

int cct_logindex_add_source(cct_logindex *li, const struct cct_log_source *src,
                            struct cct_error *err)
{
    if (li == NULL || src == NULL || src->path[0] == '\0') {
        return cct_err(err, CCT_EINVAL, -1, -1, "index or log source missing");
    }
    pthread_mutex_lock(&li->refresh);
    int r = add_locked(li, src, err);
    pthread_mutex_unlock(&li->refresh);
    return r;
}

/* Add the logs of ctx not indexed yet; they keep the order they were first seen in. */
static int add_context_sources(cct_logindex *li, cct_context *ctx, struct cct_error *err)
{
    struct cct_log_source src[CCT_MAX_LOG_SOURCES];
    size_t n = 0;
    int r = cct_get_log_sources(ctx, src, CCT_MAX_LOG_SOURCES, &n);
    if (r < 0) {
        return cct_err(err, r, -1, -1, "cannot list the event logs: %s",
                       cct_context_error(ctx)->message);
    }
    for (size_t i = 0; i < n && r == 0; i++) {
        r = add_locked(li, &src[i], err);
    }
    return r;
}

int cct_logindex_open(cct_context *ctx, cct_logindex **out, struct cct_error *err)
{
    if (out == NULL) {
        return cct_err(err, CCT_EINVAL, -1, -1, "output missing");
    }
    cct_logindex *li = calloc(1, sizeof(*li));
    if (li == NULL) {
        return cct_err(err, CCT_ENOMEM, -1, -1, "out of memory");
    }
    pthread_rwlock_init(&li->lock, NULL);
    pthread_mutex_init(&li->refresh, NULL);
    if (ctx != NULL) {
        int r = cct_logindex_refresh(li, ctx, err);
        if (r < 0) {
            cct_logindex_free(li);
            return r;
        }
    }
    *out = li;
    return 0;
}

void cct_logindex_free(cct_logindex *li)
{
    if (li == NULL) {
        return;
    }
    for (size_t i = 0; i < li->n; i++) {
        source_clear(&li->s[i]);
    }
    pthread_rwlock_destroy(&li->lock);
    pthread_mutex_destroy(&li->refresh);
    free(li);
}

/* Ascii logs end a record with a newline. */
static int is_ascii(enum cct_log_format f)
{
    return f == CCT_LOG_IMA_ASCII || f == CCT_LOG_CEL_JSON;
}

static int append_spans(cct_logindex *li, struct source *s, const struct span *add, size_t n,
                        struct cct_error *err)
{
    pthread_rwlock_wrlock(&li->lock);
    if (s->n_idx + n > s->cap_idx) {
        size_t nc = s->cap_idx ? s->cap_idx : 1024;
        while (nc < s->n_idx + n) {
            nc *= 2;
        }
        struct span *ni = realloc(s->idx, nc * sizeof(*ni));
        if (ni == NULL) {
            pthread_rwlock_unlock(&li->lock);
            return cct_err(err, CCT_ENOMEM, (int64_t)s->n_idx, -1, "%s: out of memory indexing",
                           s->src.path);
        }
        s->idx = ni;
        s->cap_idx = nc;
    }
    memcpy(s->idx + s->n_idx, add, n * sizeof(*add));
    s->n_idx += n;
    pthread_rwlock_unlock(&li->lock);
    return 0;
}

/* An iterator over bytes of s read from file offset off; a failure names the log and the byte. */
static int open_bytes(const struct source *s, const uint8_t *buf, size_t len, uint64_t event,
                      uint64_t off, cct_eventlog **log, struct cct_error *err)
{
    struct cct_eventlog_options o = CCT_EVENTLOG_OPTIONS_INIT;
    o.format = s->src.format;
    struct cct_error e;
    int r = cct_eventlog_from_memory(buf, len, &o, log, &e);
    if (r < 0) {
        return cct_err(err, r, (int64_t)event, (int64_t)off, "%s: at byte %llu: %s", s->src.path,
                       (unsigned long long)off, e.message);
    }
    return 0;
}

/* Index the whole records in buf (the file's bytes from s->consumed on); *used = bytes taken. */
static int index_chunk(cct_logindex *li, struct source *s, const uint8_t *buf, size_t len,
                       size_t *used, struct cct_error *err)
{
    *used = 0;
    if (is_ascii(s->src.format)) {
        while (len > 0 && buf[len - 1] != '\n') {
            len--; /* a line without its newline is still being written */
        }
    }
    if (len == 0) {
        return 0;
    }
    cct_eventlog *log = NULL;
    int r = open_bytes(s, buf, len, s->n_idx, s->consumed, &log, err);
    if (r < 0) {
        return r;
    }
    struct span add[SPAN_BATCH];
    size_t n_add = 0;
    struct cct_event ev;
    while (n_add < SPAN_BATCH && (r = cct_eventlog_next(log, &ev)) > 0) {
        /* A runtime-log record pending its register extend is committed or
         * cut off by the next extend's recovery: stop before it. */
        if (s->is_runtime && ev.cel_content_type == CCT_CEL_MGT) {
            r = 0;
            break;
        }
        add[n_add].off = s->consumed + ev.offset;
        add[n_add].len = (uint32_t)ev.length;
        n_add++;
        *used = (size_t)(ev.offset + ev.length);
    }
    /* A record cut short at the end of what was read is still being written
     * (or needs a larger buffer); anything else is a broken log. */
    const struct cct_error *le = cct_eventlog_error(log);
    if (r < 0 && le->code != CCT_ETRUNCATED) {
        uint64_t at = s->consumed + (le->offset >= 0 ? (uint64_t)le->offset : 0);
        r = cct_err(err, le->code, (int64_t)(s->n_idx + n_add), (int64_t)at,
                    "%s: event %llu at byte %llu: %s", s->src.path,
                    (unsigned long long)(s->n_idx + n_add), (unsigned long long)at, le->message);
        cct_eventlog_free(log);
        return r;
    }
    cct_eventlog_free(log);
    return n_add > 0 ? append_spans(li, s, add, n_add, err) : 0;
}

/* Forget a growing log's index: it is indexed again from its start. */
static void reset_source(cct_logindex *li, struct source *s, int reopen)
{
    pthread_rwlock_wrlock(&li->lock);
    s->n_idx = 0;
    if (reopen && s->fd >= 0) {
        close(s->fd);
        s->fd = -1;
    }
    pthread_rwlock_unlock(&li->lock);
    s->consumed = 0;
    s->tail_len = 0;
    li->reindexed++;
}

static int read_full(int fd, uint8_t *buf, size_t len, uint64_t off, size_t *got)
{
    *got = 0;
    while (*got < len) {
        ssize_t k = pread(fd, buf + *got, len - *got, (off_t)(off + *got));
        if (k < 0 && errno == EINTR) {
            continue;
        }
        if (k < 0) {
            return -1;
        }
        if (k == 0) {
            break;
        }
        *got += (size_t)k;
    }
    return 0;
}

/*
 * Open the log when it exists (a runtime log appears with the first
 * extend) and notice a log that was replaced, cut, or rewritten below what
 * was indexed: it is then indexed again from its start. 1 = nothing to read yet.
 */
static int check_source(cct_logindex *li, struct source *s, struct cct_error *err)
{
    struct stat st;
    if (stat(s->src.path, &st) < 0) {
        return errno == ENOENT ? 1
                               : cct_err_sys(err, CCT_EIO, errno, "cannot stat %s", s->src.path);
    }
    if (s->fd >= 0 && (st.st_dev != s->dev || st.st_ino != s->ino)) {
        reset_source(li, s, 1);
    }
    if (s->fd < 0) {
        int fd = open(s->src.path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            return errno == ENOENT
                       ? 1
                       : cct_err_sys(err, CCT_EIO, errno, "cannot open %s", s->src.path);
        }
        struct stat fst;
        if (fstat(fd, &fst) < 0) {
            close(fd);
            return cct_err_sys(err, CCT_EIO, errno, "cannot stat %s", s->src.path);
        }
        pthread_rwlock_wrlock(&li->lock);
        s->fd = fd;
        pthread_rwlock_unlock(&li->lock);
        s->dev = fst.st_dev;
        s->ino = fst.st_ino;
    }
    uint8_t tail[TAIL_MAX];
    size_t got = 0;
    if (s->tail_len > 0 &&
        (read_full(s->fd, tail, s->tail_len, s->consumed - s->tail_len, &got) < 0 ||
         got != s->tail_len || memcmp(tail, s->tail, got) != 0)) {
        reset_source(li, s, 0);
    }
    return 0;
}

static void keep_tail(struct source *s, const uint8_t *buf, size_t used)
{
    size_t keep = used < TAIL_MAX ? used : TAIL_MAX;
    if (keep < TAIL_MAX && s->tail_len > 0) {
        /* Shift what is kept to make room: the tail is the last bytes indexed. */
        size_t old = s->tail_len + keep > TAIL_MAX ? TAIL_MAX - keep : s->tail_len;
        memmove(s->tail, s->tail + s->tail_len - old, old);
        s->tail_len = old;
    } else {
        s->tail_len = 0;
    }
    memcpy(s->tail + s->tail_len, buf + used - keep, keep);
    s->tail_len += keep;
}

/* Index what was appended to a growing log since the last refresh. */
static int refresh_source(cct_logindex *li, struct source *s, struct cct_error *err)
{
    int r = check_source(li, s, err);
    if (r != 0) {
        return r < 0 ? r : 0;
    }
    size_t cap = READ_CHUNK, have = 0;
    uint8_t *buf = malloc(cap);
    if (buf == NULL) {
        return cct_err(err, CCT_ENOMEM, -1, -1, "out of memory");
    }
    for (;;) {
        size_t got = 0;
        if (read_full(s->fd, buf + have, cap - have, s->consumed + have, &got) < 0) {
            r = cct_err_sys(err, CCT_EIO, errno, "cannot read %s", s->src.path);
            break;
        }
        have += got;
        li->bytes_read += got;
        int at_eof = have < cap;
        size_t used = 0;
        if (have == 0 || (r = index_chunk(li, s, buf, have, &used, err)) < 0) {
            break;
        }
        if (used > 0) {
            keep_tail(s, buf, used);
            s->consumed += used;
            memmove(buf, buf + used, have - used);
            have -= used;
        } else if (at_eof) {
            break;
        } else if (cap >= CCT_MAX_EVENT_SIZE + READ_CHUNK) {
            r = cct_err(err, CCT_ELIMIT, (int64_t)s->n_idx, (int64_t)s->consumed,
                        "%s: a record at byte %llu is larger than %u bytes", s->src.path,
                        (unsigned long long)s->consumed, CCT_MAX_EVENT_SIZE);
            break;
        } else {
            /* One record larger than the buffer: grow it up to the event cap. */
            uint8_t *nb = realloc(buf, cap * 2);
            if (nb == NULL) {
                r = cct_err(err, CCT_ENOMEM, -1, -1, "out of memory");
                break;
            }
            buf = nb;
            cap *= 2;
        }
    }
    free(buf);
    return r;
}

int cct_logindex_refresh(cct_logindex *li, cct_context *ctx, struct cct_error *err)
{
    if (li == NULL) {
        return cct_err(err, CCT_EINVAL, -1, -1, "index missing");
    }
    if (pthread_mutex_trylock(&li->refresh) != 0) {
        return 0;
    }
    int r = ctx != NULL ? add_context_sources(li, ctx, err) : 0;
    for (size_t i = 0; i < li->n && r == 0; i++) {
        if (li->s[i].growing) {
            r = refresh_source(li, &li->s[i], err);
        }
    }
    pthread_mutex_unlock(&li->refresh);
    return r;
}

static uint64_t source_count(const struct source *s, unsigned view)
{
    if (s->growing) {
        return s->n_idx;
    }
    return (view & CCT_LOGINDEX_CONTAINER) ? s->n_shown : s->n_held;
}

/* Held event k of the events a view serves from s. */
static const struct cct_event *held_at(const struct source *s, unsigned view, uint64_t k)
{
    return &s->held[(view & CCT_LOGINDEX_CONTAINER) ? s->shown[k] : k].ev;
}

static int in_view(const struct source *s, unsigned view)
{
    return s->flag == 0 || (view & s->flag) != 0;
}

uint64_t cct_logindex_count(cct_logindex *li, unsigned view)
{
    if (li == NULL) {
        return 0;
    }
    uint64_t n = 0;
    pthread_rwlock_rdlock(&li->lock);
    for (size_t i = 0; i < li->n; i++) {
        if (in_view(&li->s[i], view)) {
            n += source_count(&li->s[i], view);
        }
    }
    pthread_rwlock_unlock(&li->lock);
    return n;
}

int cct_logindex_stats(cct_logindex *li, struct cct_logindex_stats *out)
{
    if (li == NULL || out == NULL) {
        return CCT_EINVAL;
    }
    memset(out, 0, sizeof(*out));
    pthread_rwlock_rdlock(&li->lock);
    for (size_t i = 0; i < li->n; i++) {
        out->events += source_count(&li->s[i], CCT_LOGINDEX_ALL);
        out->index_bytes += li->s[i].cap_idx * sizeof(struct span);
    }
    pthread_rwlock_unlock(&li->lock);
    pthread_mutex_lock(&li->refresh);
    out->held_bytes = li->held_bytes;
    out->bytes_read = li->bytes_read;
    out->reindexed = li->reindexed;
    pthread_mutex_unlock(&li->refresh);
    return 0;
}

struct page_req {
    uint64_t first, n, number0;
    cct_logindex_cb cb;
    void *arg;
};

/* Parse the bytes of a page and hand its events to the callback. */
static int page_parse(const struct source *s, const uint8_t *buf, size_t len, uint64_t off,
                      const struct page_req *q, struct cct_error *err)
{
    cct_eventlog *log = NULL;
    int r = open_bytes(s, buf, len, q->first, off, &log, err);
    if (r < 0) {
        return r;
    }
    struct cct_event ev;
    uint64_t k = 0;
    while (k < q->n && (r = cct_eventlog_next(log, &ev)) > 0) {
        ev.number = q->first + k;
        ev.offset += off;
        if ((r = q->cb(q->arg, q->number0 + k, s->src.role, &ev)) < 0) {
            break;
        }
        k++;
    }
    if (r <= 0 && k < q->n && cct_eventlog_error(log)->code != 0) {
        const struct cct_error *le = cct_eventlog_error(log);
        r = cct_err(err, le->code, (int64_t)(q->first + k), (int64_t)off + le->offset,
                    "%s: event %llu: %s", s->src.path, (unsigned long long)(q->first + k),
                    le->message);
    }
    cct_eventlog_free(log);
    return r < 0 ? r : 0;
}

/* Events [first, first + n) of a growing log: read their byte range once, parse it. */
static int page_growing(cct_logindex *li, const struct source *s, const struct page_req *q,
                        struct cct_error *err)
{
    /* The read lock is held across the read: a refresh may not swap the file meanwhile. */
    pthread_rwlock_rdlock(&li->lock);
    uint64_t n = q->first >= s->n_idx ? 0 : q->first + q->n > s->n_idx ? s->n_idx - q->first : q->n;
    if (n == 0) {
        pthread_rwlock_unlock(&li->lock);
        return 0;
    }
    uint64_t off = s->idx[q->first].off;
    uint64_t end = s->idx[q->first + n - 1].off + s->idx[q->first + n - 1].len;
    size_t len = (size_t)(end - off);
    if (len > CCT_LOGINDEX_PAGE_MAX_BYTES) {
        pthread_rwlock_unlock(&li->lock);
        return cct_err(err, CCT_ELIMIT, (int64_t)q->first, (int64_t)off,
                       "%s: events %llu..%llu are %zu bytes, above the %u bytes one page may "
                       "read; ask for fewer",
                       s->src.path, (unsigned long long)q->first,
                       (unsigned long long)(q->first + n - 1), len, CCT_LOGINDEX_PAGE_MAX_BYTES);
    }
    uint8_t *buf = malloc(len ? len : 1);
    size_t got = 0;
    int r = 0;
    if (buf == NULL) {
        r = cct_err(err, CCT_ENOMEM, -1, -1, "out of memory");
    } else if (read_full(s->fd, buf, len, off, &got) < 0 || got != len) {
        r = cct_err(err, CCT_EIO, (int64_t)q->first, (int64_t)off,
                    "%s: cannot read bytes %llu..%llu again (the log lost them)", s->src.path,
                    (unsigned long long)off, (unsigned long long)end);
    }
    pthread_rwlock_unlock(&li->lock);
    if (r == 0) {
        struct page_req qq = *q;
        qq.n = n;
        r = page_parse(s, buf, len, off, &qq, err);
    }
    free(buf);
    return r;
}

int cct_logindex_page(cct_logindex *li, unsigned view, uint64_t start, uint64_t count,
                      cct_logindex_cb cb, void *arg, struct cct_error *err)
{
    if (li == NULL || cb == NULL) {
        return cct_err(err, CCT_EINVAL, -1, -1, "index or callback missing");
    }
    uint64_t base = 0, left = count ? count : UINT64_MAX;
    pthread_rwlock_rdlock(&li->lock);
    size_t n_src = li->n;
    pthread_rwlock_unlock(&li->lock);
    for (size_t i = 0; i < n_src && left > 0; i++) {
        const struct source *s = &li->s[i];
        if (!in_view(s, view)) {
            continue;
        }
        pthread_rwlock_rdlock(&li->lock);
        uint64_t n = source_count(s, view);
        pthread_rwlock_unlock(&li->lock);
        if (start >= base + n) {
            base += n;
            continue;
        }
        struct page_req q = { start > base ? start - base : 0, 0, 0, cb, arg };
        q.n = n - q.first < left ? n - q.first : left;
        q.number0 = base + q.first;
        int r = 0;
        if (s->growing) {
            r = page_growing(li, s, &q, err);
        } else {
            for (uint64_t k = 0; k < q.n && r >= 0; k++) {
                r = cb(arg, q.number0 + k, s->src.role, held_at(s, view, q.first + k));
            }
        }
        if (r < 0) {
            return r;
        }
        left -= q.n;
        base += n;
    }
    return 0;
}
