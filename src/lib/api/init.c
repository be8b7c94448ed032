/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Function forms of the CCT_*_INIT initialisers, for bindings that cannot
 * use C macros (ctypes, FFI generators). Each writes exactly what its macro
 * would, so the two never disagree. (cct_replay_options_init() lives with
 * the replay options in replay/.)
 */
#include <cctrusted/context.h>
#include <cctrusted/eventlog.h>
#include <cctrusted/verify.h>

void cct_open_options_init(struct cct_open_options *opts)
{
    if (opts != NULL) {
        *opts = (struct cct_open_options)CCT_OPEN_OPTIONS_INIT;
    }
}

void cct_report_request_init(struct cct_report_request *req)
{
    if (req != NULL) {
        *req = (struct cct_report_request)CCT_REPORT_REQUEST_INIT;
    }
}

void cct_eventlog_options_init(struct cct_eventlog_options *opts)
{
    if (opts != NULL) {
        *opts = (struct cct_eventlog_options)CCT_EVENTLOG_OPTIONS_INIT;
    }
}
