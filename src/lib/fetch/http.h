/* SPDX-License-Identifier: Apache-2.0 */
/* HTTP GET through libcurl with timeouts, a size cap and bounded retries; a URL-keyed cache. */
#ifndef CCT_FETCH_HTTP_H
#define CCT_FETCH_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include <cctrusted/collateral.h>

/* Largest header value kept (an issuer chain is about 2 KiB PEM, URL-encoded). */
#define CCT_HTTP_MAX_HEADER (64u * 1024u)
/* Upper bound of cct_fetch_options.max_size. */
#define CCT_HTTP_MAX_BODY (16u * 1024u * 1024u)

struct cct_http_resp {
    long status;
    uint8_t *body; /* malloc'ed, NUL-terminated */
    size_t len;
    char *header; /* value of the wanted header, URL-decoded, malloc'ed; NULL when absent */
    size_t header_len;
    unsigned attempts;
};

void cct_http_resp_free(struct cct_http_resp *r);

/*
 * GET url; want_headers: NULL-terminated names whose first present value is
 * kept (case-insensitive). Retries a transport error, HTTP 5xx or 429 up to
 * o->retries times. Returns 0 with a 200 response, CCT_EIO (transport error,
 * other HTTP status: err names the URL), CCT_ELIMIT (body over the cap),
 * CCT_EUNSUPPORTED without libcurl.
 */
int cct_http_get(const char *url, const char *const *want_headers,
                 const struct cct_fetch_options *o, struct cct_http_resp *r, struct cct_error *err);

/* A cache entry: the document and its issuer chain (may be empty). */
struct cct_cache_entry {
    uint8_t *body;
    size_t len;
    uint8_t *chain;
    size_t chain_len;
    int64_t fresh_until;
};

void cct_cache_entry_free(struct cct_cache_entry *e);
/* Entry for url in dir, when it exists, names url and is fresh at `now`: 1; else 0. */
int cct_cache_get(const char *dir, const char *url, int64_t now, struct cct_cache_entry *e);
/* Store (atomically: temporary file + rename). 0 or a negative code (err says why). */
int cct_cache_put(const char *dir, const char *url, const struct cct_cache_entry *e,
                  struct cct_error *err);

#endif
