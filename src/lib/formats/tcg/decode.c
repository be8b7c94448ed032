/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Event data decoders: interpret an event's data by its EventType (TCG PC
 * Client Platform Firmware Profile 1.05/1.06 section 10 "Event Logging",
 * UEFI spec 2.10 for the UEFI structures). EventType is untrusted input: a
 * decoder that finds data not matching its type reports where, and the
 * output keeps what was decoded before that point.
 *
 * One walk drives the emitter (emit.h), which writes text or JSON.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include <cctrusted/eventlog.h>

#include "formats/tcg/decode_internal.h"
#include "formats/tcg/emit.h"
#include "formats/tcg/tcg.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/reader.h"

struct dec {
    struct cct_emit *e;
    struct cct_error *err;
    int64_t event;
    int rc; /* first error or warning recorded (0 = none) */
};

/* Record the first problem (later ones are consequences or noise) and return code. */
static int dec_err(struct dec *d, int code, size_t off, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int dec_err(struct dec *d, int code, size_t off, const char *fmt, ...)
{
    if (d->rc == 0) {
        char msg[CCT_ERROR_MESSAGE_MAX - 48];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        d->rc = code;
        cct_err(d->err, code, d->event, (int64_t)off, "%s (event data offset %zu)", msg, off);
    }
    return code;
}

/* A field did not fit in what is left of the event data. */
static int dec_trunc(struct dec *d, const struct cct_reader *r, const char *what, size_t need)
{
    return dec_err(d, CCT_ETRUNCATED, cct_reader_offset(r),
                   "%s truncated: needs %zu bytes, %zu left", what, need, cct_reader_left(r));
}

/* Read a fixed-size field with the cursor function rd, or fail as truncated (needs n bytes). */
#define RD_FIXED(d, r, rd, v, n, what)                                                             \
    do {                                                                                           \
        if (!rd((r), (v))) {                                                                       \
            return dec_trunc((d), (r), (what), (n));                                               \
        }                                                                                          \
    } while (0)
#define RD_U8(d, r, v, what) RD_FIXED(d, r, cct_read_u8, v, 1, what)
#define RD_U16(d, r, v, what) RD_FIXED(d, r, cct_read_u16le, v, 2, what)
#define RD_U32(d, r, v, what) RD_FIXED(d, r, cct_read_u32le, v, 4, what)
#define RD_U64(d, r, v, what) RD_FIXED(d, r, cct_read_u64le, v, 8, what)
#define RD_BYTES(d, r, n, p, what)                                                                 \
    do {                                                                                           \
        if (!cct_read_bytes((r), (n), (p))) {                                                      \
            return dec_trunc((d), (r), (what), (n));                                               \
        }                                                                                          \
    } while (0)

/* ---- small emit helpers ---- */

static void emit_ustr_bytes(struct cct_emit *e, const char *key, const uint8_t *p, size_t n)
{
    struct cct_buf t;
    cct_buf_init(&t, 0);
    cct_ustr_bytes(&t, p, n);
    cct_emit_str(e, key, t.data ? (const char *)t.data : "", t.len);
    cct_buf_free(&t);
}

static void emit_utf16(struct cct_emit *e, const char *key, const uint8_t *p, size_t n,
                       bool stop_at_nul)
{
    struct cct_buf t;
    cct_buf_init(&t, 0);
    cct_ustr_utf16(&t, p, n, stop_at_nul);
    cct_emit_str(e, key, t.data ? (const char *)t.data : "", t.len);
    cct_buf_free(&t);
}

static void emit_guid_named(struct cct_emit *e, const char *key, const char *name_key,
                            const uint8_t *g)
{
    cct_emit_guid(e, key, g);
    const char *n = cct_guid_name(g);
    if (n && name_key) {
        cct_emit_cstr(e, name_key, n);
    }
}

/*
 * Free-form data: a string when it is text (trailing NULs dropped), UTF-16
 * text when allowed and it looks like it, else hex. Never fails.
 */
static void emit_string_or_hex(struct cct_emit *e, const uint8_t *p, size_t n, bool utf16_first)
{
    size_t t;
    if (utf16_first && n >= 2 && cct_is_utf16_text(p, n, &t) && t > 0) {
        emit_utf16(e, "string", p, t, false);
    } else if (cct_is_text(p, n, &t)) {
        emit_ustr_bytes(e, "string", p, t);
    } else if (cct_is_utf16_text(p, n, &t)) {
        emit_utf16(e, "string", p, t, false);
    } else if (n > 1 && p[0] != 0 && memchr(p, 0, n) != NULL &&
               cct_is_text(p, (size_t)((const uint8_t *)memchr(p, 0, n) - p), &t)) {
        /* A NUL-terminated string followed by stray bytes (seen from GRUB). */
        size_t z = (size_t)((const uint8_t *)memchr(p, 0, n) - p);
        emit_ustr_bytes(e, "string", p, t);
        cct_emit_hex(e, "trailing_bytes", p + z + 1, n - z - 1);
    } else {
        cct_emit_hex(e, "hex", p, n);
    }
}

/* ---- device paths ---- */

static int emit_devpath(struct dec *d, const char *key, struct cct_reader *r, size_t n)
{
    struct cct_buf t;
    const uint8_t *p;
    size_t base = cct_reader_offset(r);
    RD_BYTES(d, r, n, &p, "DevicePath");
    cct_buf_init(&t, 0);
    struct cct_error e2;
    cct_error_clear(&e2);
    int rc = cct_devpath_text(p, n, base, &t, d->event, &e2);
    cct_emit_str(d->e, key, t.data ? (const char *)t.data : "", t.len);
    cct_buf_free(&t);
    if (rc < 0) {
        /* Rendering stopped at a malformed node: keep the event's raw bytes visible. */
        cct_emit_hex(d->e, "device_path_hex", p, n);
        dec_err(d, rc, (size_t)(e2.offset >= 0 ? e2.offset : (int64_t)base), "%s", e2.message);
    }
    return 0;
}

/* ---- EFI signature lists and certificates ---- */

static void emit_name_cn(struct cct_emit *e, const char *key, X509_NAME *name)
{
    int i = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
    if (i >= 0) {
        ASN1_STRING *s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i));
        unsigned char *u = NULL;
        int n = ASN1_STRING_to_UTF8(&u, s);
        if (n >= 0 && u) {
            emit_ustr_bytes(e, key, u, (size_t)n);
        }
        OPENSSL_free(u);
        return;
    }
    char buf[256];
    if (X509_NAME_oneline(name, buf, sizeof(buf))) {
        emit_ustr_bytes(e, key, (const uint8_t *)buf, strlen(buf));
    }
}

