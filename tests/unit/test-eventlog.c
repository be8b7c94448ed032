/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Streaming iterator: memory and file sources yield the same events (on a
 * log larger than the file window, with events larger than its first
 * size), and start/count selection edge cases.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <cctrusted/eventlog.h>

#include "eventlog/eventlog_internal.h"
#include "formats/tcg/tcg.h"
#include "logbuilder.h"

static const uint16_t B3[] = { CCT_ALG_SHA1, CCT_ALG_SHA256, CCT_ALG_SHA384 };

struct fixture {
    struct lb log;
    char *path;
};

/* Over 1 MiB: 200 small events and four of 300 KiB spread among them. */
static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    uint8_t *big = malloc(300 * 1024);
    if (f == NULL || big == NULL) {
        return -1;
    }
    lb_init(&f->log);
    lb_header(&f->log, 0, B3, 3);
    for (int i = 0; i < 200; i++) {
        char msg[64];
        int n = snprintf(msg, sizeof(msg), "event %d", i);
        if (i % 50 == 25) {
            memset(big, 'a' + i % 26, 300 * 1024);
            big[0] = (uint8_t)i;
            lb_event2(&f->log, 9, EV_IPL, B3, 3, big, 300 * 1024);
        } else {
            lb_event2(&f->log, (uint32_t)(i % 10), EV_EVENT_TAG, B3, 1 + i % 3, msg, (size_t)n);
        }
    }
    free(big);
    f->path = lb_write_tmp(&f->log);
    *state = f;
    return f->log.len > 1024 * 1024 ? 0 : -1;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    unlink(f->path);
    free(f->path);
    lb_free(&f->log);
    free(f);
    return 0;
}

static cct_eventlog *open_log(const struct fixture *f, int file)
{
    cct_eventlog *log = NULL;
    struct cct_error err;
    int r = file ? cct_eventlog_from_file(f->path, NULL, &log, &err)
                 : cct_eventlog_from_memory(f->log.p, f->log.len, NULL, &log, &err);
    assert_int_equal(r, 0);
    assert_non_null(log);
    return log;
}

static void same_event(const struct cct_event *a, const struct cct_event *b)
{
    assert_int_equal(a->number, b->number);
    assert_int_equal(a->offset, b->offset);
    assert_int_equal(a->length, b->length);
    assert_int_equal(a->format, b->format);
    assert_int_equal(a->kind, b->kind);
    assert_int_equal(a->index, b->index);
    assert_int_equal(a->type, b->type);
    assert_int_equal(a->flags, b->flags);
    assert_int_equal(a->n_digests, b->n_digests);
    for (size_t i = 0; i < a->n_digests; i++) {
        assert_int_equal(a->digests[i].alg, b->digests[i].alg);
        assert_int_equal(a->digests[i].size, b->digests[i].size);
        assert_memory_equal(a->digests[i].bytes, b->digests[i].bytes, a->digests[i].size);
    }
    assert_int_equal(a->data_len, b->data_len);
    assert_memory_equal(a->data, b->data, a->data_len);
    assert_int_equal(a->raw_len, b->raw_len);
    assert_memory_equal(a->raw, b->raw, a->raw_len);
}

static void test_memory_equals_file(void **state)
{
    struct fixture *f = *state;
    cct_eventlog *m = open_log(f, 0), *fl = open_log(f, 1);
    struct cct_event a, b;
    size_t n = 0, big = 0;
    int ra, rb;
    assert_int_equal(cct_eventlog_format(m), CCT_LOG_TCG2);
    assert_int_equal(cct_eventlog_format(fl), CCT_LOG_TCG2);
    for (;;) {
        ra = cct_eventlog_next(m, &a);
        rb = cct_eventlog_next(fl, &b);
        assert_int_equal(ra, rb);
        if (ra <= 0) {
            break;
        }
        same_event(&a, &b);
        /* And both equal what was built. */
        assert_int_equal(a.number, n);
        assert_int_equal(a.offset, f->log.start[n]);
        big += a.data_len == 300 * 1024;
        n++;
    }
    assert_int_equal(ra, 0);
    assert_int_equal(n, f->log.n_records);
    assert_int_equal(big, 4);
    /* The file window started smaller than one large event and had to grow,
     * but stays bounded by the largest event, not the log. */
    assert_true(fl->win.cap >= 300 * 1024);
    assert_true(fl->win.cap < f->log.len / 2);

    /* After a rewind the file gives the same sequence again. */
    assert_int_equal(cct_eventlog_rewind(fl), 0);
    assert_int_equal(cct_eventlog_rewind(m), 0);
    size_t again = 0;
    while ((ra = cct_eventlog_next(m, &a)) > 0) {
        assert_int_equal(cct_eventlog_next(fl, &b), 1);
        same_event(&a, &b);
        again++;
    }
    assert_int_equal(again, n);
    assert_int_equal(cct_eventlog_next(fl, &b), 0);
    cct_eventlog_free(m);
    cct_eventlog_free(fl);
}

