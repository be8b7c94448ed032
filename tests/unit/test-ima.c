/* SPDX-License-Identifier: Apache-2.0 */
/*
 * IMA list parser: truncation at every byte, limits, bad input, resume,
 * template fields and boot_aggregate. Reads the lists tests/ima/gen_ima.py
 * wrote into the directory given as argv[1].
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cctrusted/cctrusted.h>

#include "crypto/crypto.h"

#include "testutil.h"

static const char *dir;

static uint8_t *slurp(const char *name, size_t *len)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    return test_slurp(path, len);
}

static cct_eventlog *open_mem(const uint8_t *p, size_t n, enum cct_log_format fmt, size_t max_ev,
                              int *rc, struct cct_error *err)
{
    struct cct_eventlog_options o = CCT_EVENTLOG_OPTIONS_INIT;
    cct_eventlog *log = NULL;
    o.format = fmt;
    o.max_event_size = max_ev;
    cct_error_clear(err);
    *rc = cct_eventlog_from_memory(p, n, &o, &log, err);
    return *rc == 0 ? log : NULL;
}

/* Record end offsets of a complete list. */
static size_t boundaries(const uint8_t *p, size_t n, enum cct_log_format fmt, uint64_t *ends,
                         size_t max)
{
    struct cct_error err;
    int rc;
    size_t k = 0;
    cct_eventlog *log = open_mem(p, n, fmt, 0, &rc, &err);
    CHECK(log != NULL, "open: %s", err.message);
    if (log == NULL) {
        return 0;
    }
    struct cct_event ev;
    while ((rc = cct_eventlog_next(log, &ev)) > 0 && k < max) {
        ends[k++] = ev.offset + ev.length;
    }
    CHECK(rc == 0, "complete list fails: %s", cct_eventlog_error(log)->message);
    cct_eventlog_free(log);
    return k;
}

static void truncation_binary(const char *name)
{
    size_t n;
    uint8_t *full = slurp(name, &n);
    uint64_t ends[64];
    size_t nrec = boundaries(full, n, CCT_LOG_IMA_BINARY, ends, 64);
    CHECK(nrec >= 3 && ends[nrec - 1] == n, "%s: %zu records ending at %llu of %zu", name, nrec,
          nrec ? (unsigned long long)ends[nrec - 1] : 0ull, n);
    for (size_t k = 1; k < n; k++) {
        /* A copy of exactly k bytes, so reading past it is caught by ASan. */
        uint8_t *p = malloc(k);
        memcpy(p, full, k);
        struct cct_error err;
        int rc;
        cct_eventlog *log = open_mem(p, k, CCT_LOG_IMA_BINARY, 0, &rc, &err);
        CHECK(log != NULL, "%s[%zu]: open: %s", name, k, err.message);
        if (log != NULL) {
            struct cct_event ev;
            size_t got = 0;
            while ((rc = cct_eventlog_next(log, &ev)) > 0) {
                got++;
            }
            size_t whole = 0;
            while (whole < nrec && ends[whole] <= k) {
                whole++;
            }
            CHECK(got == whole, "%s[%zu]: %zu events, want %zu", name, k, got, whole);
            if (whole > 0 && ends[whole - 1] == k) {
                CHECK(rc == 0, "%s[%zu]: clean end expected, got %d", name, k, rc);
            } else {
                const struct cct_error *e = cct_eventlog_error(log);
                uint64_t at = whole ? ends[whole - 1] : 0;
                CHECK(rc == CCT_ETRUNCATED && e->event == (int64_t)whole &&
                          e->offset == (int64_t)at,
                      "%s[%zu]: rc %d event %lld offset %lld, want ETRUNCATED %zu %llu (%s)", name,
                      k, rc, (long long)e->event, (long long)e->offset, whole,
                      (unsigned long long)at, e->message);
            }
            cct_eventlog_free(log);
        }
        free(p);
    }
    free(full);
}

