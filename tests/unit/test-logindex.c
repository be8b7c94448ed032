/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The incremental event-log index (include/cctrusted/logindex.h), through
 * the shared library only: logs written here grow while indexed. Expected
 * values are computed here: IMA template hashes with OpenSSL, event counts
 * and byte counts from what the test wrote.
 *
 * Usage: test-logindex   (works in a fresh temporary directory)
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include <cctrusted/cctrusted.h>

#include "testutil.h"

static char dir[256];

static void hexs(const uint8_t *d, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++) {
        snprintf(out + 2 * i, 3, "%02x", d[i]);
    }
}

/* One ima-ng line for /f<k>, its template hash SHA-1 over the template data. */
static size_t ima_line(int k, char *out, size_t room)
{
    uint8_t fd[32], td[256], th[20];
    char name[32];
    snprintf(name, sizeof(name), "/f%d", k);
    unsigned dl = 0;
    EVP_Digest(name, strlen(name), fd, &dl, EVP_sha256(), NULL);
    size_t o = 0;
    uint32_t l1 = 8 + 32, l2 = (uint32_t)strlen(name) + 1;
    memcpy(td + o, &l1, 4);
    o += 4;
    memcpy(td + o, "sha256:", 8); /* with its NUL */
    o += 8;
    memcpy(td + o, fd, 32);
    o += 32;
    memcpy(td + o, &l2, 4);
    o += 4;
    memcpy(td + o, name, l2);
    o += l2;
    EVP_Digest(td, o, th, &dl, EVP_sha1(), NULL);
    char thx[41], fdx[65];
    hexs(th, 20, thx);
    hexs(fd, 32, fdx);
    int n = snprintf(out, room, "10 %s ima-ng sha256:%s %s\n", thx, fdx, name);
    return (size_t)n;
}

static void append(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "ab");
    if (f == NULL || fwrite(p, 1, n, f) != n || fclose(f) != 0) {
        fprintf(stderr, "cannot write %s\n", path);
        exit(2);
    }
}

struct seen {
    uint64_t n, first;
    char names[64][16];
    char roles[64][16];
    uint64_t numbers[64];
};

static int collect(void *arg, uint64_t number, const char *role, const struct cct_event *ev)
{
    struct seen *s = arg;
    if (s->n < 64) {
        size_t l = ev->ima_file_name_len < 15 ? ev->ima_file_name_len : 15;
        memcpy(s->names[s->n], ev->ima_file_name ? ev->ima_file_name : "", l);
        s->names[s->n][l] = '\0';
        snprintf(s->roles[s->n], sizeof(s->roles[0]), "%s", role);
        s->numbers[s->n] = number;
    }
    s->n++;
    return 0;
}

static struct seen page(cct_logindex *li, unsigned view, uint64_t start, uint64_t count, int *rc,
                        struct cct_error *err)
{
    struct seen s;
    memset(&s, 0, sizeof(s));
    *rc = cct_logindex_page(li, view, start, count, collect, &s, err);
    return s;
}

static void source(struct cct_log_source *src, const char *path, enum cct_log_format f,
                   const char *role)
{
    memset(src, 0, sizeof(*src));
    snprintf(src->path, sizeof(src->path), "%s", path);
    src->format = f;
    snprintf(src->role, sizeof(src->role), "%s", role);
}

