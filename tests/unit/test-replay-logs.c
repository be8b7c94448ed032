/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The multi-log replay through the public API: order (boot logs before
 * IMA), the IMA register file, extra and padded IMA banks, notes
 * (digest mismatch, separator data, duplicate separator), expected-value
 * parsing, comparison and explanation with a workaround hint, options
 * versions. Expected values are computed here with OpenSSL (logbuilder.c),
 * not with the library's crypto layer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <cctrusted/replay.h>

#include "formats/tcg/tcg.h"
#include "logbuilder.h"

static const uint16_t BANKS[] = { CCT_ALG_SHA1, CCT_ALG_SHA256 };
static const uint8_t zero4[4], bad_sep[4] = { 1, 2, 3, 4 };

/* A TCG2 log: separators on PCR0-7, a second one on PCR4, a separator with
 * junk data on PCR6 (as its 2nd), an EV_EFI_ACTION on PCR5 whose digest is
 * not H(data), and no ExitBootServices actions. */
static void boot_log(struct lb *b)
{
    lb_init(b);
    lb_header(b, 0, BANKS, 2);
    for (uint32_t i = 0; i < 8; i++) {
        lb_event2(b, i, EV_SEPARATOR, BANKS, 2, i == 6 ? bad_sep : zero4, 4);
    }
    lb_event2(b, 4, EV_SEPARATOR, BANKS, 2, zero4, 4); /* event 9: duplicate */
    uint8_t d1[20], d2[32];
    lb_hash(CCT_ALG_SHA1, "other", 5, d1);
    lb_hash(CCT_ALG_SHA256, "other", 5, d2);
    const uint8_t *const ds[2] = { d1, d2 };
    lb_event2_digests(b, 5, EV_EFI_ACTION, BANKS, 2, ds, "Calling EFI Application",
                      23); /* event 10 */
}

/* One ima-ng entry: template data d-ng ("sha256:\0" + digest) and n-ng ("/bin/x\0"). */
struct ima_entry {
    uint8_t tdata[128];
    size_t tlen;
    char line[256];
};

static void ima_list(struct ima_entry *e, uint32_t pcr)
{
    uint8_t fd[32], th[20];
    static const char name[] = "/bin/x";
    lb_hash(CCT_ALG_SHA256, "file contents", 13, fd);
    size_t o = 0;
    uint32_t l1 = 8 + 32, l2 = sizeof(name);
    memcpy(e->tdata + o, &l1, 4);
    memcpy(e->tdata + o + 4, "sha256:\0", 8);
    memcpy(e->tdata + o + 12, fd, 32);
    o += 4 + l1;
    memcpy(e->tdata + o, &l2, 4);
    memcpy(e->tdata + o + 4, name, sizeof(name));
    o += 4 + l2;
    e->tlen = o;
    lb_hash(CCT_ALG_SHA1, e->tdata, e->tlen, th);
    int n = snprintf(e->line, sizeof(e->line), "%u ", pcr);
    for (int i = 0; i < 20; i++) {
        n += snprintf(e->line + n, sizeof(e->line) - (size_t)n, "%02x", th[i]);
    }
    n += snprintf(e->line + n, sizeof(e->line) - (size_t)n, " ima-ng sha256:");
    for (int i = 0; i < 32; i++) {
        n += snprintf(e->line + n, sizeof(e->line) - (size_t)n, "%02x", fd[i]);
    }
    snprintf(e->line + n, sizeof(e->line) - (size_t)n, " %s\n", name);
}

static void extend(uint16_t alg, uint8_t *reg, const uint8_t *d)
{
    size_t n = lb_alg_size(alg);
    lb_hash2(alg, reg, n, d, n, reg);
}