/* A DER certificate: subject and issuer common names when it parses. */
static void emit_x509(struct cct_emit *e, const uint8_t *p, size_t n)
{
    const unsigned char *q = p;
    /* Untrusted DER: keep OpenSSL's per-thread error queue as the caller left it. */
    ERR_set_mark();
    X509 *x = n <= (size_t)INT32_MAX ? d2i_X509(NULL, &q, (long)n) : NULL;
    ERR_pop_to_mark();
    if (x == NULL) {
        cct_emit_cstr(e, "x509", "unparseable");
        cct_emit_hex(e, "data", p, n);
        return;
    }
    emit_name_cn(e, "subject", X509_get_subject_name(x));
    emit_name_cn(e, "issuer", X509_get_issuer_name(x));
    X509_free(x);
}

static bool is_x509_type(const char *tn)
{
    return tn && strcmp(tn, "X509") == 0;
}

static bool is_hash_type(const char *tn)
{
    return tn && strncmp(tn, "SHA", 3) == 0;
}

/* Data of one EFI_SIGNATURE_DATA after its SignatureOwner (UEFI 32.4.1). */
static void emit_sigdata(struct cct_emit *e, const char *tn, const uint8_t *p, size_t n)
{
    if (is_x509_type(tn)) {
        emit_x509(e, p, n);
    } else if (is_hash_type(tn)) {
        cct_emit_hex(e, "digest", p, n);
    } else {
        cct_emit_hex(e, "data", p, n);
    }
}

/*
 * EFI_SIGNATURE_LIST records (UEFI spec 2.10 section 32.4.1):
 * SignatureType GUID, SignatureListSize u32, SignatureHeaderSize u32,
 * SignatureSize u32, SignatureHeader[SignatureHeaderSize],
 * Signatures[(ListSize - 28 - HeaderSize) / SignatureSize] of
 * EFI_SIGNATURE_DATA { SignatureOwner GUID, SignatureData[SignatureSize - 16] }.
 */
static int dec_siglists(struct dec *d, struct cct_reader *r)
{
    size_t lists = 0, total = 0;
    int rc = 0;
    cct_emit_begin_array(d->e, "signature_lists");
    while (!cct_reader_done(r)) {
        size_t off = cct_reader_offset(r);
        const uint8_t *type;
        uint32_t lsize, hsize, ssize;
        struct cct_reader body;
        if (++lists > CCT_DECODE_MAX_SIGLISTS) {
            rc = dec_err(d, CCT_ELIMIT, off, "EFI_SIGNATURE_LIST: more than %d lists",
                         CCT_DECODE_MAX_SIGLISTS);
            break;
        }
        if (!cct_read_bytes(r, 16, &type)) {
            rc = dec_trunc(d, r, "EFI_SIGNATURE_LIST.SignatureType", 16);
            break;
        }
        cct_emit_begin_object(d->e, NULL);
        emit_guid_named(d->e, "signature_type", "signature_type_name", type);
        const char *tn = cct_guid_name(type);
        if (!cct_read_u32le(r, &lsize)) {
            rc = dec_trunc(d, r, "EFI_SIGNATURE_LIST.SignatureListSize", 4);
            break;
        }
        if (!cct_read_u32le(r, &hsize)) {
            rc = dec_trunc(d, r, "EFI_SIGNATURE_LIST.SignatureHeaderSize", 4);
            break;
        }
        if (!cct_read_u32le(r, &ssize)) {
            rc = dec_trunc(d, r, "EFI_SIGNATURE_LIST.SignatureSize", 4);
            break;
        }
        cct_emit_u64(d->e, "signature_list_size", lsize);
        cct_emit_u64(d->e, "signature_header_size", hsize);
        cct_emit_u64(d->e, "signature_size", ssize);
        if (lsize < 28 || lsize - 28 < hsize || ssize < 16 || (lsize - 28 - hsize) % ssize != 0) {
            rc = dec_err(d, CCT_EMALFORMED, off,
                         "EFI_SIGNATURE_LIST sizes inconsistent (list %u, header %u, signature %u)",
                         lsize, hsize, ssize);
            break;
        }
        if (!cct_read_sub(r, lsize - 28, &body)) {
            rc = dec_trunc(d, r, "EFI_SIGNATURE_LIST body", lsize - 28);
            break;
        }
        uint32_t count = (lsize - 28 - hsize) / ssize;
        cct_emit_u64(d->e, "count", count);
        const uint8_t *hdr;
        /* Fits (hsize <= lsize - 28 was checked); a failure would be a bug here, reported as
         * truncation. */
        if (!cct_read_bytes(&body, hsize, &hdr)) {
            rc = dec_trunc(d, &body, "EFI_SIGNATURE_LIST.SignatureHeader", hsize);
            break;
        }
        if (hsize > 0) {
            cct_emit_hex(d->e, "signature_header", hdr, hsize);
        }
        cct_emit_begin_array(d->e, "signatures");
        for (uint32_t i = 0; i < count; i++) {
            const uint8_t *owner, *sd;
            if (++total > CCT_DECODE_MAX_SIGNATURES) {
                rc = dec_err(d, CCT_ELIMIT, cct_reader_offset(&body),
                             "EFI_SIGNATURE_LIST: more than %d signatures",
                             CCT_DECODE_MAX_SIGNATURES);
                break;
            }
            /* Fits: count was derived from the checked sizes. */
            if (!cct_read_bytes(&body, 16, &owner) || !cct_read_bytes(&body, ssize - 16, &sd)) {
                rc = dec_trunc(d, &body, "EFI_SIGNATURE_DATA", ssize);
                break;
            }
            cct_emit_begin_object(d->e, NULL);
            emit_guid_named(d->e, "owner", "owner_name", owner);
            emit_sigdata(d->e, tn, sd, ssize - 16);
            cct_emit_end(d->e);
        }
        cct_emit_end(d->e); /* signatures */
        cct_emit_end(d->e); /* list object */
        if (rc < 0) {
            break;
        }
    }
    return rc;
}

/* ---- UEFI_VARIABLE_DATA ---- */

static bool name_is(const char *name, const char *want)
{
    return strcmp(name, want) == 0;
}

/* "Boot####" and friends: the prefix followed by exactly four hex digits. */
static bool name_is_option(const char *name, const char *prefix)
{
    size_t pl = strlen(prefix);
    if (strncmp(name, prefix, pl) != 0 || strlen(name) != pl + 4) {
        return false;
    }
    for (size_t i = pl; i < pl + 4; i++) {
        char c = name[i];
        if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f'))) {
            return false;
        }
    }
    return true;
}

/*
 * EFI_LOAD_OPTION (UEFI spec 2.10 section 3.1.3): Attributes u32,
 * FilePathListLength u16, Description (NUL-terminated UTF-16),
 * FilePathList[FilePathListLength], OptionalData (rest).
 */
