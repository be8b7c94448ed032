/* SPDX-License-Identifier: Apache-2.0 */
/*
 * CEL-JSON and CEL-CBOR in the core: those parsers need json-c and libcbor,
 * which do not build freestanding. Detection never claims a log, so such a
 * log is reported as not recognised; naming the format explicitly fails
 * with CCT_EUNSUPPORTED.
 */
#include <string.h>

#include <cctrusted/error.h>

#include "formats/cel/cel_cbor.h"
#include "formats/cel/cel_json.h"
#include "util/error.h"

int cct_cel_json_detect(const uint8_t *p, size_t len, int eof, enum cct_log_format *fmt)
{
    (void)p, (void)len, (void)eof, (void)fmt;
    return 0;
}

void cct_cel_json_init(struct cct_cel_json_state *st, size_t max_event_size)
{
    memset(st, 0, sizeof(*st));
    st->max_record = max_event_size;
}

void cct_cel_json_free(struct cct_cel_json_state *st)
{
    (void)st;
}

int cct_cel_json_unfinished(const struct cct_cel_json_state *st)
{
    (void)st;
    return 0;
}

int cct_cel_json_next(struct cct_cel_json_state *st, const uint8_t *p, size_t len, int eof,
                      uint64_t off, uint64_t number, struct cct_event *ev, size_t *consumed,
                      int *end, struct cct_error *err)
{
    (void)st, (void)p, (void)len, (void)eof, (void)ev, (void)consumed, (void)end;
    return cct_err(err, CCT_EUNSUPPORTED, (int64_t)number, (int64_t)off,
                   "CEL-JSON logs are not supported by the freestanding core");
}

int cct_cel_cbor_detect(const uint8_t *p, size_t len, int eof, enum cct_log_format *fmt)
{
    (void)p, (void)len, (void)eof, (void)fmt;
    return 0;
}

void cct_cel_cbor_init(struct cct_cel_cbor_state *st, size_t max_event_size)
{
    memset(st, 0, sizeof(*st));
    st->max_event_size = max_event_size;
}

void cct_cel_cbor_free(struct cct_cel_cbor_state *st)
{
    (void)st;
}

int cct_cel_cbor_next(struct cct_cel_cbor_state *st, const uint8_t *p, size_t len, int eof,
                      uint64_t off, uint64_t number, struct cct_event *ev, size_t *consumed,
                      int *end, struct cct_error *err)
{
    (void)st, (void)p, (void)len, (void)eof, (void)ev, (void)consumed, (void)end;
    return cct_err(err, CCT_EUNSUPPORTED, (int64_t)number, (int64_t)off,
                   "CEL-CBOR logs are not supported by the freestanding core");
}
