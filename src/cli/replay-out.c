/* SPDX-License-Identifier: Apache-2.0 */
/* Printing a replay (text or JSON) and its comparison with expected values. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void hexs(const uint8_t *p, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++) {
        snprintf(out + 2 * i, 3, "%02x", p[i]);
    }
}

/* Output filter of --index / --alg. */
static int shown(const struct cct_register *reg, const struct cct_expected *idx, uint16_t alg)
{
    if (idx != NULL && (reg->index != idx->index || (idx->have_kind && reg->kind != idx->kind))) {
        return 0;
    }
    return alg == 0 || reg->alg == alg;
}

static void print_registers_json(const cct_replay *rp, const struct cct_expected *filt,
                                 uint16_t alg)
{
    printf("{\"registers\":[");
    int first = 1;
    for (size_t i = 0; i < cct_replay_count(rp); i++) {
        struct cct_register reg;
        if (cct_replay_get(rp, i, &reg) < 0 || !shown(&reg, filt, alg)) {
            continue;
        }
        printf("%s\n  {\"index\":%u,\"alg\":\"%s\",\"digest\":", first ? "" : ",", reg.index,
               cct_alg_name(reg.alg));
        first = 0;
        cli_json_hex(stdout, reg.digest, reg.size);
        printf(",\"register\":\"%s\",\"events\":%" PRIu64 "}",
               reg.kind == CCT_REG_RTMR ? "rtmr" : "pcr", reg.n_events);
    }
    printf("\n],\"logs\":[");
    for (size_t i = 0; i < cct_replay_log_count(rp); i++) {
        struct cct_replay_log_info li;
        if (cct_replay_log_info(rp, i, &li) < 0) {
            continue;
        }
        printf("%s{\"file\":", i ? "," : "");
        cli_json_str(stdout, li.name);
        printf(",\"format\":\"%s\",\"events\":%" PRIu64 "}", cct_log_format_name(li.format),
               li.events);
    }
    printf("],\"warnings\":[");
    first = 1;
    for (size_t i = 0; i < cct_replay_note_count(rp); i++) {
        struct cct_replay_note n;
        struct cct_replay_log_info li;
        if (cct_replay_note_get(rp, i, &n) < 0 || cct_replay_log_info(rp, n.log, &li) < 0) {
            continue; /* notes about the whole replay are printed as notes */
        }
        printf("%s{\"file\":", first ? "" : ",");
        first = 0;
        cli_json_str(stdout, li.name);
        printf(",\"event\":%" PRIu64 ",\"offset\":%" PRIu64 ",\"code\":%d,\"message\":", n.event,
               n.offset, (int)n.code);
        cli_json_str(stdout, n.text);
        printf("}");
    }
    printf("],\"workarounds_applied\":[");
    uint32_t ap = cct_replay_workarounds_applied(rp);
    first = 1;
    for (uint32_t b = 1; b; b <<= 1) {
        if ((ap & b) && cct_workaround_name(b)) {
            printf("%s\"%s\"", first ? "" : ",", cct_workaround_name(b));
            first = 0;
        }
    }
    printf("]");
}

static void print_registers_text(const cct_replay *rp, const struct cct_expected *filt,
                                 uint16_t alg)
{
    for (size_t i = 0; i < cct_replay_count(rp); i++) {
        struct cct_register reg;
        char hx[2 * CCT_MAX_DIGEST_SIZE + 1];
        char name[16];
        if (cct_replay_get(rp, i, &reg) < 0 || !shown(&reg, filt, alg)) {
            continue;
        }
        hexs(reg.digest, reg.size, hx);
        snprintf(name, sizeof(name), "%s%u", cli_reg_prefix(reg.kind), reg.index);
        printf("%-7s %-7s %s  (%" PRIu64 " events)\n", name, cct_alg_name(reg.alg), hx,
               reg.n_events);
    }
    uint32_t ap = cct_replay_workarounds_applied(rp);
    for (uint32_t b = 1; b; b <<= 1) {
        if ((ap & b) && cct_workaround_name(b)) {
            printf("workaround applied: %s\n", cct_workaround_name(b));
        }
    }
}

