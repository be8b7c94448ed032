/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cctrusted replay: replay logs into registers, flag events whose digest
 * does not match their data, compare with expected values and explain a
 * mismatch.
 */
#include <ctype.h>
#include <stdarg.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cli.h"

#define MAX_FILES 64
#define MAX_NOTES 200
#define MAX_EXPECT 512

struct note {
    const char *file;
    uint64_t event;
    uint64_t offset;
    enum cct_reg_kind kind;
    uint32_t index;
    char text[200];
};

struct run {
    const char *files[MAX_FILES];
    size_t n_files;
    enum cct_log_format fmt;
    uint32_t workarounds;
    cct_replay *rp;
    struct note notes[MAX_NOTES];
    size_t n_notes, dropped_notes;
    uint64_t events[MAX_FILES];
    enum cct_log_format formats[MAX_FILES];
    enum cct_log_format file_fmt[MAX_FILES]; /* per-file format of live sources (AUTO = r->fmt) */
    /* IMA */
    int ima_kind;                 /* -1 auto, else enum cct_reg_kind */
    enum cct_reg_kind ima_used;   /* what auto chose */
    uint16_t ima_banks[CCT_MAX_DIGESTS];
    size_t n_ima_banks;
    uint16_t ima_pad[CCT_MAX_DIGESTS]; /* banks extended with the zero-padded SHA-1 template hash */
    size_t n_ima_pad;
    uint8_t mrtd[CCT_MAX_DIGEST_SIZE];
    size_t mrtd_len;
    int agg_checked;              /* 0 none, 1 matched, -1 mismatch, -2 could not check */
    enum cct_ima_aggregate agg_how;
    char agg_text[200];
};

/* Format to open file i with: --format wins, then the live source's own. */
static enum cct_log_format fmt_of(const struct run *r, size_t i)
{
    return r->fmt != CCT_LOG_AUTO ? r->fmt : r->file_fmt[i];
}

static int is_ima_format(enum cct_log_format f)
{
    return f == CCT_LOG_IMA_ASCII || f == CCT_LOG_IMA_BINARY;
}

struct expect {
    int have_kind;
    enum cct_reg_kind kind;
    uint32_t index;
    uint16_t alg;
    size_t size;
    uint8_t digest[CCT_MAX_DIGEST_SIZE];
};

static void usage(FILE *f)
{
    fprintf(f, "usage: cctrusted replay [--json] [--expect FILE | --verify] [--workaround NAME]... [--format F] [FILE...]\n"
               "  without FILE       replay the platform's live event logs (see cctrusted --platform)\n"
               "  --verify           compare every replayed register/bank with the live register\n"
               "  --expect FILE      compare with expected values: lines 'INDEX ALG HEX' (INDEX may be\n"
               "                     written PCR5 or RTMR2) or the JSON this command prints\n"
               "  --workaround NAME  opt-in fix for a known firmware bug: ebs-missing, dup-separator\n"
               "  --index N          show only register N (PCRn / RTMRn also accepted)\n"
               "  --alg ALG          show only the ALG bank\n"
               "IMA lists (ascii or binary) are replayed after the boot logs, whatever the order given:\n"
               "  --ima-register K   pcr, rtmr or auto (default): auto extends IMA entries into RTMRs\n"
               "                     when a boot log is a CCEL, else into PCRs (the index is used as logged)\n"
               "  --ima-banks LIST   extra banks for binary IMA lists, e.g. sha256,sha384\n"
               "  --mrtd HEX         MRTD of the TD (from its quote), to check a TDX boot_aggregate\n");
}

