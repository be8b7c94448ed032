/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The six calls inside UEFI (sdk.h). Parsing and replay are the core's
 * (<cctrusted-core/core.h>); this file talks to the protocols and prints.
 */
#include "sdk.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cctrusted-core/core.h>

#include "tpm2cmd.h"

/* --- JSON output --- */

static void out_append(struct efi_sdk *s, const char *p, size_t n)
{
    struct efi_out *o = &s->out;
    if (o->failed) {
        return;
    }
    if (o->cap - o->len <= n) {
        size_t cap = o->cap ? o->cap : 4096;
        while (cap - o->len <= n) {
            cap *= 2;
        }
        char *q = s->env.alloc(cap);
        if (q == NULL) {
            o->failed = 1;
            return;
        }
        if (o->len > 0) {
            memcpy(q, o->p, o->len);
        }
        if (o->p != NULL) {
            s->env.release(o->p);
        }
        o->p = q;
        o->cap = cap;
    }
    memcpy(o->p + o->len, p, n);
    o->len += n;
    o->p[o->len] = '\0';
}

static void out_puts(struct efi_sdk *s, const char *p)
{
    out_append(s, p, strlen(p));
}

static void out_u64(struct efi_sdk *s, uint64_t v)
{
    char b[24];
    size_t i = sizeof(b);
    do {
        b[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    out_append(s, b + i, sizeof(b) - i);
}

static void out_hex(struct efi_sdk *s, const uint8_t *p, size_t n)
{
    static const char hx[] = "0123456789abcdef";
    char b[128];
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        b[k++] = hx[p[i] >> 4];
        b[k++] = hx[p[i] & 15];
        if (k == sizeof(b)) {
            out_append(s, b, k);
            k = 0;
        }
    }
    out_append(s, b, k);
}

static void out_hex32(struct efi_sdk *s, uint32_t v)
{
    uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };
    out_puts(s, "\"0x");
    out_hex(s, b, 4);
    out_puts(s, "\"");
}

/* A JSON string of ASCII text; other bytes as \u00XX. */
static void out_str(struct efi_sdk *s, const char *p, size_t n)
{
    out_puts(s, "\"");
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c == '"' || c == '\\') {
            char e[2] = { '\\', (char)c };
            out_append(s, e, 2);
        } else if (c < 0x20 || c >= 0x7f) {
            uint8_t b[2] = { 0, c };
            out_puts(s, "\\u");
            out_hex(s, b, 2);
        } else {
            out_append(s, (const char *)&c, 1);
        }
    }
    out_puts(s, "\"");
}

static void out_key(struct efi_sdk *s, const char *k)
{
    out_puts(s, ",\"");
    out_puts(s, k);
    out_puts(s, "\":");
}

static void out_error(struct efi_sdk *s, const char *what, const char *msg)
{
    out_key(s, what);
    out_puts(s, "{\"error\":");
    out_str(s, msg, strlen(msg));
    out_puts(s, "}");
}

static void out_efi_error(struct efi_sdk *s, const char *what, const char *call, cct_efi_status st)
{
    out_key(s, what);
    out_puts(s, "{\"error\":");
    out_str(s, call, strlen(call));
    out_puts(s, ",\"efi_status\":");
    out_u64(s, st & ~((cct_efi_status)1 << 63));
    out_puts(s, "}");
}

/* --- algorithms --- */

static const struct {
    uint32_t bit;
    uint16_t alg;
} bank_bits[] = {
    { CCT_EFI_TCG2_HASH_SHA1, CCT_ALG_SHA1 },       { CCT_EFI_TCG2_HASH_SHA256, CCT_ALG_SHA256 },
    { CCT_EFI_TCG2_HASH_SHA384, CCT_ALG_SHA384 },   { CCT_EFI_TCG2_HASH_SHA512, CCT_ALG_SHA512 },
    { CCT_EFI_TCG2_HASH_SM3_256, CCT_ALG_SM3_256 },
};
#define N_BANK_BITS (sizeof(bank_bits) / sizeof(bank_bits[0]))

