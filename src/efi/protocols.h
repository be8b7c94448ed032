/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The firmware interfaces cctrusted.efi uses, written from their
 * specifications (gnu-efi 3.0.15 has none of them):
 *  - EFI_TCG2_PROTOCOL: TCG EFI Protocol Specification, family 2.0, rev
 *    1.22, sections 6.3-6.7 (capability, event log, extend, SubmitCommand)
 *    and 7 (final events table);
 *  - EFI_CC_MEASUREMENT_PROTOCOL: UEFI 2.10, section 38.4 (confidential
 *    computing measurement, the TDX virtual firmware's interface);
 *  - EFI_HASH2_PROTOCOL: UEFI 2.10, section 37.2.
 * Self-contained (stdint only), so the logic built on it also compiles on a
 * host, against fake protocols, in the unit tests.
 */
#ifndef CCT_EFI_PROTOCOLS_H
#define CCT_EFI_PROTOCOLS_H

#include <stddef.h>
#include <stdint.h>

/* UEFI calls use the Microsoft x64 convention (UEFI 2.10, 2.3.4). */
#if defined(__x86_64__)
#define CCT_EFIAPI __attribute__((ms_abi))
#else
#define CCT_EFIAPI
#endif

typedef uint64_t cct_efi_status; /* UINTN on x64 */
#define CCT_EFI_SUCCESS 0u
#define CCT_EFI_ERR(n) ((cct_efi_status)1 << 63 | (n))
#define CCT_EFI_INVALID_PARAMETER CCT_EFI_ERR(2)
#define CCT_EFI_UNSUPPORTED CCT_EFI_ERR(3)
#define CCT_EFI_BUFFER_TOO_SMALL CCT_EFI_ERR(5)
#define CCT_EFI_DEVICE_ERROR CCT_EFI_ERR(7)
#define CCT_EFI_NOT_FOUND CCT_EFI_ERR(14)

struct cct_efi_guid {
    uint32_t d1;
    uint16_t d2, d3;
    uint8_t d4[8];
};

/* --- TCG EFI Protocol Specification --- */

#define CCT_EFI_TCG2_PROTOCOL_GUID                                                                 \
    {                                                                                              \
        0x607f766c, 0x7455, 0x42be,                                                                \
        {                                                                                          \
            0x93, 0x0b, 0xe4, 0xd7, 0x6d, 0xb2, 0x72, 0x0f                                         \
        }                                                                                          \
    }
#define CCT_EFI_TCG2_FINAL_EVENTS_TABLE_GUID                                                       \
    {                                                                                              \
        0x1e2ed096, 0x30e2, 0x4254,                                                                \
        {                                                                                          \
            0xbd, 0x89, 0x86, 0x3b, 0xbe, 0xf8, 0x23, 0x25                                         \
        }                                                                                          \
    }

/* EFI_TCG2_EVENT_LOG_FORMAT */
#define CCT_EFI_TCG2_LOG_FORMAT_TCG_1_2 0x1u
#define CCT_EFI_TCG2_LOG_FORMAT_TCG_2 0x2u

/* EFI_TCG2_EVENT_ALGORITHM_BITMAP bits (spec 6.4) */
#define CCT_EFI_TCG2_HASH_SHA1 0x1u
#define CCT_EFI_TCG2_HASH_SHA256 0x2u
#define CCT_EFI_TCG2_HASH_SHA384 0x4u
#define CCT_EFI_TCG2_HASH_SHA512 0x8u
#define CCT_EFI_TCG2_HASH_SM3_256 0x10u

struct cct_efi_tcg2_version {
    uint8_t major, minor;
};

/* EFI_TCG2_BOOT_SERVICE_CAPABILITY (spec 6.4), natural alignment */
struct cct_efi_tcg2_capability {
    uint8_t size;
    struct cct_efi_tcg2_version structure_version;
    struct cct_efi_tcg2_version protocol_version;
    uint32_t hash_algorithm_bitmap;
    uint32_t supported_event_logs;
    uint8_t tpm_present;
    uint16_t max_command_size;
    uint16_t max_response_size;
    uint32_t manufacturer_id;
    uint32_t number_of_pcr_banks;
    uint32_t active_pcr_banks;
};

/* EFI_TCG2_EVENT (spec 6.6): packed; Size covers the whole structure, HeaderSize the header. */
#define CCT_EFI_TCG2_EVENT_HEADER_SIZE 14u
#define CCT_EFI_TCG2_EVENT_FIXED 18u /* Size + header */
#define CCT_EFI_TCG2_EVENT_HEADER_VERSION 1u

struct cct_efi_tcg2_protocol;
struct cct_efi_tcg2_protocol {
    cct_efi_status(CCT_EFIAPI *get_capability)(struct cct_efi_tcg2_protocol *self,
                                               struct cct_efi_tcg2_capability *cap);
    cct_efi_status(CCT_EFIAPI *get_event_log)(struct cct_efi_tcg2_protocol *self, uint32_t format,
                                              uint64_t *location, uint64_t *last_entry,
                                              uint8_t *truncated);
    cct_efi_status(CCT_EFIAPI *hash_log_extend_event)(struct cct_efi_tcg2_protocol *self,
                                                      uint64_t flags, uint64_t data,
                                                      uint64_t data_len, void *event);
    cct_efi_status(CCT_EFIAPI *submit_command)(struct cct_efi_tcg2_protocol *self, uint32_t in_size,
                                               uint8_t *in, uint32_t out_size, uint8_t *out);
    cct_efi_status(CCT_EFIAPI *get_active_pcr_banks)(struct cct_efi_tcg2_protocol *self,
                                                     uint32_t *banks);
    void *set_active_pcr_banks;
    void *get_result_of_set_active_pcr_banks;
};

/* --- UEFI 2.10, 38.4: EFI_CC_MEASUREMENT_PROTOCOL --- */

#define CCT_EFI_CC_MEASUREMENT_PROTOCOL_GUID                                                       \
    {                                                                                              \
        0x96751a3d, 0x72f4, 0x41a6,                                                                \
        {                                                                                          \
            0xa7, 0x94, 0xed, 0x5d, 0x0e, 0x67, 0xae, 0x6b                                         \
        }                                                                                          \
    }
#define CCT_EFI_CC_FINAL_EVENTS_TABLE_GUID                                                         \
    {                                                                                              \
        0xdd4a4648, 0x2de7, 0x4665,                                                                \
        {                                                                                          \
            0x96, 0x4d, 0x21, 0xd9, 0xef, 0x5f, 0xb4, 0x46                                         \
        }                                                                                          \
    }

#define CCT_EFI_CC_LOG_FORMAT_TCG_2 0x2u
#define CCT_EFI_CC_TYPE_NONE 0u
#define CCT_EFI_CC_TYPE_SEV 1u
#define CCT_EFI_CC_TYPE_TDX 2u
/* EFI_CC_MR_INDEX for TDX (38.4.1): 0 = MRTD, 1-4 = RTMR0-3. */
#define CCT_EFI_CC_MR_RTMR_BASE 1u
#define CCT_EFI_CC_TDX_RTMRS 4u

struct cct_efi_cc_version {
    uint8_t major, minor;
};

/* EFI_CC_BOOT_SERVICE_CAPABILITY, natural alignment */
struct cct_efi_cc_capability {
    uint8_t size;
    struct cct_efi_cc_version structure_version;
    struct cct_efi_cc_version protocol_version;
    uint32_t hash_algorithm_bitmap; /* the TCG2 bitmap bits */
    uint32_t supported_event_logs;
    uint8_t cc_type, cc_subtype;
};

/* EFI_CC_EVENT: packed, Size, HeaderSize, HeaderVersion, MrIndex, EventType, Event[]; the
 * same layout as EFI_TCG2_EVENT. */
#define CCT_EFI_CC_EVENT_HEADER_VERSION 1u

struct cct_efi_cc_protocol;
struct cct_efi_cc_protocol {
    cct_efi_status(CCT_EFIAPI *get_capability)(struct cct_efi_cc_protocol *self,
                                               struct cct_efi_cc_capability *cap);
    cct_efi_status(CCT_EFIAPI *get_event_log)(struct cct_efi_cc_protocol *self, uint32_t format,
                                              uint64_t *location, uint64_t *last_entry,
                                              uint8_t *truncated);
    cct_efi_status(CCT_EFIAPI *hash_log_extend_event)(struct cct_efi_cc_protocol *self,
                                                      uint64_t flags, uint64_t data,
                                                      uint64_t data_len, void *event);
    cct_efi_status(CCT_EFIAPI *map_pcr_to_mr_index)(struct cct_efi_cc_protocol *self, uint32_t pcr,
                                                    uint32_t *mr_index);
};

/* --- UEFI 2.10, 37.2: EFI_HASH2_PROTOCOL --- */

#define CCT_EFI_HASH2_SERVICE_BINDING_GUID                                                         \
    {                                                                                              \
        0xda836f8d, 0x217f, 0x4ca0,                                                                \
        {                                                                                          \
            0x99, 0xc2, 0x1c, 0xa4, 0xe1, 0x60, 0x77, 0xea                                         \
        }                                                                                          \
    }
#define CCT_EFI_HASH2_PROTOCOL_GUID                                                                \
    {                                                                                              \
        0x55b1d734, 0xc5e1, 0x49db,                                                                \
        {                                                                                          \
            0x96, 0x47, 0xb1, 0x6a, 0xfb, 0x0e, 0x30, 0x5b                                         \
        }                                                                                          \
    }
#define CCT_EFI_HASH_ALG_SHA1_GUID                                                                 \
    {                                                                                              \
        0x2ae9d80f, 0x3fb2, 0x4095,                                                                \
        {                                                                                          \
            0xb7, 0xb1, 0xe9, 0x31, 0x57, 0xb9, 0x46, 0xb6                                         \
        }                                                                                          \
    }
#define CCT_EFI_HASH_ALG_SHA256_GUID                                                               \
    {                                                                                              \
        0x51aa59de, 0xfdf2, 0x4ea3,                                                                \
        {                                                                                          \
            0xbc, 0x63, 0x87, 0x5f, 0xb7, 0x84, 0x2e, 0xe9                                         \
        }                                                                                          \
    }
#define CCT_EFI_HASH_ALG_SHA384_GUID                                                               \
    {                                                                                              \
        0xefa96432, 0xde33, 0x4dd2,                                                                \
        {                                                                                          \
            0xae, 0xe6, 0x32, 0x8c, 0x33, 0xdf, 0x77, 0x7a                                         \
        }                                                                                          \
    }
#define CCT_EFI_HASH_ALG_SHA512_GUID                                                               \
    {                                                                                              \
        0xcaa4381e, 0x750c, 0x4770,                                                                \
        {                                                                                          \
            0xb8, 0x70, 0x7a, 0x23, 0xb4, 0xe4, 0x21, 0x30                                         \
        }                                                                                          \
    }

struct cct_efi_hash2_protocol;
struct cct_efi_hash2_protocol {
    cct_efi_status(CCT_EFIAPI *get_hash_size)(const struct cct_efi_hash2_protocol *self,
                                              const struct cct_efi_guid *alg, uint64_t *size);
    cct_efi_status(CCT_EFIAPI *hash)(const struct cct_efi_hash2_protocol *self,
                                     const struct cct_efi_guid *alg, const uint8_t *msg,
                                     uint64_t len, uint8_t *out);
    cct_efi_status(CCT_EFIAPI *hash_init)(const struct cct_efi_hash2_protocol *self,
                                          const struct cct_efi_guid *alg);
    cct_efi_status(CCT_EFIAPI *hash_update)(const struct cct_efi_hash2_protocol *self,
                                            const uint8_t *msg, uint64_t len);
    cct_efi_status(CCT_EFIAPI *hash_final)(const struct cct_efi_hash2_protocol *self, uint8_t *out);
};

#endif
