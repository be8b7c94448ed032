/* SPDX-License-Identifier: Apache-2.0 */
/*
 * configfs-tsm report protocol (Linux Documentation/ABI/testing/configfs-tsm):
 *
 *   mkdir report/<unique>          one entry per request, never shared
 *   read  generation               g0 (0 on a fresh entry)
 *   write privlevel (SNP, opt.)    each write increments generation
 *   write inblob                   REPORTDATA / challenge
 *   read  outblob                  the report, generated on first read
 *   read  auxblob, provider        optional extras and who answered
 *   read  generation               must equal g0 + our writes, else another
 *                                  writer raced us and outblob may belong to
 *                                  its inblob: retry with a fresh entry
 *   rmdir report/<unique>          always
 *
 * A userspace provider (tests, emulators) may publish outblob a little
 * after inblob appears on a plain directory, so a missing or empty outblob
 * is polled for a bounded time before it counts as an error.
 *
 * Also: whole-file helpers for sysfs/configfs pseudo-files, cpuinfo flags.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "platform/tee.h"
#include "util/error.h"
#include "util/file.h"
#include "util/hex.h"

/* How long to wait for a userspace provider to publish outblob. */
#define TSM_OUTBLOB_WAIT_MS 3000
#define TSM_POLL_MS 5

int cct_tee_read(const char *path, uint8_t *buf, size_t max, size_t *len, struct cct_error *err)
{
    int fd = -1;
    int rc = cct_open_file(path, O_RDONLY, 0, &fd, err);
    if (rc < 0) {
        return rc;
    }
    size_t n = 0;
    for (;;) {
        if (n == max) {
            /* One more byte tells "exactly max" from "larger". */
            uint8_t extra;
            ssize_t r = read(fd, &extra, 1);
            if (r < 0 && errno == EINTR) {
                continue;
            }
            close(fd);
            if (r > 0) {
                return cct_err(err, CCT_ELIMIT, -1, (int64_t)n, "%s is larger than %zu bytes", path,
                               max);
            }
            break;
        }
        ssize_t r = read(fd, buf + n, max - n);
        if (r < 0) {
            if (errno == EINTR) {
                continue;
            }
            int e = errno;
            close(fd);
            return cct_err_sys(err, cct_code_from_errno(e), e, "cannot read %s", path);
        }
        if (r == 0) {
            close(fd);
            break;
        }
        n += (size_t)r;
    }
    *len = n;
    return 0;
}

int cct_tee_write(const char *path, const void *p, size_t n, int create, struct cct_error *err)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT && create) {
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    }
    if (fd < 0) {
        int e = errno;
        return cct_err_sys(err, cct_code_from_errno(e), e, "cannot open %s for writing", path);
    }
    const uint8_t *b = p;
    size_t done = 0;
    while (done < n) {
        ssize_t r = write(fd, b + done, n - done);
        if (r < 0) {
            if (errno == EINTR) {
                continue;
            }
            int e = errno;
            close(fd);
            return cct_err_sys(err, cct_code_from_errno(e), e, "cannot write %s", path);
        }
        done += (size_t)r;
    }
    /* configfs binary attributes are committed on release: close() reports it. */
    if (close(fd) < 0) {
        int e = errno;
        return cct_err_sys(err, cct_code_from_errno(e), e, "writing %s failed on close", path);
    }
    return 0;
}

int cct_tee_exists(const char *sysroot, const char *path, char *full, size_t len)
{
    struct stat st;
    if (cct_path(sysroot, path, full, len) < 0) {
        return 0;
    }
    return stat(full, &st) == 0;
}

int cct_cpuinfo_has_flag(const char *sysroot, const char *flag)
{
    char path[CCT_PATH_MAX];
    if (cct_path(sysroot, "/proc/cpuinfo", path, sizeof(path)) < 0) {
        return CCT_ELIMIT;
    }
    /* A regular file only: a FIFO planted in a sysroot must not block detection. */
    int fd = -1;
    if (cct_open_file(path, O_RDONLY, 0, &fd, NULL) < 0) {
        return CCT_ENOTFOUND;
    }
    FILE *f = fdopen(fd, "re");
    if (f == NULL) {
        close(fd);
        return CCT_ENOTFOUND;
    }
    char line[8192];
    size_t fl = strlen(flag);
    int found = 0;
    while (!found && fgets(line, sizeof(line), f) != NULL) {
        if (strncmp(line, "flags", 5) != 0) {
            continue;
        }
        const char *c = strchr(line, ':');
        while (c != NULL && *c != '\0') {
            while (*c == ' ' || *c == ':' || *c == '\t') {
                c++;
            }
            size_t w = strcspn(c, " \t\n");
            if (w == fl && strncmp(c, flag, fl) == 0) {
                found = 1;
                break;
            }
            if (w == 0) {
                break;
            }
            c += w;
        }
        /* Every CPU repeats the flags; the first line decides. */
        break;
    }
    fclose(f);
    return found;
}

