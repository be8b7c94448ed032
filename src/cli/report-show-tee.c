/* SPDX-License-Identifier: Apache-2.0 */
/* `report show` for TEE reports: TDX quotes and TDREPORTs, SNP reports, Azure HCL reports. */
#include <stdlib.h>
#include <string.h>

#include <cctrusted/collateral.h>
#include <cctrusted/report.h>

#include "cli.h"
#include "emit.h"
#include "report-show.h"

/* The named bits of a flag word (the names are the library's), and the unnamed ones. */
static void emit_flags(struct emit *e, const char *name, enum cct_flag_set set, uint64_t v)
{
    const char *names[64];
    char key[48];
    uint64_t unknown = 0;
    size_t n = cct_flag_names(set, v, names, 64, &unknown);
    snprintf(key, sizeof(key), "%s_flags", name);
    emit_str_list(e, key, names, n);
    if (unknown != 0) {
        snprintf(key, sizeof(key), "%s_unnamed_bits", name);
        emit_xint(e, key, unknown, 16);
    }
}

static uint64_t le64(const uint8_t b[8])
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) {
        v = v << 8 | b[i];
    }
    return v;
}

/* FMSPC, PCK CA and the URLs of the quote's collateral (or the report's VCEK). */
static void show_collateral(struct emit *e, const uint8_t *p, size_t n)
{
    struct cct_fetch_result r;
    struct cct_error err;
    cct_error_clear(&err);
    if (cct_collateral_urls(p, n, NULL, &r, &err) < 0) {
        return;
    }
    if (r.fmspc[0] != '\0') {
        emit_str(e, "fmspc", r.fmspc);
        emit_str(e, "pck_ca", r.pck_ca);
    }
    emit_begin(e, "collateral_urls");
    for (size_t i = 0; i < r.n; i++) {
        emit_str(e, r.req[i].what, r.req[i].url);
    }
    emit_end(e);
    cct_fetch_result_free(&r);
}

static void show_td_body(struct emit *e, const struct cct_tdx_td_body *b)
{
    emit_hex(e, "tee_tcb_svn", b->tee_tcb_svn, 16);
    emit_hex(e, "mrseam", b->mrseam, 48);
    emit_hex(e, "mrsignerseam", b->mrsignerseam, 48);
    emit_hex(e, "seam_attributes", b->seam_attributes, 8);
    emit_hex(e, "td_attributes", b->td_attributes, 8);
    emit_flags(e, "td_attributes", CCT_FLAGS_TD_ATTRIBUTES, le64(b->td_attributes));
    emit_hex(e, "xfam", b->xfam, 8);
    emit_flags(e, "xfam", CCT_FLAGS_XFAM, le64(b->xfam));
    emit_hex(e, "mrtd", b->mrtd, 48);
    emit_hex(e, "mrconfigid", b->mrconfigid, 48);
    emit_hex(e, "mrowner", b->mrowner, 48);
    emit_hex(e, "mrownerconfig", b->mrownerconfig, 48);
    emit_hex(e, "rtmr0", b->rtmr[0], 48);
    emit_hex(e, "rtmr1", b->rtmr[1], 48);
    emit_hex(e, "rtmr2", b->rtmr[2], 48);
    emit_hex(e, "rtmr3", b->rtmr[3], 48);
    emit_hex(e, "report_data", b->report_data, 64);
    if (b->is_v15) {
        emit_hex(e, "tee_tcb_svn2", b->tee_tcb_svn2, 16);
        emit_hex(e, "mrservicetd", b->mrservicetd, 48);
    }
}

