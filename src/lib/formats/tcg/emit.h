/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Structured output for the event-data decoders. One decode walk calls these
 * functions; the emitter writes either indented "key: value" text or one JSON
 * object, so the two styles can never disagree about what was decoded.
 *
 * Strings handed to cct_emit_str() must be valid UTF-8: build them with the
 * cct_ustr_* helpers, which turn untrusted bytes into valid UTF-8.
 */
#ifndef CCT_FORMATS_TCG_EMIT_H
#define CCT_FORMATS_TCG_EMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

/* Deepest nesting of objects/arrays (decoders nest a few levels only). */
#define CCT_EMIT_MAX_DEPTH 16

struct cct_emit {
    struct cct_buf *b;
    bool json;
    int depth;                              /* containers open below the root */
    char kind[CCT_EMIT_MAX_DEPTH + 1];      /* 'o' object, 'a' array; [0] = root object */
    uint64_t count[CCT_EMIT_MAX_DEPTH + 1]; /* items written in each open container */
};

/* Start output into b (JSON: opens the root object). */
void cct_emit_init(struct cct_emit *e, struct cct_buf *b, bool json);
/* Close every open container (JSON stays valid after a decoder stopped early). */
void cct_emit_finish(struct cct_emit *e);

/* key is NULL for items inside an array. */
void cct_emit_begin_object(struct cct_emit *e, const char *key);
void cct_emit_begin_array(struct cct_emit *e, const char *key);
void cct_emit_end(struct cct_emit *e);

void cct_emit_str(struct cct_emit *e, const char *key, const char *s, size_t n);
void cct_emit_cstr(struct cct_emit *e, const char *key, const char *s);
void cct_emit_u64(struct cct_emit *e, const char *key, uint64_t v);
/* A value best read in hex (addresses, attributes, IDs): "0x..." in both styles. */
void cct_emit_x64(struct cct_emit *e, const char *key, uint64_t v, int width);
void cct_emit_bool(struct cct_emit *e, const char *key, bool v);
/* Bytes as lowercase hex. */
void cct_emit_hex(struct cct_emit *e, const char *key, const uint8_t *p, size_t n);
/* A 16-byte EFI_GUID in its registry text form. */
void cct_emit_guid(struct cct_emit *e, const char *key, const uint8_t *g);

/*
 * Untrusted bytes to valid UTF-8 (appended to out).
 * bytes: invalid UTF-8 sequences become U+FFFD.
 * utf16: UTF-16LE code units (n bytes; an odd last byte is ignored), stopping
 * at the first NUL unit when stop_at_nul; unpaired surrogates become U+FFFD.
 */
void cct_ustr_bytes(struct cct_buf *out, const uint8_t *p, size_t n);
void cct_ustr_utf16(struct cct_buf *out, const uint8_t *p, size_t n, bool stop_at_nul);

/*
 * Printable-text tests on untrusted data. Trailing NUL bytes (units) are
 * ignored; *tlen receives the length without them. Text is valid UTF-8 with
 * no control characters other than tab, CR and LF.
 */
bool cct_is_text(const uint8_t *p, size_t n, size_t *tlen);
bool cct_is_utf16_text(const uint8_t *p, size_t n, size_t *tlen);

/* EFI_GUID text form (UEFI spec appendix A): first three fields little-endian. */
void cct_guid_format(const uint8_t *g, char out[37]);
/* Registry name of a well-known GUID, or NULL. */
const char *cct_guid_name(const uint8_t *g);

#endif