static int dec_load_option(struct dec *d, struct cct_reader *r)
{
    uint32_t attr;
    uint16_t fpl;
    RD_U32(d, r, &attr, "EFI_LOAD_OPTION.Attributes");
    cct_emit_x64(d->e, "attributes", attr, 8);
    cct_emit_bool(d->e, "active", (attr & 1u) != 0);
    RD_U16(d, r, &fpl, "EFI_LOAD_OPTION.FilePathListLength");
    cct_emit_u64(d->e, "file_path_list_length", fpl);
    /* Description: scan for the NUL unit within the data. */
    size_t off = cct_reader_offset(r), left = cct_reader_left(r), units = 0;
    bool term = false;
    for (size_t i = 0; i + 1 < left; i += 2) {
        if (r->p[i] == 0 && r->p[i + 1] == 0) {
            term = true;
            break;
        }
        units++;
    }
    if (!term) {
        return dec_err(d, CCT_ETRUNCATED, off,
                       "EFI_LOAD_OPTION.Description has no terminating NUL");
    }
    const uint8_t *desc;
    RD_BYTES(d, r, units * 2 + 2, &desc, "EFI_LOAD_OPTION.Description");
    emit_utf16(d->e, "description", desc, units * 2, false);
    int rc = emit_devpath(d, "device_path", r, fpl);
    if (rc < 0) {
        return rc;
    }
    size_t on = cct_reader_left(r);
    const uint8_t *od;
    if (!cct_read_bytes(r, on, &od)) { /* reads what is left: cannot fail */
        return dec_trunc(d, r, "OptionalData", on);
    }
    cct_emit_u64(d->e, "optional_data_length", on);
    if (on > 0) {
        cct_emit_hex(d->e, "optional_data", od, on);
    }
    return 0;
}

/* Interpret VariableData of well-known variables (UEFI spec 2.10 section 3.3). */
static int dec_variable_value(struct dec *d, uint32_t type, const char *name, struct cct_reader *v)
{
    size_t n = cct_reader_left(v);
    const uint8_t *p = v->p;
    if (name_is(name, "SecureBoot") || name_is(name, "SetupMode") || name_is(name, "AuditMode") ||
        name_is(name, "DeployedMode")) {
        if (n == 1) {
            cct_emit_bool(d->e, "enabled", p[0] != 0);
            if (p[0] > 1) {
                cct_emit_u64(d->e, "value", p[0]);
            }
            return 0;
        }
    } else if (name_is(name, "BootOrder") || name_is(name, "DriverOrder")) {
        const char *pfx = name[0] == 'B' ? "Boot" : "Driver";
        cct_emit_begin_array(d->e, name_is(name, "BootOrder") ? "boot_order" : "driver_order");
        uint16_t x;
        while (cct_read_u16le(v, &x)) {
            char s[16];
            snprintf(s, sizeof(s), "%s%04X", pfx, x);
            cct_emit_cstr(d->e, NULL, s);
        }
        cct_emit_end(d->e);
        if (!cct_reader_done(v)) {
            return dec_err(d, CCT_EMALFORMED, cct_reader_offset(v), "%s has an odd number of bytes",
                           name);
        }
        return 0;
    } else if (name_is(name, "BootCurrent") || name_is(name, "BootNext")) {
        uint16_t x;
        if (n == 2 && cct_read_u16le(v, &x)) {
            char s[16];
            snprintf(s, sizeof(s), "Boot%04X", x);
            cct_emit_cstr(d->e, "option", s);
            return 0;
        }
    } else if (name_is_option(name, "Boot") || name_is_option(name, "Driver") ||
               name_is_option(name, "SysPrep") || name_is_option(name, "PlatformRecovery")) {
        cct_emit_begin_object(d->e, "load_option");
        int rc = dec_load_option(d, v);
        cct_emit_end(d->e);
        return rc;
    } else if (type == EV_EFI_VARIABLE_AUTHORITY) {
        /*
         * PFP 10.4.4: the data of an authority event is the EFI_SIGNATURE_DATA
         * (owner GUID + certificate) that authorised an image. Some loaders log
         * the bare certificate or a text policy (SbatLevel) instead.
         */
        if (n > 20 && p[16] == 0x30 && p[17] == 0x82) {
            emit_guid_named(d->e, "owner", "owner_name", p);
            emit_x509(d->e, p + 16, n - 16);
            return 0;
        }
        if (n > 4 && p[0] == 0x30 && p[1] == 0x82) {
            emit_x509(d->e, p, n);
            return 0;
        }
        size_t t;
        if (n > 0 && cct_is_text(p, n, &t)) {
            emit_ustr_bytes(d->e, "string", p, t);
            return 0;
        }
    } else if (name_is(name, "PK") || name_is(name, "KEK") || name_is(name, "db") ||
               name_is(name, "dbx") || name_is(name, "dbt") || name_is(name, "dbr") ||
               name_is(name, "PKDefault") || name_is(name, "KEKDefault") ||
               name_is(name, "dbDefault") || name_is(name, "dbxDefault") ||
               name_is(name, "MokList") || name_is(name, "MokListX")) {
        if (n == 0) {
            return 0;
        }
        return dec_siglists(d, v);
    }
    if (n > 0) {
        cct_emit_hex(d->e, "variable_data", p, n);
    }
    return 0;
}

/*
 * UEFI_VARIABLE_DATA (PFP 10.4.8 / 10.2.6): VariableName GUID,
 * UnicodeNameLength u64 (CHAR16 count), VariableDataLength u64,
 * UnicodeName[UnicodeNameLength] CHAR16, VariableData[VariableDataLength].
 */
static int dec_variable(struct dec *d, uint32_t type, struct cct_reader *r)
{
    const uint8_t *g, *nm;
    uint64_t nlen, dlen;
    RD_BYTES(d, r, 16, &g, "UEFI_VARIABLE_DATA.VariableName");
    emit_guid_named(d->e, "variable_name", "variable_name_guid", g);
    RD_U64(d, r, &nlen, "UEFI_VARIABLE_DATA.UnicodeNameLength");
    cct_emit_u64(d->e, "unicode_name_length", nlen);
    RD_U64(d, r, &dlen, "UEFI_VARIABLE_DATA.VariableDataLength");
    cct_emit_u64(d->e, "variable_data_length", dlen);
    if (nlen > CCT_DECODE_MAX_NAME_CHARS) {
        return dec_err(d, CCT_ELIMIT, cct_reader_offset(r) - 16,
                       "UnicodeNameLength %llu exceeds the limit %d", (unsigned long long)nlen,
                       CCT_DECODE_MAX_NAME_CHARS);
    }
    RD_BYTES(d, r, (size_t)nlen * 2, &nm, "UEFI_VARIABLE_DATA.UnicodeName");
    struct cct_buf name;
    cct_buf_init(&name, 0);
    cct_ustr_utf16(&name, nm, (size_t)nlen * 2, true);
    cct_emit_str(d->e, "unicode_name", name.data ? (const char *)name.data : "", name.len);
    size_t left = cct_reader_left(r), off = cct_reader_offset(r);
    if (dlen != left) {
        /* TPM 1.2-era firmware and some logs disagree with the event size:
         * decode what is there and say so. */
        dec_err(d, dlen > left ? CCT_ETRUNCATED : CCT_EMALFORMED, off,
                "VariableDataLength %llu does not match the %zu bytes of VariableData in the event",
                (unsigned long long)dlen, left);
    }
    struct cct_reader v;
    if (!cct_read_sub(r, dlen < left ? (size_t)dlen : left, &v)) { /* at most what is left */
        cct_buf_free(&name);
        return dec_trunc(d, r, "VariableData", (size_t)dlen);
    }
    int rc = dec_variable_value(d, type, name.data ? (const char *)name.data : "", &v);
    cct_buf_free(&name);
    return rc;
}