/* Numbers of the events a selection yields; returns the final next() code. */
static int collect(cct_eventlog *log, uint64_t *nums, size_t max, size_t *n)
{
    struct cct_event ev;
    int r;
    *n = 0;
    while ((r = cct_eventlog_next(log, &ev)) > 0) {
        if (*n < max) {
            nums[*n] = ev.number;
        }
        (*n)++;
    }
    return r;
}

static void select_cases(const struct fixture *f, int file)
{
    uint64_t total = f->log.n_records, nums[8];
    size_t n;
    cct_eventlog *log;

    /* (start 0, count 0): nothing. */
    log = open_log(f, file);
    assert_int_equal(cct_eventlog_select(log, 0, 0), 0);
    assert_int_equal(collect(log, nums, 8, &n), 0);
    assert_int_equal(n, 0);
    cct_eventlog_free(log);

    /* start == number of events: nothing, no error. */
    log = open_log(f, file);
    assert_int_equal(cct_eventlog_select(log, total, CCT_COUNT_ALL), 0);
    assert_int_equal(collect(log, nums, 8, &n), 0);
    assert_int_equal(n, 0);
    assert_int_equal(cct_eventlog_error(log)->code, 0);
    cct_eventlog_free(log);

    /* count past the end: the rest. */
    log = open_log(f, file);
    assert_int_equal(cct_eventlog_select(log, total - 2, 1000), 0);
    assert_int_equal(collect(log, nums, 8, &n), 0);
    assert_int_equal(n, 2);
    assert_int_equal(nums[0], total - 2);
    assert_int_equal(nums[1], total - 1);
    cct_eventlog_free(log);

    /* start past the end: nothing, no error. */
    log = open_log(f, file);
    assert_int_equal(cct_eventlog_select(log, total + 5, 3), 0);
    assert_int_equal(collect(log, nums, 8, &n), 0);
    assert_int_equal(n, 0);
    assert_int_equal(cct_eventlog_error(log)->code, 0);
    cct_eventlog_free(log);

    /* A window in the middle, across a large event. */
    log = open_log(f, file);
    assert_int_equal(cct_eventlog_select(log, 24, 3), 0);
    assert_int_equal(collect(log, nums, 8, &n), 0);
    assert_int_equal(n, 3);
    assert_int_equal(nums[0], 24);
    assert_int_equal(nums[2], 26);
    cct_eventlog_free(log);

    /* select after next(): CCT_EINVAL, the iteration goes on unchanged. */
    struct cct_event ev;
    log = open_log(f, file);
    assert_int_equal(cct_eventlog_next(log, &ev), 1);
    assert_int_equal(cct_eventlog_select(log, 5, 1), CCT_EINVAL);
    assert_int_equal(cct_eventlog_next(log, &ev), 1);
    assert_int_equal(ev.number, 1);
    /* rewind, then select works. */
    assert_int_equal(cct_eventlog_rewind(log), 0);
    assert_int_equal(cct_eventlog_select(log, 3, 2), 0);
    assert_int_equal(collect(log, nums, 8, &n), 0);
    assert_int_equal(n, 2);
    assert_int_equal(nums[0], 3);
    assert_int_equal(nums[1], 4);
    /* rewind clears the selection. */
    assert_int_equal(cct_eventlog_rewind(log), 0);
    assert_int_equal(collect(log, nums, 8, &n), 0);
    assert_int_equal(n, total);
    cct_eventlog_free(log);
}

