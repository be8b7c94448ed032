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
#define CCT_WORKAROUND_EBS_MISSING 0x1u   /* "ebs-missing": firmware extended PCR5 with the two
                                             ExitBootServices EV_EFI_ACTION strings but did not log them */
#define CCT_WORKAROUND_DUP_SEPARATOR 0x2u /* "dup-separator": a second EV_SEPARATOR on the same
                                             register was logged but not extended */

/** Name of one workaround bit ("ebs-missing"), or NULL. */
const char *cct_workaround_name(uint32_t bit);
/** Parse a workaround name; returns the bit or 0 when unknown. */
uint32_t cct_workaround_from_name(const char *name);

/** Options for a replay. Initialise with CCT_REPLAY_OPTIONS_INIT. */
struct cct_replay_options {
    unsigned version;     /* CCT_REPLAY_OPTIONS_VERSION */
    uint32_t workarounds; /* CCT_WORKAROUND_* bits */
};
#define CCT_REPLAY_OPTIONS_VERSION 1
#define CCT_REPLAY_OPTIONS_INIT { CCT_REPLAY_OPTIONS_VERSION, 0 }
/** Function form of CCT_REPLAY_OPTIONS_INIT (for bindings). Accepts NULL. */
void cct_replay_options_init(struct cct_replay_options *opts);

/** One replayed register in one bank. */
struct cct_register {
    enum cct_reg_kind kind;
    uint32_t index;      /* native index */
    uint16_t alg;
    uint16_t size;
    uint8_t digest[CCT_MAX_DIGEST_SIZE];
    uint64_t n_events;   /* events extended into it */
    uint8_t locality;    /* PCR0 only: the startup locality used for the initial value */
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

#ifdef __cplusplus
}
#endif
#endif
