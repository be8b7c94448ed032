/* SPDX-License-Identifier: Apache-2.0 */
/*
 * AMD SEV-SNP ATTESTATION_REPORT and extended-report certificate table.
 *
 * References: SEV Secure Nested Paging Firmware ABI Specification, table
 * "ATTESTATION_REPORT Structure" (versions 2, 3 and 5), and the GHCB
 * specification, "SNP Extended Guest Request" certificate table.
 */
#include <string.h>

#include <cctrusted/report.h>

#include "util/error.h"
#include "util/reader.h"

int cct_snp_report_parse(const uint8_t *p, size_t len, struct cct_snp_report *out,
                         struct cct_error *err)
{
    struct cct_reader r;
    struct cct_snp_report s;
    uint32_t reserved;
    if (p == NULL || out == NULL) {
        return cct_err(err, CCT_EINVAL, -1, -1, "no report");
    }
    if (len < CCT_SNP_REPORT_SIZE) {
        return cct_err(err, CCT_ETRUNCATED, -1, (int64_t)len, "an SNP report is %u bytes, got %zu",
                       CCT_SNP_REPORT_SIZE, len);
    }
    memset(&s, 0, sizeof(s));
    /* The report has a fixed size; what follows belongs to someone else. */
    s.trailing = len - CCT_SNP_REPORT_SIZE;
    cct_reader_init(&r, p, CCT_SNP_REPORT_SIZE, 0);
    /* offsets 0x00 - 0x4F */
    bool ok = cct_read_u32le(&r, &s.version) && cct_read_u32le(&r, &s.guest_svn) &&
              cct_read_u64le(&r, &s.policy) && cct_read_copy(&r, s.family_id, 16) &&
              cct_read_copy(&r, s.image_id, 16) && cct_read_u32le(&r, &s.vmpl) &&
              cct_read_u32le(&r, &s.signature_algo) && cct_read_u64le(&r, &s.current_tcb) &&
              cct_read_u64le(&r, &s.platform_info) && cct_read_u32le(&r, &s.flags) &&
              cct_read_u32le(&r, &reserved);
    /* 0x50 - 0x187 */
    ok = ok && cct_read_copy(&r, s.report_data, 64) && cct_read_copy(&r, s.measurement, 48) &&
         cct_read_copy(&r, s.host_data, 32) && cct_read_copy(&r, s.id_key_digest, 48) &&
         cct_read_copy(&r, s.author_key_digest, 48) && cct_read_copy(&r, s.report_id, 32) &&
         cct_read_copy(&r, s.report_id_ma, 32) && cct_read_u64le(&r, &s.reported_tcb);
    /* 0x188: CPUID family/model/stepping (v3+), reserved to 0x1A0 */
    ok = ok && cct_read_u8(&r, &s.cpuid_fam_id) && cct_read_u8(&r, &s.cpuid_mod_id) &&
         cct_read_u8(&r, &s.cpuid_step) && cct_read_skip(&r, 21);
    /* 0x1A0 - 0x1FF */
    ok = ok && cct_read_copy(&r, s.chip_id, 64) && cct_read_u64le(&r, &s.committed_tcb) &&
         cct_read_u8(&r, &s.current_build) && cct_read_u8(&r, &s.current_minor) &&
         cct_read_u8(&r, &s.current_major) && cct_read_skip(&r, 1) &&
         cct_read_u8(&r, &s.committed_build) && cct_read_u8(&r, &s.committed_minor) &&
         cct_read_u8(&r, &s.committed_major) && cct_read_skip(&r, 1) &&
         cct_read_u64le(&r, &s.launch_tcb);
    /* 0x1F8: launch/current mitigation vectors (v5), reserved to 0x2A0 */
    ok = ok && cct_read_u64le(&r, &s.launch_mit_vector) &&
         cct_read_u64le(&r, &s.current_mit_vector) && cct_read_skip(&r, 0x2A0 - 0x208);
    /* 0x2A0: signature (ECDSA P-384: R, S little-endian, 72 bytes each), reserved to 0x4A0 */
    ok = ok && cct_read_copy(&r, s.sig_r, 72) && cct_read_copy(&r, s.sig_s, 72) &&
         cct_read_skip(&r, 512 - 144) && cct_reader_done(&r);
    if (!ok) {
        return cct_err(err, CCT_EMALFORMED, -1, (int64_t)cct_reader_offset(&r),
                       "SNP report layout error");
    }
    if (s.version != 2 && s.version != 3 && s.version != 5) {
        return cct_err(err, CCT_EUNSUPPORTED, -1, 0,
                       "SNP report version %u is not supported (2, 3, 5)", s.version);
    }
    if (s.version < 3) {
        /* the CPUID bytes were reserved before version 3 */
        s.cpuid_fam_id = s.cpuid_mod_id = s.cpuid_step = 0;
    }
    if (s.version < 5) {
        s.launch_mit_vector = s.current_mit_vector = 0;
    }
    s.product = CCT_SNP_PRODUCT_UNKNOWN;
    if (s.version >= 3) {
        s.product = cct_snp_product_from_cpuid(s.cpuid_fam_id, s.cpuid_mod_id);
    }
    cct_snp_tcb_decode(s.reported_tcb, s.product, &s.reported_tcb_fields);
    s.signed_data = p;
    *out = s;
    return 0;
}

