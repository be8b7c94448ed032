/* SPDX-License-Identifier: Apache-2.0 */
/*
 * TPM 2.0 structures used by quotes: TPMS_ATTEST, TPMT_SIGNATURE and
 * TPMT_PUBLIC (TPM 2.0 Library, Part 2: Structures). All big-endian.
 */
#include <string.h>

#include <cctrusted/report.h>

#include "util/error.h"
#include "util/reader.h"

/* TPM2B_*: u16be size then bytes. */
static bool read_tpm2b(struct cct_reader *r, const uint8_t **p, uint16_t *n)
{
    struct cct_reader save = *r;
    uint16_t sz;
    if (!cct_read_u16be(r, &sz) || sz > CCT_TPM_MAX_BUFFER || !cct_read_bytes(r, sz, p)) {
        *r = save;
        return false;
    }
    *n = sz;
    return true;
}

static int tpm_err(struct cct_error *err, const struct cct_reader *r, const char *what,
                   const char *field)
{
    return cct_err(err, CCT_EMALFORMED, -1, (int64_t)cct_reader_offset(r),
                   "%s: truncated or oversized %s", what, field);
}

int cct_tpm_attest_parse(const uint8_t *p, size_t len, struct cct_tpm_attest *out,
                         struct cct_error *err)
{
    struct cct_reader r;
    struct cct_tpm_attest a;
    uint32_t count;
    if (p == NULL || out == NULL) {
        return cct_err(err, CCT_EINVAL, -1, -1, "no TPMS_ATTEST");
    }
    memset(&a, 0, sizeof(a));
    cct_reader_init(&r, p, len, 0);
    /* 10.12.12 TPMS_ATTEST */
    if (!cct_read_u32be(&r, &a.magic) || !cct_read_u16be(&r, &a.type)) {
        return tpm_err(err, &r, "TPMS_ATTEST", "header");
    }
    if (a.magic != CCT_TPM_GENERATED_VALUE) {
        return cct_err(err, CCT_EMALFORMED, -1, 0,
                       "TPMS_ATTEST magic is 0x%08x, expected 0xff544347", a.magic);
    }
    if (!read_tpm2b(&r, &a.qualified_signer, &a.qualified_signer_len)) {
        return tpm_err(err, &r, "TPMS_ATTEST", "qualifiedSigner");
    }
    if (!read_tpm2b(&r, &a.extra_data, &a.extra_data_len)) {
        return tpm_err(err, &r, "TPMS_ATTEST", "extraData");
    }
    /* TPMS_CLOCK_INFO, firmwareVersion */
    if (!cct_read_u64be(&r, &a.clock) || !cct_read_u32be(&r, &a.reset_count) ||
        !cct_read_u32be(&r, &a.restart_count) || !cct_read_u8(&r, &a.safe) ||
        !cct_read_u64be(&r, &a.firmware_version)) {
        return tpm_err(err, &r, "TPMS_ATTEST", "clockInfo");
    }
    if (a.type != CCT_TPM_ST_ATTEST_QUOTE) {
        return cct_err(err, CCT_EUNSUPPORTED, -1, 4,
                       "TPMS_ATTEST type 0x%04x is not a quote (0x8018)", a.type);
    }
    /* 10.12.1 TPMS_QUOTE_INFO: TPML_PCR_SELECTION, TPM2B_DIGEST */
    if (!cct_read_u32be(&r, &count)) {
        return tpm_err(err, &r, "TPMS_QUOTE_INFO", "pcrSelect count");
    }
    if (count > CCT_TPM_MAX_PCR_SELECTIONS) {
        return cct_err(err, CCT_ELIMIT, -1, (int64_t)cct_reader_offset(&r) - 4,
                       "%u PCR selections exceed the limit of %d", count,
                       CCT_TPM_MAX_PCR_SELECTIONS);
    }
    for (uint32_t i = 0; i < count; i++) {
        struct cct_tpm_pcr_selection *s = &a.selections[i];
        if (!cct_read_u16be(&r, &s->hash) || !cct_read_u8(&r, &s->size_of_select)) {
            return tpm_err(err, &r, "TPMS_PCR_SELECTION", "header");
        }
        if (s->size_of_select > sizeof(s->select)) {
            return cct_err(err, CCT_ELIMIT, -1, (int64_t)cct_reader_offset(&r) - 1,
                           "sizeofSelect %u exceeds %zu", s->size_of_select, sizeof(s->select));
        }
        if (!cct_read_copy(&r, s->select, s->size_of_select)) {
            return tpm_err(err, &r, "TPMS_PCR_SELECTION", "pcrSelect");
        }
    }
    a.n_selections = count;
    if (!read_tpm2b(&r, &a.pcr_digest, &a.pcr_digest_len)) {
        return tpm_err(err, &r, "TPMS_QUOTE_INFO", "pcrDigest");
    }
    if (!cct_reader_done(&r)) {
        return cct_err(err, CCT_EMALFORMED, -1, (int64_t)cct_reader_offset(&r),
                       "%zu unexpected bytes after TPMS_ATTEST", cct_reader_left(&r));
    }
    *out = a;
    return 0;
}

