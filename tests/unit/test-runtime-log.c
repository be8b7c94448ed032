/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The runtime extend log: CEL-TLV records (encoding checked against bytes
 * written out by hand from the CEL TLV layout, truncation at every byte,
 * bad fields, the corpus CEL file when present), crash recovery (a child
 * _exit()s between log write and extend, and between extend and commit),
 * a torn tail cut at every byte, and 4 processes x 20 concurrent extends.
 * After each: replay of boot log + runtime log == registers. Opening a
 * context never changes the log (repair is cct_runtime_log_repair() or the
 * next extend); a corrupt record in the middle, a symbolic link, a log or
 * state directory others may write, or a log owned by another user fail
 * the open and leave every byte in place; stale temporaries are removed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/sha.h>

#include <cctrusted/context.h>

#include "formats/cel/tlv.h"
#include "util/buf.h"
#include "util/error.h"

#include "tee-test.h"

static char *state_dir;

/* One record as the runtime log scans it: the iterator's CEL parser, fresh state (no recnum
 * history). */
static int parse_one(const uint8_t *p, size_t n, struct cct_event *ev, size_t *used, int *end,
                     struct cct_error *err)
{
    struct cct_cel_state st;
    cct_cel_init(&st, CCT_LOG_CEL_TLV, CCT_MAX_EVENT_SIZE);
    *end = 0;
    return cct_cel_record(&st, p, n, 0, 0, ev, used, err);
}

