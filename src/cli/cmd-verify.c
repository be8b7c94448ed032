/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cctrusted verify: verify a quote, report or token and print named checks.
 * JSON: {"type":"tdx|snp|tpm|cca","verdict":"ok|fail","checks":[{"name","ok","detail"}]}
 */
#include <ctype.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <cctrusted/ima.h>
#include <cctrusted/replay.h>
#include <cctrusted/report.h>
#include <cctrusted/verify.h>

#include "cli.h"
#include "emit.h"

#define MAX_INPUT_BYTES (16u * 1024u * 1024u)
#define MAX_COLLATERAL 8

static void usage(FILE *f)
{
    fprintf(f,
            "usage: cctrusted verify [--json] FILE [--certs PEM|DER] [--collateral FILE] [--root PEM]\n"
            "                        [--at TIME] [--nonce HEX] [--signature FILE --ak FILE]\n"
            "                        [--pcrs FILE | --eventlog FILE...] [--cpak PEM]\n"
            "                        [--mac-key FILE] [--allow-sim]\n"
            "  --certs FILE       PCK chain (TDX) or VCEK/VLEK [+ ASK, ARK] (SNP) replacing embedded ones\n"
            "  --collateral FILE  TDX collateral: QuoteCollateralV3 JSON, or (repeatable) PCS TCB Info /\n"
            "                     QE Identity responses and their PEM issuer chain\n"
            "  --root FILE        trust anchor replacing the built-in vendor root\n"
            "  --at TIME          check certificate validity at YYYY-MM-DD[THH:MM:SSZ] or @SECONDS\n"
            "  --nonce HEX        expected TPM qualifying data / report data prefix ('' = empty)\n"
            "  --signature FILE   TPM: TPMT_SIGNATURE or raw RSASSA-SHA256 signature\n"
            "  --ak FILE          TPM: attestation key (TPMT_PUBLIC or PEM)\n"
            "  --pcrs FILE        TPM: PCR values, tokens [ALG:]PCRn=HEX or N=HEX\n"
            "  --eventlog FILE    replay this log (repeatable: boot log + IMA): TPM PCR values for the\n"
            "                     quote's PCR digest; TDX RTMR0-3 compared with the quote\n"
            "  --allow-sim        accept a quote from the simulated platform (never trusted otherwise)\n"
            "  --cpak FILE        CCA: platform attestation key (PEM); PSA: the IAK\n"
            "  --mac-key FILE     PSA COSE_Mac0 token: the MAC key (raw bytes)\n"
            "exit: 0 verified, 2 a check failed, 1 usage, 3 environment\n");
}

static uint16_t alg_for_size(size_t n)
{
    switch (n) {
    case 20: return CCT_ALG_SHA1;
    case 32: return CCT_ALG_SHA256;
    case 48: return CCT_ALG_SHA384;
    case 64: return CCT_ALG_SHA512;
    default: return 0;
    }
}

/* One token: [ALG:][PCR]N=HEX */
static bool parse_pcr_token(const char *t, size_t len, struct cct_pcr_value *v)
{
    const char *eq = memchr(t, '=', len);
    const char *colon = memchr(t, ':', len);
    size_t n;
    uint64_t idx;
    char num[16];
    memset(v, 0, sizeof(*v));
    if (eq == NULL) {
        return false;
    }
    const char *is = t;
    if (colon != NULL && colon < eq) {
        is = colon + 1;
    }
    if ((size_t)(eq - is) >= 3 && strncasecmp(is, "pcr", 3) == 0) {
        is += 3;
    }
    if (eq - is <= 0 || eq - is >= (long)sizeof(num)) {
        return false;
    }
    memcpy(num, is, (size_t)(eq - is));
    num[eq - is] = '\0';
    if (!cli_parse_u64(num, &idx) || idx > 31) {
        return false;
    }
    /* NUL-terminated copy of the hex for cli_parse_hex; longer than a digest cannot parse anyway. */
    char hex[2 * sizeof(v->digest) + 1];
    size_t hl = len - (size_t)(eq + 1 - t);
    if (hl >= sizeof(hex)) {
        return false;
    }
    memcpy(hex, eq + 1, hl);
    hex[hl] = '\0';
    if (cli_parse_hex(hex, v->digest, sizeof(v->digest), &n) < 0) {
        return false;
    }
    v->index = (uint32_t)idx;
    v->alg = alg_for_size(n);
    if (colon != NULL && colon < eq) {
        char an[16];
        if ((size_t)(colon - t) >= sizeof(an)) {
            return false;
        }
        memcpy(an, t, (size_t)(colon - t));
        an[colon - t] = '\0';
        uint16_t a = cct_alg_from_name(an);
        if (a == CCT_ALG_ERROR || cct_alg_digest_size(a) != n) {
            return false;
        }
        v->alg = a;
    }
    return v->alg != 0;
}

