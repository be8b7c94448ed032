/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Read-only, bounds-checked cursor over wire bytes.
 *
 * Rules: a failed read never moves the cursor; the only bounds check is
 * `if (r->len < n)`; offsets are never computed as offset + n.
 */
#ifndef CCT_UTIL_READER_H
#define CCT_UTIL_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cctrusted/error.h> /* CCT_WUR */

struct cct_reader {
    const uint8_t *p;    /* next unread byte */
    size_t len;          /* bytes left */
    size_t start;        /* absolute offset of base in the whole input */
    const uint8_t *base; /* where this reader's view began */
};

void cct_reader_init(struct cct_reader *r, const uint8_t *p, size_t len, size_t start);
/* Absolute byte offset of the next unread byte. */
size_t cct_reader_offset(const struct cct_reader *r);
size_t cct_reader_left(const struct cct_reader *r);

/* All return true on success, false (cursor unchanged) when too few bytes. */
CCT_WUR bool cct_read_u8(struct cct_reader *r, uint8_t *v);
CCT_WUR bool cct_read_u16le(struct cct_reader *r, uint16_t *v);
CCT_WUR bool cct_read_u32le(struct cct_reader *r, uint32_t *v);
CCT_WUR bool cct_read_u64le(struct cct_reader *r, uint64_t *v);
CCT_WUR bool cct_read_u16be(struct cct_reader *r, uint16_t *v);
CCT_WUR bool cct_read_u32be(struct cct_reader *r, uint32_t *v);
CCT_WUR bool cct_read_u64be(struct cct_reader *r, uint64_t *v);
CCT_WUR bool cct_read_skip(struct cct_reader *r, size_t n);
CCT_WUR bool cct_read_copy(struct cct_reader *r, void *dst, size_t n);
/* Zero-copy view of the next n bytes. */
CCT_WUR bool cct_read_bytes(struct cct_reader *r, size_t n, const uint8_t **out);
/* Child reader over the next n bytes; the parent moves past them. */
CCT_WUR bool cct_read_sub(struct cct_reader *r, size_t n, struct cct_reader *child);
/* Child over a u32le-length-prefixed field. */
CCT_WUR bool cct_read_sub_u32le(struct cct_reader *r, struct cct_reader *child);
CCT_WUR bool cct_read_sub_u16le(struct cct_reader *r, struct cct_reader *child);
CCT_WUR bool cct_read_sub_u8(struct cct_reader *r, struct cct_reader *child);
/* True when everything was consumed. */
CCT_WUR bool cct_reader_done(const struct cct_reader *r);

#endif