static void test_order_and_ima_banks(void **state)
{
    (void)state;
    struct lb b;
    struct ima_entry ie;
    struct cct_error err;
    boot_log(&b);
    ima_list(&ie, 10);
    /* IMA given first: the library replays the boot log first anyway. */
    struct cct_log_input in[2];
    memset(in, 0, sizeof(in));
    in[0].data = (const uint8_t *)ie.line;
    in[0].len = strlen(ie.line);
    in[0].name = "ima";
    in[1].data = b.p;
    in[1].len = b.len;
    in[1].name = "boot";
    struct cct_replay_options o = CCT_REPLAY_OPTIONS_INIT;
    o.n_ima_banks = 1;
    o.ima_banks[0] = CCT_ALG_SHA256;
    cct_replay *r = NULL;
    assert_int_equal(cct_replay_logs(in, 2, &o, &r, &err), 0);
    assert_int_equal(cct_replay_log_count(r), 2);
    struct cct_replay_log_info li;
    assert_int_equal(cct_replay_log_info(r, 0, &li), 0);
    assert_int_equal(li.format, CCT_LOG_IMA_ASCII);
    assert_int_equal(li.ima_kind, CCT_REG_PCR); /* no CCEL: PCR */
    assert_int_equal(li.events, 1);
    assert_int_equal(cct_replay_log_info(r, 1, &li), 0);
    assert_int_equal(li.format, CCT_LOG_TCG2);
    assert_int_equal(li.events, 11);
    /* PCR10: sha1 from the logged template hash, sha256 recomputed from the template data. */
    uint8_t w1[20] = { 0 }, w2[32] = { 0 }, d[32];
    lb_hash(CCT_ALG_SHA1, ie.tdata, ie.tlen, d);
    extend(CCT_ALG_SHA1, w1, d);
    lb_hash(CCT_ALG_SHA256, ie.tdata, ie.tlen, d);
    extend(CCT_ALG_SHA256, w2, d);
    struct cct_register reg;
    assert_int_equal(cct_replay_lookup(r, CCT_REG_PCR, 10, CCT_ALG_SHA1, &reg), 0);
    assert_memory_equal(reg.digest, w1, 20);
    assert_int_equal(cct_replay_lookup(r, CCT_REG_PCR, 10, CCT_ALG_SHA256, &reg), 0);
    assert_memory_equal(reg.digest, w2, 32);
    cct_replay_free(r);

    /* Padded bank: the SHA-1 template hash, zero-padded, instead. */
    o.n_ima_banks = 0;
    o.n_ima_padded = 1;
    o.ima_padded[0] = CCT_ALG_SHA256;
    o.ima_register = CCT_IMA_REGISTER_RTMR;
    assert_int_equal(cct_replay_logs(in, 2, &o, &r, &err), 0);
    memset(w2, 0, sizeof(w2));
    memset(d, 0, sizeof(d));
    lb_hash(CCT_ALG_SHA1, ie.tdata, ie.tlen, d);
    extend(CCT_ALG_SHA256, w2, d);
    assert_int_equal(cct_replay_ima_register(r), CCT_REG_RTMR);
    assert_int_equal(cct_replay_lookup(r, CCT_REG_RTMR, 10, CCT_ALG_SHA256, &reg), 0);
    assert_memory_equal(reg.digest, w2, 32);
    assert_int_equal(reg.n_events, 1);
    assert_int_equal(cct_replay_lookup(r, CCT_REG_PCR, 10, CCT_ALG_SHA256, &reg), 0);
    assert_int_equal(reg.n_events, 0);
    cct_replay_free(r);
    lb_free(&b);
}

static void test_notes(void **state)
{
    (void)state;
    struct lb b;
    struct cct_error err;
    boot_log(&b);
    struct cct_log_input in = { NULL, b.p, b.len, CCT_LOG_AUTO, CCT_IMA_REGISTER_AUTO, "boot" };
    cct_replay *r = NULL;
    assert_int_equal(cct_replay_logs(&in, 1, NULL, &r, &err), 0);
    int seen_sep = 0, seen_dup = 0, seen_digest = 0;
    for (size_t i = 0; i < cct_replay_note_count(r); i++) {
        struct cct_replay_note n;
        assert_int_equal(cct_replay_note_get(r, i, &n), 0);
        assert_int_equal(n.log, 0);
        if (n.code == CCT_NOTE_SEPARATOR_DATA) {
            assert_int_equal(n.event, 7);
            assert_int_equal(n.index, 6);
            seen_sep++;
        } else if (n.code == CCT_NOTE_DUP_SEPARATOR) {
            assert_int_equal(n.event, 9);
            assert_int_equal(n.index, 4);
            seen_dup++;
        } else if (n.code == CCT_NOTE_DIGEST_MISMATCH) {
            assert_int_equal(n.event, 10);
            assert_non_null(strstr(n.text, "EV_EFI_ACTION"));
            seen_digest++;
        }
    }
    /* The junk separator's digest is H(its data): only the separator note. */
    assert_int_equal(seen_sep, 1);
    assert_int_equal(seen_dup, 1);
    assert_int_equal(seen_digest, 1);
    assert_int_equal(cct_replay_notes_dropped(r), 0);
    struct cct_replay_note n;
    assert_int_equal(cct_replay_note_get(r, cct_replay_note_count(r), &n), CCT_EINVAL);

    /* Without diagnostics: the same registers (every one compared), no notes. */
    struct cct_replay_options o = CCT_REPLAY_OPTIONS_INIT;
    o.flags = CCT_REPLAY_F_NO_DIAGNOSTICS;
    cct_replay *q = NULL;
    assert_int_equal(cct_replay_logs(&in, 1, &o, &q, &err), 0);
    assert_int_equal(cct_replay_note_count(q), 0);
    assert_true(cct_replay_count(r) > 0);
    assert_int_equal(cct_replay_count(q), cct_replay_count(r));
    for (size_t i = 0; i < cct_replay_count(r); i++) {
        struct cct_register a, c;
        assert_int_equal(cct_replay_get(r, i, &a), 0);
        assert_int_equal(cct_replay_get(q, i, &c), 0);
        assert_true(a.kind == c.kind && a.index == c.index && a.alg == c.alg);
        assert_int_equal(a.size, c.size);
        assert_memory_equal(a.digest, c.digest, a.size);
    }
    cct_replay_free(q);
    cct_replay_free(r);
    lb_free(&b);
}

