/* SPDX-License-Identifier: Apache-2.0 */
/* cctrusted report show: decode a quote, report or token (type auto-detected). */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <cctrusted/report.h>

#include "cli.h"
#include "emit.h"

#define MAX_REPORT_FILE (16u * 1024u * 1024u)

static void usage(FILE *f)
{
    fprintf(f, "usage: cctrusted report show [--json] [--raw] FILE\n"
               "  decode a TDX quote (v4/v5) or TDREPORT, SNP report, TPM quote (TPMS_ATTEST),\n"
               "  CCA/PSA token or Azure HCL report; the type is detected from the bytes\n"
               "  --json  machine-readable output\n"
               "  --raw   also print the input bytes (hexdump / \"raw\" hex)\n");
}

static void show_td_body(struct emit *e, const struct cct_tdx_td_body *b)
{
    emit_hex(e, "tee_tcb_svn", b->tee_tcb_svn, 16);
    emit_hex(e, "mrseam", b->mrseam, 48);
    emit_hex(e, "mrsignerseam", b->mrsignerseam, 48);
    emit_hex(e, "seam_attributes", b->seam_attributes, 8);
    emit_hex(e, "td_attributes", b->td_attributes, 8);
    emit_hex(e, "xfam", b->xfam, 8);
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

static int show_tdx(struct emit *e, const uint8_t *p, size_t n)
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

static int show_tdreport(struct emit *e, const uint8_t *p, size_t n)
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
    emit_hex(e, "family_id", s->family_id, 16);
    emit_hex(e, "image_id", s->image_id, 16);
    emit_uint(e, "vmpl", s->vmpl);
    emit_uint(e, "signature_algo", s->signature_algo);
    emit_xint(e, "current_tcb", s->current_tcb, 16);
    emit_xint(e, "platform_info", s->platform_info, 16);
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

static int show_snp(struct emit *e, const uint8_t *p, size_t n)
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
    emit_uint(e, "report_size", CCT_SNP_REPORT_SIZE);
    emit_uint(e, "trailing_bytes", s.trailing);
    return 0;
}

static int show_hcl(struct emit *e, const uint8_t *p, size_t n)
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

static const char *alg_label(uint16_t a)
{
    switch (a) {
    case 0x0004: return "sha1";
    case 0x000b: return "sha256";
    case 0x000c: return "sha384";
    case 0x000d: return "sha512";
    case 0x0012: return "sm3_256";
    default: return "unknown";
    }
}

static int show_tpm(struct emit *e, const uint8_t *p, size_t n)
{
    struct cct_tpm_attest a;
    struct cct_error err;
    cct_error_clear(&err);
    int rc = cct_tpm_attest_parse(p, n, &a, &err);
    if (rc < 0) {
        cli_error("TPMS_ATTEST", &err);
        return cli_exit_for(rc);
    }
    emit_begin(e, NULL);
    emit_str(e, "type", "tpm");
    emit_xint(e, "magic", a.magic, 8);
    emit_xint(e, "attest_type", a.type, 4);
    emit_hex(e, "qualified_signer", a.qualified_signer, a.qualified_signer_len);
    emit_hex(e, "extra_data", a.extra_data, a.extra_data_len);
    emit_uint(e, "clock", a.clock);
    emit_uint(e, "reset_count", a.reset_count);
    emit_uint(e, "restart_count", a.restart_count);
    emit_bool(e, "safe", a.safe != 0);
    emit_xint(e, "firmware_version", a.firmware_version, 16);
    for (size_t i = 0; i < a.n_selections; i++) {
        char name[32], list[8 * 8 * 4 + 1];
        size_t o = 0;
        list[0] = '\0';
        for (unsigned b = 0; b < 8u * a.selections[i].size_of_select; b++) {
            if (a.selections[i].select[b / 8] & (1u << (b % 8))) {
                o += (size_t)snprintf(list + o, sizeof(list) - o, "%s%u", o ? "," : "", b);
            }
        }
        snprintf(name, sizeof(name), "pcr_selection_%s", alg_label(a.selections[i].hash));
        emit_str(e, name, list);
    }
    emit_hex(e, "pcr_digest", a.pcr_digest, a.pcr_digest_len);
    return 0;
}

