/* SPDX-License-Identifier: Apache-2.0 */
/* Irregular events that the parsers accept and replay skips. */
#include <stdio.h>

#include <cctrusted/eventlog.h>

#include "formats/tcg/tcg.h"

int cct_event_anomaly(const struct cct_event *ev, char *buf, size_t cap)
{
    if (buf != NULL && cap > 0) {
        buf[0] = '\0';
    }
    if (ev == NULL || !(ev->flags & CCT_EVENT_F_INDEX_OUT_OF_RANGE) || ev->type == EV_NO_ACTION) {
        return 0;
    }
    if (buf != NULL && cap > 0) {
        if (ev->format == CCT_LOG_CCEL) {
            snprintf(buf, cap, "CC MR index %u is out of range (0-%u): the event is not replayed",
                     ev->index_logged, CCT_CCEL_MAX_MR);
        } else {
            snprintf(buf, cap, "PCR index %u is out of range (0-%u): the event is not replayed",
                     ev->index_logged, CCT_TCG_MAX_PCR);
        }
    }
    return 1;
}
