/* SPDX-License-Identifier: Apache-2.0 */
/* `eventlog` selection (--start/--count/--index/--alg/--type), YAML output, replay summary. */
#ifndef CCT_CLI_EVENTLOG_OUT_H
#define CCT_CLI_EVENTLOG_OUT_H

#include "cli.h"

enum el_mode { EL_TEXT = 0, EL_JSON = 1, EL_COMPACT = 2, EL_YAML = 3 };

struct el_view {
    enum el_mode mode;
    enum cct_log_format fmt;
    uint64_t start, count;
    bool have_index, have_type;
    uint32_t index, type;
    uint16_t alg; /* 0: every bank */
};

/* Whether ev passes --index/--type/--alg; *out is ev with only the --alg bank. */
bool el_filter(const struct el_view *v, const struct cct_event *ev, struct cct_event *out);
/* 1 when ev's digest check (the library's) is a mismatch. */
int el_digest_failed(const struct cct_event *ev);
/* One event in the layout of tpm2_eventlog (tpm2-tools). sid: the log's SpecID, or NULL. */
void el_print_yaml_event(const struct cct_event *ev, const struct cct_specid *sid);
/* The registers replaying the whole file gives (cct_replay_logs), in the output's layout:
 * text/compact lines, the JSON member ,"replay":{...}, or tpm2_eventlog's pcrs: section. */
void el_print_replay(const char *path, const struct el_view *v);
/* After the events: count, digest-check failures, padding and the SpecID header. */
void el_print_summary(const cct_eventlog *log, const struct cct_specid *sid, uint64_t n,
                      uint64_t failed, enum el_mode mode);
/* Parse --type: an event type name (EV_SEPARATOR) or number. */
bool el_parse_type(const char *s, uint32_t *out);

#endif