int cct_tsm_probe(const char *sysroot, struct cct_detection *d, enum cct_platform p)
{
    char full[CCT_PATH_MAX];
    int found = cct_tee_exists(sysroot, CCT_TSM_REPORT_DIR, full, sizeof(full));
    cct_probe_add(
        d, p, "configfs-tsm report", full, found,
        found ? "configfs-tsm report interface present (provider named per request)"
              : "no configfs-tsm report directory (kernel < 6.7, configfs not mounted, or no TSM)");
    return found;
}

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {
    }
}

/* generation is a decimal counter. */
static int read_generation(const char *dir, unsigned long long *out, struct cct_error *err)
{
    char path[CCT_PATH_MAX];
    uint8_t buf[32];
    size_t n = 0;
    int r = snprintf(path, sizeof(path), "%s/generation", dir);
    if (r < 0 || (size_t)r >= sizeof(path)) {
        return cct_err(err, CCT_ELIMIT, -1, -1, "path too long");
    }
    r = cct_tee_read(path, buf, sizeof(buf) - 1, &n, err);
    if (r == CCT_ENOTFOUND) {
        /* A userspace provider that has not published generation yet: 0. */
        *out = 0;
        return 0;
    }
    if (r < 0) {
        return r;
    }
    buf[n] = '\0';
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull((const char *)buf, &end, 10);
    if (errno != 0 || end == (char *)buf || (*end != '\0' && *end != '\n')) {
        return cct_err(err, CCT_EMALFORMED, -1, -1, "%s: generation is not a number", path);
    }
    *out = v;
    return 0;
}

/*
 * Read a blob attribute. The kernel refuses a read with EFBIG when the blob
 * does not fit the buffer it is offered: grow up to CCT_TSM_BLOB_MAX.
 * missing_ok: ENOENT and an empty file yield *len 0.
 */
static int read_blob(const char *path, int missing_ok, uint8_t **out, size_t *len,
                     struct cct_error *err)
{
    size_t cap = 16 * 1024;
    for (;;) {
        uint8_t *buf = malloc(cap);
        if (buf == NULL) {
            return cct_err(err, CCT_ENOMEM, -1, -1, "out of memory");
        }
        size_t n = 0;
        int r = cct_tee_read(path, buf, cap, &n, err);
        if (r == 0) {
            *out = buf;
            *len = n;
            return 0;
        }
        free(buf);
        int grow =
            (r == CCT_ELIMIT && (err == NULL || err->sys_errno == EFBIG || err->sys_errno == 0));
        if (grow) {
            if (cap >= CCT_TSM_BLOB_MAX) {
                return cct_err(err, CCT_ELIMIT, -1, -1, "%s is larger than %u bytes", path,
                               CCT_TSM_BLOB_MAX);
            }
            cap *= 2;
            continue;
        }
        if (r == CCT_ENOTFOUND && missing_ok) {
            *out = NULL;
            *len = 0;
            cct_error_clear(err);
            return 0;
        }
        return r;
    }
}

static int make_entry(cct_context *ctx, char *dir, size_t len)
{
    char base[CCT_PATH_MAX];
    uint8_t rnd[8];
    char hex[sizeof(rnd) * 2 + 1];
    int r = cct_path(ctx->sysroot, CCT_TSM_REPORT_DIR, base, sizeof(base));
    if (r < 0) {
        return cct_err(&ctx->err, r, -1, -1, "sysroot path too long");
    }
    for (int attempt = 0; attempt < 8; attempt++) {
        if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd)) {
            int e = errno;
            return cct_err_sys(&ctx->err, CCT_EIO, e, "getrandom failed");
        }
        cct_hex_encode(rnd, sizeof(rnd), hex);
        int n = snprintf(dir, len, "%s/cct-%d-%s", base, (int)getpid(), hex);
        if (n < 0 || (size_t)n >= len) {
            return cct_err(&ctx->err, CCT_ELIMIT, -1, -1, "report entry path too long");
        }
        if (mkdir(dir, 0700) == 0) {
            return 0;
        }
        if (errno != EEXIST) {
            int e = errno;
            return cct_err_sys(&ctx->err, cct_code_from_errno(e), e,
                               "cannot create report entry %s", dir);
        }
    }
    return cct_err(&ctx->err, CCT_EIO, -1, -1, "cannot find a free report entry name under %s",
                   base);
}

/* Remove the entry. configfs removes attributes with the directory; a plain
 * directory (userspace provider) needs its files unlinked first. */
static void remove_entry(const char *dir)
{
    if (rmdir(dir) == 0 || errno != ENOTEMPTY) {
        return;
    }
    static const char *const files[] = { "inblob",     "outblob",   "auxblob",        "provider",
                                         "generation", "privlevel", "privlevel_floor" };
    char p[CCT_PATH_MAX];
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        int n = snprintf(p, sizeof(p), "%s/%s", dir, files[i]);
        if (n > 0 && (size_t)n < sizeof(p)) {
            unlink(p);
        }
    }
    rmdir(dir);
}

static int attr_path(struct cct_error *err, char *out, size_t len, const char *dir,
                     const char *name)
{
    int n = snprintf(out, len, "%s/%s", dir, name);
    if (n < 0 || (size_t)n >= len) {
        return cct_err(err, CCT_ELIMIT, -1, -1, "path too long");
    }
    return 0;
}

