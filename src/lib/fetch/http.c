/* SPDX-License-Identifier: Apache-2.0 */
/*
 * HTTP GET for collateral retrieval (libcurl easy interface) and the URL-keyed
 * document cache. Every transfer has a connect timeout, a total timeout and a
 * body cap enforced while receiving (a lying or absent Content-Length cannot
 * make it grow); a transport error, HTTP 5xx or 429 is retried a bounded
 * number of times with a doubling delay; redirects are not followed.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "cct-config.h"
#include "fetch/http.h"
#include "util/error.h"
#include "util/file.h"
#include "util/hex.h"

#if CCT_HAVE_CURL
#include <curl/curl.h>
#endif

void cct_http_resp_free(struct cct_http_resp *r)
{
    if (r == NULL) {
        return;
    }
    free(r->body);
    free(r->header);
    memset(r, 0, sizeof(*r));
}

#if CCT_HAVE_CURL

struct sink {
    uint8_t *p;
    size_t len, cap, max;
    int over;
    const char *const *names;
    char *hdr;
    size_t hdr_len;
    int hdr_over;
};

static size_t on_body(char *data, size_t size, size_t nmemb, void *user)
{
    struct sink *s = user;
    size_t n = size * nmemb;
    if (n > s->max - s->len) {
        s->over = 1;
        return 0; /* aborts the transfer */
    }
    if (s->len + n + 1 > s->cap) {
        size_t cap = s->cap ? s->cap : 4096;
        while (cap < s->len + n + 1) {
            cap *= 2;
        }
        uint8_t *q = realloc(s->p, cap);
        if (q == NULL) {
            return 0;
        }
        s->p = q;
        s->cap = cap;
    }
    memcpy(s->p + s->len, data, n);
    s->len += n;
    s->p[s->len] = 0;
    return n;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    c = tolower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Percent-decoding of a header value (PCS issuer chains are URL-encoded PEM). */
static size_t url_decode(char *s, size_t n)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
            s[o++] = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
            i += 2;
        } else {
            s[o++] = s[i];
        }
    }
    s[o] = '\0';
    return o;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *user)
{
    struct sink *s = user;
    size_t n = size * nmemb;
    if (s->hdr != NULL || s->names == NULL) {
        return n;
    }
    for (size_t k = 0; s->names[k] != NULL; k++) {
        size_t kl = strlen(s->names[k]);
        if (n > kl && data[kl] == ':' && strncasecmp(data, s->names[k], kl) == 0) {
            size_t a = kl + 1, e = n;
            while (a < e && (data[a] == ' ' || data[a] == '\t')) {
                a++;
            }
            while (e > a && (data[e - 1] == '\r' || data[e - 1] == '\n' || data[e - 1] == ' ')) {
                e--;
            }
            if (e - a > CCT_HTTP_MAX_HEADER) {
                s->hdr_over = 1;
                return 0;
            }
            s->hdr = malloc(e - a + 1);
            if (s->hdr == NULL) {
                return 0;
            }
            memcpy(s->hdr, data + a, e - a);
            s->hdr_len = url_decode(s->hdr, e - a);
            break;
        }
    }
    return n;
}

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {
    }
}

static bool transient(CURLcode c)
{
    return c == CURLE_OPERATION_TIMEDOUT || c == CURLE_COULDNT_CONNECT || c == CURLE_PARTIAL_FILE ||
           c == CURLE_RECV_ERROR || c == CURLE_GOT_NOTHING || c == CURLE_SEND_ERROR ||
           c == CURLE_COULDNT_RESOLVE_HOST;
}

