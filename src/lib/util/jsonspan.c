/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Spans of raw JSON text (RFC 8259): where a value ends, and where the value of a top-level
 * member lies. Signed JSON documents (Intel PCS TCB info, QE identity) are verified over the
 * member's bytes as served, never over a re-serialisation.
 */
#include "util/jsonspan.h"

#include <string.h>

static size_t skip_ws(const char *s, size_t i, size_t n)
{
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) {
        i++;
    }
    return i;
}

size_t cct_json_value_end(const char *s, size_t i, size_t n)
{
    int depth = 0;
    bool in_str = false;
    for (size_t j = i; j < n; j++) {
        char c = s[j];
        if (in_str) {
            if (c == '\\') {
                j++;
            } else if (c == '"') {
                in_str = false;
                if (depth == 0) {
                    return j + 1;
                }
            }
            continue;
        }
        if (c == '"') {
            in_str = true;
        } else if (c == '{' || c == '[') {
            depth++;
        } else if (c == '}' || c == ']') {
            if (--depth == 0) {
                return j + 1;
            }
            if (depth < 0) {
                return j; /* scalar ended by the parent's close */
            }
        } else if (depth == 0 && (c == ',' || c == ' ' || c == '\n' || c == '\r' || c == '\t')) {
            return j;
        }
    }
    return 0;
}

bool cct_json_member_span(const char *s, size_t n, const char *key, size_t *vs, size_t *ve)
{
    size_t klen = strlen(key);
    size_t i = skip_ws(s, 0, n);
    if (i >= n || s[i] != '{') {
        return false;
    }
    i++;
    while (i < n) {
        i = skip_ws(s, i, n);
        if (i >= n || s[i] != '"') {
            return false;
        }
        size_t ks = i + 1, ke = cct_json_value_end(s, i, n);
        if (ke == 0) {
            return false;
        }
        i = skip_ws(s, ke, n);
        if (i >= n || s[i] != ':') {
            return false;
        }
        i = skip_ws(s, i + 1, n);
        size_t e = cct_json_value_end(s, i, n);
        if (e == 0) {
            return false;
        }
        if (ke - 1 - ks == klen && memcmp(s + ks, key, klen) == 0) {
            *vs = i;
            *ve = e;
            return true;
        }
        i = skip_ws(s, e, n);
        if (i < n && s[i] == ',') {
            i++;
        } else {
            return false;
        }
    }
    return false;
}
