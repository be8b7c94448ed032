/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The runtime extend log: one TCG CEL-TLV record per cct_extend(), so
 * user-space extends of RTMR3 / PCRs stay replayable.
 *
 * Crash safety (write-ahead):
 *   1. flock(LOCK_EX) on the log (serialises extenders across processes)
 *   2. append the record as pending, fsync: its content type is CEL
 *      management, which no CEL parser extends into a register
 *   3. extend the register
 *   4. rewrite that one byte to PC Client standard content, fsync
 * A crash between 2 and 4 leaves a pending tail record. Repair happens only
 * under the extend lock (before every extend, and in
 * cct_runtime_log_repair()): it reads the live register and replays every
 * log source (pending records never extend): when the live value equals
 * that replay extended with the pending digest, the extend happened and
 * the record is committed; otherwise it is dropped. A torn record (crash
 * inside step 2: the bytes after the last complete record are the start of
 * a pending record as step 2 writes it, or zeros) is cut off.
 *
 * Anything else that does not parse is corruption: nothing is cut, the
 * open fails naming the record and byte offset. Opening a context only
 * checks the log (read-only, shared lock) and never changes it. The log
 * and its directory must be owned by the caller or root and not be
 * group/world-writable; the log is never opened through a symbolic link.
 *
 * Record content: a PC Client standard event of type EV_EVENT_TAG whose
 * data is a TCG_PCClientTaggedEvent {taggedEventID "CCTR", size, caller's
 * event data}.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/crypto.h"
#include "platform/live.h"
#include "formats/cel/tlv.h"
#include "formats/tcg/tcg.h"
#include "platform/tee.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/file.h"
#include "util/hex.h"

#define RUNTIME_LOG_DEFAULT "/var/lib/cctrusted/runtime.cel"
#define RUNTIME_LOG_DEFAULT_TPM "/var/lib/cctrusted/runtime-tpm.cel"
#define RUNTIME_LOG_NAME "runtime.cel"
#define RUNTIME_LOG_MAX ((size_t)256 * 1024 * 1024)
#define RUNTIME_TAG_ID 0x52544343u /* "CCTR" little-endian */

int cct_runtime_log_path(const cct_context *ctx, char *out, size_t len)
{
    int n;
    if (ctx->runtime_log[0] != '\0') {
        n = snprintf(out, len, "%s", ctx->runtime_log);
    } else if (ctx->platform == CCT_PLATFORM_SIM && ctx->sim_state_dir[0] != '\0') {
        n = snprintf(out, len, "%s/%s", ctx->sim_state_dir, RUNTIME_LOG_NAME);
    } else if (ctx->platform == CCT_PLATFORM_TPM) {
        /* A confidential VM often has a vTPM too: keep PCR records apart from
         * RTMR records, so each context recovers only its own registers. */
        return cct_path(ctx->sysroot, RUNTIME_LOG_DEFAULT_TPM, out, len);
    } else {
        return cct_path(ctx->sysroot, RUNTIME_LOG_DEFAULT, out, len);
    }
    return (n < 0 || (size_t)n >= len) ? CCT_ELIMIT : 0;
}

static enum cct_reg_kind platform_kind(const cct_context *ctx)
{
    return (ctx->platform == CCT_PLATFORM_TDX || ctx->platform == CCT_PLATFORM_SIM) ? CCT_REG_RTMR
                                                                                    : CCT_REG_PCR;
}

#ifdef CCT_TEST_HOOKS
/* Test hook, built only with -Dtest_hooks=true: crash at a named step to
 * exercise recovery. Not static, so tests can see with nm whether a build
 * has it. */
void cct_test_crash_point(const char *step);
void cct_test_crash_point(const char *step)
{
    const char *v = secure_getenv("CCT_RUNTIME_LOG_CRASH_AT");
    if (v != NULL && strcmp(v, step) == 0) {
        _exit(77);
    }
}
#define crash_point(step) cct_test_crash_point(step)
#else
#define crash_point(step) ((void)0)
#endif