static void add_note(struct run *r, const char *file, const struct cct_event *ev, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void add_note(struct run *r, const char *file, const struct cct_event *ev, const char *fmt, ...)
{
    if (r->n_notes == MAX_NOTES) {
        r->dropped_notes++;
        return;
    }
    struct note *n = &r->notes[r->n_notes++];
    n->file = file;
    n->event = ev->number;
    n->offset = ev->offset;
    n->kind = ev->kind;
    n->index = ev->index;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(n->text, sizeof(n->text), fmt, ap);
    va_end(ap);
}

static const char *tname(uint32_t t)
{
    const char *n = cct_event_type_name(t);
    return n ? n : "UNKNOWN";
}

/* Separator data is 0x00000000 (normal) or 0xFFFFFFFF (error) per PFP 10.4.3. */
static int separator_data_ok(const struct cct_event *ev)
{
    static const uint8_t z[4] = { 0, 0, 0, 0 }, f[4] = { 0xff, 0xff, 0xff, 0xff };
    return ev->data_len == 4 && (memcmp(ev->data, z, 4) == 0 || memcmp(ev->data, f, 4) == 0);
}

struct sepseen {
    uint64_t pcr;  /* bit per PCR with a separator seen */
    uint8_t rtmr;
};

static int sep_seen(struct sepseen *s, const struct cct_event *ev, int mark)
{
    int seen = 0;
    if (ev->kind == CCT_REG_PCR && ev->index < 64) {
        seen = (s->pcr >> ev->index) & 1;
        if (mark) {
            s->pcr |= 1ull << ev->index;
        }
    } else if (ev->kind == CCT_REG_RTMR && ev->index < 8) {
        seen = (s->rtmr >> ev->index) & 1;
        if (mark) {
            s->rtmr |= (uint8_t)(1u << ev->index);
        }
    }
    return seen;
}

static void check_event(struct run *r, const char *file, const struct cct_event *ev, struct sepseen *ss)
{
    enum cct_digest_check c;
    /* No *literal wanted: lets the library skip hashing unchecked types. */
    if (is_ima_format(ev->format)) {
        if (cct_event_check_digest(ev, &c, NULL) == 0 && c == CCT_DIGEST_MISMATCH) {
            int nl = (int)(ev->ima_file_name_len > 80 ? 80 : ev->ima_file_name_len);
            add_note(r, file, ev, "IMA %.*s entry '%.*s' on %s%u: template hash does not match the template data",
                     (int)ev->ima_template_len, ev->ima_template, nl, ev->ima_file_name ? ev->ima_file_name : "",
                     cli_reg_prefix(ev->kind), ev->index);
        }
        return;
    }
    if (cct_event_check_digest(ev, &c, NULL) == 0 && c == CCT_DIGEST_MISMATCH) {
        add_note(r, file, ev, "%s on %s%u: digest does not match the hash of its event data", tname(ev->type),
                 cli_reg_prefix(ev->kind), ev->index);
    }
    if (ev->type == 4 /* EV_SEPARATOR */) {
        if (!separator_data_ok(ev)) {
            add_note(r, file, ev, "EV_SEPARATOR on %s%u carries %zu bytes of non-separator data",
                     cli_reg_prefix(ev->kind), ev->index, ev->data_len);
        }
        if (sep_seen(ss, ev, 1)) {
            add_note(r, file, ev, "duplicate separator at event %" PRIu64 " on %s%u", ev->number,
                     cli_reg_prefix(ev->kind), ev->index);
        }
    }
}

/*
 * The kernel extends a bank it has no hash implementation for (at the time
 * IMA starts) with the SHA-1 template hash padded with zeros; violations
 * extend all-0xFF in every bank.
 */
static int extend_padded(struct run *r, const struct cct_event *ev, uint16_t alg)
{
    uint8_t d[CCT_MAX_DIGEST_SIZE];
    size_t size = cct_alg_digest_size(alg);
    const struct cct_digest *sha1 = NULL;
    for (size_t i = 0; i < ev->n_digests; i++) {
        if (ev->digests[i].alg == CCT_ALG_SHA1 && ev->digests[i].size == 20) {
            sha1 = &ev->digests[i];
        }
    }
    if (size == 0 || sha1 == NULL) {
        return CCT_EUNSUPPORTED;
    }
    memset(d, 0, sizeof(d));
    if (ev->flags & CCT_EVENT_F_IMA_VIOLATION) {
        memset(d, 0xff, size);
    } else {
        memcpy(d, sha1->bytes, 20);
    }
    return cct_replay_extend(r->rp, ev->kind, ev->index, alg, d, size);
}

/* Replay every file into r->rp. Returns an exit code. */
static int replay_all(struct run *r, int quiet)
{
    struct cct_replay_options o = CCT_REPLAY_OPTIONS_INIT;
    o.workarounds = r->workarounds;
    if (cct_replay_new(&o, &r->rp) < 0) {
        fprintf(stderr, "cctrusted: out of memory\n");
        return EXIT_ENV;
    }
    /* Formats first: boot logs replay before IMA lists, and the register
     * file of IMA entries follows the boot logs. */
    int have_boot = 0, have_ccel = 0;
    for (size_t i = 0; i < r->n_files; i++) {
        cct_eventlog *log;
        int rc = cli_open_log(r->files[i], fmt_of(r, i), &log);
        if (rc != 0) {
            return rc;
        }
        r->formats[i] = cct_eventlog_format(log);
        cct_eventlog_free(log);
        have_boot |= !is_ima_format(r->formats[i]);
        have_ccel |= r->formats[i] == CCT_LOG_CCEL;
    }
    r->ima_used = r->ima_kind >= 0 ? (enum cct_reg_kind)r->ima_kind : have_ccel ? CCT_REG_RTMR : CCT_REG_PCR;
    r->agg_checked = 0;
    for (size_t pass = 0; pass < 2 * r->n_files; pass++) {
        size_t i = pass % r->n_files;
        if ((pass < r->n_files) == is_ima_format(r->formats[i])) {
            continue;
        }
        cct_eventlog *log;
        struct sepseen ss = { 0, 0 };
        int rc = cli_open_log(r->files[i], fmt_of(r, i), &log);
        if (rc != 0) {
            return rc;
        }
        if (is_ima_format(r->formats[i])) {
            cct_eventlog_ima_set_register(log, r->ima_used);
            if (r->n_ima_banks && r->formats[i] == CCT_LOG_IMA_BINARY &&
                cct_eventlog_ima_set_banks(log, r->ima_banks, r->n_ima_banks) < 0) {
                cli_error(r->files[i], cct_eventlog_error(log));
                cct_eventlog_free(log);
                return EXIT_USAGE;
            }
        }
        struct cct_event ev;
        int n;
        while ((n = cct_eventlog_next(log, &ev)) > 0) {
            if (!quiet) {
                check_event(r, r->files[i], &ev, &ss);
            }
            if (is_ima_format(ev.format) && have_boot && r->agg_checked == 0) {
                /* The first boot_aggregate entry, before IMA extends anything. */
                enum cct_ima_aggregate how;
                int a = cct_ima_check_boot_aggregate(r->rp, &ev, r->mrtd_len ? r->mrtd : NULL, r->mrtd_len, &how);
                if (a == 0) {
                    static const char *const names[] = { "PCR0-7", "PCR0-9", "MRTD+RTMR0-2" };
                    r->agg_checked = 1;
                    r->agg_how = how;
                    snprintf(r->agg_text, sizeof(r->agg_text), "boot_aggregate (%s) matches %s of the boot log",
                             cct_alg_name(ev.ima_file_alg), names[how]);
                } else if (a == CCT_EVERIFY) {
                    r->agg_checked = -1;
                    snprintf(r->agg_text, sizeof(r->agg_text),
                             "boot_aggregate (%s) matches neither PCR0-7 nor PCR0-9 of the boot log%s",
                             cct_alg_name(ev.ima_file_alg),
                             r->ima_used == CCT_REG_RTMR && !r->mrtd_len ? " (a TDX boot_aggregate needs --mrtd)"
                                                                         : "");
                    if (!quiet) {
                        add_note(r, r->files[i], &ev, "%s", r->agg_text);
                    }
                } else if (a != CCT_ENOTFOUND) {
                    r->agg_checked = -2;
                    snprintf(r->agg_text, sizeof(r->agg_text), "boot_aggregate not checked: %s", cct_strerror(a));
                }
            }
            int e = cct_replay_event(r->rp, &ev);
            for (size_t k = 0; e == 0 && k < r->n_ima_pad && is_ima_format(ev.format); k++) {
                e = extend_padded(r, &ev, r->ima_pad[k]);
            }
            if (e < 0) {
                struct cct_error err;
                cct_error_clear(&err);
                err.code = e;
                err.event = (int64_t)ev.number;
                err.offset = (int64_t)ev.offset;
                snprintf(err.message, sizeof(err.message), "cannot replay event: %s", cct_strerror(e));
                cli_error(r->files[i], &err);
                cct_eventlog_free(log);
                return EXIT_INVALID;
            }
            r->events[i]++;
        }
        if (n < 0) {
            cli_error(r->files[i], cct_eventlog_error(log));
            cct_eventlog_free(log);
            return cli_exit_for(n);
        }
        cct_eventlog_free(log);
    }
    cct_replay_finish(r->rp);
    return EXIT_OK;
}

/* "PCR5" / "RTMR2" / "5" */
static int parse_index(const char *s, struct expect *e)
{
    e->have_kind = 0;
    if (strncasecmp(s, "PCR", 3) == 0) {
        e->have_kind = 1;
        e->kind = CCT_REG_PCR;
        s += 3;
    } else if (strncasecmp(s, "RTMR", 4) == 0) {
        e->have_kind = 1;
        e->kind = CCT_REG_RTMR;
        s += 4;
    }
    uint64_t v;
    if (!cli_parse_u64(s, &v) || v > 1023) {
        return -1;
    }
    e->index = (uint32_t)v;
    return 0;
}

static int set_digest(struct expect *e, const char *alg, const char *hex)
{
    e->alg = cct_alg_from_name(alg);
    e->size = cct_alg_digest_size(e->alg);
    /* Exactly the digest's hex digits: a "0x" prefix leaves one byte short. */
    size_t len;
    if (e->size == 0 || strlen(hex) != e->size * 2 || cli_parse_hex(hex, e->digest, e->size, &len) < 0 ||
        len != e->size) {
        return -1;
    }
    return 0;
}

static int load_expect_json(const char *path, struct json_object *root, struct expect *ex, size_t *n)
{
    struct json_object *regs;
    if (!json_object_object_get_ex(root, "registers", &regs) || !json_object_is_type(regs, json_type_array)) {
        fprintf(stderr, "cctrusted: %s: JSON has no \"registers\" array\n", path);
        return EXIT_USAGE;
    }
    size_t len = json_object_array_length(regs);
    for (size_t i = 0; i < len; i++) {
        struct json_object *o = json_object_array_get_idx(regs, i), *vi, *va, *vd, *vk;
        if (*n == MAX_EXPECT) {
            fprintf(stderr, "cctrusted: %s: more than %d expected values\n", path, MAX_EXPECT);
            return EXIT_USAGE;
        }
        struct expect *e = &ex[*n];
        memset(e, 0, sizeof(*e));
        if (!json_object_object_get_ex(o, "index", &vi) || !json_object_object_get_ex(o, "alg", &va) ||
            !json_object_object_get_ex(o, "digest", &vd) || !json_object_is_type(vi, json_type_int)) {
            fprintf(stderr, "cctrusted: %s: registers[%zu] needs index, alg and digest\n", path, i);
            return EXIT_USAGE;
        }
        int64_t idx = json_object_get_int64(vi);
        if (idx < 0 || idx > 1023) {
            fprintf(stderr, "cctrusted: %s: registers[%zu]: index out of range\n", path, i);
            return EXIT_USAGE;
        }
        e->index = (uint32_t)idx;
        if (json_object_object_get_ex(o, "register", &vk)) {
            e->have_kind = 1;
            e->kind = strcmp(json_object_get_string(vk), "rtmr") == 0 ? CCT_REG_RTMR : CCT_REG_PCR;
        }
        if (set_digest(e, json_object_get_string(va), json_object_get_string(vd)) < 0) {
            fprintf(stderr, "cctrusted: %s: registers[%zu]: bad alg or digest\n", path, i);
            return EXIT_USAGE;
        }
        (*n)++;
    }
    return 0;
}

static int load_expect(const char *path, struct expect *ex, size_t *n)
{
    FILE *f = fopen(path, "re");
    if (f == NULL) {
        fprintf(stderr, "cctrusted: cannot open %s\n", path);
        return EXIT_ENV;
    }
    char line[1024];
    size_t lineno = 0;
    *n = 0;
    int c = fgetc(f);
    while (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
        c = fgetc(f);
    }
    if (c == '{') {
        ungetc(c, f);
        fclose(f);
        struct json_object *root = json_object_from_file(path);
        if (root == NULL) {
            fprintf(stderr, "cctrusted: %s: invalid JSON: %s\n", path, json_util_get_last_err());
            return EXIT_USAGE;
        }
        int rc = load_expect_json(path, root, ex, n);
        json_object_put(root);
        return rc;
    }
    if (c != EOF) {
        ungetc(c, f);
    }
    while (fgets(line, sizeof(line), f)) {
        lineno++;
        char *s = line;
        while (isspace((unsigned char)*s)) {
            s++;
        }
        if (*s == '#' || *s == '\0') {
            continue;
        }
        char a[32], b[32], h[160], extra[2];
        int k = sscanf(s, "%31s %31s %159s %1s", a, b, h, extra);
        if (k != 3 || *n == MAX_EXPECT) {
            fprintf(stderr, "cctrusted: %s:%zu: expected 'INDEX ALG HEX'\n", path, lineno);
            fclose(f);
            return EXIT_USAGE;
        }
        struct expect *e = &ex[*n];
        memset(e, 0, sizeof(*e));
        if (parse_index(a, e) < 0 || set_digest(e, b, h) < 0) {
            fprintf(stderr, "cctrusted: %s:%zu: bad index, algorithm or digest\n", path, lineno);
            fclose(f);
            return EXIT_USAGE;
        }
        (*n)++;
    }
    fclose(f);
    return 0;
}

/* Output filter of --index / --alg. */
static int shown(const struct cct_register *reg, const struct expect *idx, uint16_t alg)
{
    if (idx != NULL && (reg->index != idx->index || (idx->have_kind && reg->kind != idx->kind))) {
        return 0;
    }
    return alg == 0 || reg->alg == alg;
}

/* Default register kind of this replay: RTMR when any log was a CCEL. */
static enum cct_reg_kind default_kind(const struct run *r)
{
    for (size_t i = 0; i < r->n_files; i++) {
        if (r->formats[i] == CCT_LOG_CCEL) {
            return CCT_REG_RTMR;
        }
    }
    return CCT_REG_PCR;
}

static void hexs(const uint8_t *p, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++) {
        snprintf(out + 2 * i, 3, "%02x", p[i]);
    }
}

