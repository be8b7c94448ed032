/* SPDX-License-Identifier: Apache-2.0 */
/* Write event logs as a Canonical Event Log (TLV, JSON, systemd JSON-SEQ, CBOR). */
#include "cel-out.h"

#include <string.h>

#include "cli.h"

int cli_cel_output_from_name(const char *name, enum cct_cel_encoding *enc)
{
    static const struct {
        const char *name;
        enum cct_cel_encoding enc;
    } names[] = {
        { "cel-tlv", CCT_CEL_ENC_TLV },
        { "cel-json", CCT_CEL_ENC_JSON },
        { "cel-json-systemd", CCT_CEL_ENC_JSON_SYSTEMD },
        { "cel-cbor", CCT_CEL_ENC_CBOR },
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcmp(name, names[i].name) == 0) {
            *enc = names[i].enc;
            return 1;
        }
    }
    return 0;
}

static int write_one(const char *path, enum cct_log_format fmt, uint64_t start, uint64_t count,
                     enum cct_cel_encoding enc, int ima_rtmr, FILE *out, uint64_t *recnum)
{
    cct_eventlog *log = NULL;
    struct cct_event ev;
    int rc = cli_open_log(path, fmt, &log);
    if (rc != 0) {
        return rc;
    }
    int r = cct_eventlog_select(log, start, count);
    if (r < 0) {
        cli_error("eventlog", cct_eventlog_error(log));
        cct_eventlog_free(log);
        return cli_exit_for(r);
    }
    while ((r = cct_eventlog_next(log, &ev)) > 0) {
        struct cct_error err;
        uint8_t *rec = NULL;
        size_t n = 0;
        cct_error_clear(&err);
        if (ima_rtmr && (ev.format == CCT_LOG_IMA_ASCII || ev.format == CCT_LOG_IMA_BINARY) &&
            ev.kind == CCT_REG_PCR) {
            ev.kind = CCT_REG_RTMR;
        }
        int e = cct_cel_encode(&ev, *recnum, enc, &rec, &n, &err);
        if (e < 0) {
            cli_error(path, &err);
            cct_eventlog_free(log);
            return cli_exit_for(e);
        }
        size_t w = fwrite(rec, 1, n, out);
        cct_free(rec);
        if (w != n) {
            fprintf(stderr, "cctrusted eventlog: write error\n");
            cct_eventlog_free(log);
            return EXIT_ENV;
        }
        (*recnum)++;
    }
    if (r < 0) {
        cli_error(path, cct_eventlog_error(log));
        rc = cli_exit_for(r);
    }
    cct_eventlog_free(log);
    return rc;
}

int cli_write_cel(char **paths, int n_paths, enum cct_log_format fmt, uint64_t start, uint64_t count,
                  enum cct_cel_encoding enc, int ima_rtmr, FILE *out)
{
    uint64_t recnum = 0;
    for (int i = 0; i < n_paths; i++) {
        int rc = write_one(paths[i], fmt, start, count, enc, ima_rtmr, out, &recnum);
        if (rc != EXIT_OK) {
            return rc;
        }
    }
    if (fflush(out) != 0) {
        fprintf(stderr, "cctrusted eventlog: write error\n");
        return EXIT_ENV;
    }
    return EXIT_OK;
}