static void truncation_ascii(const char *name)
{
    size_t n;
    uint8_t *full = slurp(name, &n);
    uint64_t ends[64];
    size_t nrec = boundaries(full, n, CCT_LOG_IMA_ASCII, ends, 64);
    for (size_t k = 1; k < n; k++) {
        uint8_t *p = malloc(k);
        memcpy(p, full, k);
        struct cct_error err;
        int rc;
        cct_eventlog *log = open_mem(p, k, CCT_LOG_IMA_ASCII, 0, &rc, &err);
        if (log != NULL) {
            struct cct_event ev;
            size_t got = 0, whole = 0;
            while ((rc = cct_eventlog_next(log, &ev)) > 0) {
                got++;
            }
            while (whole < nrec && ends[whole] <= k) {
                whole++;
            }
            /* A cut line may still be a valid (shorter) line; never more, never a crash. */
            CHECK(got == whole || got == whole + 1, "%s[%zu]: %zu events of %zu whole lines", name,
                  k, got, whole);
            if (rc < 0) {
                CHECK(cct_eventlog_error(log)->event == (int64_t)whole,
                      "%s[%zu]: error names event %lld", name, k,
                      (long long)cct_eventlog_error(log)->event);
            }
            cct_eventlog_free(log);
        }
        free(p);
    }
    free(full);
}

static void expect_error(const char *what, const char *text, enum cct_log_format fmt, size_t max_ev,
                         int code, const char *msg)
{
    struct cct_error err;
    int rc;
    cct_eventlog *log = open_mem((const uint8_t *)text, strlen(text), fmt, max_ev, &rc, &err);
    if (log != NULL) {
        struct cct_event ev;
        while ((rc = cct_eventlog_next(log, &ev)) > 0) {
        }
        err = *cct_eventlog_error(log);
        cct_eventlog_free(log);
    }
    CHECK(rc == code && strstr(err.message, msg) != NULL,
          "%s: rc %d (%s), message '%s', want %d '%s'", what, rc, cct_strerror(rc), err.message,
          code, msg);
}

static void negatives(void)
{
    char line[4096];
    expect_error("bad template hash hex",
                 "10 zz6a909c60b73277a84050f637886d5786b7a008 ima-ng sha1:00 /x\n",
                 CCT_LOG_IMA_ASCII, 0, CCT_EMALFORMED, "bad hex in template hash");
    expect_error("odd template hash",
                 "10 6a6a909c60b73277a84050f637886d5786b7a00 ima-ng sha1:00 /x\n",
                 CCT_LOG_IMA_ASCII, 0, CCT_EMALFORMED, "template hash is not");
    expect_error("unknown algorithm",
                 "10 6a6a909c60b73277a84050f637886d5786b7a008 ima-ng md6:0011 /x\n",
                 CCT_LOG_IMA_ASCII, 0, CCT_EUNSUPPORTED, "unknown file digest algorithm 'md6'");
    expect_error("bad sig hex",
                 "10 6a6a909c60b73277a84050f637886d5786b7a008 ima-sig sha1:"
                 "00112233445566778899aabbccddeeff00112233 /x 03xx\n",
                 CCT_LOG_IMA_ASCII, 0, CCT_EMALFORMED, "bad hex in");
    expect_error("index", "1234567 6a6a909c60b73277a84050f637886d5786b7a008 ima-ng sha1:00 /x\n",
                 CCT_LOG_IMA_ASCII, 0, CCT_EMALFORMED, "register index");
    expect_error("template name", "10 6a6a909c60b73277a84050f637886d5786b7a008 im$a sha1:00 /x\n",
                 CCT_LOG_IMA_ASCII, 0, CCT_EMALFORMED, "bad template name");
    /* Over-long line: limit derived from max_event_size (64 -> 1152 bytes). */
    int k = snprintf(line, sizeof(line),
                     "10 6a6a909c60b73277a84050f637886d5786b7a008 ima-ng sha1:"
                     "00112233445566778899aabbccddeeff00112233 /");
    memset(line + k, 'a', 2000);
    line[k + 2000] = '\n';
    line[k + 2001] = 0;
    expect_error("long line", line, CCT_LOG_IMA_ASCII, 64, CCT_ELIMIT, "line longer than");
    /* Template data over the limit. */
    k = snprintf(line, sizeof(line),
                 "10 6a6a909c60b73277a84050f637886d5786b7a008 ima-buf sha1:"
                 "00112233445566778899aabbccddeeff00112233 /x ");
    memset(line + k, 'a', 400);
    line[k + 400] = '\n';
    line[k + 401] = 0;
    expect_error("template data limit", line, CCT_LOG_IMA_ASCII, 100, CCT_ELIMIT,
                 "template data longer than");

    /* Binary: name length out of range, field past the data, too many fields. */
    uint8_t b[512];
    memset(b, 0, sizeof(b));
    b[0] = 10;
    b[24] = 200; /* name length */
    struct cct_error err;
    int rc;
    cct_eventlog *log = open_mem(b, 300, CCT_LOG_IMA_BINARY, 0, &rc, &err);
    struct cct_event ev;
    CHECK(log && cct_eventlog_next(log, &ev) == CCT_EMALFORMED &&
              strstr(cct_eventlog_error(log)->message, "template name length"),
          "binary name length");
    cct_eventlog_free(log);
    /* "ima-x" with 17 empty fields. */
    size_t o = 0;
    memset(b, 0, sizeof(b));
    b[o] = 10;
    o = 4;
    b[o] = 1; /* nonzero template digest */
    o = 24;
    b[o] = 5;
    memcpy(b + 28, "ima-x", 5);
    o = 33;
    b[o] = 17 * 4;
    o = 37 + 17 * 4;
    log = open_mem(b, o, CCT_LOG_IMA_BINARY, 0, &rc, &err);
    CHECK(log && cct_eventlog_next(log, &ev) == CCT_ELIMIT, "binary field count limit");
    cct_eventlog_free(log);
    b[33] = 6; /* a field claiming 0 bytes then 2 stray bytes */
    log = open_mem(b, 37 + 6, CCT_LOG_IMA_BINARY, 0, &rc, &err);
    CHECK(log && cct_eventlog_next(log, &ev) == CCT_EMALFORMED &&
              strstr(cct_eventlog_error(log)->message, "runs past"),
          "binary field past data");
    cct_eventlog_free(log);
    b[33] = 0x10;
    b[34] = 0x00;
    b[35] = 0x20; /* 2 MiB of template data */
    log = open_mem(b, 64, CCT_LOG_IMA_BINARY, 0, &rc, &err);
    CHECK(log && cct_eventlog_next(log, &ev) == CCT_ELIMIT, "binary template data limit");
    cct_eventlog_free(log);
}