/* SEV-SNP ABI spec, ATTESTATION_REPORT CPUID_FAM_ID/CPUID_MOD_ID (combined family and model). */
enum cct_snp_product cct_snp_product_from_cpuid(uint8_t family, uint8_t model)
{
    if (family == 0x19) {
        if (model <= 0x0F) {
            return CCT_SNP_PRODUCT_MILAN;
        }
        if ((model >= 0x10 && model <= 0x1F) || (model >= 0xA0 && model <= 0xAF)) {
            return CCT_SNP_PRODUCT_GENOA;
        }
        return CCT_SNP_PRODUCT_UNKNOWN;
    }
    return family == 0x1A ? CCT_SNP_PRODUCT_TURIN : CCT_SNP_PRODUCT_UNKNOWN;
}

enum cct_snp_product cct_snp_product_from_name(const char *name, size_t len)
{
    static const struct {
        const char *prefix;
        enum cct_snp_product p;
    } names[] = { { "Milan", CCT_SNP_PRODUCT_MILAN },
                  { "Genoa", CCT_SNP_PRODUCT_GENOA },
                  { "Turin", CCT_SNP_PRODUCT_TURIN } };
    for (size_t i = 0; name != NULL && i < sizeof(names) / sizeof(names[0]); i++) {
        size_t n = strlen(names[i].prefix);
        if (len >= n && memcmp(name, names[i].prefix, n) == 0 && (len == n || name[n] == '-')) {
            return names[i].p;
        }
    }
    return CCT_SNP_PRODUCT_UNKNOWN;
}

const char *cct_snp_product_name(enum cct_snp_product p)
{
    switch (p) {
    case CCT_SNP_PRODUCT_MILAN: return "milan";
    case CCT_SNP_PRODUCT_GENOA: return "genoa";
    case CCT_SNP_PRODUCT_TURIN: return "turin";
    default: return "unknown";
    }
}

/* SEV-SNP ABI spec, "TCB_VERSION Structure": layout per product (rev 1.57 adds Turin's FMC byte).
 */
void cct_snp_tcb_decode(uint64_t tcb, enum cct_snp_product p, struct cct_snp_tcb *out)
{
    memset(out, 0, sizeof(*out));
    out->microcode = (uint8_t)(tcb >> 56);
    if (p == CCT_SNP_PRODUCT_TURIN) {
        /* byte 0 FMC, 1 boot loader, 2 TEE, 3 SNP, 4-6 reserved, 7 microcode */
        out->has_fmc = true;
        out->fmc = (uint8_t)tcb;
        out->boot_loader = (uint8_t)(tcb >> 8);
        out->tee = (uint8_t)(tcb >> 16);
        out->snp = (uint8_t)(tcb >> 24);
    } else {
        /* byte 0 boot loader, 1 TEE, 2-5 reserved, 6 SNP, 7 microcode */
        out->boot_loader = (uint8_t)tcb;
        out->tee = (uint8_t)(tcb >> 8);
        out->snp = (uint8_t)(tcb >> 48);
    }
}

