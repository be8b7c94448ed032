/* SPDX-License-Identifier: Apache-2.0 */
/* IMA settings of an open log, and resuming a log from a saved position. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <cctrusted/ima.h>

#include "eventlog/eventlog_internal.h"
#include "util/error.h"

static int is_ima(const cct_eventlog *log)
{
    return log->parser.format == CCT_LOG_IMA_ASCII || log->parser.format == CCT_LOG_IMA_BINARY;
}

int cct_eventlog_ima_set_register(cct_eventlog *log, enum cct_reg_kind kind)
{
    if (log == NULL) {
        return CCT_EINVAL;
    }
    if (!is_ima(log) || (kind != CCT_REG_PCR && kind != CCT_REG_RTMR)) {
        return cct_err(&log->err, CCT_EINVAL, -1, -1,
                       "IMA register kind applies to IMA logs, PCR or RTMR");
    }
    log->ima_set.kind = kind;
    log->parser.ima.set.kind = kind;
    return 0;
}

int cct_eventlog_position(const cct_eventlog *log, struct cct_eventlog_position *pos)
{
    if (log == NULL || pos == NULL) {
        return CCT_EINVAL;
    }
    pos->number = log->number;
    pos->offset = log->is_file ? log->win.file_off : log->mem_pos;
    return 0;
}

int cct_eventlog_resume(cct_eventlog *log, const struct cct_eventlog_position *pos)
{
    if (log == NULL) {
        return CCT_EINVAL;
    }
    if (pos == NULL) {
        return cct_err(&log->err, CCT_EINVAL, -1, -1, "resume: no position given");
    }
    if (!is_ima(log)) {
        return cct_err(&log->err, CCT_EUNSUPPORTED, -1, -1,
                       "resume is supported for IMA logs only");
    }
    if (log->is_file) {
        if (pos->offset > (uint64_t)INT64_MAX ||
            lseek(log->win.fd, (off_t)pos->offset, SEEK_SET) < 0) {
            int e = errno;
            log->failed = 1;
            return cct_err_sys(&log->err, CCT_EIO, e, "cannot seek to offset %llu",
                               (unsigned long long)pos->offset);
        }
        log->win.pos = log->win.end = 0;
        log->win.file_off = pos->offset;
        log->win.eof = 0;
    } else {
        if (pos->offset > log->mem_len) {
            return cct_err(&log->err, CCT_EINVAL, -1, (int64_t)pos->offset,
                           "resume offset %llu is past the end of the log (%zu bytes)",
                           (unsigned long long)pos->offset, log->mem_len);
        }
        log->mem_pos = (size_t)pos->offset;
    }
    cct_eventlog_restart(log, pos->number);
    return 0;
}