/* ---- firmware blobs, handoff tables ---- */

/* UEFI_PLATFORM_FIRMWARE_BLOB (PFP 10.2.5): BlobBase u64, BlobLength u64. */
static int dec_blob(struct dec *d, struct cct_reader *r)
{
    uint64_t base, len;
    RD_U64(d, r, &base, "UEFI_PLATFORM_FIRMWARE_BLOB.BlobBase");
    cct_emit_x64(d->e, "blob_base", base, 1);
    RD_U64(d, r, &len, "UEFI_PLATFORM_FIRMWARE_BLOB.BlobLength");
    cct_emit_x64(d->e, "blob_length", len, 1);
    return 0;
}

/* A u8-size-prefixed string (BLOB2/HANDOFF_TABLES2 descriptions, SP800-155 strings): text, NULs
 * trimmed. */
static int dec_u8_text(struct dec *d, struct cct_reader *r, const char *key, const char *what)
{
    struct cct_reader s;
    uint8_t n;
    if (!cct_read_u8(r, &n)) {
        return dec_trunc(d, r, what, 1);
    }
    if (!cct_read_sub(r, n, &s)) {
        return dec_trunc(d, r, what, n);
    }
    size_t t = n;
    while (t > 0 && s.p[t - 1] == 0) {
        t--;
    }
    emit_ustr_bytes(d->e, key, s.p, t);
    return 0;
}

/* UEFI_PLATFORM_FIRMWARE_BLOB2 (PFP 10.2.5): BlobDescriptionSize u8, BlobDescription, base, length.
 */
static int dec_blob2(struct dec *d, struct cct_reader *r)
{
    int rc = dec_u8_text(d, r, "description", "UEFI_PLATFORM_FIRMWARE_BLOB2.BlobDescription");
    return rc < 0 ? rc : dec_blob(d, r);
}

/* UEFI_HANDOFF_TABLE_POINTERS (PFP 10.2.7): NumberOfTables u64, {VendorGuid, VendorTable u64}[]. */
static int dec_tables(struct dec *d, struct cct_reader *r)
{
    uint64_t n;
    RD_U64(d, r, &n, "UEFI_HANDOFF_TABLE_POINTERS.NumberOfTables");
    cct_emit_u64(d->e, "number_of_tables", n);
    if (n > CCT_DECODE_MAX_TABLES) {
        return dec_err(d, CCT_ELIMIT, cct_reader_offset(r) - 8,
                       "NumberOfTables %llu exceeds the limit %d", (unsigned long long)n,
                       CCT_DECODE_MAX_TABLES);
    }
    cct_emit_begin_array(d->e, "tables");
    for (uint64_t i = 0; i < n; i++) {
        const uint8_t *g;
        uint64_t addr;
        cct_emit_begin_object(d->e, NULL);
        RD_BYTES(d, r, 16, &g, "EFI_CONFIGURATION_TABLE.VendorGuid");
        emit_guid_named(d->e, "vendor_guid", "vendor_guid_name", g);
        RD_U64(d, r, &addr, "EFI_CONFIGURATION_TABLE.VendorTable");
        cct_emit_x64(d->e, "vendor_table", addr, 1);
        cct_emit_end(d->e);
    }
    cct_emit_end(d->e);
    return 0;
}

static int dec_tables2(struct dec *d, struct cct_reader *r)
{
    int rc = dec_u8_text(d, r, "description", "UEFI_HANDOFF_TABLE_POINTERS2.TableDescription");
    return rc < 0 ? rc : dec_tables(d, r);
}

/* ---- images ---- */

/*
 * UEFI_IMAGE_LOAD_EVENT (PFP 10.2.3): ImageLocationInMemory u64,
 * ImageLengthInMemory u64, ImageLinkTimeAddress u64, LengthOfDevicePath u64,
 * DevicePath[LengthOfDevicePath]. (UINTN fields are 8 bytes on the 64-bit
 * firmware that writes crypto-agile logs.)
 */
static int dec_image(struct dec *d, struct cct_reader *r)
{
    uint64_t loc, len, link, dplen;
    RD_U64(d, r, &loc, "UEFI_IMAGE_LOAD_EVENT.ImageLocationInMemory");
    cct_emit_x64(d->e, "image_location_in_memory", loc, 1);
    RD_U64(d, r, &len, "UEFI_IMAGE_LOAD_EVENT.ImageLengthInMemory");
    cct_emit_u64(d->e, "image_length_in_memory", len);
    RD_U64(d, r, &link, "UEFI_IMAGE_LOAD_EVENT.ImageLinkTimeAddress");
    cct_emit_x64(d->e, "image_link_time_address", link, 1);
    RD_U64(d, r, &dplen, "UEFI_IMAGE_LOAD_EVENT.LengthOfDevicePath");
    cct_emit_u64(d->e, "length_of_device_path", dplen);
    if (dplen > cct_reader_left(r)) {
        return dec_trunc(d, r, "UEFI_IMAGE_LOAD_EVENT.DevicePath",
                         dplen > SIZE_MAX ? SIZE_MAX : (size_t)dplen);
    }
    int rc = emit_devpath(d, "device_path", r, (size_t)dplen);
    size_t left = cct_reader_left(r), zeros = 0;
    while (zeros < left && r->p[zeros] == 0) {
        zeros++;
    }
    if (rc == 0 && left > 0) {
        /* shim sizes the event from the C struct, leaving zero padding: only
         * non-zero bytes after the path are a problem. */
        cct_emit_u64(d->e, "trailing_length", left);
        if (zeros != left) {
            dec_err(d, CCT_EMALFORMED, cct_reader_offset(r),
                    "%zu non-zero bytes after the device path", left);
        }
    }
    return rc;
}