static void detection_and_settings(void)
{
    size_t n;
    struct cct_error err;
    int rc;
    static const char *const files[] = { "rtmr2-sha384.txt", "ima-le.bin", "ima-sig-be.bin",
                                         "mixed.txt" };
    static const enum cct_log_format want[] = { CCT_LOG_IMA_ASCII, CCT_LOG_IMA_BINARY,
                                                CCT_LOG_IMA_BINARY, CCT_LOG_IMA_ASCII };
    for (size_t i = 0; i < 4; i++) {
        uint8_t *p = slurp(files[i], &n);
        cct_eventlog *log = open_mem(p, n, CCT_LOG_AUTO, 0, &rc, &err);
        CHECK(log && cct_eventlog_format(log) == want[i], "%s: detected %s", files[i],
              log ? cct_log_format_name(cct_eventlog_format(log)) : err.message);
        if (log) {
            CHECK(cct_eventlog_ima_set_register(log, CCT_REG_MRTD) == CCT_EINVAL, "MRTD kind");
            CHECK(cct_eventlog_ima_set_register(log, CCT_REG_RTMR) == 0, "RTMR kind");
            struct cct_event ev;
            CHECK(cct_eventlog_next(log, &ev) == 1 && ev.kind == CCT_REG_RTMR, "%s: kind RTMR",
                  files[i]);
            CHECK(cct_eventlog_rewind(log) == 0, "%s: rewind", files[i]);
            CHECK(cct_eventlog_next(log, &ev) == 1 && ev.kind == CCT_REG_RTMR,
                  "%s: kind kept on rewind", files[i]);
        }
        cct_eventlog_free(log);
        free(p);
    }
    const char *tcg = "\x00\x00\x00\x00\x03\x00\x00\x00";
    cct_eventlog *log = open_mem((const uint8_t *)tcg, 8, CCT_LOG_AUTO, 0, &rc, &err);
    CHECK(log == NULL, "8 bytes are not an IMA list");
}

