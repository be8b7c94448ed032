/* SPDX-License-Identifier: Apache-2.0 */
/*
 * digest == H(event data) checks. The PC Client PFP (section 10.4.1,
 * "Event Types") defines for these types that the digest is the hash of the
 * event data; for everything else the digest covers something not in the
 * log (code, tables), so there is nothing to check. EventType is untrusted:
 * the check only reports, replay never depends on it.
 */
#include <string.h>

#include <cctrusted/eventlog.h>

#include "crypto/crypto.h"
#include "formats/tcg/tcg.h"
#include "util/hex.h"
#include "util/reader.h"

static int spec_bound(uint32_t type)
{
    switch (type) {
    case EV_SEPARATOR:
    case EV_ACTION:
    case EV_S_CRTM_VERSION:
    case EV_OMIT_BOOT_DEVICE_EVENTS:
    case EV_EFI_VARIABLE_DRIVER_CONFIG:
    case EV_EFI_VARIABLE_BOOT:
    case EV_EFI_VARIABLE_BOOT2:
    case EV_EFI_GPT_EVENT:
    case EV_EFI_GPT_EVENT2:
    case EV_EFI_ACTION:
    case EV_EFI_VARIABLE_AUTHORITY: return 1;
    default: return 0;
    }
}

/* VariableData of a UEFI_VARIABLE_DATA (PFP 10.4.8): GUID, u64 name length
 * (chars), u64 data length, name (UTF-16), data. */
static int variable_data(const uint8_t *p, size_t len, const uint8_t **vd, size_t *vlen)
{
    struct cct_reader r;
    uint64_t nlen, dlen;
    cct_reader_init(&r, p, len, 0);
    if (!cct_read_skip(&r, 16) || !cct_read_u64le(&r, &nlen) || !cct_read_u64le(&r, &dlen)) {
        return 0;
    }
    if (nlen > len / 2 || !cct_read_skip(&r, (size_t)nlen * 2) || dlen > len ||
        !cct_read_bytes(&r, (size_t)dlen, vd)) {
        return 0;
    }
    *vlen = (size_t)dlen;
    return 1;
}

/*
 * EV_IPL in general carries a description of what was measured (GRUB
 * commands with a prefix, file paths), so it is not checked. The exception
 * is PCR8 with UTF-16 data: systemd-boot and the kernel EFI stub measure
 * the UTF-16 load options exactly as logged.
 */
static int utf16_load_options(const struct cct_event *ev)
{
    if (ev->type != EV_IPL || ev->kind != CCT_REG_PCR || ev->index != 8 || ev->data_len < 4) {
        return 0;
    }
    /* Judge by the leading characters only: a corrupted length must not
     * hide the event from the check. */
    size_t n = ev->data_len < 64 ? ev->data_len : 64;
    for (size_t i = 1; i < n; i += 2) {
        if (ev->data[i] != 0) {
            return 0;
        }
    }
    return ev->data[0] != 0;
}

/*
 * GRUB 2 measures a command line or command as a string into PCR 8 and logs
 * EV_IPL with a description: the prefix below, the string, one NUL. The
 * digest is over the string alone (no prefix, no NUL). Bytes after an
 * embedded NUL were not measured, so such data does not fit the rule and is
 * reported as a mismatch rather than passed over.
 */
static int grub_string(const struct cct_event *ev, const uint8_t **p, size_t *n, int *fits)
{
    static const char *const prefixes[] = { "grub_cmd: ", "kernel_cmdline: ", "module_cmdline: " };
    if (ev->type != EV_IPL || ev->data == NULL) {
        return 0;
    }
    for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
        size_t pl = strlen(prefixes[i]);
        if (ev->data_len < pl || memcmp(ev->data, prefixes[i], pl) != 0) {
            continue;
        }
        const uint8_t *s = ev->data + pl;
        size_t len = ev->data_len - pl;
        if (len > 0 && s[len - 1] == 0) {
            len--;
        }
        *fits = memchr(s, 0, len) == NULL;
        *p = s;
        *n = len;
        return 1;
    }
    return 0;
}

