/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz the TDX quote, TDREPORT and HCL parsers, and the TDX verifier on parsed quotes. */
#include <stddef.h>
#include <stdint.h>

#include <cctrusted/report.h>
#include <cctrusted/verify.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct cct_tdx_quote q;
    struct cct_tdreport t;
    struct cct_hcl_report h;
    struct cct_verify_result res;
    struct cct_verify_options o = CCT_VERIFY_OPTIONS_INIT;
    enum cct_report_type type;
    (void)!cct_report_detect(data, size, &type);
    if (cct_tdx_quote_parse(data, size, &q, NULL) == 0) {
        (void)!cct_verify_tdx_quote(data, size, &o, &res, NULL);
    }
    (void)!cct_tdreport_parse(data, size, &t, NULL);
    (void)!cct_hcl_report_parse(data, size, &h, NULL);
    return 0;
}