/* ---- GPT ---- */

/*
 * UEFI_GPT_DATA (PFP 10.2.8): EFI_PARTITION_TABLE_HEADER (UEFI spec 2.10
 * section 5.3.2, 92 bytes), NumberOfPartitions u64, then that many
 * EFI_PARTITION_ENTRY (section 5.3.3) of SizeOfPartitionEntry bytes each.
 */
static int dec_gpt(struct dec *d, struct cct_reader *r)
{
    const uint8_t *sig, *disk;
    uint32_t rev, hsize, hcrc, resv, nent, esize, acrc;
    uint64_t my, alt, first, last, elba, nparts;
    cct_emit_begin_object(d->e, "header");
    RD_BYTES(d, r, 8, &sig, "EFI_PARTITION_TABLE_HEADER.Signature");
    emit_ustr_bytes(d->e, "signature", sig, 8);
    RD_U32(d, r, &rev, "EFI_PARTITION_TABLE_HEADER.Revision");
    cct_emit_x64(d->e, "revision", rev, 8);
    RD_U32(d, r, &hsize, "EFI_PARTITION_TABLE_HEADER.HeaderSize");
    cct_emit_u64(d->e, "header_size", hsize);
    RD_U32(d, r, &hcrc, "EFI_PARTITION_TABLE_HEADER.HeaderCRC32");
    cct_emit_x64(d->e, "header_crc32", hcrc, 8);
    RD_U32(d, r, &resv, "EFI_PARTITION_TABLE_HEADER.Reserved");
    RD_U64(d, r, &my, "EFI_PARTITION_TABLE_HEADER.MyLBA");
    cct_emit_u64(d->e, "my_lba", my);
    RD_U64(d, r, &alt, "EFI_PARTITION_TABLE_HEADER.AlternateLBA");
    cct_emit_u64(d->e, "alternate_lba", alt);
    RD_U64(d, r, &first, "EFI_PARTITION_TABLE_HEADER.FirstUsableLBA");
    cct_emit_u64(d->e, "first_usable_lba", first);
    RD_U64(d, r, &last, "EFI_PARTITION_TABLE_HEADER.LastUsableLBA");
    cct_emit_u64(d->e, "last_usable_lba", last);
    RD_BYTES(d, r, 16, &disk, "EFI_PARTITION_TABLE_HEADER.DiskGUID");
    cct_emit_guid(d->e, "disk_guid", disk);
    RD_U64(d, r, &elba, "EFI_PARTITION_TABLE_HEADER.PartitionEntryLBA");
    cct_emit_u64(d->e, "partition_entry_lba", elba);
    RD_U32(d, r, &nent, "EFI_PARTITION_TABLE_HEADER.NumberOfPartitionEntries");
    cct_emit_u64(d->e, "number_of_partition_entries", nent);
    size_t esize_off = cct_reader_offset(r);
    RD_U32(d, r, &esize, "EFI_PARTITION_TABLE_HEADER.SizeOfPartitionEntry");
    cct_emit_u64(d->e, "size_of_partition_entry", esize);
    RD_U32(d, r, &acrc, "EFI_PARTITION_TABLE_HEADER.PartitionEntryArrayCRC32");
    cct_emit_x64(d->e, "partition_entry_array_crc32", acrc, 8);
    cct_emit_end(d->e);
    RD_U64(d, r, &nparts, "UEFI_GPT_DATA.NumberOfPartitions");
    cct_emit_u64(d->e, "number_of_partitions", nparts);
    if (nparts > CCT_DECODE_MAX_GPT_PARTITIONS) {
        return dec_err(d, CCT_ELIMIT, cct_reader_offset(r) - 8,
                       "NumberOfPartitions %llu exceeds the limit %d", (unsigned long long)nparts,
                       CCT_DECODE_MAX_GPT_PARTITIONS);
    }
    if (esize < 128) {
        return dec_err(d, CCT_EMALFORMED, esize_off,
                       "SizeOfPartitionEntry %u is smaller than EFI_PARTITION_ENTRY (128)", esize);
    }
    cct_emit_begin_array(d->e, "partitions");
    for (uint64_t i = 0; i < nparts; i++) {
        struct cct_reader pe;
        const uint8_t *tg, *ug, *nm;
        uint64_t s, e, attr;
        if (!cct_read_sub(r, esize, &pe)) {
            return dec_trunc(d, r, "EFI_PARTITION_ENTRY", esize);
        }
        /* Fits: esize >= 128 was checked; still, a short entry is reported, not read. */
        if (!cct_read_bytes(&pe, 16, &tg) || !cct_read_bytes(&pe, 16, &ug) ||
            !cct_read_u64le(&pe, &s) || !cct_read_u64le(&pe, &e) || !cct_read_u64le(&pe, &attr) ||
            !cct_read_bytes(&pe, 72, &nm)) {
            return dec_trunc(d, &pe, "EFI_PARTITION_ENTRY fields", 128);
        }
        cct_emit_begin_object(d->e, NULL);
        emit_guid_named(d->e, "partition_type_guid", "partition_type", tg);
        cct_emit_guid(d->e, "unique_partition_guid", ug);
        cct_emit_u64(d->e, "starting_lba", s);
        cct_emit_u64(d->e, "ending_lba", e);
        cct_emit_x64(d->e, "attributes", attr, 16);
        emit_utf16(d->e, "partition_name", nm, 72, true);
        cct_emit_end(d->e);
    }
    cct_emit_end(d->e);
    if (!cct_reader_done(r)) {
        dec_err(d, CCT_EMALFORMED, cct_reader_offset(r), "%zu bytes after the last partition entry",
                cct_reader_left(r));
    }
    return 0;
}

/* ---- EV_NO_ACTION ---- */

/*
 * The fields both spec ID structures start with: platformClass, spec version
 * minor/major, errata, uintnSize. st names the structure in error messages.
 */
static int dec_specid_head(struct dec *d, struct cct_reader *r, const char *st)
{
    char what[64];
    uint32_t pc;
    uint8_t mi, ma, er, un;
    snprintf(what, sizeof(what), "%s.platformClass", st);
    RD_U32(d, r, &pc, what);
    cct_emit_u64(d->e, "platform_class", pc);
    snprintf(what, sizeof(what), "%s.specVersionMinor", st);
    RD_U8(d, r, &mi, what);
    snprintf(what, sizeof(what), "%s.specVersionMajor", st);
    RD_U8(d, r, &ma, what);
    char ver[16];
    snprintf(ver, sizeof(ver), "%u.%u", ma, mi);
    cct_emit_cstr(d->e, "spec_version", ver);
    snprintf(what, sizeof(what), "%s.specErrata", st);
    RD_U8(d, r, &er, what);
    cct_emit_u64(d->e, "spec_errata", er);
    snprintf(what, sizeof(what), "%s.uintnSize", st);
    RD_U8(d, r, &un, what);
    cct_emit_u64(d->e, "uintn_size", un);
    return 0;
}