static int mkdir_parents(char *path)
{
    for (char *s = strchr(path + 1, '/'); s != NULL; s = strchr(s + 1, '/')) {
        *s = '\0';
        int r = mkdir(path, 0755);
        int e = errno;
        *s = '/';
        if (r < 0 && e != EEXIST) {
            return -e;
        }
    }
    return 0;
}

/* What a scan of the log found. */
struct scan {
    uint64_t records;      /* complete records, pending included */
    size_t end;            /* byte length of the complete records */
    int torn;              /* bytes after end are a torn pending record */
    int tail_pending;      /* last complete record is pending */
    size_t tail_off;       /* its offset */
    size_t tail_type_at;   /* offset of its content type byte */
    struct cct_event tail; /* its view (into buf) */
    uint8_t *buf;
    size_t len;
};

static void scan_free(struct scan *s)
{
    free(s->buf);
    s->buf = NULL;
}

/* Walks the bytes after the last complete record, field by field. */
struct prefix {
    const uint8_t *p;
    size_t n;
    size_t at;
    int bad;
};

/* The next k bytes hold v big-endian (those of them that are present). */
static void pfx_expect(struct prefix *x, size_t k, uint64_t v)
{
    for (size_t i = 0; i < k; i++) {
        if (x->at + i < x->n && x->p[x->at + i] != (uint8_t)(v >> (8 * (k - 1 - i)))) {
            x->bad = 1;
        }
    }
    x->at += k;
}

/* Read the next k bytes big-endian; 0 when they are not all present. */
static int pfx_take(struct prefix *x, size_t k, uint64_t *v)
{
    int whole = x->at <= x->n && k <= x->n - x->at;
    *v = 0;
    for (size_t i = 0; whole && i < k; i++) {
        *v = (*v << 8) | x->p[x->at + i];
    }
    x->at += k;
    return whole;
}

/*
 * Is [p, p + n) the start of a record as cct_runtime_log_extend() writes it
 * in step 2, cut short by a crash: every field present is that of a
 * pending record numbered recnum, and the record runs past n? Layout
 * (formats/cel/tlv.c): recnum TLV (8 bytes), index TLV (4 bytes), digests
 * TLV holding one digest TLV, content TLV of type CEL management holding
 * {0: event type (4 bytes)} and {1: event data}.
 */
static int torn_record(const uint8_t *p, size_t n, uint64_t recnum)
{
    struct prefix x = { .p = p, .n = n, .at = 0, .bad = 0 };
    uint64_t v, dl, alg, cl;
    pfx_expect(&x, 1, CCT_CEL_T_RECNUM);
    pfx_expect(&x, 4, 8);
    pfx_expect(&x, 8, recnum);
    if (!pfx_take(&x, 1, &v)) {
        return !x.bad;
    }
    if (v != CCT_CEL_T_PCR && v != CCT_CEL_T_CCMR) {
        return 0;
    }
    pfx_expect(&x, 4, 4);
    x.at += 4;
    pfx_expect(&x, 1, CCT_CEL_T_DIGESTS);
    if (x.bad || !pfx_take(&x, 4, &dl) || !pfx_take(&x, 1, &alg)) {
        return !x.bad;
    }
    size_t size = cct_alg_digest_size((uint16_t)alg);
    if (size == 0 || dl != CCT_CEL_TLV_HEADER + size) {
        return 0;
    }
    pfx_expect(&x, 4, size);
    x.at += size;
    pfx_expect(&x, 1, CCT_CEL_MGT);
    if (x.bad || !pfx_take(&x, 4, &cl)) {
        return !x.bad;
    }
    if (cl < 2 * CCT_CEL_TLV_HEADER + 4 || cl - (2 * CCT_CEL_TLV_HEADER + 4) > CCT_MAX_EVENT_SIZE) {
        return 0;
    }
    pfx_expect(&x, 1, CCT_CEL_PCCLIENT_EVENT_TYPE);
    pfx_expect(&x, 4, 4);
    x.at += 4;
    pfx_expect(&x, 1, CCT_CEL_PCCLIENT_EVENT_DATA);
    pfx_expect(&x, 4, cl - (2 * CCT_CEL_TLV_HEADER + 4));
    /* A record that ends within n is complete, not torn. */
    return !x.bad && x.at + (cl - (2 * CCT_CEL_TLV_HEADER + 4)) > n;
}

