/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Linux IMA measurement lists: settings of an open IMA log, template fields,
 * boot_aggregate, and resuming a log from a saved position.
 *
 * Threads: the settings below change a cct_eventlog, which is used by one
 * thread at a time; boot_aggregate helpers keep no state.
 */
#ifndef CCTRUSTED_IMA_H
#define CCTRUSTED_IMA_H

#include <stddef.h>
#include <stdint.h>

#include <cctrusted/eventlog.h>
#include <cctrusted/replay.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Register file the entries of an IMA log extend. The index is used as
 * logged (native): 10 means PCR10 on a TPM kernel, 2 means RTMR2 on a kernel
 * that extends IMA into TDX RTMRs. IMA lines do not say which, so the
 * default is CCT_REG_PCR; set CCT_REG_RTMR for a log from an RTMR kernel.
 * Applies to the following cct_eventlog_next() calls and survives a rewind.
 * CCT_EINVAL for a non-IMA log or CCT_REG_MRTD.
 */
CCT_WUR int cct_eventlog_ima_set_register(cct_eventlog *log, enum cct_reg_kind kind);

/** One template field of an IMA event; data borrows from the event. */
struct cct_ima_field {
    const uint8_t *data;
    size_t len;
};

/** Largest number of fields cct_ima_event_fields() reports. */
#define CCT_IMA_MAX_FIELDS_PUBLIC 16

/**
 * Split an IMA event's template data into its fields (each u32 length +
 * bytes in the template data; the "ima" template gives its digest and its
 * NUL-padded name). Works for unknown templates too. For an ascii event of
 * an unknown template, the fields are the space-separated words of the line.
 * Returns the number of fields (>= 0) or a negative code.
 */
CCT_WUR int cct_ima_event_fields(const struct cct_event *ev, struct cct_ima_field *out, size_t max);

/** Ways the kernel computes the boot_aggregate. */
enum cct_ima_aggregate {
    CCT_IMA_AGG_PCR0_7 = 0, /* H(PCR0 || ... || PCR7): SHA-1, and kernels before 5.8 */
    CCT_IMA_AGG_PCR0_9 = 1, /* H(PCR0 || ... || PCR9): non-SHA-1 banks since Linux 5.8 */
    CCT_IMA_AGG_TDX = 2,    /* H(MRTD || RTMR0 || RTMR1 || RTMR2 before IMA): TDX kernels
                               extending IMA into RTMR2 */
};

/**
 * Compute a boot_aggregate from a replay of the boot log (registers no
 * event touched keep their initial value). alg picks the bank. For
 * CCT_IMA_AGG_TDX the MRTD (48 bytes, from a TD report or quote) is needed:
 * the boot log does not hold it; alg must be sha384. out receives the
 * digest size of alg. Returns 0 or a negative code.
 */
CCT_WUR int cct_ima_boot_aggregate(const cct_replay *boot, enum cct_ima_aggregate how, uint16_t alg,
                                   const uint8_t *mrtd, size_t mrtd_len, uint8_t *out,
                                   size_t out_size);

/**
 * Check an IMA "boot_aggregate" entry against a replay of the boot log:
 * tries PCR0-7 and PCR0-9 in the entry's file-digest bank, and the TDX form
 * when mrtd is given. Returns 0 with *how set when one matches,
 * CCT_EVERIFY when none does, CCT_ENOTFOUND when ev is not a boot_aggregate
 * entry, CCT_EUNSUPPORTED when its algorithm cannot be computed.
 */
CCT_WUR int cct_ima_check_boot_aggregate(const cct_replay *boot, const struct cct_event *ev,
                                         const uint8_t *mrtd, size_t mrtd_len,
                                         enum cct_ima_aggregate *how);

/** A place in a log to resume from later (e.g. after the kernel appended entries). */
struct cct_eventlog_position {
    uint64_t number; /* number of the next event */
    uint64_t offset; /* byte offset of the next event */
};

/** The position after the last event returned. */
CCT_WUR int cct_eventlog_position(const cct_eventlog *log, struct cct_eventlog_position *pos);

/**
 * Continue a log from a saved position: the next event is pos->number at
 * pos->offset. Only for logs without a header that earlier records
 * determine (IMA lists); CCT_EUNSUPPORTED otherwise. Combine with
 * cct_replay_set_register() to restore the running register values.
 */
CCT_WUR int cct_eventlog_resume(cct_eventlog *log, const struct cct_eventlog_position *pos);

/**
 * Set a register's running value (for resuming a replay). size must equal
 * the algorithm's digest size; n_events is kept as the register's count.
 */
CCT_WUR int cct_replay_set_register(cct_replay *r, enum cct_reg_kind kind, uint32_t index,
                                    uint16_t alg, const uint8_t *digest, size_t size,
                                    uint64_t n_events);

#ifdef __cplusplus
}
#endif
#endif