static const char *cose_alg_name(int alg)
{
    switch (alg) {
    case -7: return "ES256";
    case -35: return "ES384";
    case -36: return "ES512";
    case -37: return "PS256";
    case 5: return "HMAC-256";
    case 6: return "HMAC-384";
    case 7: return "HMAC-512";
    default: return "other";
    }
}

static int show_cca(struct emit *e, const uint8_t *p, size_t n)
{
    struct cct_cca_token t;
    struct cct_error err;
    cct_error_clear(&err);
    int rc = cct_cca_token_parse(p, n, &t, &err);
    if (rc < 0) {
        cli_error("CCA token", &err);
        return cli_exit_for(rc);
    }
    emit_begin(e, NULL);
    emit_str(e, "type", "cca");
    emit_uint(e, "collection_tag", t.collection_tag);
    if (t.has_platform) {
        emit_begin(e, "platform");
        emit_str(e, "cose", t.platform.cose_tag == 17 ? "COSE_Mac0" : "COSE_Sign1");
        emit_str(e, "cose_alg", cose_alg_name(t.platform.alg));
        if (t.platform_profile) {
            emit_strn(e, "profile", t.platform_profile, t.platform_profile_len);
        }
        if (t.platform_challenge) {
            emit_hex(e, "challenge", t.platform_challenge, t.platform_challenge_len);
        }
        if (t.implementation_id) {
            emit_hex(e, "implementation_id", t.implementation_id, t.implementation_id_len);
        }
        if (t.instance_id) {
            emit_hex(e, "instance_id", t.instance_id, t.instance_id_len);
        }
        emit_xint(e, "security_lifecycle", (uint64_t)t.security_lifecycle, 4);
        if (t.platform_hash_algo) {
            emit_strn(e, "hash_algo", t.platform_hash_algo, t.platform_hash_algo_len);
        }
        emit_uint(e, "sw_components", t.n_sw_components);
        emit_end(e);
    }
    if (t.has_realm) {
        emit_begin(e, "realm");
        emit_str(e, "cose_alg", cose_alg_name(t.realm.alg));
        if (t.realm_profile) {
            emit_strn(e, "profile", t.realm_profile, t.realm_profile_len);
        }
        if (t.realm_challenge) {
            emit_hex(e, "challenge", t.realm_challenge, t.realm_challenge_len);
        }
        if (t.realm_personalization) {
            emit_hex(e, "personalization_value", t.realm_personalization,
                     t.realm_personalization_len);
        }
        if (t.realm_hash_algo) {
            emit_strn(e, "hash_algo", t.realm_hash_algo, t.realm_hash_algo_len);
        }
        if (t.rak_hash_algo) {
            emit_strn(e, "public_key_hash_algo", t.rak_hash_algo, t.rak_hash_algo_len);
        }
        if (t.rak) {
            emit_hex(e, "public_key", t.rak, t.rak_len);
        }
        if (t.rim) {
            emit_hex(e, "rim", t.rim, t.rim_len);
        }
        for (int i = 0; i < 4; i++) {
            char nm[8];
            snprintf(nm, sizeof(nm), "rem%d", i);
            if (t.rem[i]) {
                emit_hex(e, nm, t.rem[i], t.rem_len[i]);
            }
        }
        emit_end(e);
    }
    cct_cca_token_free(&t);
    return 0;
}

