/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Streaming iterator over event logs. Memory sources are walked in place;
 * files go through a bounded window (util/file.c), so memory does not grow
 * with the log.
 */
#include <stdlib.h>
#include <string.h>

#include "eventlog/eventlog_internal.h"
#include "formats/nonlog.h"
#include "util/error.h"

static const struct {
    enum cct_log_format f;
    const char *name;
} format_names[] = {
    { CCT_LOG_AUTO, "auto" },         { CCT_LOG_TCG2, "tcg2" },
    { CCT_LOG_TCG1, "tcg1" },         { CCT_LOG_CCEL, "ccel" },
    { CCT_LOG_IMA_ASCII, "ima" },     { CCT_LOG_IMA_BINARY, "ima-bin" },
    { CCT_LOG_CEL_TLV, "cel-tlv" },   { CCT_LOG_CEL_JSON, "cel-json" },
    { CCT_LOG_CEL_CBOR, "cel-cbor" },
};

const char *cct_log_format_name(enum cct_log_format f)
{
    for (size_t i = 0; i < sizeof(format_names) / sizeof(format_names[0]); i++) {
        if (format_names[i].f == f) {
            return format_names[i].name;
        }
    }
    return "unknown";
}

int cct_log_format_from_name(const char *name, enum cct_log_format *out)
{
    for (size_t i = 0; name && i < sizeof(format_names) / sizeof(format_names[0]); i++) {
        if (strcmp(format_names[i].name, name) == 0) {
            *out = format_names[i].f;
            return 0;
        }
    }
    return CCT_EINVAL;
}

void cct_free(void *p)
{
    free(p);
}

/* Current unread bytes of the source. */
static void avail(cct_eventlog *log, const uint8_t **p, size_t *n, int *eof)
{
    if (log->is_file) {
        *p = log->win.buf + log->win.pos;
        *n = log->win.end - log->win.pos;
        *eof = log->win.eof;
    } else {
        *p = log->mem + log->mem_pos;
        *n = log->mem_len - log->mem_pos;
        *eof = 1;
    }
}

static uint64_t source_offset(const cct_eventlog *log)
{
    return log->is_file ? log->win.file_off : log->mem_pos;
}

static void consume(cct_eventlog *log, size_t n)
{
    if (log->is_file) {
        cct_window_consume(&log->win, n);
    } else {
        log->mem_pos += n;
    }
}

/* Ensure at least want bytes (or EOF). */
static int fill(cct_eventlog *log, size_t want)
{
    if (!log->is_file) {
        return 0;
    }
    return cct_window_fill(&log->win, want, &log->err);
}

static int init_parser(cct_eventlog *log, enum cct_log_format fmt)
{
    cct_ima_free(&log->parser.ima);
    cct_cel_json_free(&log->parser.cel_json);
    cct_cel_cbor_free(&log->parser.cel_cbor);
    memset(&log->parser, 0, sizeof(log->parser));
    log->parser.format = fmt;
    switch (fmt) {
    case CCT_LOG_CEL_TLV: cct_cel_init(&log->parser.cel, fmt, log->max_event_size); return 0;
    case CCT_LOG_CEL_JSON: cct_cel_json_init(&log->parser.cel_json, log->max_event_size); return 0;
    case CCT_LOG_CEL_CBOR: cct_cel_cbor_init(&log->parser.cel_cbor, log->max_event_size); return 0;
    case CCT_LOG_IMA_ASCII:
    case CCT_LOG_IMA_BINARY: {
        const uint8_t *p;
        size_t n;
        int eof;
        if (cct_ima_init(&log->parser.ima, fmt, log->max_event_size, &log->ima_set) < 0) {
            return cct_err(&log->err, CCT_ENOMEM, -1, -1, "out of memory");
        }
        avail(log, &p, &n, &eof);
        log->parser.ima.big_endian = fmt == CCT_LOG_IMA_BINARY && cct_ima_binary_order(p, n);
        return 0;
    }
    case CCT_LOG_TCG2:
    case CCT_LOG_TCG1:
    case CCT_LOG_CCEL:
        log->parser.tcg.format = fmt;
        log->parser.tcg.max_event_size = log->max_event_size;
        return 0;
    default:
        return cct_err(&log->err, CCT_EUNSUPPORTED, -1, -1, "log format %s is not supported",
                       cct_log_format_name(fmt));
    }
}