/* 1 = generation raced (retry), 0 = done, < 0 = error. */
static int tsm_attempt(cct_context *ctx, const char *dir, const struct cct_tsm_request *req,
                       struct cct_report *out)
{
    char p[CCT_PATH_MAX];
    unsigned long long g0 = 0, g1 = 0;
    unsigned writes = 0;
    uint8_t *blob = NULL, *aux = NULL;
    size_t blob_len = 0, aux_len = 0;
    int r = read_generation(dir, &g0, &ctx->err);
    if (r < 0) {
        return r;
    }
    if (req->privlevel >= 0) {
        char lvl[16];
        int n = snprintf(lvl, sizeof(lvl), "%d\n", req->privlevel);
        if ((r = attr_path(&ctx->err, p, sizeof(p), dir, "privlevel")) < 0 ||
            (r = cct_tee_write(p, lvl, (size_t)n, 1, &ctx->err)) < 0) {
            return r;
        }
        writes++;
    }
    if ((r = attr_path(&ctx->err, p, sizeof(p), dir, "inblob")) < 0 ||
        (r = cct_tee_write(p, req->inblob, req->inblob_len, 1, &ctx->err)) < 0) {
        return r;
    }
    writes++;
    if ((r = attr_path(&ctx->err, p, sizeof(p), dir, "outblob")) < 0) {
        return r;
    }
    for (long waited = 0;; waited += TSM_POLL_MS) {
        r = read_blob(p, 1, &blob, &blob_len, &ctx->err);
        if (r < 0) {
            return r;
        }
        if (blob_len > 0) {
            break;
        }
        free(blob);
        blob = NULL;
        if (waited >= TSM_OUTBLOB_WAIT_MS) {
            return cct_err(&ctx->err, CCT_EIO, -1, -1, "%s: no report was produced within %d ms", p,
                           TSM_OUTBLOB_WAIT_MS);
        }
        sleep_ms(TSM_POLL_MS);
    }
    if (req->want_aux) {
        if ((r = attr_path(&ctx->err, p, sizeof(p), dir, "auxblob")) < 0 ||
            (r = read_blob(p, 1, &aux, &aux_len, &ctx->err)) < 0) {
            free(blob);
            return r;
        }
    }
    char provider[64] = "";
    uint8_t pbuf[64];
    size_t plen = 0;
    if ((r = attr_path(&ctx->err, p, sizeof(p), dir, "provider")) < 0 ||
        (r = cct_tee_read(p, pbuf, sizeof(pbuf) - 1, &plen, &ctx->err)) < 0) {
        free(blob);
        free(aux);
        return r;
    }
    while (plen > 0 && (pbuf[plen - 1] == '\n' || pbuf[plen - 1] == '\0')) {
        plen--;
    }
    memcpy(provider, pbuf, plen);
    provider[plen] = '\0';
    r = read_generation(dir, &g1, &ctx->err);
    if (r < 0) {
        free(blob);
        free(aux);
        return r;
    }
    if (g1 != g0 + writes) {
        free(blob);
        free(aux);
        cct_err(&ctx->err, CCT_EIO, -1, -1,
                "configfs-tsm entry %s was written concurrently: generation %llu, expected %llu "
                "after our %u "
                "write(s); the report may answer another request",
                dir, g1, g0 + writes, writes);
        return 1;
    }
    if (req->expect_provider != NULL && strcmp(provider, req->expect_provider) != 0) {
        free(blob);
        free(aux);
        return cct_err(&ctx->err, CCT_EUNSUPPORTED, -1, -1,
                       "configfs-tsm provider is \"%s\", expected \"%s\"", provider,
                       req->expect_provider);
    }
    out->data = blob;
    out->len = blob_len;
    out->aux = aux;
    out->aux_len = aux_len;
    snprintf(out->provider, sizeof(out->provider), "%s", provider);
    return 0;
}

int cct_tsm_report(cct_context *ctx, const struct cct_tsm_request *req, struct cct_report *out)
{
    if (req->inblob == NULL || req->inblob_len == 0 || req->inblob_len > 64) {
        return cct_err(&ctx->err, CCT_EINVAL, -1, -1, "configfs-tsm inblob must be 1-64 bytes");
    }
    int r = 0;
    for (int attempt = 0; attempt < CCT_TSM_RETRIES; attempt++) {
        char dir[CCT_PATH_MAX];
        r = make_entry(ctx, dir, sizeof(dir));
        if (r < 0) {
            return r;
        }
        r = tsm_attempt(ctx, dir, req, out);
        remove_entry(dir);
        if (r <= 0) {
            return r;
        }
    }
    /* Every attempt raced: keep the message of the last one, say so. */
    char last[CCT_ERROR_MESSAGE_MAX];
    snprintf(last, sizeof(last), "%s", ctx->err.message);
    return cct_err(&ctx->err, CCT_EIO, -1, -1, "gave up after %d attempts: %s", CCT_TSM_RETRIES,
                   last);
}