static void out_bitmap(struct efi_sdk *s, uint32_t bitmap)
{
    int first = 1;
    out_puts(s, "[");
    for (size_t i = 0; i < N_BANK_BITS; i++) {
        if (bitmap & bank_bits[i].bit) {
            out_puts(s, first ? "\"" : ",\"");
            out_puts(s, cct_alg_name(bank_bits[i].alg));
            out_puts(s, "\"");
            first = 0;
        }
    }
    out_puts(s, "]");
}

/* The active banks in TPM_ALG_ID form, in bank_bits order: the library picks the default. */
static uint16_t tpm_default_alg(uint32_t active)
{
    uint16_t banks[N_BANK_BITS];
    size_t n = 0;
    for (size_t i = 0; i < N_BANK_BITS; i++) {
        if (active & bank_bits[i].bit) {
            banks[n++] = bank_bits[i].alg;
        }
    }
    return cct_alg_default_bank(banks, n);
}

/* --- event log --- */

struct log_view {
    const uint8_t *p;
    size_t len;
    uint64_t events;
    enum cct_log_format format;
    uint8_t truncated;
};

/*
 * GetEventLog gives the start of the log and of its last record; the
 * record's length is the core's to find: the log is opened over the bytes
 * up to the last record plus a margin, doubled while the last record does
 * not fit, and the record at that offset gives the end.
 */
static int log_extent(const uint8_t *p, size_t last_off, enum cct_log_format fmt, size_t *len,
                      uint64_t *events, struct cct_error *err)
{
    struct cct_eventlog_options o = CCT_EVENTLOG_OPTIONS_INIT;
    o.format = fmt;
    for (size_t k = 4096; k <= CCT_MAX_EVENT_SIZE * 2; k *= 2) {
        cct_eventlog *log = NULL;
        struct cct_event ev;
        uint64_t n = 0;
        int r = cct_eventlog_from_memory(p, last_off + k, &o, &log, err);
        if (r < 0) {
            return r;
        }
        while ((r = cct_eventlog_next(log, &ev)) == 1) {
            n++;
            if (ev.offset == last_off) {
                *len = (size_t)(ev.offset + ev.length);
                *events = n;
                cct_eventlog_free(log);
                return 0;
            }
            if (ev.offset > last_off) {
                break;
            }
        }
        if (r < 0) {
            *err = *cct_eventlog_error(log);
        }
        cct_eventlog_free(log);
        if (r != CCT_ETRUNCATED) {
            if (r >= 0) {
                cct_error_clear(err);
                err->code = r = CCT_EMALFORMED;
                memcpy(err->message, "no record starts at the last entry given by the firmware",
                       sizeof("no record starts at the last entry given by the firmware"));
            }
            return r;
        }
    }
    return CCT_ELIMIT;
}

static int get_log(struct efi_sdk *s, struct log_view *v)
{
    uint64_t loc = 0, last = 0;
    cct_efi_status st;
    memset(v, 0, sizeof(*v));
    if (s->tcg2 != NULL) {
        st = s->tcg2->get_event_log(s->tcg2, CCT_EFI_TCG2_LOG_FORMAT_TCG_2, &loc, &last,
                                    &v->truncated);
        v->format = CCT_LOG_TCG2;
    } else {
        st = s->cc->get_event_log(s->cc, CCT_EFI_CC_LOG_FORMAT_TCG_2, &loc, &last, &v->truncated);
        v->format = CCT_LOG_CCEL;
    }
    if (st != CCT_EFI_SUCCESS) {
        out_efi_error(s, "eventlog", "GetEventLog", st);
        return -1;
    }
    if (loc == 0 || last < loc) {
        out_error(s, "eventlog", loc == 0 ? "no event log" : "last entry before the log start");
        return -1;
    }
    struct cct_error err;
    cct_error_clear(&err);
    const uint8_t *p = (const uint8_t *)(uintptr_t)loc;
    int r = log_extent(p, (size_t)(last - loc), v->format, &v->len, &v->events, &err);
    if (r < 0) {
        out_key(s, "eventlog");
        out_puts(s, "{\"error\":");
        out_str(s, err.message, strlen(err.message));
        out_puts(s, ",\"code\":");
        out_str(s, cct_strerror(r), strlen(cct_strerror(r)));
        out_puts(s, ",\"event\":");
        out_u64(s, err.event < 0 ? 0 : (uint64_t)err.event);
        out_puts(s, ",\"offset\":");
        out_u64(s, err.offset < 0 ? 0 : (uint64_t)err.offset);
        out_puts(s, "}");
        return -1;
    }
    v->p = p;
    return 0;
}