int cli_show_tdx(struct emit *e, const uint8_t *p, size_t n)
{
    struct cct_tdx_quote q;
    struct cct_error err;
    cct_error_clear(&err);
    int rc = cct_tdx_quote_parse(p, n, &q, &err);
    if (rc < 0) {
        cli_error("TDX quote", &err);
        return cli_exit_for(rc);
    }
    emit_begin(e, NULL);
    emit_str(e, "type", "tdx");
    emit_begin(e, "header");
    emit_uint(e, "version", q.version);
    emit_uint(e, "att_key_type", q.att_key_type);
    emit_xint(e, "tee_type", q.tee_type, 8);
    emit_uint(e, "qe_svn", q.qe_svn);
    emit_uint(e, "pce_svn", q.pce_svn);
    emit_hex(e, "qe_vendor_id", q.qe_vendor_id, 16);
    emit_hex(e, "user_data", q.user_data, 20);
    emit_end(e);
    emit_begin(e, "body");
    emit_uint(e, "body_type", q.body_type);
    emit_uint(e, "body_size", q.body_size);
    show_td_body(e, &q.body);
    emit_end(e);
    emit_begin(e, "signature_data");
    emit_uint(e, "length", q.sig_data_len);
    emit_hex(e, "signature", q.signature, 64);
    emit_hex(e, "attestation_key", q.attest_key, 64);
    emit_uint(e, "cert_type", q.cert_type);
    emit_str(e, "cert_type_name", cct_tdx_cert_type_name(q.cert_type));
    emit_uint(e, "cert_data_size", q.cert_data_len);
    if (q.has_qe_report) {
        emit_begin(e, "qe_report");
        emit_hex(e, "cpu_svn", q.qe_report.cpu_svn, 16);
        emit_xint(e, "misc_select", q.qe_report.misc_select, 8);
        emit_hex(e, "attributes", q.qe_report.attributes, 16);
        emit_hex(e, "mr_enclave", q.qe_report.mr_enclave, 32);
        emit_hex(e, "mr_signer", q.qe_report.mr_signer, 32);
        emit_uint(e, "isv_prod_id", q.qe_report.isv_prod_id);
        emit_uint(e, "isv_svn", q.qe_report.isv_svn);
        emit_hex(e, "report_data", q.qe_report.report_data, 64);
        emit_end(e);
        emit_hex(e, "qe_report_signature", q.qe_report_sig, 64);
        emit_hex(e, "qe_auth_data", q.qe_auth_data, q.qe_auth_len);
        emit_uint(e, "pck_cert_type", q.pck_cert_type);
        emit_str(e, "pck_cert_type_name", cct_tdx_cert_type_name(q.pck_cert_type));
        if (q.pck_cert_type == CCT_TDX_CERT_PCK_CHAIN) {
            size_t l = q.pck_chain_len;
            while (l > 0 && q.pck_chain[l - 1] == '\0') {
                l--; /* some quotes end the PEM chain with a NUL */
            }
            if (e->json) {
                emit_strn(e, "pck_chain_pem", (const char *)q.pck_chain, l);
            } else {
                emit_uint(e, "pck_chain_size", q.pck_chain_len);
            }
        } else {
            emit_hex(e, "pck_cert_data", q.pck_chain, q.pck_chain_len);
        }
    } else {
        emit_hex(e, "cert_data", q.cert_data, q.cert_data_len);
    }
    emit_end(e);
    show_collateral(e, p, n);
    emit_uint(e, "quote_size", q.quote_len);
    emit_uint(e, "trailing_bytes", q.trailing);
    return 0;
}

