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
