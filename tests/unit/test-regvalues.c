/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The one register-value grammar through the public API: cct_expected_parse()
 * (lines, tokens, names, JSON of replay/measurement/eventlog, YAML register
 * sections, tpm2_pcrread blocks), its errors (line and byte offset),
 * cct_pcr_values_parse() as the TPM view of the same grammar, and
 * cct_replay_expected_check() refusing names that do not fit the logs.
 * Digests are written here as hex and compared with the bytes they spell.
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
#include <cctrusted/verify.h>

#include "formats/tcg/tcg.h"
#include "logbuilder.h"

#define MAXV 16

/* n bytes of hex "b0 b0+1 ..." into out (2n+1). */
static void hexof(uint8_t b0, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++) {
        snprintf(out + 2 * i, 3, "%02x", (uint8_t)(b0 + i));
    }
}

/* The values every test writes: 20, 32 and 48 bytes starting at 0x10, 0x20, 0x30 (spells()). */
static char h20[41], h32[65], h48[97];

static int fill_hex(void **state)
{
    (void)state;
    hexof(0x10, 20, h20);
    hexof(0x20, 32, h32);
    hexof(0x30, 48, h48);
    return 0;
}

static int spells(const struct cct_expected *e, uint8_t b0, size_t n)
{
    if (e->size != n) {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        if (e->digest[i] != (uint8_t)(b0 + i)) {
            return 0;
        }
    }
    return 1;
}

static int parse(const char *text, struct cct_expected *ex, size_t *n, struct cct_error *err)
{
    cct_error_clear(err);
    return cct_expected_parse((const uint8_t *)text, strlen(text), ex, MAXV, n, err);
}

static void test_lines_and_names(void **state)
{
    (void)state;
    struct cct_expected ex[MAXV];
    struct cct_error err;
    size_t n = 0;
    char text[1024];
    snprintf(text, sizeof(text),
             "# comment\n\nPCR5 sha1 %s\n  RTMR2 sha384 0x%s # trailing comment\n"
             "IMR3, sha256, %s\n7 sha256 %s\nMRTD sha384 %s\n",
             h20, h48, h32, h32, h48);
    assert_int_equal(parse(text, ex, &n, &err), 0);
    assert_int_equal(n, 5);
    assert_true(ex[0].have_kind && ex[0].kind == CCT_REG_PCR && ex[0].index == 5 &&
                ex[0].alg == CCT_ALG_SHA1 && spells(&ex[0], 0x10, 20));
    assert_true(ex[1].have_kind && ex[1].kind == CCT_REG_RTMR && ex[1].index == 2 &&
                spells(&ex[1], 0x30, 48));
    /* IMRn and N: native index n of the evidence's register file */
    assert_true(!ex[2].have_kind && ex[2].index == 3 && ex[2].alg == CCT_ALG_SHA256 &&
                spells(&ex[2], 0x20, 32));
    assert_true(!ex[3].have_kind && ex[3].index == 7);
    assert_true(ex[4].have_kind && ex[4].kind == CCT_REG_MRTD && ex[4].index == 0);

    /* tokens: [ALG:]NAME=HEX, algorithm from the size when absent */
    snprintf(text, sizeof(text), "sha1:PCR3=%s, 7=0x%s;RTMR1=%s\n", h20, h32, h48);
    assert_int_equal(parse(text, ex, &n, &err), 0);
    assert_int_equal(n, 3);
    assert_true(ex[0].have_kind && ex[0].index == 3 && ex[0].alg == CCT_ALG_SHA1 &&
                spells(&ex[0], 0x10, 20));
    assert_true(!ex[1].have_kind && ex[1].index == 7 && ex[1].alg == CCT_ALG_SHA256 &&
                spells(&ex[1], 0x20, 32));
    assert_true(ex[2].kind == CCT_REG_RTMR && ex[2].alg == CCT_ALG_SHA384);
}

