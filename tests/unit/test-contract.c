/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The public API contract, through the shared library only
 * (docs/internals/abi.md): the *_init() functions equal their INIT macros,
 * produced events carry their layout version and a zeroed reserved area,
 * and a failing call reports its own error, never one left over from an
 * earlier failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cctrusted/cctrusted.h>

#include "logbuilder.h"
#include "testutil.h"

static void test_init_functions(void)
{
    /* Start from a pattern so a field the function forgets shows. */
    struct cct_open_options o, om = CCT_OPEN_OPTIONS_INIT;
    memset(&o, 0xA5, sizeof(o));
    cct_open_options_init(&o);
    CHECK(o.version == CCT_OPEN_OPTIONS_VERSION && o.version == om.version &&
              o.platform == om.platform && o.sysroot == om.sysroot && o.tpm_tcti == om.tpm_tcti &&
              o.sim_state_dir == om.sim_state_dir && o.runtime_log == om.runtime_log,
          "cct_open_options_init differs from CCT_OPEN_OPTIONS_INIT");

    struct cct_report_request q, qm = CCT_REPORT_REQUEST_INIT;
    memset(&q, 0xA5, sizeof(q));
    cct_report_request_init(&q);
    CHECK(q.version == CCT_REPORT_REQUEST_VERSION && q.nonce == qm.nonce &&
              q.nonce_len == qm.nonce_len && q.user_data == qm.user_data &&
              q.user_data_len == qm.user_data_len && q.report_data == qm.report_data &&
              q.report_data_len == qm.report_data_len && q.privlevel == qm.privlevel,
          "cct_report_request_init differs from CCT_REPORT_REQUEST_INIT");

    struct cct_eventlog_options e, em = CCT_EVENTLOG_OPTIONS_INIT;
    memset(&e, 0xA5, sizeof(e));
    cct_eventlog_options_init(&e);
    CHECK(e.version == CCT_EVENTLOG_OPTIONS_VERSION && e.format == em.format &&
              e.max_event_size == em.max_event_size,
          "cct_eventlog_options_init differs from CCT_EVENTLOG_OPTIONS_INIT");

    struct cct_replay_options r, rm = CCT_REPLAY_OPTIONS_INIT;
    memset(&r, 0xA5, sizeof(r));
    cct_replay_options_init(&r);
    CHECK(r.version == CCT_REPLAY_OPTIONS_VERSION && r.workarounds == rm.workarounds,
          "cct_replay_options_init differs from CCT_REPLAY_OPTIONS_INIT");

    /* Every field of the macro form, compared as bytes after the same pattern. */
    struct cct_verify_options v, vm;
    memset(&v, 0xA5, sizeof(v));
    memset(&vm, 0xA5, sizeof(vm));
    cct_verify_options_init(&v);
    vm = (struct cct_verify_options)CCT_VERIFY_OPTIONS_INIT;
    CHECK(v.version == CCT_VERIFY_OPTIONS_VERSION && v.certs == NULL && v.root == NULL &&
              v.n_pcrs == 0 && v.have_at == vm.have_at && v.at == vm.at &&
              v.nonce_len == vm.nonce_len && v.collateral == vm.collateral && v.pcrs == vm.pcrs,
          "cct_verify_options_init differs from CCT_VERIFY_OPTIONS_INIT");

    /* NULL is accepted. */
    cct_open_options_init(NULL);
    cct_report_request_init(NULL);
    cct_eventlog_options_init(NULL);
    cct_replay_options_init(NULL);
    cct_verify_options_init(NULL);

    /* What the init function gives is accepted by the call it is for. */
    cct_replay *rp = NULL;
    CHECK(cct_replay_new(&r, &rp) == 0, "cct_replay_new rejects cct_replay_options_init's options");
    cct_replay_free(rp);
}

/* A two-event SHA-256 crypto-agile log. */
static void small_log(struct lb *b)
{
    static const uint16_t algs[] = { CCT_ALG_SHA256 };
    lb_init(b);
    lb_header(b, 0, algs, 1);
    lb_event2(b, 0, 0x0d /* EV_IPL */, algs, 1, "one", 3);
    lb_event2(b, 1, 0x0d, algs, 1, "two", 3);
}

