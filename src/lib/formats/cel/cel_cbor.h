/* SPDX-License-Identifier: Apache-2.0 */
/*
 * CEL-CBOR records (TCG CEL, CBOR encoding): a CBOR sequence (RFC 8742) of
 * records, each one definite-length map keyed by the CEL TLV type numbers:
 *   {0: recnum, 1: pcr | 108: ccmr, 3: {alg_id: digest, ...}, content_type: content}
 * pcclient_std content is {0: event_type, 1: event_data}, ima_template
 * {0: template_name (text), 1: template_data}; other content is a byte
 * string. See docs/cel.md. A bounded pre-scan (depth, item counts, string
 * sizes) runs before libcbor sees the bytes.
 */
#ifndef CCT_FORMATS_CEL_CBOR_H
#define CCT_FORMATS_CEL_CBOR_H

#include <stddef.h>
#include <stdint.h>

#include <cctrusted/eventlog.h>

#define CCT_CEL_CBOR_MAX_DEPTH 4  /* record map > content map > field (> one spare level) */
#define CCT_CEL_CBOR_MAX_ITEMS 16 /* entries of one map or array */

struct cct_cel_cbor_state {
    size_t max_event_size; /* sum of the string lengths of one record */
    int have_prev;
    uint64_t prev_recnum;
    void *item; /* cbor_item_t of the current record (owned; the event view borrows it) */
    uint8_t *
        cos; /* COS content rebuilt as its TLV (type, u32 length, value), which the digest covers */
    size_t cos_cap;
};

/* 1 with *fmt set, 0 when not CEL-CBOR, CCT_ETRUNCATED for more bytes. */
CCT_WUR int cct_cel_cbor_detect(const uint8_t *p, size_t len, int eof, enum cct_log_format *fmt);
void cct_cel_cbor_init(struct cct_cel_cbor_state *st, size_t max_event_size);
void cct_cel_cbor_free(struct cct_cel_cbor_state *st);
/* Same contract as cct_ima_next(). */
CCT_WUR int cct_cel_cbor_next(struct cct_cel_cbor_state *st, const uint8_t *p, size_t len, int eof,
                              uint64_t off, uint64_t number, struct cct_event *ev, size_t *consumed,
                              int *end, struct cct_error *err);

#endif
