/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `eventlog` filters, the YAML layout of tpm2_eventlog (tpm2-tools: "---",
 * version, events with EventNum, PCRIndex, EventType, DigestCount, Digests
 * [AlgorithmId, Digest], EventSize, Event; SpecID for the header; pcrs: per
 * bank), and the replay summary (the library's cct_replay_logs()).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "eventlog-out.h"

bool el_filter(const struct el_view *v, const struct cct_event *ev, struct cct_event *out)
{
    if ((v->have_index && ev->index != v->index) || (v->have_type && ev->type != v->type)) {
        return false;
    }
    *out = *ev;
    if (v->alg != 0) {
        size_t k = 0;
        for (size_t i = 0; i < ev->n_digests; i++) {
            if (ev->digests[i].alg == v->alg) {
                out->digests[k++] = ev->digests[i];
            }
        }
        if (k == 0) {
            return false;
        }
        out->n_digests = k;
    }
    return true;
}

int el_digest_failed(const struct cct_event *ev)
{
    enum cct_digest_check c;
    int literal = 0;
    return cct_event_check_digest(ev, &c, &literal) == 0 && c == CCT_DIGEST_MISMATCH;
}

bool el_parse_type(const char *s, uint32_t *out)
{
    uint64_t v;
    if (cli_parse_u64(s, &v)) {
        if (v > UINT32_MAX) {
            return false;
        }
        *out = (uint32_t)v;
        return true;
    }
    return cct_event_type_from_name(s, out) == 0;
}

static void yaml_hex(const uint8_t *p, size_t n)
{
    putchar('"');
    for (size_t i = 0; i < n; i++) {
        printf("%02x", p[i]);
    }
    putchar('"');
}

static void yaml_specid(const struct cct_event *ev, const struct cct_specid *sid)
{
    static const uint8_t zero[20];
    printf("  Digest: ");
    if (ev->n_digests > 0) {
        yaml_hex(ev->digests[0].bytes, ev->digests[0].size);
    } else {
        yaml_hex(zero, sizeof(zero));
    }
    printf("\n  EventSize: %zu\n  SpecID:\n  - Signature: Spec ID Event03\n"
           "    platformClass: %u\n    specVersionMinor: %u\n    specVersionMajor: %u\n"
           "    specErrata: %u\n    uintnSize: %u\n    numberOfAlgorithms: %zu\n"
           "    Algorithms:\n",
           ev->data_len, sid->platform_class, sid->version_minor, sid->version_major, sid->errata,
           sid->uintn_size, sid->n_algs);
    for (size_t i = 0; i < sid->n_algs; i++) {
        const char *an = cct_alg_name(sid->algs[i]);
        printf("    - Algorithm[%zu]:\n      algorithmId: %s\n      digestSize: %u\n", i,
               an ? an : "unknown", sid->sizes[i]);
    }
    printf("    vendorInfoSize: %zu\n", sid->vendor_info_len);
    if (sid->vendor_info_len > 0) {
        printf("    vendorInfo: ");
        yaml_hex(sid->vendor_info, sid->vendor_info_len);
        putchar('\n');
    }
}

void el_print_yaml_event(const struct cct_event *ev, const struct cct_specid *sid)
{
    const char *tn = cct_event_type_name(ev->type);
    printf("- EventNum: %" PRIu64 "\n  PCRIndex: %u\n", ev->number, ev->index_logged);
    if (ev->kind != CCT_REG_PCR) {
        printf("  Register: %s%u\n", cli_reg_prefix(ev->kind), ev->index);
    }
    if (ev->format == CCT_LOG_IMA_ASCII || ev->format == CCT_LOG_IMA_BINARY) {
        tn = "IMA";
    }
    if (tn != NULL) {
        printf("  EventType: %s\n", tn);
    } else {
        printf("  EventType: 0x%" PRIx32 "\n", ev->type);
    }
    if (sid != NULL && ev->number == 0 && ev->type == 3 && ev->format == CCT_LOG_TCG2) {
        yaml_specid(ev, sid);
        return;
    }
    printf("  DigestCount: %zu\n  Digests:\n", ev->n_digests);
    for (size_t i = 0; i < ev->n_digests; i++) {
        const char *an = cct_alg_name(ev->digests[i].alg);
        printf("  - AlgorithmId: %s\n    Digest: ", an ? an : "unknown");
        yaml_hex(ev->digests[i].bytes, ev->digests[i].size);
        putchar('\n');
    }
    printf("  EventSize: %zu\n  Event: ", ev->data_len);
    yaml_hex(ev->data, ev->data_len);
    putchar('\n');
}

/* tpm2_eventlog's closing section: per bank, "  IDX : 0xHEX" lines (pcrs:, then rtmrs:). */
static void yaml_registers(const cct_replay *rp, enum cct_reg_kind kind, const char *title)
{
    uint16_t algs[CCT_MAX_DIGESTS];
    size_t na = 0, n = cct_replay_count(rp);
    struct cct_register reg;
    for (size_t i = 0; i < n; i++) {
        if (cct_replay_get(rp, i, &reg) < 0 || reg.kind != kind) {
            continue;
        }
        bool seen = false;
        for (size_t k = 0; k < na; k++) {
            seen = seen || algs[k] == reg.alg;
        }
        if (!seen && na < CCT_MAX_DIGESTS) {
            algs[na++] = reg.alg;
        }
    }
    if (na > 0) {
        printf("%s:\n", title);
    }
    for (size_t k = 0; k < na; k++) {
        const char *an = cct_alg_name(algs[k]);
        printf("  %s:\n", an ? an : "unknown");
        for (size_t i = 0; i < n; i++) {
            if (cct_replay_get(rp, i, &reg) == 0 && reg.kind == kind && reg.alg == algs[k]) {
                printf("    %-2u : 0x", reg.index);
                cli_hex(stdout, reg.digest, reg.size);
                putchar('\n');
            }
        }
    }
}

void el_print_replay(const char *path, const struct el_view *v)
{
    struct cct_log_input in = { path, NULL, 0, v->fmt, CCT_IMA_REGISTER_AUTO, NULL };
    cct_replay *rp = NULL;
    struct cct_error err;
    cct_error_clear(&err);
    if (cct_replay_logs(&in, 1, NULL, &rp, &err) < 0) {
        return; /* the log's own error is reported with its events */
    }
    if (v->mode == EL_YAML) {
        yaml_registers(rp, CCT_REG_PCR, "pcrs");
        yaml_registers(rp, CCT_REG_RTMR, "rtmrs");
        cct_replay_free(rp);
        return;
    }
    size_t n = cct_replay_count(rp);
    struct cct_register reg;
    if (v->mode == EL_JSON) {
        printf(",\"replay\":{\"registers\":[");
    } else {
        printf("==> registers replayed from the whole log:\n");
    }
    for (size_t i = 0; i < n; i++) {
        if (cct_replay_get(rp, i, &reg) < 0) {
            continue;
        }
        const char *an = cct_alg_name(reg.alg);
        if (v->mode == EL_JSON) {
            printf("%s{\"index\":%u,\"register\":\"%s\",\"alg\":\"%s\",\"digest\":", i ? "," : "",
                   reg.index, reg.kind == CCT_REG_RTMR ? "rtmr" : "pcr", an ? an : "unknown");
            cli_json_hex(stdout, reg.digest, reg.size);
            printf(",\"events\":%" PRIu64 "}", reg.n_events);
        } else {
            printf("==> %s%-3u %-7s ", cli_reg_prefix(reg.kind), reg.index, an ? an : "unknown");
            cli_hex(stdout, reg.digest, reg.size);
            putchar('\n');
        }
    }
    if (v->mode == EL_JSON) {
        printf("]}");
    }
    cct_replay_free(rp);
}

/* After the events: count, padding and the SpecID header. */
void el_print_summary(const cct_eventlog *log, const struct cct_specid *sid, uint64_t n,
                      uint64_t failed, enum el_mode mode)
{
    int json = mode == EL_JSON;
    if (mode == EL_YAML) {
        printf("digest_check_failures: %" PRIu64 "\n", failed);
        return;
    }
    if (!json) {
        printf("==> %" PRIu64 " events shown, %" PRIu64 " digest-check failure%s", n, failed,
               failed == 1 ? "" : "s");
        if (cct_eventlog_padding(log)) {
            printf(", log ended by %" PRIu64 " bytes of padding", cct_eventlog_padding(log));
        }
        printf("\n");
        return;
    }
    printf("\n  ],\"count\":%" PRIu64 ",\"digest_check_failures\":%" PRIu64 ",\"padding\":%" PRIu64,
           n, failed, cct_eventlog_padding(log));
    if (sid == NULL) {
        return;
    }
    printf(
        ",\"specid\":{\"platform_class\":%u,\"version\":\"%u.%u\",\"errata\":%u,\"uintn_size\":%u,"
        "\"algorithms\":[",
        sid->platform_class, sid->version_major, sid->version_minor, sid->errata, sid->uintn_size);
    for (size_t i = 0; i < sid->n_algs; i++) {
        const char *an = cct_alg_name(sid->algs[i]);
        printf("%s{\"alg\":\"%s\",\"id\":%u,\"size\":%u}", i ? "," : "", an ? an : "unknown",
               sid->algs[i], sid->sizes[i]);
    }
    printf("],\"vendor_info\":");
    cli_json_hex(stdout, sid->vendor_info, sid->vendor_info_len);
    printf("}");
}
