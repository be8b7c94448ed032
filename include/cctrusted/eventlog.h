/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Threads: a cct_eventlog is used by one thread at a time (iterating moves
 * it, and an event view lives only until the next call on its log);
 * different logs are independent. Functions that take only a const event
 * (decode, digest check, names) keep no state and may run in parallel.
 */
#ifndef CCTRUSTED_EVENTLOG_H
#define CCTRUSTED_EVENTLOG_H

#include <stddef.h>
#include <stdint.h>

#include <cctrusted/algorithm.h>
#include <cctrusted/error.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Event log encodings. */
enum cct_log_format {
    CCT_LOG_AUTO = 0,   /* detect from the first bytes */
    CCT_LOG_TCG2,       /* TCG PC Client crypto-agile log (SpecID Event03 header) */
    CCT_LOG_TCG1,       /* legacy SHA-1 TCG_PCR_EVENT log */
    CCT_LOG_CCEL,       /* TDX CCEL data area: crypto-agile, CC MR indices, 0xFF padding */
    CCT_LOG_IMA_ASCII,  /* ascii_runtime_measurements */
    CCT_LOG_IMA_BINARY, /* binary_runtime_measurements */
    CCT_LOG_CEL_TLV,
    CCT_LOG_CEL_JSON,
    CCT_LOG_CEL_CBOR,
};

/** Which register file an event's index refers to. */
enum cct_reg_kind {
    CCT_REG_PCR = 0,  /* TPM PCR n */
    CCT_REG_RTMR = 1, /* TDX RTMR n (native index, 0-3) */
    CCT_REG_MRTD = 2, /* TDX MRTD (CC MR index 0): not extendable at runtime */
};

/** Limits applied to every log. */
#define CCT_MAX_DIGESTS 8                        /* banks per event / SpecID */
#define CCT_MAX_EVENT_SIZE (16u * 1024u * 1024u) /* event data bytes per event */

/** A digest inside an event; bytes borrow from the event's buffer. */
struct cct_digest {
    uint16_t alg;
    uint16_t size;
    const uint8_t *bytes;
};

/** Event flags. */
#define CCT_EVENT_F_HEADER 0x1u /* SpecID / log header event (never extends) */
#define CCT_EVENT_F_LEGACY 0x2u /* record in TCG_PCR_EVENT (SHA-1) layout */
#define CCT_EVENT_F_SPECID_VENDOR_OUTSIDE                                                          \
    0x4u /* SpecID vendorInfo lies after the declared                                              \
            eventSize (seen in tools' fixtures); the                                               \
            record was extended to include it */
#define CCT_EVENT_F_IMA_VIOLATION                                                                  \
    0x8u /* IMA violation entry (all-zero template hash): every bank                               \
            is extended with all-0xFF, not with the logged digest */
#define CCT_EVENT_F_IMA_LAYOUT_GUESSED                                                             \
    0x10u /* ascii IMA entry whose binary template layout is not                                   \
             published (patched-kernel or unknown template): a                                     \
             template hash that differs is not reported */
#define CCT_EVENT_F_INDEX_OUT_OF_RANGE                                                             \
    0x20u /* register index beyond the log's register file                                         \
             (PCR > 31, CC MR index > 4), e.g. the EV_NO_ACTION                                    \
             events Windows logs at PCR 0xFFFFFFFF: index equals                                   \
             index_logged and the event never extends; any type                                    \
             but EV_NO_ACTION there is an anomaly                                                  \
             (cct_event_anomaly) */

/** Layout version of struct cct_event written by this library. */
#define CCT_EVENT_VERSION 1

/**
 * One event. A view: every pointer borrows from the log's buffer and stays
 * valid only until the next call on the same cct_eventlog.
 *
 * ABI (docs/internals/abi.md): the caller allocates this structure, so its
 * size never changes. Fields added after 1.0 take their room from
 * reserved[] and are valid only when version says so; the library sets
 * version to CCT_EVENT_VERSION on every event it produces and reads an event
 * the caller built (version 0 or 1) as version 1. Zero the structure before
 * filling one by hand.
 */
