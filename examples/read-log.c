/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Example: read an event log file (TCG2, TCG 1.2, CCEL, IMA or CEL; the
 * format is detected) and print one line per event: number, register,
 * event type and every digest.
 *
 *   cc read-log.c $(pkg-config --cflags --libs libcctrusted) -o read-log
 *   ./read-log /sys/kernel/security/tpm0/binary_bios_measurements
 */
#include <stdio.h>

#include <cctrusted/cctrusted.h>

static void print_event(const struct cct_event *ev)
{
    const char *type = cct_event_type_name(ev->type);
    const char *reg = ev->kind == CCT_REG_RTMR ? "RTMR" : "PCR";
    printf("%llu %s%u %s", (unsigned long long)ev->number, reg, (unsigned)ev->index,
           type != NULL ? type : "(unknown type)");
    for (size_t i = 0; i < ev->n_digests; i++) {
        const char *alg = cct_alg_name(ev->digests[i].alg);
        printf(" %s:", alg != NULL ? alg : "?");
        for (size_t k = 0; k < ev->digests[i].size; k++) {
            printf("%02x", ev->digests[i].bytes[k]);
        }
    }
    printf("\n");
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s LOGFILE\n", argv[0]);
        return 1;
    }
    struct cct_error err;
    cct_error_clear(&err);
    cct_eventlog *log = NULL;
    /* NULL options: detect the format, default limits. */
    if (cct_eventlog_from_file(argv[1], NULL, &log, &err) < 0) {
        fprintf(stderr, "%s: %s\n", argv[1], err.message);
        return 2;
    }
    struct cct_event ev;
    int r;
    while ((r = cct_eventlog_next(log, &ev)) == 1) {
        print_event(&ev);
    }
    if (r < 0) {
        /* The error names the event number and byte offset. */
        const struct cct_error *e = cct_eventlog_error(log);
        fprintf(stderr, "%s: event %lld, offset %lld: %s\n", argv[1], (long long)e->event,
                (long long)e->offset, e->message);
    }
    cct_eventlog_free(log);
    return r < 0 ? 2 : 0;
}