/* The vendorInfoSize + vendorInfo both spec ID structures end with. */
static int dec_specid_vendor(struct dec *d, struct cct_reader *r, const char *st, bool emit_size)
{
    char what[64];
    uint8_t vn;
    const uint8_t *vi;
    snprintf(what, sizeof(what), "%s.vendorInfoSize", st);
    RD_U8(d, r, &vn, what);
    if (emit_size) {
        cct_emit_u64(d->e, "vendor_info_size", vn);
    }
    snprintf(what, sizeof(what), "%s.vendorInfo", st);
    RD_BYTES(d, r, vn, &vi, what);
    cct_emit_hex(d->e, "vendor_info", vi, vn);
    return 0;
}

/* TCG_EfiSpecIDEvent (PFP 10.4.5.1): after the 16-byte signature. */
static int dec_specid03(struct dec *d, struct cct_reader *r)
{
    uint32_t nalg;
    int rc = dec_specid_head(d, r, "TCG_EfiSpecIDEvent");
    if (rc < 0) {
        return rc;
    }
    RD_U32(d, r, &nalg, "TCG_EfiSpecIDEvent.numberOfAlgorithms");
    cct_emit_u64(d->e, "number_of_algorithms", nalg);
    if (nalg > CCT_MAX_DIGESTS) {
        return dec_err(d, CCT_ELIMIT, cct_reader_offset(r) - 4,
                       "numberOfAlgorithms %u exceeds the limit %d", nalg, CCT_MAX_DIGESTS);
    }
    cct_emit_begin_array(d->e, "algorithms");
    for (uint32_t i = 0; i < nalg; i++) {
        uint16_t id, sz;
        cct_emit_begin_object(d->e, NULL);
        RD_U16(d, r, &id, "TCG_EfiSpecIdEventAlgorithmSize.algorithmId");
        cct_emit_x64(d->e, "algorithm_id", id, 4);
        const char *an = cct_alg_name(id);
        if (an) {
            cct_emit_cstr(d->e, "algorithm", an);
        }
        RD_U16(d, r, &sz, "TCG_EfiSpecIdEventAlgorithmSize.digestSize");
        cct_emit_u64(d->e, "digest_size", sz);
        cct_emit_end(d->e);
    }
    cct_emit_end(d->e);
    return dec_specid_vendor(d, r, "TCG_EfiSpecIDEvent", true);
}

/* TCG_EfiSpecIdEventStruct of TCG 1.2 logs (TCG EFI Platform 1.22 section 7.4). */
static int dec_specid00(struct dec *d, struct cct_reader *r)
{
    int rc = dec_specid_head(d, r, "TCG_EfiSpecIdEventStruct");
    return rc < 0 ? rc : dec_specid_vendor(d, r, "TCG_EfiSpecIdEventStruct", false);
}

/* RIM / platform certificate locator of SP800-155 Event3: type u32, length u32, bytes. */
static int sp_locator(struct dec *d, struct cct_reader *r, const char *key, const char *what)
{
    uint32_t type, len;
    const uint8_t *p;
    cct_emit_begin_object(d->e, key);
    RD_U32(d, r, &type, what);
    cct_emit_u64(d->e, "type", type);
    static const char *const names[] = { "raw", "uri", "device_path", "uefi_variable" };
    if (type < 4) {
        cct_emit_cstr(d->e, "type_name", names[type]);
    }
    RD_U32(d, r, &len, what);
    cct_emit_u64(d->e, "length", len);
    RD_BYTES(d, r, len, &p, what);
    size_t t;
    if (type == 1 && cct_is_text(p, len, &t)) {
        emit_ustr_bytes(d->e, "uri", p, t);
    } else if (type == 2) {
        struct cct_reader dp;
        cct_reader_init(&dp, p, len, (size_t)(cct_reader_offset(r) - len));
        int rc = emit_devpath(d, "device_path", &dp, len);
        if (rc < 0) {
            return rc;
        }
    } else if (type == 3 && len >= 16) {
        cct_emit_guid(d->e, "variable_guid", p);
        emit_utf16(d->e, "variable_name", p + 16, len - 16, true);
    } else {
        cct_emit_hex(d->e, "data", p, len);
    }
    cct_emit_end(d->e);
    return 0;
}

/*
 * TCG_Sp800_155_PlatformId_Event2/3 (PFP 1.06 section 10.4.5.2 "Reference
 * Manifest"): Signature[16], PlatformManufacturerId u32,
 * ReferenceManifestGuid, then u8-size-prefixed PlatformManufacturerStr,
 * PlatformModel, PlatformVersion, FirmwareManufacturerStr,
 * FirmwareManufacturerId u32, FirmwareVersion; Event3 adds RIM and platform
 * certificate locators. The first version ("SP800-155 Event") carries the
 * id and GUID only.
 */
static int dec_sp800_155(struct dec *d, struct cct_reader *r, int version)
{
    uint32_t vid, fid;
    const uint8_t *g;
    int rc;
    cct_emit_u64(d->e, "event_version", (uint64_t)version);
    RD_U32(d, r, &vid, "PlatformManufacturerId");
    cct_emit_u64(d->e, "platform_manufacturer_id", vid);
    RD_BYTES(d, r, 16, &g, "ReferenceManifestGuid");
    cct_emit_guid(d->e, "reference_manifest_guid", g);
    if (version == 1) {
        if (!cct_reader_done(r)) {
            cct_emit_hex(d->e, "rest", r->p, cct_reader_left(r));
        }
        return 0;
    }
    if ((rc = dec_u8_text(d, r, "platform_manufacturer_str", "PlatformManufacturerStr")) < 0 ||
        (rc = dec_u8_text(d, r, "platform_model", "PlatformModel")) < 0 ||
        (rc = dec_u8_text(d, r, "platform_version", "PlatformVersion")) < 0 ||
        (rc = dec_u8_text(d, r, "firmware_manufacturer_str", "FirmwareManufacturerStr")) < 0) {
        return rc;
    }
    RD_U32(d, r, &fid, "FirmwareManufacturerId");
    cct_emit_u64(d->e, "firmware_manufacturer_id", fid);
    if ((rc = dec_u8_text(d, r, "firmware_version", "FirmwareVersion")) < 0) {
        return rc;
    }
    if (version == 3) {
        if ((rc = sp_locator(d, r, "rim_locator", "RIMLocator")) < 0 ||
            (rc = sp_locator(d, r, "platform_cert_locator", "PlatformCertLocator")) < 0) {
            return rc;
        }
    }
    if (!cct_reader_done(r)) {
        dec_err(d, CCT_EMALFORMED, cct_reader_offset(r), "%zu bytes after the SP800-155 event",
                cct_reader_left(r));
    }
    return 0;
}