/*
 * A crash can also leave the file longer than what reached the disk, the
 * rest read as zeros (file systems that update the size before the data):
 * zeros are no record, so cutting them loses nothing.
 */
static int zero_tail(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i] != 0) {
            return 0;
        }
    }
    return 1;
}

/* Read the log open at fd and walk its records. Corruption fails (nothing is changed here). */
static int scan_log(cct_context *ctx, int fd, const char *path, struct scan *s)
{
    memset(s, 0, sizeof(*s));
    if (lseek(fd, 0, SEEK_SET) < 0) {
        int e = errno;
        return cct_err_sys(&ctx->err, CCT_EIO, e, "cannot read runtime log %s", path);
    }
    int r = cct_read_fd(fd, path, RUNTIME_LOG_MAX, &s->buf, &s->len, &ctx->err);
    if (r < 0) {
        return r;
    }
    /* The same parser as the event log iterator, so the log is read back the way replay reads it.
     */
    struct cct_cel_state st;
    cct_cel_init(&st, CCT_LOG_CEL_TLV, CCT_MAX_EVENT_SIZE);
    size_t off = 0;
    struct cct_error why;
    cct_error_clear(&why);
    while (off < s->len) {
        struct cct_event ev;
        size_t used = 0;
        r = cct_cel_record(&st, s->buf + off, s->len - off, off, s->records, &ev, &used, &why);
        if ((r == CCT_ETRUNCATED && torn_record(s->buf + off, s->len - off, s->records)) ||
            (r < 0 && zero_tail(s->buf + off, s->len - off))) {
            s->torn = 1; /* a crash inside an append: stops at s->end */
            break;
        }
        if (r == 0 && s->tail_pending) {
            /* Extends are refused after an undecided record, so one can only be last. */
            r = cct_err(&why, CCT_EMALFORMED, (int64_t)s->records - 1, (int64_t)s->tail_off,
                        "an undecided (pending) record is followed by another record");
        } else if (r == CCT_ETRUNCATED) {
            r = cct_err(&why, CCT_EMALFORMED, (int64_t)s->records, (int64_t)off,
                        "the record runs past the end of the log but is not an interrupted append");
        }
        if (r < 0) {
            int64_t rec = why.event >= 0 ? why.event : (int64_t)s->records;
            int64_t at = why.offset >= 0 ? why.offset : (int64_t)off;
            cct_err(&ctx->err, r, rec, at,
                    "runtime log %s is corrupt at record %lld, byte offset %lld: %.120s; "
                    "the log was not changed",
                    path, (long long)rec, (long long)at, why.message);
            scan_free(s);
            return r;
        }
        /* Content is the last field and, for management records, ev.data is its whole value. */
        s->tail_pending = ev.cel_content_type == CCT_CEL_MGT;
        s->tail_type_at = s->tail_pending ? off + ev.raw_len - ev.data_len - CCT_CEL_TLV_HEADER : 0;
        s->tail_off = off;
        s->tail = ev;
        s->records++;
        off += used;
        s->end = off;
    }
    return 0;
}

static int sync_fd(cct_context *ctx, int fd, const char *path)
{
    if (fsync(fd) < 0) {
        int e = errno;
        return cct_err_sys(&ctx->err, CCT_EIO, e, "fsync %s", path);
    }
    return 0;
}

static int commit_at(cct_context *ctx, int fd, size_t off, const char *path)
{
    uint8_t t = CCT_CEL_PCCLIENT_STD;
    if (pwrite(fd, &t, 1, (off_t)off) != 1) {
        int e = errno;
        return cct_err_sys(&ctx->err, CCT_EIO, e, "cannot commit a record in %s", path);
    }
    return sync_fd(ctx, fd, path);
}

static int truncate_at(cct_context *ctx, int fd, size_t off, const char *path)
{
    if (ftruncate(fd, (off_t)off) < 0) {
        int e = errno;
        return cct_err_sys(&ctx->err, CCT_EIO, e, "cannot truncate %s", path);
    }
    return sync_fd(ctx, fd, path);
}

