/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The unified API: one context per platform, the seed SDK's six calls in C
 * spelling, register extend with a logged event, and raw access to reports.
 *
 * Conventions: output parameters come last; every call returns 0 or a
 * negative CCT_E* code and leaves outputs untouched on failure; details of
 * a failure are in cct_context_error(). Register indices are native: TDX
 * RTMR n is n (0-3), TPM PCR n is n.
 *
 * Threads: a context is used by one thread at a time; different contexts
 * are independent. Extends are serialised across processes by the backend.
 */
#ifndef CCTRUSTED_CONTEXT_H
#define CCTRUSTED_CONTEXT_H

#include <stddef.h>
#include <stdint.h>

#include <cctrusted/error.h>
#include <cctrusted/eventlog.h>
#include <cctrusted/replay.h>

#ifdef __cplusplus
extern "C" {
#endif

enum cct_platform {
    CCT_PLATFORM_AUTO = 0, /* detect; never picks sim */
    CCT_PLATFORM_TDX,
    CCT_PLATFORM_TPM,
    CCT_PLATFORM_SNP,
    CCT_PLATFORM_CCA,
    CCT_PLATFORM_SIM,   /* software TDX-shaped model; only when asked for */
    CCT_PLATFORM_NONE,  /* detection found no TEE */
    CCT_PLATFORM_AGENT, /* the node agent cctrustedd over its Unix socket ($CCT_AGENT_SOCKET,
                           default <sysroot>/run/cima/uds/cima-server.sock): for callers in a
                           container; detection picks it only when no TEE interface is visible */
};

/** "tdx", "tpm", "snp", "cca", "sim", "agent", "none", "auto". */
const char *cct_platform_name(enum cct_platform p);
/** Parse a platform name; 0 or CCT_EINVAL. */
CCT_WUR int cct_platform_from_name(const char *name, enum cct_platform *out);

/**
 * The name of measurement register (kind, index) of cct_get_measurement() on
 * a platform, as the project prints it: "PCR7", "RTMR2", "MRTD"; on cca the
 * five registers are "RIM" (index 0) and "REM0".."REM3" (1-4), on snp the one
 * register is "MEASUREMENT" (the launch measurement). An index a platform does
 * not have gets the generic name of its kind. Writes into buf (terminated when
 * n > 0) and returns buf.
 */
const char *cct_register_name(enum cct_platform p, enum cct_reg_kind kind, uint32_t index,
                              char *buf, size_t n);

/** Options for cct_open(). Initialise with CCT_OPEN_OPTIONS_INIT. */
struct cct_open_options {
    unsigned version;           /* CCT_OPEN_OPTIONS_VERSION */
    enum cct_platform platform; /* CCT_PLATFORM_AUTO to detect */
    const char *sysroot;        /* root for every device/sysfs path; NULL = $CCT_SYSROOT or "/" */
    const char *tpm_tcti;       /* TPM TCTI config, e.g. "swtpm:host=127.0.0.1,port=2321";
                                   NULL = $CCT_TPM_TCTI or "device:<sysroot>/dev/tpmrm0" */
    const char *sim_state_dir;  /* sim platform state; NULL = $CCT_SIM_DIR or
                                   "$XDG_STATE_HOME/cctrusted-sim" */
    const char
        *runtime_log; /* runtime extend log path; NULL = $CCT_RUNTIME_LOG or backend default */
};
#define CCT_OPEN_OPTIONS_VERSION 1
#define CCT_OPEN_OPTIONS_INIT                                                                      \
    {                                                                                              \
        CCT_OPEN_OPTIONS_VERSION, CCT_PLATFORM_AUTO, NULL, NULL, NULL, NULL                        \
    }
/** Function form of CCT_OPEN_OPTIONS_INIT (for bindings). Accepts NULL. */
void cct_open_options_init(struct cct_open_options *opts);

/** One thing detection looked at. */
struct cct_probe {
    enum cct_platform platform; /* which platform this probe is evidence for */
    char what[48];              /* e.g. "configfs-tsm provider", "TPM device" */
    char path[256];             /* the path checked (under the sysroot) */
    int found;                  /* 1 present, 0 absent */
    char detail[160];           /* what was read or why it does not count */
};

#define CCT_MAX_PROBES 32

/** The explanation of a detection. */
struct cct_detection {
    enum cct_platform chosen; /* CCT_PLATFORM_NONE when no TEE was found */
    char reason[256];         /* one sentence: why chosen (or why none) */
    size_t n_probes;
    struct cct_probe probes[CCT_MAX_PROBES];
};

/**
 * Detect the platform under opts->sysroot without opening anything
 * (opts may be NULL). Fills *out completely. Returns 0 even when no TEE is
 * found (chosen = CCT_PLATFORM_NONE).
 */
CCT_WUR int cct_detect(const struct cct_open_options *opts, struct cct_detection *out);

typedef struct cct_context cct_context;

/**
 * Open a context on a platform (detected when opts->platform is AUTO).
 * Returns CCT_ENOTFOUND when no TEE is present, or when the platform named
 * in opts->platform is absent by its own probes (err then lists what was
 * looked for; CCT_PLATFORM_SIM is always available, and a TPM with a
 * configured TCTI is checked by opening the TCTI); CCT_EPERM when the device
 * exists but cannot be opened. err (may be NULL) says why.
 */
CCT_WUR int cct_open(const struct cct_open_options *opts, cct_context **out, struct cct_error *err);

/** Close a context. Accepts NULL. */
void cct_close(cct_context *ctx);

/** Error detail of the last failed call on ctx. */
const struct cct_error *cct_context_error(const cct_context *ctx);

/** The platform this context talks to. */
enum cct_platform cct_context_platform(const cct_context *ctx);

/** Seed call get_default_algorithms: the platform's default bank (SHA-384 on TDX). */
CCT_WUR int cct_get_default_algorithm(cct_context *ctx, uint16_t *alg);

/** Seed call get_measurement_count: number of measurement registers (4 RTMRs, 24 PCRs). */
CCT_WUR int cct_get_measurement_count(cct_context *ctx, uint32_t *count);

/** One register value. */
struct cct_measurement {
    enum cct_reg_kind kind;
    uint32_t index;
    uint16_t alg;
    uint16_t size;
    uint8_t digest[CCT_MAX_DIGEST_SIZE];
};

/**
 * Seed call get_cc_measurement(index, alg): read a register. alg 0 means
 * the default algorithm. CCT_ENOTFOUND for an index or bank that does not
 * exist on this platform.
 */
CCT_WUR int cct_get_measurement(cct_context *ctx, uint32_t index, uint16_t alg,
                                struct cct_measurement *out);

/** Request for cct_get_report(). Initialise with CCT_REPORT_REQUEST_INIT. */
struct cct_report_request {
    unsigned version;     /* CCT_REPORT_REQUEST_VERSION */
    const uint8_t *nonce; /* REPORTDATA = SHA-512(nonce || user_data) unless report_data */
    size_t nonce_len;
    const uint8_t *user_data;
    size_t user_data_len;
    const uint8_t *report_data; /* raw REPORTDATA (64 bytes, 32-64 for CCA); overrides the hash */
    size_t report_data_len;
    int privlevel; /* SNP VMPL for configfs-tsm; -1 = default */
};
#define CCT_REPORT_REQUEST_VERSION 1
#define CCT_REPORT_REQUEST_INIT                                                                    \
    {                                                                                              \
        CCT_REPORT_REQUEST_VERSION, NULL, 0, NULL, 0, NULL, 0, -1                                  \
    }
/** Function form of CCT_REPORT_REQUEST_INIT (for bindings). Accepts NULL. */
void cct_report_request_init(struct cct_report_request *req);

typedef struct cct_report cct_report;

/** Seed call get_cc_report: a quote/report bound to the request. Free with cct_report_free(). */
CCT_WUR int cct_get_report(cct_context *ctx, const struct cct_report_request *req,
                           cct_report **out);

/** The report bytes (TDX quote, SNP report, TPMS_ATTEST, CCA token). Borrowed from rep. */
const uint8_t *cct_report_data(const cct_report *rep, size_t *len);
/** Auxiliary bytes (SNP cert table, TPM TPMT_SIGNATURE), or NULL. Borrowed from rep. */
const uint8_t *cct_report_aux(const cct_report *rep, size_t *len);
/**
 * The signer's public key when the platform returns one with the report
 * (TPM: the attestation key's marshalled TPMT_PUBLIC), else NULL. Borrowed
 * from rep.
 */
const uint8_t *cct_report_key(const cct_report *rep, size_t *len);
/** Who produced it ("tdx_guest", "sev_guest", "tpm", "sim", ...). Borrowed from rep. */
const char *cct_report_provider(const cct_report *rep);
/**
 * The REPORTDATA the report was requested with. On a TPM: exactly the bytes
 * quoted as qualifyingData (64, or the first 32 when the TPM takes no more).
 * Borrowed from rep.
 */
const uint8_t *cct_report_reportdata(const cct_report *rep, size_t *len);
/** Free a report. Accepts NULL. */
void cct_report_free(cct_report *rep);

/** A live event log source of the platform. */
struct cct_log_source {
    char path[256]; /* absolute path (under the sysroot) */
    enum cct_log_format format;
    char role[16];                      /* "boot", "ima", "runtime" */
    enum cct_ima_register ima_register; /* IMA lists: the register file this kernel extends */
};
#define CCT_MAX_LOG_SOURCES 8

/**
 * The platform's event logs, in replay order (boot log first). A path stays
 * valid while ctx is open (on the agent platform it names the context's copy
 * of the events the agent serves).
 */
CCT_WUR int cct_get_log_sources(cct_context *ctx, struct cct_log_source *out, size_t max,
                                size_t *n);

/**
 * Seed call get_cc_eventlog(start, count): open source i as an iterator
 * with [start, start+count) selected (see cct_eventlog_select()).
 */
CCT_WUR int cct_get_eventlog(cct_context *ctx, size_t source, uint64_t start, uint64_t count,
                             cct_eventlog **out);

/**
 * Banks (algorithms) the platform holds for register index, in TPM_ALG_ID
 * order: every allocated PCR bank on a TPM, SHA-384 for an RTMR. Returns 0
 * with *n set (0 when the register does not exist).
 */
CCT_WUR int cct_get_banks(cct_context *ctx, uint32_t index, uint16_t *algs, size_t max, size_t *n);

/**
 * Seed call replay_cc_eventlog: replay every live source with
 * cct_replay_logs() (free with cct_replay_free()). opts may be NULL. When
 * opts gives no IMA banks, IMA entries are replayed into every bank the
 * platform holds for the IMA register, and a bank whose replay differs from
 * the live register but matches when replayed with zero-padded SHA-1
 * template hashes is replayed that way (a CCT_NOTE_IMA_PADDED note says so).
 */
CCT_WUR int cct_replay_live(cct_context *ctx, const struct cct_replay_options *opts,
                            cct_replay **out);

/**
 * The live value of every register and bank the replay holds, as expected
 * values for cct_replay_compare(). A register or bank the platform does not
 * have (or MRTD, which only a report gives) gets size 0: not compared.
 * Registers no event feeds are added when their live value is not their
 * initial value (extended without a log record: a mismatch).
 * Returns 0 with *n set, CCT_ELIMIT past max.
 */
CCT_WUR int cct_live_expected(cct_context *ctx, const cct_replay *rp, struct cct_expected *out,
                              size_t max, size_t *n);

/**
 * Extend register index with digest (the platform's default algorithm size)
 * and append a matching record to the runtime log. The log record and the
 * register extend survive a crash together: the record is written ahead,
 * and the next cct_extend() or cct_runtime_log_repair() completes or rolls
 * back an extend a crash interrupted. Extenders are serialised. event_data
 * (may be NULL) is stored with the record. A corrupt runtime log is never
 * appended to or cut: the call fails naming the record and byte offset.
 */
CCT_WUR int cct_extend(cct_context *ctx, uint32_t index, const uint8_t *digest, size_t digest_len,
                       const uint8_t *event_data, size_t event_data_len);

/**
 * Repair the runtime log after a crash, under the extend lock: cut a torn
 * tail (an append the crash interrupted) and commit or drop a pending
 * record by comparing the live register with the replay. cct_open() only
 * checks the log and never changes it; call this (e.g. from a service at
 * start) so readers see a log that replays to the registers before the
 * next extend does the same. Returns 0 (also when there is no log),
 * CCT_EMALFORMED for a corrupt log (nothing is changed), CCT_EIO when a
 * pending record cannot be decided yet, CCT_EPERM for a log that is a
 * symbolic link or that others may write; details in cct_context_error().
 */
CCT_WUR int cct_runtime_log_repair(cct_context *ctx);

/**
 * Measure data and extend it: the digest is H(data) with the platform's
 * default algorithm, the data is stored with the runtime-log record (as
 * cct_extend()). The digest used is copied to digest_out (may be NULL;
 * CCT_MAX_DIGEST_SIZE bytes) with its size in *digest_len.
 */
CCT_WUR int cct_extend_data(cct_context *ctx, uint32_t index, const uint8_t *data, size_t len,
                            uint8_t *digest_out, size_t *digest_len);

#ifdef __cplusplus
}
#endif
#endif
