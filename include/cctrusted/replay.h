/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Threads: a cct_replay is used by one thread at a time, its read
 * functions included; different replays are independent.
 */
#ifndef CCTRUSTED_REPLAY_H
#define CCTRUSTED_REPLAY_H

#include <stddef.h>
#include <stdint.h>

#include <cctrusted/eventlog.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Opt-in workarounds for well-known firmware bugs. */
#define CCT_WORKAROUND_EBS_MISSING                                                                 \
    0x1u /* "ebs-missing": firmware extended PCR5 with the two                                     \
            ExitBootServices EV_EFI_ACTION strings but did not log them */
#define CCT_WORKAROUND_DUP_SEPARATOR                                                               \
    0x2u /* "dup-separator": a second EV_SEPARATOR on the same                                     \
            register was logged but not extended */

/** Name of one workaround bit ("ebs-missing"), or NULL. */
const char *cct_workaround_name(uint32_t bit);
/** Parse a workaround name; returns the bit or 0 when unknown. */
uint32_t cct_workaround_from_name(const char *name);

/** Register file that the entries of IMA lists extend. */
enum cct_ima_register {
    CCT_IMA_REGISTER_AUTO = 0, /* RTMR when a CCEL is among the logs (a TDX kernel extends IMA into
                                  RTMRs), else PCR; a log source's own setting wins */
    CCT_IMA_REGISTER_PCR = 1,  /* PCR n, n as logged (10 on a TPM kernel) */
    CCT_IMA_REGISTER_RTMR = 2, /* RTMR n, n as logged (2 on a TDX kernel) */
};

/**
 * Options for a replay. Initialise with CCT_REPLAY_OPTIONS_INIT or
 * cct_replay_options_init(). Version 1 callers (workarounds only) are
 * still accepted.
 */
struct cct_replay_options {
    unsigned version;                   /* CCT_REPLAY_OPTIONS_VERSION */
    uint32_t workarounds;               /* CCT_WORKAROUND_* bits */
    enum cct_ima_register ima_register; /* register file of IMA entries */
    /*
     * Extra banks for IMA entries. A binary list logs only the SHA-1
     * template hash; the kernel extends every allocated bank with that
     * bank's hash of the template data (violations: all-0xFF). Each bank
     * listed here is extended that way.
     */
    size_t n_ima_banks;
    uint16_t ima_banks[CCT_MAX_DIGESTS];
    /*
     * Banks the kernel extended with the SHA-1 template hash padded with
     * zeros (it had no implementation of the bank's hash when IMA
     * started). A bank listed here is replayed that way instead.
     */
    size_t n_ima_padded;
    uint16_t ima_padded[CCT_MAX_DIGESTS];
    const uint8_t *mrtd; /* TDX MRTD (48 bytes, from a quote) to check a TDX boot_aggregate */
    size_t mrtd_len;
    uint32_t flags; /* CCT_REPLAY_F_* */
};
#define CCT_REPLAY_OPTIONS_VERSION 2
#define CCT_REPLAY_OPTIONS_INIT                                                                    \
    {                                                                                              \
        CCT_REPLAY_OPTIONS_VERSION, 0, CCT_IMA_REGISTER_AUTO, 0, { 0 }, 0, { 0 }, NULL, 0, 0       \
    }

/** Skip the per-event diagnostics (digest checks, separators): faster, no notes. */
#define CCT_REPLAY_F_NO_DIAGNOSTICS 0x1u

/** Fill *o with the defaults of CCT_REPLAY_OPTIONS_INIT (for bindings). */
void cct_replay_options_init(struct cct_replay_options *o);

/** One replayed register in one bank. */
struct cct_register {
    enum cct_reg_kind kind;
    uint32_t index; /* native index */
    uint16_t alg;
    uint16_t size;
    uint8_t digest[CCT_MAX_DIGEST_SIZE];
    uint64_t n_events; /* events extended into it */
    uint8_t locality;  /* PCR0 only: the startup locality used for the initial value */
};