/*
 * A fresh run with base's configuration (files, formats, workarounds, IMA
 * banks and padding, MRTD) and none of its results, for replaying again with
 * one setting changed. NULL when out of memory.
 */
static struct run *run_clone_config(const struct run *base)
{
    struct run *t = malloc(sizeof(*t));
    if (t == NULL) {
        return NULL;
    }
    memcpy(t, base, sizeof(*t));
    t->rp = NULL;
    t->n_notes = 0;
    t->dropped_notes = 0;
    memset(t->events, 0, sizeof(t->events));
    return t;
}

/* Does the register match when replayed with an extra workaround? */
static int matches_with(const struct run *base, uint32_t wa, const struct expect *e, enum cct_reg_kind kind)
{
    struct run *t = run_clone_config(base);
    if (t == NULL) {
        return 0;
    }
    t->workarounds |= wa;
    int ok = 0;
    if (replay_all(t, 1) == EXIT_OK) {
        struct cct_register reg;
        if (cct_replay_lookup(t->rp, kind, e->index, e->alg, &reg) == 0 && reg.size == e->size &&
            memcmp(reg.digest, e->digest, e->size) == 0) {
            ok = 1;
        }
    }
    cct_replay_free(t->rp);
    free(t);
    return ok;
}

/* Second pass over the logs: which events feed the register. */
static void explain(struct run *r, const struct expect *e, enum cct_reg_kind kind, FILE *out)
{
    for (size_t i = 0; i < r->n_files; i++) {
        cct_eventlog *log;
        struct cct_eventlog_options o = CCT_EVENTLOG_OPTIONS_INIT;
        o.format = fmt_of(r, i);
        if (cct_eventlog_from_file(r->files[i], &o, &log, NULL) < 0) {
            continue;
        }
        if (is_ima_format(cct_eventlog_format(log))) {
            cct_eventlog_ima_set_register(log, r->ima_used);
        }
        struct cct_event ev;
        uint64_t fed = 0;
        fprintf(out, "    events feeding %s%u in %s:", cli_reg_prefix(kind), e->index, r->files[i]);
        while (cct_eventlog_next(log, &ev) > 0) {
            if (ev.kind != kind || ev.index != e->index || ev.type == 3 || (ev.flags & CCT_EVENT_F_HEADER)) {
                continue;
            }
            int has_bank = 0;
            for (size_t k = 0; k < ev.n_digests; k++) {
                has_bank |= ev.digests[k].alg == e->alg;
            }
            if (!has_bank) {
                continue;
            }
            fed++;
            if (fed <= 40) {
                fprintf(out, " %" PRIu64 "(%s)", ev.number, tname(ev.type));
            }
        }
        if (fed > 40) {
            fprintf(out, " ... (%" PRIu64 " in all)", fed);
        }
        if (fed == 0) {
            fprintf(out, " none (the register keeps its initial value)");
        }
        fprintf(out, "\n");
        for (size_t k = 0; k < r->n_notes; k++) {
            if (r->notes[k].file == r->files[i] && r->notes[k].kind == kind && r->notes[k].index == e->index) {
                fprintf(out, "    event %" PRIu64 ": %s\n", r->notes[k].event, r->notes[k].text);
            }
        }
        cct_eventlog_free(log);
    }
    static const uint32_t all[] = { CCT_WORKAROUND_EBS_MISSING, CCT_WORKAROUND_DUP_SEPARATOR };
    for (size_t k = 0; k < sizeof(all) / sizeof(all[0]); k++) {
        if (!(r->workarounds & all[k]) && matches_with(r, all[k], e, kind)) {
            fprintf(out, "    hint: this register matches with --workaround %s (a known firmware bug)\n",
                    cct_workaround_name(all[k]));
        }
    }
}