/* Do all banks of ev equal H(p[0..n))? 1 yes, 0 no, negative on a hashing error. */
static int banks_match(struct cct_hasher *h, const struct cct_event *ev, const uint8_t *p, size_t n)
{
    int ok = 1;
    for (size_t i = 0; i < ev->n_digests; i++) {
        uint8_t d[CCT_MAX_DIGEST_SIZE];
        const struct cct_digest *dg = &ev->digests[i];
        if (cct_alg_digest_size(dg->alg) != dg->size) {
            /* Unknown algorithm: no match, but the other banks are still hashed, so that a
             * hashing error surfaces as it would from the check of the data as a whole. */
            ok = 0;
            continue;
        }
        int rc = cct_hasher_digest(h, dg->alg, p, n, d);
        if (rc < 0) {
            return rc;
        }
        if (!cct_memeq_ct(d, dg->bytes, dg->size)) {
            ok = 0;
        }
    }
    return ok;
}

/* IMA: the template hash is H(template data). Violations log zeros; a guessed layout (patched
 * or unknown template) is only confirmed. */
static enum cct_digest_check ima_result(const struct cct_event *ev, int all_ok)
{
    if ((ev->flags & CCT_EVENT_F_IMA_VIOLATION) ||
        ((ev->flags & CCT_EVENT_F_IMA_LAYOUT_GUESSED) && !all_ok)) {
        return CCT_DIGEST_NOT_CHECKED;
    }
    return all_ok ? CCT_DIGEST_OK : CCT_DIGEST_MISMATCH;
}

/*
 * An entry of an IMA list (ascii or binary): the rule of cct_event_check_digest() below for IMA
 * events, without the tests that cannot apply to them (the parser sets no event type, so
 * neither the UEFI variable variant nor a GRUB string); a replay checks every entry.
 */
static int check_ima_entry(const struct cct_event *ev, enum cct_digest_check *result, int *literal)
{
    struct cct_hasher h;
    int rc = cct_hasher_init(&h);
    if (rc < 0) {
        return rc;
    }
    int all_ok = banks_match(&h, ev, ev->data, ev->data_len);
    cct_hasher_free(&h);
    if (all_ok < 0) {
        return all_ok;
    }
    if (literal) {
        *literal = all_ok;
    }
    *result = ima_result(ev, all_ok);
    return 0;
}

