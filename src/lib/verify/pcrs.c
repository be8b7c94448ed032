/* SPDX-License-Identifier: Apache-2.0 */
/* PCR values given by a caller for TPM quote verification: "[ALG:][PCR]N=HEX" tokens. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <cctrusted/algorithm.h>
#include <cctrusted/verify.h>

#include "util/error.h"
#include "util/hex.h"

static uint16_t alg_for_size(size_t n)
{
    switch (n) {
    case 20: return CCT_ALG_SHA1;
    case 32: return CCT_ALG_SHA256;
    case 48: return CCT_ALG_SHA384;
    case 64: return CCT_ALG_SHA512;
    default: return 0;
    }
}

static bool is_sep(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',' || c == ';';
}

/* One token: [ALG:][PCR]N=HEX, N 0..31; the digest size must fit ALG (or name one by itself). */
static bool parse_token(const char *t, size_t len, struct cct_pcr_value *v)
{
    const char *eq = memchr(t, '=', len);
    const char *colon = memchr(t, ':', len);
    char an[16];
    size_t n = 0;
    memset(v, 0, sizeof(*v));
    if (eq == NULL) {
        return false;
    }
    bool has_alg = colon != NULL && colon < eq;
    const char *is = has_alg ? colon + 1 : t;
    if ((size_t)(eq - is) >= 3 && strncasecmp(is, "pcr", 3) == 0) {
        is += 3;
    }
    if (eq == is || eq - is > 2) {
        return false;
    }
    uint32_t idx = 0;
    for (const char *c = is; c < eq; c++) {
        if (*c < '0' || *c > '9') {
            return false;
        }
        idx = idx * 10 + (uint32_t)(*c - '0');
    }
    const char *hex = eq + 1;
    size_t hl = len - (size_t)(hex - t);
    if (hl >= 2 && hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X')) {
        hex += 2;
        hl -= 2;
    }
    if (idx > 31 || cct_hex_decode_var(hex, hl, v->digest, sizeof(v->digest), &n) < 0) {
        return false;
    }
    v->index = idx;
    v->alg = alg_for_size(n);
    if (has_alg) {
        if ((size_t)(colon - t) >= sizeof(an)) {
            return false;
        }
        memcpy(an, t, (size_t)(colon - t));
        an[colon - t] = '\0';
        uint16_t a = cct_alg_from_name(an);
        if (a == CCT_ALG_ERROR || cct_alg_digest_size(a) != n) {
            return false;
        }
        v->alg = a;
    }
    return v->alg != 0;
}

int cct_pcr_values_parse(const uint8_t *buf, size_t len, struct cct_pcr_value *out, size_t max,
                         size_t *n, struct cct_error *err)
{
    if ((buf == NULL && len > 0) || out == NULL || n == NULL) {
        return cct_err(err, CCT_EINVAL, -1, -1, "no input");
    }
    const char *s = (const char *)buf, *end = s + len;
    size_t count = 0;
    while (s < end) {
        while (s < end && is_sep(*s)) {
            s++;
        }
        const char *t = s;
        while (s < end && !is_sep(*s)) {
            s++;
        }
        if (s == t) {
            break;
        }
        if (count >= max) {
            return cct_err(err, CCT_ELIMIT, -1, (int64_t)(t - (const char *)buf),
                           "more than %zu PCR values", max);
        }
        if (!parse_token(t, (size_t)(s - t), &out[count])) {
            int show = (int)(s - t > 40 ? 40 : s - t);
            return cct_err(err, CCT_EMALFORMED, -1, (int64_t)(t - (const char *)buf),
                           "cannot parse PCR value '%.*s' (want [ALG:][PCR]N=HEX)", show, t);
        }
        count++;
    }
    *n = count;
    return 0;
}
