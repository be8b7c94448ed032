/* SPDX-License-Identifier: Apache-2.0 */
/* Growable byte buffer with a hard cap. */
#ifndef CCT_UTIL_BUF_H
#define CCT_UTIL_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

struct cct_buf {
    uint8_t *data;
    size_t len;
    size_t cap;   /* allocated */
    size_t limit; /* never grow past this; 0 = CCT_BUF_DEFAULT_LIMIT */
    int failed;   /* sticky: a previous append failed (ENOMEM or ELIMIT) */
};

#define CCT_BUF_DEFAULT_LIMIT ((size_t)1 << 30)

void cct_buf_init(struct cct_buf *b, size_t limit);
/* Make room for n more bytes. 0 or CCT_ENOMEM / CCT_ELIMIT. */
int cct_buf_reserve(struct cct_buf *b, size_t n);
int cct_buf_append(struct cct_buf *b, const void *p, size_t n);
int cct_buf_putc(struct cct_buf *b, char c);
int cct_buf_puts(struct cct_buf *b, const char *s);
int cct_buf_printf(struct cct_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int cct_buf_vprintf(struct cct_buf *b, const char *fmt, va_list ap);
/* Append lowercase hex of p. */
int cct_buf_hex(struct cct_buf *b, const uint8_t *p, size_t n);
/* Append a JSON string literal (quoted, escaped) of n bytes of s. */
int cct_buf_json_str(struct cct_buf *b, const char *s, size_t n);
/* NUL-terminate and hand the memory to the caller (free()); the buffer is reset. */
char *cct_buf_steal(struct cct_buf *b);
void cct_buf_free(struct cct_buf *b);

#endif