/* Replay a log; the registers go into the JSON under key. Returns the replay or NULL. */
static cct_replay *replay_log(struct efi_sdk *s, const char *key, const uint8_t *p, size_t len,
                              enum cct_log_format fmt)
{
    struct cct_eventlog_options o = CCT_EVENTLOG_OPTIONS_INIT;
    struct cct_error err;
    cct_eventlog *log = NULL;
    cct_replay *rp = NULL;
    struct cct_event ev;
    cct_error_clear(&err);
    o.format = fmt;
    int r = cct_eventlog_from_memory(p, len, &o, &log, &err);
    if (r == 0) {
        r = cct_replay_new(NULL, &rp);
    }
    while (r == 0 && (r = cct_eventlog_next(log, &ev)) == 1) {
        r = cct_replay_event(rp, &ev);
    }
    if (r < 0 && log != NULL && cct_eventlog_error(log)->code != 0) {
        err = *cct_eventlog_error(log);
    }
    if (r == 0) {
        r = cct_replay_finish(rp);
    }
    cct_eventlog_free(log);
    if (r < 0) {
        cct_replay_free(rp);
        out_error(s, key, err.message[0] ? err.message : cct_strerror(r));
        return NULL;
    }
    out_key(s, key);
    out_puts(s, "[");
    for (size_t i = 0; i < cct_replay_count(rp); i++) {
        struct cct_register g;
        if (cct_replay_get(rp, i, &g) < 0) {
            continue;
        }
        out_puts(s, i ? ",{\"register\":\"" : "{\"register\":\"");
        out_puts(s, g.kind == CCT_REG_RTMR ? "rtmr" : g.kind == CCT_REG_PCR ? "pcr" : "mr");
        out_puts(s, "\",\"index\":");
        out_u64(s, g.index);
        out_puts(s, ",\"alg\":\"");
        out_puts(s, cct_alg_name(g.alg));
        out_puts(s, "\",\"digest\":\"");
        out_hex(s, g.digest, g.size);
        out_puts(s, "\",\"events\":");
        out_u64(s, g.n_events);
        out_puts(s, "}");
    }
    out_puts(s, "]");
    return rp;
}

static void out_log(struct efi_sdk *s, const struct log_view *v, int dump)
{
    out_key(s, "eventlog");
    out_puts(s, "{\"format\":\"");
    out_puts(s, cct_log_format_name(v->format));
    out_puts(s, "\",\"bytes\":");
    out_u64(s, v->len);
    out_puts(s, ",\"events\":");
    out_u64(s, v->events);
    out_puts(s, ",\"truncated\":");
    out_puts(s, v->truncated ? "true" : "false");
    if (s->final_table != NULL) {
        /* EFI_TCG2_FINAL_EVENTS_TABLE / CC_FINAL: Version (u64), NumberOfEvents (u64), events */
        uint64_t version, n;
        memcpy(&version, s->final_table, 8);
        memcpy(&n, s->final_table + 8, 8);
        out_puts(s, ",\"final_events_table\":{\"version\":");
        out_u64(s, version);
        out_puts(s, ",\"events\":");
        out_u64(s, n);
        out_puts(s, "}");
    }
    if (dump) {
        out_puts(s, ",\"data\":\"");
        out_hex(s, v->p, v->len);
        out_puts(s, "\"");
    }
    out_puts(s, "}");
}

/* --- TPM (EFI_TCG2_PROTOCOL) --- */

/* TPM_RC_RETRY, TPM_RC_YIELDED, TPM_RC_TESTING (Part 2, 6.6.3): send the command again. */
static int retry_code(uint32_t rc)
{
    return rc == 0x922u || rc == 0x908u || rc == 0x90au;
}