/* Detect the format from the first record. */
static int detect(cct_eventlog *log, enum cct_log_format *fmt)
{
    for (;;) {
        const uint8_t *p;
        size_t n;
        int eof;
        avail(log, &p, &n, &eof);
        /* IMA first: a binary IMA entry is never a valid TCG record start,
         * but the TCG check would wait for bytes an IMA list lacks. */
        int r = cct_ima_detect(p, n, eof, fmt);
        if (r == 0) {
            r = cct_cel_detect(p, n, eof, fmt);
        }
        if (r == 0) {
            r = cct_cel_json_detect(p, n, eof, fmt);
        }
        if (r == 0) {
            r = cct_cel_cbor_detect(p, n, eof, fmt);
        }
        if (r == 1) {
            return 0;
        }
        if (r == CCT_ETRUNCATED) {
            r = fill(log, n + 4096);
            if (r < 0) {
                return r;
            }
            continue;
        }
        /* Tables, quotes and reports handed in by mistake: name them
         * instead of reading their bytes as a first event. */
        char what[192];
        if (cct_nonlog_identify(p, n, eof, what, sizeof(what))) {
            return cct_err(&log->err, CCT_EMALFORMED, -1, 0, "not an event log: this is %s", what);
        }
        r = cct_tcg_detect(p, n, fmt, &log->err);
        if (r != CCT_ETRUNCATED) {
            return r;
        }
        if (eof) {
            /* Like every truncation error: the offset of the incomplete record. */
            return cct_err(&log->err, CCT_ETRUNCATED, 0, 0,
                           "log ends inside its first event (%zu bytes)", n);
        }
        r = fill(log, n + 4096);
        if (r < 0) {
            return r;
        }
    }
}

static int open_common(cct_eventlog *log, const struct cct_eventlog_options *opts)
{
    enum cct_log_format fmt = CCT_LOG_AUTO;
    log->max_event_size = CCT_MAX_EVENT_SIZE;
    if (opts != NULL) {
        if (opts->version != CCT_EVENTLOG_OPTIONS_VERSION) {
            return cct_err(&log->err, CCT_EINVAL, -1, -1, "unknown options version %u",
                           opts->version);
        }
        fmt = opts->format;
        if (opts->max_event_size != 0) {
            log->max_event_size = opts->max_event_size;
        }
    }
    log->sel_count = CCT_COUNT_ALL;
    int r = fill(log, 64 * 1024);
    if (r < 0) {
        return r;
    }
    if (fmt == CCT_LOG_AUTO) {
        r = detect(log, &fmt);
        if (r < 0) {
            return r;
        }
    } else {
        const uint8_t *p;
        size_t n;
        int eof;
        avail(log, &p, &n, &eof);
        if (n == 0) {
            return cct_err(&log->err, CCT_EMALFORMED, 0, 0, "empty event log");
        }
    }
    return init_parser(log, fmt);
}

int cct_eventlog_from_memory(const uint8_t *buf, size_t len,
                             const struct cct_eventlog_options *opts, cct_eventlog **out,
                             struct cct_error *err)
{
    if (out == NULL || (buf == NULL && len > 0)) {
        return cct_err(err, CCT_EINVAL, -1, -1, "invalid argument");
    }
    cct_eventlog *log = calloc(1, sizeof(*log));
    if (log == NULL) {
        return cct_err(err, CCT_ENOMEM, -1, -1, "out of memory");
    }
    cct_error_clear(&log->err);
    log->mem = buf;
    log->mem_len = len;
    int r = open_common(log, opts);
    if (r < 0) {
        if (err) {
            *err = log->err;
        }
        free(log);
        return r;
    }
    *out = log;
    return 0;
}

