/* SPDX-License-Identifier: Apache-2.0 */
#include "util/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cctrusted/error.h>

void cct_buf_init(struct cct_buf *b, size_t limit)
{
    memset(b, 0, sizeof(*b));
    b->limit = limit ? limit : CCT_BUF_DEFAULT_LIMIT;
}

int cct_buf_reserve(struct cct_buf *b, size_t n)
{
    if (b->failed) {
        return b->failed;
    }
    if (b->limit - b->len < n || b->limit < b->len) {
        b->failed = CCT_ELIMIT;
        return CCT_ELIMIT;
    }
    size_t need = b->len + n + 1; /* room for a NUL */
    if (need <= b->cap) {
        return 0;
    }
    size_t ncap = b->cap ? b->cap : 64;
    while (ncap < need) {
        ncap = ncap > SIZE_MAX / 2 ? need : ncap * 2;
    }
    uint8_t *p = realloc(b->data, ncap);
    if (p == NULL) {
        b->failed = CCT_ENOMEM;
        return CCT_ENOMEM;
    }
    b->data = p;
    b->cap = ncap;
    return 0;
}

int cct_buf_append(struct cct_buf *b, const void *p, size_t n)
{
    int r = cct_buf_reserve(b, n);
    if (r < 0) {
        return r;
    }
    if (n > 0) {
        memcpy(b->data + b->len, p, n);
    }
    b->len += n;
    b->data[b->len] = 0;
    return 0;
}

int cct_buf_putc(struct cct_buf *b, char c)
{
    return cct_buf_append(b, &c, 1);
}

int cct_buf_puts(struct cct_buf *b, const char *s)
{
    return cct_buf_append(b, s, strlen(s));
}

int cct_buf_vprintf(struct cct_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0) {
        return CCT_EINVAL;
    }
    int r = cct_buf_reserve(b, (size_t)n);
    if (r < 0) {
        return r;
    }
    vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return 0;
}

int cct_buf_printf(struct cct_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = cct_buf_vprintf(b, fmt, ap);
    va_end(ap);
    return r;
}

int cct_buf_hex(struct cct_buf *b, const uint8_t *p, size_t n)
{
    static const char hx[] = "0123456789abcdef";
    if (n > SIZE_MAX / 2) {
        return CCT_ELIMIT;
    }
    int r = cct_buf_reserve(b, n * 2);
    if (r < 0) {
        return r;
    }
    for (size_t i = 0; i < n; i++) {
        b->data[b->len++] = (uint8_t)hx[p[i] >> 4];
        b->data[b->len++] = (uint8_t)hx[p[i] & 15];
    }
    b->data[b->len] = 0;
    return 0;
}

int cct_buf_json_str(struct cct_buf *b, const char *s, size_t n)
{
    int r = cct_buf_putc(b, '"');
    for (size_t i = 0; i < n && r == 0; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"': r = cct_buf_puts(b, "\\\""); break;
        case '\\': r = cct_buf_puts(b, "\\\\"); break;
        case '\n': r = cct_buf_puts(b, "\\n"); break;
        case '\r': r = cct_buf_puts(b, "\\r"); break;
        case '\t': r = cct_buf_puts(b, "\\t"); break;
        default:
            if (c < 0x20 || c >= 0x7f) {
                /* Non-ASCII bytes are escaped one by one so the output is
                 * valid JSON whatever the (untrusted) input encoding. */
                r = cct_buf_printf(b, "\\u%04x", c);
            } else {
                r = cct_buf_putc(b, (char)c);
            }
        }
    }
    if (r == 0) {
        r = cct_buf_putc(b, '"');
    }
    return r;
}

char *cct_buf_steal(struct cct_buf *b)
{
    if (cct_buf_reserve(b, 0) < 0 && b->data == NULL) {
        return NULL;
    }
    if (b->data == NULL) {
        b->data = calloc(1, 1);
    } else {
        b->data[b->len] = 0;
    }
    char *p = (char *)b->data;
    b->data = NULL;
    b->len = b->cap = 0;
    b->failed = 0;
    return p;
}

void cct_buf_free(struct cct_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}
