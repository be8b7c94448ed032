/* SPDX-License-Identifier: Apache-2.0 */
#include "fuzz-common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cctrusted/replay.h>

#ifdef CCT_FUZZ_HAVE_JSONC
#include <json-c/json.h>
#endif

void cct_fuzz_fail(const char *file, int line, const char *what)
{
    fprintf(stderr, "%s:%d: invariant violated: %s\n", file, line, what);
    abort();
}

void cct_fuzz_check_error(const struct cct_error *err, int rc)
{
    FUZZ_CHECK(rc < 0 && rc >= CCT_EPERM);
    FUZZ_CHECK(err != NULL);
    FUZZ_CHECK(err->code == rc);
    FUZZ_CHECK(memchr(err->message, '\0', sizeof(err->message)) != NULL);
    FUZZ_CHECK(err->message[0] != '\0');
    FUZZ_CHECK(err->event >= -1 && err->offset >= -1);
    FUZZ_CHECK(cct_strerror(rc) != NULL);
}

int cct_fuzz_rc(int rc, const struct cct_error *err)
{
    if (rc < 0) {
        cct_fuzz_check_error(err, rc);
    }
    return rc;
}

/* Does [p, p + n) lie inside [base, base + size)? */
static int inside(const uint8_t *base, size_t size, const uint8_t *p, size_t n)
{
    uintptr_t b = (uintptr_t)base, q = (uintptr_t)p;
    if (n == 0) {
        return 1;
    }
    return p != NULL && q >= b && q - b <= size && n <= size - (q - b);
}

static void check_event(const uint8_t *data, size_t size, const struct cct_event *ev,
                        uint64_t number, uint64_t offset)
{
    FUZZ_CHECK(ev->number == number);
    FUZZ_CHECK(ev->offset == offset);
    FUZZ_CHECK(ev->offset <= size && ev->length <= size - ev->offset);
    /* An ascii IMA record is its line; raw leaves out the newline that length counts. */
    int line = ev->format == CCT_LOG_IMA_ASCII;
    FUZZ_CHECK(ev->length > 0 &&
               (ev->length == ev->raw_len ||
                (line && ev->length == ev->raw_len + 1 && data[ev->offset + ev->raw_len] == '\n')));
    FUZZ_CHECK(ev->raw == data + ev->offset);
    /* A text log's data and digests are decoded (hex, template fields) into the event's own
     * storage, not views of the record. */
    int text = line || ev->format == CCT_LOG_CEL_JSON;
    FUZZ_CHECK(ev->data != NULL || ev->data_len == 0);
    FUZZ_CHECK(text || inside(ev->raw, ev->raw_len, ev->data, ev->data_len));
    /* Only a CEL management record may carry no digest (it is never extended). */
    int mgt = ev->format >= CCT_LOG_CEL_TLV && ev->format <= CCT_LOG_CEL_CBOR &&
              ev->cel_content_type == CCT_CEL_MGT;
    FUZZ_CHECK((ev->n_digests >= 1 || mgt) && ev->n_digests <= CCT_MAX_DIGESTS);
    for (size_t i = 0; i < ev->n_digests; i++) {
        const struct cct_digest *d = &ev->digests[i];
        FUZZ_CHECK(d->size > 0 && d->size <= CCT_MAX_DIGEST_SIZE);
        FUZZ_CHECK(d->bytes != NULL && (text || inside(ev->raw, ev->raw_len, d->bytes, d->size)));
        size_t known = cct_alg_digest_size(d->alg);
        FUZZ_CHECK(known == 0 || known == d->size);
    }
    char why[160];
    int anomaly = cct_event_anomaly(ev, why, sizeof(why));
    FUZZ_CHECK(anomaly == ((ev->flags & CCT_EVENT_F_INDEX_OUT_OF_RANGE) && ev->type != 3));
    FUZZ_CHECK(memchr(why, '\0', sizeof(why)) != NULL && (anomaly == (why[0] != '\0')));
    if (ev->format == CCT_LOG_CCEL) {
        if (ev->flags & CCT_EVENT_F_INDEX_OUT_OF_RANGE) {
            FUZZ_CHECK(ev->index_logged > 4 && ev->index == ev->index_logged &&
                       ev->kind == CCT_REG_RTMR);
        } else {
            FUZZ_CHECK(ev->index_logged <= 4);
            FUZZ_CHECK(ev->kind == (ev->index_logged == 0 ? CCT_REG_MRTD : CCT_REG_RTMR));
        }
    } else {
        FUZZ_CHECK(ev->kind == CCT_REG_PCR && ev->index == ev->index_logged);
        if (ev->format == CCT_LOG_TCG1 || ev->format == CCT_LOG_TCG2) {
            FUZZ_CHECK(!(ev->flags & CCT_EVENT_F_INDEX_OUT_OF_RANGE) == (ev->index_logged <= 31));
        }
    }
}