int cct_http_get(const char *url, const char *const *want_headers,
                 const struct cct_fetch_options *o, struct cct_http_resp *r, struct cct_error *err)
{
    memset(r, 0, sizeof(*r));
    size_t max = o->max_size == 0 ? 1u << 20 : o->max_size;
    if (max > CCT_HTTP_MAX_BODY) {
        max = CCT_HTTP_MAX_BODY;
    }
    unsigned tries = 1 + (o->retries > 5 ? 5 : o->retries);
    long delay = o->retry_delay_ms < 0 ? 0 : o->retry_delay_ms;
    char cerr[CURL_ERROR_SIZE];
    int rc = CCT_EIO;
    CURL *h = curl_easy_init();
    if (h == NULL) {
        return cct_err(err, CCT_ENOMEM, -1, -1, "%s: cannot create an HTTP handle", url);
    }
    for (unsigned t = 0; t < tries; t++) {
        struct sink s = { 0 };
        s.max = max;
        s.names = want_headers;
        if (t > 0 && delay > 0) {
            sleep_ms(delay);
            delay = delay > 60000 ? delay : delay * 2;
        }
        cerr[0] = '\0';
        curl_easy_reset(h);
        curl_easy_setopt(h, CURLOPT_URL, url);
        curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
        curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                         o->connect_timeout_ms > 0 ? o->connect_timeout_ms : 5000L);
        curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, o->timeout_ms > 0 ? o->timeout_ms : 30000L);
        curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)max);
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(h, CURLOPT_WRITEDATA, &s);
        curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
        curl_easy_setopt(h, CURLOPT_HEADERDATA, &s);
        curl_easy_setopt(h, CURLOPT_ERRORBUFFER, cerr);
        curl_easy_setopt(h, CURLOPT_USERAGENT, "libcctrusted/" CCT_VERSION_STRING);
        CURLcode c = curl_easy_perform(h);
        long status = 0;
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
        r->attempts = t + 1;
        r->status = status;
        if (s.over || c == CURLE_FILESIZE_EXCEEDED) {
            free(s.p);
            free(s.hdr);
            rc = cct_err(err, CCT_ELIMIT, -1, -1, "%s: response larger than %zu bytes", url, max);
            break;
        }
        if (s.hdr_over) {
            free(s.p);
            rc = cct_err(err, CCT_ELIMIT, -1, -1, "%s: header value larger than %u bytes", url,
                         CCT_HTTP_MAX_HEADER);
            break;
        }
        if (c == CURLE_OK && status == 200) {
            if (s.p == NULL) {
                s.p = calloc(1, 1);
            }
            if (s.p == NULL) {
                free(s.hdr);
                rc = cct_err(err, CCT_ENOMEM, -1, -1, "out of memory");
                break;
            }
            r->body = s.p;
            r->len = s.len;
            r->header = s.hdr;
            r->header_len = s.hdr_len;
            rc = 0;
            break;
        }
        free(s.p);
        free(s.hdr);
        if (c != CURLE_OK) {
            rc = cct_err(err, CCT_EIO, -1, -1, "%s: %s (attempt %u of %u)", url,
                         cerr[0] ? cerr : curl_easy_strerror(c), t + 1, tries);
            if (!transient(c)) {
                break;
            }
        } else {
            rc = cct_err(err, CCT_EIO, -1, -1, "%s: HTTP status %ld (attempt %u of %u)", url,
                         status, t + 1, tries);
            if (status < 500 && status != 429) {
                break;
            }
        }
    }
    curl_easy_cleanup(h);
    return rc;
}

#else

int cct_http_get(const char *url, const char *const *want_headers,
                 const struct cct_fetch_options *o, struct cct_http_resp *r, struct cct_error *err)
{
    memset(r, 0, sizeof(*r));
    return cct_err(err, CCT_EUNSUPPORTED, -1, -1,
                   "%s: this libcctrusted was built without libcurl (-Dcollateral_fetch=disabled)",
                   url);
}

#endif

/* ---- cache ---- */

void cct_cache_entry_free(struct cct_cache_entry *e)
{
    if (e == NULL) {
        return;
    }
    free(e->body);
    free(e->chain);
    memset(e, 0, sizeof(*e));
}

#define CACHE_MAGIC "cctrusted-cache 1\n"
#define CACHE_MAX (CCT_HTTP_MAX_BODY + CCT_HTTP_MAX_HEADER + 4096u)

static int cache_path(const char *dir, const char *url, char *out, size_t n)
{
    uint8_t md[32];
    unsigned int mdl = 0;
    char hex[65];
    if (EVP_Digest(url, strlen(url), md, &mdl, EVP_sha256(), NULL) != 1 || mdl != 32) {
        return -1;
    }
    cct_hex_encode(md, 32, hex);
    int w = snprintf(out, n, "%s/%s", dir, hex);
    return w < 0 || (size_t)w >= n ? -1 : 0;
}

