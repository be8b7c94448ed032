/* SPDX-License-Identifier: Apache-2.0 */
/* Event data decoders (placeholder: replaced by the full decoder set). */
#include <cctrusted/eventlog.h>

#include "util/buf.h"
#include "util/error.h"

int cct_event_decode(const struct cct_event *ev, enum cct_decode_style style, char **out,
                     struct cct_error *err)
{
    struct cct_buf b;
    cct_buf_init(&b, 0);
    if (style == CCT_DECODE_JSON) {
        cct_buf_puts(&b, "{}");
    }
    *out = cct_buf_steal(&b);
    return *out ? 0 : CCT_ENOMEM;
}
