/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Attestation reports and quotes: Intel TDX quote v4/v5 and TDREPORT, AMD
 * SEV-SNP attestation report, TPM 2.0 quote (TPMS_ATTEST, TPMT_SIGNATURE,
 * TPMT_PUBLIC) and Arm CCA attestation tokens. Pure parsers: bytes in,
 * structures out; no I/O.
 *
 * Ownership: every `const uint8_t *` field in the structures below is a
 * view that borrows from the input buffer given to the parser; the buffer
 * must outlive the structure. Fixed-size arrays are copies.
 *
 * Threads: the parsers keep no state; calls may run in parallel, also on
 * the same input buffer (it is only read).
 */
#ifndef CCTRUSTED_REPORT_H
#define CCTRUSTED_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cctrusted/error.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Kinds of evidence recognised by cct_report_detect(). */
enum cct_report_type {
    CCT_REPORT_UNKNOWN = 0,
    CCT_REPORT_TDX_QUOTE,    /* Intel TDX quote v4 or v5 */
    CCT_REPORT_TDX_TDREPORT, /* 1024-byte TDREPORT_STRUCT */
    CCT_REPORT_SNP,          /* SEV-SNP ATTESTATION_REPORT (1184 bytes) */
    CCT_REPORT_TPM_QUOTE,    /* TPMS_ATTEST */
    CCT_REPORT_CCA,          /* CCA token collection or PSA token (CBOR) */
    CCT_REPORT_SGX_QUOTE,    /* Intel SGX quote: recognised, not supported */
    CCT_REPORT_AZURE_HCL,    /* Azure "HCLA" report wrapping a TDREPORT or SNP report */
};

/**
 * Guess the kind of evidence from its bytes (magic numbers, versions and
 * sizes). Returns 0 and sets *out (CCT_REPORT_UNKNOWN when nothing fits).
 */
CCT_WUR int cct_report_detect(const uint8_t *p, size_t len, enum cct_report_type *out);

/** Short stable name: "tdx", "tdreport", "snp", "tpm", "cca", "sgx", "hcl", "unknown". */
const char *cct_report_type_name(enum cct_report_type t);

/* ------------------------------------------------------------------ TDX */

#define CCT_TDX_TEE_TYPE_SGX 0x00000000u
#define CCT_TDX_TEE_TYPE_TDX 0x00000081u
#define CCT_TDX_ATT_KEY_ECDSA_P256 2u
#define CCT_TDX_BODY_SGX 1u  /* v5 body type: SGX enclave report */
#define CCT_TDX_BODY_TD10 2u /* v5 body type: TD report, TDX 1.0 (584 bytes) */
#define CCT_TDX_BODY_TD15 3u /* v5 body type: TD report, TDX 1.5 (648 bytes) */
#define CCT_TDX_CERT_PCK_CHAIN 5u
#define CCT_TDX_CERT_QE_REPORT 6u
/** Limit on certification data inside a quote. */
#define CCT_TDX_MAX_CERT_DATA (64u * 1024u)

/** TD report body (TDX 1.0 fields, plus the two TDX 1.5 fields when is_v15). */
struct cct_tdx_td_body {
    uint8_t tee_tcb_svn[16];
    uint8_t mrseam[48];
    uint8_t mrsignerseam[48];
    uint8_t seam_attributes[8];
    uint8_t td_attributes[8];
    uint8_t xfam[8];
    uint8_t mrtd[48];
    uint8_t mrconfigid[48];
    uint8_t mrowner[48];
    uint8_t mrownerconfig[48];
    uint8_t rtmr[4][48];
    uint8_t report_data[64];
    int is_v15;
    uint8_t tee_tcb_svn2[16]; /* TDX 1.5 only */
    uint8_t mrservicetd[48];  /* TDX 1.5 only */
};

/** SGX REPORT body (384 bytes), as used for the QE report. */
struct cct_sgx_report_body {
    uint8_t cpu_svn[16];
    uint32_t misc_select;
    uint8_t attributes[16];
    uint8_t mr_enclave[32];
    uint8_t mr_signer[32];
    uint16_t isv_prod_id;
    uint16_t isv_svn;
    uint8_t report_data[64];
};

