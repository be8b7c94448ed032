/* SPDX-License-Identifier: Apache-2.0 */
/*
 * TCG Canonical Event Log (CEL), TLV encoding. Pure: bytes in, event views
 * out. See docs/cel.md.
 */
#ifndef CCT_FORMATS_CEL_H
#define CCT_FORMATS_CEL_H

#include <stddef.h>
#include <stdint.h>

#include <cctrusted/eventlog.h>

/* Top-level TLV types (CEL "TLV encoding"; 108 is the CC measurement register extension). */
#define CCT_CEL_T_RECNUM 0u
#define CCT_CEL_T_PCR 1u
#define CCT_CEL_T_NV_INDEX 2u
#define CCT_CEL_T_DIGESTS 3u
#define CCT_CEL_T_CCMR 108u

/* Limits. */
#define CCT_CEL_MAX_INDEX 1023u /* PCR index */
#define CCT_CEL_MAX_CCMR 4u     /* CC MR index: 0 = MRTD, 1..4 = RTMR0..3 */
#define CCT_CEL_MAX_NESTED 16u  /* TLVs inside a content value */

struct cct_cel_state {
    enum cct_log_format format;
    size_t max_event_size;
    int have_prev;
    uint64_t prev_recnum;
};

/*
 * Set e's register from a checked index field: type CCT_CEL_T_PCR (index is
 * the PCR) or CCT_CEL_T_CCMR (index 0..CCT_CEL_MAX_CCMR). Shared by the TLV
 * and CBOR readers.
 */
void cct_cel_set_register(struct cct_event *e, uint64_t type, uint32_t index);

/*
 * The rule all three CEL readers (TLV, JSON, CBOR) apply to a record's
 * digests list: it may be empty only for a cel_mgt record, which is never
 * extended; any other record without a digest binds nothing and is refused
 * with CCT_CEL_EMPTY_DIGESTS as the reason.
 */
int cct_cel_digests_missing(size_t n_digests, uint64_t content_type);
#define CCT_CEL_EMPTY_DIGESTS "the digests list is empty (only a cel_mgt record may have none)"

/* 1 with *fmt set, 0 when not a CEL TLV log, CCT_ETRUNCATED for more bytes. */
CCT_WUR int cct_cel_detect(const uint8_t *p, size_t len, int eof, enum cct_log_format *fmt);

void cct_cel_init(struct cct_cel_state *st, enum cct_log_format fmt, size_t max_event_size);

/* Same contract as cct_ima_next(). */
CCT_WUR int cct_cel_next(struct cct_cel_state *st, const uint8_t *p, size_t len, int eof,
                         uint64_t off, uint64_t number, struct cct_event *ev, size_t *consumed,
                         int *end, struct cct_error *err);

/*
 * One record at the start of p, checked like cct_cel_next() but without
 * looking at what follows it: for logs written whole record by whole
 * record (the runtime log), where anything after the last complete record
 * is a torn write. CCT_ETRUNCATED when the four fields are not all there.
 */
CCT_WUR int cct_cel_record(struct cct_cel_state *st, const uint8_t *p, size_t len, uint64_t off,
                           uint64_t number, struct cct_event *ev, size_t *consumed,
                           struct cct_error *err);

#endif