static int load_pcrs(const char *path, struct cct_pcr_value *pcrs, size_t *n)
{
    uint8_t *buf;
    size_t len;
    int rc = cli_slurp(path, 1u << 20, &buf, &len);
    if (rc != 0) {
        return rc;
    }
    *n = 0;
    const char *s = (const char *)buf, *end = s + len;
    while (s < end) {
        while (s < end && (isspace((unsigned char)*s) || *s == ',' || *s == ';')) {
            s++;
        }
        const char *t = s;
        while (s < end && !(isspace((unsigned char)*s) || *s == ',' || *s == ';')) {
            s++;
        }
        if (s == t) {
            break;
        }
        if (*n >= CCT_MAX_PCR_VALUES) {
            fprintf(stderr, "cctrusted: %s: more than %d PCR values\n", path, CCT_MAX_PCR_VALUES);
            free(buf);
            return EXIT_USAGE;
        }
        if (!parse_pcr_token(t, (size_t)(s - t), &pcrs[*n])) {
            fprintf(stderr, "cctrusted: %s: cannot parse PCR value '%.*s'\n", path, (int)(s - t > 40 ? 40 : s - t), t);
            free(buf);
            return EXIT_USAGE;
        }
        (*n)++;
    }
    free(buf);
    return 0;
}

#define MAX_LOGS 8

static int is_ima(enum cct_log_format f)
{
    return f == CCT_LOG_IMA_ASCII || f == CCT_LOG_IMA_BINARY;
}

/*
 * Replay event logs the way a verifier trusts them: boot logs first, then
 * IMA lists, whose entries go to RTMRs when a CCEL is among the logs (a TDX
 * kernel extends RTMR2) and to PCRs otherwise.
 */
static int replay_logs(const char *const *paths, size_t n, cct_replay **out)
{
    enum cct_log_format fmt[MAX_LOGS];
    int have_ccel = 0;
    cct_replay *rp = NULL;
    struct cct_error err;
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        cct_eventlog *log = NULL;
        cct_error_clear(&err);
        rc = cct_eventlog_from_file(paths[i], NULL, &log, &err);
        if (rc < 0) {
            cli_error(paths[i], &err);
            return cli_exit_for(rc);
        }
        fmt[i] = cct_eventlog_format(log);
        have_ccel |= fmt[i] == CCT_LOG_CCEL;
        cct_eventlog_free(log);
    }
    if (cct_replay_new(NULL, &rp) < 0) {
        return EXIT_ENV;
    }
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < n; i++) {
            if (is_ima(fmt[i]) != (pass == 1)) {
                continue;
            }
            cct_eventlog *log = NULL;
            struct cct_event ev;
            rc = cct_eventlog_from_file(paths[i], NULL, &log, &err);
            if (rc == 0 && is_ima(fmt[i])) {
                rc = cct_eventlog_ima_set_register(log, have_ccel ? CCT_REG_RTMR : CCT_REG_PCR);
            }
            while (rc == 0 && (rc = cct_eventlog_next(log, &ev)) == 1) {
                rc = cct_replay_event(rp, &ev);
            }
            if (rc < 0) {
                cli_error(paths[i], log ? cct_eventlog_error(log) : &err);
                cct_eventlog_free(log);
                cct_replay_free(rp);
                return rc == CCT_ENOMEM ? EXIT_ENV : EXIT_INVALID;
            }
            cct_eventlog_free(log);
        }
    }
    (void)cct_replay_finish(rp);
    *out = rp;
    return 0;
}

