/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz the TDX quote, TDREPORT and HCL parsers, and the TDX verifier on parsed quotes.
 * Every failure must name its code and say what went wrong (cct_fuzz_rc).
 */
#include <stddef.h>
#include <stdint.h>

#include <cctrusted/report.h>
#include <cctrusted/verify.h>

#include "fuzz-common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct cct_tdx_quote q;
    struct cct_tdreport t;
    struct cct_hcl_report h;
    struct cct_verify_result res;
    struct cct_verify_options o = CCT_VERIFY_OPTIONS_INIT;
    enum cct_report_type type;
    struct cct_error err;
    cct_verify_result_init(&res);
    (void)!cct_report_detect(data, size, &type);
    cct_error_clear(&err);
    if (cct_fuzz_rc(cct_tdx_quote_parse(data, size, &q, &err), &err) == 0) {
        cct_error_clear(&err);
        cct_fuzz_rc(cct_verify_tdx_quote(data, size, &o, &res, &err), &err);
    }
    cct_error_clear(&err);
    cct_fuzz_rc(cct_tdreport_parse(data, size, &t, &err), &err);
    cct_error_clear(&err);
    cct_fuzz_rc(cct_hcl_report_parse(data, size, &h, &err), &err);
    return 0;
}
