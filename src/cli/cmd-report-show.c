/* SPDX-License-Identifier: Apache-2.0 */
/* cctrusted report show: decode a quote, report or token (type auto-detected). */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <cctrusted/report.h>

#include "cli.h"
#include "emit.h"
#include "report-show.h"

#define MAX_REPORT_FILE (16u * 1024u * 1024u)

static void usage(FILE *f)
{
    fprintf(f, "usage: cctrusted report show [--json] [--raw] FILE\n"
               "  decode a TDX quote (v4/v5) or TDREPORT, SNP report, TPM quote (TPMS_ATTEST),\n"
               "  CCA/PSA token or Azure HCL report; the type is detected from the bytes\n"
               "  --json  machine-readable output\n"
               "  --raw   also print the input bytes (hexdump / \"raw\" hex)\n");
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
    emit_xint(e, "clock", a.clock, 16);
    emit_uint(e, "reset_count", a.reset_count);
    emit_uint(e, "restart_count", a.restart_count);
    emit_bool(e, "safe", a.safe != 0);
    emit_xint(e, "firmware_version", a.firmware_version, 16);
    for (size_t i = 0; i < a.n_selections; i++) {
        char name[32];
        unsigned pcrs[8 * 8];
        size_t np = 0;
        for (unsigned b = 0; b < 8u * a.selections[i].size_of_select && np < 64; b++) {
            if (a.selections[i].select[b / 8] & (1u << (b % 8))) {
                pcrs[np++] = b;
            }
        }
        snprintf(name, sizeof(name), "pcr_selection_%s", alg_label(a.selections[i].hash));
        emit_uint_list(e, name, pcrs, np);
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
/* `report` without `show`: help or a usage error. */
static int show_usage(int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        usage(stdout);
        return EXIT_OK;
    }
    usage(stderr);
    return EXIT_USAGE;
}

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
        return show_usage(argc, argv);
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
    case CCT_REPORT_TDX_QUOTE: rc = cli_show_tdx(&e, buf, n); break;
    case CCT_REPORT_TDX_TDREPORT: rc = cli_show_tdreport(&e, buf, n); break;
    case CCT_REPORT_SNP: rc = cli_show_snp(&e, buf, n); break;
    case CCT_REPORT_AZURE_HCL: rc = cli_show_hcl(&e, buf, n); break;
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
