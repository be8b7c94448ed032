/* SPDX-License-Identifier: Apache-2.0 */
/* Name the non-log structures that users hand to event-log readers. */
#include "formats/nonlog.h"

#include <stdio.h>
#include <string.h>

#include <cctrusted/report.h>

#include "formats/tcg/tcg.h"
#include "util/reader.h"

/* ACPI system description table header (ACPI 6.5, 5.2.6): 36 bytes. */
#define ACPI_HEADER 36u

static int acpi_sig_char(uint8_t c)
{
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* A whole ACPI table: signature, length == n, bytes sum to zero. */
static int acpi_table(const uint8_t *p, size_t n, char *what, size_t cap)
{
    struct cct_reader r;
    uint32_t length;
    uint8_t sum = 0;
    cct_reader_init(&r, p, n, 0);
    if (n < ACPI_HEADER || !cct_read_skip(&r, 4) || !cct_read_u32le(&r, &length) || length != n) {
        return 0;
    }
    for (size_t i = 0; i < 4; i++) {
        if (!acpi_sig_char(p[i])) {
            return 0;
        }
    }
    for (size_t i = 0; i < n; i++) {
        sum = (uint8_t)(sum + p[i]);
    }
    if (sum != 0) {
        return 0;
    }
    /* Kept short: callers prefix the file name, and the message has 256 bytes in all. */
    if (memcmp(p, "CCEL", 4) == 0) {
        snprintf(what, cap,
                 "a CCEL ACPI table (%zu bytes); the log is its data area (acpi/tables/data/CCEL)",
                 n);
        return 1;
    }
    if (memcmp(p, "TPM2", 4) == 0 || memcmp(p, "TCPA", 4) == 0) {
        snprintf(what, cap,
                 "a %.4s ACPI table (%zu bytes); the log is tpm0/binary_bios_measurements",
                 (const char *)p, n);
        return 1;
    }
    snprintf(what, cap, "an ACPI table with signature %.4s (%zu bytes)", (const char *)p, n);
    return 1;
}

/* An SEV-SNP ATTESTATION_REPORT: version 2..5, SIGNATURE_ALGO 1 (ECDSA P-384),
 * POLICY bit 17 (reserved, must be one), reserved word at 0x4C zero. */
static int snp_report(const uint8_t *p, size_t n, char *what, size_t cap)
{
    struct cct_reader r;
    uint32_t version, algo, reserved;
    uint64_t policy;
    cct_reader_init(&r, p, n, 0);
    if (n < CCT_SNP_REPORT_SIZE || !cct_read_u32le(&r, &version) || !cct_read_skip(&r, 4) ||
        !cct_read_u64le(&r, &policy) || !cct_read_skip(&r, 0x34 - 0x10) ||
        !cct_read_u32le(&r, &algo) || !cct_read_skip(&r, 0x4C - 0x38) ||
        !cct_read_u32le(&r, &reserved)) {
        return 0;
    }
    if (version < 2 || version > 5 || algo != 1 || !(policy & (1u << 17)) || reserved != 0) {
        return 0;
    }
    if (n == CCT_SNP_REPORT_SIZE) {
        snprintf(what, cap, "an SEV-SNP attestation report (%u bytes)", CCT_SNP_REPORT_SIZE);
    } else {
        snprintf(what, cap, "an SEV-SNP attestation report (%u bytes) followed by %zu more bytes",
                 CCT_SNP_REPORT_SIZE, n - CCT_SNP_REPORT_SIZE);
    }
    return 1;
}

int cct_nonlog_identify(const uint8_t *p, size_t n, int complete, char *what, size_t cap)
{
    enum cct_report_type t;
    if (cap > 0) {
        what[0] = '\0';
    }
    if (p == NULL || n == 0) {
        return 0;
    }
    if (complete && acpi_table(p, n, what, cap)) {
        return 1;
    }
    if (complete && snp_report(p, n, what, cap)) {
        return 1;
    }
    /* The report rules below are weaker (an SGX quote v3 starts 03 00 00 00): trust them only
     * where the first u32 cannot be a TCG log's first register index. */
    struct cct_reader r;
    uint32_t first;
    cct_reader_init(&r, p, n, 0);
    if (!cct_read_u32le(&r, &first) || first <= CCT_TCG_MAX_PCR ||
        cct_report_detect(p, n, &t) < 0) {
        return 0;
    }
    switch (t) {
    case CCT_REPORT_TDX_QUOTE: snprintf(what, cap, "a TDX quote (%zu bytes)", n); return 1;
    case CCT_REPORT_SGX_QUOTE: snprintf(what, cap, "an SGX quote (%zu bytes)", n); return 1;
    case CCT_REPORT_TPM_QUOTE:
        snprintf(what, cap, "a TPM attestation structure (TPMS_ATTEST)");
        return 1;
    case CCT_REPORT_CCA:
        snprintf(what, cap, "a CBOR/COSE attestation token (CCA or PSA)");
        return 1;
    case CCT_REPORT_AZURE_HCL: snprintf(what, cap, "an Azure HCL report (%zu bytes)", n); return 1;
    case CCT_REPORT_TDX_TDREPORT:
        if (p[0] == 0x81) {
            /* REPORTMACSTRUCT.type: TEE type 0x81 = TDX. */
            snprintf(what, cap, "a TDX TDREPORT (%u bytes)", CCT_TDREPORT_SIZE);
            return 1;
        }
        return 0;
    default: return 0;
    }
}
