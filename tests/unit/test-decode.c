/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Negative tests of cct_event_decode(): every event of the generated log
 * (tests/data/tcg/events.bin, from tests/data/gen_tcg_events.py) is cut at
 * every byte boundary and decoded in both styles from an exactly-sized heap
 * copy (so a sanitizer build catches any read past the end). Decoding must
 * never crash, structured types must report the truncation, and the JSON
 * style must always parse. Hand-built records then check the named limits
 * and malformed lengths.
 *
 * usage: test-decode EVENTS.bin
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include <cctrusted/eventlog.h>

static int failures;
static int checks;

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        checks++;                                                                                  \
        if (!(cond)) {                                                                             \
            failures++;                                                                            \
            fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);                        \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
        }                                                                                          \
    } while (0)

/*
 * Bytes of the event data that form a fixed or length-prefixed structure: a
 * cut below this must be reported. 0 for free-form types (strings, hex).
 */
static size_t structured(const struct cct_event *ev)
{
    /* NvIndexInstance: 16-byte signature and 8-byte header, then a raw payload. */
    if (ev->type == 0x3 && ev->data_len >= 24 && memcmp(ev->data, "NvIndexInstance", 16) == 0) {
        return 24;
    }
    switch (ev->type) {
    case 0x3:        /* EV_NO_ACTION */
    case 0x4:        /* EV_SEPARATOR */
    case 0x6:        /* EV_EVENT_TAG */
    case 0x80000001: /* EV_EFI_VARIABLE_DRIVER_CONFIG */
    case 0x80000002: /* EV_EFI_VARIABLE_BOOT */
    case 0x80000003: /* EV_EFI_BOOT_SERVICES_APPLICATION */
    case 0x80000004: /* EV_EFI_BOOT_SERVICES_DRIVER */
    case 0x80000005: /* EV_EFI_RUNTIME_SERVICES_DRIVER */
    case 0x80000006: /* EV_EFI_GPT_EVENT */
    case 0x80000008: /* EV_EFI_PLATFORM_FIRMWARE_BLOB */
    case 0x80000009: /* EV_EFI_HANDOFF_TABLES */
    case 0x8000000A: /* EV_EFI_PLATFORM_FIRMWARE_BLOB2 */
    case 0x8000000B: /* EV_EFI_HANDOFF_TABLES2 */
    case 0x8000000C: /* EV_EFI_VARIABLE_BOOT2 */
    case 0x800000E0: /* EV_EFI_VARIABLE_AUTHORITY */ return ev->data_len;
    default: return 0;
    }
}

/*
 * Every scalar of the JSON style must appear as a "label: value" line of the
 * text style (label = key, or [i] inside arrays): both come from one walk.
 */
static void same_content(json_object *o, const char *text, const char *what)
{
    char line[1024];
    if (json_object_is_type(o, json_type_object)) {
        json_object_object_foreach(o, key, val)
        {
            if (json_object_is_type(val, json_type_object) ||
                json_object_is_type(val, json_type_array)) {
                snprintf(line, sizeof(line), "%s:\n", key);
                CHECK(strstr(text, line) != NULL, "%s: text lacks '%s:'", what, key);
                same_content(val, text, what);
                continue;
            }
            const char *v = json_object_get_string(val);
            int plain = 1;
            for (const char *c = v; *c; c++) {
                plain = plain && (unsigned char)*c >= 0x20;
            }
            if (!plain) {
                continue; /* control characters are escaped differently in text */
            }
            snprintf(line, sizeof(line), *v ? "%s: %s\n" : "%s:%s\n", key, v);
            CHECK(strstr(text, line) != NULL, "%s: text lacks '%s'", what, line);
        }
    } else if (json_object_is_type(o, json_type_array)) {
        for (size_t i = 0; i < json_object_array_length(o); i++) {
            json_object *val = json_object_array_get_idx(o, i);
            if (json_object_is_type(val, json_type_object) ||
                json_object_is_type(val, json_type_array)) {
                same_content(val, text, what);
            } else {
                snprintf(line, sizeof(line), "[%zu]: %s\n", i, json_object_get_string(val));
                CHECK(strstr(text, line) != NULL, "%s: text lacks '%s'", what, line);
            }
        }
    }
}