/* GUIDs of the certificate table, RFC 4122 byte order. */
static const struct {
    enum cct_snp_cert_kind kind;
    uint8_t guid[16];
} snp_guids[] = {
    { CCT_SNP_CERT_VCEK,
      { 0x63, 0xda, 0x75, 0x8d, 0xe6, 0x64, 0x45, 0x64, 0xad, 0xc5, 0xf4, 0xb9, 0x3b, 0xe8, 0xac,
        0xcd } },
    { CCT_SNP_CERT_VLEK,
      { 0xa8, 0x07, 0x4b, 0xc2, 0xa2, 0x5a, 0x48, 0x3e, 0xaa, 0xe6, 0x39, 0xc0, 0x45, 0xa0, 0xb8,
        0xa1 } },
    { CCT_SNP_CERT_ASK,
      { 0x4a, 0xb7, 0xb3, 0x79, 0xbb, 0xac, 0x4f, 0xe4, 0xa0, 0x2f, 0x05, 0xae, 0xf3, 0x27, 0xc7,
        0x82 } },
    { CCT_SNP_CERT_ARK,
      { 0xc0, 0xb4, 0x06, 0xa4, 0xa8, 0x03, 0x49, 0x52, 0x97, 0x43, 0x3f, 0xb6, 0x01, 0x4c, 0xd0,
        0xae } },
};

const char *cct_snp_cert_kind_name(enum cct_snp_cert_kind k)
{
    switch (k) {
    case CCT_SNP_CERT_VCEK: return "VCEK";
    case CCT_SNP_CERT_VLEK: return "VLEK";
    case CCT_SNP_CERT_ASK: return "ASK";
    case CCT_SNP_CERT_ARK: return "ARK";
    default: return "other";
    }
}

int cct_snp_cert_table_parse(const uint8_t *p, size_t len, struct cct_snp_cert_table *out,
                             struct cct_error *err)
{
    struct cct_reader r;
    struct cct_snp_cert_table t;
    static const uint8_t zero[24];
    if (p == NULL || out == NULL) {
        return cct_err(err, CCT_EINVAL, -1, -1, "no certificate table");
    }
    memset(&t, 0, sizeof(t));
    cct_reader_init(&r, p, len, 0);
    for (;;) {
        const uint8_t *ent;
        size_t off = cct_reader_offset(&r);
        if (!cct_read_bytes(&r, 24, &ent)) {
            return cct_err(err, CCT_ETRUNCATED, -1, (int64_t)off,
                           "certificate table ends without a zero entry");
        }
        if (memcmp(ent, zero, 24) == 0) {
            break;
        }
        if (t.n >= CCT_SNP_MAX_CERTS) {
            return cct_err(err, CCT_ELIMIT, -1, (int64_t)off,
                           "more than %d certificate table entries", CCT_SNP_MAX_CERTS);
        }
        struct cct_reader e;
        uint32_t eoff = 0, elen = 0;
        struct cct_snp_cert_entry *c = &t.entries[t.n];
        cct_reader_init(&e, ent, 24, off);
        /* entry: GUID (16), offset u32, length u32 */
        bool ok = cct_read_copy(&e, c->guid, 16) && cct_read_u32le(&e, &eoff) &&
                  cct_read_u32le(&e, &elen);
        if (!ok || eoff > len || elen > len - eoff) {
            return cct_err(
                err, CCT_EMALFORMED, -1, (int64_t)off + 16,
                "certificate entry %zu (offset %u, length %u) lies outside the %zu-byte blob", t.n,
                eoff, elen, len);
        }
        c->data = p + eoff;
        c->len = elen;
        c->kind = CCT_SNP_CERT_OTHER;
        for (size_t i = 0; i < sizeof(snp_guids) / sizeof(snp_guids[0]); i++) {
            if (memcmp(snp_guids[i].guid, c->guid, 16) == 0) {
                c->kind = snp_guids[i].kind;
            }
        }
        t.n++;
    }
    *out = t;
    return 0;
}
