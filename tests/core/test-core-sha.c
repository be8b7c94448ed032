/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The core's own SHA-1/256/384/512 (src/lib/core/sha.c) against OpenSSL on
 * many random inputs: every length from 0 to 600 bytes (all padding cases
 * of both block sizes), random lengths up to 64 KiB, each split at a random
 * point between the two parts of digest2. Also the registry wiring
 * (cct_core_env_add_builtin_hashes) and bad arguments.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include <cctrusted-core/core.h>

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static uint64_t rnd(void)
{
    /* xorshift64*: a fixed seed, so a failure repeats */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1du;
}

static const struct {
    uint16_t alg;
    const char *name;
    size_t size;
} algs[] = {
    { CCT_ALG_SHA1, "SHA1", 20 },
    { CCT_ALG_SHA256, "SHA256", 32 },
    { CCT_ALG_SHA384, "SHA384", 48 },
    { CCT_ALG_SHA512, "SHA512", 64 },
};

static int failures;

static void check(const uint8_t *buf, size_t len, size_t split)
{
    for (size_t k = 0; k < sizeof(algs) / sizeof(algs[0]); k++) {
        uint8_t want[64], got[64];
        unsigned int n = 0;
        if (!EVP_Digest(buf, len, want, &n, EVP_get_digestbyname(algs[k].name), NULL) ||
            n != algs[k].size) {
            fprintf(stderr, "OpenSSL %s failed\n", algs[k].name);
            exit(1);
        }
        memset(got, 0xa5, sizeof(got));
        int r = cct_core_sha_digest2(NULL, algs[k].alg, buf, split,
                                     len > split ? buf + split : NULL, len - split, got);
        if (r != 0 || memcmp(got, want, n) != 0) {
            if (failures++ < 10) {
                fprintf(stderr, "FAIL %s len %zu split %zu (r=%d)\n", algs[k].name, len, split, r);
            }
        }
    }
}

int main(void)
{
    size_t max = 64 * 1024;
    uint8_t *buf = malloc(max);
    if (buf == NULL) {
        return 1;
    }
    memset(buf, 0, max);
    size_t cases = 0;
    for (size_t len = 0; len <= 600; len++) {
        for (size_t i = 0; i < len; i++) {
            buf[i] = (uint8_t)rnd();
        }
        check(buf, len, len == 0 ? 0 : rnd() % (len + 1));
        cases++;
    }
    for (int i = 0; i < 3000; i++) {
        size_t len = rnd() % (i % 10 == 0 ? max + 1 : 2049);
        for (size_t j = 0; j < len; j++) {
            buf[j] = (uint8_t)rnd();
        }
        check(buf, len, len == 0 ? 0 : rnd() % (len + 1));
        cases++;
    }
    /* All 0x00 and all 0xff bytes at block-boundary lengths. */
    for (int v = 0; v < 2; v++) {
        memset(buf, v ? 0xff : 0, max);
        for (size_t len = 55; len <= 257; len++) {
            check(buf, len, len / 2);
            cases++;
        }
    }
    uint8_t out[64];
    if (cct_core_sha_digest2(NULL, CCT_ALG_SM3_256, buf, 1, NULL, 0, out) != CCT_EUNSUPPORTED ||
        cct_core_sha_digest2(NULL, CCT_ALG_SHA256, NULL, 1, NULL, 0, out) != CCT_EINVAL ||
        cct_core_sha_digest2(NULL, CCT_ALG_SHA256, buf, 1, NULL, 1, out) != CCT_EINVAL) {
        fprintf(stderr, "FAIL: bad arguments accepted\n");
        failures++;
    }
    struct cct_core_env env = { .version = CCT_CORE_ENV_VERSION };
    if (cct_core_env_add_builtin_hashes(&env) != 0 || env.n_hashes != 4 ||
        cct_core_env_add_builtin_hashes(&env) != 0 || env.n_hashes != 4) {
        fprintf(stderr, "FAIL: builtin hash table\n");
        failures++;
    }
    /* An environment without an allocator is refused. */
    if (cct_core_init(&env) != CCT_EINVAL) {
        fprintf(stderr, "FAIL: environment without allocator accepted\n");
        failures++;
    }
    free(buf);
    printf("%zu inputs x 4 algorithms compared with OpenSSL, %d failures\n", cases, failures);
    return failures ? 1 : 0;
}
