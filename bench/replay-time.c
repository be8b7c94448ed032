/* SPDX-License-Identifier: Apache-2.0 */
/*
 * replay-time: time the parse + replay of an event log held in memory, the
 * work cctrusted.efi's bench= option times inside UEFI (docs/firmware.md).
 * Built twice: against libcctrusted (libc + OpenSSL) and against the core
 * with the fixed arena and the core's own SHA code.
 *
 *   replay-time LOG [ROUNDS]     prints "events N best_us T"
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <cctrusted/eventlog.h>
#include <cctrusted/replay.h>

static uint64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: replay-time LOG [ROUNDS]\n");
        return 1;
    }
    char *end = NULL;
    long rounds = argc > 2 ? strtol(argv[2], &end, 10) : 3;
    if (argc > 2 && (end == argv[2] || *end != '\0' || rounds < 1 || rounds > 1000)) {
        fprintf(stderr, "bad ROUNDS\n");
        return 1;
    }
    FILE *f = fopen(argv[1], "rb");
    if (f == NULL) {
        perror(argv[1]);
        return 1;
    }
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *buf = malloc((size_t)len);
    if (buf == NULL || fread(buf, 1, (size_t)len, f) != (size_t)len) {
        fprintf(stderr, "cannot read %s\n", argv[1]);
        return 1;
    }
    fclose(f);
    uint64_t best = UINT64_MAX, events = 0;
    for (long i = 0; i < rounds; i++) {
        cct_eventlog *log = NULL;
        cct_replay *rp = NULL;
        struct cct_event ev;
        uint64_t n = 0, t0 = now_us();
        int r = cct_eventlog_from_memory(buf, (size_t)len, NULL, &log, NULL);
        if (r == 0) {
            r = cct_replay_new(NULL, &rp);
        }
        while (r == 0 && (r = cct_eventlog_next(log, &ev)) == 1) {
            n++;
            r = cct_replay_event(rp, &ev);
        }
        uint64_t t1 = now_us();
        cct_eventlog_free(log);
        cct_replay_free(rp);
        if (r < 0) {
            fprintf(stderr, "replay failed: %s\n", cct_strerror(r));
            return 1;
        }
        events = n;
        best = t1 - t0 < best ? t1 - t0 : best;
    }
    printf("events %llu best_us %llu\n", (unsigned long long)events, (unsigned long long)best);
    free(buf);
    return 0;
}
