/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CCT_UTIL_ERROR_H
#define CCT_UTIL_ERROR_H

#include <cctrusted/error.h>

/*
 * Record an error and return its code, so callers can write
 * `return cct_err(err, CCT_EMALFORMED, ev, off, "...")`. err may be NULL.
 */
int cct_err(struct cct_error *err, int code, int64_t event, int64_t offset, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Same, recording errno as well. */
int cct_err_sys(struct cct_error *err, int code, int sys_errno, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Map an errno value to a CCT_E* code. */
int cct_code_from_errno(int e);

#define CCT_CLEANUP(f) __attribute__((cleanup(f)))

#endif