/* "key value\n" at *p; advances. */
static const char *field(const char *p, const char *end, const char *key, char *val, size_t vn)
{
    size_t kl = strlen(key);
    if ((size_t)(end - p) <= kl || memcmp(p, key, kl) != 0 || p[kl] != ' ') {
        return NULL;
    }
    p += kl + 1;
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    if (nl == NULL || (size_t)(nl - p) >= vn) {
        return NULL;
    }
    memcpy(val, p, (size_t)(nl - p));
    val[nl - p] = '\0';
    return nl + 1;
}

static bool parse_size(const char *s, uint64_t *v)
{
    char *e;
    errno = 0;
    unsigned long long x = strtoull(s, &e, 10);
    if (errno != 0 || e == s || *e != '\0' || s[0] == '-') {
        return false;
    }
    *v = x;
    return true;
}

int cct_cache_get(const char *dir, const char *url, int64_t now, struct cct_cache_entry *e)
{
    char path[4096], val[CCT_FETCH_URL_MAX + 1];
    uint8_t *buf = NULL;
    size_t len = 0;
    uint64_t fresh, cl, bl;
    memset(e, 0, sizeof(*e));
    if (dir == NULL || cache_path(dir, url, path, sizeof(path)) < 0 ||
        cct_read_file_ex(path, CCT_FILE_NOFOLLOW | CCT_FILE_PRIVATE, CACHE_MAX, &buf, &len, NULL) <
            0) {
        return 0;
    }
    const char *p = (const char *)buf, *end = p + len;
    int ok = 0;
    if (len < strlen(CACHE_MAGIC) || memcmp(p, CACHE_MAGIC, strlen(CACHE_MAGIC)) != 0) {
        goto out;
    }
    p += strlen(CACHE_MAGIC);
    if ((p = field(p, end, "url", val, sizeof(val))) == NULL || strcmp(val, url) != 0 ||
        (p = field(p, end, "fresh-until", val, sizeof(val))) == NULL || !parse_size(val, &fresh) ||
        (p = field(p, end, "chain", val, sizeof(val))) == NULL || !parse_size(val, &cl) ||
        (p = field(p, end, "body", val, sizeof(val))) == NULL || !parse_size(val, &bl) ||
        p >= end || *p != '\n') {
        goto out;
    }
    p++;
    if ((uint64_t)(end - p) != cl + bl || fresh > INT64_MAX || (int64_t)fresh <= now) {
        goto out;
    }
    e->chain = malloc(cl + 1);
    e->body = malloc(bl + 1);
    if (e->chain == NULL || e->body == NULL) {
        cct_cache_entry_free(e);
        goto out;
    }
    memcpy(e->chain, p, cl);
    e->chain[cl] = 0;
    e->chain_len = cl;
    memcpy(e->body, p + cl, bl);
    e->body[bl] = 0;
    e->len = bl;
    e->fresh_until = (int64_t)fresh;
    ok = 1;
out:
    free(buf);
    return ok;
}

int cct_cache_put(const char *dir, const char *url, const struct cct_cache_entry *e,
                  struct cct_error *err)
{
    char path[4096], head[CCT_FETCH_URL_MAX + 200];
    if (cache_path(dir, url, path, sizeof(path)) < 0) {
        return cct_err(err, CCT_EINVAL, -1, -1, "cache directory path too long: %s", dir);
    }
    int hl = snprintf(head, sizeof(head),
                      CACHE_MAGIC "url %s\nfresh-until %" PRId64 "\nchain %zu\nbody %zu\n\n", url,
                      e->fresh_until, e->chain_len, e->len);
    if (hl < 0 || (size_t)hl >= sizeof(head)) {
        return cct_err(err, CCT_EINVAL, -1, -1, "URL too long for the cache: %s", url);
    }
    const struct cct_file_part parts[3] = { { head, (size_t)hl },
                                            { e->chain, e->chain_len },
                                            { e->body, e->len } };
    return cct_write_file_atomic(path, parts, 3, 0600, err);
}
