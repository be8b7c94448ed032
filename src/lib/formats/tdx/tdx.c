/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Intel TDX quote (v4, v5) and TDREPORT_STRUCT parser.
 *
 * References: Intel TDX DCAP Quoting Library API, "Quote Format" (v4:
 * section A.3, v5: section A.4), and the Intel TDX Module ABI
 * specification, "TDREPORT_STRUCT".
 */
#include <string.h>

#include <cctrusted/report.h>

#include "util/error.h"
#include "util/reader.h"

#define QUOTE_HEADER_SIZE 48u
#define TD10_BODY_SIZE 584u
#define TD15_BODY_SIZE 648u
#define SGX_REPORT_SIZE 384u

const char *cct_tdx_cert_type_name(uint16_t t)
{
    switch (t) {
    case 1: return "PPID cleartext";
    case 2: return "PPID RSA-2048-OAEP";
    case 3: return "PPID RSA-3072-OAEP";
    case 4: return "PCK certificate";
    case 5: return "PCK certificate chain";
    case 6: return "QE report certification data";
    case 7: return "platform manifest";
    default: return "unknown";
    }
}

static int trunc_err(struct cct_error *err, const struct cct_reader *r, const char *what)
{
    return cct_err(err, CCT_ETRUNCATED, -1, (int64_t)cct_reader_offset(r),
                   "TDX quote truncated in %s", what);
}

/* TD report body, TDX 1.0 fields (quote format A.3.2 "TD Quote Body"). */
static bool read_td_body(struct cct_reader *r, struct cct_tdx_td_body *b, bool v15)
{
    bool ok = cct_read_copy(r, b->tee_tcb_svn, 16) && cct_read_copy(r, b->mrseam, 48) &&
              cct_read_copy(r, b->mrsignerseam, 48) && cct_read_copy(r, b->seam_attributes, 8) &&
              cct_read_copy(r, b->td_attributes, 8) && cct_read_copy(r, b->xfam, 8) &&
              cct_read_copy(r, b->mrtd, 48) && cct_read_copy(r, b->mrconfigid, 48) &&
              cct_read_copy(r, b->mrowner, 48) && cct_read_copy(r, b->mrownerconfig, 48);
    for (int i = 0; ok && i < 4; i++) {
        ok = cct_read_copy(r, b->rtmr[i], 48);
    }
    ok = ok && cct_read_copy(r, b->report_data, 64);
    if (ok && v15) {
        /* A.4.2 "TD Quote Body Descriptor" type 3 adds TEE_TCB_SVN_2 and MRSERVICETD. */
        ok = cct_read_copy(r, b->tee_tcb_svn2, 16) && cct_read_copy(r, b->mrservicetd, 48);
    }
    b->is_v15 = v15;
    return ok;
}

/* SGX REPORT body (SGX SDM "REPORT"), 384 bytes. */
static void parse_sgx_report(const uint8_t *p, struct cct_sgx_report_body *q)
{
    struct cct_reader r;
    cct_reader_init(&r, p, SGX_REPORT_SIZE, 0);
    /* cannot fail: the caller handed exactly 384 bytes */
    (void)(cct_read_copy(&r, q->cpu_svn, 16) && cct_read_u32le(&r, &q->misc_select) &&
           cct_read_skip(&r, 28) && cct_read_copy(&r, q->attributes, 16) &&
           cct_read_copy(&r, q->mr_enclave, 32) && cct_read_skip(&r, 32) &&
           cct_read_copy(&r, q->mr_signer, 32) && cct_read_skip(&r, 96) &&
           cct_read_u16le(&r, &q->isv_prod_id) && cct_read_u16le(&r, &q->isv_svn) &&
           cct_read_skip(&r, 60) && cct_read_copy(&r, q->report_data, 64));
}

