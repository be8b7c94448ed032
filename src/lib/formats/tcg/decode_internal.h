/* SPDX-License-Identifier: Apache-2.0 */
/* Internals shared by the event-data decoders (decode.c, devpath.c). */
#ifndef CCT_FORMATS_TCG_DECODE_INTERNAL_H
#define CCT_FORMATS_TCG_DECODE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <cctrusted/error.h>

#include "util/buf.h"

/* Limits of the decoders (each checked before a count drives a loop). */
#define CCT_DECODE_MAX_DP_NODES 64               /* device path nodes rendered per path */
#define CCT_DECODE_MAX_GPT_PARTITIONS 1024       /* EFI_PARTITION_ENTRY records in a GPT event */
#define CCT_DECODE_MAX_SIGNATURES 4096           /* EFI_SIGNATURE_DATA entries per variable */
#define CCT_DECODE_MAX_SIGLISTS 256              /* EFI_SIGNATURE_LIST records per variable */
#define CCT_DECODE_MAX_TABLES 1024               /* UEFI_HANDOFF_TABLE_POINTERS entries */
#define CCT_DECODE_MAX_NAME_CHARS 1024           /* UnicodeNameLength of a UEFI_VARIABLE_DATA */
#define CCT_DECODE_MAX_OUTPUT ((size_t)64 << 20) /* bytes of decoded text/JSON */

/*
 * Render an EFI device path (UEFI spec 2.10 section 10.3) as text into out,
 * nodes separated by '/', instances by ','. p starts at byte `base` of the
 * event data (used for error offsets). Returns 0, or CCT_EMALFORMED /
 * CCT_ELIMIT with err set (err->offset = offset of the bad node within the
 * event data; the message does not repeat it); out then holds the nodes
 * rendered before the bad one.
 */
int cct_devpath_text(const uint8_t *p, size_t n, size_t base, struct cct_buf *out, int64_t event,
                     struct cct_error *err);

#endif
