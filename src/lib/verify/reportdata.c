/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The expected report data of a verification, one rule for every evidence
 * type: the caller's raw value (opts->nonce), or the value cct_get_report()
 * derived from the request's nonce and user data (crypto/reportdata.c, the
 * same function), compared with TDX REPORTDATA / SNP REPORT_DATA, TPM
 * extraData or a CCA challenge. Every detail says which way the expected
 * value was obtained.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "crypto/crypto.h"
#include "util/hex.h"
#include "verify/common.h"
#include "verify/verify_internal.h"

bool cct__expect_given(const struct cct_verify_options *o)
{
    return o->nonce != NULL || o->request_nonce != NULL || o->request_user_data != NULL;
}

static bool derived_mode(const struct cct_verify_options *o)
{
    return o->request_nonce != NULL || o->request_user_data != NULL;
}

/* "SHA-512(nonce || user data) of the request (N + M bytes)" into buf. */
static void derived_phrase(const struct cct_verify_options *o, char *buf, size_t n)
{
    snprintf(buf, n, "SHA-512(nonce || user data) of the report request (%zu + %zu bytes)",
             o->request_nonce_len, o->request_user_data_len);
}

/* The derived value into out; false (a failed check named name added) when it cannot be. */
static bool derive(const struct cct_verify_options *o, const char *name, uint8_t *out,
                   struct cct_verify_result *res)
{
    int r = cct__reportdata_derive(o->request_nonce, o->request_nonce_len, o->request_user_data,
                                   o->request_user_data_len, out);
    if (r < 0) {
        vres_add(res, name, false,
                 "cannot compute SHA-512(nonce || user data) of the report request (%d)", r);
        return false;
    }
    return true;
}

void cct__check_report_data(const uint8_t rd[64], const char *field,
                            const struct cct_verify_options *o, struct cct_verify_result *res)
{
    static const uint8_t zero[64];
    char how[96];
    if (derived_mode(o)) {
        uint8_t want[CCT__REPORTDATA_SIZE];
        if (derive(o, "report-data", want, res)) {
            bool ok = cct_memeq_ct(want, rd, sizeof(want)) == 1;
            derived_phrase(o, how, sizeof(how));
            vres_add(res, "report-data", ok, "%s %s %s", field, ok ? "equals" : "differs from",
                     how);
        }
        OPENSSL_cleanse(want, sizeof(want));
    } else if (o->nonce_len == 0) {
        bool ok = cct_memeq_ct(rd, zero, 64) == 1;
        vres_add(res, "report-data", ok, "%s %s (raw value given: empty, which expects all zero)",
                 field, ok ? "is all zero" : "is not all zero");
    } else if (o->nonce_len > 64) {
        vres_add(res, "report-data", false, "the raw value has %zu bytes; %s has 64", o->nonce_len,
                 field);
    } else {
        bool ok = cct_memeq_ct(o->nonce, rd, o->nonce_len) == 1;
        vres_add(res, "report-data", ok, "%s %s the given raw %zu-byte value", field,
                 ok ? "starts with" : "does not start with", o->nonce_len);
        if (ok && o->nonce_len < 64) {
            /* A prefix is a partial comparison: say what it leaves out. */
            vres_skip(res, "report-data-rest", "%s bytes %zu..63 are not compared", field,
                      o->nonce_len);
        }
    }
}

void cct__check_extra_data(const uint8_t *extra, size_t len, const struct cct_verify_options *o,
                           struct cct_verify_result *res)
{
    char how[96];
    if (derived_mode(o)) {
        uint8_t want[CCT__REPORTDATA_SIZE];
        if (derive(o, "nonce", want, res)) {
            /* cct_get_report() quotes all 64 bytes, or the first 32 when the TPM takes no more */
            bool full = len == sizeof(want), shortened = len == CCT__TPM_QD_SHORT;
            bool ok = (full || shortened) && cct_memeq_ct(want, extra, len) == 1;
            derived_phrase(o, how, sizeof(how));
            if (ok) {
                vres_add(res, "nonce", true, "extraData equals %s%s", how,
                         shortened ? ", its first 32 bytes (the TPM quoted no more)" : "");
            } else {
                vres_add(res, "nonce", false, "extraData (%zu bytes) differs from %s%s", len, how,
                         full || shortened ? "" : " (64 bytes, or its first 32)");
            }
        }
        OPENSSL_cleanse(want, sizeof(want));
        return;
    }
    bool ok = o->nonce_len == len && (len == 0 || cct_memeq_ct(o->nonce, extra, len) == 1);
    vres_add(res, "nonce", ok, "%s (%zu bytes)",
             ok ? "extraData equals the given raw value"
                : "extraData differs from the given raw value",
             len);
}

void cct__check_challenge(const char *name, const uint8_t *ch, size_t len,
                          const struct cct_verify_options *o, struct cct_verify_result *res)
{
    char how[96];
    if (derived_mode(o)) {
        uint8_t want[CCT__REPORTDATA_SIZE];
        if (derive(o, name, want, res)) {
            bool ok = len == sizeof(want) && cct_memeq_ct(want, ch, len) == 1;
            derived_phrase(o, how, sizeof(how));
            vres_add(res, name, ok, "challenge (%zu bytes) %s %s", len,
                     ok ? "equals" : "differs from", how);
        }
        OPENSSL_cleanse(want, sizeof(want));
        return;
    }
    bool ok = o->nonce_len == len && len > 0 && cct_memeq_ct(o->nonce, ch, len) == 1;
    vres_add(res, name, ok, "challenge (%zu bytes) %s the given raw value", len,
             ok ? "equals" : "differs from");
}