int cct_eventlog_from_file(const char *path, const struct cct_eventlog_options *opts,
                           cct_eventlog **out, struct cct_error *err)
{
    if (out == NULL || path == NULL) {
        return cct_err(err, CCT_EINVAL, -1, -1, "invalid argument");
    }
    cct_eventlog *log = calloc(1, sizeof(*log));
    if (log == NULL) {
        return cct_err(err, CCT_ENOMEM, -1, -1, "out of memory");
    }
    cct_error_clear(&log->err);
    size_t limit =
        (opts && opts->max_event_size ? opts->max_event_size : CCT_MAX_EVENT_SIZE) + 4096;
    int r = cct_window_open(&log->win, path, limit, &log->err);
    if (r == 0) {
        log->is_file = 1;
        r = open_common(log, opts);
    }
    if (r < 0) {
        if (err) {
            *err = log->err;
        }
        if (log->is_file) {
            cct_window_close(&log->win);
        }
        free(log);
        return r;
    }
    *out = log;
    return 0;
}

static int parse_one(cct_eventlog *log, const uint8_t *p, size_t n, int eof, struct cct_event *ev,
                     size_t *consumed, int *end)
{
    uint64_t off = source_offset(log);
    switch (log->parser.format) {
    case CCT_LOG_CEL_JSON:
        return cct_cel_json_next(&log->parser.cel_json, p, n, eof, off, log->number, ev, consumed,
                                 end, &log->err);
    case CCT_LOG_CEL_CBOR:
        return cct_cel_cbor_next(&log->parser.cel_cbor, p, n, eof, off, log->number, ev, consumed,
                                 end, &log->err);
    case CCT_LOG_CEL_TLV:
        return cct_cel_next(&log->parser.cel, p, n, eof, off, log->number, ev, consumed, end,
                            &log->err);
    case CCT_LOG_IMA_ASCII:
    case CCT_LOG_IMA_BINARY:
        return cct_ima_next(&log->parser.ima, p, n, eof, off, log->number, ev, consumed, end,
                            &log->err);
    case CCT_LOG_TCG2:
    case CCT_LOG_TCG1:
    case CCT_LOG_CCEL:
        return cct_tcg_next(&log->parser.tcg, p, n, off, log->number, ev, consumed, end, &log->err);
    default: return cct_err(&log->err, CCT_EUNSUPPORTED, -1, -1, "unsupported format");
    }
}

/* After padding starts, everything to the end must be the same pad byte. */
static int drain_padding(cct_eventlog *log)
{
    const uint8_t *p;
    size_t n;
    int eof, have_pad = 0;
    uint8_t pad = 0;
    for (;;) {
        /* The window may be empty with more of the file unread: the pad byte
         * is the first byte there is, wherever it lies. */
        avail(log, &p, &n, &eof);
        if (n > 0 && !have_pad) {
            pad = p[0];
            have_pad = 1;
        }
        for (size_t i = 0; i < n; i++) {
            if (p[i] != pad) {
                return cct_err(&log->err, CCT_EMALFORMED, (int64_t)log->number,
                               (int64_t)(source_offset(log) + i),
                               "unexpected data after 0x%02x padding that began %llu bytes earlier",
                               pad, (unsigned long long)(log->padding + i));
            }
        }
        log->padding += n;
        consume(log, n);
        if (eof) {
            return 0;
        }
        int r = fill(log, 64 * 1024);
        if (r < 0) {
            return r;
        }
    }
}