int cct_tpm_signature_parse(const uint8_t *p, size_t len, struct cct_tpm_signature *out,
                            struct cct_error *err)
{
    struct cct_reader r;
    struct cct_tpm_signature s;
    if (p == NULL || out == NULL) {
        return cct_err(err, CCT_EINVAL, -1, -1, "no TPMT_SIGNATURE");
    }
    memset(&s, 0, sizeof(s));
    cct_reader_init(&r, p, len, 0);
    /* 11.3.4 TPMT_SIGNATURE: sigAlg, then TPMU_SIGNATURE (hash first in every scheme) */
    if (!cct_read_u16be(&r, &s.sig_alg) || !cct_read_u16be(&r, &s.hash)) {
        return tpm_err(err, &r, "TPMT_SIGNATURE", "header");
    }
    switch (s.sig_alg) {
    case CCT_TPM_ALG_RSASSA:
    case CCT_TPM_ALG_RSAPSS:
        if (!read_tpm2b(&r, &s.rsa_sig, &s.rsa_sig_len)) {
            return tpm_err(err, &r, "TPMT_SIGNATURE", "RSA signature");
        }
        break;
    case CCT_TPM_ALG_ECDSA:
        if (!read_tpm2b(&r, &s.ecc_r, &s.ecc_r_len) || !read_tpm2b(&r, &s.ecc_s, &s.ecc_s_len)) {
            return tpm_err(err, &r, "TPMT_SIGNATURE", "ECDSA signature");
        }
        break;
    default:
        return cct_err(err, CCT_EUNSUPPORTED, -1, 0,
                       "signature scheme 0x%04x is not supported (RSASSA, RSAPSS, ECDSA)",
                       s.sig_alg);
    }
    if (!cct_reader_done(&r)) {
        return cct_err(err, CCT_EMALFORMED, -1, (int64_t)cct_reader_offset(&r),
                       "%zu unexpected bytes after TPMT_SIGNATURE", cct_reader_left(&r));
    }
    *out = s;
    return 0;
}

static int parse_public(struct cct_reader *r, struct cct_tpm_public *k, struct cct_error *err)
{
    const uint8_t *policy;
    uint16_t policy_len, sym, kdf;
    /* 12.2.4 TPMT_PUBLIC */
    if (!cct_read_u16be(r, &k->type) || !cct_read_u16be(r, &k->name_alg) ||
        !cct_read_u32be(r, &k->object_attributes) || !read_tpm2b(r, &policy, &policy_len)) {
        return tpm_err(err, r, "TPMT_PUBLIC", "header");
    }
    /* TPMT_SYM_DEF_OBJECT: algorithm, and keyBits + mode unless TPM_ALG_NULL */
    if (!cct_read_u16be(r, &sym) || (sym != CCT_TPM_ALG_NULL && !cct_read_skip(r, 4))) {
        return tpm_err(err, r, "TPMT_PUBLIC", "symmetric");
    }
    /* scheme: algorithm, and hashAlg unless TPM_ALG_NULL */
    if (!cct_read_u16be(r, &k->scheme) ||
        (k->scheme != CCT_TPM_ALG_NULL && !cct_read_u16be(r, &k->scheme_hash))) {
        return tpm_err(err, r, "TPMT_PUBLIC", "scheme");
    }
    if (k->type == CCT_TPM_ALG_RSA) {
        /* TPMS_RSA_PARMS: keyBits, exponent; unique = TPM2B_PUBLIC_KEY_RSA */
        if (!cct_read_u16be(r, &k->rsa_bits) || !cct_read_u32be(r, &k->rsa_exponent) ||
            !read_tpm2b(r, &k->unique, &k->unique_len)) {
            return tpm_err(err, r, "TPMT_PUBLIC", "RSA parameters");
        }
    } else if (k->type == CCT_TPM_ALG_ECC) {
        /* TPMS_ECC_PARMS: curveID, kdf; unique = TPMS_ECC_POINT */
        if (!cct_read_u16be(r, &k->curve) || !cct_read_u16be(r, &kdf) ||
            (kdf != CCT_TPM_ALG_NULL && !cct_read_skip(r, 2)) ||
            !read_tpm2b(r, &k->unique, &k->unique_len) ||
            !read_tpm2b(r, &k->ecc_y, &k->ecc_y_len)) {
            return tpm_err(err, r, "TPMT_PUBLIC", "ECC parameters");
        }
    } else {
        return cct_err(err, CCT_EUNSUPPORTED, -1, 0,
                       "TPMT_PUBLIC type 0x%04x is not supported (RSA, ECC)", k->type);
    }
    return 0;
}

int cct_tpm_public_parse(const uint8_t *p, size_t len, struct cct_tpm_public *out,
                         struct cct_error *err)
{
    struct cct_reader r;
    struct cct_tpm_public k;
    int rc;
    uint16_t sz;
    if (p == NULL || out == NULL) {
        return cct_err(err, CCT_EINVAL, -1, -1, "no TPMT_PUBLIC");
    }
    memset(&k, 0, sizeof(k));
    cct_reader_init(&r, p, len, 0);
    /* A TPM2B_PUBLIC starts with its own size, which equals the bytes that follow. */
    if (len >= 2 && cct_read_u16be(&r, &sz) && sz == len - 2) {
        /* consumed the size */
    } else {
        cct_reader_init(&r, p, len, 0);
    }
    rc = parse_public(&r, &k, err);
    if (rc < 0) {
        return rc;
    }
    if (!cct_reader_done(&r)) {
        return cct_err(err, CCT_EMALFORMED, -1, (int64_t)cct_reader_offset(&r),
                       "%zu unexpected bytes after TPMT_PUBLIC", cct_reader_left(&r));
    }
    *out = k;
    return 0;
}
