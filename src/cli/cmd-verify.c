/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cctrusted verify: verify a quote, report or token and print named checks.
 * JSON: {"type":"tdx|snp|tpm|cca","verdict":"ok|fail",
 *        "checks":[{"name","ok","status":"ok|fail|not-checked","detail"}],"unchecked":[names]}
 * Every rule (what applies, what is bound, what passes) is the library's
 * (cct_verify_report); this file parses options and prints.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <cctrusted/replay.h>
#include <cctrusted/report.h>
#include <cctrusted/verify.h>

#include "cli.h"
#include "emit.h"
#include "verify-container.h"

#define MAX_INPUT_BYTES (16u * 1024u * 1024u)
#define MAX_COLLATERAL 8
#define MAX_LOGS 8
#define MAX_REQUEST_BYTES 4096 /* as `report` takes */

static void usage(FILE *f)
{
    fprintf(
        f,
        "usage: cctrusted verify [--json] FILE [--certs PEM|DER] [--collateral FILE] [--root "
        "PEM|DER]\n"
        "                        [--at TIME] [--nonce HEX [--data HEX] | --report-data HEX]\n"
        "                        [--signature FILE --ak FILE]\n"
        "                        [--pcrs FILE | --eventlog FILE...] [--cpak PEM] [--mac-key FILE]\n"
        "                        [--allow-sim] [--allow-debug] [--allow-migration-agent] [--vmpl "
        "N]\n"
        "                        [--require-collateral] [--accept-tcb-status LIST] [--min-tcb "
        "LIST]\n"
        "  --certs FILE       PCK chain (TDX) or VCEK/VLEK [+ ASK, ARK] (SNP) replacing embedded "
        "ones\n"
        "  --collateral FILE  TDX collateral: QuoteCollateralV3 JSON, or (repeatable) PCS TCB Info "
        "/\n"
        "                     QE Identity responses and their PEM issuer chain\n"
        "  --root FILE        trust anchor replacing the built-in vendor root\n"
        "  --at TIME          check certificate validity at YYYY-MM-DD[THH:MM:SSZ] or @SECONDS\n"
        "  --nonce HEX        the nonce given to `report`: the expected report data is\n"
        "                     SHA-512(nonce || data), derived as `report` does\n"
        "  --data HEX         the user data given to `report` (default empty)\n"
        "  --report-data HEX  the raw expected value instead: TPM qualifying data / CCA "
        "challenge /\n"
        "                     report data prefix; '' = empty qualifying data, all-zero report "
        "data\n"
        "  --signature FILE   TPM: TPMT_SIGNATURE or raw RSASSA-SHA256 signature\n"
        "  --ak FILE          TPM: attestation key (TPMT_PUBLIC or PEM)\n"
        "  --pcrs FILE        TPM: PCR values, tokens [ALG:]PCRn=HEX or N=HEX\n"
        "  --eventlog FILE    bind this log to the evidence (repeatable: boot log + IMA): every "
        "event\n"
        "                     must extend a register the quote covers and match its data\n"
        "  --allow-sim        accept a quote from the simulated platform (never trusted "
        "otherwise)\n"
        "  --allow-debug      accept a debug TD (TDX) or a guest policy allowing debug (SNP)\n"
        "  --allow-migration-agent  SNP: accept a guest policy allowing a migration agent\n"
        "  --vmpl N           SNP: the report's VMPL must be N\n"
        "  --require-collateral  TDX: no collateral is a failure (not \"not-checked\")\n"
        "  --accept-tcb-status LIST  TDX: TCB statuses accepted besides UpToDate, comma-separated\n"
        "                     (e.g. SWHardeningNeeded,ConfigurationNeeded; never Revoked)\n"
        "  --min-tcb LIST     SNP: minimum REPORTED_TCB per component, e.g.\n"
        "                     bootloader=3,tee=0,snp=8,microcode=115 (fmc=N on Turin)\n"
        "  --cpak FILE        CCA: platform attestation key (PEM); PSA: the IAK\n"
        "  --mac-key FILE     PSA COSE_Mac0 token: the MAC key (raw bytes)\n" VERIFY_CONTAINER_USAGE
        "An option that does not apply to the evidence type is a usage error.\n"
        "exit: 0 verified, 2 a check failed, 1 usage, 3 environment\n");
}