static void test_tlv(void)
{
    uint8_t dg[48];
    memset(dg, 0x11, sizeof(dg));
    struct cct_buf b;
    cct_buf_init(&b, 0);
    CHECK_RC(cct_cel_tlv_encode(&b, 1, CCT_REG_RTMR, 3, CCT_ALG_SHA384, dg, 48, 6,
                                (const uint8_t *)"ab", 2, 0, NULL),
             0);
    uint8_t want[200];
    size_t n = 0;
    /* recnum: type 0, length 8, value 1 */
    static const uint8_t recnum[] = { 0, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 1 };
    /* CC MR index 4 (RTMR3): type 108, length 4 */
    static const uint8_t ccmr[] = { 108, 0, 0, 0, 4, 0, 0, 0, 4 };
    /* digests: type 3, length 5 + 48, then {type 0x0c, length 48, digest} */
    static const uint8_t dl[] = { 3, 0, 0, 0, 53, 0x0c, 0, 0, 0, 48 };
    /* PC Client content: type 5, length 16: {0: event type 6}, {1: "ab"} */
    static const uint8_t content[] = { 5, 0, 0, 0, 16, 0, 0, 0, 0,   4,  0,
                                       0, 0, 6, 1, 0,  0, 0, 2, 'a', 'b' };
    memcpy(want + n, recnum, sizeof(recnum));
    n += sizeof(recnum);
    memcpy(want + n, ccmr, sizeof(ccmr));
    n += sizeof(ccmr);
    memcpy(want + n, dl, sizeof(dl));
    n += sizeof(dl);
    memcpy(want + n, dg, 48);
    n += 48;
    memcpy(want + n, content, sizeof(content));
    n += sizeof(content);
    CHECK(b.len == n && memcmp(b.data, want, n) == 0);

    struct cct_event ev;
    struct cct_error err;
    size_t used = 0;
    int end = 0;
    CHECK_RC(parse_one(want, n, &ev, &used, &end, &err), 0);
    CHECK(used == n && end == 0);
    CHECK(ev.kind == CCT_REG_RTMR && ev.index == 3 && ev.index_logged == 4 && ev.type == 6);
    CHECK(ev.n_digests == 1 && ev.digests[0].alg == CCT_ALG_SHA384 &&
          memcmp(ev.digests[0].bytes, dg, 48) == 0);
    CHECK(ev.data_len == 2 && memcmp(ev.data, "ab", 2) == 0);
    /* Every shorter prefix needs more bytes. */
    int truncs = 0;
    for (size_t k = 0; k < n; k++) {
        if (parse_one(want, k, &ev, &used, &end, &err) == CCT_ETRUNCATED) {
            truncs++;
        }
    }
    CHECK(truncs == (int)n);
    /* Through the iterator: a truncated log is an error with an offset. */
    struct cct_eventlog_options o = CCT_EVENTLOG_OPTIONS_INIT;
    o.format = CCT_LOG_CEL_TLV;
    cct_eventlog *log = NULL;
    CHECK_RC(cct_eventlog_from_memory(want, n - 1, &o, &log, &err), 0);
    CHECK(log != NULL && cct_eventlog_next(log, &ev) == CCT_ETRUNCATED);
    cct_eventlog_free(log);
    /* Oversize length. */
    uint8_t bad[200];
    memcpy(bad, want, n);
    bad[14] = 0xFF;
    CHECK_RC(parse_one(bad, n, &ev, &used, &end, &err), CCT_ELIMIT);
    /* Digest size that does not match sha384. */
    memcpy(bad, want, n);
    bad[sizeof(recnum) + sizeof(ccmr) + 5] = 0x0b; /* claims sha256 with 48 bytes */
    CHECK_RC(parse_one(bad, n, &ev, &used, &end, &err), CCT_EMALFORMED);
    /* Not starting with recnum. */
    memcpy(bad, want, n);
    bad[0] = 9;
    CHECK_RC(parse_one(bad, n, &ev, &used, &end, &err), CCT_EMALFORMED);
    /* CC MR index out of range. */
    memcpy(bad, want, n);
    bad[sizeof(recnum) + 8] = 9;
    CHECK_RC(parse_one(bad, n, &ev, &used, &end, &err), CCT_EMALFORMED);
    /* Written ahead: CEL management content, so no parser extends it; the
     * content type byte is where the encoder says. */
    struct cct_buf pb;
    size_t type_at = 0;
    cct_buf_init(&pb, 0);
    CHECK_RC(cct_cel_tlv_encode(&pb, 1, CCT_REG_RTMR, 3, CCT_ALG_SHA384, dg, 48, 6,
                                (const uint8_t *)"ab", 2, 1, &type_at),
             0);
    CHECK(pb.len == n && type_at == n - sizeof(content) && pb.data[type_at] == CCT_CEL_MGT);
    CHECK(memcmp(pb.data, want, type_at) == 0 &&
          memcmp(pb.data + type_at + 1, want + type_at + 1, n - type_at - 1) == 0);
    CHECK_RC(parse_one(pb.data, pb.len, &ev, &used, &end, &err), 0);
    CHECK(ev.cel_content_type == CCT_CEL_MGT && (ev.flags & CCT_EVENT_F_HEADER) != 0);
    /* Where the runtime log's scan finds the type byte to commit. */
    CHECK(ev.raw_len - ev.data_len - CCT_CEL_TLV_HEADER == type_at);
    cct_replay *rp = NULL;
    struct cct_register reg;
    static const uint8_t zero48[48];
    CHECK_RC(cct_replay_new(NULL, &rp), 0);
    CHECK_RC(cct_replay_event(rp, &ev), 0);
    CHECK_RC(cct_replay_lookup(rp, CCT_REG_RTMR, 3, CCT_ALG_SHA384, &reg), 0);
    CHECK(reg.n_events == 0 && memcmp(reg.digest, zero48, 48) == 0);
    cct_replay_free(rp);
    cct_buf_free(&pb);
    cct_buf_free(&b);

    char path[4096];
    if (tee_corpus("cel/gce-confidential-space-cel-tlv.bin", path, sizeof(path)) == NULL) {
        printf("SKIP: corpus cel/gce-confidential-space-cel-tlv.bin is absent\n");
        return;
    }
    CHECK_RC(cct_eventlog_from_file(path, &o, &log, &err), 0);
    int recs = 0, rc;
    while (log && (rc = cct_eventlog_next(log, &ev)) > 0) {
        CHECK(ev.kind == CCT_REG_RTMR && ev.index == 3 && ev.index_logged == 4);
        CHECK(ev.n_digests == 1 && ev.digests[0].alg == CCT_ALG_SHA384);
        recs++;
    }
    CHECK(log && cct_eventlog_error(log)->code == 0);
    CHECK(recs > 3);
    cct_eventlog_free(log);
}