static void test_select_memory(void **state)
{
    select_cases(*state, 0);
}

static void test_select_file(void **state)
{
    select_cases(*state, 1);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    cct_eventlog *log = NULL;
    struct cct_error err;
    struct cct_event ev;
    struct cct_eventlog_options o = CCT_EVENTLOG_OPTIONS_INIT;
    assert_int_equal(cct_eventlog_from_memory(NULL, 5, NULL, &log, &err), CCT_EINVAL);
    assert_int_equal(cct_eventlog_from_memory((const uint8_t *)"", 0, NULL, NULL, &err),
                     CCT_EINVAL);
    assert_int_equal(cct_eventlog_from_file(NULL, NULL, &log, &err), CCT_EINVAL);
    cct_error_clear(&err);
    assert_int_equal(cct_eventlog_from_file("/nonexistent/cct-log", NULL, &log, &err),
                     CCT_ENOTFOUND);
    assert_int_not_equal(err.sys_errno, 0);
    assert_null(log);
    o.version = 99;
    assert_int_equal(cct_eventlog_from_memory((const uint8_t *)"x", 1, &o, &log, &err), CCT_EINVAL);
    assert_null(log);
    assert_int_equal(cct_eventlog_next(NULL, &ev), CCT_EINVAL);
    assert_int_equal(cct_eventlog_select(NULL, 0, 0), CCT_EINVAL);
    assert_int_equal(cct_eventlog_rewind(NULL), CCT_EINVAL);
    cct_eventlog_free(NULL);
}

/* A failed log stays failed until rewind, which clears the error. */
static void test_failed_then_rewind(void **state)
{
    (void)state;
    struct lb b;
    cct_eventlog *log;
    struct cct_event ev;
    lb_init(&b);
    lb_header(&b, 0, B3, 3);
    lb_event2(&b, 0, EV_POST_CODE, B3, 3, "x", 1);
    lb_u32(&b, 0); /* a truncated record */
    lb_u32(&b, 1);
    assert_int_equal(cct_eventlog_from_memory(b.p, b.len, NULL, &log, NULL), 0);
    assert_int_equal(cct_eventlog_next(log, &ev), 1);
    assert_int_equal(cct_eventlog_next(log, &ev), 1);
    assert_int_equal(cct_eventlog_next(log, &ev), CCT_ETRUNCATED);
    assert_int_equal(cct_eventlog_next(log, &ev), CCT_ETRUNCATED);
    assert_int_equal(cct_eventlog_error(log)->code, CCT_ETRUNCATED);
    assert_int_equal(cct_eventlog_rewind(log), 0);
    assert_int_equal(cct_eventlog_error(log)->code, 0);
    assert_int_equal(cct_eventlog_select(log, 1, 1), 0);
    assert_int_equal(cct_eventlog_next(log, &ev), 1);
    assert_int_equal(ev.number, 1);
    assert_int_equal(cct_eventlog_next(log, &ev), 0);
    cct_eventlog_free(log);
    lb_free(&b);
}

static void test_format_names(void **state)
{
    (void)state;
    enum cct_log_format f;
    static const enum cct_log_format all[] = { CCT_LOG_AUTO, CCT_LOG_TCG2, CCT_LOG_TCG1,
                                               CCT_LOG_CCEL };
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
        assert_int_equal(cct_log_format_from_name(cct_log_format_name(all[i]), &f), 0);
        assert_int_equal(f, all[i]);
    }
    assert_string_equal(cct_log_format_name(CCT_LOG_CCEL), "ccel");
    assert_int_equal(cct_log_format_from_name("nope", &f), CCT_EINVAL);
    assert_int_equal(cct_log_format_from_name(NULL, &f), CCT_EINVAL);
    assert_string_equal(cct_event_type_name(EV_SEPARATOR), "EV_SEPARATOR");
    assert_string_equal(cct_event_type_name(EV_EFI_BOOT_SERVICES_APPLICATION),
                        "EV_EFI_BOOT_SERVICES_APPLICATION");
    assert_null(cct_event_type_name(0x7fffffffu));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_memory_equals_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_select_memory, setup, teardown),
        cmocka_unit_test_setup_teardown(test_select_file, setup, teardown),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_failed_then_rewind),
        cmocka_unit_test(test_format_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
