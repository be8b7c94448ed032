/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Verification of quotes and reports against keys and vendor roots.
 *
 * Every verifier fails closed: it returns 0 only when no check failed and at
 * least one check passed; CCT_EVERIFY when a check failed; CCT_EINVAL when
 * the options are unusable (unknown opts->version, an input that does not
 * apply to the evidence type, a result not initialised with
 * cct_verify_result_init()); any other negative code when the evidence could
 * not be parsed (then the result holds a failed "parse" or "input" check).
 * The result lists each named check with its outcome and a short detail;
 * what a verifier did not judge is listed as CCT_CHECK_NOT_CHECKED, never as
 * a passed check.
 *
 * Threads: the functions keep no state; a result or options object
 * is used by one thread at a time.
 */
#ifndef CCTRUSTED_VERIFY_H
#define CCTRUSTED_VERIFY_H

#include <stddef.h>
#include <stdint.h>

#include <cctrusted/error.h>
#include <cctrusted/report.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CCT_CHECK_NAME_MAX 48
#define CCT_CHECK_DETAIL_MAX 240
#define CCT_MAX_CHECKS 48

/** Outcome of one check. */
enum cct_check_status {
    CCT_CHECK_FAILED = 0,      /* the check ran and the evidence failed it */
    CCT_CHECK_PASSED = 1,      /* the check ran and the evidence passed it */
    CCT_CHECK_NOT_CHECKED = 2, /* not judged, or only partly: the detail says what is unverified */
};

/** One named check. */
struct cct_check {
    char name[CCT_CHECK_NAME_MAX];
    int ok; /* 1 only when status is CCT_CHECK_PASSED */
    char detail[CCT_CHECK_DETAIL_MAX];
    enum cct_check_status status;
};

/**
 * Outcome of a verification, allocated by the caller. Initialise it with
 * cct_verify_result_init() (or set size = sizeof(struct cct_verify_result))
 * before every call: the library writes only the first `size` bytes, so a
 * later version can append fields without breaking callers built against
 * this one; a size smaller than this version's layout is refused with
 * CCT_EINVAL. ok is 1 only if no check failed and at least one passed;
 * checks CCT_CHECK_NOT_CHECKED do not fail the verdict but say what it does
 * not cover (n_unchecked counts them).
 */
struct cct_verify_result {
    size_t size; /* sizeof(struct cct_verify_result) of the caller's header */
    enum cct_report_type type;
    int ok;
    size_t n_checks;
    size_t dropped; /* checks that did not fit (counted as failures) */
    struct cct_check checks[CCT_MAX_CHECKS];
    size_t n_unchecked; /* checks with status CCT_CHECK_NOT_CHECKED */
};

/** Prepare *res for a verify call (zeroes it and sets size). */
void cct_verify_result_init(struct cct_verify_result *res);

/** Stable name of a check status: "fail", "ok", "not-checked". */
const char *cct_check_status_name(enum cct_check_status s);

/** A PCR value supplied by the caller (TPM quote verification). */
struct cct_pcr_value {
    uint16_t alg;
    uint32_t index;
    uint8_t digest[64];
};
#define CCT_MAX_PCR_VALUES 128

struct cct_log_input;      /* <cctrusted/replay.h> */
struct cct_replay_options; /* <cctrusted/replay.h> */

/**
 * Inputs of a verification. Initialise with CCT_VERIFY_OPTIONS_INIT or
 * cct_verify_options_init(). All buffers are borrowed for the duration of
 * the call. An input that does not apply to the evidence type (for example
 * signature on a TDX quote) is refused with CCT_EINVAL naming it, never
 * ignored. Callers of versions 1-3 are still accepted and read only up to
 * the end of their version's fields (version 1: n_pcrs, 2: replay, 3:
 * accept_tcb_status); the later fields take their defaults.
 */
