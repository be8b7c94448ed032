/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The hashing interface of crypto/crypto.h for the core: every digest goes
 * to the embedder's hash table (core/env.c) instead of OpenSSL. Replaces
 * crypto/alg.c in the core build; crypto/algtab.c (names, sizes) is shared.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cctrusted/algorithm.h>
#include <cctrusted/error.h>

#include "core/core_internal.h"
#include "crypto/crypto.h"

int cct_alg_available(uint16_t alg)
{
    return cct_core_find_hash(alg) != NULL;
}

int cct_hasher_init(struct cct_hasher *h)
{
    memset(h, 0, sizeof(*h));
    return 0;
}

void cct_hasher_free(struct cct_hasher *h)
{
    (void)h;
}

int cct_hasher_digest2(struct cct_hasher *h, uint16_t alg, const void *a, size_t alen,
                       const void *b, size_t blen, uint8_t *out)
{
    (void)h;
    const struct cct_core_hash *e = cct_core_find_hash(alg);
    if (e == NULL) {
        return CCT_EUNSUPPORTED;
    }
    int r = e->digest2(e->ctx, alg, a, alen, blen > 0 ? b : NULL, blen, out);
    return r > 0 ? CCT_EIO : r; /* a positive code is not a success */
}

int cct_digest(uint16_t alg, const void *data, size_t len, uint8_t *out)
{
    return cct_hasher_digest2(NULL, alg, data, len, NULL, 0, out);
}

void cct_wipe(void *p, size_t n)
{
    volatile uint8_t *v = p;
    for (size_t i = 0; p != NULL && i < n; i++) {
        v[i] = 0;
    }
}

int cct_core_env_add_builtin_hashes(struct cct_core_env *env)
{
    static const uint16_t own[] = { CCT_ALG_SHA1, CCT_ALG_SHA256, CCT_ALG_SHA384, CCT_ALG_SHA512 };
    if (env == NULL || env->n_hashes > CCT_CORE_MAX_HASHES) {
        return CCT_EINVAL;
    }
    for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++) {
        int have = 0;
        for (size_t k = 0; k < env->n_hashes; k++) {
            have |= env->hashes[k].alg == own[i];
        }
        if (have) {
            continue;
        }
        if (env->n_hashes == CCT_CORE_MAX_HASHES) {
            return CCT_ELIMIT;
        }
        struct cct_core_hash *e = &env->hashes[env->n_hashes++];
        e->alg = own[i];
        e->ctx = NULL;
        e->digest2 = cct_core_sha_digest2;
    }
    return 0;
}