static void test_event_version(void)
{
    struct lb b;
    small_log(&b);
    cct_eventlog *log = NULL;
    CHECK(cct_eventlog_from_memory(b.p, b.len, NULL, &log, NULL) == 0, "small log does not open");
    struct cct_event ev;
    int n = 0;
    memset(&ev, 0xA5, sizeof(ev));
    while (log && cct_eventlog_next(log, &ev) > 0) {
        int zero = 1;
        for (size_t i = 0; i < sizeof(ev.reserved) / sizeof(ev.reserved[0]); i++) {
            zero &= ev.reserved[i] == 0;
        }
        CHECK(ev.version == CCT_EVENT_VERSION, "event %d: version %u, want %u", n, ev.version,
              (unsigned)CCT_EVENT_VERSION);
        CHECK(zero, "event %d: reserved area not zeroed", n);
        n++;
        memset(&ev, 0xA5, sizeof(ev));
    }
    CHECK(n == 3, "small log: %d events, want 3", n);
    cct_eventlog_free(log);
    lb_free(&b);
}

/* A failing call whose message must be its own and differ from the previous one. */
#define CHECK_OWN(err, want_code, want_text, prev)                                                 \
    do {                                                                                           \
        const struct cct_error *e_ = (err);                                                        \
        CHECK(e_->code == (want_code) && strstr(e_->message, (want_text)) != NULL &&               \
                  strcmp(e_->message, (prev)) != 0,                                                \
              "error after a failure: code %d message '%s', want %d with '%s' (previous '%s')",    \
              e_->code, e_->message, (want_code), (want_text), (prev));                            \
        snprintf(prev, sizeof(prev), "%s", e_->message);                                           \
    } while (0)

static void test_context_errors(void)
{
    char dir[] = "/tmp/cct-contract-XXXXXX";
    if (mkdtemp(dir) == NULL) {
        CHECK(0, "mkdtemp");
        return;
    }
    struct cct_open_options o = CCT_OPEN_OPTIONS_INIT;
    o.platform = CCT_PLATFORM_SIM;
    o.sim_state_dir = dir;
    o.sysroot = dir;
    cct_context *ctx = NULL;
    struct cct_error err;
    cct_error_clear(&err);
    CHECK(cct_open(&o, &ctx, &err) == 0, "sim does not open: %s", err.message);
    if (ctx == NULL) {
        return;
    }
    char prev[CCT_ERROR_MESSAGE_MAX] = "";
    struct cct_measurement m;
    uint16_t alg = 0;
    size_t n = 0;
    cct_eventlog *log = NULL;
    cct_replay *rp = NULL;
    CHECK(cct_get_measurement(ctx, 99, 0, &m) == CCT_ENOTFOUND, "register 99 exists");
    CHECK_OWN(cct_context_error(ctx), CCT_ENOTFOUND, "99", prev);
    /* Each of these fails after a failure and must say why itself. */
    CHECK(cct_get_default_algorithm(ctx, NULL) == CCT_EINVAL, "NULL output accepted");
    CHECK_OWN(cct_context_error(ctx), CCT_EINVAL, "default algorithm", prev);
    CHECK(cct_get_measurement_count(ctx, NULL) == CCT_EINVAL, "NULL output accepted");
    CHECK_OWN(cct_context_error(ctx), CCT_EINVAL, "measurement count", prev);
    CHECK(cct_get_measurement(ctx, 0, 0, NULL) == CCT_EINVAL, "NULL output accepted");
    CHECK_OWN(cct_context_error(ctx), CCT_EINVAL, "measurement", prev);
    CHECK(cct_get_log_sources(ctx, NULL, 0, &n) == CCT_EINVAL, "NULL output accepted");
    CHECK_OWN(cct_context_error(ctx), CCT_EINVAL, "log sources", prev);
    CHECK(cct_get_eventlog(ctx, 0, 0, CCT_COUNT_ALL, NULL) == CCT_EINVAL, "NULL output accepted");
    CHECK_OWN(cct_context_error(ctx), CCT_EINVAL, "event log", prev);
    CHECK(cct_get_eventlog(ctx, 99, 0, CCT_COUNT_ALL, &log) == CCT_ENOTFOUND && log == NULL,
          "source 99");
    CHECK_OWN(cct_context_error(ctx), CCT_ENOTFOUND, "no event log source 99", prev);
    CHECK(cct_replay_live(ctx, NULL, NULL) == CCT_EINVAL, "NULL output accepted");
    CHECK_OWN(cct_context_error(ctx), CCT_EINVAL, "invalid argument", prev);
    CHECK(cct_extend(ctx, 0, NULL, 0, NULL, 0) == CCT_EINVAL, "extend without a digest accepted");
    CHECK_OWN(cct_context_error(ctx), CCT_EINVAL, "extend", prev);
    struct cct_report_request req = CCT_REPORT_REQUEST_INIT;
    cct_report *rep = NULL;
    req.version = 99;
    CHECK(cct_get_report(ctx, &req, &rep) == CCT_EINVAL && rep == NULL,
          "report request version 99");
    CHECK_OWN(cct_context_error(ctx), CCT_EINVAL, "report request", prev);
    /* A success in between does not matter; the next failure still speaks for itself. */
    CHECK(cct_get_default_algorithm(ctx, &alg) == 0, "default algorithm");
    CHECK(cct_get_measurement(ctx, 0, CCT_ALG_SM3_256, &m) < 0, "sim has an SM3 bank");
    CHECK(strcmp(cct_context_error(ctx)->message, prev) != 0 &&
              cct_context_error(ctx)->message[0] != '\0',
          "SM3 read: message '%s' is the previous one", cct_context_error(ctx)->message);
    cct_replay_free(rp);
    cct_close(ctx);

    /* cct_open reports into the caller's err: a second failure overwrites the first. */
    o.version = 99;
    CHECK(cct_open(&o, &ctx, &err) == CCT_EINVAL, "options version 99 accepted");
    snprintf(prev, sizeof(prev), "%s", err.message);
    o.version = CCT_OPEN_OPTIONS_VERSION;
    o.platform = CCT_PLATFORM_SNP;
    CHECK(cct_open(&o, &ctx, &err) == CCT_ENOTFOUND, "snp opened in an empty sysroot");
    CHECK_OWN(&err, CCT_ENOTFOUND, "snp requested but not present", prev);
    char cmd[64];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    CHECK(system(cmd) == 0, "cleanup");
}