/* IMA ascii: a partial last line waits; only new bytes are read; pages at start and end. */
static void test_ima_growing(cct_logindex *li, const char *ima)
{
    char buf[8192];
    size_t len = 0;
    for (int k = 0; k < 3; k++) {
        len += ima_line(k, buf + len, sizeof(buf) - len);
    }
    char l3[256];
    size_t n3 = ima_line(3, l3, sizeof(l3));
    size_t half = n3 / 2;
    append(ima, buf, len);
    append(ima, l3, half); /* line 3 cut in the middle: being written */
    struct cct_log_source src;
    source(&src, ima, CCT_LOG_IMA_ASCII, "ima");
    struct cct_error err;
    CHECK(cct_logindex_add_source(li, &src, &err) == 0, "add ima: %s", err.message);
    CHECK(cct_logindex_refresh(li, NULL, &err) == 0, "refresh: %s", err.message);
    CHECK(cct_logindex_count(li, CCT_LOGINDEX_IMA) == 3, "3 whole lines indexed, got %llu",
          (unsigned long long)cct_logindex_count(li, CCT_LOGINDEX_IMA));
    CHECK(cct_logindex_count(li, 0) == 0, "the IMA list is not in a view without it");
    struct cct_logindex_stats st;
    CHECK(cct_logindex_stats(li, &st) == 0 && st.bytes_read == len + half,
          "first refresh read the file once (%llu bytes)", (unsigned long long)st.bytes_read);

    append(ima, l3 + half, n3 - half);
    len = 0;
    for (int k = 4; k < 6; k++) {
        len += ima_line(k, buf + len, sizeof(buf) - len);
    }
    append(ima, buf, len);
    CHECK(cct_logindex_refresh(li, NULL, &err) == 0, "refresh: %s", err.message);
    CHECK(cct_logindex_count(li, CCT_LOGINDEX_IMA) == 6, "6 lines after the append");
    uint64_t before = st.bytes_read;
    CHECK(cct_logindex_stats(li, &st) == 0 && st.bytes_read - before == n3 + len,
          "second refresh read only the cut line and the new bytes (%llu, want %zu)",
          (unsigned long long)(st.bytes_read - before), n3 + len);

    int rc;
    struct seen s = page(li, CCT_LOGINDEX_IMA, 0, 2, &rc, &err);
    CHECK(rc == 0 && s.n == 2 && strcmp(s.names[0], "/f0") == 0 && strcmp(s.names[1], "/f1") == 0,
          "page at the start: %llu events, %s %s", (unsigned long long)s.n, s.names[0], s.names[1]);
    s = page(li, CCT_LOGINDEX_IMA, 4, 10, &rc, &err);
    CHECK(rc == 0 && s.n == 2 && strcmp(s.names[0], "/f4") == 0 && strcmp(s.names[1], "/f5") == 0 &&
              s.numbers[0] == 4 && strcmp(s.roles[1], "ima") == 0,
          "page at the end is cut short: %llu events", (unsigned long long)s.n);
    s = page(li, CCT_LOGINDEX_IMA, 3, 1, &rc, &err);
    CHECK(rc == 0 && s.n == 1 && strcmp(s.names[0], "/f3") == 0, "the line written in two parts");
    s = page(li, CCT_LOGINDEX_IMA, 6, 0, &rc, &err);
    CHECK(rc == 0 && s.n == 0, "a page past the end is empty");
}

/* A runtime-log record at RTMR3 (CEL-TLV), committed or pending (CEL management content). */
static size_t runtime_record(uint64_t recnum, int pending, uint8_t **out)
{
    struct cct_event ev;
    memset(&ev, 0, sizeof(ev));
    ev.format = CCT_LOG_CEL_TLV;
    ev.kind = CCT_REG_RTMR;
    ev.index = 3;
    ev.type = 0x80000006u;
    ev.cel_content_type = pending ? CCT_CEL_MGT : CCT_CEL_PCCLIENT_STD;
    char text[32];
    snprintf(text, sizeof(text), "record %llu", (unsigned long long)recnum);
    ev.data = (const uint8_t *)text;
    ev.data_len = strlen(text);
    ev.n_digests = 1;
    uint8_t d[48];
    unsigned dl = 0;
    EVP_Digest(text, strlen(text), d, &dl, EVP_sha384(), NULL);
    ev.digests[0].alg = CCT_ALG_SHA384;
    ev.digests[0].size = 48;
    ev.digests[0].bytes = d;
    size_t len = 0;
    struct cct_error err;
    if (cct_cel_encode(&ev, recnum, CCT_CEL_ENC_TLV, out, &len, &err) < 0) {
        fprintf(stderr, "cct_cel_encode: %s\n", err.message);
        exit(2);
    }
    return len;
}

/* A pending runtime record is not served; once cut off and a committed one appended, it is. */
static void test_runtime_pending(cct_logindex *li, const char *rt)
{
    uint8_t *r;
    size_t committed = 0;
    for (uint64_t k = 0; k < 2; k++) {
        size_t n = runtime_record(k, 0, &r);
        append(rt, r, n);
        committed += n;
        cct_free(r);
    }
    size_t n = runtime_record(2, 1, &r);
    append(rt, r, n);
    cct_free(r);
    struct cct_log_source src;
    source(&src, rt, CCT_LOG_CEL_TLV, "runtime");
    struct cct_error err;
    CHECK(cct_logindex_add_source(li, &src, &err) == 0, "add runtime: %s", err.message);
    CHECK(cct_logindex_refresh(li, NULL, &err) == 0, "refresh: %s", err.message);
    CHECK(cct_logindex_count(li, CCT_LOGINDEX_RUNTIME) == 2, "the pending record is not served");
    CHECK(truncate(rt, (off_t)committed) == 0, "cut the pending record");
    n = runtime_record(2, 0, &r);
    append(rt, r, n);
    cct_free(r);
    CHECK(cct_logindex_refresh(li, NULL, &err) == 0, "refresh: %s", err.message);
    CHECK(cct_logindex_count(li, CCT_LOGINDEX_RUNTIME) == 3, "the committed record is served");
    int rc;
    struct seen s = page(li, CCT_LOGINDEX_ALL, 5, 0, &rc, &err);
    CHECK(rc == 0 && s.n == 4 && strcmp(s.roles[0], "ima") == 0 &&
              strcmp(s.roles[1], "runtime") == 0 && s.numbers[3] == 8,
          "numbers run across the logs of a view: %llu events", (unsigned long long)s.n);
}

