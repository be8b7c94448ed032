/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CCT_UTIL_JSONSPAN_H
#define CCT_UTIL_JSONSPAN_H

#include <stdbool.h>
#include <stddef.h>

/* End (exclusive) of the JSON value starting at s[i] (s has n bytes), or 0 on error. */
size_t cct_json_value_end(const char *s, size_t i, size_t n);

/* Span [*vs, *ve) of the value of top-level member key in the object text s[0..n); false when
 * s is not an object or has no such member. */
bool cct_json_member_span(const char *s, size_t n, const char *key, size_t *vs, size_t *ve);

#endif
