/* SPDX-License-Identifier: Apache-2.0 */
/*
 * CEL-JSON records: the TCG layout (recnum, pcr, digests, content_type,
 * content) and systemd's variant (JSON-SEQ, no recnum, "pcr" or "rtmr",
 * content_type "systemd"). Records may be RS-separated (RFC 7464), one per
 * line, or the elements of one JSON array. See docs/cel.md.
 */
#ifndef CCT_FORMATS_CEL_JSON_H
#define CCT_FORMATS_CEL_JSON_H

#include <stddef.h>
#include <stdint.h>

#include <cctrusted/eventlog.h>

#define CCT_CEL_JSON_MAX_RECORD (4u * 1024u * 1024u) /* bytes of one JSON record */
#define CCT_CEL_JSON_MAX_DEPTH 16                    /* JSON nesting */

struct cct_cel_json_state {
    size_t max_record;
    size_t max_data;
    int started;  /* first record seen (array mode decided) */
    int in_array; /* records are elements of one JSON array */
    int closed;   /* the array's ']' was seen */
    int have_prev;
    uint64_t prev_recnum;
    void *obj;     /* json_object of the current event (owned) */
    uint8_t *data; /* decoded event data */
    size_t data_cap;
    uint8_t digest[CCT_MAX_DIGESTS][CCT_MAX_DIGEST_SIZE];
};

/* 1 with *fmt set, 0 when not CEL-JSON, CCT_ETRUNCATED for more bytes. */
CCT_WUR int cct_cel_json_detect(const uint8_t *p, size_t len, int eof, enum cct_log_format *fmt);
void cct_cel_json_init(struct cct_cel_json_state *st, size_t max_event_size);
void cct_cel_json_free(struct cct_cel_json_state *st);
/* 1 when the input ended inside a JSON array (its ']' missing). */
int cct_cel_json_unfinished(const struct cct_cel_json_state *st);
/* Same contract as cct_ima_next(). */
CCT_WUR int cct_cel_json_next(struct cct_cel_json_state *st, const uint8_t *p, size_t len, int eof,
                              uint64_t off, uint64_t number, struct cct_event *ev, size_t *consumed,
                              int *end, struct cct_error *err);

#endif
