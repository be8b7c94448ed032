/* SPDX-License-Identifier: Apache-2.0 */
#include "util/reader.h"

#include <string.h>

void cct_reader_init(struct cct_reader *r, const uint8_t *p, size_t len, size_t start)
{
    r->p = p;
    r->len = len;
    r->start = start;
    r->base = p;
}

size_t cct_reader_offset(const struct cct_reader *r)
{
    return r->start + (size_t)(r->p - r->base);
}

size_t cct_reader_left(const struct cct_reader *r)
{
    return r->len;
}

bool cct_read_skip(struct cct_reader *r, size_t n)
{
    if (r->len < n) {
        return false;
    }
    r->p += n;
    r->len -= n;
    return true;
}

bool cct_read_bytes(struct cct_reader *r, size_t n, const uint8_t **out)
{
    if (r->len < n) {
        return false;
    }
    *out = r->p;
    r->p += n;
    r->len -= n;
    return true;
}

bool cct_read_copy(struct cct_reader *r, void *dst, size_t n)
{
    const uint8_t *b;
    if (!cct_read_bytes(r, n, &b)) {
        return false;
    }
    if (n > 0) {
        memcpy(dst, b, n);
    }
    return true;
}

bool cct_read_u8(struct cct_reader *r, uint8_t *v)
{
    const uint8_t *b;
    if (!cct_read_bytes(r, 1, &b)) {
        return false;
    }
    *v = b[0];
    return true;
}

bool cct_read_u16le(struct cct_reader *r, uint16_t *v)
{
    const uint8_t *b;
    if (!cct_read_bytes(r, 2, &b)) {
        return false;
    }
    *v = (uint16_t)(b[0] | (b[1] << 8));
    return true;
}

bool cct_read_u32le(struct cct_reader *r, uint32_t *v)
{
    const uint8_t *b;
    if (!cct_read_bytes(r, 4, &b)) {
        return false;
    }
    *v = (uint32_t)b[0] | ((uint32_t)b[1] << 8) | ((uint32_t)b[2] << 16) | ((uint32_t)b[3] << 24);
    return true;
}

bool cct_read_u64le(struct cct_reader *r, uint64_t *v)
{
    const uint8_t *b;
    if (!cct_read_bytes(r, 8, &b)) {
        return false;
    }
    uint64_t x = 0;
    for (int i = 7; i >= 0; i--) {
        x = (x << 8) | b[i];
    }
    *v = x;
    return true;
}

bool cct_read_u16be(struct cct_reader *r, uint16_t *v)
{
    const uint8_t *b;
    if (!cct_read_bytes(r, 2, &b)) {
        return false;
    }
    *v = (uint16_t)((b[0] << 8) | b[1]);
    return true;
}

bool cct_read_u32be(struct cct_reader *r, uint32_t *v)
{
    const uint8_t *b;
    if (!cct_read_bytes(r, 4, &b)) {
        return false;
    }
    *v = ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) | ((uint32_t)b[2] << 8) | (uint32_t)b[3];
    return true;
}

bool cct_read_u64be(struct cct_reader *r, uint64_t *v)
{
    const uint8_t *b;
    if (!cct_read_bytes(r, 8, &b)) {
        return false;
    }
    uint64_t x = 0;
    for (int i = 0; i < 8; i++) {
        x = (x << 8) | b[i];
    }
    *v = x;
    return true;
}

bool cct_read_sub(struct cct_reader *r, size_t n, struct cct_reader *child)
{
    size_t off = cct_reader_offset(r);
    const uint8_t *b;
    if (!cct_read_bytes(r, n, &b)) {
        return false;
    }
    cct_reader_init(child, b, n, off);
    return true;
}

bool cct_read_sub_u32le(struct cct_reader *r, struct cct_reader *child)
{
    struct cct_reader save = *r;
    uint32_t n;
    if (!cct_read_u32le(r, &n) || !cct_read_sub(r, n, child)) {
        *r = save;
        return false;
    }
    return true;
}

bool cct_read_sub_u16le(struct cct_reader *r, struct cct_reader *child)
{
    struct cct_reader save = *r;
    uint16_t n;
    if (!cct_read_u16le(r, &n) || !cct_read_sub(r, n, child)) {
        *r = save;
        return false;
    }
    return true;
}

bool cct_read_sub_u8(struct cct_reader *r, struct cct_reader *child)
{
    struct cct_reader save = *r;
    uint8_t n;
    if (!cct_read_u8(r, &n) || !cct_read_sub(r, n, child)) {
        *r = save;
        return false;
    }
    return true;
}

bool cct_reader_done(const struct cct_reader *r)
{
    return r->len == 0;
}