/** A parsed TDX quote. Views borrow from the input. */
struct cct_tdx_quote {
    /* Header (48 bytes) */
    uint16_t version;      /* 4 or 5 */
    uint16_t att_key_type; /* 2 = ECDSA-256-with-P-256 */
    uint32_t tee_type;     /* 0x81 = TDX */
    uint16_t qe_svn;       /* reserved in v4 */
    uint16_t pce_svn;      /* reserved in v4 */
    uint8_t qe_vendor_id[16];
    uint8_t user_data[20];
    /* Body */
    uint16_t body_type; /* v5 descriptor type; 2 for v4 */
    uint32_t body_size;
    struct cct_tdx_td_body body;
    /* Signed region: header (+ v5 body descriptor) + body */
    const uint8_t *signed_data;
    size_t signed_len;
    /* Signature data */
    uint32_t sig_data_len;
    uint8_t signature[64];  /* ECDSA r || s, big-endian */
    uint8_t attest_key[64]; /* P-256 x || y */
    uint16_t cert_type;     /* outer certification data type (6 expected) */
    const uint8_t *cert_data;
    uint32_t cert_data_len;
    /* Type 6: QE report certification data */
    int has_qe_report;
    const uint8_t *qe_report_raw; /* 384 bytes */
    struct cct_sgx_report_body qe_report;
    uint8_t qe_report_sig[64];
    const uint8_t *qe_auth_data;
    uint16_t qe_auth_len;
    uint16_t pck_cert_type; /* nested type (5 = PCK chain, PEM) */
    const uint8_t *pck_chain;
    uint32_t pck_chain_len;
    /* Layout */
    size_t quote_len; /* bytes that belong to the quote */
    size_t trailing;  /* bytes after it (tolerated padding) */
};

/**
 * Parse a TDX quote (v4, or v5 with body type 2 or 3). Trailing bytes after
 * the signature data are tolerated and counted in ->trailing. An SGX quote
 * (tee type 0) is refused with CCT_EUNSUPPORTED and a message saying so.
 */
CCT_WUR int cct_tdx_quote_parse(const uint8_t *p, size_t len, struct cct_tdx_quote *out,
                                struct cct_error *err);

/** Name of a certification data type (1-7), or "unknown". */
const char *cct_tdx_cert_type_name(uint16_t t);

/** A parsed TDREPORT_STRUCT (1024 bytes, TDX module ABI). */
struct cct_tdreport {
    /* REPORTMACSTRUCT */
    uint8_t report_type; /* 0x81 = TDX */
    uint8_t report_subtype;
    uint8_t report_version; /* 0 = TDX 1.0, 1 = TDX 1.5 */
    uint8_t cpu_svn[16];
    uint8_t tee_tcb_info_hash[48];
    uint8_t tee_info_hash[48];
    uint8_t report_data[64];
    uint8_t mac[32];
    /* TEE_TCB_INFO */
    uint8_t tcb_valid[8];
    uint8_t tee_tcb_svn[16];
    uint8_t mrseam[48];
    uint8_t mrsignerseam[48];
    uint8_t seam_attributes[8];
    uint8_t tee_tcb_svn2[16];
    /* TDINFO */
    uint8_t td_attributes[8];
    uint8_t xfam[8];
    uint8_t mrtd[48];
    uint8_t mrconfigid[48];
    uint8_t mrowner[48];
    uint8_t mrownerconfig[48];
    uint8_t rtmr[4][48];
    uint8_t servtd_hash[48];
};

#define CCT_TDREPORT_SIZE 1024u

/** Parse a TDREPORT_STRUCT. Exactly 1024 bytes; REPORTTYPE must be 0x81. */
CCT_WUR int cct_tdreport_parse(const uint8_t *p, size_t len, struct cct_tdreport *out,
                               struct cct_error *err);

/** Azure HCL report ("HCLA"): a hardware report plus runtime data (JSON). */
struct cct_hcl_report {
    uint32_t version;
    uint32_t report_size;
    uint32_t request_type;
    const uint8_t *hw_report; /* 1184-byte area */
    size_t hw_report_len;
    uint32_t runtime_type;       /* 2 = SNP, 4 = TDX (as declared in the runtime data header) */
    uint32_t hash_type;          /* 1 = SHA-256, 2 = SHA-384, 3 = SHA-512 */
    const uint8_t *runtime_data; /* variable data (JSON) */
    uint32_t runtime_len;
};

CCT_WUR int cct_hcl_report_parse(const uint8_t *p, size_t len, struct cct_hcl_report *out,
                                 struct cct_error *err);

/* ------------------------------------------------------------------ SNP */

