/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz the TPMS_ATTEST, TPMT_SIGNATURE and TPMT_PUBLIC parsers. Every failure
 * must name its code and say what went wrong (cct_fuzz_rc).
 */
#include <stddef.h>
#include <stdint.h>

#include <cctrusted/report.h>

#include "fuzz-common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct cct_tpm_attest a;
    struct cct_tpm_signature s;
    struct cct_tpm_public k;
    struct cct_error err;
    cct_error_clear(&err);
    cct_fuzz_rc(cct_tpm_attest_parse(data, size, &a, &err), &err);
    cct_error_clear(&err);
    cct_fuzz_rc(cct_tpm_signature_parse(data, size, &s, &err), &err);
    cct_error_clear(&err);
    cct_fuzz_rc(cct_tpm_public_parse(data, size, &k, &err), &err);
    return 0;
}
