/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Example: replay event log files into registers with cct_replay_logs() and
 * print every register as "PCR0 sha256 HEX" / "RTMR1 sha384 HEX", the line
 * format `cctrusted replay --expect` reads. Boot logs are replayed first,
 * IMA lists after them, whatever the order given. Replay findings (digests
 * that do not match their data, odd separators) are printed to stderr.
 *
 *   cc replay.c $(pkg-config --cflags --libs libcctrusted) -o replay
 *   ./replay boot.bin ima.txt
 */
#include <stdio.h>

#include <cctrusted/cctrusted.h>

#define MAX_LOGS 16

static const char *kind_name(enum cct_reg_kind k)
{
    return k == CCT_REG_RTMR ? "RTMR" : k == CCT_REG_MRTD ? "MRTD" : "PCR";
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc - 1 > MAX_LOGS) {
        fprintf(stderr, "usage: %s LOGFILE... (at most %d)\n", argv[0], MAX_LOGS);
        return 1;
    }
    struct cct_log_input logs[MAX_LOGS] = { 0 };
    for (int i = 1; i < argc; i++) {
        logs[i - 1].path = argv[i];
        logs[i - 1].format = CCT_LOG_AUTO;
    }
    struct cct_replay_options opts = CCT_REPLAY_OPTIONS_INIT;
    struct cct_error err;
    cct_error_clear(&err);
    cct_replay *rp = NULL;
    if (cct_replay_logs(logs, (size_t)(argc - 1), &opts, &rp, &err) < 0) {
        fprintf(stderr, "replay: %s (event %lld, offset %lld)\n", err.message, (long long)err.event,
                (long long)err.offset);
        return 2;
    }
    for (size_t i = 0; i < cct_replay_count(rp); i++) {
        struct cct_register reg;
        if (cct_replay_get(rp, i, &reg) < 0) {
            continue;
        }
        printf("%s%u %s ", kind_name(reg.kind), (unsigned)reg.index, cct_alg_name(reg.alg));
        for (size_t k = 0; k < reg.size; k++) {
            printf("%02x", reg.digest[k]);
        }
        printf("\n");
    }
    for (size_t i = 0; i < cct_replay_note_count(rp); i++) {
        struct cct_replay_note n;
        if (cct_replay_note_get(rp, i, &n) == 0) {
            unsigned long long event = n.event;
            fprintf(stderr, "note: log %zu event %llu: %s\n", n.log, event, n.text);
        }
    }
    cct_replay_free(rp);
    return 0;
}
