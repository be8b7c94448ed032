/* SPDX-License-Identifier: Apache-2.0 */
/* Verification entry point by detected type, and time parsing. */
#include <stdio.h>
#include <string.h>

#include "util/error.h"
#include "verify/common.h"

int cct_verify_report(const uint8_t *p, size_t len, const struct cct_verify_options *opts,
                      struct cct_verify_result *res, struct cct_error *err)
{
    enum cct_report_type t = CCT_REPORT_UNKNOWN;
    struct cct_verify_options o;
    if (p == NULL && len > 0) {
        return cct_err(err, CCT_EINVAL, -1, -1, "no input");
    }
    /* An undetected type stays UNKNOWN and is reported below. */
    (void)!cct_report_detect(p, len, &t);
    switch (t) {
    case CCT_REPORT_TDX_QUOTE: return cct_verify_tdx_quote(p, len, opts, res, err);
    case CCT_REPORT_SNP:
    case CCT_REPORT_AZURE_HCL: return cct_verify_snp_report(p, len, opts, res, err);
    case CCT_REPORT_TPM_QUOTE: return cct_verify_tpm_quote(p, len, opts, res, err);
    case CCT_REPORT_CCA: return cct_verify_cca_token(p, len, opts, res, err);
    default: break;
    }
    /* Evidence no verifier accepts: still check the caller's result and options version. */
    int rc = vopts_begin(opts, t, &o, res, err);
    if (rc < 0) {
        return rc;
    }
    switch (t) {
    case CCT_REPORT_SGX_QUOTE:
        vres_init(res, t);
        vres_add(res, "parse", false,
                 "Intel SGX quote (TEE type 0): not a TDX quote; SGX is not supported");
        (void)vres_finish(res, NULL);
        return cct_err(err, CCT_EUNSUPPORTED, -1, 4,
                       "Intel SGX quote (TEE type 0) is not supported");
    case CCT_REPORT_TDX_TDREPORT: {
        struct cct_tdreport tr;
        struct cct_error e;
        cct_error_clear(&e);
        vres_init(res, t);
        rc = cct_tdreport_parse(p, len, &tr, &e);
        vres_add(res, "parse", rc == 0, "%s", rc == 0 ? "TDREPORT_STRUCT" : e.message);
        vres_add(res, "mac", false,
                 "a TDREPORT is MAC'ed with a platform key; it can only be verified on the "
                 "platform that produced it (convert it to a quote)");
        (void)vres_finish(res, NULL);
        if (rc < 0) {
            if (err != NULL) {
                *err = e;
            }
            return rc;
        }
        return cct_err(err, CCT_EUNSUPPORTED, -1, -1, "a TDREPORT cannot be verified off-platform");
    }
    default:
        vres_init(res, t);
        vres_add(res, "parse", false, "unrecognised evidence format");
        (void)vres_finish(res, NULL);
        return cct_err(err, CCT_EMALFORMED, -1, 0, "unrecognised evidence format");
    }
}

static bool is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days since 1970-01-01 of a civil date. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    static const int cum[12] = { 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334 };
    int64_t days = 0;
    for (int64_t yy = 1970; yy < y; yy++) {
        days += is_leap(yy) ? 366 : 365;
    }
    days += cum[m - 1] + (m > 2 && is_leap(y) ? 1 : 0) + (d - 1);
    return days;
}

static bool take_num(const char **s, int digits, int *out)
{
    int v = 0;
    for (int i = 0; i < digits; i++) {
        char c = (*s)[i];
        if (c < '0' || c > '9') {
            return false;
        }
        v = v * 10 + (c - '0');
    }
    *s += digits;
    *out = v;
    return true;
}

int cct_parse_time(const char *s, int64_t *out)
{
    int y, mo, d, h = 0, mi = 0, se = 0;
    static const int mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (s == NULL || out == NULL) {
        return CCT_EINVAL;
    }
    if (s[0] == '@') {
        int64_t v = 0;
        const char *q = s + 1;
        if (*q == '\0') {
            return CCT_EINVAL;
        }
        for (; *q; q++) {
            if (*q < '0' || *q > '9' || v > (INT64_MAX - 9) / 10) {
                return CCT_EINVAL;
            }
            v = v * 10 + (*q - '0');
        }
        *out = v;
        return 0;
    }
    if (!take_num(&s, 4, &y) || *s++ != '-' || !take_num(&s, 2, &mo) || *s++ != '-' ||
        !take_num(&s, 2, &d)) {
        return CCT_EINVAL;
    }
    if (*s == 'T' || *s == ' ') {
        s++;
        if (!take_num(&s, 2, &h) || *s++ != ':' || !take_num(&s, 2, &mi) || *s++ != ':' ||
            !take_num(&s, 2, &se)) {
            return CCT_EINVAL;
        }
        if (*s == 'Z') {
            s++;
        }
    }
    if (*s != '\0' || y < 1970 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
        (mo == 2 && d == 29 && !is_leap(y)) || h > 23 || mi > 59 || se > 60) {
        return CCT_EINVAL;
    }
    *out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
    return 0;
}
