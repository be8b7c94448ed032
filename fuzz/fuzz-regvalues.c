/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz the register-value parser (lines, tokens, JSON, YAML) through both
 * entry points. Every failure must name its code and say what went wrong
 * (cct_fuzz_rc).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cctrusted/replay.h>
#include <cctrusted/verify.h>

#include "fuzz-common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct cct_expected *ex = calloc(CCT_MAX_REGISTERS, sizeof(*ex));
    struct cct_pcr_value *pv = calloc(CCT_MAX_PCR_VALUES, sizeof(*pv));
    struct cct_error err;
    size_t n = 0;
    if (ex != NULL && pv != NULL) {
        cct_error_clear(&err);
        cct_fuzz_rc(cct_expected_parse(data, size, ex, CCT_MAX_REGISTERS, &n, &err), &err);
        cct_error_clear(&err);
        cct_fuzz_rc(cct_pcr_values_parse(data, size, pv, CCT_MAX_PCR_VALUES, &n, &err), &err);
    }
    free(ex);
    free(pv);
    return 0;
}