static void test_log_errors(void)
{
    struct lb b;
    small_log(&b);
    cct_eventlog *log = NULL;
    struct cct_error err;
    cct_error_clear(&err);
    char prev[CCT_ERROR_MESSAGE_MAX] = "";
    /* The caller's err: two different failures, two messages. */
    struct cct_eventlog_options o = CCT_EVENTLOG_OPTIONS_INIT;
    o.version = 99;
    CHECK(cct_eventlog_from_memory(b.p, b.len, &o, &log, &err) == CCT_EINVAL && log == NULL,
          "version 99");
    CHECK_OWN(&err, CCT_EINVAL, "version", prev);
    CHECK(cct_eventlog_from_memory(b.p, 7, NULL, &log, &err) < 0 && log == NULL,
          "7-byte log opened");
    CHECK(err.code < 0 && strcmp(err.message, prev) != 0 && err.message[0] != '\0',
          "truncated log: message '%s' is the previous one", err.message);
    snprintf(prev, sizeof(prev), "%s", err.message);

    /* The log's own error record. */
    CHECK(cct_eventlog_from_memory(b.p, b.len, NULL, &log, NULL) == 0, "small log does not open");
    if (log == NULL) {
        lb_free(&b);
        return;
    }
    CHECK(cct_eventlog_ima_set_register(log, CCT_REG_RTMR) == CCT_EINVAL,
          "IMA setting on a TCG log");
    CHECK_OWN(cct_eventlog_error(log), CCT_EINVAL, "IMA", prev);
    CHECK(cct_eventlog_next(log, NULL) == CCT_EINVAL, "NULL event accepted");
    CHECK_OWN(cct_eventlog_error(log), CCT_EINVAL, "no output", prev);
    struct cct_event ev;
    CHECK(cct_eventlog_next(log, &ev) == 1, "first event");
    CHECK(cct_eventlog_select(log, 0, 1) == CCT_EINVAL, "select after next accepted");
    CHECK_OWN(cct_eventlog_error(log), CCT_EINVAL, "select", prev);
    CHECK(cct_eventlog_resume(log, NULL) == CCT_EINVAL, "NULL position accepted");
    CHECK_OWN(cct_eventlog_error(log), CCT_EINVAL, "resume", prev);
    cct_eventlog_free(log);
    lb_free(&b);
}

int main(void)
{
    test_init_functions();
    test_event_version();
    test_context_errors();
    test_log_errors();
    printf("%d checks, %d failures\n", checks, failures);
    return failures ? 1 : 0;
}