/* Certification data type 6 (A.3.11 "QE Report Certification Data"). */
static int parse_qe_cert(struct cct_reader *r, struct cct_tdx_quote *q, struct cct_error *err)
{
    struct cct_reader auth, chain;
    if (!cct_read_bytes(r, SGX_REPORT_SIZE, &q->qe_report_raw)) {
        return trunc_err(err, r, "QE report");
    }
    parse_sgx_report(q->qe_report_raw, &q->qe_report);
    if (!cct_read_copy(r, q->qe_report_sig, 64)) {
        return trunc_err(err, r, "QE report signature");
    }
    if (!cct_read_sub_u16le(r, &auth)) {
        return trunc_err(err, r, "QE authentication data");
    }
    q->qe_auth_data = auth.p;
    q->qe_auth_len = (uint16_t)auth.len;
    if (!cct_read_u16le(r, &q->pck_cert_type)) {
        return trunc_err(err, r, "nested certification data type");
    }
    size_t off = cct_reader_offset(r);
    if (!cct_read_sub_u32le(r, &chain)) {
        return cct_err(err, CCT_EMALFORMED, -1, (int64_t)off,
                       "nested certification data size exceeds the QE certification data");
    }
    q->pck_chain = chain.p;
    q->pck_chain_len = (uint32_t)chain.len;
    if (!cct_reader_done(r)) {
        return cct_err(err, CCT_EMALFORMED, -1, (int64_t)cct_reader_offset(r),
                       "%zu unexpected bytes after the nested certification data",
                       cct_reader_left(r));
    }
    q->has_qe_report = 1;
    return 0;
}

int cct_tdx_quote_parse(const uint8_t *p, size_t len, struct cct_tdx_quote *out,
                        struct cct_error *err)
{
    struct cct_reader r, sig, cert;
    struct cct_tdx_quote q;
    if (p == NULL || out == NULL) {
        return cct_err(err, CCT_EINVAL, -1, -1, "no quote");
    }
    memset(&q, 0, sizeof(q));
    cct_reader_init(&r, p, len, 0);
    /* A.3.1 "Quote Header" */
    if (!cct_read_u16le(&r, &q.version) || !cct_read_u16le(&r, &q.att_key_type) ||
        !cct_read_u32le(&r, &q.tee_type) || !cct_read_u16le(&r, &q.qe_svn) ||
        !cct_read_u16le(&r, &q.pce_svn) || !cct_read_copy(&r, q.qe_vendor_id, 16) ||
        !cct_read_copy(&r, q.user_data, 20)) {
        return trunc_err(err, &r, "the header");
    }
    if (q.tee_type == CCT_TDX_TEE_TYPE_SGX) {
        return cct_err(
            err, CCT_EUNSUPPORTED, -1, 4,
            "this is an Intel SGX quote (version %u, TEE type 0x00000000), not a TDX quote; "
            "SGX quotes are not supported",
            q.version);
    }
    if (q.tee_type != CCT_TDX_TEE_TYPE_TDX) {
        return cct_err(err, CCT_EMALFORMED, -1, 4, "unknown TEE type 0x%08x (TDX is 0x00000081)",
                       q.tee_type);
    }
    if (q.version != 4 && q.version != 5) {
        return cct_err(err, CCT_EUNSUPPORTED, -1, 0,
                       "TDX quote version %u is not supported (4 or 5)", q.version);
    }
    if (q.att_key_type != CCT_TDX_ATT_KEY_ECDSA_P256) {
        return cct_err(err, CCT_EUNSUPPORTED, -1, 2,
                       "attestation key type %u is not supported (2 = ECDSA-256-with-P-256)",
                       q.att_key_type);
    }
    if (q.version == 4) {
        q.body_type = CCT_TDX_BODY_TD10;
        q.body_size = TD10_BODY_SIZE;
    } else {
        /* A.4.2 "Quote Body Descriptor": type u16, size u32 */
        if (!cct_read_u16le(&r, &q.body_type) || !cct_read_u32le(&r, &q.body_size)) {
            return trunc_err(err, &r, "the body descriptor");
        }
        if (q.body_type == CCT_TDX_BODY_SGX) {
            return cct_err(err, CCT_EUNSUPPORTED, -1, 48,
                           "quote v5 carries an SGX enclave report body (type 1); not supported");
        }
        if (q.body_type != CCT_TDX_BODY_TD10 && q.body_type != CCT_TDX_BODY_TD15) {
            return cct_err(err, CCT_EMALFORMED, -1, 48, "unknown quote body type %u", q.body_type);
        }
        uint32_t want = q.body_type == CCT_TDX_BODY_TD10 ? TD10_BODY_SIZE : TD15_BODY_SIZE;
        if (q.body_size != want) {
            return cct_err(err, CCT_EMALFORMED, -1, 50,
                           "body type %u declares size %u, expected %u", q.body_type, q.body_size,
                           want);
        }
    }
    if (!read_td_body(&r, &q.body, q.body_type == CCT_TDX_BODY_TD15)) {
        return trunc_err(err, &r, "the TD report body");
    }
    q.signed_data = p;
    q.signed_len = cct_reader_offset(&r);
    /* A.3 "Quote Signature Data Len" then the ECDSA signature data */
    if (!cct_read_u32le(&r, &q.sig_data_len)) {
        return trunc_err(err, &r, "the signature data length");
    }
    size_t sig_off = cct_reader_offset(&r);
    if (!cct_read_sub(&r, q.sig_data_len, &sig)) {
        return cct_err(err, CCT_ETRUNCATED, -1, (int64_t)sig_off,
                       "signature data length %u exceeds the %zu bytes left", q.sig_data_len,
                       cct_reader_left(&r));
    }
    /* A.3.8 "ECDSA 256-bit Quote Signature Data Structure" */
    if (!cct_read_copy(&sig, q.signature, 64) || !cct_read_copy(&sig, q.attest_key, 64) ||
        !cct_read_u16le(&sig, &q.cert_type)) {
        return trunc_err(err, &sig, "the signature data");
    }
    size_t cert_off = cct_reader_offset(&sig);
    if (!cct_read_sub_u32le(&sig, &cert)) {
        return cct_err(err, CCT_EMALFORMED, -1, (int64_t)cert_off,
                       "certification data size exceeds the signature data (%zu bytes left)",
                       cct_reader_left(&sig) >= 4 ? cct_reader_left(&sig) - 4 : 0);
    }
    if (cert.len > CCT_TDX_MAX_CERT_DATA) {
        return cct_err(err, CCT_ELIMIT, -1, (int64_t)cert_off,
                       "certification data of %zu bytes exceeds %u", cert.len,
                       CCT_TDX_MAX_CERT_DATA);
    }
    if (!cct_reader_done(&sig)) {
        return cct_err(err, CCT_EMALFORMED, -1, (int64_t)cct_reader_offset(&sig),
                       "%zu unexpected bytes at the end of the signature data",
                       cct_reader_left(&sig));
    }
    q.cert_data = cert.p;
    q.cert_data_len = (uint32_t)cert.len;
    if (q.cert_type == CCT_TDX_CERT_QE_REPORT) {
        int rc = parse_qe_cert(&cert, &q, err);
        if (rc < 0) {
            return rc;
        }
    } else if (q.cert_type < 1 || q.cert_type > 7) {
        return cct_err(err, CCT_EMALFORMED, -1, (int64_t)cert_off - 2,
                       "unknown certification data type %u", q.cert_type);
    }
    q.quote_len = cct_reader_offset(&r);
    q.trailing = cct_reader_left(&r);
    *out = q;
    return 0;
}