/*
 * NV index extend records of the SPDM additions (PFP 1.06 section 10.4.5.3):
 * after the signature, Version u16 and Reserved[6]; NvIndexDynamic continues
 * with Uid u64, DescriptionSize u16 + Description, DataSize u16 + Data.
 * The instance payload (device security event data) is shown raw.
 */
static int dec_nv_index(struct dec *d, struct cct_reader *r, bool dynamic)
{
    uint16_t ver, n;
    uint64_t uid;
    const uint8_t *p;
    RD_U16(d, r, &ver, "NV index record Version");
    cct_emit_u64(d->e, "version", ver);
    RD_BYTES(d, r, 6, &p, "NV index record Reserved");
    if (!dynamic) {
        cct_emit_hex(d->e, "data", r->p, cct_reader_left(r));
        return 0;
    }
    RD_U64(d, r, &uid, "NvIndexDynamic Uid");
    cct_emit_x64(d->e, "uid", uid, 16);
    RD_U16(d, r, &n, "NvIndexDynamic DescriptionSize");
    RD_BYTES(d, r, n, &p, "NvIndexDynamic Description");
    size_t t = n;
    while (t > 0 && p[t - 1] == 0) {
        t--;
    }
    emit_ustr_bytes(d->e, "description", p, t);
    RD_U16(d, r, &n, "NvIndexDynamic DataSize");
    RD_BYTES(d, r, n, &p, "NvIndexDynamic Data");
    cct_emit_hex(d->e, "data", p, n);
    if (!cct_reader_done(r)) {
        dec_err(d, CCT_EMALFORMED, cct_reader_offset(r), "%zu bytes after NvIndexDynamic data",
                cct_reader_left(r));
    }
    return 0;
}

/* EV_NO_ACTION: dispatch on the 16-byte signature (PFP 10.4.5). */
static int dec_no_action(struct dec *d, struct cct_reader *r)
{
    const uint8_t *sig;
    if (cct_reader_left(r) < 16) {
        /* PFP 10.4.5: every EV_NO_ACTION record starts with a 16-byte signature. */
        cct_emit_hex(d->e, "hex", r->p, cct_reader_left(r));
        return dec_trunc(d, r, "EV_NO_ACTION signature", 16);
    }
    if (!cct_read_bytes(r, 16, &sig)) { /* 16 bytes are there (checked above) */
        return dec_trunc(d, r, "EV_NO_ACTION signature", 16);
    }
    size_t sl = 0;
    while (sl < 16 && sig[sl] >= 0x20 && sig[sl] < 0x7f) {
        sl++;
    }
    emit_ustr_bytes(d->e, "signature", sig, sl);
    if (memcmp(sig, "Spec ID Event03\0", 16) == 0) {
        return dec_specid03(d, r);
    }
    if (memcmp(sig, "Spec ID Event00\0", 16) == 0) {
        return dec_specid00(d, r);
    }
    if (memcmp(sig, "StartupLocality\0", 16) == 0) {
        uint8_t loc;
        RD_U8(d, r, &loc, "TCG_EfiStartupLocalityEvent.StartupLocality");
        cct_emit_u64(d->e, "startup_locality", loc);
        return 0;
    }
    if (memcmp(sig, "SP800-155 Event3", 16) == 0) {
        return dec_sp800_155(d, r, 3);
    }
    if (memcmp(sig, "SP800-155 Event2", 16) == 0) {
        return dec_sp800_155(d, r, 2);
    }
    if (memcmp(sig, "SP800-155 Event\0", 16) == 0) {
        return dec_sp800_155(d, r, 1);
    }
    if (memcmp(sig, "NvIndexInstance\0", 16) == 0 || memcmp(sig, "NvIndexDynamic", 14) == 0) {
        return dec_nv_index(d, r, sig[7] == 'D');
    }
    cct_emit_hex(d->e, "data", r->p, cct_reader_left(r));
    return 0;
}

/* ---- other types ---- */

/* EV_SEPARATOR (PFP 10.4.1): 0x00000000, or 0xFFFFFFFF when an error was detected. */
static int dec_separator(struct dec *d, struct cct_reader *r)
{
    uint32_t v;
    if (cct_reader_left(r) != 4 || !cct_read_u32le(r, &v)) {
        cct_emit_hex(d->e, "hex", r->p, cct_reader_left(r));
        return dec_err(d, CCT_EMALFORMED, 0, "EV_SEPARATOR data is %zu bytes, not 4",
                       cct_reader_left(r));
    }
    cct_emit_x64(d->e, "value", v, 8);
    if (v == 0) {
        return 0;
    }
    if (v == 0xFFFFFFFFu) {
        cct_emit_cstr(d->e, "meaning", "error");
        return 0;
    }
    cct_emit_cstr(d->e, "meaning", "nonstandard");
    return dec_err(d, CCT_EMALFORMED, 0, "EV_SEPARATOR value 0x%08x is neither 0 nor 0xFFFFFFFF",
                   v);
}

/* EV_POST_CODE: a string, or a UEFI_PLATFORM_FIRMWARE_BLOB when 16 bytes (PFP 10.4.1). */
static int dec_post_code(struct dec *d, struct cct_reader *r)
{
    size_t n = cct_reader_left(r), t;
    if (n > 0 && cct_is_text(r->p, n, &t)) {
        emit_ustr_bytes(d->e, "string", r->p, t);
        return 0;
    }
    if (n == 16) {
        return dec_blob(d, r);
    }
    cct_emit_hex(d->e, "hex", r->p, n);
    return 0;
}

/* Tag of the attestation agent's runtime events in a CCEL ("AAEL"). */
#define CCT_TAG_AAEL 0x4141454Cu

/*
 * An AAEL entry is "domain operation content": two space-separated words,
 * then the content (which may contain spaces). Shown split when it has that
 * shape; the whole string is always shown as well.
 */
static void emit_aael(struct cct_emit *e, const uint8_t *p, size_t n)
{
    const uint8_t *s1 = memchr(p, ' ', n);
    if (s1 == NULL || s1 == p) {
        return;
    }
    size_t dl = (size_t)(s1 - p), rest = n - dl - 1;
    const uint8_t *op = s1 + 1, *s2 = memchr(op, ' ', rest);
    if (s2 == NULL || s2 == op) {
        return;
    }
    size_t ol = (size_t)(s2 - op);
    cct_emit_begin_object(e, "aael");
    emit_ustr_bytes(e, "domain", p, dl);
    emit_ustr_bytes(e, "operation", op, ol);
    emit_ustr_bytes(e, "content", s2 + 1, rest - ol - 1);
    cct_emit_end(e);
}

