/* SPDX-License-Identifier: Apache-2.0 */
#include "util/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/error.h"

static const char *file_kind(mode_t m)
{
    if (S_ISFIFO(m)) {
        return "a FIFO";
    }
    if (S_ISCHR(m)) {
        return "a character device";
    }
    if (S_ISBLK(m)) {
        return "a block device";
    }
    if (S_ISSOCK(m)) {
        return "a socket";
    }
    if (S_ISDIR(m)) {
        return "a directory";
    }
    return "not a regular file";
}

/* Owned by the caller or root, and nobody else may write it. */
static int check_private(const struct stat *st, const char *path, const char *what,
                         struct cct_error *err)
{
    uid_t me = geteuid();
    if (st->st_uid != me && st->st_uid != 0) {
        return cct_err(err, CCT_EPERM, -1, -1,
                       "%s %s belongs to uid %u, not to uid %u or root: refusing it", what, path,
                       (unsigned)st->st_uid, (unsigned)me);
    }
    if ((st->st_mode & (S_IWGRP | S_IWOTH)) != 0) {
        return cct_err(err, CCT_EPERM, -1, -1, "%s %s is %s-writable (mode %04o): refusing it",
                       what, path, (st->st_mode & S_IWOTH) ? "world" : "group",
                       (unsigned)(st->st_mode & 07777));
    }
    return 0;
}

int cct_open_file(const char *path, int oflags, unsigned how, int *fd, struct cct_error *err)
{
    int flags = oflags | O_NOCTTY | O_NONBLOCK | ((how & CCT_FILE_NOFOLLOW) ? O_NOFOLLOW : 0);
    int f = open(path, flags | O_CLOEXEC, 0644);
    if (f < 0) {
        int e = errno;
        if (e == ELOOP && (how & CCT_FILE_NOFOLLOW)) {
            return cct_err_sys(err, CCT_EPERM, e, "%s is a symbolic link: refusing to follow it",
                               path);
        }
        return cct_err_sys(err, cct_code_from_errno(e), e, "cannot open %s", path);
    }
    struct stat st;
    if (fstat(f, &st) < 0) {
        int e = errno;
        close(f);
        return cct_err_sys(err, CCT_EIO, e, "cannot stat %s", path);
    }
    int r = 0;
    if (!S_ISREG(st.st_mode)) {
        r = cct_err(err, CCT_EINVAL, -1, -1, "%s is %s, not a regular file", path,
                    file_kind(st.st_mode));
    } else if (how & CCT_FILE_PRIVATE) {
        r = check_private(&st, path, "file", err);
    }
    if (r == 0 && (oflags & O_NONBLOCK) == 0) {
        int fl = fcntl(f, F_GETFL);
        if (fl < 0 || fcntl(f, F_SETFL, fl & ~O_NONBLOCK) < 0) {
            int e = errno;
            r = cct_err_sys(err, CCT_EIO, e, "cannot set %s to blocking reads", path);
        }
    }
    if (r < 0) {
        close(f);
        return r;
    }
    *fd = f;
    return 0;
}

int cct_check_dir(const char *path, struct cct_error *err)
{
    struct stat st;
    if (stat(path, &st) < 0) {
        int e = errno;
        return cct_err_sys(err, cct_code_from_errno(e), e, "cannot stat directory %s", path);
    }
    if (!S_ISDIR(st.st_mode)) {
        return cct_err(err, CCT_EINVAL, -1, -1, "%s is %s, not a directory", path,
                       file_kind(st.st_mode));
    }
    return check_private(&st, path, "directory", err);
}

int cct_read_fd(int fd, const char *path, size_t max, uint8_t **out, size_t *len,
                struct cct_error *err)
{
    size_t cap = max < 4096 ? max : 4096, n = 0;
    uint8_t *buf = malloc(cap + 1);
    if (buf == NULL) {
        return cct_err(err, CCT_ENOMEM, -1, -1, "out of memory reading %s", path);
    }
    for (;;) {
        if (n == cap) {
            if (cap >= max) {
                /* One more byte tells "exactly max" from "larger". */
                uint8_t extra;
                ssize_t x = read(fd, &extra, 1);
                if (x < 0 && errno == EINTR) {
                    continue;
                }
                if (x == 0) {
                    break;
                }
                free(buf);
                if (x < 0) {
                    int e = errno;
                    return cct_err_sys(err, cct_code_from_errno(e), e, "cannot read %s", path);
                }
                return cct_err(err, CCT_ELIMIT, -1, (int64_t)n, "%s is larger than %zu bytes", path,
                               max);
            }
            size_t ncap = cap * 2 > max ? max : cap * 2;
            uint8_t *p = realloc(buf, ncap + 1);
            if (p == NULL) {
                free(buf);
                return cct_err(err, CCT_ENOMEM, -1, -1, "out of memory reading %s", path);
            }
            buf = p;
            cap = ncap;
        }
        ssize_t r = read(fd, buf + n, cap - n);
        if (r < 0) {
            if (errno == EINTR) {
                continue;
            }
            int e = errno;
            free(buf);
            return cct_err_sys(err, cct_code_from_errno(e), e, "cannot read %s", path);
        }
        if (r == 0) {
            break;
        }
        n += (size_t)r;
    }
    buf[n] = 0;
    *out = buf;
    *len = n;
    return 0;
}