static cct_context *open_sim(void)
{
    struct cct_open_options o = CCT_OPEN_OPTIONS_INIT;
    struct cct_error err;
    cct_context *ctx = NULL;
    o.platform = CCT_PLATFORM_SIM;
    o.sim_state_dir = state_dir;
    if (cct_open(&o, &ctx, &err) < 0) {
        fprintf(stderr, "open: %s\n", err.message);
        return NULL;
    }
    return ctx;
}

static void replay_equals_registers(const char *what)
{
    cct_context *ctx = open_sim();
    if (ctx == NULL) {
        fprintf(stderr, "%s: replay failed: cannot open the simulated platform\n", what);
        tee_failures++;
        return;
    }
    tee_check_rtmrs_replay(ctx, what);
    cct_close(ctx);
}

/* Open the simulated platform and expect the open to fail with want; err receives the error. */
static void open_fails(int want, struct cct_error *err, const char *what)
{
    struct cct_open_options o = CCT_OPEN_OPTIONS_INIT;
    cct_context *ctx = NULL;
    o.platform = CCT_PLATFORM_SIM;
    o.sim_state_dir = state_dir;
    cct_error_clear(err);
    int rc = cct_open(&o, &ctx, err);
    if (rc != want || ctx != NULL || err->code != want) {
        fprintf(stderr, "%s: open returned %d (err.code %d: %s), want %d\n", what, rc, err->code,
                err->message, want);
        tee_failures++;
    }
    cct_close(ctx);
}

/* Open, repair the runtime log, close; returns the repair's code. */
static int repair(void)
{
    cct_context *ctx = open_sim();
    if (ctx == NULL) {
        return -100;
    }
    int rc = cct_runtime_log_repair(ctx);
    if (rc < 0) {
        fprintf(stderr, "repair: %s\n", cct_context_error(ctx)->message);
    }
    cct_close(ctx);
    return rc;
}

static uint8_t *log_bytes(size_t *n)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/runtime.cel", state_dir);
    return tee_slurp(path, n);
}

/* A read-only open (and close) leaves the runtime log byte for byte as it was. */
static void open_changes_nothing(const char *what)
{
    size_t n0 = 0, n1 = 0;
    uint8_t *b0 = log_bytes(&n0);
    cct_context *ctx = open_sim();
    CHECK(ctx != NULL);
    cct_close(ctx);
    uint8_t *b1 = log_bytes(&n1);
    if (b0 == NULL || b1 == NULL || n0 != n1 || memcmp(b0, b1, n0) != 0) {
        fprintf(stderr, "%s: opening changed the runtime log (%zu -> %zu bytes)\n", what, n0, n1);
        tee_failures++;
    }
    free(b0);
    free(b1);
}

/* Runtime records in the log: count, pending tail flag. */
static int scan_runtime(int *pending_tail)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/runtime.cel", state_dir);
    struct cct_eventlog_options o = CCT_EVENTLOG_OPTIONS_INIT;
    o.format = CCT_LOG_CEL_TLV;
    cct_eventlog *log = NULL;
    struct cct_event ev;
    int n = 0;
    *pending_tail = 0;
    if (cct_eventlog_from_file(path, &o, &log, NULL) < 0) {
        return 0;
    }
    while (cct_eventlog_next(log, &ev) > 0) {
        /* A pending record is a CEL management record: the parser flags it as a header. */
        *pending_tail = (ev.flags & CCT_EVENT_F_HEADER) != 0;
        n++;
    }
    CHECK(cct_eventlog_error(log)->code == 0);
    cct_eventlog_free(log);
    return n;
}

