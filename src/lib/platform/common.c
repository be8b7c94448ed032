/* SPDX-License-Identifier: Apache-2.0 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "platform/platform.h"

int cct_path(const char *sysroot, const char *path, char *out, size_t len)
{
    const char *root = (sysroot && strcmp(sysroot, "/") != 0) ? sysroot : "";
    int n = snprintf(out, len, "%s%s", root, path);
    if (n < 0 || (size_t)n >= len) {
        return CCT_ELIMIT;
    }
    return 0;
}

void cct_probe_add(struct cct_detection *d, enum cct_platform p, const char *what, const char *path,
                   int found, const char *fmt, ...)
{
    if (d->n_probes >= CCT_MAX_PROBES) {
        return;
    }
    struct cct_probe *pr = &d->probes[d->n_probes++];
    memset(pr, 0, sizeof(*pr));
    pr->platform = p;
    snprintf(pr->what, sizeof(pr->what), "%s", what);
    snprintf(pr->path, sizeof(pr->path), "%s", path ? path : "");
    pr->found = found;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(pr->detail, sizeof(pr->detail), fmt, ap);
    va_end(ap);
}