/* PCR values of the quote's selection from replaying event logs. */
static int pcrs_from_eventlog(const char *const *paths, size_t nlogs, const uint8_t *quote, size_t qlen,
                              struct cct_pcr_value *pcrs, size_t *n)
{
    struct cct_tpm_attest a;
    struct cct_error err;
    cct_replay *rp = NULL;
    cct_error_clear(&err);
    if (cct_tpm_attest_parse(quote, qlen, &a, &err) < 0) {
        return 0; /* the verifier reports the parse error */
    }
    int rc = replay_logs(paths, nlogs, &rp);
    if (rc != 0) {
        return rc;
    }
    *n = 0;
    for (size_t s = 0; s < a.n_selections; s++) {
        for (uint32_t i = 0; i < 8u * a.selections[s].size_of_select; i++) {
            struct cct_register reg;
            if (!(a.selections[s].select[i / 8] & (1u << (i % 8))) || *n >= CCT_MAX_PCR_VALUES) {
                continue;
            }
            if (cct_replay_lookup(rp, CCT_REG_PCR, i, a.selections[s].hash, &reg) == 0) {
                pcrs[*n].alg = a.selections[s].hash;
                pcrs[*n].index = i;
                memcpy(pcrs[*n].digest, reg.digest, reg.size <= 64 ? reg.size : 64);
                (*n)++;
            }
        }
    }
    cct_replay_free(rp);
    return 0;
}

static void add_check(struct cct_verify_result *res, const char *name, int ok, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void add_check(struct cct_verify_result *res, const char *name, int ok, const char *fmt, ...)
{
    if (!ok) {
        res->ok = 0;
    }
    if (res->n_checks >= CCT_MAX_CHECKS) {
        res->dropped++;
        res->ok = 0;
        return;
    }
    struct cct_check *c = &res->checks[res->n_checks++];
    snprintf(c->name, sizeof(c->name), "%s", name);
    c->ok = ok;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->detail, sizeof(c->detail), fmt, ap);
    va_end(ap);
}

/* TDX: the replayed RTMRs must equal the quote's; that is how the logs are trusted. */
static int check_rtmrs(const char *const *paths, size_t nlogs, const uint8_t *quote, size_t qlen,
                       struct cct_verify_result *res)
{
    struct cct_tdx_quote q;
    struct cct_error err;
    cct_replay *rp = NULL;
    cct_error_clear(&err);
    if (cct_tdx_quote_parse(quote, qlen, &q, &err) < 0) {
        return 0;
    }
    int rc = replay_logs(paths, nlogs, &rp);
    if (rc != 0) {
        return rc;
    }
    for (uint32_t i = 0; i < 4; i++) {
        struct cct_register reg;
        char name[32];
        snprintf(name, sizeof(name), "rtmr%u-replay", i);
        if (cct_replay_lookup(rp, CCT_REG_RTMR, i, CCT_ALG_SHA384, &reg) < 0) {
            add_check(res, name, 0, "cannot compute the replayed value");
            continue;
        }
        if (reg.size == 48 && memcmp(reg.digest, q.body.rtmr[i], 48) == 0) {
            add_check(res, name, 1, "RTMR%u replayed from %" PRIu64 " events equals the quote", i, reg.n_events);
        } else {
            /* The detail shows the first 8 bytes of each value. */
            char got[17], want[17];
            for (int k = 0; k < 8; k++) {
                snprintf(got + 2 * k, 3, "%02x", reg.digest[k]);
                snprintf(want + 2 * k, 3, "%02x", q.body.rtmr[i][k]);
            }
            add_check(res, name, 0, "RTMR%u: replayed %s..., quote has %s...", i, got, want);
        }
    }
    cct_replay_free(rp);
    return 0;
}