/*
 * Decide a pending tail record (lock held). Returns 0 when the log has no
 * pending tail afterwards, 1 when it cannot be decided now (the register
 * cannot be read or the logs do not replay): the record stays pending,
 * which never extends a replay, and ctx->err says why.
 */
static int recover_locked(cct_context *ctx, int fd, const char *path)
{
    struct scan s;
    int r = scan_log(ctx, fd, path, &s);
    if (r < 0) {
        return r;
    }
    if (s.torn) {
        r = truncate_at(ctx, fd, s.end, path);
        if (r < 0) {
            scan_free(&s);
            return r;
        }
    }
    if (!s.tail_pending || s.tail.n_digests != 1 || ctx->ops->read == NULL) {
        scan_free(&s);
        return 0;
    }
    const struct cct_digest *d = &s.tail.digests[0];
    uint8_t pend[CCT_MAX_DIGEST_SIZE];
    uint16_t alg = d->alg;
    uint32_t index = s.tail.index;
    enum cct_reg_kind kind = s.tail.kind;
    size_t size = d->size;
    size_t tail_off = s.tail_off;
    size_t tail_type_at = s.tail_type_at;
    memcpy(pend, d->bytes, size);
    scan_free(&s);

    if (kind != platform_kind(ctx)) {
        /* Another platform's record (a shared runtime_log path): not ours to decide. */
        cct_err(&ctx->err, CCT_EINVAL, -1, -1,
                "the pending record belongs to another register kind");
        return 1;
    }
    struct cct_measurement live;
    r = ctx->ops->read(ctx, index, alg, &live);
    if (r < 0) {
        return 1;
    }
    cct_replay *rp = NULL;
    struct cct_register reg;
    r = cct_live_replay(ctx, NULL, &rp);
    if (r == 0) {
        r = cct_replay_lookup(rp, kind, index, alg, &reg);
    }
    cct_replay_free(rp);
    if (r < 0 || reg.size != size || live.size != size) {
        if (r >= 0) {
            cct_err(&ctx->err, CCT_EMALFORMED, -1, -1,
                    "register sizes disagree with the runtime log");
        }
        return 1;
    }
    uint8_t buf[2 * CCT_MAX_DIGEST_SIZE], next[CCT_MAX_DIGEST_SIZE];
    memcpy(buf, reg.digest, size);
    memcpy(buf + size, pend, size);
    if (cct_digest(alg, buf, 2 * size, next) < 0) {
        cct_err(&ctx->err, CCT_EUNSUPPORTED, -1, -1, "cannot hash with algorithm 0x%04x", alg);
        return 1;
    }
    if (cct_memeq_ct(live.digest, next, size)) {
        return commit_at(ctx, fd, tail_type_at, path);
    }
    return truncate_at(ctx, fd, tail_off, path);
}

/* The directory of path must be one only the caller or root can change. */
static int check_parent(cct_context *ctx, const char *path)
{
    char dir[CCT_PATH_MAX];
    snprintf(dir, sizeof(dir), "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash == NULL) {
        snprintf(dir, sizeof(dir), ".");
    } else if (slash == dir) {
        dir[1] = '\0';
    } else {
        *slash = '\0';
    }
    return cct_check_dir(dir, &ctx->err);
}

/*
 * Open the runtime log: for writing (LOCK_EX, created with its directories
 * when create is set) or reading (LOCK_SH). Never through a symbolic link,
 * only a regular file owned by the caller or root in such a directory, and
 * neither of them group/world-writable.
 */
static int open_log(cct_context *ctx, const char *path, int write, int create, int *out)
{
    if (create) {
        char tmp[CCT_PATH_MAX];
        snprintf(tmp, sizeof(tmp), "%s", path);
        int e = mkdir_parents(tmp);
        if (e < 0) {
            return cct_err_sys(&ctx->err, cct_code_from_errno(-e), -e,
                               "cannot create the directory of %s", path);
        }
    }
    int r = check_parent(ctx, path);
    if (r < 0) {
        return r;
    }
    int fd = -1;
    r = cct_open_file(path, write ? O_RDWR | (create ? O_CREAT : 0) : O_RDONLY,
                      CCT_FILE_NOFOLLOW | CCT_FILE_PRIVATE, &fd, &ctx->err);
    if (r < 0) {
        return r;
    }
    while (flock(fd, write ? LOCK_EX : LOCK_SH) < 0) {
        if (errno != EINTR) {
            int e = errno;
            close(fd);
            return cct_err_sys(&ctx->err, CCT_EIO, e, "cannot lock runtime log %s", path);
        }
    }
    *out = fd;
    return 0;
}

