/* SPDX-License-Identifier: Apache-2.0 */
/*
 * TCG PC Client event logs: crypto-agile (TCG PC Client Platform Firmware
 * Profile, section 10 "Event Logging"), legacy TCG 1.2 SHA-1 logs, and the
 * TDX CCEL data area (same records, CC MR indices, 0xFF padding).
 * Pure: bytes in, event views out.
 */
#ifndef CCT_FORMATS_TCG_H
#define CCT_FORMATS_TCG_H

#include <stddef.h>
#include <stdint.h>

#include <cctrusted/eventlog.h>

/* Event types (PC Client PFP, table 9 "Events"). */
#define EV_PREBOOT_CERT 0x0u
#define EV_POST_CODE 0x1u
#define EV_UNUSED 0x2u
#define EV_NO_ACTION 0x3u
#define EV_SEPARATOR 0x4u
#define EV_ACTION 0x5u
#define EV_EVENT_TAG 0x6u
#define EV_S_CRTM_CONTENTS 0x7u
#define EV_S_CRTM_VERSION 0x8u
#define EV_CPU_MICROCODE 0x9u
#define EV_PLATFORM_CONFIG_FLAGS 0xAu
#define EV_TABLE_OF_DEVICES 0xBu
#define EV_COMPACT_HASH 0xCu
#define EV_IPL 0xDu
#define EV_IPL_PARTITION_DATA 0xEu
#define EV_NONHOST_CODE 0xFu
#define EV_NONHOST_CONFIG 0x10u
#define EV_NONHOST_INFO 0x11u
#define EV_OMIT_BOOT_DEVICE_EVENTS 0x12u
#define EV_POST_CODE2 0x13u
#define EV_EFI_EVENT_BASE 0x80000000u
#define EV_EFI_VARIABLE_DRIVER_CONFIG 0x80000001u
#define EV_EFI_VARIABLE_BOOT 0x80000002u
#define EV_EFI_BOOT_SERVICES_APPLICATION 0x80000003u
#define EV_EFI_BOOT_SERVICES_DRIVER 0x80000004u
#define EV_EFI_RUNTIME_SERVICES_DRIVER 0x80000005u
#define EV_EFI_GPT_EVENT 0x80000006u
#define EV_EFI_ACTION 0x80000007u
#define EV_EFI_PLATFORM_FIRMWARE_BLOB 0x80000008u
#define EV_EFI_HANDOFF_TABLES 0x80000009u
#define EV_EFI_PLATFORM_FIRMWARE_BLOB2 0x8000000Au
#define EV_EFI_HANDOFF_TABLES2 0x8000000Bu
#define EV_EFI_VARIABLE_BOOT2 0x8000000Cu
#define EV_EFI_GPT_EVENT2 0x8000000Du
#define EV_EFI_HCRTM_EVENT 0x80000010u
#define EV_EFI_VARIABLE_AUTHORITY 0x800000E0u
#define EV_EFI_SPDM_FIRMWARE_BLOB 0x800000E1u
#define EV_EFI_SPDM_FIRMWARE_CONFIG 0x800000E2u
#define EV_EFI_SPDM_DEVICE_POLICY 0x800000E3u
#define EV_EFI_SPDM_DEVICE_AUTHORITY 0x800000E4u

/* Largest register index accepted in a TPM log (PCR 0-23, with room for
 * larger PCR banks) and in a CCEL (CC MR index 0-4). */
#define CCT_TCG_MAX_PCR 31u
#define CCT_CCEL_MAX_MR 4u

/* Size of the fixed TCG_PCR_EVENT header: pcr, type, SHA-1 digest, size. */
#define CCT_TCG_LEGACY_HEADER 32u

struct cct_tcg_state {
    enum cct_log_format format; /* TCG2, TCG1 or CCEL */
    int have_specid;
    struct cct_specid specid;
    size_t max_event_size;
};

/*
 * Decide the format from the first record (needs at least its header and
 * data; returns CCT_ETRUNCATED when len is too short to tell).
 */
CCT_WUR int cct_tcg_detect(const uint8_t *p, size_t len, enum cct_log_format *fmt,
                           struct cct_error *err);

/* Parse SpecID Event03 event data (PFP 10.4.5.1, TCG_EfiSpecIDEvent). */
CCT_WUR int cct_tcg_parse_specid(const uint8_t *data, size_t len, struct cct_specid *out,
                                 uint64_t number, uint64_t offset, struct cct_error *err);

/*
 * Parse one record at p (len bytes available, starting at absolute offset
 * off, numbered `number`). On success returns 0, fills *ev (views into p) and
 * *consumed. Sets *end when p starts with padding (0xFF or zero header) that
 * ends the log, in which case *consumed is 0. Returns CCT_ETRUNCATED when
 * more bytes are needed (a real error only when the input has ended).
 */
CCT_WUR int cct_tcg_next(struct cct_tcg_state *st, const uint8_t *p, size_t len, uint64_t off,
                         uint64_t number, struct cct_event *ev, size_t *consumed, int *end,
                         struct cct_error *err);

/* ACPI CCEL table (GHCI / UEFI 2.10 "CC Event Log ACPI Table"). */
struct cct_ccel_table {
    uint32_t length;
    uint8_t revision;
    uint8_t checksum_ok;
    char oem_id[7];
    char oem_table_id[9];
    uint32_t oem_revision;
    uint32_t creator_id;
    uint32_t creator_revision;
    uint8_t cc_type; /* 1 = SEV, 2 = TDX */
    uint8_t cc_subtype;
    uint64_t laml; /* log area minimum length */
    uint64_t lasa; /* log area start address */
};
CCT_WUR int cct_tcg_ccel_table_parse(const uint8_t *p, size_t len, struct cct_ccel_table *out,
                                     struct cct_error *err);

#endif