struct cct_event {
    uint64_t number;            /* 0-based position in its log (header included) */
    uint64_t offset;            /* byte offset of the record in the input */
    uint64_t length;            /* bytes of the whole record (ascii IMA: with its newline) */
    enum cct_log_format format; /* the log this event came from */
    enum cct_reg_kind kind;     /* register file of index */
    uint32_t index;             /* native register index (PCR n, RTMR n) */
    uint32_t index_logged;      /* index as written in the log (CCEL: CC MR index) */
    uint32_t type;              /* EventType; untrusted */
    uint32_t flags;             /* CCT_EVENT_F_* */
    size_t n_digests;
    struct cct_digest digests[CCT_MAX_DIGESTS];
    const uint8_t *data; /* event data */
    size_t data_len;
    const uint8_t *raw; /* the whole record (ascii IMA: the line without its newline) */
    size_t raw_len;
    /* IMA entries only (NULL / 0 otherwise); views valid like the others.
     * data above is the template data the template hash covers. */
    const char *ima_template; /* template name, not NUL-terminated */
    size_t ima_template_len;
    uint16_t ima_file_alg;         /* TPM_ALG_ID of the file digest, 0 when it has none */
    const char *ima_file_alg_name; /* algorithm name as logged ("sha256"), not NUL-terminated */
    size_t ima_file_alg_name_len;
    const uint8_t *ima_file_digest; /* file (or buffer) digest */
    size_t ima_file_digest_len;
    const char *ima_file_name; /* file / event name, not NUL-terminated */
    size_t ima_file_name_len;
    /* CEL records only (0 otherwise). */
    uint64_t cel_recnum;       /* recnum as logged */
    uint32_t cel_content_type; /* CCT_CEL_* content type of the record */
    uint32_t version;          /* CCT_EVENT_VERSION of the producer; 0 = 1 */
    uint64_t reserved[8];      /* room for later fields; zero */
};

/** CEL content types (TCG Canonical Event Log, content_type; 80 and 108 are common extensions). */
#define CCT_CEL_MGT 4u          /* cel_mgt: log management, never extended */
#define CCT_CEL_PCCLIENT_STD 5u /* pcclient_std: a PC Client event (type + data) */
#define CCT_CEL_IMA_TEMPLATE 7u /* ima_template: template name + template data */
#define CCT_CEL_IMA_TLV 8u      /* ima_tlv */
#define CCT_CEL_SYSTEMD 9u      /* systemd content (CEL-JSON "systemd") */
#define CCT_CEL_COS 80u         /* Container-Optimized OS launcher events */

/** Algorithm list of a crypto-agile log's SpecID Event03. */
struct cct_specid {
    uint32_t platform_class;
    uint8_t version_minor, version_major, errata, uintn_size;
    size_t n_algs;
    uint16_t algs[CCT_MAX_DIGESTS];
    uint16_t sizes[CCT_MAX_DIGESTS];
    size_t vendor_info_len;
    uint8_t vendor_info[255];
};

/** Options for opening a log. Initialise with CCT_EVENTLOG_OPTIONS_INIT. */
struct cct_eventlog_options {
    unsigned version;           /* CCT_EVENTLOG_OPTIONS_VERSION */
    enum cct_log_format format; /* CCT_LOG_AUTO to detect */
    size_t max_event_size;      /* 0 = CCT_MAX_EVENT_SIZE */
};
#define CCT_EVENTLOG_OPTIONS_VERSION 1
#define CCT_EVENTLOG_OPTIONS_INIT                                                                  \
    {                                                                                              \
        CCT_EVENTLOG_OPTIONS_VERSION, CCT_LOG_AUTO, 0                                              \
    }
/** Function form of CCT_EVENTLOG_OPTIONS_INIT (for bindings). Accepts NULL. */
void cct_eventlog_options_init(struct cct_eventlog_options *opts);

typedef struct cct_eventlog cct_eventlog;

/**
 * Open a log held in memory. The log borrows buf: it must outlive the log and
 * every event view. opts may be NULL. On failure err (may be NULL) says why
 * and *out is untouched.
 */
CCT_WUR int cct_eventlog_from_memory(const uint8_t *buf, size_t len,
                                     const struct cct_eventlog_options *opts, cct_eventlog **out,
                                     struct cct_error *err);

/**
 * Open a log file (or a pseudo-file whose stat size is 0, as in securityfs).
 * The file is streamed through a bounded window: memory does not grow with
 * the log, only with the largest event (capped by max_event_size).
 */
CCT_WUR int cct_eventlog_from_file(const char *path, const struct cct_eventlog_options *opts,
                                   cct_eventlog **out, struct cct_error *err);

/**
 * Produce the next event. Returns 1 with *ev filled, 0 at the end of the log,
 * or a negative CCT_E* code (details in cct_eventlog_error(); the log stays in
 * the failed state). The view in *ev is valid until the next call on log.
 */
CCT_WUR int cct_eventlog_next(cct_eventlog *log, struct cct_event *ev);

