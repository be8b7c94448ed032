/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz the CCA / PSA token parser and the CCA verifier (RAK path, no CPAK). */
#include <stddef.h>
#include <stdint.h>

#include <cctrusted/report.h>
#include <cctrusted/verify.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct cct_cca_token t;
    struct cct_verify_result res;
    if (cct_cca_token_parse(data, size, &t, NULL) == 0) {
        cct_cca_token_free(&t);
        (void)!cct_verify_cca_token(data, size, NULL, &res, NULL);
        /* A MAC key too: a COSE_Mac0 PSA token goes through the HMAC check. */
        static const uint8_t key[32] = { 0x6b, 0x65, 0x79 };
        struct cct_verify_options o = CCT_VERIFY_OPTIONS_INIT;
        o.mac_key = key;
        o.mac_key_len = sizeof(key);
        (void)!cct_verify_cca_token(data, size, &o, &res, NULL);
    }
    return 0;
}