/* No FILE: the platform's live logs, in replay order. */
static int live_files(struct run *r, cct_context *ctx, char (*paths)[256], int *ima)
{
    struct cct_log_source src[CCT_MAX_LOG_SOURCES];
    size_t n = 0;
    int e = cct_get_log_sources(ctx, src, CCT_MAX_LOG_SOURCES, &n);
    if (e < 0) {
        return cli_ctx_fail("replay", ctx, e);
    }
    if (n == 0) {
        fprintf(stderr, "cctrusted replay: the platform has no event log\n");
        return EXIT_ENV;
    }
    for (size_t i = 0; i < n && i < MAX_FILES; i++) {
        memcpy(paths[i], src[i].path, sizeof(src[i].path));
        paths[i][sizeof(src[i].path) - 1] = '\0';
        r->files[r->n_files] = paths[i];
        r->file_fmt[r->n_files++] = src[i].format;
        *ima |= strcmp(src[i].role, "ima") == 0;
    }
    return EXIT_OK;
}

/* --verify: the live value of every replayed register/bank becomes an expected value. */
static int live_expect(struct run *r, cct_context *ctx, struct expect *ex, size_t *n)
{
    size_t count = cct_replay_count(r->rp);
    *n = 0;
    for (size_t i = 0; i < count && *n < MAX_EXPECT; i++) {
        struct cct_register reg;
        struct cct_measurement m;
        cct_replay_get(r->rp, i, &reg);
        if (reg.kind == CCT_REG_MRTD) {
            continue; /* not a live register: compared through a report */
        }
        int e = cct_get_measurement(ctx, reg.index, reg.alg, &m);
        if (e == CCT_ENOTFOUND) {
            fprintf(stderr, "note: %s%u %s is in the log but not on the platform (bank not allocated?): "
                    "not compared\n", cli_reg_prefix(reg.kind), reg.index, cct_alg_name(reg.alg));
            continue;
        }
        if (e < 0) {
            return cli_ctx_fail("replay --verify", ctx, e);
        }
        if (m.kind != reg.kind) {
            continue;
        }
        struct expect *x = &ex[(*n)++];
        memset(x, 0, sizeof(*x));
        x->have_kind = 1;
        x->kind = m.kind;
        x->index = m.index;
        x->alg = m.alg;
        x->size = m.size;
        memcpy(x->digest, m.digest, m.size);
    }
    return EXIT_OK;
}