/* Decode ev in both styles; returns the JSON style's code. */
static int decode_both(const struct cct_event *ev, const char *what, struct cct_error *jerr)
{
    char *text = NULL, *json = NULL;
    struct cct_error terr;
    cct_error_clear(&terr);
    cct_error_clear(jerr);
    int rt = cct_event_decode(ev, CCT_DECODE_TEXT, &text, &terr);
    int rj = cct_event_decode(ev, CCT_DECODE_JSON, &json, jerr);
    CHECK(text != NULL && json != NULL, "%s: no output", what);
    CHECK(rt == rj, "%s: text rc %d != json rc %d", what, rt, rj);
    CHECK((rj < 0) == (jerr->message[0] != '\0'), "%s: rc %d but message '%s'", what, rj,
          jerr->message);
    /* The error record names the code that was returned. */
    CHECK(rj >= 0 || jerr->code == rj, "%s: json rc %d but err.code %d", what, rj, jerr->code);
    CHECK(rt >= 0 || terr.code == rt, "%s: text rc %d but err.code %d", what, rt, terr.code);
    if (rj < 0) {
        CHECK(strstr(jerr->message, "offset") != NULL, "%s: message without offset: %s", what,
              jerr->message);
    }
    if (json) {
        json_object *o = json_tokener_parse(json);
        CHECK(o != NULL && json_object_is_type(o, json_type_object), "%s: invalid JSON: %s", what,
              json);
        if (o != NULL && text != NULL) {
            same_content(o, text, what);
        }
        json_object_put(o);
    }
    cct_free(text);
    cct_free(json);
    return rj;
}

static void truncate_all(const struct cct_event *orig)
{
    char what[96];
    struct cct_error err;
    snprintf(what, sizeof(what), "event %" PRIu64 " full", orig->number);
    int full = decode_both(orig, what, &err);
    CHECK(full == 0, "%s: good event decodes with rc %d: %s", what, full, err.message);
    for (size_t cut = 0; cut < orig->data_len; cut++) {
        struct cct_event ev = *orig;
        uint8_t *copy = malloc(cut ? cut : 1);
        if (copy == NULL) {
            abort();
        }
        memcpy(copy, orig->data, cut);
        ev.data = copy;
        ev.data_len = cut;
        snprintf(what, sizeof(what), "event %" PRIu64 " (type 0x%x) cut at %zu of %zu",
                 orig->number, orig->type, cut, orig->data_len);
        int r = decode_both(&ev, what, &err);
        if (cut < structured(orig)) {
            CHECK(r == CCT_ETRUNCATED || r == CCT_EMALFORMED, "%s: truncation not reported (rc %d)",
                  what, r);
        }
        free(copy);
    }
}

static size_t put_u16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    return 2;
}

static size_t put_u32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
    return 4;
}

static size_t put_u64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
    return 8;
}

static int decode_raw(uint32_t type, const uint8_t *p, size_t n, struct cct_error *err,
                      const char *what)
{
    struct cct_event ev;
    memset(&ev, 0, sizeof(ev));
    ev.type = type;
    ev.data = p;
    ev.data_len = n;
    return decode_both(&ev, what, err);
}