static void check_json(const char *s)
{
#ifdef CCT_FUZZ_HAVE_JSONC
    struct json_tokener *tok = json_tokener_new();
    FUZZ_CHECK(tok != NULL);
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
    size_t n = strlen(s);
    json_object *obj = json_tokener_parse_ex(tok, s, (int)n);
    FUZZ_CHECK(obj != NULL);
    FUZZ_CHECK(json_object_is_type(obj, json_type_object));
    /* Nothing but whitespace may follow the object. */
    for (size_t i = json_tokener_get_parse_end(tok); i < n; i++) {
        FUZZ_CHECK(s[i] == ' ' || s[i] == '\n' || s[i] == '\t' || s[i] == '\r');
    }
    json_object_put(obj);
    json_tokener_free(tok);
#else
    FUZZ_CHECK(s[0] != '\0');
#endif
}

static void decode(const struct cct_event *ev, enum cct_decode_style style)
{
    struct cct_error err;
    char *out = NULL;
    cct_error_clear(&err);
    int rc = cct_event_decode(ev, style, &out, &err);
    if (rc == CCT_ENOMEM) {
        cct_free(out);
        return;
    }
    /* Something is always produced, even on a decoder failure. */
    FUZZ_CHECK(out != NULL);
    if (rc < 0) {
        cct_fuzz_check_error(&err, rc);
    } else {
        FUZZ_CHECK(rc == 0);
        if (style == CCT_DECODE_JSON) {
            check_json(out);
        }
    }
    (void)strlen(out);
    cct_free(out);
}

static void check_digest(const struct cct_event *ev)
{
    enum cct_digest_check res = CCT_DIGEST_NOT_CHECKED;
    int literal = -1;
    int rc = cct_event_check_digest(ev, &res, &literal);
    if (rc < 0) {
        FUZZ_CHECK(rc >= CCT_EPERM);
        return;
    }
    FUZZ_CHECK(rc == 0);
    FUZZ_CHECK(res >= CCT_DIGEST_NOT_CHECKED && res <= CCT_DIGEST_OK_RULE);
    FUZZ_CHECK(literal == 0 || literal == 1);
    if (res == CCT_DIGEST_OK) {
        FUZZ_CHECK(literal == 1);
    }
    /* The check must not depend on the literal output pointer. */
    enum cct_digest_check res2;
    FUZZ_CHECK(cct_event_check_digest(ev, &res2, NULL) == 0 && res2 == res);
}

static void read_registers(cct_replay *r)
{
    FUZZ_CHECK(cct_replay_finish(r) == 0);
    size_t n = cct_replay_count(r);
    FUZZ_CHECK(n <= CCT_MAX_REGISTERS);
    struct cct_register prev;
    for (size_t i = 0; i < n; i++) {
        struct cct_register g, h;
        FUZZ_CHECK(cct_replay_get(r, i, &g) == 0);
        FUZZ_CHECK(g.size > 0 && g.size == cct_alg_digest_size(g.alg));
        if (i > 0) {
            /* Sorted by kind, index, alg; no duplicates. */
            FUZZ_CHECK(prev.kind < g.kind || (prev.kind == g.kind && prev.index < g.index) ||
                       (prev.kind == g.kind && prev.index == g.index && prev.alg < g.alg));
        }
        FUZZ_CHECK(cct_replay_lookup(r, g.kind, g.index, g.alg, &h) == 0);
        FUZZ_CHECK(h.size == g.size && memcmp(h.digest, g.digest, g.size) == 0 &&
                   h.n_events == g.n_events);
        prev = g;
    }
    FUZZ_CHECK(cct_replay_get(r, n, &prev) == CCT_EINVAL);
    /* A register no event touched still has its initial value. */
    struct cct_register u;
    if (cct_replay_lookup(r, CCT_REG_PCR, 23, CCT_ALG_SHA256, &u) == 0 && u.n_events == 0) {
        uint8_t zero[32] = { 0 };
        FUZZ_CHECK(u.size == 32 && memcmp(u.digest, zero, 32) == 0);
    }
}