/**
 * Restrict the following cct_eventlog_next() calls to events numbered
 * [start, start + count). count == CCT_COUNT_ALL means "to the end"; count 0
 * yields nothing; a start past the end yields nothing (not an error). Event
 * numbers count every record, the header included. Must be called before the
 * first cct_eventlog_next() or right after cct_eventlog_rewind().
 *
 * Edge cases, for a log of N events: start == N yields nothing and next()
 * returns 0 with no error; a count reaching past the end yields the events
 * from start to the end; (start 0, count 0) yields nothing. Called after
 * cct_eventlog_next() without a rewind, it returns CCT_EINVAL and leaves the
 * iteration and the previous selection unchanged. cct_eventlog_rewind()
 * clears the selection. Returns 0, or CCT_EINVAL.
 */
#define CCT_COUNT_ALL UINT64_MAX
CCT_WUR int cct_eventlog_select(cct_eventlog *log, uint64_t start, uint64_t count);

/** Go back to the first event (re-reads a file). Clears any error and selection. */
CCT_WUR int cct_eventlog_rewind(cct_eventlog *log);

/** The detected (or given) format. Known once the log is opened. */
enum cct_log_format cct_eventlog_format(const cct_eventlog *log);

/** Copy the SpecID header of a crypto-agile log. CCT_ENOTFOUND for logs without one. */
CCT_WUR int cct_eventlog_specid(const cct_eventlog *log, struct cct_specid *out);

/** Bytes of trailing padding (0xFF or 0x00) that ended the log, known at the end. */
uint64_t cct_eventlog_padding(const cct_eventlog *log);

/** Error detail of the last failed call on log. Never NULL for a non-NULL log. */
const struct cct_error *cct_eventlog_error(const cct_eventlog *log);

/** Free a log. Accepts NULL. */
void cct_eventlog_free(cct_eventlog *log);

/** Short stable name of a format ("tcg2", "ccel", ...). */
const char *cct_log_format_name(enum cct_log_format f);

/** Parse a format name; returns 0 and sets *out, or CCT_EINVAL. */
CCT_WUR int cct_log_format_from_name(const char *name, enum cct_log_format *out);

/** Name of a TCG EventType ("EV_SEPARATOR"), or NULL when not defined by a spec. */
const char *cct_event_type_name(uint32_t type);

/** Output styles for cct_event_decode(). */
enum cct_decode_style {
    CCT_DECODE_TEXT = 0, /* "key: value" lines, indented two spaces */
    CCT_DECODE_JSON = 1, /* one JSON object */
};

/**
 * Decode an event's data by its type (EFI variables, blobs, device paths,
 * separators, strings, SpecID, StartupLocality, ...). Always produces
 * something in *out (free with cct_free()): on a decoder failure it returns a
 * negative code, err says what and where, and *out holds what was decoded
 * before the failure. A decoder failure never invalidates the log.
 */
CCT_WUR int cct_event_decode(const struct cct_event *ev, enum cct_decode_style style, char **out,
                             struct cct_error *err);

/** Result of checking digest == H(event data). */
enum cct_digest_check {
    CCT_DIGEST_NOT_CHECKED = 0, /* digest not checkable: it covers something not in the log
                                   (code, tables), so the data is not verified */
    CCT_DIGEST_OK = 1,          /* every bank matches H(data): the data is verified */
    CCT_DIGEST_OK_ALT = 2,      /* matches a documented firmware variant (e.g. only VariableData) */
    CCT_DIGEST_MISMATCH = 3,    /* the data is bound to the digest by rule and a bank differs */
    CCT_DIGEST_OK_RULE = 4,     /* every bank matches H(part of the data) under the measuring
                                   software's rule: GRUB EV_IPL "grub_cmd: ", "kernel_cmdline: ",
                                   "module_cmdline: " strings hash the text after the prefix,
                                   without the NUL; the data is verified */
};

/**
 * Check the event's digests against its data where the spec requires
 * digest == H(event data). *literal is set to 1 when every bank equals H(data)
 * exactly (whatever the type), else 0. Returns 0 or a negative code (unknown
 * algorithm).
 */
CCT_WUR int cct_event_check_digest(const struct cct_event *ev, enum cct_digest_check *result,
                                   int *literal);

/**
 * Say what is irregular about an event that its parser accepted: today an
 * event other than EV_NO_ACTION at a register index beyond its log's register
 * file (CCT_EVENT_F_INDEX_OUT_OF_RANGE), which replay skips. Writes one
 * NUL-terminated sentence to buf (cut to cap - 1 bytes) and returns 1, or
 * returns 0 (buf[0] = NUL when cap > 0) when there is nothing to report.
 */
CCT_WUR int cct_event_anomaly(const struct cct_event *ev, char *buf, size_t cap);

/** Free memory returned by this library. Accepts NULL. */
void cct_free(void *p);

#ifdef __cplusplus
}
#endif
#endif
