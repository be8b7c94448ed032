/* SPDX-License-Identifier: Apache-2.0 */
/* crypto: algorithm registry, digests against published test vectors,
 * extend = H(a || b) against OpenSSL one-shot functions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include <cctrusted/error.h>

#include "crypto/crypto.h"
#include "util/hex.h"

static void unhex(const char *s, uint8_t *out, size_t n)
{
    assert_int_equal(cct_hex_decode(s, strlen(s), out, n), 0);
}

static void test_names(void **state)
{
    (void)state;
    static const struct {
        uint16_t id;
        size_t size;
        const char *name;
    } t[] = {
        { CCT_ALG_SHA1, 20, "sha1" },       { CCT_ALG_SHA256, 32, "sha256" },
        { CCT_ALG_SHA384, 48, "sha384" },   { CCT_ALG_SHA512, 64, "sha512" },
        { CCT_ALG_SM3_256, 32, "sm3_256" },
    };
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        assert_int_equal(cct_alg_digest_size(t[i].id), t[i].size);
        assert_string_equal(cct_alg_name(t[i].id), t[i].name);
        assert_int_equal(cct_alg_from_name(t[i].name), t[i].id);
    }
    /* TPM_ALG_ID values from the TCG Algorithm Registry. */
    assert_int_equal(CCT_ALG_SHA1, 0x0004);
    assert_int_equal(CCT_ALG_SHA256, 0x000B);
    assert_int_equal(CCT_ALG_SHA384, 0x000C);
    assert_int_equal(CCT_ALG_SHA512, 0x000D);
    assert_int_equal(CCT_ALG_SM3_256, 0x0012);
    /* Aliases and case. */
    assert_int_equal(cct_alg_from_name("SHA-256"), CCT_ALG_SHA256);
    assert_int_equal(cct_alg_from_name("sha_384"), CCT_ALG_SHA384);
    assert_int_equal(cct_alg_from_name("SHA1"), CCT_ALG_SHA1);
    assert_int_equal(cct_alg_from_name("sm3"), CCT_ALG_SM3_256);
    assert_int_equal(cct_alg_from_name("SM3-256"), CCT_ALG_SM3_256);
    assert_int_equal(cct_alg_from_name("0x000b"), CCT_ALG_SHA256);
    assert_int_equal(cct_alg_from_name("0X000D"), CCT_ALG_SHA512);
    /* Unknown or malformed. */
    static const char *bad[] = { "",       "md5",     "sha",     "sha2560", "0x",
                                 "0x0001", "0x1000b", "0x000bz", "11",      " sha1" };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(cct_alg_from_name(bad[i]), CCT_ALG_ERROR);
    }
    assert_int_equal(cct_alg_from_name(NULL), CCT_ALG_ERROR);
    assert_int_equal(cct_alg_digest_size(0x0001), 0);
    assert_null(cct_alg_name(0x0001));
    assert_null(cct_alg_openssl_name(0xffff));
    assert_int_equal(cct_alg_available(0x0001), 0);
    assert_int_equal(cct_alg_available(CCT_ALG_SHA256), 1);
}

/* FIPS 180-4 example "abc" (NIST CSRC example values). */
static void test_vectors(void **state)
{
    (void)state;
    static const struct {
        uint16_t alg;
        const char *hex;
    } v[] = {
        { CCT_ALG_SHA1, "a9993e364706816aba3e25717850c26c9cd0d89d" },
        { CCT_ALG_SHA256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
        { CCT_ALG_SHA384, "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
                          "8086072ba1e7cc2358baeca134c825a7" },
        { CCT_ALG_SHA512, "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
                          "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f" },
    };
    struct cct_hasher h;
    assert_int_equal(cct_hasher_init(&h), 0);
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        uint8_t want[64], got[64], got2[64];
        size_t n = cct_alg_digest_size(v[i].alg);
        unhex(v[i].hex, want, n);
        assert_int_equal(cct_digest(v[i].alg, "abc", 3, got), 0);
        assert_memory_equal(got, want, n);
        /* Twice through the same context: no state leaks between uses. */
        assert_int_equal(cct_hasher_digest(&h, v[i].alg, "abc", 3, got2), 0);
        assert_memory_equal(got2, want, n);
        assert_int_equal(cct_hasher_digest(&h, v[i].alg, "abc", 3, got2), 0);
        assert_memory_equal(got2, want, n);
        /* Split input: H("ab" || "c"). */
        assert_int_equal(cct_hasher_digest2(&h, v[i].alg, "ab", 2, "c", 1, got2), 0);
        assert_memory_equal(got2, want, n);
    }
    uint8_t out[64];
    assert_int_equal(cct_hasher_digest(&h, 0x0001, "abc", 3, out), CCT_EUNSUPPORTED);
    assert_int_equal(cct_digest(0xffff, "abc", 3, out), CCT_EUNSUPPORTED);
    cct_hasher_free(&h);
    cct_hasher_free(NULL);
}