void cct_fuzz_walk(const uint8_t *data, size_t size, enum cct_log_format fmt)
{
    struct cct_eventlog_options opts = CCT_EVENTLOG_OPTIONS_INIT;
    struct cct_replay_options ropts[2] = { CCT_REPLAY_OPTIONS_INIT, CCT_REPLAY_OPTIONS_INIT };
    struct cct_error err;
    cct_eventlog *log = NULL;
    cct_replay *rp[2] = { NULL, NULL };
    struct cct_event ev;

    opts.format = fmt;
    cct_error_clear(&err);
    int rc = cct_eventlog_from_memory(data, size, &opts, &log, &err);
    if (rc < 0) {
        cct_fuzz_check_error(&err, rc);
        FUZZ_CHECK(log == NULL);
        return;
    }
    FUZZ_CHECK(rc == 0 && log != NULL);
    if (fmt != CCT_LOG_AUTO) {
        FUZZ_CHECK(cct_eventlog_format(log) == fmt);
    }
    ropts[1].workarounds = CCT_WORKAROUND_EBS_MISSING | CCT_WORKAROUND_DUP_SEPARATOR;
    for (int k = 0; k < 2; k++) {
        FUZZ_CHECK(cct_replay_new(&ropts[k], &rp[k]) == 0);
    }

    uint64_t number = 0, offset = 0;
    for (;;) {
        rc = cct_eventlog_next(log, &ev);
        if (rc < 0) {
            cct_fuzz_check_error(cct_eventlog_error(log), rc);
            /* A failed log stays failed. */
            FUZZ_CHECK(cct_eventlog_next(log, &ev) == rc);
            break;
        }
        if (rc == 0) {
            FUZZ_CHECK(cct_eventlog_next(log, &ev) == 0);
            /* Records and padding cover the whole input. */
            FUZZ_CHECK(offset + cct_eventlog_padding(log) == size);
            break;
        }
        FUZZ_CHECK(rc == 1);
        check_event(data, size, &ev, number, offset);
        number++;
        offset += ev.length;
        decode(&ev, CCT_DECODE_TEXT);
        decode(&ev, CCT_DECODE_JSON);
        check_digest(&ev);
        for (int k = 0; k < 2; k++) {
            rc = cct_replay_event(rp[k], &ev);
            FUZZ_CHECK(rc <= 0 && rc >= CCT_EPERM);
        }
    }

    struct cct_specid sid;
    rc = cct_eventlog_specid(log, &sid);
    if (rc == 0) {
        FUZZ_CHECK(sid.n_algs >= 1 && sid.n_algs <= CCT_MAX_DIGESTS);
        FUZZ_CHECK(sid.vendor_info_len <= sizeof(sid.vendor_info));
    } else {
        FUZZ_CHECK(rc == CCT_ENOTFOUND);
    }
    for (int k = 0; k < 2; k++) {
        read_registers(rp[k]);
        cct_replay_free(rp[k]);
    }

    /* Second pass: a selection must yield exactly the same records. */
    uint64_t seen = number;
    FUZZ_CHECK(cct_eventlog_rewind(log) == 0);
    FUZZ_CHECK(cct_eventlog_select(log, 1, 2) == 0);
    uint64_t got = 0;
    while ((rc = cct_eventlog_next(log, &ev)) == 1) {
        FUZZ_CHECK(ev.number == 1 + got);
        FUZZ_CHECK(ev.number < seen);
        got++;
    }
    FUZZ_CHECK(got <= 2);
    if (seen >= 3) {
        FUZZ_CHECK(got == 2);
    }
    cct_eventlog_free(log);
}
