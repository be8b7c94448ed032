/* SPDX-License-Identifier: Apache-2.0 */
#include "formats/tcg/emit.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <cctrusted/error.h>

void cct_emit_init(struct cct_emit *e, struct cct_buf *b, bool json)
{
    memset(e, 0, sizeof(*e));
    e->b = b;
    e->json = json;
    e->kind[0] = 'o';
    if (json) {
        cct_buf_putc(b, '{');
    }
}

static void indent(struct cct_emit *e)
{
    for (int i = 0; i <= e->depth; i++) {
        cct_buf_puts(e->b, "  ");
    }
}

/* Separator and key (JSON) or indentation and label (text) of the next item. */
static void item_start(struct cct_emit *e, const char *key, bool container)
{
    uint64_t idx = e->count[e->depth]++;
    bool in_array = e->kind[e->depth] == 'a';
    if (e->json) {
        if (idx > 0) {
            cct_buf_putc(e->b, ',');
        }
        if (!in_array) {
            cct_buf_json_str(e->b, key ? key : "", key ? strlen(key) : 0);
            cct_buf_putc(e->b, ':');
        }
        return;
    }
    indent(e);
    if (in_array) {
        cct_buf_printf(e->b, "[%" PRIu64 "]:", idx);
    } else {
        cct_buf_printf(e->b, "%s:", key ? key : "");
    }
    if (container) {
        cct_buf_putc(e->b, '\n');
    }
}

static void open_container(struct cct_emit *e, const char *key, char kind)
{
    if (e->depth >= CCT_EMIT_MAX_DEPTH) {
        /* A decoder bug, not input: fail the buffer rather than nest further. */
        e->b->failed = CCT_ELIMIT;
        return;
    }
    item_start(e, key, true);
    if (e->json) {
        cct_buf_putc(e->b, kind == 'o' ? '{' : '[');
    }
    e->depth++;
    e->kind[e->depth] = kind;
    e->count[e->depth] = 0;
}

void cct_emit_begin_object(struct cct_emit *e, const char *key)
{
    open_container(e, key, 'o');
}

void cct_emit_begin_array(struct cct_emit *e, const char *key)
{
    open_container(e, key, 'a');
}

void cct_emit_end(struct cct_emit *e)
{
    if (e->depth == 0) {
        return;
    }
    if (e->json) {
        cct_buf_putc(e->b, e->kind[e->depth] == 'o' ? '}' : ']');
    }
    e->depth--;
}

void cct_emit_finish(struct cct_emit *e)
{
    while (e->depth > 0) {
        cct_emit_end(e);
    }
    if (e->json) {
        cct_buf_putc(e->b, '}');
    }
}

/* Decode one UTF-8 sequence of valid input (the emitter only receives valid UTF-8). */
static size_t utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned char c = s[0];
    size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if (len > n) {
        *cp = 0xFFFD;
        return n;
    }
    uint32_t v = len == 1 ? c : len == 2 ? (c & 0x1Fu) : len == 3 ? (c & 0x0Fu) : (c & 0x07u);
    for (size_t i = 1; i < len; i++) {
        v = (v << 6) | (s[i] & 0x3Fu);
    }
    *cp = v;
    return len;
}

static void json_string(struct cct_buf *b, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    cct_buf_putc(b, '"');
    size_t i = 0;
    while (i < n) {
        size_t run = 0;
        while (i + run < n && u[i + run] >= 0x20 && u[i + run] < 0x7f && u[i + run] != '"' &&
               u[i + run] != '\\') {
            run++;
        }
        if (run > 0) {
            cct_buf_append(b, s + i, run);
            i += run;
            continue;
        }
        uint32_t cp;
        size_t len = utf8_next(u + i, n - i, &cp);
        i += len;
        if (cp == '"' || cp == '\\') {
            cct_buf_putc(b, '\\');
            cct_buf_putc(b, (char)cp);
        } else if (cp == '\n') {
            cct_buf_puts(b, "\\n");
        } else if (cp == '\t') {
            cct_buf_puts(b, "\\t");
        } else if (cp == '\r') {
            cct_buf_puts(b, "\\r");
        } else if (cp >= 0x10000) {
            /* JSON escapes are UTF-16: a surrogate pair (RFC 8259 section 7). */
            uint32_t v = cp - 0x10000;
            cct_buf_printf(b, "\\u%04x\\u%04x", 0xD800u + (v >> 10), 0xDC00u + (v & 0x3FFu));
        } else {
            cct_buf_printf(b, "\\u%04x", cp);
        }
    }
    cct_buf_putc(b, '"');
}

static void text_string(struct cct_buf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7f) {
            /* Keep one line per value: control characters are shown escaped. */
            cct_buf_printf(b, "\\x%02x", c);
        } else {
            cct_buf_putc(b, (char)c);
        }
    }
}