/* TCG_PCClientTaggedEvent (PFP 10.4.2): taggedEventID u32, taggedEventDataSize u32, data. */
static int dec_event_tag(struct dec *d, struct cct_reader *r)
{
    uint32_t id, n;
    const uint8_t *idb, *p;
    if (!cct_read_bytes(r, 4, &idb)) {
        return dec_trunc(d, r, "TCG_PCClientTaggedEvent.taggedEventID", 4);
    }
    id = (uint32_t)idb[0] | (uint32_t)idb[1] << 8 | (uint32_t)idb[2] << 16 | (uint32_t)idb[3] << 24;
    cct_emit_x64(d->e, "tagged_event_id", id, 8);
    /* The ID read as a four-character code, most significant byte first:
     * CCEL runtime events (bytes "LEAA" in the log) show as "AAEL". */
    char cc[4] = { (char)(id >> 24), (char)(id >> 16), (char)(id >> 8), (char)id };
    bool printable = true;
    for (int i = 0; i < 4; i++) {
        printable = printable && cc[i] >= 0x20 && cc[i] < 0x7f;
    }
    if (printable) {
        cct_emit_str(d->e, "tagged_event_id_ascii", cc, 4);
    }
    RD_U32(d, r, &n, "TCG_PCClientTaggedEvent.taggedEventDataSize");
    cct_emit_u64(d->e, "tagged_event_data_size", n);
    RD_BYTES(d, r, n, &p, "TCG_PCClientTaggedEvent.taggedEventData");
    size_t t;
    if (n > 0 && cct_is_text(p, n, &t)) {
        emit_ustr_bytes(d->e, "string", p, t);
        if (id == CCT_TAG_AAEL) {
            emit_aael(d->e, p, t);
        }
    } else {
        cct_emit_hex(d->e, "tagged_event_data", p, n);
    }
    if (!cct_reader_done(r)) {
        dec_err(d, CCT_EMALFORMED, cct_reader_offset(r), "%zu bytes after taggedEventData",
                cct_reader_left(r));
    }
    return 0;
}

static int dispatch(struct dec *d, const struct cct_event *ev, struct cct_reader *r)
{
    size_t n = cct_reader_left(r);
    switch (ev->type) {
    case EV_EFI_VARIABLE_DRIVER_CONFIG:
    case EV_EFI_VARIABLE_BOOT:
    case EV_EFI_VARIABLE_BOOT2:
    case EV_EFI_VARIABLE_AUTHORITY: return dec_variable(d, ev->type, r);
    case EV_EFI_PLATFORM_FIRMWARE_BLOB: return dec_blob(d, r);
    case EV_EFI_PLATFORM_FIRMWARE_BLOB2: return dec_blob2(d, r);
    case EV_EFI_HANDOFF_TABLES: return dec_tables(d, r);
    case EV_EFI_HANDOFF_TABLES2: return dec_tables2(d, r);
    case EV_EFI_BOOT_SERVICES_APPLICATION:
    case EV_EFI_BOOT_SERVICES_DRIVER:
    case EV_EFI_RUNTIME_SERVICES_DRIVER: return dec_image(d, r);
    case EV_EFI_GPT_EVENT: return dec_gpt(d, r);
    case EV_NO_ACTION: return dec_no_action(d, r);
    case EV_SEPARATOR: return dec_separator(d, r);
    case EV_POST_CODE: return dec_post_code(d, r);
    case EV_EVENT_TAG: return dec_event_tag(d, r);
    case EV_S_CRTM_VERSION: {
        /* PFP 10.4.1: usually a UTF-16 version string; some firmware logs a GUID. */
        size_t t;
        if (n == 16 && !cct_is_utf16_text(r->p, n, &t) && !cct_is_text(r->p, n, &t)) {
            cct_emit_guid(d->e, "guid", r->p);
            return 0;
        }
        emit_string_or_hex(d->e, r->p, n, true);
        return 0;
    }
    case EV_S_CRTM_CONTENTS: {
        size_t t;
        if (n == 16 && !cct_is_text(r->p, n, &t)) {
            return dec_blob(d, r);
        }
        emit_string_or_hex(d->e, r->p, n, false);
        return 0;
    }
    case EV_COMPACT_HASH: {
        /* PFP 10.4.1: the digest is of the data itself; vendors log hashes or short tags. */
        size_t t;
        cct_emit_hex(d->e, "hex", r->p, n);
        if (n > 0 && cct_is_text(r->p, n, &t)) {
            emit_ustr_bytes(d->e, "string", r->p, t);
        }
        return 0;
    }
    case EV_ACTION:
    case EV_EFI_ACTION:
    case EV_IPL:
    case EV_PLATFORM_CONFIG_FLAGS:
    case EV_EFI_HCRTM_EVENT:
    default:
        if (n > 0) {
            emit_string_or_hex(d->e, r->p, n, false);
        }
        return 0;
    }
}

int cct_event_decode(const struct cct_event *ev, enum cct_decode_style style, char **out,
                     struct cct_error *err)
{
    struct cct_buf b;
    struct cct_emit e;
    struct cct_reader r;
    if (ev == NULL || out == NULL || (ev->data == NULL && ev->data_len > 0)) {
        return cct_err(err, CCT_EINVAL, -1, -1, "cct_event_decode: NULL argument");
    }
    cct_buf_init(&b, CCT_DECODE_MAX_OUTPUT);
    cct_emit_init(&e, &b, style == CCT_DECODE_JSON);
    struct dec d = { .e = &e, .err = err, .event = (int64_t)ev->number, .rc = 0 };
    cct_reader_init(&r, ev->data ? ev->data : (const uint8_t *)"", ev->data_len, 0);
    int rc = dispatch(&d, ev, &r);
    if (d.rc != 0) {
        /* The record holds the first problem; a later failure (e.g. an odd-length
         * BootOrder after a VariableDataLength mismatch) is a consequence of it, and
         * the return code must be the one the record names. */
        rc = d.rc;
    } else if (rc < 0) {
        rc = dec_err(&d, rc, cct_reader_offset(&r), "event data could not be decoded");
    }
    cct_emit_finish(&e);
    if (b.failed) {
        int code = b.failed;
        cct_buf_free(&b);
        /* The output itself could not be built: say so in a minimal document. */
        cct_buf_init(&b, 0);
        cct_buf_puts(&b, style == CCT_DECODE_JSON ? "{}" : "");
        rc = cct_err(err, code, (int64_t)ev->number, -1,
                     "decoded output exceeds its limit or memory");
    }
    char *s = cct_buf_steal(&b);
    if (s == NULL) {
        return cct_err(err, CCT_ENOMEM, (int64_t)ev->number, -1, "out of memory");
    }
    *out = s;
    return rc;
}