static void fields(void)
{
    size_t n;
    struct cct_error err;
    int rc;
    static const struct {
        const char *file;
        int nf;
    } cases[] = { { "ima-modsig-be.bin", 5 },
                  { "ima-le.bin", 2 },
                  { "ima-sig.txt", 3 },
                  { "unknown-le.bin", 3 },
                  { "ima-cgpath.txt", 4 } };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint8_t *p = slurp(cases[i].file, &n);
        cct_eventlog *log = open_mem(p, n, CCT_LOG_AUTO, 0, &rc, &err);
        struct cct_event ev;
        struct cct_ima_field f[CCT_IMA_MAX_FIELDS_PUBLIC];
        CHECK(log && cct_eventlog_next(log, &ev) == 1, "%s: first event", cases[i].file);
        if (log) {
            int k = cct_ima_event_fields(&ev, f, CCT_IMA_MAX_FIELDS_PUBLIC);
            CHECK(k == cases[i].nf, "%s: %d fields, want %d", cases[i].file, k, cases[i].nf);
            CHECK(cct_ima_event_fields(&ev, f, 1) == CCT_ELIMIT || cases[i].nf == 1,
                  "%s: field limit", cases[i].file);
        }
        cct_eventlog_free(log);
        free(p);
    }
}

/* What parsing a list gave for one entry: the event (its views valid while log is open), or
 * the error. */
struct outcome {
    int rc;
    struct cct_error err;
    struct cct_event ev;
    cct_eventlog *log;
};

/* Entry `want` of an ascii list (the entries before it must parse); free o->log after use. */
static void outcome_of(const char *text, uint64_t want, struct outcome *o)
{
    int rc;
    memset(o, 0, sizeof(*o));
    o->log = open_mem((const uint8_t *)text, strlen(text), CCT_LOG_IMA_ASCII, 0, &rc, &o->err);
    o->rc = rc;
    if (o->log == NULL) {
        return;
    }
    for (uint64_t k = 0; k <= want; k++) {
        o->rc = cct_eventlog_next(o->log, &o->ev);
        if (o->rc != 1) {
            break;
        }
    }
    o->err = *cct_eventlog_error(o->log);
}

static int same_text(const char *a, size_t an, const char *b, size_t bn)
{
    return an == bn && (an == 0 || memcmp(a, b, an) == 0);
}

static void compare_outcomes(const struct outcome *alone, const struct outcome *after, size_t pl,
                             size_t i, const char *what, size_t *compared)
{
    if (alone->rc != after->rc) {
        return;
    }
    if (alone->rc < 0) {
        /* "IMA entry 0: ..." alone, "IMA entry 1: ..." after the primer. */
        const char *a = strchr(alone->err.message, ':'), *b = strchr(after->err.message, ':');
        CHECK(a && b && strcmp(a, b) == 0 && alone->err.code == after->err.code &&
                  after->err.event == 1 && alone->err.event == 0 &&
                  after->err.offset == alone->err.offset + (int64_t)pl,
              "after primer %zu: error '%s' at %lld, alone '%s' at %lld: %s", i, after->err.message,
              (long long)after->err.offset, alone->err.message, (long long)alone->err.offset, what);
        (*compared)++;
        return;
    }
    const struct cct_event *x = &alone->ev, *y = &after->ev;
    int same =
        x->data_len == y->data_len && memcmp(x->data, y->data, x->data_len) == 0 &&
        x->n_digests == y->n_digests && x->n_digests == 1 &&
        x->digests[0].alg == y->digests[0].alg && x->digests[0].size == y->digests[0].size &&
        memcmp(x->digests[0].bytes, y->digests[0].bytes, x->digests[0].size) == 0 &&
        x->flags == y->flags && x->index == y->index && x->kind == y->kind &&
        x->length == y->length && x->raw_len == y->raw_len && y->offset == x->offset + pl &&
        same_text(x->ima_template, x->ima_template_len, y->ima_template, y->ima_template_len) &&
        x->ima_file_alg == y->ima_file_alg &&
        same_text(x->ima_file_alg_name, x->ima_file_alg_name_len, y->ima_file_alg_name,
                  y->ima_file_alg_name_len) &&
        same_text((const char *)x->ima_file_digest, x->ima_file_digest_len,
                  (const char *)y->ima_file_digest, y->ima_file_digest_len) &&
        same_text(x->ima_file_name, x->ima_file_name_len, y->ima_file_name, y->ima_file_name_len);
    CHECK(same, "after primer %zu: the event differs from the line alone: %s", i, what);
    (*compared)++;
}