static void show_tdreport_fields(struct emit *e, const struct cct_tdreport *t)
{
    emit_begin(e, "report_mac_struct");
    emit_xint(e, "report_type", t->report_type, 2);
    emit_uint(e, "report_subtype", t->report_subtype);
    emit_uint(e, "report_version", t->report_version);
    emit_hex(e, "cpu_svn", t->cpu_svn, 16);
    emit_hex(e, "tee_tcb_info_hash", t->tee_tcb_info_hash, 48);
    emit_hex(e, "tee_info_hash", t->tee_info_hash, 48);
    emit_hex(e, "report_data", t->report_data, 64);
    emit_hex(e, "mac", t->mac, 32);
    emit_end(e);
    emit_begin(e, "tee_tcb_info");
    emit_hex(e, "valid", t->tcb_valid, 8);
    emit_hex(e, "tee_tcb_svn", t->tee_tcb_svn, 16);
    emit_hex(e, "mrseam", t->mrseam, 48);
    emit_hex(e, "mrsignerseam", t->mrsignerseam, 48);
    emit_hex(e, "attributes", t->seam_attributes, 8);
    if (t->report_version >= 1) {
        emit_hex(e, "tee_tcb_svn2", t->tee_tcb_svn2, 16);
    }
    emit_end(e);
    emit_begin(e, "td_info");
    emit_hex(e, "attributes", t->td_attributes, 8);
    emit_hex(e, "xfam", t->xfam, 8);
    emit_hex(e, "mrtd", t->mrtd, 48);
    emit_hex(e, "mrconfigid", t->mrconfigid, 48);
    emit_hex(e, "mrowner", t->mrowner, 48);
    emit_hex(e, "mrownerconfig", t->mrownerconfig, 48);
    emit_hex(e, "rtmr0", t->rtmr[0], 48);
    emit_hex(e, "rtmr1", t->rtmr[1], 48);
    emit_hex(e, "rtmr2", t->rtmr[2], 48);
    emit_hex(e, "rtmr3", t->rtmr[3], 48);
    emit_hex(e, "servtd_hash", t->servtd_hash, 48);
    emit_end(e);
}

int cli_show_tdreport(struct emit *e, const uint8_t *p, size_t n)
{
    struct cct_tdreport t;
    struct cct_error err;
    cct_error_clear(&err);
    int rc = cct_tdreport_parse(p, n, &t, &err);
    if (rc < 0) {
        cli_error("TDREPORT", &err);
        return cli_exit_for(rc);
    }
    emit_begin(e, NULL);
    emit_str(e, "type", "tdreport");
    show_tdreport_fields(e, &t);
    return 0;
}

static void show_snp_fields(struct emit *e, const struct cct_snp_report *s)
{
    emit_uint(e, "version", s->version);
    emit_uint(e, "guest_svn", s->guest_svn);
    emit_xint(e, "policy", s->policy, 16);
    emit_uint(e, "policy_abi_major", (s->policy >> 8) & 0xffu);
    emit_uint(e, "policy_abi_minor", s->policy & 0xffu);
    emit_flags(e, "policy", CCT_FLAGS_SNP_POLICY, s->policy);
    emit_hex(e, "family_id", s->family_id, 16);
    emit_hex(e, "image_id", s->image_id, 16);
    emit_uint(e, "vmpl", s->vmpl);
    emit_uint(e, "signature_algo", s->signature_algo);
    emit_xint(e, "current_tcb", s->current_tcb, 16);
    emit_xint(e, "platform_info", s->platform_info, 16);
    emit_flags(e, "platform_info", CCT_FLAGS_SNP_PLATFORM_INFO, s->platform_info);
    emit_xint(e, "flags", s->flags, 8);
    emit_uint(e, "signing_key", (s->flags >> 2) & 7u);
    emit_hex(e, "report_data", s->report_data, 64);
    emit_hex(e, "measurement", s->measurement, 48);
    emit_hex(e, "host_data", s->host_data, 32);
    emit_hex(e, "id_key_digest", s->id_key_digest, 48);
    emit_hex(e, "author_key_digest", s->author_key_digest, 48);
    emit_hex(e, "report_id", s->report_id, 32);
    emit_hex(e, "report_id_ma", s->report_id_ma, 32);
    emit_xint(e, "reported_tcb", s->reported_tcb, 16);
    if (s->version >= 3) {
        emit_xint(e, "cpuid_fam_id", s->cpuid_fam_id, 2);
        emit_xint(e, "cpuid_mod_id", s->cpuid_mod_id, 2);
        emit_xint(e, "cpuid_step", s->cpuid_step, 2);
    }
    emit_str(e, "product", cct_snp_product_name(s->product));
    emit_begin(e, "reported_tcb_fields");
    if (s->reported_tcb_fields.has_fmc) {
        emit_uint(e, "fmc", s->reported_tcb_fields.fmc);
    }
    emit_uint(e, "boot_loader", s->reported_tcb_fields.boot_loader);
    emit_uint(e, "tee", s->reported_tcb_fields.tee);
    emit_uint(e, "snp", s->reported_tcb_fields.snp);
    emit_uint(e, "microcode", s->reported_tcb_fields.microcode);
    emit_end(e);
    emit_hex(e, "chip_id", s->chip_id, 64);
    emit_xint(e, "committed_tcb", s->committed_tcb, 16);
    emit_uint(e, "current_major", s->current_major);
    emit_uint(e, "current_minor", s->current_minor);
    emit_uint(e, "current_build", s->current_build);
    emit_uint(e, "committed_major", s->committed_major);
    emit_uint(e, "committed_minor", s->committed_minor);
    emit_uint(e, "committed_build", s->committed_build);
    emit_xint(e, "launch_tcb", s->launch_tcb, 16);
    if (s->version >= 5) {
        emit_xint(e, "launch_mit_vector", s->launch_mit_vector, 16);
        emit_xint(e, "current_mit_vector", s->current_mit_vector, 16);
    }
    emit_hex(e, "signature_r", s->sig_r, 72);
    emit_hex(e, "signature_s", s->sig_s, 72);
}