static void test_expected_parse(void **state)
{
    (void)state;
    struct cct_expected ex[4];
    struct cct_error err;
    size_t n = 0;
    char text[512];
    snprintf(text, sizeof(text),
             "# comment\n\nPCR5 sha1 %040d\n  RTMR2 sha384 %096d\n7 sha256 %064d\n", 0, 0, 0);
    assert_int_equal(cct_expected_parse((const uint8_t *)text, strlen(text), ex, 4, &n, &err), 0);
    assert_int_equal(n, 3);
    assert_true(ex[0].have_kind && ex[0].kind == CCT_REG_PCR && ex[0].index == 5 &&
                ex[0].size == 20);
    assert_true(ex[1].have_kind && ex[1].kind == CCT_REG_RTMR && ex[1].index == 2 &&
                ex[1].size == 48);
    assert_true(!ex[2].have_kind && ex[2].index == 7 && ex[2].alg == CCT_ALG_SHA256);
    /* The limit, a short digest, a bad index: errors naming the line. */
    assert_int_equal(cct_expected_parse((const uint8_t *)text, strlen(text), ex, 2, &n, &err),
                     CCT_ELIMIT);
    snprintf(text, sizeof(text), "PCR5 sha1 %040d\nPCR6 sha1 00ff\n", 0);
    assert_int_equal(cct_expected_parse((const uint8_t *)text, strlen(text), ex, 4, &n, &err),
                     CCT_EMALFORMED);
    assert_non_null(strstr(err.message, "line 2"));
    snprintf(text, sizeof(text), "PCRx sha1 %040d\n", 0);
    assert_int_equal(cct_expected_parse((const uint8_t *)text, strlen(text), ex, 4, &n, &err),
                     CCT_EMALFORMED);
    snprintf(text, sizeof(text), "PCR5 sha1\n");
    assert_int_equal(cct_expected_parse((const uint8_t *)text, strlen(text), ex, 4, &n, &err),
                     CCT_EMALFORMED);
    /* The JSON that `cctrusted replay --json` prints. */
    snprintf(text, sizeof(text),
             "{\"registers\":[{\"index\":3,\"alg\":\"sha1\",\"digest\":\"%040d\","
             "\"register\":\"rtmr\",\"events\":1}]}",
             0);
    assert_int_equal(cct_expected_parse((const uint8_t *)text, strlen(text), ex, 4, &n, &err), 0);
    assert_true(n == 1 && ex[0].have_kind && ex[0].kind == CCT_REG_RTMR && ex[0].index == 3);
    snprintf(text, sizeof(text), "{\"registers\":[{\"index\":3}]}");
    assert_int_equal(cct_expected_parse((const uint8_t *)text, strlen(text), ex, 4, &n, &err),
                     CCT_EMALFORMED);
    assert_int_equal(cct_expected_parse((const uint8_t *)"{\"reg", 5, ex, 4, &n, &err),
                     CCT_EMALFORMED);
}