/*
 * The ascii parser tries the previous line's template hash length, template and file digest
 * prefix first. Whatever the line before, every line must give what it gives alone: the same
 * event (fields compared, data byte for byte) or the same error at the same place in the line.
 */
static void hints(void)
{
    static const char *const primers[] = {
        "10 6a6a909c60b73277a84050f637886d5786b7a008 ima-ng sha256:"
        "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff /p",
        "10 6a6a909c60b73277a84050f637886d5786b7a008 ima-ng sha1:"
        "00112233445566778899aabbccddeeff00112233 /p",
        "10 6a6a909c60b73277a84050f637886d5786b7a008 ima-ng ima:sha256:"
        "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff /p",
        "10 6a6a909c60b73277a84050f637886d5786b7a008 ima-sig sha256:"
        "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff /p 0011",
        "10 6a6a909c60b73277a84050f637886d5786b7a008 ima "
        "00112233445566778899aabbccddeeff00112233 /p",
        "10 6a6a909c60b73277a84050f637886d5786b7a0086a6a909c60b73277a84050f6 ima-ng sha256:"
        "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff /p",
        "10 0000000000000000000000000000000000000000 my-template a b c",
    };
    static const char *const lines[] = {
        /* as the primers, and what differs from them by little */
        "10 1111111111111111111111111111111111111111 ima-ng sha256:"
        "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100 /bin/a b",
        "10 1111111111111111111111111111111111111111 ima-ng sha1:"
        "ffeeddccbbaa99887766554433221100ffeeddcc /bin/a",
        "10 1111111111111111111111111111111111111111 ima-ng ima:sha256:"
        "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100 /bin/a",
        "10 1111111111111111111111111111111111111111 ima-ng xima:sha256:"
        "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100 /bin/a",
        "10 1111111111111111111111111111111111111111 ima-ng sha256:"
        "ffeeddccbbaa99887766554433221100ffeeddccbbaa99:87766554433221100ffeeddccbbaa99887 /b",
        "10 1111111111111111111111111111111111111111 ima-ng sha256:"
        "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100ff /bin/a",
        "10 1111111111111111111111111111111111111111 ima-ng sha256:"
        "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221 /bin/a",
        "10 1111111111111111111111111111111111111111 ima-ng sha256:"
        "ffeeddccbbaa99887766554433221100ffeeddccbbaa998877665544332211zz /bin/a",
        "10 1111111111111111111111111111111111111111 ima-ng sha256:"
        "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100",
        "10 1111111111111111111111111111111111111111 ima-ng sha256:",
        "10 1111111111111111111111111111111111111111 ima-ng sha512:"
        "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100 /bin/a",
        "10 1111111111111111111111111111111111111111 ima-sig sha256:"
        "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100 /bin/a b 00ff",
        "10 1111111111111111111111111111111111111111 ima-sig sha256:"
        "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100 /bin/a ",
        "10 1111111111111111111111111111111111111111 ima "
        "ffeeddccbbaa99887766554433221100ffeeddcc /bin/a",
        /* template names that start like a known one, or are one ending the line */
        "10 1111111111111111111111111111111111111111 ima-ngx sha256:00 /a",
        "10 1111111111111111111111111111111111111111 ima-n sha256:00 /a",
        "10 1111111111111111111111111111111111111111 ima-ng",
        "10 1111111111111111111111111111111111111111 ima-ng ",
        "10 1111111111111111111111111111111111111111 ima-sig\tsha256:00 /a",
        /* template hashes of other lengths, and a space where a longer one would end */
        "10 11111111111111111111111111111111111111111111111111111111111111111 ima-ng sha1:00 /a",
        "10 1111111111111111111111111111111111111111111111111111111111111111 ima-ng sha256:"
        "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100 /bin/a",
        "10 1111111111111111111111111111111111111111 abcdefghijklmnopqrstuvw x y",
        "10 111111111111111111111111111111111111111 ima-ng sha1:00 /a",
        "10 111111111111111111111111111111111111111z ima-ng sha1:00 /a",
        "10 1111111111111111111111111111111111111111",
        "10 1111111111111111111111111111111111111111 ",
        "10 0000000000000000000000000000000000000000 ima-ng sha256:"
        "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100 /bin/a",
        "10 1111111111111111111111111111111111111111 my-template a b c",
    };
    static char text[2][1024];
    size_t compared = 0;
    for (size_t i = 0; i < sizeof(primers) / sizeof(primers[0]); i++) {
        for (size_t k = 0; k < sizeof(lines) / sizeof(lines[0]); k++) {
            struct outcome alone, after;
            size_t pl = strlen(primers[i]) + 1;
            snprintf(text[0], sizeof(text[0]), "%s\n", lines[k]);
            outcome_of(text[0], 0, &alone);
            snprintf(text[1], sizeof(text[1]), "%s\n%s\n", primers[i], lines[k]);
            outcome_of(text[1], 1, &after);
            const char *what = lines[k];
            CHECK(alone.rc == after.rc, "after primer %zu: rc %d, alone %d: %s", i, after.rc,
                  alone.rc, what);
            compare_outcomes(&alone, &after, pl, i, what, &compared);
            cct_eventlog_free(alone.log);
            cct_eventlog_free(after.log);
        }
    }
    CHECK(compared == (sizeof(primers) / sizeof(primers[0])) * (sizeof(lines) / sizeof(lines[0])),
          "%zu of the pairs compared", compared);
}

