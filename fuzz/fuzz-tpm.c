/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz the TPMS_ATTEST, TPMT_SIGNATURE and TPMT_PUBLIC parsers. */
#include <stddef.h>
#include <stdint.h>

#include <cctrusted/report.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct cct_tpm_attest a;
    struct cct_tpm_signature s;
    struct cct_tpm_public k;
    (void)!cct_tpm_attest_parse(data, size, &a, NULL);
    (void)!cct_tpm_signature_parse(data, size, &s, NULL);
    (void)!cct_tpm_public_parse(data, size, &k, NULL);
    return 0;
}