#ifdef CCT_TEST_HOOKS
static void read_rtmr3(uint8_t *out)
{
    /* Straight from the state file's register line, not through the API (no recovery). */
    char path[4096];
    size_t n = 0;
    snprintf(path, sizeof(path), "%s/registers", state_dir);
    uint8_t *txt = tee_slurp(path, &n);
    char *l = txt ? strstr((char *)txt, "RTMR3 ") : NULL;
    CHECK(l != NULL);
    for (int i = 0; l && i < 48; i++) {
        unsigned v;
        sscanf(l + 6 + 2 * i, "%2x", &v);
        out[i] = (uint8_t)v;
    }
    free(txt);
}
#endif

static int child_extend(const char *crash_at, const uint8_t *dg, int times, int salt)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        if (crash_at != NULL) {
            setenv("CCT_RUNTIME_LOG_CRASH_AT", crash_at, 1);
        }
        cct_context *ctx = open_sim();
        if (ctx == NULL) {
            _exit(1);
        }
        for (int i = 0; i < times; i++) {
            uint8_t d[48];
            char msg[64];
            int ml = snprintf(msg, sizeof(msg), "child %d extend %d", salt, i);
            if (dg != NULL) {
                memcpy(d, dg, 48);
            } else {
                SHA384((const uint8_t *)msg, (size_t)ml, d);
            }
            if (cct_extend(ctx, 3, d, 48, (const uint8_t *)msg, (size_t)ml) < 0) {
                fprintf(stderr, "child extend: %s\n", cct_context_error(ctx)->message);
                _exit(2);
            }
        }
        cct_close(ctx);
        _exit(0);
    }
    return pid;
}