/* A log replaced or cut in place is indexed again; a page of bytes it lost is a clear error. */
static void test_replaced_and_cut(cct_logindex *li, const char *ima)
{
    char buf[4096], tmp[320];
    size_t len = 0;
    for (int k = 10; k < 12; k++) {
        len += ima_line(k, buf + len, sizeof(buf) - len);
    }
    snprintf(tmp, sizeof(tmp), "%s.new", ima);
    append(tmp, buf, len);
    CHECK(rename(tmp, ima) == 0, "replace the list");
    struct cct_error err;
    struct cct_logindex_stats st;
    CHECK(cct_logindex_refresh(li, NULL, &err) == 0, "refresh: %s", err.message);
    CHECK(cct_logindex_count(li, CCT_LOGINDEX_IMA) == 2, "a replaced list is indexed again");
    CHECK(cct_logindex_stats(li, &st) == 0 && st.reindexed == 1, "one re-index");
    int rc;
    struct seen s = page(li, CCT_LOGINDEX_IMA, 0, 0, &rc, &err);
    CHECK(rc == 0 && s.n == 2 && strcmp(s.names[0], "/f10") == 0, "the new list is served");

    size_t one = ima_line(10, buf, sizeof(buf));
    CHECK(truncate(ima, (off_t)one) == 0, "cut the list in place");
    s = page(li, CCT_LOGINDEX_IMA, 1, 1, &rc, &err);
    CHECK(rc == CCT_EIO && err.event == 1 && err.offset == (int64_t)one &&
              strstr(err.message, "lost") != NULL,
          "a page of lost bytes: rc %d, event %lld, offset %lld: %s", rc, (long long)err.event,
          (long long)err.offset, err.message);
    CHECK(cct_logindex_refresh(li, NULL, &err) == 0, "refresh: %s", err.message);
    CHECK(cct_logindex_count(li, CCT_LOGINDEX_IMA) == 1, "a cut list is indexed again");

    const char bad[] = "10 zz not an ima line\n";
    append(ima, bad, sizeof(bad) - 1);
    rc = cct_logindex_refresh(li, NULL, &err);
    /* The offset names the bad field: the template hash after "10 ". */
    CHECK(rc == CCT_EMALFORMED && err.event == 1 && err.offset == (int64_t)one + 3,
          "a broken line: rc %d, event %lld, offset %lld: %s", rc, (long long)err.event,
          (long long)err.offset, err.message);
    CHECK(cct_logindex_count(li, CCT_LOGINDEX_IMA) == 1, "what was indexed stays served");
}

/* Memory per indexed event is bounded: byte ranges only, growing geometrically. */
static void test_memory(void)
{
    char path[300];
    snprintf(path, sizeof(path), "%s/big.ima", dir);
    FILE *f = fopen(path, "wb");
    const int n = 20000;
    for (int k = 0; k < n && f != NULL; k++) {
        char l[256];
        size_t m = ima_line(k, l, sizeof(l));
        fwrite(l, 1, m, f);
    }
    if (f == NULL || fclose(f) != 0) {
        exit(2);
    }
    cct_logindex *li = NULL;
    struct cct_error err;
    CHECK(cct_logindex_open(NULL, &li, &err) == 0, "open: %s", err.message);
    struct cct_log_source src;
    source(&src, path, CCT_LOG_IMA_ASCII, "ima");
    CHECK(cct_logindex_add_source(li, &src, &err) == 0 && cct_logindex_refresh(li, NULL, &err) == 0,
          "index 20000 lines: %s", err.message);
    struct cct_logindex_stats st;
    CHECK(cct_logindex_stats(li, &st) == 0 && st.events == (uint64_t)n, "20000 events");
    CHECK(st.index_bytes <= 2u * 16u * (uint64_t)n && st.held_bytes == 0,
          "index memory %llu bytes for %d events (at most 32 per event)",
          (unsigned long long)st.index_bytes, n);
    int rc;
    struct seen s = page(li, CCT_LOGINDEX_IMA, (uint64_t)n - 1, 1, &rc, &err);
    CHECK(rc == 0 && s.n == 1 && strcmp(s.names[0], "/f19999") == 0, "the last event's page");
    cct_logindex_free(li);
    unlink(path);
}

