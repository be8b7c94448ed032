/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CCT_UTIL_FILE_H
#define CCT_UTIL_FILE_H

#include <stddef.h>
#include <stdint.h>

#include <cctrusted/error.h>

/*
 * Largest file the streaming window reads from start to end (an event log):
 * a file that keeps growing, or a huge sparse one, fails with CCT_ELIMIT
 * instead of being read forever.
 */
#define CCT_MAX_LOG_FILE_SIZE ((uint64_t)1 << 30)

/* How cct_open_file() checks what it opened. */
enum {
    CCT_FILE_NOFOLLOW = 1, /* refuse a symbolic link as the last path component */
    CCT_FILE_PRIVATE = 2,  /* owner must be the caller or root; refuse group/world-writable */
};

/*
 * Open path with oflags (O_CLOEXEC, O_NOCTTY and O_NONBLOCK are added, so a
 * FIFO never blocks the open; O_NONBLOCK is cleared again afterwards) and
 * accept only a regular file: a FIFO, device, socket or directory fails with
 * CCT_EINVAL ("not a regular file"). Pseudo-files whose stat size is 0
 * (securityfs, sysfs, procfs) are regular files. how: CCT_FILE_* flags.
 * Returns 0 and the descriptor in *fd, or a negative code (err says what).
 */
CCT_WUR int cct_open_file(const char *path, int oflags, unsigned how, int *fd,
                          struct cct_error *err);

/*
 * Check that path is a directory only the caller (or root) can change:
 * owned by the caller or root and neither group- nor world-writable.
 * CCT_EPERM otherwise, CCT_EINVAL when it is not a directory.
 */
CCT_WUR int cct_check_dir(const char *path, struct cct_error *err);

/*
 * Read what is left of fd into a malloc'ed buffer (NUL-terminated, not
 * counted in *len); fails with CCT_ELIMIT beyond max bytes. path names the
 * file in messages. Does not close fd.
 */
CCT_WUR int cct_read_fd(int fd, const char *path, size_t max, uint8_t **out, size_t *len,
                        struct cct_error *err);

/*
 * Read a whole regular file (cct_open_file(), how = CCT_FILE_* flags) into a
 * malloc'ed buffer (NUL-terminated, not counted in *len). Works on
 * pseudo-files whose stat size is 0 (securityfs, sysfs) by reading until
 * EOF; fails with CCT_ELIMIT beyond max bytes.
 */
CCT_WUR int cct_read_file_ex(const char *path, unsigned how, size_t max, uint8_t **out, size_t *len,
                             struct cct_error *err);
/* cct_read_file_ex() with how = 0. */
CCT_WUR int cct_read_file(const char *path, size_t max, uint8_t **out, size_t *len,
                          struct cct_error *err);

/* One piece of what cct_write_file_atomic() writes. */
struct cct_file_part {
    const void *p;
    size_t n;
};

/*
 * Replace path with the concatenation of parts[0..n): a temporary file
 * beside it ("PATH.tmp.PID", created with O_EXCL | O_NOFOLLOW and mode, so
 * never one planted there), written whole, synced, renamed over path, then
 * the directory synced. On failure path is unchanged and the temporary file
 * is gone; err names the file and the step.
 */
CCT_WUR int cct_write_file_atomic(const char *path, const struct cct_file_part *parts, size_t n,
                                  unsigned mode, struct cct_error *err);

/* Streaming window over a file descriptor. */
struct cct_window {
    int fd;
    uint8_t *buf;
    size_t cap;        /* allocated */
    size_t limit;      /* largest window */
    size_t pos;        /* first valid byte in buf */
    size_t end;        /* one past the last valid byte */
    uint64_t file_off; /* file offset of buf[pos] */
    int eof;
};

/* Open a regular file (cct_open_file()) for streaming; at most CCT_MAX_LOG_FILE_SIZE bytes are
 * read. */
CCT_WUR int cct_window_open(struct cct_window *w, const char *path, size_t limit,
                            struct cct_error *err);
/*
 * Make at least `want` bytes available at buf[pos] unless EOF comes first.
 * Returns 0 (check end - pos for what is there), or an error (CCT_ELIMIT
 * once the file is larger than CCT_MAX_LOG_FILE_SIZE).
 */
CCT_WUR int cct_window_fill(struct cct_window *w, size_t want, struct cct_error *err);
void cct_window_consume(struct cct_window *w, size_t n);
CCT_WUR int cct_window_rewind(struct cct_window *w, struct cct_error *err);
void cct_window_close(struct cct_window *w);

#endif
