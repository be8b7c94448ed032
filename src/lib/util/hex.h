/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CCT_UTIL_HEX_H
#define CCT_UTIL_HEX_H

#include <stddef.h>
#include <stdint.h>

#include <cctrusted/error.h> /* CCT_WUR */

/* Decode exactly 2*n hex digits of s (len chars) into out[n]. 0 or CCT_EINVAL. */
CCT_WUR int cct_hex_decode(const char *s, size_t len, uint8_t *out, size_t n);
/* Decode hex of any even length up to max bytes; sets *n. 0, CCT_EINVAL, CCT_ELIMIT. */
CCT_WUR int cct_hex_decode_var(const char *s, size_t len, uint8_t *out, size_t max, size_t *n);
/* Encode n bytes to lowercase hex into out (2n+1 bytes incl. NUL). */
void cct_hex_encode(const uint8_t *p, size_t n, char *out);
/* Constant-time comparison: 1 when equal. */
int cct_memeq_ct(const void *a, const void *b, size_t n);

#endif
