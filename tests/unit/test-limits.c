/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Input limits of every file read: a character device (/dev/zero), a FIFO
 * and a directory given as an event log fail at once with "not a regular
 * file" (a FIFO used to block open() forever, /dev/zero to be drained as
 * padding forever); a log that never ends (valid records, then a sparse
 * file of zeros past CCT_MAX_LOG_FILE_SIZE) stops with CCT_ELIMIT at the
 * limit; pseudo-files whose stat size is 0 (procfs) are still read whole.
 * An alarm turns a hang into a failure.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include <cctrusted/eventlog.h>

#include "logbuilder.h"
#include "util/file.h"

static const uint16_t B2[] = { CCT_ALG_SHA1, CCT_ALG_SHA256 };

/* A log path that must be refused as not a regular file, with kind in the message. */
static void refused(const char *path, enum cct_log_format fmt, const char *kind)
{
    struct cct_eventlog_options o = CCT_EVENTLOG_OPTIONS_INIT;
    struct cct_error err;
    cct_eventlog *log = NULL;
    o.format = fmt;
    cct_error_clear(&err);
    assert_int_equal(cct_eventlog_from_file(path, &o, &log, &err), CCT_EINVAL);
    assert_null(log);
    assert_int_equal(err.code, CCT_EINVAL);
    assert_non_null(strstr(err.message, "not a regular file"));
    assert_non_null(strstr(err.message, kind));
    assert_non_null(strstr(err.message, path));
    /* The whole-file reader says the same. */
    uint8_t *buf = NULL;
    size_t n = 0;
    cct_error_clear(&err);
    assert_int_equal(cct_read_file(path, 4096, &buf, &n, &err), CCT_EINVAL);
    assert_null(buf);
    assert_non_null(strstr(err.message, kind));
}

static void test_char_device(void **state)
{
    (void)state;
    struct stat st;
    if (stat("/dev/zero", &st) < 0 || !S_ISCHR(st.st_mode)) {
        skip();
    }
    refused("/dev/zero", CCT_LOG_AUTO, "character device");
    refused("/dev/zero", CCT_LOG_TCG2, "character device");
    refused("/dev/zero", CCT_LOG_IMA_ASCII, "character device");
}

static void test_fifo_and_directory(void **state)
{
    (void)state;
    char dir[] = "/tmp/cct-limits-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char fifo[64];
    snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    /* No writer: a blocking open() would never return. */
    refused(fifo, CCT_LOG_AUTO, "FIFO");
    refused(fifo, CCT_LOG_CEL_TLV, "FIFO");
    refused(dir, CCT_LOG_AUTO, "directory");
    unlink(fifo);
    rmdir(dir);
}

/* Valid records, then zeros (a sparse file) to one byte past the limit: the padding drain stops. */
static void test_endless_file(void **state)
{
    (void)state;
    struct lb b;
    lb_init(&b);
    lb_header(&b, 0, B2, 2);
    lb_event2(&b, 0, 0x80000008u, B2, 2, "0123456789abcdef", 16);
    lb_event2(&b, 7, 0x80000001u, B2, 2, "variable", 8);
    char *path = lb_write_tmp(&b);
    assert_non_null(path);
    assert_int_equal(truncate(path, (off_t)CCT_MAX_LOG_FILE_SIZE + 1), 0);

    struct cct_error err;
    cct_eventlog *log = NULL;
    struct cct_event ev;
    cct_error_clear(&err);
    assert_int_equal(cct_eventlog_from_file(path, NULL, &log, &err), 0);
    int rc, events = 0;
    while ((rc = cct_eventlog_next(log, &ev)) > 0) {
        events++;
    }
    assert_int_equal(events, 3); /* the SpecID header and two events */
    assert_int_equal(rc, CCT_ELIMIT);
    const struct cct_error *e = cct_eventlog_error(log);
    assert_int_equal(e->code, CCT_ELIMIT);
    assert_true(e->offset >= (int64_t)CCT_MAX_LOG_FILE_SIZE);
    assert_non_null(strstr(e->message, "limit"));
    cct_eventlog_free(log);

    /* The same records with a short zero tail read to the end. */
    assert_int_equal(truncate(path, (off_t)b.len + 4096), 0);
    assert_int_equal(cct_eventlog_from_file(path, NULL, &log, &err), 0);
    events = 0;
    while ((rc = cct_eventlog_next(log, &ev)) > 0) {
        events++;
    }
    assert_int_equal(rc, 0);
    assert_int_equal(events, 3); /* the SpecID header and two events */
    assert_int_equal(cct_eventlog_padding(log), 4096);
    cct_eventlog_free(log);
    unlink(path);
    free(path);
    lb_free(&b);
}

/* procfs files report size 0 and are regular files: read until EOF. */
static void test_pseudo_file(void **state)
{
    (void)state;
    struct stat st;
    if (stat("/proc/self/status", &st) < 0 || !S_ISREG(st.st_mode) || st.st_size != 0) {
        skip();
    }
    uint8_t *buf = NULL;
    size_t n = 0;
    struct cct_error err;
    cct_error_clear(&err);
    assert_int_equal(cct_read_file("/proc/self/status", 1 << 20, &buf, &n, &err), 0);
    assert_true(n > 0);
    assert_non_null(strstr((const char *)buf, "Pid:"));
    free(buf);
    /* And the size cap holds for them too. */
    assert_int_equal(cct_read_file("/proc/self/status", 16, &buf, &n, &err), CCT_ELIMIT);
}

int main(void)
{
    alarm(120);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_char_device),
        cmocka_unit_test(test_fifo_and_directory),
        cmocka_unit_test(test_endless_file),
        cmocka_unit_test(test_pseudo_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