/* Readers page while one thread appends (in two-part writes) and refreshes. */
struct reader {
    cct_logindex *li;
    atomic_int *stop;
    int bad;
    uint64_t pages;
};

static int in_order(void *arg, uint64_t number, const char *role, const struct cct_event *ev)
{
    (void)role;
    char want[32];
    int n = snprintf(want, sizeof(want), "/f%llu", (unsigned long long)number);
    int *bad = arg;
    if ((size_t)n != ev->ima_file_name_len || memcmp(want, ev->ima_file_name, (size_t)n) != 0) {
        (*bad)++;
    }
    return 0;
}

static void *reader_main(void *arg)
{
    struct reader *r = arg;
    while (!atomic_load(r->stop)) {
        uint64_t n = cct_logindex_count(r->li, CCT_LOGINDEX_IMA);
        uint64_t start = n > 50 ? n - 50 : 0;
        struct cct_error err;
        if (cct_logindex_page(r->li, CCT_LOGINDEX_IMA, start, 0, in_order, &r->bad, &err) < 0) {
            r->bad++;
        }
        r->pages++;
    }
    return NULL;
}

static void test_concurrent(void)
{
    char path[300];
    snprintf(path, sizeof(path), "%s/concurrent.ima", dir);
    cct_logindex *li = NULL;
    struct cct_error err;
    struct cct_log_source src;
    source(&src, path, CCT_LOG_IMA_ASCII, "ima");
    append(path, "", 0);
    CHECK(cct_logindex_open(NULL, &li, &err) == 0 && cct_logindex_add_source(li, &src, &err) == 0,
          "open: %s", err.message);
    atomic_int stop = 0;
    struct reader rs[3];
    pthread_t th[3];
    for (int i = 0; i < 3; i++) {
        rs[i] = (struct reader){ li, &stop, 0, 0 };
        pthread_create(&th[i], NULL, reader_main, &rs[i]);
    }
    int refresh_errors = 0;
    for (int k = 0; k < 500; k++) {
        char l[256];
        size_t m = ima_line(k, l, sizeof(l));
        append(path, l, m / 3);
        if (cct_logindex_refresh(li, NULL, &err) < 0) {
            refresh_errors++;
        }
        append(path, l + m / 3, m - m / 3);
        if (cct_logindex_refresh(li, NULL, &err) < 0) {
            refresh_errors++;
        }
    }
    atomic_store(&stop, 1);
    int bad = 0;
    uint64_t pages = 0;
    for (int i = 0; i < 3; i++) {
        pthread_join(th[i], NULL);
        bad += rs[i].bad;
        pages += rs[i].pages;
    }
    CHECK(refresh_errors == 0, "%d refreshes failed", refresh_errors);
    CHECK(bad == 0 && pages > 0,
          "%llu pages read by 3 threads while 500 lines were appended in "
          "two parts: %d events out of place or failed pages",
          (unsigned long long)pages, bad);
    CHECK(cct_logindex_count(li, CCT_LOGINDEX_IMA) == 500, "all 500 lines indexed once");
    cct_logindex_free(li);
    unlink(path);
}

int main(void)
{
    snprintf(dir, sizeof(dir), "/tmp/cct-logindex-XXXXXX");
    if (mkdtemp(dir) == NULL) {
        return 2;
    }
    char ima[300], rt[300];
    snprintf(ima, sizeof(ima), "%s/ascii_runtime_measurements", dir);
    snprintf(rt, sizeof(rt), "%s/runtime.cel", dir);
    cct_logindex *li = NULL;
    struct cct_error err;
    CHECK(cct_logindex_open(NULL, &li, &err) == 0 && li != NULL, "open empty: %s", err.message);
    test_ima_growing(li, ima);
    test_runtime_pending(li, rt);
    test_replaced_and_cut(li, ima);
    CHECK(cct_logindex_page(li, 0, 0, 0, NULL, NULL, &err) == CCT_EINVAL, "no callback: EINVAL");
    cct_logindex_free(li);
    cct_logindex_free(NULL);
    test_memory();
    test_concurrent();
    unlink(ima);
    unlink(rt);
    rmdir(dir);
    printf("%d checks, %d failures\n", checks, failures);
    return failures ? 1 : 0;
}