int cct_event_check_digest(const struct cct_event *ev, enum cct_digest_check *result, int *literal)
{
    const uint8_t *gp = NULL;
    size_t gn = 0;
    int gfits = 0;
    struct cct_hasher h;
    int all_ok = 1, all_alt = 1;
    const uint8_t *alt = NULL;
    size_t alt_len = 0;

    if (ev == NULL || result == NULL) {
        return CCT_EINVAL;
    }
    if (ev->n_digests == 0 || ev->data == NULL) {
        *result = CCT_DIGEST_NOT_CHECKED;
        if (literal) {
            *literal = 0;
        }
        return 0;
    }
    if ((ev->format == CCT_LOG_IMA_ASCII || ev->format == CCT_LOG_IMA_BINARY) && ev->type == 0) {
        return check_ima_entry(ev, result, literal);
    }
    if (ev->type == EV_EFI_VARIABLE_BOOT || ev->type == EV_EFI_VARIABLE_BOOT2 ||
        ev->type == EV_EFI_VARIABLE_AUTHORITY || ev->type == EV_EFI_VARIABLE_DRIVER_CONFIG) {
        /* EDK2 hashes only VariableData for Boot####, shim does the same for
         * some authorities, and TPM 1.2-era firmware for the Secure Boot
         * variables: known deviations, reported as "ok-variant". */
        if (!variable_data(ev->data, ev->data_len, &alt, &alt_len)) {
            alt = NULL;
        }
    }
    /* Without a caller asking for *literal, only the spec-bound types need
     * hashing at all. */
    int is_ima = ev->format == CCT_LOG_IMA_ASCII || ev->format == CCT_LOG_IMA_BINARY ||
                 ev->ima_template != NULL;
    int is_cel = ev->format == CCT_LOG_CEL_TLV || ev->format == CCT_LOG_CEL_JSON ||
                 ev->format == CCT_LOG_CEL_CBOR;
    int is_cel_content = is_cel && ev->cel_content_type != CCT_CEL_PCCLIENT_STD;
    int tcg_bound = ev->type != EV_NO_ACTION && !(ev->flags & CCT_EVENT_F_HEADER) &&
                    (spec_bound(ev->type) || utf16_load_options(ev));
    int grub = ev->type != EV_NO_ACTION && !(ev->flags & CCT_EVENT_F_HEADER) && !tcg_bound &&
               !is_ima && !is_cel && grub_string(ev, &gp, &gn, &gfits);
    int checked = is_ima || is_cel_content || tcg_bound || grub;
    if (!checked && literal == NULL) {
        *result = CCT_DIGEST_NOT_CHECKED;
        return 0;
    }
    int rc = cct_hasher_init(&h);
    if (rc < 0) {
        return rc;
    }
    /* A GRUB string's result is its rule alone (banks_match below, which hashes with the same
     * banks): the data as a whole is hashed only for a caller that asks for *literal. */
    int rule_only = grub && gfits && literal == NULL;
    for (size_t i = 0; !rule_only && i < ev->n_digests; i++) {
        uint8_t d[CCT_MAX_DIGEST_SIZE];
        const struct cct_digest *dg = &ev->digests[i];
        if (cct_alg_digest_size(dg->alg) != dg->size) {
            /* Unknown algorithm: cannot check this bank. */
            all_ok = all_alt = 0;
            continue;
        }
        rc = cct_hasher_digest(&h, dg->alg, ev->data, ev->data_len, d);
        if (rc < 0) {
            cct_hasher_free(&h);
            return rc;
        }
        if (!cct_memeq_ct(d, dg->bytes, dg->size)) {
            all_ok = 0;
        }
    }
    /* The variant only matters when the data itself does not match; hash
     * VariableData only then. */
    if (alt == NULL || all_ok) {
        all_alt = 0;
    }
    for (size_t i = 0; all_alt && i < ev->n_digests; i++) {
        uint8_t d[CCT_MAX_DIGEST_SIZE];
        const struct cct_digest *dg = &ev->digests[i];
        rc = cct_hasher_digest(&h, dg->alg, alt, alt_len, d);
        if (rc < 0) {
            cct_hasher_free(&h);
            return rc;
        }
        if (!cct_memeq_ct(d, dg->bytes, dg->size)) {
            all_alt = 0;
        }
    }
    int rule_ok = 0;
    if (grub && gfits) {
        rule_ok = banks_match(&h, ev, gp, gn);
        if (rule_ok < 0) {
            cct_hasher_free(&h);
            return rule_ok;
        }
    }
    cct_hasher_free(&h);
    if (literal) {
        *literal = all_ok;
    }
    if (grub) {
        *result = rule_ok ? CCT_DIGEST_OK_RULE : CCT_DIGEST_MISMATCH;
        return 0;
    }
    if (is_ima) {
        *result = ima_result(ev, all_ok);
        return 0;
    }
    if (is_cel_content) {
        /* COS content: the digest covers the content TLV. systemd: the "string"
         * is what was measured for most records, so a match is reported.
         * Others: not bound. */
        if (ev->cel_content_type == CCT_CEL_COS) {
            *result = all_ok ? CCT_DIGEST_OK : CCT_DIGEST_MISMATCH;
        } else {
            *result = ev->cel_content_type == CCT_CEL_SYSTEMD && all_ok && ev->data_len > 0
                          ? CCT_DIGEST_OK
                          : CCT_DIGEST_NOT_CHECKED;
        }
        return 0;
    }
    if (!checked) {
        *result = CCT_DIGEST_NOT_CHECKED;
    } else if (all_ok) {
        *result = CCT_DIGEST_OK;
    } else if (all_alt) {
        *result = CCT_DIGEST_OK_ALT;
    } else {
        *result = CCT_DIGEST_MISMATCH;
    }
    return 0;
}