int cct_read_file_ex(const char *path, unsigned how, size_t max, uint8_t **out, size_t *len,
                     struct cct_error *err)
{
    int fd = -1;
    int r = cct_open_file(path, O_RDONLY, how, &fd, err);
    if (r < 0) {
        return r;
    }
    r = cct_read_fd(fd, path, max, out, len, err);
    close(fd);
    return r;
}

int cct_read_file(const char *path, size_t max, uint8_t **out, size_t *len, struct cct_error *err)
{
    return cct_read_file_ex(path, 0, max, out, len, err);
}

int cct_window_open(struct cct_window *w, const char *path, size_t limit, struct cct_error *err)
{
    memset(w, 0, sizeof(*w));
    w->fd = -1;
    int r = cct_open_file(path, O_RDONLY, 0, &w->fd, err);
    if (r < 0) {
        return r;
    }
    w->limit = limit;
    w->cap = 256 * 1024 < limit ? 256 * 1024 : limit;
    w->buf = malloc(w->cap);
    if (w->buf == NULL) {
        close(w->fd);
        w->fd = -1;
        return cct_err(err, CCT_ENOMEM, -1, -1, "out of memory");
    }
    return 0;
}

int cct_window_fill(struct cct_window *w, size_t want, struct cct_error *err)
{
    while (w->end - w->pos < want && !w->eof) {
        if (w->pos > 0) {
            /* Slide the unread bytes to the front. */
            memmove(w->buf, w->buf + w->pos, w->end - w->pos);
            w->end -= w->pos;
            w->pos = 0;
        }
        if (w->file_off + (w->end - w->pos) >= CCT_MAX_LOG_FILE_SIZE) {
            /* A file that never ends (one that keeps growing, a huge sparse file). */
            return cct_err(err, CCT_ELIMIT, -1, (int64_t)(w->file_off + (w->end - w->pos)),
                           "the file reaches the %llu-byte limit for a log",
                           (unsigned long long)CCT_MAX_LOG_FILE_SIZE);
        }
        if (w->end == w->cap) {
            if (w->cap >= w->limit) {
                return cct_err(err, CCT_ELIMIT, -1, (int64_t)w->file_off,
                               "a record needs more than %zu bytes", w->limit);
            }
            size_t ncap = w->cap * 2 > w->limit ? w->limit : w->cap * 2;
            uint8_t *p = realloc(w->buf, ncap);
            if (p == NULL) {
                return cct_err(err, CCT_ENOMEM, -1, -1, "out of memory");
            }
            w->buf = p;
            w->cap = ncap;
        }
        ssize_t r = read(w->fd, w->buf + w->end, w->cap - w->end);
        if (r < 0) {
            if (errno == EINTR) {
                continue;
            }
            int e = errno;
            return cct_err_sys(err, cct_code_from_errno(e), e, "read failed");
        }
        if (r == 0) {
            w->eof = 1;
        }
        w->end += (size_t)r;
    }
    return 0;
}

void cct_window_consume(struct cct_window *w, size_t n)
{
    w->pos += n;
    w->file_off += n;
}

int cct_window_rewind(struct cct_window *w, struct cct_error *err)
{
    if (lseek(w->fd, 0, SEEK_SET) < 0) {
        int e = errno;
        return cct_err_sys(err, CCT_EIO, e, "cannot rewind");
    }
    w->pos = w->end = 0;
    w->file_off = 0;
    w->eof = 0;
    return 0;
}

void cct_window_close(struct cct_window *w)
{
    if (w->fd >= 0) {
        close(w->fd);
    }
    free(w->buf);
    w->buf = NULL;
    w->fd = -1;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w <= 0) {
            if (w == 0) {
                errno = EIO;
            }
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static void sync_parent(const char *path)
{
    char dir[4096];
    const char *slash = strrchr(path, '/');
    size_t len = slash == NULL ? 1 : (slash == path ? 1 : (size_t)(slash - path));
    if (len >= sizeof(dir)) {
        return;
    }
    memcpy(dir, slash == NULL ? "." : path, len);
    dir[len] = '\0';
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        (void)fsync(dfd);
        close(dfd);
    }
}

int cct_write_file_atomic(const char *path, const struct cct_file_part *parts, size_t n,
                          unsigned mode, struct cct_error *err)
{
    char tmp[4200];
    int k = snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
    if (k < 0 || (size_t)k >= sizeof(tmp)) {
        return cct_err(err, CCT_ELIMIT, -1, -1, "path too long: %s", path);
    }
    unlink(tmp); /* a leftover of this pid; O_EXCL below refuses anything planted meanwhile */
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, (mode_t)mode);
    if (fd < 0) {
        int e = errno;
        return cct_err_sys(err, cct_code_from_errno(e), e, "cannot create %s", tmp);
    }
    for (size_t i = 0; i < n; i++) {
        if (write_all(fd, parts[i].p, parts[i].n) < 0) {
            int e = errno;
            close(fd);
            unlink(tmp);
            return cct_err_sys(err, CCT_EIO, e, "cannot write %s", tmp);
        }
    }
    int synced = fsync(fd), closed = close(fd);
    if (synced < 0 || closed < 0) {
        int e = errno;
        unlink(tmp);
        return cct_err_sys(err, CCT_EIO, e, "cannot sync %s", tmp);
    }
    if (rename(tmp, path) < 0) {
        int e = errno;
        unlink(tmp);
        return cct_err_sys(err, CCT_EIO, e, "cannot rename %s into place", tmp);
    }
    sync_parent(path);
    return 0;
}