/* Replay a list up to `stop` events, save, resume in a new log, compare. */
static void resume(const char *name, enum cct_log_format fmt, uint16_t alg)
{
    size_t n;
    struct cct_error err;
    int rc;
    uint8_t *p = slurp(name, &n);
    struct cct_event ev;
    cct_replay *full = NULL, *part = NULL;
    CHECK(cct_replay_new(NULL, &full) == 0 && cct_replay_new(NULL, &part) == 0, "%s: replays",
          name);
    cct_eventlog *log = open_mem(p, n, fmt, 0, &rc, &err);
    while (log && cct_eventlog_next(log, &ev) > 0) {
        CHECK(cct_replay_event(full, &ev) == 0, "%s: full replay of event %llu", name,
              (unsigned long long)ev.number);
    }
    cct_eventlog_free(log);

    log = open_mem(p, n, fmt, 0, &rc, &err);
    for (int i = 0; i < 2 && log; i++) {
        CHECK(cct_eventlog_next(log, &ev) == 1, "%s: first events", name);
        CHECK(cct_replay_event(part, &ev) == 0, "%s: partial replay", name);
    }
    struct cct_eventlog_position pos;
    struct cct_register saved;
    CHECK(cct_eventlog_position(log, &pos) == 0 && pos.number == 2, "%s: position", name);
    CHECK(cct_replay_lookup(part, CCT_REG_PCR, 10, alg, &saved) == 0, "%s: lookup", name);
    cct_eventlog_free(log);
    cct_replay_free(part);

    /* Later: a new process with the saved position and register value. */
    part = NULL;
    CHECK(cct_replay_new(NULL, &part) == 0, "%s: second replay", name);
    CHECK(cct_replay_set_register(part, CCT_REG_PCR, 10, alg, saved.digest, saved.size,
                                  saved.n_events) == 0,
          "%s: set register", name);
    log = open_mem(p, n, fmt, 0, &rc, &err);
    CHECK(cct_eventlog_resume(log, &pos) == 0, "%s: resume", name);
    uint64_t first = UINT64_MAX;
    while (log && cct_eventlog_next(log, &ev) > 0) {
        if (first == UINT64_MAX) {
            first = ev.number;
        }
        CHECK(cct_replay_event(part, &ev) == 0, "%s: resumed replay of event %llu", name,
              (unsigned long long)ev.number);
    }
    CHECK(first == 2, "%s: resumed at event %llu", name, (unsigned long long)first);
    struct cct_register a, b;
    CHECK(cct_replay_lookup(full, CCT_REG_PCR, 10, alg, &a) == 0 &&
              cct_replay_lookup(part, CCT_REG_PCR, 10, alg, &b) == 0,
          "%s: lookups", name);
    CHECK(a.size == b.size && memcmp(a.digest, b.digest, a.size) == 0 && a.n_events == b.n_events,
          "%s: resumed replay differs", name);
    /* The same from a file: the window seeks to the saved offset. */
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    cct_eventlog *flog = NULL;
    struct cct_eventlog_options fo = CCT_EVENTLOG_OPTIONS_INIT;
    fo.format = fmt;
    CHECK(cct_eventlog_from_file(path, &fo, &flog, &err) == 0, "%s: open file", name);
    CHECK(flog && cct_eventlog_resume(flog, &pos) == 0, "%s: resume file", name);
    size_t nf = 0;
    uint64_t ffirst = UINT64_MAX;
    while (flog && cct_eventlog_next(flog, &ev) > 0) {
        ffirst = nf++ == 0 ? ev.number : ffirst;
    }
    CHECK(ffirst == 2 && nf == (size_t)(a.n_events - 2),
          "%s: file resume read %zu events from %llu", name, nf, (unsigned long long)ffirst);
    cct_eventlog_free(flog);
    struct cct_eventlog_position bad = { 0, n + 1 };
    CHECK(cct_eventlog_resume(log, &bad) == CCT_EINVAL, "%s: resume past the end", name);
    cct_eventlog_free(log);
    cct_replay_free(full);
    cct_replay_free(part);
    free(p);
}

