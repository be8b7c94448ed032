/* SPDX-License-Identifier: Apache-2.0 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <cctrusted/eventlog.h>

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

void cct_measurement_set(struct cct_measurement *out, enum cct_reg_kind kind, uint32_t index,
                         uint16_t alg, const uint8_t *digest, size_t size)
{
    memset(out, 0, sizeof(*out));
    out->kind = kind;
    out->index = index;
    out->alg = alg;
    out->size = (uint16_t)size;
    memcpy(out->digest, digest, size);
}

int cct_log_format_supported(enum cct_log_format fmt)
{
    static const uint8_t dummy[16] = { 0 };
    struct cct_eventlog_options o = CCT_EVENTLOG_OPTIONS_INIT;
    cct_eventlog *log = NULL;
    o.format = fmt;
    int r = cct_eventlog_from_memory(dummy, sizeof(dummy), &o, &log, NULL);
    cct_eventlog_free(log);
    return r != CCT_EUNSUPPORTED;
}

int cct_log_source_add(struct cct_log_source *out, size_t max, size_t *n, const char *path,
                       enum cct_log_format f, const char *role)
{
    if (*n >= max) {
        return CCT_ELIMIT;
    }
    struct cct_log_source *s = &out[*n];
    memset(s, 0, sizeof(*s));
    if ((size_t)snprintf(s->path, sizeof(s->path), "%s", path) >= sizeof(s->path)) {
        return CCT_ELIMIT;
    }
    s->format = f;
    snprintf(s->role, sizeof(s->role), "%s", role);
    (*n)++;
    return 0;
}