/* GB/T 32905-2016 appendix A, example 1: SM3("abc"). */
static void test_sm3(void **state)
{
    (void)state;
    if (!cct_alg_available(CCT_ALG_SM3_256)) {
        skip();
    }
    uint8_t want[32], got[32];
    unhex("66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0", want, 32);
    assert_int_equal(cct_digest(CCT_ALG_SM3_256, "abc", 3, got), 0);
    assert_memory_equal(got, want, 32);
}

static void test_extend(void **state)
{
    (void)state;
    static const struct {
        uint16_t alg;
        const EVP_MD *(*md)(void);
    } t[] = {
        { CCT_ALG_SHA1, EVP_sha1 },
        { CCT_ALG_SHA256, EVP_sha256 },
        { CCT_ALG_SHA384, EVP_sha384 },
        { CCT_ALG_SHA512, EVP_sha512 },
    };
    struct cct_hasher h;
    assert_int_equal(cct_hasher_init(&h), 0);
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        size_t n = cct_alg_digest_size(t[i].alg);
        uint8_t reg[64], d[64], cat[128], want[64];
        unsigned int wn = 0;
        for (size_t k = 0; k < n; k++) {
            reg[k] = (uint8_t)(k * 7 + 1);
            d[k] = (uint8_t)(0xf0 - k);
        }
        memcpy(cat, reg, n);
        memcpy(cat + n, d, n);
        assert_int_equal(EVP_Digest(cat, 2 * n, want, &wn, t[i].md(), NULL), 1);
        assert_int_equal(wn, n);
        assert_int_equal(cct_hasher_extend(&h, t[i].alg, reg, d), 0);
        assert_memory_equal(reg, want, n);
        /* Second extend chains from the new value. */
        memcpy(cat, want, n);
        assert_int_equal(EVP_Digest(cat, 2 * n, want, &wn, t[i].md(), NULL), 1);
        assert_int_equal(cct_hasher_extend(&h, t[i].alg, reg, d), 0);
        assert_memory_equal(reg, want, n);
    }
    /* Direct SHA-256 one-shot cross-check of digest2. */
    uint8_t one[32], two[32];
    SHA256((const unsigned char *)"helloworld", 10, one);
    assert_int_equal(cct_hasher_digest2(&h, CCT_ALG_SHA256, "hello", 5, "world", 5, two), 0);
    assert_memory_equal(one, two, 32);
    uint8_t reg[64] = { 0 };
    assert_int_equal(cct_hasher_extend(&h, 0x0001, reg, reg), CCT_EUNSUPPORTED);
    cct_hasher_free(&h);
}

/* The default bank: SHA-256 when active, else the first active one, SHA-256 with none. */
static void test_default_bank(void **state)
{
    (void)state;
    const uint16_t all[] = { CCT_ALG_SHA1, CCT_ALG_SHA256, CCT_ALG_SHA384 };
    const uint16_t no256[] = { CCT_ALG_SHA384, CCT_ALG_SHA1 };
    const uint16_t late256[] = { CCT_ALG_SHA1, CCT_ALG_SHA512, CCT_ALG_SHA256 };
    assert_int_equal(cct_alg_default_bank(all, 3), CCT_ALG_SHA256);
    assert_int_equal(cct_alg_default_bank(no256, 2), CCT_ALG_SHA384);
    assert_int_equal(cct_alg_default_bank(late256, 3), CCT_ALG_SHA256);
    assert_int_equal(cct_alg_default_bank(late256, 2), CCT_ALG_SHA1);
    assert_int_equal(cct_alg_default_bank(NULL, 0), CCT_ALG_SHA256);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),        cmocka_unit_test(test_vectors),
        cmocka_unit_test(test_sm3),          cmocka_unit_test(test_extend),
        cmocka_unit_test(test_default_bank),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