static void print_notes(const cct_replay *rp, int json)
{
    for (size_t i = 0; i < cct_replay_note_count(rp); i++) {
        struct cct_replay_note n;
        struct cct_replay_log_info li;
        if (cct_replay_note_get(rp, i, &n) < 0) {
            continue;
        }
        /* Note texts quote evidence (IMA file names): escaped, so they cannot forge lines. */
        if (cct_replay_log_info(rp, n.log, &li) < 0) {
            fputs("note: ", json ? stderr : stdout);
            cli_text_str(json ? stderr : stdout, n.text);
            fputc('\n', json ? stderr : stdout);
            continue;
        }
        fputs("warning: ", stderr);
        cli_text_str(stderr, li.name);
        fprintf(stderr, ": event %" PRIu64 " (offset 0x%" PRIx64 "): ", n.event, n.offset);
        cli_text_str(stderr, n.text);
        fputc('\n', stderr);
    }
    if (cct_replay_notes_dropped(rp)) {
        fprintf(stderr, "warning: %zu more warnings not shown\n", cct_replay_notes_dropped(rp));
    }
}

int cli_replay_print(const cct_replay *rp, int json, const struct cct_expected *filt, uint16_t alg)
{
    struct cct_aggregate_result agg;
    if (cct_replay_boot_aggregate(rp, &agg) < 0) {
        agg.status = CCT_AGGREGATE_NONE;
    }
    if (json) {
        print_registers_json(rp, filt, alg);
        if (agg.status != CCT_AGGREGATE_NONE) {
            printf(",\"boot_aggregate\":{\"matched\":%s,\"message\":",
                   agg.status == CCT_AGGREGATE_MATCHED ? "true" : "false");
            cli_json_str(stdout, agg.text);
            printf("}");
        }
    } else {
        print_registers_text(rp, filt, alg);
        if (agg.status == CCT_AGGREGATE_MATCHED || agg.status == CCT_AGGREGATE_UNCHECKED) {
            cli_text_str(stdout, agg.text);
            putchar('\n');
        }
    }
    print_notes(rp, json);
    return EXIT_OK;
}

static void print_diff(const cct_replay *rp, const struct cct_register_diff *d, int first, int json)
{
    char got[2 * CCT_MAX_DIGEST_SIZE + 1], want[2 * CCT_MAX_DIGEST_SIZE + 1];
    char *why = NULL;
    hexs(d->replayed, d->size, got);
    hexs(d->expected, d->size, want);
    if (json) {
        printf("%s{\"index\":%u,\"register\":\"%s\",\"alg\":\"%s\",\"replayed\":\"%s\","
               "\"expected\":\"%s\"}",
               first ? "" : ",", d->index, d->kind == CCT_REG_RTMR ? "rtmr" : "pcr",
               cct_alg_name(d->alg), got, want);
    }
    fprintf(stderr, "mismatch: %s%u %s: replayed %s, expected %s\n", cli_reg_prefix(d->kind),
            d->index, cct_alg_name(d->alg), got, want);
    if (cct_replay_explain(rp, d, &why) == 0) {
        fputs(why, stderr);
    }
    cct_free(why);
}

int cli_replay_compare(const cct_replay *rp, const struct cct_expected *ex, size_t n,
                       const char *label, int live, int json)
{
    struct cct_register_diff *d = calloc(n ? n : 1, sizeof(*d));
    size_t n_diffs = 0, compared = 0;
    if (d == NULL) {
        return EXIT_ENV;
    }
    int e = cct_replay_compare(rp, ex, n, d, n, &n_diffs);
    for (size_t i = 0; i < n; i++) {
        compared += ex[i].size > 0;
    }
    if (json) {
        printf(",\"expect\":{\"file\":");
        cli_json_str(stdout, label);
        printf(",\"mismatches\":[");
    }
    for (size_t i = 0; e == 0 && i < n_diffs; i++) {
        print_diff(rp, &d[i], i == 0, json);
    }
    free(d);
    if (json) {
        printf("],\"matched\":%s,\"checked\":%zu}", e == 0 && n_diffs == 0 ? "true" : "false",
               compared);
    } else if (e == 0 && n_diffs == 0) {
        printf("all %zu %s\n", compared,
               live ? "replayed registers match the live registers" : "expected values match");
    }
    if (e < 0) {
        fprintf(stderr, "cctrusted: cannot compare: %s\n", cct_strerror(e));
        return cli_exit_for(e);
    }
    if (n_diffs) {
        fprintf(stderr, "cctrusted: %zu of %zu %s do not match the replay\n", n_diffs, compared,
                live ? "live registers" : "expected values");
        return EXIT_INVALID;
    }
    return EXIT_OK;
}
