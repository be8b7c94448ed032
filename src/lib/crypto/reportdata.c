/* SPDX-License-Identifier: Apache-2.0 */
/* The one report-data derivation: cct_get_report() and the verifiers call it (crypto.h). */
#include <string.h>

#include <openssl/crypto.h>

#include "crypto/crypto.h"

int cct__reportdata_derive(const uint8_t *nonce, size_t nonce_len, const uint8_t *user_data,
                           size_t user_data_len, uint8_t out[CCT__REPORTDATA_SIZE])
{
    static const uint8_t empty[1];
    struct cct_hasher h;
    uint8_t rd[CCT__REPORTDATA_SIZE];
    if (out == NULL || (nonce == NULL && nonce_len > 0) ||
        (user_data == NULL && user_data_len > 0)) {
        return CCT_EINVAL;
    }
    int r = cct_hasher_init(&h);
    if (r == 0) {
        r = cct_hasher_digest2(&h, CCT_ALG_SHA512, nonce != NULL ? nonce : empty, nonce_len,
                               user_data != NULL ? user_data : empty, user_data_len, rd);
    }
    cct_hasher_free(&h);
    if (r == 0) {
        memcpy(out, rd, sizeof(rd));
    }
    OPENSSL_cleanse(rd, sizeof(rd));
    return r;
}
