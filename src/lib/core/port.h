/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Included first into every source of the core build (-include core/port.h
 * with -DCCT_CORE=1; docs/firmware.md), never into the hosted library.
 *
 * The shared sources call a handful of libc functions: allocation, the
 * snprintf family for error messages and strerror. Here they are mapped to
 * the caller-given allocator and to the core's own formatter, so the sources
 * stay the same in both builds. The libc headers are read first, so their
 * declarations keep their own names; the macros touch only the calls.
 */
#ifndef CCT_CORE_PORT_H
#define CCT_CORE_PORT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *cct_core_malloc(size_t size);
void *cct_core_calloc(size_t n, size_t size);
void *cct_core_realloc(void *p, size_t size);
void cct_core_free(void *p);
int cct_core_vsnprintf(char *s, size_t n, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
int cct_core_snprintf(char *s, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
const char *cct_core_strerror(int e);

#define malloc(size) cct_core_malloc(size)
#define calloc(n, size) cct_core_calloc(n, size)
#define realloc(p, size) cct_core_realloc(p, size)
#define free(p) cct_core_free(p)
#define vsnprintf(s, n, ...) cct_core_vsnprintf(s, n, __VA_ARGS__)
#define snprintf(s, n, ...) cct_core_snprintf(s, n, __VA_ARGS__)
#define strerror(e) cct_core_strerror(e)

#endif