static int load_pcrs(const char *path, struct cct_pcr_value *pcrs, size_t *n)
{
    uint8_t *buf;
    size_t len;
    struct cct_error err;
    int rc = cli_slurp(path, 1u << 20, &buf, &len);
    if (rc != 0) {
        return rc;
    }
    cct_error_clear(&err);
    rc = cct_pcr_values_parse(buf, len, pcrs, CCT_MAX_PCR_VALUES, n, &err);
    free(buf);
    if (rc < 0) {
        cli_error(path, &err);
        return EXIT_USAGE;
    }
    return 0;
}

/* Command line, before any file is read. */
struct verify_args {
    bool json;
    const char *input;
    const char *certs, *root, *signature, *ak, *cpak, *mac_key, *pcrs;
    const char *nonce, *data, *report_data; /* hex: the request's nonce and data, or raw */
    const char *collateral[MAX_COLLATERAL];
    int n_collateral;
    const char *logs[MAX_LOGS];
    size_t n_logs;
    struct cct_verify_options o;
};

enum {
    OPT_ALLOW_DEBUG = 0x100,
    OPT_ALLOW_MA,
    OPT_VMPL,
    OPT_REQUIRE_COLLATERAL,
    OPT_ACCEPT_TCB,
    OPT_REPORT_DATA,
    OPT_MIN_TCB,
};

/* One option; returns -1 to go on, or an exit code. */
static int take_option(struct verify_args *a, int c, const char *arg)
{
    uint64_t v;
    switch (c) {
    case 'j': a->json = true; break;
    case 'c': a->certs = arg; break;
    case 'r': a->root = arg; break;
    case 's': a->signature = arg; break;
    case 'k': a->ak = arg; break;
    case 'p': a->cpak = arg; break;
    case 'M': a->mac_key = arg; break;
    case 'P': a->pcrs = arg; break;
    case 'n': a->nonce = arg; break;
    case 'd': a->data = arg; break;
    case OPT_REPORT_DATA: a->report_data = arg; break;
    case OPT_MIN_TCB: a->o.snp_min_tcb = arg; break;
    case 'S': a->o.allow_simulation = 1; break;
    case OPT_ALLOW_DEBUG: a->o.allow_debug = 1; break;
    case OPT_ALLOW_MA: a->o.allow_migration_agent = 1; break;
    case OPT_REQUIRE_COLLATERAL: a->o.require_collateral = 1; break;
    case OPT_ACCEPT_TCB: a->o.accept_tcb_status = arg; break;
    case 'C':
        if (a->n_collateral >= MAX_COLLATERAL) {
            fprintf(stderr, "cctrusted: at most %d --collateral files\n", MAX_COLLATERAL);
            return EXIT_USAGE;
        }
        a->collateral[a->n_collateral++] = arg;
        break;
    case 'e':
        if (a->n_logs == MAX_LOGS) {
            fprintf(stderr, "cctrusted: at most %d --eventlog files\n", MAX_LOGS);
            return EXIT_USAGE;
        }
        a->logs[a->n_logs++] = arg;
        break;
    case OPT_VMPL:
        if (!cli_parse_u64(arg, &v) || v > 3) {
            fprintf(stderr, "cctrusted: --vmpl: not a VMPL (0-3): '%s'\n", arg);
            return EXIT_USAGE;
        }
        a->o.have_vmpl = 1;
        a->o.vmpl = (uint32_t)v;
        break;
    case 'a':
        if (cct_parse_time(arg, &a->o.at) < 0) {
            fprintf(stderr, "cctrusted: --at: cannot parse time '%s'\n", arg);
            return EXIT_USAGE;
        }
        a->o.have_at = 1;
        break;
    case 'h': usage(stdout); return EXIT_OK;
    default:
        if (verify_container_option(c, arg)) {
            break;
        }
        usage(stderr);
        return EXIT_USAGE;
    }
    return -1;
}