#define CCT_SNP_REPORT_SIZE 1184u
#define CCT_SNP_SIGNED_SIZE 0x2A0u

/** Processor generation, which fixes the TCB_VERSION layout (SEV-SNP ABI spec, "TCB_VERSION"). */
enum cct_snp_product {
    CCT_SNP_PRODUCT_UNKNOWN = 0,
    CCT_SNP_PRODUCT_MILAN, /* family 19h, models 00h-0Fh */
    CCT_SNP_PRODUCT_GENOA, /* family 19h, models 10h-1Fh and A0h-AFh */
    CCT_SNP_PRODUCT_TURIN, /* family 1Ah */
};

/** A decoded TCB_VERSION. Milan/Genoa: byte 0 boot loader, 1 TEE, 6 SNP, 7 microcode.
 *  Turin: byte 0 FMC, 1 boot loader, 2 TEE, 3 SNP, 7 microcode (has_fmc set). */
struct cct_snp_tcb {
    bool has_fmc;
    uint8_t fmc, boot_loader, tee, snp, microcode;
};

/** SEV-SNP ATTESTATION_REPORT (SEV-SNP ABI spec, Table "ATTESTATION_REPORT"). */
struct cct_snp_report {
    uint32_t version; /* 2, 3 or 5 */
    uint32_t guest_svn;
    uint64_t policy;
    uint8_t family_id[16];
    uint8_t image_id[16];
    uint32_t vmpl;
    uint32_t signature_algo; /* 1 = ECDSA P-384 with SHA-384 */
    uint64_t current_tcb;
    uint64_t platform_info;
    uint32_t flags; /* bit 0 AUTHOR_KEY_EN, bit 1 MASK_CHIP_KEY, bits 2-4 SIGNING_KEY */
    uint8_t report_data[64];
    uint8_t measurement[48];
    uint8_t host_data[32];
    uint8_t id_key_digest[48];
    uint8_t author_key_digest[48];
    uint8_t report_id[32];
    uint8_t report_id_ma[32];
    uint64_t reported_tcb;
    uint8_t cpuid_fam_id; /* v3+ */
    uint8_t cpuid_mod_id; /* v3+ */
    uint8_t cpuid_step;   /* v3+ */
    uint8_t chip_id[64];
    uint64_t committed_tcb;
    uint8_t current_build, current_minor, current_major;
    uint8_t committed_build, committed_minor, committed_major;
    uint64_t launch_tcb;
    uint64_t launch_mit_vector;   /* v5 */
    uint64_t current_mit_vector;  /* v5 */
    enum cct_snp_product product; /* from CPUID_FAM_ID/CPUID_MOD_ID (v3+); UNKNOWN for v2 */
    struct cct_snp_tcb
        reported_tcb_fields; /* REPORTED_TCB decoded for product (Milan layout when unknown) */
    uint8_t sig_r[72];       /* little-endian, zero-extended */
    uint8_t sig_s[72];
    const uint8_t *signed_data; /* first 0x2A0 bytes */
    size_t trailing;            /* bytes after the 1184-byte report in the buffer (tolerated; the
                                   signature does not cover them) */
};

/** Signing key encoded in flags bits 2-4. */
#define CCT_SNP_SIGNING_KEY_VCEK 0u
#define CCT_SNP_SIGNING_KEY_VLEK 1u
#define CCT_SNP_SIGNING_KEY_NONE 7u

/**
 * Parse an SEV-SNP ATTESTATION_REPORT from the first CCT_SNP_REPORT_SIZE bytes
 * of p. Bytes after them (Azure hands out the report followed by the next
 * structure) are tolerated and counted in ->trailing, as for TDX quotes;
 * fewer bytes are CCT_ETRUNCATED.
 */
CCT_WUR int cct_snp_report_parse(const uint8_t *p, size_t len, struct cct_snp_report *out,
                                 struct cct_error *err);

/** Product of a CPUID family/model pair (UNKNOWN when neither Milan, Genoa nor Turin). */
enum cct_snp_product cct_snp_product_from_cpuid(uint8_t family, uint8_t model);
/** Product from a VCEK/VLEK productName such as "Milan-B0", "Genoa", "Turin" (prefix match). */
enum cct_snp_product cct_snp_product_from_name(const char *name, size_t len);
/** "milan", "genoa", "turin", "unknown". */
const char *cct_snp_product_name(enum cct_snp_product p);
/** Decode a TCB_VERSION for a product (UNKNOWN decodes with the Milan/Genoa layout). */
void cct_snp_tcb_decode(uint64_t tcb, enum cct_snp_product p, struct cct_snp_tcb *out);

