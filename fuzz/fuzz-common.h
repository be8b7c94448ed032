/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared helpers of the fuzz targets: a full walk of an event log through
 * the public API (iterate, decode, check digests, replay, read registers)
 * with invariant checks that abort on violation, so the fuzzer reports
 * wrong results as well as memory errors.
 */
#ifndef CCT_FUZZ_COMMON_H
#define CCT_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include <cctrusted/eventlog.h>

/* The libFuzzer entry point; the standalone driver calls it too. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Abort with a message when an invariant does not hold. */
#define FUZZ_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            cct_fuzz_fail(__FILE__, __LINE__, #cond);                                              \
        }                                                                                          \
    } while (0)

void cct_fuzz_fail(const char *file, int line, const char *what) __attribute__((noreturn));

/* Check that an error record is well formed for return code rc: err->code == rc, a message set. */
void cct_fuzz_check_error(const struct cct_error *err, int rc);

/*
 * The decoder invariant every target checks on every call that fills a
 * struct cct_error: a negative return code rc is the code the error record
 * holds, and the record has a message (cct_fuzz_check_error). Returns rc.
 */
int cct_fuzz_rc(int rc, const struct cct_error *err);

/*
 * Open data as a log of format fmt and walk every event: decode (text and
 * JSON), digest check, replay with and without workarounds, read back every
 * register, then rewind and walk a selection.
 */
void cct_fuzz_walk(const uint8_t *data, size_t size, enum cct_log_format fmt);

#endif
