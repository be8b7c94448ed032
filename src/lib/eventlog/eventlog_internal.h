/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CCT_EVENTLOG_INTERNAL_H
#define CCT_EVENTLOG_INTERNAL_H

#include <cctrusted/eventlog.h>

#include "formats/cel/cel.h"
#include "formats/cel/cel_cbor.h"
#include "formats/cel/cel_json.h"
#include "formats/ima/ima.h"
#include "formats/tcg/tcg.h"
#include "util/file.h"

/*
 * A record parser for one format. next() has the contract of
 * cct_tcg_next(): 0 + event + consumed, *end for padding/end, CCT_ETRUNCATED
 * when more bytes are needed, other negative codes for bad input.
 */
struct cct_log_parser {
    enum cct_log_format format;
    struct cct_tcg_state tcg;
    struct cct_ima_state ima;
    struct cct_cel_state cel;
    struct cct_cel_json_state cel_json;
    struct cct_cel_cbor_state cel_cbor;
};

struct cct_eventlog {
    struct cct_error err;
    struct cct_log_parser parser;
    struct cct_ima_settings ima_set; /* kept across rewinds */
    size_t max_event_size;
    /* source: memory or a streamed file */
    const uint8_t *mem;
    size_t mem_len;
    size_t mem_pos;
    int is_file;
    struct cct_window win;
    /* iteration */
    uint64_t number; /* next record number */
    uint64_t sel_start, sel_count, emitted;
    uint64_t padding;
    int ended;
    int failed;
};

/* Iteration state as before the first event, the next record numbered number (rewind, resume). */
static inline void cct_eventlog_restart(struct cct_eventlog *log, uint64_t number)
{
    cct_error_clear(&log->err);
    log->number = number;
    log->sel_start = 0;
    log->sel_count = CCT_COUNT_ALL;
    log->emitted = 0;
    log->padding = 0;
    log->ended = 0;
    log->failed = 0;
}

#endif