struct cct_verify_options {
    unsigned version; /* CCT_VERIFY_OPTIONS_VERSION */
    const uint8_t
        *certs; /* PEM bundle or DER: PCK chain / VCEK[, ASK, ARK] overriding the embedded ones */
    size_t certs_len;
    const uint8_t *root; /* PEM or DER trust anchor replacing the built-in vendor root */
    size_t root_len;
    int have_at; /* 1: check validity at `at` instead of now */
    int64_t at;  /* seconds since the epoch (UTC) */
    /*
     * The raw expected value: TPM qualifying data / CCA challenge / TDX
     * REPORTDATA or SNP REPORT_DATA prefix. An empty nonce (non-NULL,
     * nonce_len 0) is explicit: TPM extraData must be empty, TDX/SNP report
     * data all zero. To give the nonce and user data of the report request
     * instead, use request_nonce / request_user_data (version 4).
     */
    const uint8_t *nonce;
    size_t nonce_len;
    const uint8_t *signature; /* TPM: TPMT_SIGNATURE, or raw RSA PKCS#1 v1.5 SHA-256 signature */
    size_t signature_len;
    const uint8_t *ak; /* TPM: TPMT_PUBLIC or PEM public key */
    size_t ak_len;
    const uint8_t *cpak; /* CCA: platform key (PEM) */
    size_t cpak_len;
    const uint8_t *collateral; /* TDX: collateral JSON */
    size_t collateral_len;
    const struct cct_pcr_value *pcrs; /* TPM: PCR values to check the quote's PCR digest against */
    size_t n_pcrs;
    /* ---- version 2 ---- */
    const uint8_t *mac_key; /* PSA COSE_Mac0: the HMAC key (secret; the caller wipes it) */
    size_t mac_key_len;
    int allow_simulation;      /* TDX: accept a chain ending in the simulation root */
    int allow_debug;           /* TDX: accept TDATTRIBUTES.DEBUG; SNP: accept policy DEBUG */
    int allow_migration_agent; /* SNP: accept policy MIGRATE_MA */
    int have_vmpl;             /* SNP: the report's VMPL must equal vmpl */
    uint32_t vmpl;
    /*
     * Event logs to bind to the evidence (TDX: RTMRs, TPM: the quote's PCR
     * selection; exclusive with pcrs). Every event of every log must extend
     * a register the evidence covers and that matched, or be an event that
     * never extends; every event whose digest can be recomputed from its
     * data must match it. Replayed with cct_replay_logs() and replay (NULL:
     * defaults).
     */
    const struct cct_log_input *logs;
    size_t n_logs;
    const struct cct_replay_options *replay;
    /* ---- version 3 ---- */
    int require_collateral; /* TDX: no collateral fails "tcb-status" instead of not-checked */
    /*
     * TDX: comma-separated Intel TCB status names accepted besides UpToDate, for the platform
     * (tcb-status), the TDX module and the QE identity, e.g. "SWHardeningNeeded,
     * ConfigurationNeeded"; the check's detail then says the status was accepted by policy and
     * names the level's advisory IDs. NULL or "": UpToDate only. "Revoked" is never accepted.
     */
    const char *accept_tcb_status;
    /* ---- version 4 ---- */
    /*
     * The nonce and user data the report was requested with (struct
     * cct_report_request): the verifier derives the expected value exactly as
     * cct_get_report() did, REPORTDATA = SHA-512(request_nonce ||
     * request_user_data). TDX REPORTDATA and SNP REPORT_DATA must equal all 64
     * bytes, a CCA (realm) challenge must equal them, TPM extraData must equal
     * them or, from a TPM whose qualifying data holds fewer, their first 32
     * bytes. Given when either pointer is non-NULL (a NULL part with length 0
     * is empty). Exclusive with the raw nonce: both given is CCT_EINVAL.
     */
    const uint8_t *request_nonce;
    size_t request_nonce_len;
    const uint8_t *request_user_data;
    size_t request_user_data_len;
    /*
     * SNP: minimum REPORTED_TCB per component, comma-separated NAME=N with N
     * 0-255 and NAME one of bootloader (or boot_loader, bl), tee, snp,
     * microcode (or ucode) and, in the Turin layout only, fmc; e.g.
     * "bootloader=3,tee=0,snp=8,microcode=115". REPORTED_TCB is decoded in the
     * product's TCB_VERSION layout (as for vcek-tcb); a component below its
     * minimum fails the check "min-tcb" naming it. An unknown name, a repeated
     * one, a bad number or a component the product's layout lacks is
     * CCT_EINVAL. NULL or "": not checked.
     */
    const char *snp_min_tcb;
};
#define CCT_VERIFY_OPTIONS_VERSION 4
#define CCT_VERIFY_OPTIONS_INIT                                                                    \
    {                                                                                              \
        CCT_VERIFY_OPTIONS_VERSION, NULL, 0, NULL, 0, 0, 0, NULL, 0, NULL, 0, NULL, 0, NULL, 0,    \
            NULL, 0, NULL, 0, NULL, 0, 0, 0, 0, 0, 0, NULL, 0, NULL, 0, NULL, NULL, 0, NULL, 0,    \
            NULL                                                                                   \
    }