static int parse_args(int argc, char **argv, struct verify_args *a)
{
    static const struct option longopts[] = {
        { "json", no_argument, NULL, 'j' },
        { "certs", required_argument, NULL, 'c' },
        { "collateral", required_argument, NULL, 'C' },
        { "root", required_argument, NULL, 'r' },
        { "at", required_argument, NULL, 'a' },
        { "nonce", required_argument, NULL, 'n' },
        { "data", required_argument, NULL, 'd' },
        { "report-data", required_argument, NULL, OPT_REPORT_DATA },
        { "min-tcb", required_argument, NULL, OPT_MIN_TCB },
        { "signature", required_argument, NULL, 's' },
        { "ak", required_argument, NULL, 'k' },
        { "cpak", required_argument, NULL, 'p' },
        { "pcrs", required_argument, NULL, 'P' },
        { "eventlog", required_argument, NULL, 'e' },
        { "help", no_argument, NULL, 'h' },
        { "allow-sim", no_argument, NULL, 'S' },
        { "allow-debug", no_argument, NULL, OPT_ALLOW_DEBUG },
        { "allow-migration-agent", no_argument, NULL, OPT_ALLOW_MA },
        { "vmpl", required_argument, NULL, OPT_VMPL },
        { "require-collateral", no_argument, NULL, OPT_REQUIRE_COLLATERAL },
        { "accept-tcb-status", required_argument, NULL, OPT_ACCEPT_TCB },
        { "mac-key", required_argument, NULL, 'M' },
        VERIFY_CONTAINER_LONGOPTS,
        { NULL, 0, NULL, 0 },
    };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "jc:C:r:a:n:d:s:k:p:P:e:hSM:", longopts, NULL)) != -1) {
        int rc = take_option(a, c, optarg);
        if (rc >= 0) {
            return rc;
        }
    }
    if (optind + 1 != argc) {
        usage(stderr);
        return EXIT_USAGE;
    }
    a->input = argv[optind];
    return -1;
}

/* Files read for one verification; freed by free_inputs(). */
struct verify_inputs {
    uint8_t *evidence, *certs, *root, *signature, *ak, *cpak, *mac_key, *collateral;
    size_t evidence_len, certs_len, root_len, signature_len, ak_len, cpak_len, mac_key_len,
        collateral_len;
    struct cct_pcr_value pcrs[CCT_MAX_PCR_VALUES];
    uint8_t report_data[1024];
    uint8_t nonce[MAX_REQUEST_BYTES], data[MAX_REQUEST_BYTES];
    struct cct_log_input logs[MAX_LOGS];
};

static void free_inputs(struct verify_inputs *in)
{
    free(in->evidence);
    free(in->certs);
    free(in->root);
    free(in->signature);
    free(in->ak);
    free(in->cpak);
    if (in->mac_key != NULL) {
        explicit_bzero(in->mac_key, in->mac_key_len); /* a secret */
    }
    free(in->mac_key);
    free(in->collateral);
}

static int slurp_opt(const char *path, uint8_t **out, size_t *len)
{
    return path == NULL ? 0 : cli_slurp(path, MAX_INPUT_BYTES, out, len);
}

/* Several collateral files (TCB Info, QE Identity, issuer chain) are joined by newlines. */
static int load_collateral(const struct verify_args *a, struct verify_inputs *in)
{
    for (int i = 0; i < a->n_collateral; i++) {
        uint8_t *part;
        size_t plen;
        int rc = cli_slurp(a->collateral[i], MAX_INPUT_BYTES, &part, &plen);
        if (rc != 0) {
            return rc;
        }
        uint8_t *nb = realloc(in->collateral, in->collateral_len + plen + 2);
        if (nb == NULL) {
            free(part);
            return EXIT_ENV;
        }
        memcpy(nb + in->collateral_len, part, plen);
        nb[in->collateral_len + plen] = '\n';
        in->collateral_len += plen + 1;
        nb[in->collateral_len] = '\0';
        in->collateral = nb;
        free(part);
    }
    return 0;
}