/* Does any certificate in this PEM/DER blob carry the simulation root's name? */
static int names_simulation(const uint8_t *p, size_t len)
{
    static const char mark[] = "cctrusted SIMULATION root";
    int found = 0;
    BIO *bio = BIO_new_mem_buf(p, (int)(len > INT_MAX ? INT_MAX : len));
    X509 *x;
    while (bio != NULL && !found && (x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
        char buf[256];
        X509_NAME_oneline(X509_get_subject_name(x), buf, sizeof(buf));
        found |= strstr(buf, mark) != NULL;
        X509_NAME_oneline(X509_get_issuer_name(x), buf, sizeof(buf));
        found |= strstr(buf, mark) != NULL;
        X509_free(x);
    }
    BIO_free(bio);
    ERR_clear_error();
    return found;
}

/* A quote from the simulated platform is never trusted unless asked for. */
static void check_simulation(const uint8_t *quote, size_t qlen, const uint8_t *root, size_t root_len,
                             int allow_sim, struct cct_verify_result *res)
{
    struct cct_tdx_quote q;
    struct cct_error err;
    cct_error_clear(&err);
    int sim = (root != NULL && names_simulation(root, root_len)) ||
              (cct_tdx_quote_parse(quote, qlen, &q, &err) == 0 && q.pck_chain != NULL &&
               names_simulation(q.pck_chain, q.pck_chain_len));
    if (!sim) {
        return;
    }
    if (allow_sim) {
        add_check(res, "simulation", 1, "signed under the cctrusted simulation root; accepted (--allow-sim)");
    } else {
        add_check(res, "simulation", 0, "signed under the cctrusted simulation root, which is never trusted "
                  "unless --allow-sim is given");
    }
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

int cmd_verify(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "json", no_argument, NULL, 'j' },        { "certs", required_argument, NULL, 'c' },
        { "collateral", required_argument, NULL, 'C' }, { "root", required_argument, NULL, 'r' },
        { "at", required_argument, NULL, 'a' },    { "nonce", required_argument, NULL, 'n' },
        { "signature", required_argument, NULL, 's' }, { "ak", required_argument, NULL, 'k' },
        { "cpak", required_argument, NULL, 'p' },  { "pcrs", required_argument, NULL, 'P' },
        { "eventlog", required_argument, NULL, 'e' }, { "help", no_argument, NULL, 'h' },
        { "allow-sim", no_argument, NULL, 'S' },   { "mac-key", required_argument, NULL, 'M' },
        { NULL, 0, NULL, 0 },
    };
    const char *files[8] = { 0 }; /* certs, collateral, root, signature, ak, cpak, mac key */
    enum { F_CERTS, F_COLL, F_ROOT, F_SIG, F_AK, F_CPAK, F_MAC, F_N };
    uint8_t *data[F_N] = { 0 };
    size_t lens[F_N] = { 0 };
    const char *pcrs_file = NULL, *nonce_hex = NULL;
    const char *log_files[MAX_LOGS];
    size_t n_logs = 0;
    int allow_sim = 0;
    struct cct_verify_options o = CCT_VERIFY_OPTIONS_INIT;
    static struct cct_pcr_value pcrs[CCT_MAX_PCR_VALUES];
    static uint8_t nonce[1024];
    bool json = false;
    int c, rc = EXIT_OK;
    const char *coll_files[MAX_COLLATERAL];
    int n_coll = 0;

    optind = 1;
    while ((c = getopt_long(argc, argv, "jc:C:r:a:n:s:k:p:P:e:hSM:", longopts, NULL)) != -1) {
        switch (c) {
        case 'j': json = true; break;
        case 'c': files[F_CERTS] = optarg; break;
        case 'C':
            if (n_coll >= MAX_COLLATERAL) {
                fprintf(stderr, "cctrusted: at most %d --collateral files\n", MAX_COLLATERAL);
                return EXIT_USAGE;
            }
            coll_files[n_coll++] = optarg;
            break;
        case 'r': files[F_ROOT] = optarg; break;
        case 's': files[F_SIG] = optarg; break;
        case 'k': files[F_AK] = optarg; break;
        case 'p': files[F_CPAK] = optarg; break;
        case 'M': files[F_MAC] = optarg; break;
        case 'P': pcrs_file = optarg; break;
        case 'e':
            if (n_logs == MAX_LOGS) {
                fprintf(stderr, "cctrusted: at most %d --eventlog files\n", MAX_LOGS);
                return EXIT_USAGE;
            }
            log_files[n_logs++] = optarg;
            break;
        case 'S': allow_sim = 1; break;
        case 'n': nonce_hex = optarg; break;
        case 'a':
            if (cct_parse_time(optarg, &o.at) < 0) {
                fprintf(stderr, "cctrusted: --at: cannot parse time '%s'\n", optarg);
                return EXIT_USAGE;
            }
            o.have_at = 1;
            break;
        case 'h': usage(stdout); return EXIT_OK;
        default: usage(stderr); return EXIT_USAGE;
        }
    }
    if (optind + 1 != argc) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (pcrs_file != NULL && n_logs > 0) {
        fprintf(stderr, "cctrusted: --pcrs and --eventlog are exclusive\n");
        return EXIT_USAGE;
    }
    if (nonce_hex != NULL) {
        size_t nl = 0;
        if (cli_parse_hex(nonce_hex, nonce, sizeof(nonce), &nl) < 0) {
            fprintf(stderr, "cctrusted: --nonce: not an even-length hex string of at most %zu bytes\n",
                    sizeof(nonce));
            return EXIT_USAGE;
        }
        o.nonce = nonce;
        o.nonce_len = nl;
    }
    uint8_t *in = NULL;
    size_t inlen = 0;
    rc = cli_slurp(argv[optind], MAX_INPUT_BYTES, &in, &inlen);
    for (int i = 0; rc == 0 && i < F_N; i++) {
        if (files[i] != NULL) {
            rc = cli_slurp(files[i], MAX_INPUT_BYTES, &data[i], &lens[i]);
        }
    }
    for (int i = 0; rc == 0 && i < n_coll; i++) {
        /* several collateral files (TCB Info, QE Identity, issuer chain) are joined by newlines */
        uint8_t *part;
        size_t plen;
        rc = cli_slurp(coll_files[i], MAX_INPUT_BYTES, &part, &plen);
        if (rc == 0) {
            uint8_t *nb = realloc(data[F_COLL], lens[F_COLL] + plen + 2);
            if (nb == NULL) {
                free(part);
                rc = EXIT_ENV;
                break;
            }
            memcpy(nb + lens[F_COLL], part, plen);
            nb[lens[F_COLL] + plen] = '\n';
            lens[F_COLL] += plen + 1;
            nb[lens[F_COLL]] = '\0';
            data[F_COLL] = nb;
            free(part);
        }
    }
    size_t npcrs = 0;
    if (rc == 0 && pcrs_file != NULL) {
        rc = load_pcrs(pcrs_file, pcrs, &npcrs);
    } else if (rc == 0 && n_logs > 0) {
        enum cct_report_type t;
        if (cct_report_detect(in, inlen, &t) == 0 && t == CCT_REPORT_TPM_QUOTE) {
            rc = pcrs_from_eventlog(log_files, n_logs, in, inlen, pcrs, &npcrs);
        }
    }
    if (rc != 0) {
        goto out;
    }
    o.certs = data[F_CERTS];
    o.certs_len = lens[F_CERTS];
    o.collateral = data[F_COLL];
    o.collateral_len = lens[F_COLL];
    o.root = data[F_ROOT];
    o.root_len = lens[F_ROOT];
    o.signature = data[F_SIG];
    o.signature_len = lens[F_SIG];
    o.ak = data[F_AK];
    o.ak_len = lens[F_AK];
    o.cpak = data[F_CPAK];
    o.cpak_len = lens[F_CPAK];
    o.mac_key = data[F_MAC];
    o.mac_key_len = lens[F_MAC];
    if (npcrs > 0) {
        o.pcrs = pcrs;
        o.n_pcrs = npcrs;
    }

    struct cct_verify_result *res = calloc(1, sizeof(*res));
    struct cct_error err;
    if (res == NULL) {
        rc = EXIT_ENV;
        goto out;
    }
    cct_error_clear(&err);
    int vrc = cct_verify_report(in, inlen, &o, res, &err);
    if (vrc == CCT_EINVAL || vrc == CCT_ENOMEM) {
        cli_error("verify", &err);
        free(res);
        rc = cli_exit_for(vrc);
        goto out;
    }
    if (res->type == CCT_REPORT_TDX_QUOTE) {
        check_simulation(in, inlen, o.root, o.root_len, allow_sim, res);
        if (n_logs > 0 && (rc = check_rtmrs(log_files, n_logs, in, inlen, res)) != 0) {
            free(res);
            goto out;
        }
    }
    bool ok = vrc == 0 && res->ok;
    if (json) {
        printf("{\"type\":");
        cli_json_str(stdout, type_label(res->type));
        printf(",\"verdict\":\"%s\",\"checks\":[", ok ? "ok" : "fail");
        for (size_t i = 0; i < res->n_checks; i++) {
            printf("%s{\"name\":", i ? "," : "");
            cli_json_str(stdout, res->checks[i].name);
            printf(",\"ok\":%s,\"detail\":", res->checks[i].ok ? "true" : "false");
            cli_json_str(stdout, res->checks[i].detail);
            printf("}");
        }
        printf("]}\n");
    } else {
        printf("type: %s\n", type_label(res->type));
        for (size_t i = 0; i < res->n_checks; i++) {
            printf("  [%s] %-22s %s\n", res->checks[i].ok ? " ok " : "FAIL", res->checks[i].name,
                   res->checks[i].detail);
        }
        printf("verdict: %s\n", ok ? "ok" : "fail");
    }
    free(res);
    rc = ok ? EXIT_OK : EXIT_INVALID;
out:
    free(in);
    if (data[F_MAC] != NULL) {
        OPENSSL_cleanse(data[F_MAC], lens[F_MAC]);
    }
    for (int i = 0; i < F_N; i++) {
        free(data[i]);
    }
    return rc;
}