static int wait_code(pid_t pid)
{
    int st = 0;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

#ifdef CCT_TEST_HOOKS
static void extend_expected(uint8_t *reg, const uint8_t *d)
{
    uint8_t buf[96];
    memcpy(buf, reg, 48);
    memcpy(buf + 48, d, 48);
    SHA384(buf, 96, reg);
}
#endif

static void test_crash_and_concurrency(void)
{
    state_dir = tee_tempdir("rtlog");
    cct_context *ctx = open_sim();
    CHECK(ctx != NULL);
    uint8_t d0[48];
    SHA384((const uint8_t *)"baseline", 8, d0);
    CHECK_RC(cct_extend(ctx, 3, d0, 48, NULL, 0), 0);
    cct_close(ctx);
    replay_equals_registers("baseline");
    int pending = 0;
    CHECK(scan_runtime(&pending) == 1 && pending == 0);

    uint8_t d1[48];
    SHA384((const uint8_t *)"crash one", 9, d1);
#ifdef CCT_TEST_HOOKS
    /* 1. Crash after the log write, before the extend: record dropped. */
    uint8_t before[48], after[48], want[48];
    read_rtmr3(before);
    CHECK(wait_code(child_extend("after-log", d1, 1, 0)) == 77);
    read_rtmr3(after);
    CHECK(memcmp(before, after, 48) == 0);
    CHECK(scan_runtime(&pending) == 2 && pending == 1);
    open_changes_nothing("after-log crash");
    CHECK(scan_runtime(&pending) == 2 && pending == 1);
    replay_equals_registers("after-log crash, pending"); /* a pending record never extends */
    CHECK_RC(repair(), 0);                               /* drops it: the register did not move */
    replay_equals_registers("after-log crash");
    CHECK(scan_runtime(&pending) == 1 && pending == 0);

    /* 2. Crash after the extend, before the commit: record committed. */
    memcpy(want, before, 48);
    extend_expected(want, d1);
    CHECK(wait_code(child_extend("after-extend", d1, 1, 0)) == 77);
    read_rtmr3(after);
    CHECK(memcmp(after, want, 48) == 0);
    CHECK(scan_runtime(&pending) == 2 && pending == 1);
    open_changes_nothing("after-extend crash");
    CHECK(scan_runtime(&pending) == 2 && pending == 1);
    CHECK_RC(repair(), 0); /* commits it: the register moved */
    replay_equals_registers("after-extend crash");
    CHECK(scan_runtime(&pending) == 2 && pending == 0);
#else
    printf("crash cases skipped: the crash hook needs a -Dtest_hooks=true build\n");
#endif

    /* 3. A torn record (crash inside the append, at every byte): the open leaves it, the
     *    repair cuts it off. The record is the one the next extend would write ahead. */
    char path[4096];
    struct stat st;
    snprintf(path, sizeof(path), "%s/runtime.cel", state_dir);
    CHECK(stat(path, &st) == 0);
    off_t size = st.st_size;
    struct cct_buf rec;
    cct_buf_init(&rec, 0);
    static const uint8_t tag[] = { 'C', 'C', 'T', 'R', 4, 0, 0, 0, 't', 'o', 'r', 'n' };
    /* Its recnum follows the records already there (2 after the crash cases, 1 without). */
    uint64_t next = (uint64_t)scan_runtime(&pending);
    CHECK_RC(cct_cel_tlv_encode(&rec, next, CCT_REG_RTMR, 3, CCT_ALG_SHA384, d1, 48, 6, tag,
                                sizeof(tag), 1, NULL),
             0);
    int torn_ok = 0;
    for (size_t k = 1; k < rec.len; k++) {
        FILE *f = fopen(path, "ab");
        fwrite(rec.data, 1, k, f);
        fclose(f);
        char what[64];
        snprintf(what, sizeof(what), "torn tail of %zu bytes", k);
        open_changes_nothing(what);
        int rc = repair();
        torn_ok += rc == 0 && stat(path, &st) == 0 && st.st_size == size;
        if (stat(path, &st) == 0 && st.st_size != size) {
            CHECK(truncate(path, size) == 0);
        }
    }
    CHECK(torn_ok == (int)rec.len - 1);
    /* Zeros where the append's data never reached the disk: no record, cut as well. */
    static const uint8_t zeros[200];
    FILE *zf = fopen(path, "ab");
    fwrite(zeros, 1, sizeof(zeros), zf);
    fclose(zf);
    open_changes_nothing("zero tail");
    CHECK_RC(repair(), 0);
    CHECK(stat(path, &st) == 0 && st.st_size == size);
    cct_buf_free(&rec);
    replay_equals_registers("torn tail");

#ifdef CCT_TEST_HOOKS
    /* 4. An interrupted extend that cannot be decided (the boot log does not
     *    replay): it stays pending and further extends are refused. */
    char ccel[4096], saved[4096];
    snprintf(ccel, sizeof(ccel), "%s/ccel.bin", state_dir);
    snprintf(saved, sizeof(saved), "%s/ccel.saved", state_dir);
    CHECK(wait_code(child_extend("after-log", d1, 1, 0)) == 77);
    CHECK(rename(ccel, saved) == 0);
    tee_write(state_dir, "ccel.bin", "\x01\x02", 2);
    ctx = open_sim();
    CHECK(ctx != NULL);
    CHECK(scan_runtime(&pending) == 3 && pending == 1);
    CHECK_RC(cct_extend(ctx, 3, d1, 48, NULL, 0), CCT_EIO);
    CHECK(ctx && strstr(cct_context_error(ctx)->message, "cannot be resolved") != NULL);
    CHECK_RC(cct_runtime_log_repair(ctx), CCT_EIO);
    cct_close(ctx);
    CHECK(scan_runtime(&pending) == 3 && pending == 1);
    CHECK(rename(saved, ccel) == 0);
    CHECK_RC(repair(), 0);
    replay_equals_registers("undecided, then resolved");
    CHECK(scan_runtime(&pending) == 2 && pending == 0);
#endif

    /* 5. 4 processes x 20 extends. */
    int records = scan_runtime(&pending);
    CHECK(records >= 1 && pending == 0);
    pid_t kids[4];
    for (int c = 0; c < 4; c++) {
        kids[c] = child_extend(NULL, NULL, 20, c);
    }
    for (int c = 0; c < 4; c++) {
        CHECK(wait_code(kids[c]) == 0);
    }
    CHECK(scan_runtime(&pending) == records + 80 && pending == 0);
    replay_equals_registers("concurrent extends");
    tee_rmrf(state_dir);
    free(state_dir);
}

/* Offsets of the records in the runtime log, through the iterator. */
static int record_offsets(uint64_t *off, int max)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/runtime.cel", state_dir);
    struct cct_eventlog_options o = CCT_EVENTLOG_OPTIONS_INIT;
    o.format = CCT_LOG_CEL_TLV;
    cct_eventlog *log = NULL;
    struct cct_event ev;
    int n = 0;
    if (cct_eventlog_from_file(path, &o, &log, NULL) < 0) {
        return 0;
    }
    while (n < max && cct_eventlog_next(log, &ev) > 0) {
        off[n++] = ev.offset;
    }
    cct_eventlog_free(log);
    return n;
}