typedef struct cct_replay cct_replay;

/** Limits: distinct (kind, index, bank) registers per replay. */
#define CCT_MAX_REGISTERS 512

/** Create a replay state. opts may be NULL. */
CCT_WUR int cct_replay_new(const struct cct_replay_options *opts, cct_replay **out);

/**
 * Feed one event. Extends every bank present in the event (EV_NO_ACTION and
 * header events never extend). Returns 0, or CCT_EUNSUPPORTED for an
 * algorithm the crypto layer cannot compute, CCT_ELIMIT past
 * CCT_MAX_REGISTERS.
 */
CCT_WUR int cct_replay_event(cct_replay *r, const struct cct_event *ev);

/**
 * Extend register (kind, index, alg) with a digest directly (for runtime logs
 * and workarounds). size must equal the algorithm's digest size.
 */
CCT_WUR int cct_replay_extend(cct_replay *r, enum cct_reg_kind kind, uint32_t index, uint16_t alg,
                              const uint8_t *digest, size_t size);

/** Apply end-of-log workarounds. Call once after the last event. */
CCT_WUR int cct_replay_finish(cct_replay *r);

/** Workaround bits that changed the result (set by cct_replay_finish / event). */
uint32_t cct_replay_workarounds_applied(const cct_replay *r);

/** Number of registers with at least one extend, in a stable sorted order. */
size_t cct_replay_count(const cct_replay *r);

/** Copy register i (0 <= i < count), sorted by kind, index, alg. */
CCT_WUR int cct_replay_get(const cct_replay *r, size_t i, struct cct_register *out);

/**
 * Look up (kind, index, alg). When no event touched it, *out holds the
 * register's initial value with n_events 0 and 0 is returned (a register
 * with no events still has a defined value). CCT_EUNSUPPORTED for unknown alg.
 */
CCT_WUR int cct_replay_lookup(const cct_replay *r, enum cct_reg_kind kind, uint32_t index,
                              uint16_t alg, struct cct_register *out);

/** Initial value of a register under the replay rules (locality for PCR0). */
CCT_WUR int cct_register_initial(enum cct_reg_kind kind, uint32_t index, uint16_t alg,
                                 uint8_t locality, uint8_t *out, size_t size);

/** Free a replay. Accepts NULL. */
void cct_replay_free(cct_replay *r);

/**
 * Where an event extends under this replay's rules: the register file and
 * index (IMA entries follow the replay's IMA register setting). Returns 1
 * when the event extends, 0 when by spec it never does (EV_NO_ACTION, log
 * headers, MRTD events which only a report can vouch for).
 */
CCT_WUR int cct_replay_event_register(const cct_replay *r, const struct cct_event *ev,
                                      enum cct_reg_kind *kind, uint32_t *index);

/* ---- Replaying several logs: one path for every frontend ---- */

/** One log to replay: a file, or bytes in memory. */
struct cct_log_input {
    const char *path;    /* file to read, or NULL when data is given */
    const uint8_t *data; /* log bytes (borrowed for the life of the replay) */
    size_t len;
    enum cct_log_format format;         /* CCT_LOG_AUTO to detect */
    enum cct_ima_register ima_register; /* IMA lists: AUTO follows the options */
    const char *name;                   /* label in notes; NULL = path, or "log N" */
};

/**
 * Replay logs together, the way every frontend must: boot logs (TCG2,
 * TCG1.2, CCEL, CEL) in the order given, then IMA lists; IMA entries
 * extend the register file of opts->ima_register (AUTO: RTMR when a CCEL is
 * among the logs, else PCR) and the extra/padded banks of opts; end-of-log
 * workarounds. Unless CCT_REPLAY_F_NO_DIAGNOSTICS, every event is also
 * checked (digest against data, separators, the IMA boot_aggregate
 * against the boot log) and findings become notes on the replay. The
 * replay keeps a copy of the inputs (paths copied, memory borrowed) for
 * cct_replay_explain(). On failure err says which log, event and offset.
 */