static void test_errors(void **state)
{
    (void)state;
    struct cct_expected ex[MAXV];
    struct cct_error err;
    size_t n = 77;
    char text[1024];
    static const char *const bad[] = {
        "PCR6 sha1 00ff", "PCRx sha1 00",    "PCR5 sha1",       "RTMR4 sha384 00",
        "PCR32 sha1 00",  "PCR1 md5 00",     "sha256:3=0011",   "3=00112",
        "x=00",           "MRTD1 sha384 00", "PCR1 sha1 00 00", "5 sha256 zz",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        /* the bad value on line 3, after a good one and a comment */
        snprintf(text, sizeof(text), "PCR5 sha1 %s\n# x\n%s\n", h20, bad[i]);
        size_t line3 = strlen(text) - strlen(bad[i]) - 1;
        n = 77;
        int rc = parse(text, ex, &n, &err);
        if (rc != CCT_EMALFORMED || strstr(err.message, "line 3") == NULL ||
            err.offset < (int64_t)line3 || err.offset >= (int64_t)(line3 + strlen(bad[i])) ||
            n != 77) {
            fail_msg("'%s': rc %d, offset %lld (line at %zu), message %s", bad[i], rc,
                     (long long)err.offset, line3, err.message);
        }
    }
    /* the same register twice with different values; the same value twice is fine */
    snprintf(text, sizeof(text), "PCR5 sha1 %s\nsha1:PCR5=%s\n", h20, h20);
    assert_int_equal(parse(text, ex, &n, &err), 0);
    text[strlen(text) - 2] ^= 1;
    assert_int_equal(parse(text, ex, &n, &err), CCT_EMALFORMED);
    assert_non_null(strstr(err.message, "given twice"));
    /* the limit */
    snprintf(text, sizeof(text), "1=%s 2=%s\n", h20, h20);
    assert_int_equal(cct_expected_parse((const uint8_t *)text, strlen(text), ex, 1, &n, &err),
                     CCT_ELIMIT);
    /* a NUL byte inside text */
    static const char nul[] = "PCR1 sha1\0 00";
    assert_int_equal(cct_expected_parse((const uint8_t *)nul, sizeof(nul) - 1, ex, MAXV, &n, &err),
                     CCT_EMALFORMED);
    (void)h32;
    (void)h48;
}

static void test_json(void **state)
{
    (void)state;
    struct cct_expected ex[MAXV];
    struct cct_error err;
    size_t n = 0;
    char text[2048];
    /* replay --json */
    snprintf(text, sizeof(text),
             "{\"registers\":[{\"index\":3,\"alg\":\"sha384\",\"digest\":\"%s\","
             "\"register\":\"rtmr\",\"events\":1}],\"logs\":[]}",
             h48);
    assert_int_equal(parse(text, ex, &n, &err), 0);
    assert_true(n == 1 && ex[0].have_kind && ex[0].kind == CCT_REG_RTMR && ex[0].index == 3 &&
                spells(&ex[0], 0x30, 48));
    /* measurement --json */
    snprintf(text, sizeof(text),
             "{\"platform\":\"tpm\",\"default_algorithm\":\"sha256\",\"registers\":[\n"
             "  {\"index\":0,\"register\":\"pcr\",\"alg\":\"sha256\",\"digest\":\"%s\"},\n"
             "  {\"index\":23,\"register\":\"pcr\",\"alg\":\"sha256\",\"digest\":\"%s\"}\n]}\n",
             h32, h32);
    assert_int_equal(parse(text, ex, &n, &err), 0);
    assert_true(n == 2 && ex[1].kind == CCT_REG_PCR && ex[1].index == 23 &&
                spells(&ex[1], 0x20, 32));
    /* eventlog --json of one log: its replay */
    snprintf(text, sizeof(text),
             "{\"logs\":[{\"file\":\"x\",\"events\":[],\"replay\":{\"registers\":["
             "{\"index\":4,\"register\":\"pcr\",\"alg\":\"sha256\",\"digest\":\"%s\"}]}}]}",
             h32);
    assert_int_equal(parse(text, ex, &n, &err), 0);
    assert_true(n == 1 && ex[0].index == 4);
    /* several logs: each replayed alone, refused */
    assert_int_equal(parse("{\"logs\":[{},{}]}", ex, &n, &err), CCT_EMALFORMED);
    /* errors name the entry */
    assert_int_equal(parse("{\"registers\":[{\"index\":1,\"alg\":\"sha256\"}]}", ex, &n, &err),
                     CCT_EMALFORMED);
    assert_non_null(strstr(err.message, "registers[0]"));
    snprintf(text, sizeof(text),
             "{\"registers\":[{\"index\":9,\"register\":\"rtmr\",\"alg\":\"sha384\","
             "\"digest\":\"%s\"}]}",
             h48);
    assert_int_equal(parse(text, ex, &n, &err), CCT_EMALFORMED);
    assert_non_null(strstr(err.message, "RTMR index"));
    assert_int_equal(parse("{\"reg", ex, &n, &err), CCT_EMALFORMED);
    assert_true(err.offset >= 0);
    assert_int_equal(parse("{\"x\":1}", ex, &n, &err), CCT_EMALFORMED);
    /* a second document after the first is not ignored */
    assert_int_equal(parse("{\"registers\":[]}\n{\"registers\":[]}\n", ex, &n, &err),
                     CCT_EMALFORMED);
    assert_int_equal(err.offset, 17);
    assert_int_equal(parse("{\"registers\":[]}\n\n", ex, &n, &err), 0);
}

