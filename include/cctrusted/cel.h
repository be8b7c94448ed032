/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Canonical Event Log (TCG CEL) encoders: turn any event the library reads
 * (TCG2, TCG1.2, CCEL, IMA, CEL) into one CEL record. See docs/cel.md for the
 * exact layouts.
 *
 * Threads: the encoders read only their arguments and write only the
 * caller's output; calls on different outputs may run in parallel.
 */
#ifndef CCTRUSTED_CEL_H
#define CCTRUSTED_CEL_H

#include <stddef.h>
#include <stdint.h>

#include <cctrusted/error.h>
#include <cctrusted/eventlog.h>

#ifdef __cplusplus
extern "C" {
#endif

/** CEL encodings a record can be written in. */
enum cct_cel_encoding {
    CCT_CEL_ENC_TLV = 0,          /* CEL TLV: u8 type, u32 big-endian length, value */
    CCT_CEL_ENC_JSON = 1,         /* TCG CEL-JSON: one record object and a newline */
    CCT_CEL_ENC_JSON_SYSTEMD = 2, /* systemd's JSON-SEQ: RS, record without recnum, newline */
    CCT_CEL_ENC_CBOR = 3,         /* CEL-CBOR: one map per record, keys are the TLV types */
};

/**
 * Encode ev as one CEL record numbered recnum. The index is the PCR for TPM
 * events and the CC MR index (0 = MRTD, 1..4 = RTMR0..3) for RTMR/MRTD
 * events; every digest bank is kept; the content is pcclient_std for TCG
 * events, ima_template for IMA entries and the original content for CEL
 * records. On success *out (free with cct_free()) holds *out_len bytes; on
 * failure returns a negative CCT_E* code, err says why, and *out is
 * untouched. The output is deterministic: the same event and recnum give the
 * same bytes.
 */
CCT_WUR int cct_cel_encode(const struct cct_event *ev, uint64_t recnum, enum cct_cel_encoding enc,
                           uint8_t **out, size_t *out_len, struct cct_error *err);

/** Name of a CEL content type ("pcclient_std", "ima_template", ...), or NULL when unknown. */
const char *cct_cel_content_name(uint32_t type);

#ifdef __cplusplus
}
#endif
#endif