int cct_runtime_log_check(cct_context *ctx)
{
    char path[CCT_PATH_MAX];
    int fd = -1;
    if (cct_runtime_log_path(ctx, path, sizeof(path)) < 0) {
        return 0;
    }
    struct stat st;
    if (lstat(path, &st) < 0 && errno == ENOENT) {
        return 0; /* no log yet */
    }
    struct cct_error saved = ctx->err;
    int r = open_log(ctx, path, 0, 0, &fd);
    if (r == CCT_ENOTFOUND || (r == CCT_EPERM && ctx->err.sys_errno == EACCES)) {
        /* No log yet, or one this caller may not read (its readers will say so). */
        ctx->err = saved;
        return 0;
    }
    if (r < 0) {
        return r;
    }
    struct scan s;
    r = scan_log(ctx, fd, path, &s);
    close(fd);
    if (r < 0) {
        return r;
    }
    scan_free(&s);
    return 0;
}

int cct_runtime_log_repair(cct_context *ctx)
{
    char path[CCT_PATH_MAX];
    int fd = -1;
    if (ctx == NULL) {
        return CCT_EINVAL;
    }
    if (cct_runtime_log_path(ctx, path, sizeof(path)) < 0) {
        return cct_err(&ctx->err, CCT_ELIMIT, -1, -1, "runtime log path too long");
    }
    struct cct_error saved = ctx->err;
    int r = open_log(ctx, path, 1, 0, &fd);
    if (r == CCT_ENOTFOUND) {
        ctx->err = saved;
        return 0;
    }
    if (r < 0) {
        return r;
    }
    r = recover_locked(ctx, fd, path);
    close(fd);
    if (r > 0) {
        char why[CCT_ERROR_MESSAGE_MAX / 2];
        snprintf(why, sizeof(why), "%.120s", ctx->err.message);
        r = cct_err(&ctx->err, CCT_EIO, -1, -1,
                    "%s ends with an interrupted extend that cannot be resolved (%s)", path, why);
    }
    return r;
}

