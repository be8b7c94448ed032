/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for the IMA list parsers: the input is parsed as an ascii
 * list, as a binary list (both with two extra banks), and with detection,
 * then replayed, its template hashes checked, its fields split and
 * boot_aggregate checked against the replay. The first input byte picks a
 * small max_event_size now and then, to reach the limits.
 */
#include <stddef.h>
#include <stdint.h>

#include <cctrusted/cctrusted.h>

#include "fuzz-common.h"

static void run(const uint8_t *data, size_t size, enum cct_log_format fmt, size_t max_ev)
{
    struct cct_eventlog_options o = CCT_EVENTLOG_OPTIONS_INIT;
    cct_eventlog *log = NULL;
    cct_replay *rp = NULL;
    struct cct_error err;
    o.format = fmt;
    o.max_event_size = max_ev;
    cct_error_clear(&err);
    if (cct_fuzz_rc(cct_eventlog_from_memory(data, size, &o, &log, &err), &err) < 0) {
        return;
    }
    /* Extra banks: replay computes each bank's template hash. */
    struct cct_replay_options ro = CCT_REPLAY_OPTIONS_INIT;
    ro.n_ima_banks = 2;
    ro.ima_banks[0] = CCT_ALG_SHA256;
    ro.ima_banks[1] = CCT_ALG_SHA384;
    if (cct_replay_new(&ro, &rp) < 0) {
        cct_eventlog_free(log);
        return;
    }
    struct cct_event ev;
    int n = 0, rc;
    while ((rc = cct_eventlog_next(log, &ev)) > 0 && n++ < 10000) {
        enum cct_digest_check c;
        int literal;
        struct cct_ima_field f[CCT_IMA_MAX_FIELDS_PUBLIC];
        enum cct_ima_aggregate how;
        /* Any outcome is fine here: the target looks for crashes and leaks. */
        (void)!cct_event_check_digest(&ev, &c, &literal);
        (void)!cct_ima_event_fields(&ev, f, CCT_IMA_MAX_FIELDS_PUBLIC);
        (void)!cct_ima_check_boot_aggregate(rp, &ev, NULL, 0, &how);
        (void)!cct_replay_event(rp, &ev);
    }
    cct_fuzz_rc(rc, cct_eventlog_error(log));
    struct cct_eventlog_position pos;
    if (cct_eventlog_position(log, &pos) == 0 && cct_eventlog_resume(log, &pos) == 0) {
        while ((rc = cct_eventlog_next(log, &ev)) > 0) {
        }
        cct_fuzz_rc(rc, cct_eventlog_error(log));
    }
    cct_replay_free(rp);
    cct_eventlog_free(log);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t max_ev = (size > 0 && data[0] == 'L') ? 96 : 0;
    run(data, size, CCT_LOG_IMA_ASCII, max_ev);
    run(data, size, CCT_LOG_IMA_BINARY, max_ev);
    run(data, size, CCT_LOG_AUTO, max_ev);
    return 0;
}
