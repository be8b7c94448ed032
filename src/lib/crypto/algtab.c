/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The hash algorithms the library knows: identifiers, digest sizes and
 * names. Pure data and string matching, without OpenSSL or libc beyond
 * <string.h>, so the freestanding core (docs/firmware.md) and the hosted
 * library share it.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cctrusted/algorithm.h>

#include "crypto/crypto.h"

/* TCG Algorithm Registry, table 3 (hash algorithms only). */
static const struct {
    uint16_t id;
    uint16_t size;
    const char *name;   /* our lowercase name */
    const char *ossl;   /* OpenSSL fetch name */
    const char *alias1; /* accepted spellings */
    const char *alias2;
} algs[CCT_HASHER_SLOTS] = {
    { CCT_ALG_SHA1, 20, "sha1", "SHA1", "sha-1", "sha_1" },
    { CCT_ALG_SHA256, 32, "sha256", "SHA256", "sha-256", "sha_256" },
    { CCT_ALG_SHA384, 48, "sha384", "SHA384", "sha-384", "sha_384" },
    { CCT_ALG_SHA512, 64, "sha512", "SHA512", "sha-512", "sha_512" },
    { CCT_ALG_SM3_256, 32, "sm3_256", "SM3", "sm3", "sm3-256" },
};

int cct_alg_slot(uint16_t alg)
{
    for (int i = 0; i < CCT_HASHER_SLOTS; i++) {
        if (algs[i].id == alg) {
            return i;
        }
    }
    return -1;
}

uint16_t cct_alg_by_digest_size(size_t n)
{
    for (int i = 0; i < CCT_HASHER_SLOTS; i++) {
        if (algs[i].size == n && algs[i].id != CCT_ALG_SM3_256) {
            return algs[i].id;
        }
    }
    return 0;
}

size_t cct_alg_digest_size(uint16_t alg)
{
    int s = cct_alg_slot(alg);
    return s < 0 ? 0 : algs[s].size;
}

const char *cct_alg_name(uint16_t alg)
{
    int s = cct_alg_slot(alg);
    return s < 0 ? NULL : algs[s].name;
}

const char *cct_alg_openssl_name(uint16_t alg)
{
    int s = cct_alg_slot(alg);
    return s < 0 ? NULL : algs[s].ossl;
}

/* ASCII case-insensitive equality (names are ASCII; no locale). */
static int name_eq(const char *a, const char *b)
{
    for (;; a++, b++) {
        char x = (*a >= 'A' && *a <= 'Z') ? (char)(*a - 'A' + 'a') : *a;
        char y = (*b >= 'A' && *b <= 'Z') ? (char)(*b - 'A' + 'a') : *b;
        if (x != y) {
            return 0;
        }
        if (x == '\0') {
            return 1;
        }
    }
}

/* Hex digits (after "0x") of a value up to 0xffff and nothing else; CCT_ALG_ERROR otherwise. */
static uint16_t parse_hex_id(const char *s)
{
    uint32_t v = 0;
    size_t n = 0;
    for (; s[n] != '\0'; n++) {
        char c = s[n];
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (d < 0) {
            return CCT_ALG_ERROR;
        }
        v = v * 16 + (uint32_t)d;
        if (v > 0xffff) {
            return CCT_ALG_ERROR;
        }
    }
    return n == 0 ? CCT_ALG_ERROR : (uint16_t)v;
}

uint16_t cct_alg_from_name(const char *name)
{
    if (name == NULL) {
        return CCT_ALG_ERROR;
    }
    for (int i = 0; i < CCT_HASHER_SLOTS; i++) {
        if (name_eq(name, algs[i].name) || name_eq(name, algs[i].alias1) ||
            name_eq(name, algs[i].alias2)) {
            return algs[i].id;
        }
    }
    if (name[0] == '0' && (name[1] == 'x' || name[1] == 'X')) {
        uint16_t v = parse_hex_id(name + 2);
        if (v != CCT_ALG_ERROR && cct_alg_slot(v) >= 0) {
            return v;
        }
    }
    return CCT_ALG_ERROR;
}

uint16_t cct_alg_default_bank(const uint16_t *banks, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (banks[i] == CCT_ALG_SHA256) {
            return CCT_ALG_SHA256;
        }
    }
    return n > 0 ? banks[0] : CCT_ALG_SHA256;
}

/*
 * Built on cct_hasher_digest2() of either hasher (OpenSSL in crypto/alg.c, the caller's table in
 * core/hash.c). A caller's hash function may write out before it has read all of its input, so
 * the extend hashes from a copy of the register.
 */
int cct_hasher_digest(struct cct_hasher *h, uint16_t alg, const void *data, size_t len,
                      uint8_t *out)
{
    return cct_hasher_digest2(h, alg, data, len, NULL, 0, out);
}

int cct_hasher_extend(struct cct_hasher *h, uint16_t alg, uint8_t *reg, const uint8_t *d)
{
    size_t n = cct_alg_digest_size(alg);
    if (n == 0) {
        return CCT_EUNSUPPORTED;
    }
    uint8_t old[CCT_MAX_DIGEST_SIZE];
    memcpy(old, reg, n);
    return cct_hasher_digest2(h, alg, old, n, d, n, reg);
}
