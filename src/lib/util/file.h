/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CCT_UTIL_FILE_H
#define CCT_UTIL_FILE_H

#include <stddef.h>
#include <stdint.h>

#include <cctrusted/error.h>

/*
 * Read a whole file into a malloc'ed buffer (NUL-terminated, not counted in
 * *len). Works on pseudo-files whose stat size is 0 (securityfs, sysfs) by
 * reading until EOF; fails with CCT_ELIMIT beyond max bytes.
 */
CCT_WUR int cct_read_file(const char *path, size_t max, uint8_t **out, size_t *len,
                          struct cct_error *err);

/* Streaming window over a file descriptor. */
struct cct_window {
    int fd;
    uint8_t *buf;
    size_t cap;   /* allocated */
    size_t limit; /* largest window */
    size_t pos;   /* first valid byte in buf */
    size_t end;   /* one past the last valid byte */
    uint64_t file_off; /* file offset of buf[pos] */
    int eof;
};

CCT_WUR int cct_window_open(struct cct_window *w, const char *path, size_t limit,
                            struct cct_error *err);
/*
 * Make at least `want` bytes available at buf[pos] unless EOF comes first.
 * Returns 0 (check end - pos for what is there), or an error.
 */
CCT_WUR int cct_window_fill(struct cct_window *w, size_t want, struct cct_error *err);
void cct_window_consume(struct cct_window *w, size_t n);
CCT_WUR int cct_window_rewind(struct cct_window *w, struct cct_error *err);
void cct_window_close(struct cct_window *w);

#endif