static int submit(struct efi_sdk *s, const struct tpm2_buf *c, uint8_t *rsp, size_t *rlen)
{
    uint8_t in[TPM2_CMD_MAX];
    if (c->overflow) {
        return -1;
    }
    for (int attempt = 0; attempt < 100; attempt++) {
        memcpy(in, c->b, c->len);
        memset(rsp, 0, TPM2_CMD_MAX);
        cct_efi_status st =
            s->tcg2->submit_command(s->tcg2, (uint32_t)c->len, in, TPM2_CMD_MAX, rsp);
        if (st != CCT_EFI_SUCCESS) {
            return -1;
        }
        /* The response's own size field says how much the TPM wrote. */
        size_t n = (size_t)rsp[2] << 24 | (size_t)rsp[3] << 16 | (size_t)rsp[4] << 8 | rsp[5];
        uint32_t rc = 0;
        if (n < 10 || n > TPM2_CMD_MAX || tpm2_rsp_code(rsp, n, &rc) < 0) {
            return -1;
        }
        *rlen = n;
        if (!retry_code(rc)) {
            return 0;
        }
    }
    return 0; /* the caller sees the last response code */
}

/* All 24 PCRs of one bank into regs (24 * size bytes); 0 or -1. */
static int pcr_read_bank(struct efi_sdk *s, uint16_t alg, uint8_t *regs, uint32_t *rc)
{
    size_t size = cct_alg_digest_size(alg);
    uint32_t want = 0xffffff;
    while (want != 0) {
        struct tpm2_buf c;
        uint8_t rsp[TPM2_CMD_MAX], dig[8 * CCT_MAX_DIGEST_SIZE];
        size_t rlen = 0;
        uint32_t got = 0;
        tpm2_cmd_pcr_read(&c, alg, want);
        if (submit(s, &c, rsp, &rlen) < 0 ||
            tpm2_rsp_pcr_read(rsp, rlen, alg, size, dig, 8, &got, rc) < 0 || got == 0 ||
            (got & ~want) != 0) {
            return -1;
        }
        size_t k = 0;
        for (uint32_t i = 0; i < 24; i++) {
            if (got & (1u << i)) {
                memcpy(regs + i * size, dig + k++ * size, size);
            }
        }
        want &= ~got;
    }
    return 0;
}

static void tpm_measurements(struct efi_sdk *s, uint32_t active)
{
    int first = 1;
    out_key(s, "measurements");
    out_puts(s, "[");
    for (size_t b = 0; b < N_BANK_BITS; b++) {
        if (!(active & bank_bits[b].bit)) {
            continue;
        }
        uint16_t alg = bank_bits[b].alg;
        size_t size = cct_alg_digest_size(alg);
        uint8_t regs[24 * CCT_MAX_DIGEST_SIZE];
        uint32_t rc = 0;
        if (pcr_read_bank(s, alg, regs, &rc) < 0) {
            out_puts(s, first ? "" : ",");
            out_puts(s, "{\"alg\":\"");
            out_puts(s, cct_alg_name(alg));
            out_puts(s, "\",\"error\":\"TPM2_PCR_Read failed\",\"tpm_rc\":");
            out_hex32(s, rc);
            out_puts(s, "}");
            first = 0;
            continue;
        }
        for (uint32_t i = 0; i < 24; i++) {
            out_puts(s, first ? "{\"register\":\"pcr\",\"index\":"
                              : ",{\"register\":\"pcr\",\"index\":");
            out_u64(s, i);
            out_puts(s, ",\"alg\":\"");
            out_puts(s, cct_alg_name(alg));
            out_puts(s, "\",\"digest\":\"");
            out_hex(s, regs + i * size, size);
            out_puts(s, "\"}");
            first = 0;
        }
    }
    out_puts(s, "]");
}