int cct_tdreport_parse(const uint8_t *p, size_t len, struct cct_tdreport *out,
                       struct cct_error *err)
{
    struct cct_reader r;
    struct cct_tdreport t;
    if (p == NULL || out == NULL) {
        return cct_err(err, CCT_EINVAL, -1, -1, "no TDREPORT");
    }
    if (len != CCT_TDREPORT_SIZE) {
        return cct_err(err, len < CCT_TDREPORT_SIZE ? CCT_ETRUNCATED : CCT_EMALFORMED, -1, -1,
                       "a TDREPORT_STRUCT is %u bytes, got %zu", CCT_TDREPORT_SIZE, len);
    }
    memset(&t, 0, sizeof(t));
    cct_reader_init(&r, p, len, 0);
    /* TDX Module ABI, REPORTMACSTRUCT (256 bytes): REPORTTYPE {type, subtype, version, reserved} */
    bool ok = cct_read_u8(&r, &t.report_type) && cct_read_u8(&r, &t.report_subtype) &&
              cct_read_u8(&r, &t.report_version) && cct_read_skip(&r, 1 + 12) &&
              cct_read_copy(&r, t.cpu_svn, 16) && cct_read_copy(&r, t.tee_tcb_info_hash, 48) &&
              cct_read_copy(&r, t.tee_info_hash, 48) && cct_read_copy(&r, t.report_data, 64) &&
              cct_read_skip(&r, 32) && cct_read_copy(&r, t.mac, 32);
    /* TEE_TCB_INFO (239 bytes) + 17 reserved */
    ok = ok && cct_read_copy(&r, t.tcb_valid, 8) && cct_read_copy(&r, t.tee_tcb_svn, 16) &&
         cct_read_copy(&r, t.mrseam, 48) && cct_read_copy(&r, t.mrsignerseam, 48) &&
         cct_read_copy(&r, t.seam_attributes, 8) && cct_read_copy(&r, t.tee_tcb_svn2, 16) &&
         cct_read_skip(&r, 95 + 17);
    /* TDINFO (512 bytes) */
    ok = ok && cct_read_copy(&r, t.td_attributes, 8) && cct_read_copy(&r, t.xfam, 8) &&
         cct_read_copy(&r, t.mrtd, 48) && cct_read_copy(&r, t.mrconfigid, 48) &&
         cct_read_copy(&r, t.mrowner, 48) && cct_read_copy(&r, t.mrownerconfig, 48);
    for (int i = 0; ok && i < 4; i++) {
        ok = cct_read_copy(&r, t.rtmr[i], 48);
    }
    ok = ok && cct_read_copy(&r, t.servtd_hash, 48) && cct_read_skip(&r, 64) && cct_reader_done(&r);
    if (!ok) {
        return cct_err(err, CCT_EMALFORMED, -1, (int64_t)cct_reader_offset(&r),
                       "TDREPORT layout error");
    }
    if (t.report_type != 0x81) {
        return cct_err(
            err, CCT_EMALFORMED, -1, 0,
            "REPORTTYPE.TYPE is 0x%02x, a TDREPORT has 0x81 (this is not a TDREPORT_STRUCT)",
            t.report_type);
    }
    *out = t;
    return 0;
}

