/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Core environment for hosted tests: libc malloc and OpenSSL's digests,
 * set before main() runs, so that the unit tests of tests/unit run
 * unchanged against the core.
 */
#include <stdio.h>
#include <stdlib.h>

#include <openssl/evp.h>

#include <cctrusted-core/core.h>

static void *mem_alloc(void *ctx, size_t size)
{
    (void)ctx;
    return malloc(size);
}

static void mem_release(void *ctx, void *p, size_t size)
{
    (void)ctx, (void)size;
    free(p);
}

static int ossl_digest2(void *ctx, uint16_t alg, const void *a, size_t alen, const void *b,
                        size_t blen, uint8_t *out)
{
    const char *name = alg == CCT_ALG_SHA1      ? "SHA1"
                       : alg == CCT_ALG_SHA256  ? "SHA256"
                       : alg == CCT_ALG_SHA384  ? "SHA384"
                       : alg == CCT_ALG_SHA512  ? "SHA512"
                       : alg == CCT_ALG_SM3_256 ? "SM3"
                                                : NULL;
    (void)ctx;
    EVP_MD *md = name ? EVP_MD_fetch(NULL, name, NULL) : NULL;
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    int ok = md != NULL && c != NULL && EVP_DigestInit_ex(c, md, NULL) &&
             EVP_DigestUpdate(c, a, alen) && (blen == 0 || EVP_DigestUpdate(c, b, blen)) &&
             EVP_DigestFinal_ex(c, out, NULL);
    EVP_MD_CTX_free(c);
    EVP_MD_free(md);
    return ok ? 0 : CCT_EUNSUPPORTED;
}

__attribute__((constructor)) static void setup_core(void)
{
    static const uint16_t algs[] = { CCT_ALG_SHA1, CCT_ALG_SHA256, CCT_ALG_SHA384, CCT_ALG_SHA512,
                                     CCT_ALG_SM3_256 };
    struct cct_core_env env = { .version = CCT_CORE_ENV_VERSION,
                                .allocator = { NULL, mem_alloc, mem_release } };
    for (size_t i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
        env.hashes[env.n_hashes++] = (struct cct_core_hash){ algs[i], NULL, ossl_digest2 };
    }
    if (cct_core_init(&env) != 0) {
        fprintf(stderr, "core environment (libc + OpenSSL) refused\n");
        exit(1);
    }
}
