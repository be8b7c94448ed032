/* SPDX-License-Identifier: Apache-2.0 */
/* State shared by the replay module's files (replay.c, logs.c, compare.c). */
#ifndef CCT_REPLAY_INTERNAL_H
#define CCT_REPLAY_INTERNAL_H

#include <cctrusted/replay.h>

#include "crypto/crypto.h"

struct reg {
    enum cct_reg_kind kind;
    uint32_t index;
    uint16_t alg;
    uint16_t size;
    uint8_t digest[CCT_MAX_DIGEST_SIZE];
    uint64_t n_events;
    uint64_t separators; /* EV_SEPARATOR events extended */
};

/* A log of a cct_replay_logs() replay, kept for cct_replay_explain(). */
struct replay_log {
    char *path;          /* owned copy, or NULL */
    const uint8_t *data; /* borrowed */
    size_t len;
    enum cct_log_format format_given;
    struct cct_replay_log_info info;
};

struct cct_replay {
    struct cct_hasher h;
    struct cct_replay_options opts;
    uint32_t applied;
    uint8_t pcr0_locality;
    int pcr0_locality_set;
    size_t n;
    struct reg regs[CCT_MAX_REGISTERS];
    /* last register looked up: events arrive in runs on one register, with
     * its banks in a row */
    size_t last;
    /* slot where a PCR/RTMR n was first found: a hint, checked before use */
    uint16_t hint[2][32];
    /* regs is in cct_replay_get() order: sorted by cct_replay_finish() and
     * kept sorted by lookups that add registers afterwards */
    int sorted;
    /* cct_replay_logs(): inputs, notes, boot_aggregate */
    struct replay_log *logs;
    size_t n_logs;
    enum cct_reg_kind ima_kind;
    struct cct_replay_note *notes;
    size_t n_notes, dropped_notes;
    struct cct_aggregate_result agg;
};

/* Sort the register table into cct_replay_get() order. */
void cct_replay_sort(cct_replay *r);

/* Record a note (counted when the table is full). Returns 0 or CCT_ENOMEM. */
int cct_replay_add_note(cct_replay *r, enum cct_note_code code, size_t log,
                        const struct cct_event *ev, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Is ev an IMA entry (IMA list, or a CEL ima_template record)? */
int cct_event_is_ima(const struct cct_event *ev);

#endif