CCT_WUR int cct_replay_logs(const struct cct_log_input *logs, size_t n,
                            const struct cct_replay_options *opts, cct_replay **out,
                            struct cct_error *err);

/**
 * Called for each event of a log set, in replay order. ev->kind and
 * ev->index are where the event extends (IMA entries carry the register
 * file chosen for their log). Return 0 to go on; any other value stops the
 * walk and is returned by the walker.
 */
typedef int (*cct_log_event_fn)(void *arg, size_t log, const struct cct_event *ev);

/**
 * Walk logs in the order and with the register rules of cct_replay_logs(),
 * without replaying: for exports (CEL) and checks that must see exactly the
 * events a replay sees. Returns 0, the callback's non-zero value, or a
 * negative code with err naming the log, event and offset.
 */
CCT_WUR int cct_logs_foreach(const struct cct_log_input *logs, size_t n,
                             const struct cct_replay_options *opts, cct_log_event_fn fn, void *arg,
                             struct cct_error *err);

/** Walk the logs of a cct_replay_logs() replay again (see cct_logs_foreach()). */
CCT_WUR int cct_replay_foreach_event(const cct_replay *r, cct_log_event_fn fn, void *arg,
                                     struct cct_error *err);

/** Number of logs a cct_replay_logs() replay read. */
size_t cct_replay_log_count(const cct_replay *r);

/** About log i of a cct_replay_logs() replay. */
struct cct_replay_log_info {
    char name[256];
    enum cct_log_format format; /* as detected */
    enum cct_reg_kind ima_kind; /* IMA lists: the register file their entries extended */
    uint64_t events;            /* events read */
};
CCT_WUR int cct_replay_log_info(const cct_replay *r, size_t i, struct cct_replay_log_info *out);

/** The register file IMA entries extended (what AUTO chose). */
enum cct_reg_kind cct_replay_ima_register(const cct_replay *r);

/** Kinds of finding recorded while replaying. */
enum cct_note_code {
    CCT_NOTE_DIGEST_MISMATCH = 1, /* the spec binds the digest to the data, and it differs */
    CCT_NOTE_IMA_TEMPLATE = 2,    /* IMA template hash differs from the template data */
    CCT_NOTE_SEPARATOR_DATA = 3,  /* EV_SEPARATOR whose data is neither 0x00000000 nor 0xFFFFFFFF */
    CCT_NOTE_DUP_SEPARATOR = 4,   /* a second EV_SEPARATOR on the same register */
    CCT_NOTE_BOOT_AGGREGATE = 5,  /* IMA boot_aggregate does not match the boot log */
    CCT_NOTE_IMA_PADDED = 6,      /* a bank was replayed with zero-padded SHA-1 template hashes */
    CCT_NOTE_EXTEND_FAILED = 7,   /* an event could not be extended (unknown algorithm) */
};

/** One finding. */
struct cct_replay_note {
    enum cct_note_code code;
    size_t log;      /* index of the log (cct_replay_log_info) */
    uint64_t event;  /* event number in that log */
    uint64_t offset; /* byte offset of the event */
    enum cct_reg_kind kind;
    uint32_t index;
    char text[240]; /* one sentence */
};

/** Limit on stored notes; further ones are only counted. */
#define CCT_MAX_NOTES 256

size_t cct_replay_note_count(const cct_replay *r);
/** Notes that did not fit (counted, not stored). */
size_t cct_replay_notes_dropped(const cct_replay *r);
CCT_WUR int cct_replay_note_get(const cct_replay *r, size_t i, struct cct_replay_note *out);

/** Outcome of the IMA boot_aggregate check of a cct_replay_logs() replay. */
enum cct_aggregate_status {
    CCT_AGGREGATE_NONE = 0, /* no boot log, or no boot_aggregate entry */
    CCT_AGGREGATE_MATCHED = 1,
    CCT_AGGREGATE_MISMATCH = 2,
    CCT_AGGREGATE_UNCHECKED = 3, /* could not be computed (algorithm, missing MRTD) */
};
struct cct_aggregate_result {
    enum cct_aggregate_status status;
    int how; /* enum cct_ima_aggregate when matched */
    uint16_t alg;
    char text[200];
};
CCT_WUR int cct_replay_boot_aggregate(const cct_replay *r, struct cct_aggregate_result *out);