static void crafted(void)
{
    uint8_t b[4096];
    struct cct_error err;
    size_t n;
    int r;

    /* GPT: NumberOfPartitions far above the limit. */
    memset(b, 0, sizeof(b));
    memcpy(b, "EFI PART", 8);
    put_u32(b + 84, 128);               /* SizeOfPartitionEntry */
    put_u64(b + 92, UINT64_C(1) << 40); /* NumberOfPartitions */
    r = decode_raw(0x80000006, b, 100, &err, "gpt huge count");
    CHECK(r == CCT_ELIMIT, "gpt huge count: rc %d", r);
    /* GPT: entry size smaller than EFI_PARTITION_ENTRY. */
    put_u32(b + 84, 64);
    put_u64(b + 92, 1);
    r = decode_raw(0x80000006, b, 100 + 64, &err, "gpt small entry");
    CHECK(r == CCT_EMALFORMED, "gpt small entry: rc %d", r);

    /* Handoff tables: count above the limit. */
    memset(b, 0, sizeof(b));
    put_u64(b, UINT64_MAX);
    r = decode_raw(0x80000009, b, 8 + 24, &err, "tables huge count");
    CHECK(r == CCT_ELIMIT, "tables huge count: rc %d", r);

    /* Variable with a huge UnicodeNameLength. */
    memset(b, 0, sizeof(b));
    put_u64(b + 16, UINT64_C(1) << 62);
    r = decode_raw(0x80000001, b, 64, &err, "variable huge name");
    CHECK(r == CCT_ELIMIT, "variable huge name: rc %d", r);

    /* VariableDataLength larger than the event: decoded as far as possible, warned. */
    memset(b, 0, sizeof(b));
    n = 16;
    n += put_u64(b + n, 2);
    n += put_u64(b + n, 100);
    n += put_u16(b + n, 'd');
    n += put_u16(b + n, 'b');
    r = decode_raw(0x80000001, b, n, &err, "variable data length");
    CHECK(r == CCT_ETRUNCATED && strstr(err.message, "VariableDataLength") != NULL,
          "variable data length: rc %d %s", r, err.message);

    /* BootOrder whose VariableDataLength disagrees with the event and whose data has an odd
     * length: two problems, and the code returned is the one the error record holds. */
    memset(b, 0, sizeof(b));
    n = 16;
    n += put_u64(b + n, 9);
    n += put_u64(b + n, 100);
    for (const char *c = "BootOrder"; *c; c++) {
        n += put_u16(b + n, (uint16_t)*c);
    }
    n += put_u16(b + n, 1);
    b[n++] = 0x02;
    r = decode_raw(0x80000002, b, n, &err, "bootorder odd and short");
    CHECK(r == CCT_ETRUNCATED && err.code == r && strstr(err.message, "VariableDataLength") != NULL,
          "bootorder odd and short: rc %d, err.code %d: %s", r, err.code, err.message);

    /* Signature list whose SignatureSize is below the owner GUID size. */
    memset(b, 0, sizeof(b));
    n = 16;
    n += put_u64(b + n, 2);
    size_t dl = n;
    n += put_u64(b + n, 28 + 4);
    n += put_u16(b + n, 'd');
    n += put_u16(b + n, 'b');
    n += 16; /* SignatureType */
    n += put_u32(b + n, 28 + 4);
    n += put_u32(b + n, 0);
    n += put_u32(b + n, 4);
    n += 4;
    (void)dl;
    r = decode_raw(0x80000001, b, n, &err, "siglist small signature");
    CHECK(r == CCT_EMALFORMED, "siglist small signature: rc %d %s", r, err.message);

    /* Image load event: device path node with length 2 (< header) and 0. */
    for (int len = 0; len <= 2; len += 2) {
        memset(b, 0, sizeof(b));
        n = 24;
        n += put_u64(b + n, 8);
        b[n] = 4;
        b[n + 1] = 4;
        put_u16(b + n + 2, (uint16_t)len);
        n += 8;
        r = decode_raw(0x80000003, b, n, &err, "devpath bad node length");
        CHECK(r == CCT_EMALFORMED, "devpath node length %d: rc %d", len, r);
    }
    /* Device path deeper than the node limit. */
    memset(b, 0, sizeof(b));
    n = 32;
    size_t nodes = 100;
    for (size_t i = 0; i < nodes; i++) {
        b[n] = 1;
        b[n + 1] = 1;
        put_u16(b + n + 2, 6);
        n += 6;
    }
    put_u64(b + 24, nodes * 6);
    r = decode_raw(0x80000004, b, n, &err, "devpath too deep");
    CHECK(r == CCT_ELIMIT, "devpath too deep: rc %d", r);

    /* SpecID with more algorithms than the limit. */
    memset(b, 0, sizeof(b));
    memcpy(b, "Spec ID Event03", 16);
    put_u32(b + 24, 1000);
    r = decode_raw(0x3, b, 64, &err, "specid many algorithms");
    CHECK(r == CCT_ELIMIT, "specid many algorithms: rc %d", r);

    /* Separator values. */
    memset(b, 0xFF, 4);
    r = decode_raw(0x4, b, 4, &err, "separator error value");
    CHECK(r == 0, "separator 0xffffffff: rc %d", r);
    put_u32(b, 0x12345678);
    r = decode_raw(0x4, b, 4, &err, "separator odd value");
    CHECK(r == CCT_EMALFORMED, "separator odd value: rc %d", r);

    /* Strings with control characters, quotes and invalid UTF-8 stay valid JSON. */
    static const uint8_t s[] = { 'a', '"', '\\', '\n', 0x01, 0xC3, 0xA9, 0xFF, 0xE2, 0x82, 'z', 0 };
    r = decode_raw(0xD, s, sizeof(s), &err, "ipl odd bytes");
    CHECK(r == 0, "ipl odd bytes: rc %d", r);
    static const uint8_t u16[] = { 'a', 0, 0x00, 0xD8, 'b', 0, 0x3D, 0xD8, 0x00, 0xDE, 0, 0 };
    r = decode_raw(0x8, u16, sizeof(u16), &err, "crtm utf16 surrogates");
    CHECK(r == 0, "crtm utf16 surrogates: rc %d", r);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s EVENTS.bin\n", argv[0]);
        return 2;
    }
    cct_eventlog *log = NULL;
    struct cct_error err;
    cct_error_clear(&err);
    if (cct_eventlog_from_file(argv[1], NULL, &log, &err) < 0) {
        fprintf(stderr, "cannot open %s: %s\n", argv[1], err.message);
        return 2;
    }
    struct cct_event ev;
    int r;
    uint64_t events = 0;
    while ((r = cct_eventlog_next(log, &ev)) > 0) {
        truncate_all(&ev);
        events++;
    }
    CHECK(r == 0, "log iteration failed: %s", cct_eventlog_error(log)->message);
    CHECK(events >= 40, "only %" PRIu64 " events in %s", events, argv[1]);
    cct_eventlog_free(log);
    crafted();
    printf("%d checks over %" PRIu64 " events, %d failures\n", checks, events, failures);
    return failures ? 1 : 0;
}