/*
 * Live IMA with --verify: a bank that does not match with recomputed template
 * digests may have been extended with padded SHA-1 digests. Replays again
 * that way and keeps the result when every expected register then matches.
 * Returns an exit code.
 */
static int retry_ima_padded(struct run *r, const struct expect *ex, size_t n_expect, int json)
{
    /* The banks are moved on a copy: r keeps the configuration its replay
     * was made with unless the padded replay is taken. */
    struct run *t = run_clone_config(r);
    if (t == NULL) {
        return EXIT_ENV;
    }
    for (size_t b = 0; b < t->n_ima_banks;) {
        uint16_t alg = t->ima_banks[b];
        int bad = 0;
        for (size_t i = 0; i < n_expect && alg != CCT_ALG_SHA1; i++) {
            struct cct_register reg;
            if (ex[i].alg == alg && cct_replay_lookup(r->rp, ex[i].kind, ex[i].index, alg, &reg) == 0 &&
                memcmp(reg.digest, ex[i].digest, ex[i].size) != 0) {
                bad = 1;
            }
        }
        if (bad) {
            t->ima_pad[t->n_ima_pad++] = alg;
            memmove(&t->ima_banks[b], &t->ima_banks[b + 1], (t->n_ima_banks - b - 1) * sizeof(uint16_t));
            t->n_ima_banks--;
        } else {
            b++;
        }
    }
    if (t->n_ima_pad == 0) {
        free(t);
        return EXIT_OK;
    }
    int trc = replay_all(t, 1);
    size_t bad_after = 0;
    for (size_t i = 0; trc == EXIT_OK && i < n_expect; i++) {
        struct cct_register reg;
        if (cct_replay_lookup(t->rp, ex[i].kind, ex[i].index, ex[i].alg, &reg) == 0 &&
            memcmp(reg.digest, ex[i].digest, ex[i].size) != 0) {
            bad_after++;
        }
    }
    if (trc == EXIT_OK && bad_after == 0) {
        for (size_t k = 0; k < t->n_ima_pad; k++) {
            fprintf(json ? stderr : stdout, "note: IMA extended the %s bank with zero-padded SHA-1 template "
                    "hashes (the kernel had no %s when IMA started); replayed that way\n",
                    cct_alg_name(t->ima_pad[k]), cct_alg_name(t->ima_pad[k]));
        }
        cct_replay_free(r->rp);
        r->rp = t->rp;
        memcpy(r->ima_banks, t->ima_banks, sizeof(r->ima_banks));
        r->n_ima_banks = t->n_ima_banks;
        memcpy(r->ima_pad, t->ima_pad, sizeof(r->ima_pad));
        r->n_ima_pad = t->n_ima_pad;
    } else {
        cct_replay_free(t->rp);
    }
    free(t);
    return EXIT_OK;
}

