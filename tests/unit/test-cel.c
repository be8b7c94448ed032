/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Truncation of CEL logs at every byte: the records before the cut are
 * produced, then CCT_ETRUNCATED naming the next record and its offset (or a
 * clean end when only separators follow the last whole record).
 * Usage: test-cel FORMAT FILE [FORMAT FILE]... (FORMAT cel-tlv or cel-json)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cctrusted/cctrusted.h>

#include "testutil.h"

static void truncation(enum cct_log_format fmt, const char *path)
{
    size_t n;
    uint8_t *full = test_slurp(path, &n);
    struct cct_eventlog_options o = CCT_EVENTLOG_OPTIONS_INIT;
    o.format = fmt;
    uint64_t ends[256], starts[256];
    size_t nrec = 0;
    cct_eventlog *log = NULL;
    struct cct_event ev;
    int rc;
    CHECK(cct_eventlog_from_memory(full, n, &o, &log, NULL) == 0, "%s: open", path);
    while (log && (rc = cct_eventlog_next(log, &ev)) > 0 && nrec < 256) {
        starts[nrec] = ev.offset;
        ends[nrec++] = ev.offset + ev.length;
    }
    cct_eventlog_free(log);
    CHECK(nrec > 2 && ends[nrec - 1] <= n, "%s: %zu records", path, nrec);
    for (size_t k = 1; k < n; k++) {
        uint8_t *p = malloc(k);
        memcpy(p, full, k);
        log = NULL;
        rc = cct_eventlog_from_memory(p, k, &o, &log, NULL);
        CHECK(rc == 0, "%s[%zu]: open", path, k);
        size_t got = 0, whole = 0;
        while (log && (rc = cct_eventlog_next(log, &ev)) > 0) {
            got++;
        }
        while (whole < nrec && ends[whole] <= k) {
            whole++;
        }
        CHECK(got == whole, "%s[%zu]: %zu records, want %zu", path, k, got, whole);
        int clean = whole == nrec || k <= starts[whole];
        if (log && !clean) {
            const struct cct_error *e = cct_eventlog_error(log);
            /* The cut record is reported where its bytes (separators included) begin. */
            int64_t at = whole ? (int64_t)ends[whole - 1] : 0;
            CHECK(rc == CCT_ETRUNCATED && e->event == (int64_t)whole && e->offset == at,
                  "%s[%zu]: rc %d event %lld offset %lld (%s)", path, k, rc, (long long)e->event,
                  (long long)e->offset, e->message);
        } else if (log) {
            CHECK(rc == 0, "%s[%zu]: clean end, got %d", path, k, rc);
        }
        cct_eventlog_free(log);
        free(p);
    }
    free(full);
}

int main(int argc, char **argv)
{
    for (int i = 1; i + 1 < argc; i += 2) {
        enum cct_log_format f;
        if (cct_log_format_from_name(argv[i], &f) < 0) {
            fprintf(stderr, "unknown format %s\n", argv[i]);
            return 2;
        }
        truncation(f, argv[i + 1]);
    }
    printf("%d checks, %d failures\n", checks, failures);
    return failures || checks == 0 ? 1 : 0;
}