/* ---- Comparing with expected values ---- */

/** An expected register value. */
struct cct_expected {
    int have_kind; /* 0: the replay's default register file (RTMR with a CCEL, else PCR) */
    enum cct_reg_kind kind;
    uint32_t index;
    uint16_t alg;
    uint16_t size;
    uint8_t digest[CCT_MAX_DIGEST_SIZE];
};

/**
 * Parse register values: the one grammar of every register-value input
 * (replay --expect, verify --pcrs, cct_pcr_values_parse()). Accepted:
 *   - lines "NAME ALG HEX" ('#' comments and blank lines allowed);
 *   - tokens "[ALG:]NAME=HEX" separated by white space, commas or
 *     semicolons (without ALG the digest size picks SHA-1/256/384/512);
 *   - the JSON `cctrusted replay --json`, `measurement --json` and
 *     `eventlog --json` print (their "registers" array: index, alg, digest
 *     and optionally register "pcr", "rtmr" or "mrtd");
 *   - YAML register sections as `cctrusted eventlog --output yaml` and
 *     tpm2_eventlog print ("pcrs:"/"rtmrs:", "  ALG:", "    N : 0xHEX"),
 *     and tpm2_pcrread's bank blocks.
 * HEX may start with 0x. NAME: N or IMRn is native index n of the
 * evidence's register file (have_kind 0: TDX RTMR n, TPM PCR n; index 3 of
 * a container's view is its IMR3); PCRn (0-31), RTMRn (0-3) and MRTD name
 * their register file (have_kind 1). A register given twice with different
 * values is refused. Returns 0 with *n set; CCT_EMALFORMED with err naming
 * the line and byte offset (err->offset) of the bad value, or the JSON entry
 * ("registers[i]"); CCT_ELIMIT past max.
 */
CCT_WUR int cct_expected_parse(const uint8_t *buf, size_t len, struct cct_expected *out, size_t max,
                               size_t *n, struct cct_error *err);

/**
 * Check that expected values fit a replay: a value naming a register file
 * (PCRn, RTMRn) other than the replay's default one (RTMR with a CCEL, else
 * PCR) is refused unless some log extended that file, and MRTD is always
 * refused (no event log replays it). Values without a register file (N,
 * IMRn) fit. Returns 0, or CCT_EINVAL with err naming the value (1-based)
 * and why.
 */
CCT_WUR int cct_replay_expected_check(const cct_replay *r, const struct cct_expected *ex, size_t n,
                                      struct cct_error *err);

/** A register whose replayed value differs from the expected one. */
struct cct_register_diff {
    enum cct_reg_kind kind;
    uint32_t index;
    uint16_t alg;
    uint16_t size;
    uint8_t replayed[CCT_MAX_DIGEST_SIZE];
    uint8_t expected[CCT_MAX_DIGEST_SIZE];
};

/**
 * Compare expected values with the replay (registers no event touched
 * compare with their initial value). Fills up to max differences and sets
 * *n_diffs to the number of differences found (may exceed max). Returns 0,
 * or CCT_EUNSUPPORTED for an unknown algorithm.
 */
CCT_WUR int cct_replay_compare(const cct_replay *r, const struct cct_expected *ex, size_t n,
                               struct cct_register_diff *diffs, size_t max, size_t *n_diffs);

/**
 * Explain a difference: which events of which log feed that register and
 * bank, the notes on it, and which opt-in workaround would make it match.
 * Needs a cct_replay_logs() replay. *text (free with cct_free()) holds
 * indented lines.
 */
CCT_WUR int cct_replay_explain(const cct_replay *r, const struct cct_register_diff *d, char **text);

#ifdef __cplusplus
}
#endif
#endif
