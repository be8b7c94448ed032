/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for the CEL parsers (TLV and JSON): parse with each
 * format forced and with detection, check digests, replay.
 */
#include <stddef.h>
#include <stdint.h>

#include <cctrusted/cctrusted.h>

static void run(const uint8_t *data, size_t size, enum cct_log_format fmt)
{
    struct cct_eventlog_options o = CCT_EVENTLOG_OPTIONS_INIT;
    cct_eventlog *log = NULL;
    cct_replay *rp = NULL;
    o.format = fmt;
    o.max_event_size = 4096;
    if (cct_eventlog_from_memory(data, size, &o, &log, NULL) < 0) {
        return;
    }
    if (cct_replay_new(NULL, &rp) == 0) {
        struct cct_event ev;
        while (cct_eventlog_next(log, &ev) > 0) {
            enum cct_digest_check c;
            int literal;
            cct_event_check_digest(&ev, &c, &literal);
            cct_replay_event(rp, &ev);
        }
        cct_replay_free(rp);
    }
    cct_eventlog_free(log);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    run(data, size, CCT_LOG_CEL_TLV);
    run(data, size, CCT_LOG_CEL_JSON);
    run(data, size, CCT_LOG_AUTO);
    return 0;
}
