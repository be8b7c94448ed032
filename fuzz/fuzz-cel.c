/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for the CEL readers (TLV, JSON, CBOR) and the CEL
 * encoders: parse with each format forced and with detection, check
 * digests, replay, and encode every event in every CEL encoding. A CBOR
 * record the encoder wrote must decode and encode again to the same bytes
 * (abort otherwise).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cctrusted/cctrusted.h>
#include <cctrusted/cel.h>

static void reencode(const uint8_t *rec, size_t n)
{
    struct cct_eventlog_options o = CCT_EVENTLOG_OPTIONS_INIT;
    cct_eventlog *log = NULL;
    struct cct_event ev;
    o.format = CCT_LOG_CEL_CBOR;
    if (cct_eventlog_from_memory(rec, n, &o, &log, NULL) < 0) {
        abort(); /* the encoder wrote something its reader rejects */
    }
    if (cct_eventlog_next(log, &ev) != 1) {
        abort();
    }
    uint8_t *again = NULL;
    size_t m = 0;
    if (cct_cel_encode(&ev, 0, CCT_CEL_ENC_CBOR, &again, &m, NULL) < 0 || m != n ||
        memcmp(again, rec, n) != 0) {
        abort();
    }
    cct_free(again);
    cct_eventlog_free(log);
}

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
            /* Any outcome is fine here: the target looks for crashes and leaks. */
            (void)!cct_event_check_digest(&ev, &c, &literal);
            (void)!cct_replay_event(rp, &ev);
            for (int enc = CCT_CEL_ENC_TLV; enc <= CCT_CEL_ENC_CBOR; enc++) {
                uint8_t *rec = NULL;
                size_t n = 0;
                if (cct_cel_encode(&ev, 0, (enum cct_cel_encoding)enc, &rec, &n, NULL) == 0) {
                    if (enc == CCT_CEL_ENC_CBOR) {
                        reencode(rec, n);
                    }
                    cct_free(rec);
                }
            }
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
    run(data, size, CCT_LOG_CEL_CBOR);
    run(data, size, CCT_LOG_AUTO);
    return 0;
}