int cct_runtime_log_extend(cct_context *ctx, uint32_t index, const uint8_t *digest,
                           size_t digest_len, const uint8_t *event_data, size_t event_data_len)
{
    uint16_t alg = 0;
    int r = ctx->ops->default_alg ? ctx->ops->default_alg(ctx, &alg) : CCT_EUNSUPPORTED;
    if (r < 0) {
        return r;
    }
    if (ctx->platform == CCT_PLATFORM_TPM && cct_alg_digest_size(alg) != digest_len) {
        /* The TPM extends any allocated bank whose digest size matches. */
        static const uint16_t by_size[] = { CCT_ALG_SHA1, CCT_ALG_SHA256, CCT_ALG_SHA384,
                                            CCT_ALG_SHA512 };
        for (size_t i = 0; i < sizeof(by_size) / sizeof(by_size[0]); i++) {
            if (cct_alg_digest_size(by_size[i]) == digest_len) {
                alg = by_size[i];
            }
        }
    }
    if (cct_alg_digest_size(alg) != digest_len || alg > 0xFF) {
        return cct_err(&ctx->err, CCT_EINVAL, -1, -1,
                       "extend needs a %zu-byte %s digest, got %zu bytes", cct_alg_digest_size(alg),
                       cct_alg_name(alg) ? cct_alg_name(alg) : "?", digest_len);
    }
    if (event_data_len > CCT_MAX_EVENT_SIZE - 8) {
        return cct_err(&ctx->err, CCT_ELIMIT, -1, -1, "event data larger than CCT_MAX_EVENT_SIZE");
    }
    char path[CCT_PATH_MAX];
    if (cct_runtime_log_path(ctx, path, sizeof(path)) < 0) {
        return cct_err(&ctx->err, CCT_ELIMIT, -1, -1, "runtime log path too long");
    }
    int fd = -1;
    r = open_log(ctx, path, 1, 1, &fd);
    if (r < 0) {
        return r;
    }
    struct scan s;
    struct cct_buf b;
    cct_buf_init(&b, 0);
    r = recover_locked(ctx, fd, path);
    if (r > 0) {
        /* Appending after an undecided record would make the log lie. */
        char why[CCT_ERROR_MESSAGE_MAX / 2];
        snprintf(why, sizeof(why), "%.120s", ctx->err.message);
        r = cct_err(&ctx->err, CCT_EIO, -1, -1,
                    "%s ends with an interrupted extend that cannot be resolved (%s)", path, why);
    }
    if (r == 0) {
        r = scan_log(ctx, fd, path, &s);
    }
    if (r < 0) {
        close(fd);
        return r;
    }
    uint64_t recnum = s.records;
    size_t at = s.end;
    scan_free(&s);

    /* TCG_PCClientTaggedEvent (PFP "EV_EVENT_TAG"): id u32, size u32, data. */
    uint8_t tag[8];
    uint32_t sz = (uint32_t)event_data_len;
    for (int i = 0; i < 4; i++) {
        tag[i] = (uint8_t)(RUNTIME_TAG_ID >> (8 * i));
        tag[4 + i] = (uint8_t)(sz >> (8 * i));
    }
    struct cct_buf data;
    cct_buf_init(&data, 0);
    if (cct_buf_append(&data, tag, sizeof(tag)) < 0 ||
        (event_data_len > 0 && cct_buf_append(&data, event_data, event_data_len) < 0)) {
        cct_buf_free(&data);
        close(fd);
        return cct_err(&ctx->err, CCT_ENOMEM, -1, -1, "out of memory");
    }
    size_t type_at = 0;
    r = cct_cel_tlv_encode(&b, recnum, platform_kind(ctx), index, alg, digest, digest_len,
                           EV_EVENT_TAG, data.data, data.len, 1, &type_at);
    cct_buf_free(&data);
    if (r < 0) {
        cct_buf_free(&b);
        close(fd);
        return cct_err(&ctx->err, r, -1, -1, "cannot encode the runtime record");
    }
    ssize_t w = pwrite(fd, b.data, b.len, (off_t)at);
    if (w < 0 || (size_t)w != b.len) {
        int e = w < 0 ? errno : EIO;
        cct_buf_free(&b);
        ftruncate(fd, (off_t)at);
        close(fd);
        return cct_err_sys(&ctx->err, CCT_EIO, e, "cannot append to runtime log %s", path);
    }
    cct_buf_free(&b);
    r = sync_fd(ctx, fd, path);
    if (r < 0) {
        ftruncate(fd, (off_t)at);
        close(fd);
        return r;
    }
    crash_point("after-log");
    r = ctx->ops->extend(ctx, index, digest, digest_len);
    if (r < 0) {
        /* The register did not move: the record must go. */
        struct cct_error saved = ctx->err;
        truncate_at(ctx, fd, at, path);
        ctx->err = saved;
        close(fd);
        return r;
    }
    crash_point("after-extend");
    r = commit_at(ctx, fd, at + type_at, path);
    close(fd);
    return r;
}

int cct_runtime_log_source(cct_context *ctx, struct cct_log_source *out, size_t max, size_t *n)
{
    char path[CCT_PATH_MAX];
    struct stat st;
    if (cct_runtime_log_path(ctx, path, sizeof(path)) < 0 || lstat(path, &st) < 0) {
        return 0;
    }
    if (S_ISLNK(st.st_mode)) {
        return cct_err(&ctx->err, CCT_EPERM, -1, -1,
                       "runtime log %s is a symbolic link: refusing it", path);
    }
    if (st.st_size == 0) {
        return 0;
    }
    if (*n >= max) {
        return cct_err(&ctx->err, CCT_ELIMIT, -1, -1, "too many log sources");
    }
    if (cct_log_source_add(out, max, n, path, CCT_LOG_CEL_TLV, "runtime") < 0) {
        return cct_err(&ctx->err, CCT_ELIMIT, -1, -1, "runtime log path too long");
    }
    return 0;
}
