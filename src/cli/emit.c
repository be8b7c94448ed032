/* SPDX-License-Identifier: Apache-2.0 */
#include "emit.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

void emit_init(struct emit *e, FILE *f, bool json)
{
    memset(e, 0, sizeof(*e));
    e->f = f;
    e->json = json;
}

static void key(struct emit *e, const char *name)
{
    if (e->json) {
        if (!e->first[e->depth]) {
            fputc(',', e->f);
        }
        e->first[e->depth] = false;
        if (name != NULL) {
            cli_json_str(e->f, name);
            fputc(':', e->f);
        }
    } else {
        fprintf(e->f, "%*s%s: ", 2 * (e->depth > 0 ? e->depth - 1 : 0), "", name ? name : "");
    }
}

void emit_begin(struct emit *e, const char *name)
{
    if (e->json) {
        if (e->depth > 0) {
            key(e, name);
        }
        fputc('{', e->f);
    } else if (name != NULL) {
        fprintf(e->f, "%*s%s:\n", 2 * (e->depth > 0 ? e->depth - 1 : 0), "", name);
    }
    if (e->depth < 15) {
        e->depth++;
    }
    e->first[e->depth] = true;
}

void emit_end(struct emit *e)
{
    if (e->depth > 0) {
        e->depth--;
    }
    if (e->json) {
        fputc('}', e->f);
        if (e->depth == 0) {
            fputc('\n', e->f);
        }
    }
}

void emit_hex(struct emit *e, const char *name, const uint8_t *p, size_t n)
{
    key(e, name);
    if (e->json) {
        cli_json_hex(e->f, p, n);
        return;
    }
    if (n > 64) {
        fprintf(e->f, "(%zu bytes)\n", n);
        cli_hexdump(e->f, p, n, "      ");
        return;
    }
    cli_hex(e->f, p, n);
    fputc('\n', e->f);
}

void emit_uint(struct emit *e, const char *name, uint64_t v)
{
    key(e, name);
    fprintf(e->f, e->json ? "%" PRIu64 : "%" PRIu64 "\n", v);
}

void emit_xint(struct emit *e, const char *name, uint64_t v, int width)
{
    key(e, name);
    /* JSON: a hex string, so that 64-bit values survive parsers that read numbers as doubles */
    fprintf(e->f, e->json ? "\"0x%0*" PRIx64 "\"" : "0x%0*" PRIx64 "\n", width, v);
}

void emit_uint_list(struct emit *e, const char *name, const unsigned *v, size_t n)
{
    key(e, name);
    fputs(e->json ? "[" : "", e->f);
    for (size_t i = 0; i < n; i++) {
        fprintf(e->f, "%s%u", i == 0 ? "" : ",", v[i]);
    }
    fputs(e->json ? "]" : "\n", e->f);
}

void emit_strn(struct emit *e, const char *name, const char *s, size_t n)
{
    key(e, name);
    if (e->json) {
        char *t = malloc(n + 1);
        if (t == NULL) {
            fputs("null", e->f);
            return;
        }
        memcpy(t, s, n);
        t[n] = '\0';
        for (size_t i = 0; i < n; i++) {
            if (t[i] == '\0') {
                t[i] = '?';
            }
        }
        cli_json_str(e->f, t);
        free(t);
    } else {
        for (size_t i = 0; i < n; i++) {
            unsigned char c = (unsigned char)s[i];
            fputc(c >= 0x20 && c < 0x7f ? c : '?', e->f);
        }
        fputc('\n', e->f);
    }
}

void emit_str(struct emit *e, const char *name, const char *s)
{
    emit_strn(e, name, s, strlen(s));
}

void emit_bool(struct emit *e, const char *name, bool v)
{
    key(e, name);
    fprintf(e->f, e->json ? "%s" : "%s\n", v ? "true" : "false");
}

int cli_slurp(const char *path, size_t max, uint8_t **out, size_t *len)
{
    FILE *f = fopen(path, "rbe");
    uint8_t *buf = NULL;
    size_t n = 0, cap = 0;
    if (f == NULL) {
        fprintf(stderr, "cctrusted: %s: %s\n", path, strerror(errno));
        return EXIT_ENV;
    }
    for (;;) {
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 65536;
            if (cap >= max + 1) {
                fprintf(stderr, "cctrusted: %s: larger than %zu bytes\n", path, max);
                free(buf);
                fclose(f);
                return EXIT_INVALID;
            }
            uint8_t *nb = realloc(buf, ncap + 1);
            if (nb == NULL) {
                free(buf);
                fclose(f);
                fprintf(stderr, "cctrusted: out of memory\n");
                return EXIT_ENV;
            }
            buf = nb;
            cap = ncap;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) {
            break;
        }
    }
    if (ferror(f)) {
        fprintf(stderr, "cctrusted: %s: read error\n", path);
        free(buf);
        fclose(f);
        return EXIT_ENV;
    }
    fclose(f);
    if (n > max) {
        fprintf(stderr, "cctrusted: %s: larger than %zu bytes\n", path, max);
        free(buf);
        return EXIT_INVALID;
    }
    if (buf == NULL) {
        buf = malloc(1);
        if (buf == NULL) {
            return EXIT_ENV;
        }
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return 0;
}

void emit_str_list(struct emit *e, const char *name, const char *const *v, size_t n)
{
    key(e, name);
    fputs(e->json ? "[" : "", e->f);
    for (size_t i = 0; i < n; i++) {
        fputs(i == 0 ? "" : ",", e->f);
        if (e->json) {
            cli_json_str(e->f, v[i]);
        } else {
            cli_text_str(e->f, v[i]);
        }
    }
    fputs(e->json ? "]" : "\n", e->f);
}