void cct_emit_str(struct cct_emit *e, const char *key, const char *s, size_t n)
{
    item_start(e, key, false);
    if (e->json) {
        json_string(e->b, s, n);
        return;
    }
    if (n > 0) {
        cct_buf_putc(e->b, ' ');
        text_string(e->b, s, n);
    }
    cct_buf_putc(e->b, '\n');
}

void cct_emit_cstr(struct cct_emit *e, const char *key, const char *s)
{
    cct_emit_str(e, key, s, strlen(s));
}

void cct_emit_u64(struct cct_emit *e, const char *key, uint64_t v)
{
    item_start(e, key, false);
    cct_buf_printf(e->b, e->json ? "%" PRIu64 : " %" PRIu64 "\n", v);
}

void cct_emit_x64(struct cct_emit *e, const char *key, uint64_t v, int width)
{
    item_start(e, key, false);
    cct_buf_printf(e->b, e->json ? "\"0x%0*" PRIx64 "\"" : " 0x%0*" PRIx64 "\n", width, v);
}

void cct_emit_bool(struct cct_emit *e, const char *key, bool v)
{
    item_start(e, key, false);
    cct_buf_puts(e->b, e->json ? (v ? "true" : "false") : (v ? " true\n" : " false\n"));
}

void cct_emit_hex(struct cct_emit *e, const char *key, const uint8_t *p, size_t n)
{
    item_start(e, key, false);
    if (e->json) {
        cct_buf_putc(e->b, '"');
        cct_buf_hex(e->b, p, n);
        cct_buf_putc(e->b, '"');
        return;
    }
    if (n > 0) {
        cct_buf_putc(e->b, ' ');
        cct_buf_hex(e->b, p, n);
    }
    cct_buf_putc(e->b, '\n');
}

void cct_emit_guid(struct cct_emit *e, const char *key, const uint8_t *g)
{
    char s[37];
    cct_guid_format(g, s);
    cct_emit_str(e, key, s, 36);
}

/* ---- strings ---- */

static void put_utf8(struct cct_buf *out, uint32_t cp)
{
    char u[4];
    if (cp < 0x80) {
        u[0] = (char)cp;
        cct_buf_append(out, u, 1);
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3F));
        cct_buf_append(out, u, 2);
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        cct_buf_append(out, u, 3);
    } else {
        u[0] = (char)(0xF0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (char)(0x80 | (cp & 0x3F));
        cct_buf_append(out, u, 4);
    }
}

/* Length of a valid UTF-8 sequence at p (RFC 3629 section 4), or 0. */
static size_t utf8_valid(const uint8_t *p, size_t n)
{
    uint8_t c = p[0];
    size_t len;
    uint32_t min;
    if (c < 0x80) {
        return 1;
    } else if (c >= 0xC2 && c <= 0xDF) {
        len = 2, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4, min = 0x10000;
    } else {
        return 0;
    }
    if (n < len) {
        return 0;
    }
    uint32_t v = c & (0x7Fu >> len);
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xC0) != 0x80) {
            return 0;
        }
        v = (v << 6) | (p[i] & 0x3Fu);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
        return 0;
    }
    return len;
}

void cct_ustr_bytes(struct cct_buf *out, const uint8_t *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t len = utf8_valid(p + i, n - i);
        if (len == 0) {
            put_utf8(out, 0xFFFD);
            i++;
        } else {
            cct_buf_append(out, p + i, len);
            i += len;
        }
    }
}

void cct_ustr_utf16(struct cct_buf *out, const uint8_t *p, size_t n, bool stop_at_nul)
{
    size_t units = n / 2;
    for (size_t i = 0; i < units; i++) {
        uint32_t u = (uint32_t)p[2 * i] | ((uint32_t)p[2 * i + 1] << 8);
        if (u == 0 && stop_at_nul) {
            break;
        }
        if (u >= 0xD800 && u <= 0xDBFF && i + 1 < units) {
            uint32_t l = (uint32_t)p[2 * i + 2] | ((uint32_t)p[2 * i + 3] << 8);
            if (l >= 0xDC00 && l <= 0xDFFF) {
                put_utf8(out, 0x10000 + ((u - 0xD800) << 10) + (l - 0xDC00));
                i++;
                continue;
            }
        }
        if (u >= 0xD800 && u <= 0xDFFF) {
            u = 0xFFFD;
        }
        put_utf8(out, u);
    }
}

static bool ctl_ok(uint32_t c)
{
    return c >= 0x20 ? c != 0x7f : (c == '\t' || c == '\n' || c == '\r');
}

bool cct_is_text(const uint8_t *p, size_t n, size_t *tlen)
{
    while (n > 0 && p[n - 1] == 0) {
        n--;
    }
    for (size_t i = 0; i < n;) {
        size_t len = utf8_valid(p + i, n - i);
        if (len == 0 || (len == 1 && !ctl_ok(p[i]))) {
            return false;
        }
        i += len;
    }
    *tlen = n;
    return true;
}