/* TPMT_PUBLIC and TPMT_SIGNATURE have no magic: tried when nothing else matched. */
static int show_tpm_other(struct emit *e, const uint8_t *p, size_t n)
{
    struct cct_tpm_public k;
    struct cct_tpm_signature sig;
    if (cct_tpm_public_parse(p, n, &k, NULL) == 0) {
        emit_begin(e, NULL);
        emit_str(e, "type", "tpm-public");
        emit_xint(e, "key_type", k.type, 4);
        emit_str(e, "name_alg", alg_label(k.name_alg));
        emit_xint(e, "object_attributes", k.object_attributes, 8);
        emit_xint(e, "scheme", k.scheme, 4);
        if (k.type == CCT_TPM_ALG_RSA) {
            emit_uint(e, "rsa_bits", k.rsa_bits);
            emit_uint(e, "rsa_exponent", k.rsa_exponent ? k.rsa_exponent : 65537u);
            emit_hex(e, "modulus", k.unique, k.unique_len);
        } else {
            emit_uint(e, "curve", k.curve);
            emit_hex(e, "x", k.unique, k.unique_len);
            emit_hex(e, "y", k.ecc_y, k.ecc_y_len);
        }
        return 0;
    }
    if (cct_tpm_signature_parse(p, n, &sig, NULL) == 0) {
        emit_begin(e, NULL);
        emit_str(e, "type", "tpm-signature");
        emit_str(e, "scheme",
                 sig.sig_alg == CCT_TPM_ALG_ECDSA    ? "ecdsa"
                 : sig.sig_alg == CCT_TPM_ALG_RSAPSS ? "rsapss"
                                                     : "rsassa");
        emit_str(e, "hash", alg_label(sig.hash));
        if (sig.sig_alg == CCT_TPM_ALG_ECDSA) {
            emit_hex(e, "r", sig.ecc_r, sig.ecc_r_len);
            emit_hex(e, "s", sig.ecc_s, sig.ecc_s_len);
        } else {
            emit_hex(e, "signature", sig.rsa_sig, sig.rsa_sig_len);
        }
        return 0;
    }
    return -1;
}

/* `cctrusted report show ...`: argv[0] is "report", argv[1] is "show". */
int cmd_report_show(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "json", no_argument, NULL, 'j' },
        { "raw", no_argument, NULL, 'r' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    bool json = false, raw = false;
    int c;
    if (argc < 2 || strcmp(argv[1], "show") != 0) {
        if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
            usage(stdout);
            return EXIT_OK;
        }
        usage(stderr);
        return EXIT_USAGE;
    }
    argc--;
    argv++;
    optind = 1;
    while ((c = getopt_long(argc, argv, "jrh", longopts, NULL)) != -1) {
        switch (c) {
        case 'j': json = true; break;
        case 'r': raw = true; break;
        case 'h': usage(stdout); return EXIT_OK;
        default: usage(stderr); return EXIT_USAGE;
        }
    }
    if (optind + 1 != argc) {
        usage(stderr);
        return EXIT_USAGE;
    }
    uint8_t *buf;
    size_t n;
    int rc = cli_slurp(argv[optind], MAX_REPORT_FILE, &buf, &n);
    if (rc != 0) {
        return rc;
    }
    enum cct_report_type t;
    if (cct_report_detect(buf, n, &t) < 0) {
        t = CCT_REPORT_UNKNOWN; /* handled below as "not recognised" */
    }
    struct emit e;
    emit_init(&e, stdout, json);
    switch (t) {
    case CCT_REPORT_TDX_QUOTE: rc = show_tdx(&e, buf, n); break;
    case CCT_REPORT_TDX_TDREPORT: rc = show_tdreport(&e, buf, n); break;
    case CCT_REPORT_SNP: rc = show_snp(&e, buf, n); break;
    case CCT_REPORT_AZURE_HCL: rc = show_hcl(&e, buf, n); break;
    case CCT_REPORT_TPM_QUOTE: rc = show_tpm(&e, buf, n); break;
    case CCT_REPORT_CCA: rc = show_cca(&e, buf, n); break;
    case CCT_REPORT_SGX_QUOTE:
        fprintf(stderr,
                "cctrusted: %s: this is an Intel SGX quote (TEE type 0), not a TDX quote; "
                "SGX quotes are not supported\n",
                argv[optind]);
        rc = EXIT_INVALID;
        break;
    default:
        if (show_tpm_other(&e, buf, n) == 0) {
            rc = 0;
            break;
        }
        fprintf(stderr, "cctrusted: %s: unrecognised evidence format (%zu bytes)\n", argv[optind],
                n);
        rc = EXIT_INVALID;
        break;
    }
    if (rc == 0) {
        if (raw) {
            if (json) {
                emit_hex(&e, "raw", buf, n);
            } else {
                fprintf(stdout, "raw (%zu bytes):\n", n);
                cli_hexdump(stdout, buf, n, "  ");
            }
        }
        emit_end(&e);
    }
    free(buf);
    return rc;
}