/** Fill *o with the defaults of CCT_VERIFY_OPTIONS_INIT (for bindings). */
void cct_verify_options_init(struct cct_verify_options *o);

#ifndef CCT_WUR
#define CCT_WUR __attribute__((warn_unused_result))
#endif

/** Function form of CCT_VERIFY_OPTIONS_INIT (for bindings). Accepts NULL. */
void cct_verify_options_init(struct cct_verify_options *opts);

/**
 * Verify a TDX quote: quote signature by the attestation key, QE report
 * signature by the PCK leaf, QE report data binding of the attestation key,
 * and the PCK chain up to the Intel SGX Root CA (built in, or opts->root),
 * at opts->at or now. opts->certs replaces the chain embedded in the quote.
 */
CCT_WUR int cct_verify_tdx_quote(const uint8_t *p, size_t len,
                                 const struct cct_verify_options *opts,
                                 struct cct_verify_result *res, struct cct_error *err);

/**
 * Verify an SEV-SNP report: signature by the VCEK/VLEK from opts->certs,
 * the chain VCEK -> ASK -> ARK (opts->certs or the built-in Milan/Genoa
 * roots; opts->root replaces the ARK) or VLEK -> ASVK -> ARK (ASVK from
 * opts->certs), the certificate's SPLs against REPORTED_TCB in the product's
 * TCB_VERSION layout (Milan/Genoa/Turin), REPORT_DATA against opts->nonce (a
 * prefix) or SHA-512(request_nonce || request_user_data) when given, and
 * REPORTED_TCB against opts->snp_min_tcb when given.
 */
CCT_WUR int cct_verify_snp_report(const uint8_t *p, size_t len,
                                  const struct cct_verify_options *opts,
                                  struct cct_verify_result *res, struct cct_error *err);

/**
 * Verify a TPM quote (TPMS_ATTEST in p): magic, type, signature by opts->ak
 * (opts->signature: TPMT_SIGNATURE or raw RSASSA-SHA256), extraData ==
 * opts->nonce or the REPORTDATA derived from request_nonce/request_user_data
 * (required: one of them), and the PCR digest against opts->pcrs when given.
 */
CCT_WUR int cct_verify_tpm_quote(const uint8_t *p, size_t len,
                                 const struct cct_verify_options *opts,
                                 struct cct_verify_result *res, struct cct_error *err);

/**
 * Verify a CCA token: realm token signed by the RAK in its claims, platform
 * token signed by opts->cpak, and the platform challenge binding the RAK.
 * A bare PSA token is verified with opts->cpak as the attestation key.
 */
CCT_WUR int cct_verify_cca_token(const uint8_t *p, size_t len,
                                 const struct cct_verify_options *opts,
                                 struct cct_verify_result *res, struct cct_error *err);

/** Detect the type and run the matching verifier. */
CCT_WUR int cct_verify_report(const uint8_t *p, size_t len, const struct cct_verify_options *opts,
                              struct cct_verify_result *res, struct cct_error *err);

/**
 * Parse PCR values: tokens "[ALG:][PCR]N=HEX" (N 0..31; ALG a name such as
 * sha256, else taken from the digest size) separated by white space, commas
 * or semicolons. Fills up to max values and sets *n. Returns 0, CCT_ELIMIT
 * past max, or CCT_EMALFORMED with err naming the token and its offset.
 */
CCT_WUR int cct_pcr_values_parse(const uint8_t *buf, size_t len, struct cct_pcr_value *out,
                                 size_t max, size_t *n, struct cct_error *err);

/**
 * Parse a time "YYYY-MM-DD[THH:MM:SS[Z]]" or "@SECONDS" into seconds since
 * the epoch (UTC). 0 or CCT_EINVAL.
 */
CCT_WUR int cct_parse_time(const char *s, int64_t *out);

#ifdef __cplusplus
}
#endif
#endif
