/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz the CCA / PSA token parser and the CCA verifier (RAK path, no CPAK).
 * Every failure must name its code and say what went wrong (cct_fuzz_rc).
 */
#include <stddef.h>
#include <stdint.h>

#include <cctrusted/report.h>
#include <cctrusted/verify.h>

#include "fuzz-common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct cct_cca_token t;
    struct cct_verify_result res;
    struct cct_error err;
    cct_verify_result_init(&res);
    cct_error_clear(&err);
    if (cct_fuzz_rc(cct_cca_token_parse(data, size, &t, &err), &err) == 0) {
        cct_cca_token_free(&t);
        cct_error_clear(&err);
        cct_fuzz_rc(cct_verify_cca_token(data, size, NULL, &res, &err), &err);
        /* A MAC key too: a COSE_Mac0 PSA token goes through the HMAC check. */
        static const uint8_t key[32] = { 0x6b, 0x65, 0x79 };
        struct cct_verify_options o = CCT_VERIFY_OPTIONS_INIT;
        o.mac_key = key;
        o.mac_key_len = sizeof(key);
        cct_error_clear(&err);
        cct_fuzz_rc(cct_verify_cca_token(data, size, &o, &res, &err), &err);
    }
    return 0;
}
