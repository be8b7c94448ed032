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

#include "fuzz-common.h"

static void reencode(const uint8_t *rec, size_t n)
{
    struct cct_eventlog_options o = CCT_EVENTLOG_OPTIONS_INIT;
    cct_eventlog *log = NULL;
    struct cct_event ev;
    struct cct_error err;
    o.format = CCT_LOG_CEL_CBOR;
    cct_error_clear(&err);
    /* The encoder must not write something its reader rejects. */
    FUZZ_CHECK(cct_fuzz_rc(cct_eventlog_from_memory(rec, n, &o, &log, &err), &err) == 0);
    FUZZ_CHECK(cct_eventlog_next(log, &ev) == 1);
    uint8_t *again = NULL;
    size_t m = 0;
    cct_error_clear(&err);
    FUZZ_CHECK(cct_fuzz_rc(cct_cel_encode(&ev, 0, CCT_CEL_ENC_CBOR, &again, &m, &err), &err) == 0);
    FUZZ_CHECK(m == n && memcmp(again, rec, n) == 0);
    cct_free(again);
    cct_eventlog_free(log);
}

static void run(const uint8_t *data, size_t size, enum cct_log_format fmt)
{
    struct cct_eventlog_options o = CCT_EVENTLOG_OPTIONS_INIT;
    cct_eventlog *log = NULL;
    cct_replay *rp = NULL;
    struct cct_error err;
    o.format = fmt;
    o.max_event_size = 4096;
    cct_error_clear(&err);
    if (cct_fuzz_rc(cct_eventlog_from_memory(data, size, &o, &log, &err), &err) < 0) {
        return;
    }
    if (cct_replay_new(NULL, &rp) == 0) {
        struct cct_event ev;
        int rc;
        while ((rc = cct_eventlog_next(log, &ev)) > 0) {
            enum cct_digest_check c;
            int literal;
            /* Any outcome is fine here: the target looks for crashes and leaks. */
            (void)!cct_event_check_digest(&ev, &c, &literal);
            (void)!cct_replay_event(rp, &ev);
            for (int enc = CCT_CEL_ENC_TLV; enc <= CCT_CEL_ENC_CBOR; enc++) {
                uint8_t *rec = NULL;
                size_t n = 0;
                cct_error_clear(&err);
                int erc = cct_cel_encode(&ev, 0, (enum cct_cel_encoding)enc, &rec, &n, &err);
                if (cct_fuzz_rc(erc, &err) == 0) {
                    if (enc == CCT_CEL_ENC_CBOR) {
                        reencode(rec, n);
                    }
                    cct_free(rec);
                }
            }
        }
        cct_fuzz_rc(rc, cct_eventlog_error(log));
        cct_replay_free(rp);
    }
    cct_eventlog_free(log);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    run(data, size, CCT_LOG_CEL_TLV);
    run(data, size, CCT_LOG_CEL_JSON);
    run(data, size, CCT_LOG_CEL_CBOR);
    run(data, size, CCT_LOG_AUTO);
    return 0;
}
