/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Linux IMA runtime measurement lists: securityfs
 * ascii_runtime_measurements and binary_runtime_measurements.
 * Pure: bytes in, event views out. The record layouts follow the kernel's
 * security/integrity/ima/ima_fs.c (ima_measurements_show and
 * ima_ascii_measurements_show) and the field encodings of
 * ima_template_lib.c; see docs/ima.md.
 */
#ifndef CCT_FORMATS_IMA_H
#define CCT_FORMATS_IMA_H

#include <stddef.h>
#include <stdint.h>

#include <cctrusted/eventlog.h>

#include "crypto/crypto.h"

/* Limits. */
#define CCT_IMA_MAX_TEMPLATE_NAME 64u             /* bytes of a template name */
#define CCT_IMA_MAX_TEMPLATE_DATA (1024u * 1024u) /* bytes of template data per entry */
#define CCT_IMA_MAX_FIELDS 16u                    /* fields per template */
#define CCT_IMA_MAX_PCR 1023u                     /* register index in an entry */
#define CCT_IMA_EVENT_NAME_LEN_MAX 255u           /* "ima" template: name padded to this + 1 */
#define CCT_IMA_SHA1_SIZE 20u                     /* the binary log's template digest is SHA-1 */

/* Settings that survive a rewind (held by the log, copied into the state). */
struct cct_ima_settings {
    enum cct_reg_kind kind; /* register file entries extend (default PCR) */
};

struct cct_ima_state {
    enum cct_log_format format; /* IMA_ASCII or IMA_BINARY */
    int big_endian;             /* binary: lengths and PCR in big-endian (native BE kernel) */
    size_t max_data;            /* template data limit */
    size_t max_line;            /* ascii line limit */
    /* sizeof(struct cct_event), kept at run time: copied and cleared with a size the
     * compiler does not see, the ~400-byte view goes through the C library's memcpy and
     * memset instead of inline rep movs/stos, which cost several times more per entry. */
    size_t event_size;
    struct cct_ima_settings set;
    struct cct_hasher h;
    int have_hasher;
    /* Storage behind the event views that are not in the input buffer. */
    uint8_t *scratch; /* rebuilt template data */
    size_t scratch_cap;
    uint8_t tmpl_digest[CCT_MAX_DIGEST_SIZE];
    uint8_t file_digest[CCT_MAX_DIGEST_SIZE];
    /* binary: template digest bytes (20, or a per-bank list's 32/48/64); 0 = not read yet */
    size_t tmpl_size;
    /* algorithm of 32-byte template hashes (SHA-256 or SM3); 0 = not decided yet */
    uint16_t alg32;
    /* ascii: the previous line's template hash length in hex digits and template (1 + its
     * index in the template table), tried first on the next line; 0 = none */
    size_t thn_hint;
    uint16_t talg_hint; /* the algorithm of thn_hint digits */
    size_t tmpl_hint;
    /* ascii: the previous file digest's "<prefix>:" ("sha256:", "ima:sha256:") and what it
     * gave (offset and length of the algorithm name in it, digest size, TPM_ALG_ID), tried
     * first on the next one; dng_pre 0 = none */
    char dng_prefix[32];
    size_t dng_pre, dng_alg_off, dng_alen, dng_dsize;
    uint16_t dng_tpm;
};

/*
 * Decide whether p starts an IMA list. Returns 1 with *fmt set, 0 when it is
 * not IMA, or CCT_ETRUNCATED when more bytes are needed (eof = no more will
 * come, so decide with what is there).
 */
CCT_WUR int cct_ima_detect(const uint8_t *p, size_t len, int eof, enum cct_log_format *fmt);

/* Set up a state (fmt IMA_ASCII or IMA_BINARY). max_event_size bounds the data. */
CCT_WUR int cct_ima_init(struct cct_ima_state *st, enum cct_log_format fmt, size_t max_event_size,
                         const struct cct_ima_settings *set);
/* Release a state (safe on a zeroed one). */
void cct_ima_free(struct cct_ima_state *st);

/*
 * Parse one entry at p (len bytes available, absolute offset off). Same
 * contract as cct_tcg_next(); eof says that no bytes follow the len given
 * (so a last ascii line without a newline is complete).
 */
CCT_WUR int cct_ima_next(struct cct_ima_state *st, const uint8_t *p, size_t len, int eof,
                         uint64_t off, uint64_t number, struct cct_event *ev, size_t *consumed,
                         int *end, struct cct_error *err);

/* Byte order of a binary list from its first entry: 1 = big-endian, 0 = little. */
int cct_ima_binary_order(const uint8_t *p, size_t len);

/*
 * Template digest size of a binary list from its first entry: 20 (the
 * classic list, SHA-1) or 32/48/64 (a per-bank list such as
 * binary_runtime_measurements_sm3); 0 when the entry fits none.
 */
size_t cct_ima_binary_digest_size(const uint8_t *p, size_t len);

/*
 * Fill the ima_* fields of ev from a template name and its (little-endian)
 * template data, as carried by a CEL ima_template record.
 */
CCT_WUR int cct_ima_describe(const char *name, size_t nlen, const uint8_t *data, size_t len,
                             uint64_t data_off, struct cct_event *ev, uint64_t number,
                             struct cct_error *err);

/*
 * Flag ev as an IMA violation (CCT_EVENT_F_IMA_VIOLATION) when it has digests
 * and every one is all zero bytes: the kernel logs zeros for a violation, as
 * CEL ima_template records carry them.
 */
void cct_ima_mark_violation(struct cct_event *ev);

/* Kernel hash_algo_name -> digest size and TPM_ALG_ID (0 if none); 0 when unknown. */
size_t cct_ima_hash_algo(const char *name, size_t len, uint16_t *tpm_alg);

#endif