static void tpm_quote(struct efi_sdk *s, const struct efi_request *req, uint16_t alg)
{
    struct tpm2_buf c;
    uint8_t rsp[TPM2_CMD_MAX], pub[TPM2_CMD_MAX];
    size_t rlen = 0, pub_len = 0;
    uint32_t rc = 0, handle = 0;
    const uint8_t *pv = NULL, *att = NULL, *sig = NULL;
    size_t att_len = 0, sig_len = 0;
    tpm2_cmd_create_primary_ak(&c);
    if (submit(s, &c, rsp, &rlen) < 0 ||
        tpm2_rsp_create_primary(rsp, rlen, &handle, &pv, &pub_len, &rc) < 0) {
        out_key(s, "quote");
        out_puts(s, "{\"error\":\"TPM2_CreatePrimary failed\",\"tpm_rc\":");
        out_hex32(s, rc);
        out_puts(s, "}");
        return;
    }
    memcpy(pub, pv, pub_len);
    tpm2_cmd_quote(&c, handle, alg, 0xffffff, req->nonce, req->nonce_len);
    int ok = submit(s, &c, rsp, &rlen) == 0 &&
             tpm2_rsp_quote(rsp, rlen, &att, &att_len, &sig, &sig_len, &rc) == 0;
    out_key(s, "quote");
    if (ok) {
        out_puts(s, "{\"nonce\":\"");
        out_hex(s, req->nonce, req->nonce_len);
        out_puts(s, "\",\"alg\":\"");
        out_puts(s, cct_alg_name(alg));
        out_puts(s, "\",\"pcrs\":\"0-23\",\"public\":\"");
        out_hex(s, pub, pub_len);
        out_puts(s, "\",\"attest\":\"");
        out_hex(s, att, att_len);
        out_puts(s, "\",\"signature\":\"");
        out_hex(s, sig, sig_len);
        out_puts(s, "\"}");
    } else {
        out_puts(s, "{\"error\":\"TPM2_Quote failed\",\"tpm_rc\":");
        out_hex32(s, rc);
        out_puts(s, "}");
    }
    uint32_t frc = 0;
    tpm2_cmd_flush(&c, handle);
    if (submit(s, &c, rsp, &rlen) < 0 || tpm2_rsp_code(rsp, rlen, &frc) < 0 || frc != 0) {
        out_error(s, "quote_flush", "TPM2_FlushContext of the quote key failed");
    }
}

/* --- extend --- */

/* EFI_TCG2_EVENT / EFI_CC_EVENT (same packed layout): Size, HeaderSize, HeaderVersion, index,
 * EventType, Event[]. */
static size_t build_event(uint8_t *e, size_t cap, uint32_t index, uint32_t type, const char *data,
                          size_t n)
{
    size_t total = CCT_EFI_TCG2_EVENT_FIXED + n;
    if (total > cap) {
        return 0;
    }
    uint32_t size = (uint32_t)total, hsize = CCT_EFI_TCG2_EVENT_HEADER_SIZE;
    uint16_t hver = CCT_EFI_TCG2_EVENT_HEADER_VERSION;
    memcpy(e, &size, 4);
    memcpy(e + 4, &hsize, 4);
    memcpy(e + 8, &hver, 2);
    memcpy(e + 10, &index, 4);
    memcpy(e + 14, &type, 4);
    memcpy(e + 18, data, n);
    return total;
}

#define EV_IPL 0xdu

static void do_extend(struct efi_sdk *s, const struct efi_request *req)
{
    uint8_t ev[512];
    const char *d = req->extend_data ? req->extend_data : "cctrusted.efi";
    size_t n = strlen(d);
    uint32_t reg = req->extend_index;
    cct_efi_status st;
    if (reg == EFI_EXTEND_DEFAULT) {
        reg = s->cc != NULL ? 2 : 16; /* RTMR2 (OS applications) / PCR16 (debug) */
    }
    uint32_t index = reg;
    if (s->cc != NULL) {
        /* The CC event carries the CC MR index, not the register: RTMR n is
         * MR index n + 1 on TDX (UEFI 2.10, 38.4.1). */
        if (reg >= CCT_EFI_CC_TDX_RTMRS) {
            out_error(s, "extend", "no such RTMR");
            return;
        }
        index = reg + CCT_EFI_CC_MR_RTMR_BASE;
    }
    size_t len = build_event(ev, sizeof(ev), index, EV_IPL, d, n);
    if (len == 0) {
        out_error(s, "extend", "event data too long");
        return;
    }
    if (s->tcg2 != NULL) {
        st = s->tcg2->hash_log_extend_event(s->tcg2, 0, (uint64_t)(uintptr_t)d, n, ev);
    } else {
        st = s->cc->hash_log_extend_event(s->cc, 0, (uint64_t)(uintptr_t)d, n, ev);
    }
    if (st != CCT_EFI_SUCCESS) {
        out_efi_error(s, "extend", "HashLogExtendEvent", st);
        return;
    }
    out_key(s, "extend");
    out_puts(s, s->cc ? "{\"register\":\"rtmr\",\"index\":" : "{\"register\":\"pcr\",\"index\":");
    out_u64(s, reg);
    out_puts(s, ",\"logged_index\":");
    out_u64(s, index);
    out_puts(s, ",\"type\":");
    out_u64(s, EV_IPL);
    out_puts(s, ",\"data\":");
    out_str(s, d, n);
    out_puts(s, "}");
}