static void test_yaml(void **state)
{
    (void)state;
    struct cct_expected ex[MAXV];
    struct cct_error err;
    size_t n = 0;
    char text[2048];
    /* eventlog --output yaml / tpm2_eventlog: events skipped, register sections read */
    snprintf(text, sizeof(text),
             "---\nversion: 1\nevents:\n- EventNum: 0\n  PCRIndex: 0\n  Digests:\n"
             "  - AlgorithmId: sha1\n    Digest: \"00\"\n    sha1:\n"
             "pcrs:\n  sha1:\n    0  : 0x%s\n    10 : 0x%s\n  sha256:\n    7  : 0x%s\n"
             "rtmrs:\n  sha384:\n    2  : 0x%s\n",
             h20, h20, h32, h48);
    assert_int_equal(parse(text, ex, &n, &err), 0);
    assert_int_equal(n, 4);
    assert_true(ex[0].have_kind && ex[0].kind == CCT_REG_PCR && ex[0].index == 0 &&
                ex[0].alg == CCT_ALG_SHA1 && spells(&ex[0], 0x10, 20));
    assert_true(ex[1].index == 10 && ex[2].index == 7 && ex[2].alg == CCT_ALG_SHA256);
    assert_true(ex[3].have_kind && ex[3].kind == CCT_REG_RTMR && ex[3].index == 2 &&
                spells(&ex[3], 0x30, 48));
    /* tpm2_pcrread: bank blocks without a section, upper-case hex */
    snprintf(text, sizeof(text), "  sha256:\n    0 : 0x%s\n    1 : 0x%s\n", h32, h32);
    for (char *c = text; *c; c++) {
        if (*c >= 'a' && *c <= 'f') {
            *c = (char)(*c - 'a' + 'A');
        }
    }
    assert_int_equal(parse(text, ex, &n, &err), 0);
    assert_true(n == 2 && !ex[1].have_kind && ex[1].index == 1 && spells(&ex[1], 0x20, 32));
    /* a value of the wrong size for its bank, on line 3 */
    snprintf(text, sizeof(text), "pcrs:\n  sha256:\n    0 : 0x%s\n", h20);
    assert_int_equal(parse(text, ex, &n, &err), CCT_EMALFORMED);
    assert_non_null(strstr(err.message, "line 3"));
    /* a stray line at the left is not silently skipped */
    snprintf(text, sizeof(text), "  sha256:\n    0 : 0x%s\nstray\n  sha1:\n    0 : 0x%s\n", h32,
             h20);
    assert_int_equal(parse(text, ex, &n, &err), CCT_EMALFORMED);
    assert_non_null(strstr(err.message, "line 3"));
    /* a value before any bank */
    assert_int_equal(parse("pcrs:\n    0 : 0x00\n", ex, &n, &err), CCT_EMALFORMED);
    assert_non_null(strstr(err.message, "line 2"));
}

