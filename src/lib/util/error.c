/* SPDX-License-Identifier: Apache-2.0 */
#include "util/error.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *cct_strerror(int code)
{
    switch (code) {
    case CCT_OK: return "CCT_OK";
    case CCT_EINVAL: return "CCT_EINVAL";
    case CCT_ENOMEM: return "CCT_ENOMEM";
    case CCT_EIO: return "CCT_EIO";
    case CCT_ETRUNCATED: return "CCT_ETRUNCATED";
    case CCT_EMALFORMED: return "CCT_EMALFORMED";
    case CCT_EUNSUPPORTED: return "CCT_EUNSUPPORTED";
    case CCT_EVERIFY: return "CCT_EVERIFY";
    case CCT_ELIMIT: return "CCT_ELIMIT";
    case CCT_ENOTFOUND: return "CCT_ENOTFOUND";
    case CCT_EPERM: return "CCT_EPERM";
    default: return "CCT_E(unknown)";
    }
}

void cct_error_clear(struct cct_error *err)
{
    if (err == NULL) {
        return;
    }
    err->code = 0;
    err->sys_errno = 0;
    err->event = -1;
    err->offset = -1;
    err->message[0] = '\0';
}

int cct_err(struct cct_error *err, int code, int64_t event, int64_t offset, const char *fmt, ...)
{
    if (err != NULL) {
        va_list ap;
        err->code = code;
        err->sys_errno = 0;
        err->event = event;
        err->offset = offset;
        va_start(ap, fmt);
        vsnprintf(err->message, sizeof(err->message), fmt, ap);
        va_end(ap);
    }
    return code;
}

int cct_code_from_errno(int e)
{
    switch (e) {
    case ENOENT: return CCT_ENOTFOUND;
    case EACCES:
    case EPERM: return CCT_EPERM;
    case ENOMEM: return CCT_ENOMEM;
    case EINVAL: return CCT_EINVAL;
    case EFBIG:
    case E2BIG: return CCT_ELIMIT;
    case ENOTSUP: return CCT_EUNSUPPORTED;
    default: return CCT_EIO;
    }
}

int cct_err_sys(struct cct_error *err, int code, int sys_errno, const char *fmt, ...)
{
    if (err != NULL) {
        va_list ap;
        char tmp[CCT_ERROR_MESSAGE_MAX / 2];
        va_start(ap, fmt);
        vsnprintf(tmp, sizeof(tmp), fmt, ap);
        va_end(ap);
        err->code = code;
        err->sys_errno = sys_errno;
        err->event = -1;
        err->offset = -1;
        snprintf(err->message, sizeof(err->message), "%s: %s", tmp, strerror(sys_errno));
    }
    return code;
}

/*
 * Library errors and gRPC status codes, both ways: the first row with a
 * matching key wins, so one table serves the agent's answers and the agent
 * platform's reading of them.
 */
static const struct {
    int code;
    int grpc;
} grpc_map[] = {
    { CCT_EINVAL, 3 },        /* INVALID_ARGUMENT */
    { CCT_ENOTFOUND, 5 },     /* NOT_FOUND */
    { CCT_ENOTFOUND, 11 },    /* OUT_OF_RANGE */
    { CCT_EPERM, 7 },         /* PERMISSION_DENIED */
    { CCT_EPERM, 16 },        /* UNAUTHENTICATED */
    { CCT_ELIMIT, 8 },        /* RESOURCE_EXHAUSTED */
    { CCT_ENOMEM, 8 },        /* RESOURCE_EXHAUSTED */
    { CCT_EUNSUPPORTED, 12 }, /* UNIMPLEMENTED */
    { CCT_EIO, 14 },          /* UNAVAILABLE */
};

int cct_error_to_grpc(int code)
{
    if (code == 0) {
        return 0;
    }
    for (size_t i = 0; i < sizeof(grpc_map) / sizeof(grpc_map[0]); i++) {
        if (grpc_map[i].code == code) {
            return grpc_map[i].grpc;
        }
    }
    return 13; /* INTERNAL */
}

int cct_error_from_grpc(int status)
{
    if (status == 0) {
        return 0;
    }
    for (size_t i = 0; i < sizeof(grpc_map) / sizeof(grpc_map[0]); i++) {
        if (grpc_map[i].grpc == status) {
            return grpc_map[i].code;
        }
    }
    return CCT_EIO;
}