/** Certificate kinds in an extended-report certificate table. */
enum cct_snp_cert_kind {
    CCT_SNP_CERT_OTHER = 0,
    CCT_SNP_CERT_VCEK,
    CCT_SNP_CERT_VLEK,
    CCT_SNP_CERT_ASK,
    CCT_SNP_CERT_ARK,
};

#define CCT_SNP_MAX_CERTS 16

struct cct_snp_cert_entry {
    enum cct_snp_cert_kind kind;
    uint8_t guid[16]; /* as stored (RFC 4122 byte order) */
    const uint8_t *data;
    uint32_t len;
};

struct cct_snp_cert_table {
    size_t n;
    struct cct_snp_cert_entry entries[CCT_SNP_MAX_CERTS];
};

/** Parse a GHCB extended-report certificate table (entries end with an all-zero entry). */
CCT_WUR int cct_snp_cert_table_parse(const uint8_t *p, size_t len, struct cct_snp_cert_table *out,
                                     struct cct_error *err);
const char *cct_snp_cert_kind_name(enum cct_snp_cert_kind k);

/* ------------------------------------------------------------------ TPM */

#define CCT_TPM_GENERATED_VALUE 0xff544347u
#define CCT_TPM_ST_ATTEST_QUOTE 0x8018u
#define CCT_TPM_MAX_PCR_SELECTIONS 8
#define CCT_TPM_MAX_BUFFER 1024u

struct cct_tpm_pcr_selection {
    uint16_t hash;
    uint8_t size_of_select;
    uint8_t select[8];
};

/** TPMS_ATTEST (TPM 2.0 Part 2, 10.12.12), quote variant. */
struct cct_tpm_attest {
    uint32_t magic;
    uint16_t type;
    const uint8_t *qualified_signer;
    uint16_t qualified_signer_len;
    const uint8_t *extra_data;
    uint16_t extra_data_len;
    uint64_t clock;
    uint32_t reset_count;
    uint32_t restart_count;
    uint8_t safe;
    uint64_t firmware_version;
    /* TPMS_QUOTE_INFO (type == TPM_ST_ATTEST_QUOTE) */
    size_t n_selections;
    struct cct_tpm_pcr_selection selections[CCT_TPM_MAX_PCR_SELECTIONS];
    const uint8_t *pcr_digest;
    uint16_t pcr_digest_len;
};

CCT_WUR int cct_tpm_attest_parse(const uint8_t *p, size_t len, struct cct_tpm_attest *out,
                                 struct cct_error *err);

#define CCT_TPM_ALG_RSA 0x0001u
#define CCT_TPM_ALG_NULL 0x0010u
#define CCT_TPM_ALG_RSASSA 0x0014u
#define CCT_TPM_ALG_RSAPSS 0x0016u
#define CCT_TPM_ALG_ECDSA 0x0018u
#define CCT_TPM_ALG_ECC 0x0023u

/** TPMT_SIGNATURE (RSASSA, RSAPSS, ECDSA). */
struct cct_tpm_signature {
    uint16_t sig_alg;
    uint16_t hash;
    const uint8_t *rsa_sig; /* RSA schemes */
    uint16_t rsa_sig_len;
    const uint8_t *ecc_r; /* ECDSA */
    uint16_t ecc_r_len;
    const uint8_t *ecc_s;
    uint16_t ecc_s_len;
};

CCT_WUR int cct_tpm_signature_parse(const uint8_t *p, size_t len, struct cct_tpm_signature *out,
                                    struct cct_error *err);

/** TPMT_PUBLIC (RSA or ECC keys). */
struct cct_tpm_public {
    uint16_t type;
    uint16_t name_alg;
    uint32_t object_attributes;
    uint16_t scheme;
    uint16_t scheme_hash;
    uint16_t rsa_bits;
    uint32_t rsa_exponent; /* 0 means 65537 */
    uint16_t curve;        /* TPM_ECC_NIST_P256 = 3, P384 = 4, P521 = 5 */
    const uint8_t *unique; /* RSA modulus, or ECC x */
    uint16_t unique_len;
    const uint8_t *ecc_y;
    uint16_t ecc_y_len;
};

/** Parse a TPMT_PUBLIC (also accepts a TPM2B_PUBLIC whose size matches). */
CCT_WUR int cct_tpm_public_parse(const uint8_t *p, size_t len, struct cct_tpm_public *out,
                                 struct cct_error *err);

