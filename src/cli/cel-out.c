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

struct cel_writer {
    uint64_t start, count, recnum;
    enum cct_cel_encoding enc;
    FILE *out;
    struct cct_error err;
    int rc;
};

/* One event, as the replay sees it (IMA entries in their register file). */
static int write_event(void *arg, size_t log, const struct cct_event *ev)
{
    struct cel_writer *w = arg;
    uint8_t *rec = NULL;
    size_t n = 0;
    if (ev->number < w->start || ev->number - w->start >= w->count) {
        return 0;
    }
    int e = cct_cel_encode(ev, w->recnum, w->enc, &rec, &n, &w->err);
    if (e < 0) {
        w->rc = cli_exit_for(e);
        return 1;
    }
    size_t wr = fwrite(rec, 1, n, w->out);
    cct_free(rec);
    if (wr != n) {
        fprintf(stderr, "cctrusted eventlog: write error\n");
        w->rc = EXIT_ENV;
        return 1;
    }
    w->recnum++;
    return 0;
}

int cli_write_cel(char **paths, int n_paths, enum cct_log_format fmt, uint64_t start,
                  uint64_t count, enum cct_cel_encoding enc, int ima_rtmr, FILE *out)
{
    struct cct_log_input in[64];
    struct cct_replay_options o = CCT_REPLAY_OPTIONS_INIT;
    struct cel_writer w = { start, count, 0, enc, out, { 0 }, EXIT_OK };
    struct cct_error err;
    if (n_paths > 64) {
        fprintf(stderr, "cctrusted eventlog: at most 64 files\n");
        return EXIT_USAGE;
    }
    memset(in, 0, sizeof(in));
    for (int i = 0; i < n_paths; i++) {
        in[i].path = paths[i];
        in[i].format = fmt;
    }
    o.ima_register = ima_rtmr ? CCT_IMA_REGISTER_RTMR : CCT_IMA_REGISTER_AUTO;
    int r = cct_logs_foreach(in, (size_t)n_paths, &o, write_event, &w, &err);
    if (r < 0) {
        cli_error("eventlog", &err);
        return cli_exit_for(r);
    }
    if (r != 0) {
        if (w.rc != EXIT_ENV) {
            cli_error("eventlog", &w.err);
        }
        return w.rc;
    }
    if (fflush(out) != 0) {
        fprintf(stderr, "cctrusted eventlog: write error\n");
        return EXIT_ENV;
    }
    return EXIT_OK;
}