static int next_record(cct_eventlog *log, struct cct_event *ev)
{
    for (;;) {
        const uint8_t *p;
        size_t n, consumed = 0;
        int eof, end = 0;
        if (log->is_file && log->win.end - log->win.pos < 4096 && !log->win.eof) {
            int r = fill(log, 64 * 1024);
            if (r < 0) {
                return r;
            }
        }
        avail(log, &p, &n, &eof);
        if (n == 0 && eof) {
            if (log->parser.format == CCT_LOG_CEL_JSON &&
                cct_cel_json_unfinished(&log->parser.cel_json)) {
                return cct_err(&log->err, CCT_ETRUNCATED, (int64_t)log->number,
                               (int64_t)source_offset(log),
                               "CEL-JSON log ends before its JSON array is closed");
            }
            return 0;
        }
        int r = parse_one(log, p, n, eof, ev, &consumed, &end);
        if (r == CCT_ETRUNCATED) {
            if (eof) {
                return cct_err(&log->err, CCT_ETRUNCATED, (int64_t)log->number,
                               (int64_t)source_offset(log),
                               "log ends inside event %llu (%zu bytes left, record is longer)",
                               (unsigned long long)log->number, n);
            }
            r = fill(log, n * 2 + 4096);
            if (r < 0) {
                return r;
            }
            continue;
        }
        if (r < 0) {
            return r;
        }
        if (end) {
            /* A parser may consume trailing separators (CEL-JSON) before the end. */
            consume(log, consumed);
            r = drain_padding(log);
            return r < 0 ? r : 0;
        }
        consume(log, consumed);
        log->number++;
        return 1;
    }
}

int cct_eventlog_next(cct_eventlog *log, struct cct_event *ev)
{
    if (log == NULL) {
        return CCT_EINVAL;
    }
    if (ev == NULL) {
        return cct_err(&log->err, CCT_EINVAL, -1, -1, "next event: no output given");
    }
    if (log->failed) {
        return log->err.code;
    }
    if (log->ended) {
        return 0;
    }
    for (;;) {
        if (log->emitted >= log->sel_count) {
            return 0;
        }
        int r = next_record(log, ev);
        if (r < 0) {
            log->failed = 1;
            return r;
        }
        if (r == 0) {
            log->ended = 1;
            return 0;
        }
        if (ev->number < log->sel_start) {
            continue;
        }
        log->emitted++;
        ev->version = CCT_EVENT_VERSION;
        return 1;
    }
}

int cct_eventlog_select(cct_eventlog *log, uint64_t start, uint64_t count)
{
    if (log == NULL) {
        return CCT_EINVAL;
    }
    if (log->number != 0 || log->emitted != 0) {
        return cct_err(&log->err, CCT_EINVAL, -1, -1, "select must come before the first event");
    }
    log->sel_start = start;
    log->sel_count = count;
    return 0;
}

int cct_eventlog_rewind(cct_eventlog *log)
{
    if (log == NULL) {
        return CCT_EINVAL;
    }
    if (log->is_file) {
        int r = cct_window_rewind(&log->win, &log->err);
        if (r < 0) {
            log->failed = 1;
            return r;
        }
    } else {
        log->mem_pos = 0;
    }
    enum cct_log_format f = log->parser.format;
    cct_eventlog_restart(log, 0);
    return init_parser(log, f);
}

enum cct_log_format cct_eventlog_format(const cct_eventlog *log)
{
    return log ? log->parser.format : CCT_LOG_AUTO;
}

int cct_eventlog_specid(const cct_eventlog *log, struct cct_specid *out)
{
    if (log == NULL || out == NULL) {
        return CCT_EINVAL;
    }
    if (!log->parser.tcg.have_specid) {
        return CCT_ENOTFOUND;
    }
    *out = log->parser.tcg.specid;
    return 0;
}

uint64_t cct_eventlog_padding(const cct_eventlog *log)
{
    return log ? log->padding : 0;
}

const struct cct_error *cct_eventlog_error(const cct_eventlog *log)
{
    return log ? &log->err : NULL;
}

void cct_eventlog_free(cct_eventlog *log)
{
    if (log == NULL) {
        return;
    }
    if (log->is_file) {
        cct_window_close(&log->win);
    }
    cct_ima_free(&log->parser.ima);
    cct_cel_json_free(&log->parser.cel_json);
    cct_cel_cbor_free(&log->parser.cel_cbor);
    free(log);
}