int cli_show_snp(struct emit *e, const uint8_t *p, size_t n)
{
    struct cct_snp_report s;
    struct cct_error err;
    cct_error_clear(&err);
    int rc = cct_snp_report_parse(p, n, &s, &err);
    if (rc < 0) {
        cli_error("SNP report", &err);
        return cli_exit_for(rc);
    }
    emit_begin(e, NULL);
    emit_str(e, "type", "snp");
    show_snp_fields(e, &s);
    show_collateral(e, p, n);
    emit_uint(e, "report_size", CCT_SNP_REPORT_SIZE);
    emit_uint(e, "trailing_bytes", s.trailing);
    return 0;
}

int cli_show_hcl(struct emit *e, const uint8_t *p, size_t n)
{
    struct cct_hcl_report h;
    struct cct_error err;
    cct_error_clear(&err);
    int rc = cct_hcl_report_parse(p, n, &h, &err);
    if (rc < 0) {
        cli_error("HCL report", &err);
        return cli_exit_for(rc);
    }
    emit_begin(e, NULL);
    emit_str(e, "type", "hcl");
    emit_uint(e, "version", h.version);
    emit_uint(e, "report_size", h.report_size);
    emit_uint(e, "request_type", h.request_type);
    emit_uint(e, "runtime_report_type", h.runtime_type);
    emit_uint(e, "runtime_hash_type", h.hash_type);
    if (h.hw_report[0] == 0x81) {
        struct cct_tdreport t;
        rc = cct_tdreport_parse(h.hw_report, CCT_TDREPORT_SIZE, &t, &err);
        if (rc == 0) {
            emit_begin(e, "tdreport");
            show_tdreport_fields(e, &t);
            emit_end(e);
        }
    } else {
        struct cct_snp_report s;
        rc = cct_snp_report_parse(h.hw_report, h.hw_report_len, &s, &err);
        if (rc == 0) {
            emit_begin(e, "snp_report");
            show_snp_fields(e, &s);
            emit_end(e);
        }
    }
    if (rc < 0) {
        emit_end(e);
        cli_error("HCL hardware report", &err);
        return cli_exit_for(rc);
    }
    emit_strn(e, "runtime_data", (const char *)h.runtime_data, h.runtime_len);
    return 0;
}