int cmd_replay(int argc, char **argv)
{
    static const struct option opts[] = {
        { "json", no_argument, NULL, 'j' },           { "expect", required_argument, NULL, 'e' },
        { "workaround", required_argument, NULL, 'w' }, { "format", required_argument, NULL, 'f' },
        { "index", required_argument, NULL, 'i' },    { "alg", required_argument, NULL, 'a' },
        { "ima-register", required_argument, NULL, 'R' }, { "ima-banks", required_argument, NULL, 'B' },
        { "mrtd", required_argument, NULL, 'M' },     { "verify", no_argument, NULL, 'V' },
        { "help", no_argument, NULL, 'h' },           { NULL, 0, NULL, 0 },
    };
    struct run *r = calloc(1, sizeof(*r));
    struct expect filt;
    int have_filt_index = 0;
    uint16_t filt_alg = 0;
    struct expect *ex = calloc(MAX_EXPECT, sizeof(*ex));
    int json = 0, c, rc = EXIT_OK;
    const char *expect_path = NULL;
    size_t n_expect = 0;
    if (r == NULL || ex == NULL) {
        free(r);
        free(ex);
        return EXIT_ENV;
    }
    r->ima_kind = -1;
    memset(&filt, 0, sizeof(filt));
    optind = 1;
    int verify = 0;
    static char live_paths[MAX_FILES][256];
    cct_context *ctx = NULL;
    while ((c = getopt_long(argc, argv, "je:w:f:hVi:a:R:B:M:", opts, NULL)) != -1) {
        switch (c) {
        case 'i':
            if (parse_index(optarg, &filt) < 0) {
                fprintf(stderr, "cctrusted replay: --index needs N, PCRn or RTMRn\n");
                rc = EXIT_USAGE;
                goto out;
            }
            have_filt_index = 1;
            break;
        case 'a':
            filt_alg = cct_alg_from_name(optarg);
            if (cct_alg_digest_size(filt_alg) == 0) {
                fprintf(stderr, "cctrusted replay: unknown algorithm '%s'\n", optarg);
                rc = EXIT_USAGE;
                goto out;
            }
            break;
        case 'R':
            if (strcmp(optarg, "pcr") == 0) {
                r->ima_kind = CCT_REG_PCR;
            } else if (strcmp(optarg, "rtmr") == 0) {
                r->ima_kind = CCT_REG_RTMR;
            } else if (strcmp(optarg, "auto") == 0) {
                r->ima_kind = -1;
            } else {
                fprintf(stderr, "cctrusted replay: --ima-register takes pcr, rtmr or auto\n");
                rc = EXIT_USAGE;
                goto out;
            }
            break;
        case 'B': {
            char buf[256];
            snprintf(buf, sizeof(buf), "%s", optarg);
            r->n_ima_banks = 0;
            for (char *t = buf, *next; t != NULL; t = next) {
                char *comma = strchr(t, ',');
                next = comma ? comma + 1 : NULL;
                if (comma) {
                    *comma = '\0';
                }
                uint16_t a = cct_alg_from_name(t);
                if (cct_alg_digest_size(a) == 0 || r->n_ima_banks == CCT_MAX_DIGESTS - 1) {
                    fprintf(stderr, "cctrusted replay: bad --ima-banks entry '%s'\n", t);
                    rc = EXIT_USAGE;
                    goto out;
                }
                r->ima_banks[r->n_ima_banks++] = a;
            }
            break;
        }
        case 'M': {
            size_t ml;
            if (strlen(optarg) != 96 || cli_parse_hex(optarg, r->mrtd, 48, &ml) < 0 || ml != 48) {
                fprintf(stderr, "cctrusted replay: --mrtd needs 96 hex digits (48 bytes)\n");
                rc = EXIT_USAGE;
                goto out;
            }
            r->mrtd_len = 48;
            break;
        }
        case 'j': json = 1; break;
        case 'V': verify = 1; break;
        case 'e': expect_path = optarg; break;
        case 'w': {
            uint32_t w = cct_workaround_from_name(optarg);
            if (w == 0) {
                fprintf(stderr, "cctrusted replay: unknown workaround '%s' (known: ebs-missing, dup-separator)\n", optarg);
                rc = EXIT_USAGE;
                goto out;
            }
            r->workarounds |= w;
            break;
        }
        case 'f':
            if (cct_log_format_from_name(optarg, &r->fmt) < 0) {
                fprintf(stderr, "cctrusted replay: unknown format '%s'\n", optarg);
                rc = EXIT_USAGE;
                goto out;
            }
            break;
        case 'h': usage(stdout); goto out;
        default: usage(stderr); rc = EXIT_USAGE; goto out;
        }
    }
    if (argc - optind > MAX_FILES || (verify && expect_path)) {
        usage(stderr);
        rc = EXIT_USAGE;
        goto out;
    }
    for (int i = optind; i < argc; i++) {
        r->files[r->n_files++] = argv[i];
    }
    int live_ima = 0;
    if ((optind >= argc || verify) && (rc = cli_open_ctx("replay", &ctx)) != EXIT_OK) {
        goto out;
    }
    if (optind >= argc && (rc = live_files(r, ctx, live_paths, &live_ima)) != EXIT_OK) {
        goto out;
    }
    if (optind >= argc && live_ima && r->n_ima_banks == 0) {
        /* The kernel extends every allocated bank, recomputing the template
         * digest with the bank's algorithm: replay the same banks. */
        static const uint16_t known[] = { CCT_ALG_SHA1, CCT_ALG_SHA256, CCT_ALG_SHA384, CCT_ALG_SHA512,
                                          CCT_ALG_SM3_256 };
        for (size_t k = 0; k < sizeof(known) / sizeof(known[0]) && r->n_ima_banks < CCT_MAX_DIGESTS - 1; k++) {
            struct cct_measurement m;
            if (cct_get_measurement(ctx, 10, known[k], &m) == 0) {
                r->ima_banks[r->n_ima_banks++] = known[k];
            }
        }
    }
    if (expect_path && (rc = load_expect(expect_path, ex, &n_expect)) != 0) {
        goto out;
    }
    rc = replay_all(r, 0);
    if (rc != EXIT_OK) {
        goto out;
    }
    if (verify && (rc = live_expect(r, ctx, ex, &n_expect)) != EXIT_OK) {
        goto out;
    }
    if (verify && live_ima && r->n_ima_pad == 0 && (rc = retry_ima_padded(r, ex, n_expect, json)) != EXIT_OK) {
        goto out;
    }
    const char *expect_label = expect_path ? expect_path : verify ? "live registers" : NULL;

    size_t n = cct_replay_count(r->rp);
    enum cct_reg_kind dk = default_kind(r);
    if (json) {
        printf("{\"registers\":[");
        int firstreg = 1;
        for (size_t i = 0; i < n; i++) {
            struct cct_register reg;
            cct_replay_get(r->rp, i, &reg);
            if (!shown(&reg, have_filt_index ? &filt : NULL, filt_alg)) {
                continue;
            }
            printf("%s\n  {\"index\":%u,\"alg\":\"%s\",\"digest\":", firstreg ? "" : ",", reg.index, cct_alg_name(reg.alg));
            firstreg = 0;
            cli_json_hex(stdout, reg.digest, reg.size);
            printf(",\"register\":\"%s\",\"events\":%" PRIu64 "}", reg.kind == CCT_REG_RTMR ? "rtmr" : "pcr",
                   reg.n_events);
        }
        printf("\n],\"logs\":[");
        for (size_t i = 0; i < r->n_files; i++) {
            printf("%s{\"file\":", i ? "," : "");
            cli_json_str(stdout, r->files[i]);
            printf(",\"format\":\"%s\",\"events\":%" PRIu64 "}", cct_log_format_name(r->formats[i]), r->events[i]);
        }
        printf("],\"warnings\":[");
        for (size_t i = 0; i < r->n_notes; i++) {
            printf("%s{\"file\":", i ? "," : "");
            cli_json_str(stdout, r->notes[i].file);
            printf(",\"event\":%" PRIu64 ",\"offset\":%" PRIu64 ",\"message\":", r->notes[i].event, r->notes[i].offset);
            cli_json_str(stdout, r->notes[i].text);
            printf("}");
        }
        printf("],\"workarounds_applied\":[");
        uint32_t ap = cct_replay_workarounds_applied(r->rp);
        int first = 1;
        for (uint32_t b = 1; b; b <<= 1) {
            if ((ap & b) && cct_workaround_name(b)) {
                printf("%s\"%s\"", first ? "" : ",", cct_workaround_name(b));
                first = 0;
            }
        }
        printf("]");
        if (r->agg_checked != 0) {
            printf(",\"boot_aggregate\":{\"matched\":%s,\"message\":", r->agg_checked > 0 ? "true" : "false");
            cli_json_str(stdout, r->agg_text);
            printf("}");
        }
    } else {
        for (size_t i = 0; i < n; i++) {
            struct cct_register reg;
            char hx[2 * CCT_MAX_DIGEST_SIZE + 1];
            char name[16];
            cct_replay_get(r->rp, i, &reg);
            if (!shown(&reg, have_filt_index ? &filt : NULL, filt_alg)) {
                continue;
            }
            hexs(reg.digest, reg.size, hx);
            snprintf(name, sizeof(name), "%s%u", cli_reg_prefix(reg.kind), reg.index);
            printf("%-7s %-7s %s  (%" PRIu64 " events)\n", name, cct_alg_name(reg.alg), hx, reg.n_events);
        }
        uint32_t ap = cct_replay_workarounds_applied(r->rp);
        for (uint32_t b = 1; b; b <<= 1) {
            if ((ap & b) && cct_workaround_name(b)) {
                printf("workaround applied: %s\n", cct_workaround_name(b));
            }
        }
        if (r->agg_checked > 0) {
            printf("%s\n", r->agg_text);
        } else if (r->agg_checked == -2) {
            printf("%s\n", r->agg_text);
        }
    }
    for (size_t i = 0; i < r->n_notes; i++) {
        fprintf(stderr, "warning: %s: event %" PRIu64 " (offset 0x%" PRIx64 "): %s\n", r->notes[i].file,
                r->notes[i].event, r->notes[i].offset, r->notes[i].text);
    }
    if (r->dropped_notes) {
        fprintf(stderr, "warning: %zu more warnings not shown\n", r->dropped_notes);
    }

    if (verify && optind >= argc && !live_ima) {
        fprintf(json ? stderr : stdout, "note: no IMA log among the live sources (IMA not enabled on this platform): "
                "the verification covers the boot and runtime logs only\n");
    }
    if (verify && json) {
        printf(",\"verify\":{\"ima_log_included\":%s,\"compared\":%zu}", live_ima ? "true" : "false", n_expect);
    }
    if (expect_label) {
        size_t bad = 0;
        if (json) {
            printf(",\"expect\":{\"file\":");
            cli_json_str(stdout, expect_label);
            printf(",\"mismatches\":[");
        }
        for (size_t i = 0; i < n_expect; i++) {
            struct expect *e = &ex[i];
            enum cct_reg_kind k = e->have_kind ? e->kind : dk;
            struct cct_register reg;
            if (cct_replay_lookup(r->rp, k, e->index, e->alg, &reg) < 0) {
                continue;
            }
            if (reg.size == e->size && memcmp(reg.digest, e->digest, e->size) == 0) {
                continue;
            }
            char got[2 * CCT_MAX_DIGEST_SIZE + 1], want[2 * CCT_MAX_DIGEST_SIZE + 1];
            hexs(reg.digest, reg.size, got);
            hexs(e->digest, e->size, want);
            if (json) {
                printf("%s{\"index\":%u,\"register\":\"%s\",\"alg\":\"%s\",\"replayed\":\"%s\",\"expected\":\"%s\"}",
                       bad ? "," : "", e->index, k == CCT_REG_RTMR ? "rtmr" : "pcr", cct_alg_name(e->alg), got, want);
            }
            fprintf(stderr, "mismatch: %s%u %s: replayed %s, expected %s\n", cli_reg_prefix(k), e->index,
                    cct_alg_name(e->alg), got, want);
            explain(r, e, k, stderr);
            bad++;
        }
        if (json) {
            printf("],\"matched\":%s,\"checked\":%zu}", bad ? "false" : "true", n_expect);
        } else if (bad == 0) {
            printf("all %zu %s\n", n_expect, verify ? "replayed registers match the live registers"
                                                    : "expected values match");
        }
        if (bad) {
            fprintf(stderr, "cctrusted: %zu of %zu %s do not match the replay\n", bad, n_expect,
                    verify ? "live registers" : "expected values");
            rc = EXIT_INVALID;
        }
    }
    if (json) {
        printf("}\n");
    }
out:
    cct_close(ctx);
    cct_replay_free(r->rp);
    free(r);
    free(ex);
    return rc;
}