bool cct_is_utf16_text(const uint8_t *p, size_t n, size_t *tlen)
{
    if (n % 2 != 0) {
        return false;
    }
    while (n >= 2 && p[n - 1] == 0 && p[n - 2] == 0) {
        n -= 2;
    }
    size_t ascii = 0;
    for (size_t i = 0; i < n; i += 2) {
        uint32_t u = (uint32_t)p[i] | ((uint32_t)p[i + 1] << 8);
        ascii += u < 0x80;
        if (!ctl_ok(u)) {
            return false;
        }
        if (u >= 0xD800 && u <= 0xDBFF) {
            if (n - i < 4) {
                return false;
            }
            uint32_t l = (uint32_t)p[i + 2] | ((uint32_t)p[i + 3] << 8);
            if (l < 0xDC00 || l > 0xDFFF) {
                return false;
            }
            i += 2;
        } else if (u >= 0xDC00 && u <= 0xDFFF) {
            return false;
        }
    }
    /* Firmware strings are nearly always ASCII in UTF-16: requiring a
     * majority of ASCII units keeps odd byte strings from reading as CJK. */
    if (ascii * 2 < n / 2) {
        return false;
    }
    *tlen = n;
    return true;
}

/* ---- GUIDs ---- */

void cct_guid_format(const uint8_t *g, char out[37])
{
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", g[3],
             g[2], g[1], g[0], g[5], g[4], g[7], g[6], g[8], g[9], g[10], g[11], g[12], g[13],
             g[14], g[15]);
}

/* Well-known GUIDs: UEFI spec (variables, signature types, configuration
 * tables), the UEFI GPT partition type table, and shim. */
static const struct {
    const char *text;
    const char *name;
} known_guids[] = {
    { "8be4df61-93ca-11d2-aa0d-00e098032b8c", "EFI_GLOBAL_VARIABLE" },
    { "d719b2cb-3d3a-4596-a3bc-dad00e67656f", "EFI_IMAGE_SECURITY_DATABASE" },
    { "605dab50-e046-4300-abb6-3dd810dd8b23", "SHIM_LOCK" },
    { "a5c059a1-94e4-4aa7-87b5-ab155c2bf072", "X509" },
    { "c1c41626-504c-4092-aca9-41f936934328", "SHA256" },
    { "826ca512-cf10-4ac9-b187-be01496631bd", "SHA1" },
    { "ff3e5307-9fd0-48c9-85f1-8ad56c701e01", "SHA384" },
    { "093e0fae-a6c4-4f50-9f1b-d41e2b89c19a", "SHA512" },
    { "3c5766e8-269c-4e34-aa14-ed776e85b3b6", "RSA2048" },
    { "3bd2a492-96c0-4079-b420-fcf98ef103ed", "X509_SHA256" },
    { "7076876e-80c2-4ee6-aad2-28b349a6865b", "X509_SHA384" },
    { "446dbf63-2502-4cda-bcfa-2465d2b0fe9d", "X509_SHA512" },
    { "77fa9abd-0359-4d32-bd60-28f4e78f784b", "MICROSOFT" },
    { "8868e871-e4f1-11d3-bc22-0080c73c8881", "ACPI_20_TABLE" },
    { "eb9d2d30-2d88-11d3-9a16-0090273fc14d", "ACPI_TABLE" },
    { "eb9d2d31-2d88-11d3-9a16-0090273fc14d", "SMBIOS_TABLE" },
    { "f2fd1544-9794-4a2c-992e-e5bbcf20e394", "SMBIOS3_TABLE" },
    { "c12a7328-f81f-11d2-ba4b-00a0c93ec93b", "EFI System Partition" },
    { "21686148-6449-6e6f-744e-656564454649", "BIOS boot partition" },
    { "0fc63daf-8483-4772-8e79-3d69d8477de4", "Linux filesystem" },
    { "4f68bce3-e8cd-4db1-96e7-fbcaf984b709", "Linux root (x86-64)" },
    { "0657fd6d-a4ab-43c4-84e5-0933c84b4f4f", "Linux swap" },
    { "e6d6d379-f507-44c2-a23c-238f2a3df928", "Linux LVM" },
    { "bc13c2ff-59e6-4262-a352-b275fd6f7172", "Linux extended boot" },
    { "ebd0a0a2-b9e5-4433-87c0-68b6b72699c7", "Microsoft basic data" },
    { "e3c9e316-0b5c-4db8-817d-f92df00215ae", "Microsoft reserved" },
};

const char *cct_guid_name(const uint8_t *g)
{
    char s[37];
    cct_guid_format(g, s);
    for (size_t i = 0; i < sizeof(known_guids) / sizeof(known_guids[0]); i++) {
        if (strcmp(s, known_guids[i].text) == 0) {
            return known_guids[i].name;
        }
    }
    return NULL;
}