/* --- timing --- */

static void do_bench(struct efi_sdk *s, const struct efi_request *req, enum cct_log_format fmt)
{
    if (s->env.ticks == NULL || s->env.ticks_per_second == 0) {
        out_error(s, "bench", "no timer");
        return;
    }
    int rounds = req->bench_rounds > 0 ? req->bench_rounds : 1;
    uint64_t best = UINT64_MAX, events = 0;
    for (int i = 0; i < rounds; i++) {
        struct cct_eventlog_options o = CCT_EVENTLOG_OPTIONS_INIT;
        cct_eventlog *log = NULL;
        cct_replay *rp = NULL;
        struct cct_event ev;
        o.format = fmt;
        uint64_t t0 = s->env.ticks(), n = 0;
        int r = cct_eventlog_from_memory(req->bench_log, req->bench_len, &o, &log, NULL);
        if (r == 0) {
            r = cct_replay_new(NULL, &rp);
        }
        while (r == 0 && (r = cct_eventlog_next(log, &ev)) == 1) {
            n++;
            r = cct_replay_event(rp, &ev);
        }
        uint64_t t1 = s->env.ticks();
        cct_eventlog_free(log);
        cct_replay_free(rp);
        if (r < 0) {
            out_error(s, "bench", "the benchmark log does not replay");
            return;
        }
        events = n;
        best = t1 - t0 < best ? t1 - t0 : best;
    }
    out_key(s, "bench");
    out_puts(s, "{\"events\":");
    out_u64(s, events);
    out_puts(s, ",\"rounds\":");
    out_u64(s, (uint64_t)rounds);
    out_puts(s, ",\"best_us\":");
    out_u64(s, best / (s->env.ticks_per_second / 1000000 ? s->env.ticks_per_second / 1000000 : 1));
    out_puts(s, "}");
}

/* --- the run --- */

static void run_tcg2(struct efi_sdk *s, const struct efi_request *req)
{
    struct cct_efi_tcg2_capability cap;
    memset(&cap, 0, sizeof(cap));
    cap.size = (uint8_t)sizeof(cap);
    cct_efi_status st = s->tcg2->get_capability(s->tcg2, &cap);
    if (st != CCT_EFI_SUCCESS) {
        out_efi_error(s, "capability", "GetCapability", st);
        return;
    }
    uint32_t active = cap.active_pcr_banks;
    if (s->tcg2->get_active_pcr_banks != NULL &&
        s->tcg2->get_active_pcr_banks(s->tcg2, &active) != CCT_EFI_SUCCESS) {
        active = cap.active_pcr_banks;
    }
    uint16_t def = tpm_default_alg(active);
    out_puts(s, ",\"platform\":\"tpm\",\"default_algorithm\":\"");
    out_puts(s, cct_alg_name(def));
    out_puts(s, "\",\"register_count\":24");
    out_key(s, "capability");
    out_puts(s, "{\"protocol_version\":\"");
    out_u64(s, cap.protocol_version.major);
    out_puts(s, ".");
    out_u64(s, cap.protocol_version.minor);
    out_puts(s, "\",\"tpm_present\":");
    out_puts(s, cap.tpm_present ? "true" : "false");
    out_puts(s, ",\"hash_algorithms\":");
    out_bitmap(s, cap.hash_algorithm_bitmap);
    out_puts(s, ",\"active_banks\":");
    out_bitmap(s, active);
    out_puts(s, ",\"pcr_banks\":");
    out_u64(s, cap.number_of_pcr_banks);
    out_puts(s, ",\"manufacturer\":");
    out_hex32(s, cap.manufacturer_id);
    out_puts(s, "}");

    struct log_view v;
    if (get_log(s, &v) == 0) {
        out_log(s, &v, req->dump_log);
        cct_replay_free(replay_log(s, "replay", v.p, v.len, v.format));
    }
    tpm_measurements(s, active);
    if (req->quote) {
        tpm_quote(s, req, def);
    }
    if (req->extend) {
        do_extend(s, req);
    }
    if (req->bench_log != NULL) {
        do_bench(s, req, CCT_LOG_TCG2);
    }
}

