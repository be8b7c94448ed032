/* SPDX-License-Identifier: Apache-2.0 */
/* Recognise the kind of an attestation report from its first bytes and its size. */
#include <string.h>

#include <cctrusted/report.h>

#include "util/error.h"
#include "util/reader.h"

const char *cct_report_type_name(enum cct_report_type t)
{
    switch (t) {
    case CCT_REPORT_TDX_QUOTE: return "tdx";
    case CCT_REPORT_TDX_TDREPORT: return "tdreport";
    case CCT_REPORT_SNP: return "snp";
    case CCT_REPORT_TPM_QUOTE: return "tpm";
    case CCT_REPORT_CCA: return "cca";
    case CCT_REPORT_SGX_QUOTE: return "sgx";
    case CCT_REPORT_AZURE_HCL: return "hcl";
    default: return "unknown";
    }
}

int cct_report_detect(const uint8_t *p, size_t len, enum cct_report_type *out)
{
    struct cct_reader r;
    uint16_t version = 0, key_type = 0;
    uint32_t tee = 0, u32 = 0;
    if ((p == NULL && len > 0) || out == NULL) {
        return CCT_EINVAL;
    }
    *out = CCT_REPORT_UNKNOWN;
    if (len >= 4 && memcmp(p, "HCLA", 4) == 0) {
        *out = CCT_REPORT_AZURE_HCL;
        return 0;
    }
    cct_reader_init(&r, p, len, 0);
    if (cct_read_u32be(&r, &u32) && u32 == CCT_TPM_GENERATED_VALUE) {
        *out = CCT_REPORT_TPM_QUOTE;
        return 0;
    }
    /* CBOR: tag 399 / 907 collections (d9 01 8f, d9 03 8b), COSE_Sign1 (d2), COSE_Mac0 (d1) */
    if (len >= 3 && p[0] == 0xd9 &&
        ((p[1] == 0x01 && p[2] == 0x8f) || (p[1] == 0x03 && p[2] == 0x8b))) {
        *out = CCT_REPORT_CCA;
        return 0;
    }
    if (len >= 1 && (p[0] == 0xd2 || p[0] == 0xd1)) {
        *out = CCT_REPORT_CCA;
        return 0;
    }
    /* Intel quote header: version u16, attestation key type u16, TEE type u32 */
    cct_reader_init(&r, p, len, 0);
    if (len >= 48 && cct_read_u16le(&r, &version) && cct_read_u16le(&r, &key_type) &&
        cct_read_u32le(&r, &tee)) {
        /* any version: the parser then says which versions it supports */
        if (tee == CCT_TDX_TEE_TYPE_TDX && version >= 1 && version <= 16 && key_type <= 16) {
            *out = CCT_REPORT_TDX_QUOTE;
            return 0;
        }
        if (tee == CCT_TDX_TEE_TYPE_SGX && version >= 2 && version <= 5 && key_type <= 3 &&
            len != 1184 && len != CCT_TDREPORT_SIZE) {
            *out = CCT_REPORT_SGX_QUOTE;
            return 0;
        }
    }
    if (len == CCT_TDREPORT_SIZE) {
        *out = CCT_REPORT_TDX_TDREPORT;
        return 0;
    }
    cct_reader_init(&r, p, len, 0);
    if (len >= CCT_SNP_REPORT_SIZE && cct_read_u32le(&r, &u32) &&
        (u32 == 2 || u32 == 3 || u32 == 5)) {
        /* A report followed by other bytes needs more than the version to be
         * recognised: SIGNATURE_ALGO 1 (0x34) and POLICY bit 17, reserved to one. */
        uint64_t policy = 0;
        uint32_t algo = 0;
        if (len == CCT_SNP_REPORT_SIZE ||
            (cct_read_skip(&r, 4) && cct_read_u64le(&r, &policy) &&
             cct_read_skip(&r, 0x34 - 0x10) && cct_read_u32le(&r, &algo) && algo == 1 &&
             (policy & (1u << 17)))) {
            *out = CCT_REPORT_SNP;
            return 0;
        }
    }
    return 0;
}