/* ------------------------------------------------------------------ CCA */

#define CCT_CCA_MAX_TOKEN (64u * 1024u)

/** One COSE_Sign1 token (platform or realm) and a few claims. Views borrow from the input. */
struct cct_cose_sign1 {
    const uint8_t *protected_hdr;
    size_t protected_len;
    int alg; /* COSE alg from the protected header (-7 ES256, -35 ES384, -36 ES512) */
    const uint8_t *payload;
    size_t payload_len;
    const uint8_t *signature; /* COSE_Mac0: the MAC tag */
    size_t signature_len;
    int cose_tag; /* 18 COSE_Sign1, 17 COSE_Mac0 (bare PSA tokens only) */
};

struct cct_cca_token {
    uint64_t collection_tag; /* 399, 907, or 0 for a bare PSA token */
    int has_platform, has_realm;
    struct cct_cose_sign1 platform;
    struct cct_cose_sign1 realm;
    /* Platform claims */
    const char *platform_profile;
    size_t platform_profile_len;
    const uint8_t *platform_challenge;
    size_t platform_challenge_len;
    const uint8_t *implementation_id;
    size_t implementation_id_len;
    const uint8_t *instance_id;
    size_t instance_id_len;
    int64_t security_lifecycle;
    const char *platform_hash_algo;
    size_t platform_hash_algo_len;
    size_t n_sw_components;
    /* Realm claims */
    const uint8_t *realm_challenge;
    size_t realm_challenge_len;
    const uint8_t *realm_personalization;
    size_t realm_personalization_len;
    const char *realm_hash_algo;
    size_t realm_hash_algo_len;
    const char *rak_hash_algo;
    size_t rak_hash_algo_len;
    const uint8_t *rak;
    size_t rak_len;               /* realm public key claim as carried (COSE_Key or raw EC point) */
    int rak_crv;                  /* COSE curve of the key: 1 P-256, 2 P-384, 3 P-521; 0 unknown */
    const uint8_t *rak_x, *rak_y; /* affine coordinates (big-endian) */
    size_t rak_xy_len;
    const uint8_t *rim;
    size_t rim_len;
    const uint8_t *rem[4];
    size_t rem_len[4];
    const char *realm_profile;
    size_t realm_profile_len;
    void *internal; /* decoded CBOR owned by the token; release with cct_cca_token_free() */
};

/**
 * Parse a CCA token collection (tag 399, or legacy tag 907 with CMW-style
 * [content-format, bstr] entries) or a bare PSA token (COSE_Sign1, tag 18,
 * or COSE_Mac0, tag 17: platform.cose_tag says which; alg is then the MAC
 * algorithm, 5 HMAC-SHA-256, 6 HMAC-SHA-384, 7 HMAC-SHA-512). A COSE_Mac0
 * inside a CCA collection is refused (CCT_EUNSUPPORTED). The views in *out point
 * into the input or into decoded data owned by out; free with
 * cct_cca_token_free().
 */
CCT_WUR int cct_cca_token_parse(const uint8_t *p, size_t len, struct cct_cca_token *out,
                                struct cct_error *err);

/** Release what cct_cca_token_parse() allocated. Accepts NULL and zeroed tokens. */
void cct_cca_token_free(struct cct_cca_token *t);

/** Flag words whose bits cct_flag_names() names. */
enum cct_flag_set {
    CCT_FLAGS_TD_ATTRIBUTES = 1, /* TDX TDATTRIBUTES (DEBUG, SEPT_VE_DISABLE, PKS, KL, PERFMON) */
    CCT_FLAGS_XFAM,              /* TDX XFAM (XSAVE features) */
    CCT_FLAGS_SNP_POLICY, /* SEV-SNP guest POLICY (bits 16 and up; 0-15 are ABI_MINOR/MAJOR) */
    CCT_FLAGS_SNP_PLATFORM_INFO, /* SEV-SNP PLATFORM_INFO */
};

/**
 * Names of the set bits of v in set (static strings, lowest bit first): writes
 * up to max of them to out and returns how many it wrote; *unknown (when not
 * NULL) receives the set bits that have no name.
 */
size_t cct_flag_names(enum cct_flag_set set, uint64_t v, const char **out, size_t max,
                      uint64_t *unknown);

#ifdef __cplusplus
}
#endif
#endif
