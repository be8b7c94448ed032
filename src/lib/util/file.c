/* SPDX-License-Identifier: Apache-2.0 */
#include "util/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/error.h"

int cct_read_file(const char *path, size_t max, uint8_t **out, size_t *len, struct cct_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        return cct_err_sys(err, cct_code_from_errno(e), e, "cannot open %s", path);
    }
    size_t cap = 4096, n = 0;
    uint8_t *buf = malloc(cap + 1);
    if (buf == NULL) {
        close(fd);
        return cct_err(err, CCT_ENOMEM, -1, -1, "out of memory reading %s", path);
    }
    for (;;) {
        if (n == cap) {
            if (cap >= max) {
                free(buf);
                close(fd);
                return cct_err(err, CCT_ELIMIT, -1, (int64_t)n, "%s is larger than %zu bytes", path, max);
            }
            size_t ncap = cap * 2 > max ? max : cap * 2;
            uint8_t *p = realloc(buf, ncap + 1);
            if (p == NULL) {
                free(buf);
                close(fd);
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
            close(fd);
            return cct_err_sys(err, cct_code_from_errno(e), e, "cannot read %s", path);
        }
        if (r == 0) {
            break;
        }
        n += (size_t)r;
    }
    close(fd);
    buf[n] = 0;
    *out = buf;
    *len = n;
    return 0;
}

int cct_window_open(struct cct_window *w, const char *path, size_t limit, struct cct_error *err)
{
    memset(w, 0, sizeof(*w));
    w->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (w->fd < 0) {
        int e = errno;
        return cct_err_sys(err, cct_code_from_errno(e), e, "cannot open %s", path);
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
