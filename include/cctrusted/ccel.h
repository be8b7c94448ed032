/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The ACPI "CCEL" table that locates a confidential-computing event log.
 *
 * Threads: the parser reads only its arguments and keeps no state; calls
 * may run in several threads at once.
 */
#ifndef CCTRUSTED_CCEL_H
#define CCTRUSTED_CCEL_H

#include <stddef.h>
#include <stdint.h>

#include <cctrusted/error.h>

#ifdef __cplusplus
extern "C" {
#endif

/** CC type values of the CCEL table (UEFI 2.10, "CC Event Log ACPI Table"). */
#define CCT_CC_TYPE_SEV 1u
#define CCT_CC_TYPE_TDX 2u

/** Size of a CCEL table: ACPI header (36) + CC type, subtype, reserved (4) + LAML, LASA (16). */
#define CCT_CCEL_TABLE_SIZE 56u

/** A parsed CCEL table. Plain values: nothing borrows from the input. */
struct cct_ccel_table_info {
    char signature[5]; /* "CCEL", NUL-terminated */
    uint32_t length;   /* the table's length field (equals the input length) */
    uint8_t revision;
    uint8_t checksum;     /* the checksum byte as stored */
    uint8_t checksum_ok;  /* 1: all bytes sum to zero (always 1 on success) */
    char oem_id[7];       /* NUL-terminated; not necessarily printable */
    char oem_table_id[9]; /* NUL-terminated; not necessarily printable */
    uint32_t oem_revision;
    uint32_t creator_id;
    uint32_t creator_revision;
    uint8_t cc_type; /* CCT_CC_TYPE_* */
    uint8_t cc_subtype;
    uint64_t laml; /* log area minimum length, bytes */
    uint64_t lasa; /* log area start address (guest physical) */
};

/**
 * Parse a CCEL ACPI table (as read from /sys/firmware/acpi/tables/CCEL).
 * The input must be exactly one table: its length field must equal len and
 * be at least CCT_CCEL_TABLE_SIZE, and its bytes must sum to zero.
 * Returns 0 and fills *out; CCT_ETRUNCATED when len is below 56 bytes,
 * CCT_EMALFORMED for a wrong signature, length or checksum, CCT_EINVAL for
 * NULL arguments. On failure *out is untouched and err (may be NULL) says why.
 */
CCT_WUR int cct_ccel_table_parse(const uint8_t *p, size_t len, struct cct_ccel_table_info *out,
                                 struct cct_error *err);

/** Name of a CC type ("SEV", "TDX"), or NULL when unknown. */
const char *cct_cc_type_name(uint8_t cc_type);

#ifdef __cplusplus
}
#endif
#endif
