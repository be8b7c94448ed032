/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cli_exit_for(int code)
{
    switch (code) {
    case CCT_OK: return EXIT_OK;
    case CCT_EINVAL: return EXIT_USAGE;
    case CCT_EIO:
    case CCT_ENOTFOUND:
    case CCT_EPERM:
    case CCT_ENOMEM: return EXIT_ENV;
    default: return EXIT_INVALID;
    }
}

struct cct_error cli_last_error = { 0, 0, -1, -1, "" };

void cli_error(const char *what, const struct cct_error *err)
{
    if (err != NULL) {
        cli_last_error = *err;
    }
    fprintf(stderr, "cctrusted: %s: %s", what,
            err && err->message[0] ? err->message : cct_strerror(err ? err->code : 0));
    if (err && err->event >= 0 && err->offset >= 0) {
        fprintf(stderr, " (event %" PRId64 ", byte offset %" PRId64 " = 0x%" PRIx64 ")", err->event,
                err->offset, err->offset);
    } else if (err && err->event >= 0) {
        fprintf(stderr, " (event %" PRId64 ")", err->event);
    } else if (err && err->offset >= 0) {
        fprintf(stderr, " (byte offset %" PRId64 " = 0x%" PRIx64 ")", err->offset, err->offset);
    }
    fputc('\n', stderr);
}

void cli_hexdump(FILE *f, const uint8_t *p, size_t n, const char *indent)
{
    for (size_t i = 0; i < n; i += 16) {
        fprintf(f, "%s%08zx ", indent, i);
        for (size_t j = 0; j < 16; j++) {
            if (i + j < n) {
                fprintf(f, " %02x", p[i + j]);
            } else {
                fputs("   ", f);
            }
        }
        fputs("  ", f);
        for (size_t j = 0; j < 16 && i + j < n; j++) {
            uint8_t c = p[i + j];
            fputc(c >= 0x20 && c < 0x7f ? c : '.', f);
        }
        fputc('\n', f);
    }
}

void cli_json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            fputc('\\', f);
            fputc(c, f);
        } else if (c < 0x20 || c >= 0x7f) {
            fprintf(f, "\\u%04x", c);
        } else {
            fputc(c, f);
        }
    }
    fputc('"', f);
}

void cli_text_str(FILE *f, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        switch (c) {
        case '\\': fputs("\\\\", f); break;
        case '\n': fputs("\\n", f); break;
        case '\r': fputs("\\r", f); break;
        case '\t': fputs("\\t", f); break;
        default:
            if (c < 0x20 || c >= 0x7f) {
                fprintf(f, "\\x%02x", c);
            } else {
                fputc(c, f);
            }
            break;
        }
    }
}

void cli_json_hex(FILE *f, const uint8_t *p, size_t n)
{
    fputc('"', f);
    for (size_t i = 0; i < n; i++) {
        fprintf(f, "%02x", p[i]);
    }
    fputc('"', f);
}

bool cli_parse_u64(const char *s, uint64_t *out)
{
    if (s == NULL || *s == '\0' || *s == '-' || *s == '+') {
        return false;
    }
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno != 0 || end == s || *end != '\0') {
        return false;
    }
    *out = v;
    return true;
}

bool cli_parse_index(const char *cmd, const char *s, uint64_t *out)
{
    uint64_t v;
    if (!cli_parse_u64(s, &v) || v > 1023) {
        fprintf(stderr, "cctrusted %s: --index needs a register number\n", cmd);
        return false;
    }
    *out = v;
    return true;
}

int cli_open_log(const char *path, enum cct_log_format fmt, cct_eventlog **out)
{
    struct cct_eventlog_options o = CCT_EVENTLOG_OPTIONS_INIT;
    struct cct_error err;
    o.format = fmt;
    cct_error_clear(&err);
    int r = cct_eventlog_from_file(path, &o, out, &err);
    if (r < 0) {
        cli_error(path, &err);
        return cli_exit_for(r);
    }
    return 0;
}

const char *cli_reg_prefix(enum cct_reg_kind k)
{
    switch (k) {
    case CCT_REG_RTMR: return "RTMR";
    case CCT_REG_MRTD: return "MRTD";
    default: return "PCR";
    }
}
