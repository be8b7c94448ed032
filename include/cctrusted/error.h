/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Threads: the library keeps no global error state; a struct cct_error is
 * written only by the call it is passed to, so one record must not be
 * passed to two calls running at once.
 */
#ifndef CCTRUSTED_ERROR_H
#define CCTRUSTED_ERROR_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Error codes. Every fallible function returns 0 on success or one of these
 * negative values. Positive values are only used where a function documents
 * them (e.g. "1 = an event was produced").
 */
enum cct_errcode {
    CCT_OK = 0,
    CCT_EINVAL = -1,       /* bad argument from the caller */
    CCT_ENOMEM = -2,       /* allocation failed */
    CCT_EIO = -3,          /* read/write of a file or device failed */
    CCT_ETRUNCATED = -4,   /* input ends in the middle of a structure */
    CCT_EMALFORMED = -5,   /* input violates its format */
    CCT_EUNSUPPORTED = -6, /* valid input that this library does not handle */
    CCT_EVERIFY = -7,      /* a check failed (digest, signature, replay) */
    CCT_ELIMIT = -8,       /* a named size/count limit was exceeded */
    CCT_ENOTFOUND = -9,    /* requested item does not exist */
    CCT_EPERM = -10,       /* permission denied by the environment */
};

/**
 * Marks a function whose result must not be ignored: every public function
 * returning int carries it (a failure cannot go unnoticed by accident). One
 * definition for the whole library.
 */
#ifndef CCT_WUR
#if defined(__GNUC__) || defined(__clang__)
#define CCT_WUR __attribute__((warn_unused_result))
#else
#define CCT_WUR
#endif
#endif

/** Size of the message buffer inside struct cct_error. */
#define CCT_ERROR_MESSAGE_MAX 256

/**
 * Error detail. Lives on the object the caller holds (or is passed in by the
 * caller); never global. event and offset are -1 when not applicable.
 */
struct cct_error {
    int code;       /* 0 or a negative CCT_E* value */
    int sys_errno;  /* errno of the failing system call, or 0 */
    int64_t event;  /* 0-based event number in a log, or -1 */
    int64_t offset; /* byte offset in the input, or -1 */
    char message[CCT_ERROR_MESSAGE_MAX];
};

/** Static name of an error code, e.g. "CCT_EMALFORMED". Never NULL. */
const char *cct_strerror(int code);

/** Reset an error record to "no error". Accepts NULL. */
void cct_error_clear(struct cct_error *err);

/**
 * The gRPC status code (grpc/doc/statuscodes.md) that reports a library
 * error over the node agent's interface: INVALID_ARGUMENT, NOT_FOUND,
 * PERMISSION_DENIED, RESOURCE_EXHAUSTED (CCT_ELIMIT, CCT_ENOMEM),
 * UNIMPLEMENTED, UNAVAILABLE (CCT_EIO), else INTERNAL (13). 0 for 0.
 */
int cct_error_to_grpc(int code);

/**
 * The library error for a gRPC status an agent answered (the inverse of
 * cct_error_to_grpc(); OUT_OF_RANGE is CCT_ENOTFOUND, UNAUTHENTICATED
 * CCT_EPERM), else CCT_EIO. 0 for OK.
 */
int cct_error_from_grpc(int status);

#ifdef __cplusplus
}
#endif
#endif