static void aggregate(void)
{
    size_t n;
    char *txt = (char *)slurp("aggregate.txt", &n);
    char want7[65] = "", want9[65] = "";
    txt = realloc(txt, n + 1);
    txt[n] = 0;
    CHECK(sscanf(txt, "pcr0_7 %64s\npcr0_9 %64s", want7, want9) == 2, "aggregate.txt");
    free(txt);
    cct_replay *r = NULL;
    CHECK(cct_replay_new(NULL, &r) == 0, "boot_aggregate replay");
    for (uint8_t i = 0; i < 10; i++) {
        uint8_t d[32];
        /* sha256 of the single byte i: the input the generator used. */
        CHECK(cct_digest(CCT_ALG_SHA256, &i, 1, d) == 0, "sha256 of %u", i);
        CHECK(cct_replay_extend(r, CCT_REG_PCR, i, CCT_ALG_SHA256, d, 32) == 0, "extend PCR%u", i);
    }
    uint8_t out[32];
    char hex[65];
    for (int how = 0; how < 2; how++) {
        CHECK(cct_ima_boot_aggregate(r, (enum cct_ima_aggregate)how, CCT_ALG_SHA256, NULL, 0, out,
                                     sizeof(out)) == 0,
              "aggregate %d", how);
        for (int i = 0; i < 32; i++) {
            snprintf(hex + 2 * i, 3, "%02x", out[i]);
        }
        CHECK(strcmp(hex, how ? want9 : want7) == 0, "aggregate %d: %s", how, hex);
    }
    CHECK(cct_ima_boot_aggregate(r, CCT_IMA_AGG_TDX, CCT_ALG_SHA384, NULL, 0, out, sizeof(out)) ==
              CCT_EINVAL,
          "TDX aggregate needs MRTD");
    cct_replay_free(r);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: test-ima DIR (written by gen_ima.py)\n");
        return 2;
    }
    dir = argv[1];
    static const char *const bins[] = { "ima-le.bin", "ima-be.bin", "ima-sig-le.bin",
                                        "ima-modsig-be.bin", "mixed-le.bin", "unknown-le.bin",
                                        /* per-bank lists: 32- and 64-byte template digests */
                                        "ima-ng-sm3-bank-le.bin", "ima-ng-sha512-bank-be.bin" };
    for (size_t i = 0; i < sizeof(bins) / sizeof(bins[0]); i++) {
        truncation_binary(bins[i]);
    }
    truncation_ascii("ima-sig.txt");
    truncation_ascii("rtmr2-sha384.txt");
    truncation_ascii("ima-buf-sm3.txt");
    negatives();
    detection_and_settings();
    fields();
    hints();
    resume("ima-sig-le.bin", CCT_LOG_IMA_BINARY, CCT_ALG_SHA1);
    resume("ima-ng-sha256.txt", CCT_LOG_IMA_ASCII, CCT_ALG_SHA256);
    aggregate();
    printf("%d checks, %d failures\n", checks, failures);
    return failures ? 1 : 0;
}
