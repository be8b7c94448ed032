/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Files in the freestanding core: there are none. cct_eventlog_from_file()
 * reaches cct_window_open() and fails with CCT_EUNSUPPORTED; the other
 * window calls are never reached without an open window.
 */
#include <string.h>

#include <cctrusted/error.h>

#include "util/error.h"
#include "util/file.h"

int cct_window_open(struct cct_window *w, const char *path, size_t limit, struct cct_error *err)
{
    (void)path, (void)limit;
    memset(w, 0, sizeof(*w));
    w->fd = -1;
    return cct_err(err, CCT_EUNSUPPORTED, -1, -1,
                   "no files in the freestanding core: give the log in memory");
}

int cct_window_fill(struct cct_window *w, size_t want, struct cct_error *err)
{
    (void)w, (void)want;
    return cct_err(err, CCT_EUNSUPPORTED, -1, -1, "no files in the freestanding core");
}

void cct_window_consume(struct cct_window *w, size_t n)
{
    (void)w, (void)n;
}

int cct_window_rewind(struct cct_window *w, struct cct_error *err)
{
    (void)w;
    return cct_err(err, CCT_EUNSUPPORTED, -1, -1, "no files in the freestanding core");
}

void cct_window_close(struct cct_window *w)
{
    (void)w;
}