/* Azure HCL report: 32-byte header ("HCLA", version, report size, request type, status, reserved),
 * 1184-byte hardware report area, then runtime data: size, version, report type, hash type,
 * variable data size, variable data. Field layout as published by the Azure confidential VM docs.
 */
#define HCL_HW_AREA 1184u
#define HCL_MAX_RUNTIME (1024u * 1024u)

int cct_hcl_report_parse(const uint8_t *p, size_t len, struct cct_hcl_report *out,
                         struct cct_error *err)
{
    struct cct_reader r, var;
    struct cct_hcl_report h;
    const uint8_t *magic;
    uint32_t status, data_size, rt_version;
    if (p == NULL || out == NULL) {
        return cct_err(err, CCT_EINVAL, -1, -1, "no report");
    }
    memset(&h, 0, sizeof(h));
    cct_reader_init(&r, p, len, 0);
    if (!cct_read_bytes(&r, 4, &magic) || memcmp(magic, "HCLA", 4) != 0) {
        return cct_err(err, CCT_EMALFORMED, -1, 0, "not an HCL report (no \"HCLA\" signature)");
    }
    if (!cct_read_u32le(&r, &h.version) || !cct_read_u32le(&r, &h.report_size) ||
        !cct_read_u32le(&r, &h.request_type) || !cct_read_u32le(&r, &status) ||
        !cct_read_skip(&r, 12) || !cct_read_bytes(&r, HCL_HW_AREA, &h.hw_report)) {
        return cct_err(err, CCT_ETRUNCATED, -1, (int64_t)cct_reader_offset(&r),
                       "HCL report truncated");
    }
    h.hw_report_len = HCL_HW_AREA;
    if (!cct_read_u32le(&r, &data_size) || !cct_read_u32le(&r, &rt_version) ||
        !cct_read_u32le(&r, &h.runtime_type) || !cct_read_u32le(&r, &h.hash_type)) {
        return cct_err(err, CCT_ETRUNCATED, -1, (int64_t)cct_reader_offset(&r),
                       "HCL runtime data truncated");
    }
    size_t off = cct_reader_offset(&r);
    if (!cct_read_sub_u32le(&r, &var) || var.len > HCL_MAX_RUNTIME) {
        return cct_err(err, CCT_EMALFORMED, -1, (int64_t)off,
                       "HCL variable data size out of range");
    }
    h.runtime_data = var.p;
    h.runtime_len = (uint32_t)var.len;
    *out = h;
    return 0;
}