static void test_compare_explain(void **state)
{
    (void)state;
    struct lb b;
    struct cct_error err;
    boot_log(&b);
    struct cct_log_input in = { NULL, b.p, b.len, CCT_LOG_AUTO, CCT_IMA_REGISTER_AUTO, "boot" };
    cct_replay *r = NULL;
    assert_int_equal(cct_replay_logs(&in, 1, NULL, &r, &err), 0);
    /* What a platform whose firmware extended the two EBS strings unlogged holds in PCR5. */
    struct cct_expected ex[2];
    memset(ex, 0, sizeof(ex));
    uint8_t d[32];
    ex[0].have_kind = 1;
    ex[0].kind = CCT_REG_PCR;
    ex[0].index = 5;
    ex[0].alg = CCT_ALG_SHA256;
    ex[0].size = 32;
    extend(CCT_ALG_SHA256, ex[0].digest, (lb_hash(CCT_ALG_SHA256, zero4, 4, d), d));
    lb_hash(CCT_ALG_SHA256, "other", 5, d);
    extend(CCT_ALG_SHA256, ex[0].digest, d);
    lb_hash(CCT_ALG_SHA256, "Exit Boot Services Invocation", 29, d);
    extend(CCT_ALG_SHA256, ex[0].digest, d);
    lb_hash(CCT_ALG_SHA256, "Exit Boot Services Returned with Success", 40, d);
    extend(CCT_ALG_SHA256, ex[0].digest, d);
    ex[1] = ex[0];
    ex[1].size = 0; /* not compared */
    struct cct_register_diff diffs[2];
    size_t nd = 99;
    assert_int_equal(cct_replay_compare(r, ex, 2, diffs, 2, &nd), 0);
    assert_int_equal(nd, 1);
    assert_int_equal(diffs[0].index, 5);
    assert_memory_equal(diffs[0].expected, ex[0].digest, 32);
    char *why = NULL;
    assert_int_equal(cct_replay_explain(r, &diffs[0], &why), 0);
    assert_non_null(strstr(why, "events feeding PCR5 in boot: 6(EV_SEPARATOR) 10(EV_EFI_ACTION)"));
    assert_non_null(strstr(why, "digest does not match"));
    assert_non_null(strstr(why, "hint: this register matches with the workaround ebs-missing"));
    cct_free(why);
    cct_replay_free(r);
    /* With the workaround the same expected value matches. */
    struct cct_replay_options o = CCT_REPLAY_OPTIONS_INIT;
    o.workarounds = CCT_WORKAROUND_EBS_MISSING;
    assert_int_equal(cct_replay_logs(&in, 1, &o, &r, &err), 0);
    assert_int_equal(cct_replay_compare(r, ex, 2, diffs, 2, &nd), 0);
    assert_int_equal(nd, 0);
    cct_replay_free(r);
    lb_free(&b);
}

static void test_options_and_errors(void **state)
{
    (void)state;
    cct_replay *r = NULL;
    struct cct_error err;
    struct cct_replay_options o;
    cct_replay_options_init(&o);
    assert_int_equal(o.version, CCT_REPLAY_OPTIONS_VERSION);
    o.version = 1; /* the first version (workarounds only) is still accepted */
    assert_int_equal(cct_replay_new(&o, &r), 0);
    cct_replay_free(r);
    o.version = 99;
    assert_int_equal(cct_replay_new(&o, &r), CCT_EINVAL);
    cct_replay_options_init(&o);
    o.n_ima_banks = 1;
    o.ima_banks[0] = 0x7777;
    assert_int_equal(cct_replay_new(&o, &r), CCT_EINVAL);
    cct_replay_options_init(&o);
    static const uint8_t mrtd[47];
    o.mrtd = mrtd;
    o.mrtd_len = sizeof(mrtd);
    assert_int_equal(cct_replay_new(&o, &r), CCT_EINVAL);
    /* A log that is not a log: the error names it. */
    struct cct_log_input in = { NULL,         (const uint8_t *)"garbage!", 8,
                                CCT_LOG_AUTO, CCT_IMA_REGISTER_AUTO,       "junk" };
    assert_true(cct_replay_logs(&in, 1, NULL, &r, &err) < 0);
    assert_non_null(strstr(err.message, "junk"));
    /* Where events extend. */
    struct cct_event ev;
    enum cct_reg_kind k;
    uint32_t idx;
    memset(&ev, 0, sizeof(ev));
    assert_int_equal(cct_replay_new(NULL, &r), 0);
    ev.kind = CCT_REG_PCR;
    ev.index = 4;
    ev.type = EV_SEPARATOR;
    assert_int_equal(cct_replay_event_register(r, &ev, &k, &idx), 1);
    assert_true(k == CCT_REG_PCR && idx == 4);
    ev.type = EV_NO_ACTION;
    assert_int_equal(cct_replay_event_register(r, &ev, &k, &idx), 0);
    ev.type = EV_SEPARATOR;
    ev.kind = CCT_REG_MRTD;
    assert_int_equal(cct_replay_event_register(r, &ev, &k, &idx), 0);
    cct_replay_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order_and_ima_banks), cmocka_unit_test(test_notes),
        cmocka_unit_test(test_expected_parse),      cmocka_unit_test(test_compare_explain),
        cmocka_unit_test(test_options_and_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