/* A hex option into buf; *out points at it when given (the library judges the combination). */
static int hex_opt(const char *name, const char *hex, uint8_t *buf, size_t room,
                   const uint8_t **out, size_t *len)
{
    if (hex == NULL) {
        return 0;
    }
    if (cli_parse_hex(hex, buf, room, len) < 0) {
        fprintf(stderr, "cctrusted: %s: not an even-length hex string of at most %zu bytes\n", name,
                room);
        return EXIT_USAGE;
    }
    *out = buf;
    return 0;
}

/* Read every file the options name and point a->o at the bytes. 0 or an exit code. */
static int load_inputs(struct verify_args *a, struct verify_inputs *in)
{
    struct cct_verify_options *o = &a->o;
    int rc = cli_slurp(a->input, MAX_INPUT_BYTES, &in->evidence, &in->evidence_len);
    rc = rc != 0 ? rc
                 : hex_opt("--report-data", a->report_data, in->report_data,
                           sizeof(in->report_data), &o->nonce, &o->nonce_len);
    rc = rc != 0 ? rc
                 : hex_opt("--nonce", a->nonce, in->nonce, sizeof(in->nonce), &o->request_nonce,
                           &o->request_nonce_len);
    rc = rc != 0 ? rc
                 : hex_opt("--data", a->data, in->data, sizeof(in->data), &o->request_user_data,
                           &o->request_user_data_len);
    rc = rc != 0 ? rc : slurp_opt(a->certs, &in->certs, &in->certs_len);
    rc = rc != 0 ? rc : slurp_opt(a->root, &in->root, &in->root_len);
    rc = rc != 0 ? rc : slurp_opt(a->signature, &in->signature, &in->signature_len);
    rc = rc != 0 ? rc : slurp_opt(a->ak, &in->ak, &in->ak_len);
    rc = rc != 0 ? rc : slurp_opt(a->cpak, &in->cpak, &in->cpak_len);
    rc = rc != 0 ? rc : slurp_opt(a->mac_key, &in->mac_key, &in->mac_key_len);
    rc = rc != 0 ? rc : load_collateral(a, in);
    if (rc == 0 && a->pcrs != NULL && (rc = load_pcrs(a->pcrs, in->pcrs, &o->n_pcrs)) == 0) {
        o->pcrs = o->n_pcrs > 0 ? in->pcrs : NULL;
        if (o->pcrs == NULL) {
            fprintf(stderr, "cctrusted: %s: no PCR values\n", a->pcrs);
            rc = EXIT_USAGE;
        }
    }
    for (size_t i = 0; i < a->n_logs; i++) {
        memset(&in->logs[i], 0, sizeof(in->logs[i]));
        in->logs[i].path = a->logs[i];
        in->logs[i].format = CCT_LOG_AUTO;
        in->logs[i].ima_register = CCT_IMA_REGISTER_AUTO;
    }
    o->logs = a->n_logs > 0 ? in->logs : NULL;
    o->n_logs = a->n_logs;
    o->certs = in->certs;
    o->certs_len = in->certs_len;
    o->root = in->root;
    o->root_len = in->root_len;
    o->signature = in->signature;
    o->signature_len = in->signature_len;
    o->ak = in->ak;
    o->ak_len = in->ak_len;
    o->cpak = in->cpak;
    o->cpak_len = in->cpak_len;
    o->mac_key = in->mac_key;
    o->mac_key_len = in->mac_key_len;
    o->collateral = in->collateral;
    o->collateral_len = in->collateral_len;
    return rc;
}