static void run_cc(struct efi_sdk *s, const struct efi_request *req)
{
    struct cct_efi_cc_capability cap;
    memset(&cap, 0, sizeof(cap));
    cap.size = (uint8_t)sizeof(cap);
    cct_efi_status st = s->cc->get_capability(s->cc, &cap);
    if (st != CCT_EFI_SUCCESS) {
        out_efi_error(s, "capability", "GetCapability", st);
        return;
    }
    if (cap.cc_type != CCT_EFI_CC_TYPE_TDX) {
        out_puts(s, ",\"platform\":\"cc\"");
        out_error(s, "capability", "confidential computing type is not TDX");
        return;
    }
    /* TDX: RTMR0-3 in SHA-384 (the MRTD is fixed at build; only a report holds it). */
    out_puts(s, ",\"platform\":\"tdx\",\"default_algorithm\":\"sha384\",\"register_count\":");
    out_u64(s, CCT_EFI_CC_TDX_RTMRS);
    out_key(s, "capability");
    out_puts(s, "{\"protocol_version\":\"");
    out_u64(s, cap.protocol_version.major);
    out_puts(s, ".");
    out_u64(s, cap.protocol_version.minor);
    out_puts(s, "\",\"cc_type\":");
    out_u64(s, cap.cc_type);
    out_puts(s, ",\"cc_subtype\":");
    out_u64(s, cap.cc_subtype);
    out_puts(s, ",\"hash_algorithms\":");
    out_bitmap(s, cap.hash_algorithm_bitmap);
    out_puts(s, "}");
    struct log_view v;
    if (get_log(s, &v) == 0) {
        out_log(s, &v, req->dump_log);
        /* Without a TDCALL here, the RTMRs are measured by replay of the CC log; the report
         * (TDG.MR.REPORT) needs a TD and is not made by this application. */
        cct_replay *rp = replay_log(s, "replay", v.p, v.len, v.format);
        if (rp != NULL) {
            out_key(s, "measurements");
            out_puts(s, "[");
            for (uint32_t i = 0; i < CCT_EFI_CC_TDX_RTMRS; i++) {
                struct cct_register g;
                if (cct_replay_lookup(rp, CCT_REG_RTMR, i, CCT_ALG_SHA384, &g) < 0) {
                    continue;
                }
                out_puts(s, i ? ",{\"register\":\"rtmr\",\"index\":"
                              : "{\"register\":\"rtmr\",\"index\":");
                out_u64(s, i);
                out_puts(s, ",\"alg\":\"sha384\",\"source\":\"replay\",\"digest\":\"");
                out_hex(s, g.digest, g.size);
                out_puts(s, "\"}");
            }
            out_puts(s, "]");
            cct_replay_free(rp);
        }
    }
    if (req->quote) {
        out_error(s, "quote", "TDX reports need TDG.MR.REPORT inside a TD; not made here");
    }
    if (req->extend) {
        do_extend(s, req);
    }
    if (req->bench_log != NULL) {
        do_bench(s, req, CCT_LOG_CCEL);
    }
}

int efi_sdk_run(struct efi_sdk *s, const struct efi_request *req)
{
    out_puts(s, "{\"tool\":\"cctrusted.efi\"");
    if (s->tcg2 != NULL) {
        run_tcg2(s, req);
    } else if (s->cc != NULL) {
        run_cc(s, req);
    } else {
        out_puts(s, ",\"platform\":\"none\"");
        out_error(s, "capability", "neither EFI_TCG2_PROTOCOL nor EFI_CC_MEASUREMENT_PROTOCOL");
    }
    out_puts(s, "}");
    return s->out.failed ? -1 : 0;
}
