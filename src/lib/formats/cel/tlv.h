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
 * Writing side only (the runtime log and cct_cel_encode()): records are read
 * back with cct_cel_next() (cel.h).
 */
#ifndef CCT_FORMATS_CEL_TLV_H
#define CCT_FORMATS_CEL_TLV_H

#include <stddef.h>
#include <stdint.h>

#include <cctrusted/eventlog.h>

#include "formats/cel/cel.h"
#include "util/buf.h"

/* Top-level types are CCT_CEL_T_* (cel.h), content types CCT_CEL_* (<cctrusted/eventlog.h>).
 * PC Client standard content fields: */
#define CCT_CEL_PCCLIENT_EVENT_TYPE 0u
#define CCT_CEL_PCCLIENT_EVENT_DATA 1u

/* Size of a TLV header. */
#define CCT_CEL_TLV_HEADER 5u

/* Append a TLV header: type, then n as a big-endian u32 (CCT_ELIMIT when n does not fit). */
int cct_cel_tlv_head(struct cct_buf *b, uint8_t type, size_t n);
/* Append a TLV holding v as a big-endian unsigned integer of width bytes (1..8). */
int cct_cel_tlv_uint(struct cct_buf *b, uint8_t type, uint64_t v, size_t width);
/* Append a TLV holding the n bytes at p. */
int cct_cel_tlv_bytes(struct cct_buf *b, uint8_t type, const uint8_t *p, size_t n);

/*
 * Append one record: recnum, index (CCMR for RTMR/MRTD kinds, PCR
 * otherwise), one digest, content {0: event_type, 1: data}. The content
 * type is PC Client standard, or CEL management when mgt is set: the
 * runtime log writes a record ahead as a management record (which no
 * parser extends) and commits it by rewriting that one type byte, whose
 * offset from the record start goes to *type_at (may be NULL).
 */
int cct_cel_tlv_encode(struct cct_buf *b, uint64_t recnum, enum cct_reg_kind kind, uint32_t index,
                       uint16_t alg, const uint8_t *digest, size_t size, uint32_t event_type,
                       const uint8_t *data, size_t data_len, int mgt, size_t *type_at);

#endif