/* The whole log, byte for byte, is what was saved. */
static void log_is(const uint8_t *want, size_t n, const char *what)
{
    size_t m = 0;
    uint8_t *b = log_bytes(&m);
    if (b == NULL || m != n || memcmp(b, want, n) != 0) {
        fprintf(stderr, "%s: the runtime log changed (%zu -> %zu bytes)\n", what, n, m);
        tee_failures++;
    }
    free(b);
}

static void put_log(const uint8_t *p, size_t n)
{
    tee_write(state_dir, "runtime.cel", p, n);
}

static void test_integrity(void)
{
    char path[4096], target[4096];
    struct cct_error err;
    state_dir = tee_tempdir("rtlog-int");
    snprintf(path, sizeof(path), "%s/runtime.cel", state_dir);
    cct_context *ctx = open_sim();
    CHECK(ctx != NULL);
    for (int i = 0; ctx && i < 5; i++) {
        uint8_t d[48];
        char msg[32];
        int ml = snprintf(msg, sizeof(msg), "integrity %d", i);
        SHA384((const uint8_t *)msg, (size_t)ml, d);
        CHECK_RC(cct_extend(ctx, 3, d, 48, (const uint8_t *)msg, (size_t)ml), 0);
    }
    cct_close(ctx);
    uint64_t off[8];
    CHECK(record_offsets(off, 8) == 5);
    size_t n = 0;
    uint8_t *good = log_bytes(&n);
    CHECK(good != NULL && n > off[4]);
    uint8_t *bad = malloc(n);
    if (good == NULL || bad == NULL) {
        abort();
    }

    /* A corrupt field length (0x1000) in record 1, in each of its four fields: the open fails
     * naming record 1 and an offset inside it, and no byte of the log changes. Record layout:
     * recnum TLV at +0, index TLV at +13, digests TLV at +22, content TLV at +22 + 5 + 5 + 48. */
    static const size_t field_at[] = { 0, 13, 22, 80 };
    for (size_t i = 0; i < sizeof(field_at) / sizeof(field_at[0]); i++) {
        char what[64];
        memcpy(bad, good, n);
        size_t at = (size_t)off[1] + field_at[i] + 1;
        bad[at] = 0;
        bad[at + 1] = 0;
        bad[at + 2] = 0x10;
        bad[at + 3] = 0;
        put_log(bad, n);
        snprintf(what, sizeof(what), "length 0x1000 in field %zu of record 1", i);
        open_fails(CCT_EMALFORMED, &err, what);
        CHECK(err.event == 1 && err.offset >= (int64_t)off[1] && err.offset < (int64_t)off[2]);
        CHECK(strstr(err.message, "corrupt") != NULL && strstr(err.message, "byte offset") != NULL);
        log_is(bad, n, what);
    }
    /* A field type no record has, and a pending record that is not the last one. */
    memcpy(bad, good, n);
    bad[off[2] + 13] = 0x77;
    put_log(bad, n);
    open_fails(CCT_EMALFORMED, &err, "unknown index type in record 2");
    CHECK(err.event == 2);
    log_is(bad, n, "unknown index type in record 2");
    memcpy(bad, good, n);
    bad[off[2] + 80] = CCT_CEL_MGT;
    put_log(bad, n);
    open_fails(CCT_EMALFORMED, &err, "pending record 2 before record 3");
    CHECK(err.event == 2 && strstr(err.message, "pending") != NULL);
    log_is(bad, n, "pending record 2 before record 3");
    /* A torn tail after a committed record whose content type byte says committed is not a
     * crash inside an append (the extend writes records ahead as pending). */
    memcpy(bad, good, n);
    put_log(bad, n - 3);
    open_fails(CCT_EMALFORMED, &err, "committed last record cut short");
    CHECK(err.event == 4 && err.offset == (int64_t)off[4]);
    log_is(bad, n - 3, "committed last record cut short");
    put_log(good, n);
    open_changes_nothing("intact log");

    /* A symbolic link as the log: refused, its target is neither read nor cut. */
    snprintf(target, sizeof(target), "%s/elsewhere", state_dir);
    tee_write(state_dir, "elsewhere", "not a runtime log\n", 18);
    CHECK(unlink(path) == 0 && symlink(target, path) == 0);
    open_fails(CCT_EPERM, &err, "symbolic link");
    CHECK(strstr(err.message, "symbolic link") != NULL);
    struct stat st;
    CHECK(stat(target, &st) == 0 && st.st_size == 18);
    CHECK(unlink(path) == 0);
    put_log(good, n);

    /* Logs and directories others may write. */
    CHECK(chmod(path, 0666) == 0);
    open_fails(CCT_EPERM, &err, "world-writable log");
    CHECK(strstr(err.message, "world-writable") != NULL);
    CHECK(chmod(path, 0664) == 0);
    open_fails(CCT_EPERM, &err, "group-writable log");
    CHECK(strstr(err.message, "group-writable") != NULL);
    CHECK(chmod(path, 0644) == 0);
    CHECK(chmod(state_dir, 0777) == 0);
    open_fails(CCT_EPERM, &err, "world-writable state directory");
    CHECK(strstr(err.message, "world-writable") != NULL && strstr(err.message, state_dir) != NULL);
    CHECK(chmod(state_dir, 0700) == 0);
    if (geteuid() == 0) {
        CHECK(chown(path, 65534, 65534) == 0);
        open_fails(CCT_EPERM, &err, "log owned by another user");
        CHECK(strstr(err.message, "belongs to uid 65534") != NULL);
        CHECK(chown(path, 0, 0) == 0);
    } else {
        printf("SKIP: the owner check needs root to give a file away\n");
    }
    log_is(good, n, "after the refusals");

    /* Temporaries a killed writer left behind ("NAME.tmp.PID", or "NAME.tmpPID" from earlier
     * versions) go at the next open; other names stay. */
    tee_write(state_dir, "registers.tmp4242", "RTMR", 4);
    tee_write(state_dir, "ak.pem.tmp.7", "x", 1);
    tee_write(state_dir, "notes.tmpfile", "x", 1);
    tee_write(state_dir, "notes.tmp.x7", "x", 1);
    ctx = open_sim();
    CHECK(ctx != NULL);
    cct_close(ctx);
    char t1[4096], t2[4096], t3[4096], t4[4096];
    snprintf(t1, sizeof(t1), "%s/registers.tmp4242", state_dir);
    snprintf(t2, sizeof(t2), "%s/ak.pem.tmp.7", state_dir);
    snprintf(t3, sizeof(t3), "%s/notes.tmpfile", state_dir);
    snprintf(t4, sizeof(t4), "%s/notes.tmp.x7", state_dir);
    CHECK(stat(t1, &st) < 0 && errno == ENOENT);
    CHECK(stat(t2, &st) < 0 && errno == ENOENT);
    CHECK(stat(t3, &st) == 0);
    CHECK(stat(t4, &st) == 0);
    replay_equals_registers("integrity checks done");
    free(good);
    free(bad);
    tee_rmrf(state_dir);
    free(state_dir);
}

int main(void)
{
    test_tlv();
    test_crash_and_concurrency();
    test_integrity();
    if (tee_failures) {
        fprintf(stderr, "%d check(s) failed\n", tee_failures);
        return 1;
    }
    printf("runtime log: ok\n");
    return 0;
}
