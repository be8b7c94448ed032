/* SPDX-License-Identifier: Apache-2.0 */
/*
 * TCG Canonical Event Log, TLV encoding (TCG CEL specification v1.0,
 * "TLV encoding"): every field is type (1 byte), length (4 bytes, big
 * endian), value. A record is four fields in order:
 *   recnum   (type 0, unsigned big-endian integer)
 *   index    (type 1 = PCR, 2 = NV index, 108 = CC measurement register
 *             as written by CEL producers on confidential VMs: 0 = MRTD,
 *             1-4 = RTMR0-3, the UEFI CC MR index)
 *   digests  (type 3, a list of TLVs: type = TPM_ALG_ID, value = digest)
 *   content  (type 4 = CEL management, 5 = PC Client standard event
 *             {0: event type, 1: event data}, 7 = IMA template, 8 = IMA TLV,
 *             others are passed through as opaque data)
 * Pure: bytes in, event views out.
 */
#ifndef CCT_FORMATS_CEL_TLV_H
#define CCT_FORMATS_CEL_TLV_H

#include <stddef.h>
#include <stdint.h>

#include <cctrusted/eventlog.h>

#include "util/buf.h"

#define CCT_CEL_T_RECNUM 0u
#define CCT_CEL_T_PCR 1u
#define CCT_CEL_T_NV_INDEX 2u
#define CCT_CEL_T_DIGESTS 3u
#define CCT_CEL_T_MGT 4u
#define CCT_CEL_T_PCCLIENT_STD 5u
#define CCT_CEL_T_IMA_TEMPLATE 7u
#define CCT_CEL_T_IMA_TLV 8u
#define CCT_CEL_T_CCMR 108u
/* PC Client standard content fields. */
#define CCT_CEL_PCCLIENT_EVENT_TYPE 0u
#define CCT_CEL_PCCLIENT_EVENT_DATA 1u
/*
 * This library's write-ahead marker (not a CEL type): a record whose first
 * byte is 0xFE instead of the recnum type 0 was written but not committed
 * yet. The parser yields it with CCT_EVENT_F_PENDING and type EV_NO_ACTION,
 * so it never extends a replay.
 */
#define CCT_CEL_T_PENDING 0xFEu

/* Size of a TLV header. */
#define CCT_CEL_TLV_HEADER 5u

struct cct_cel_tlv_state {
    size_t max_event_size;
};

/* Contract of cct_tcg_next(); *end is never set (CEL has no padding). */
int cct_cel_tlv_next(struct cct_cel_tlv_state *st, const uint8_t *p, size_t len, uint64_t off,
                     uint64_t number, struct cct_event *ev, size_t *consumed, int *end,
                     struct cct_error *err);

/*
 * Append one record: recnum, index (CCMR for RTMR/MRTD kinds, PCR
 * otherwise), one digest, PC Client content {event_type, data}. pending
 * writes the CCT_CEL_T_PENDING marker in place of the recnum type.
 */
int cct_cel_tlv_encode(struct cct_buf *b, uint64_t recnum, enum cct_reg_kind kind, uint32_t index,
                       uint16_t alg, const uint8_t *digest, size_t size, uint32_t event_type,
                       const uint8_t *data, size_t data_len, int pending);

#endif