static void test_pcr_values(void **state)
{
    (void)state;
    struct cct_pcr_value v[MAXV];
    struct cct_error err;
    size_t n = 0;
    char text[1024];
    snprintf(text, sizeof(text), "PCR1 sha256 %s\nIMR2 sha256 %s\n3=%s\n", h32, h32, h32);
    assert_int_equal(cct_pcr_values_parse((const uint8_t *)text, strlen(text), v, MAXV, &n, &err),
                     0);
    assert_true(n == 3 && v[0].index == 1 && v[1].index == 2 && v[2].index == 3 &&
                v[2].alg == CCT_ALG_SHA256 && v[2].digest[31] == 0x3f);
    /* a TPM quote covers PCRs only: RTMR and MRTD refused with the line */
    snprintf(text, sizeof(text), "PCR1 sha256 %s\nRTMR2 sha384 %s\n", h32, h48);
    assert_int_equal(cct_pcr_values_parse((const uint8_t *)text, strlen(text), v, MAXV, &n, &err),
                     CCT_EMALFORMED);
    assert_non_null(strstr(err.message, "line 2"));
    assert_non_null(strstr(err.message, "not a TPM PCR"));
    assert_int_equal(err.offset, (int64_t)(strlen("PCR1 sha256 ") + 64 + 1));
    snprintf(text, sizeof(text), "40 sha256 %s\n", h32);
    assert_int_equal(cct_pcr_values_parse((const uint8_t *)text, strlen(text), v, MAXV, &n, &err),
                     CCT_EMALFORMED);
    assert_non_null(strstr(err.message, "0-31"));
    /* measurement --json of a TDX guest: RTMRs are not PCRs */
    snprintf(text, sizeof(text),
             "{\"registers\":[{\"index\":0,\"register\":\"rtmr\",\"alg\":\"sha384\","
             "\"digest\":\"%s\"}]}",
             h48);
    assert_int_equal(cct_pcr_values_parse((const uint8_t *)text, strlen(text), v, MAXV, &n, &err),
                     CCT_EMALFORMED);
    assert_non_null(strstr(err.message, "registers[0]"));
}

static void test_fit(void **state)
{
    (void)state;
    static const uint16_t sha256[] = { CCT_ALG_SHA256 }, sha384[] = { CCT_ALG_SHA384 };
    static const uint8_t zero4[4];
    struct cct_expected ex[MAXV];
    struct cct_error err;
    size_t n = 0;
    char text[1024];
    /* a TPM log: PCRn, IMRn and N fit; RTMRn and MRTD do not */
    struct lb b;
    lb_init(&b);
    lb_header(&b, 0, sha256, 1);
    lb_event2(&b, 0, EV_SEPARATOR, sha256, 1, zero4, 4);
    struct cct_log_input in = { NULL, b.p, b.len, CCT_LOG_AUTO, CCT_IMA_REGISTER_AUTO, "tpm" };
    cct_replay *r = NULL;
    assert_int_equal(cct_replay_logs(&in, 1, NULL, &r, &err), 0);
    snprintf(text, sizeof(text), "PCR0 sha256 %s\nIMR1 sha256 %s\n2 sha256 %s\n", h32, h32, h32);
    assert_int_equal(parse(text, ex, &n, &err), 0);
    assert_int_equal(cct_replay_expected_check(r, ex, n, &err), 0);
    snprintf(text, sizeof(text), "PCR0 sha256 %s\nRTMR0 sha384 %s\n", h32, h48);
    assert_int_equal(parse(text, ex, &n, &err), 0);
    assert_int_equal(cct_replay_expected_check(r, ex, n, &err), CCT_EINVAL);
    assert_non_null(strstr(err.message, "value 2: RTMR0 does not fit"));
    snprintf(text, sizeof(text), "MRTD sha384 %s\n", h48);
    assert_int_equal(parse(text, ex, &n, &err), 0);
    assert_int_equal(cct_replay_expected_check(r, ex, n, &err), CCT_EINVAL);
    assert_non_null(strstr(err.message, "MRTD"));
    cct_replay_free(r);
    lb_free(&b);

    /* a CCEL: RTMRn and IMRn fit, PCRn does not */
    lb_init(&b);
    lb_header(&b, 1, sha384, 1);
    lb_event2(&b, 2, EV_SEPARATOR, sha384, 1, zero4, 4);
    struct cct_log_input cin = { NULL, b.p, b.len, CCT_LOG_CCEL, CCT_IMA_REGISTER_AUTO, "ccel" };
    assert_int_equal(cct_replay_logs(&cin, 1, NULL, &r, &err), 0);
    snprintf(text, sizeof(text), "RTMR1 sha384 %s\nIMR1 sha384 %s\n", h48, h48);
    assert_int_equal(parse(text, ex, &n, &err), 0);
    assert_int_equal(cct_replay_expected_check(r, ex, n, &err), 0);
    snprintf(text, sizeof(text), "PCR1 sha384 %s\n", h48);
    assert_int_equal(parse(text, ex, &n, &err), 0);
    assert_int_equal(cct_replay_expected_check(r, ex, n, &err), CCT_EINVAL);
    assert_non_null(strstr(err.message, "PCR1 does not fit"));
    cct_replay_free(r);
    lb_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lines_and_names),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_json),
        cmocka_unit_test(test_yaml),
        cmocka_unit_test(test_pcr_values),
        cmocka_unit_test(test_fit),
    };
    return cmocka_run_group_tests(tests, fill_hex, NULL);
}