static const char *type_label(enum cct_report_type t)
{
    switch (t) {
    case CCT_REPORT_TDX_QUOTE:
    case CCT_REPORT_TDX_TDREPORT: return "tdx";
    case CCT_REPORT_SNP: return "snp";
    case CCT_REPORT_TPM_QUOTE: return "tpm";
    case CCT_REPORT_CCA: return "cca";
    default: return cct_report_type_name(t);
    }
}

static void print_json(const struct cct_verify_result *res, bool ok)
{
    printf("{\"type\":");
    cli_json_str(stdout, type_label(res->type));
    printf(",\"verdict\":\"%s\",\"checks\":[", ok ? "ok" : "fail");
    for (size_t i = 0; i < res->n_checks; i++) {
        const struct cct_check *c = &res->checks[i];
        printf("%s{\"name\":", i ? "," : "");
        cli_json_str(stdout, c->name);
        printf(",\"ok\":%s,\"status\":\"%s\",\"detail\":", c->ok ? "true" : "false",
               cct_check_status_name(c->status));
        cli_json_str(stdout, c->detail);
        printf("}");
    }
    printf("],\"unchecked\":[");
    for (size_t i = 0, k = 0; i < res->n_checks; i++) {
        if (res->checks[i].status == CCT_CHECK_NOT_CHECKED) {
            printf("%s", k++ ? "," : "");
            cli_json_str(stdout, res->checks[i].name);
        }
    }
    printf("],\"dropped\":%zu}\n", res->dropped);
}

/* Text: every string that came from the evidence or a certificate is escaped. */
static void print_text(const struct cct_verify_result *res, bool ok)
{
    printf("type: %s\n", type_label(res->type));
    for (size_t i = 0; i < res->n_checks; i++) {
        const struct cct_check *c = &res->checks[i];
        const char *tag = c->status == CCT_CHECK_PASSED   ? " ok "
                          : c->status == CCT_CHECK_FAILED ? "FAIL"
                                                          : " -- ";
        printf("  [%s] %-22s ", tag, c->name);
        if (c->status == CCT_CHECK_NOT_CHECKED) {
            printf("not checked: ");
        }
        cli_text_str(stdout, c->detail);
        putchar('\n');
    }
    if (res->dropped > 0) {
        printf("  [FAIL] %zu check(s) did not fit in the result\n", res->dropped);
    }
    if (res->n_unchecked > 0) {
        printf("not checked: %zu item(s) above are outside this verdict\n", res->n_unchecked);
    }
    printf("verdict: %s\n", ok ? "ok" : "fail");
}

int cmd_verify(int argc, char **argv)
{
    struct verify_args a;
    memset(&a, 0, sizeof(a));
    cct_verify_options_init(&a.o);
    int rc = parse_args(argc, argv, &a);
    if (rc >= 0) {
        return rc;
    }
    struct verify_inputs *in = calloc(1, sizeof(*in));
    struct cct_verify_result *res = malloc(sizeof(*res));
    if (in == NULL || res == NULL) {
        free(in);
        free(res);
        fprintf(stderr, "cctrusted: out of memory\n");
        return EXIT_ENV;
    }
    rc = load_inputs(&a, in);
    if (rc == 0) {
        struct cct_error err;
        cct_error_clear(&err);
        cct_verify_result_init(res);
        int vrc = cct_verify_report(in->evidence, in->evidence_len, &a.o, res, &err);
        if (vrc == CCT_EINVAL || vrc == CCT_ENOMEM || vrc == CCT_EIO || vrc == CCT_ENOTFOUND ||
            vrc == CCT_EPERM) {
            cli_error("verify", &err);
            rc = cli_exit_for(vrc);
        } else if (verify_container_requested() &&
                   (rc = verify_container_run(in->evidence, in->evidence_len, res)) != 0) {
            /* the container options were wrong; said on stderr */
        } else {
            bool ok = vrc == 0 && res->ok;
            if (a.json) {
                print_json(res, ok);
            } else {
                print_text(res, ok);
            }
            rc = ok ? EXIT_OK : EXIT_INVALID;
        }
    }
    free(res);
    free_inputs(in);
    free(in);
    return rc;
}
