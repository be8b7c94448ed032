/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The SHA-1/SHA-2 low-level interfaces (SHA256_Init, ...) are deprecated in
 * OpenSSL 3 but remain available. The replay hashes hundreds of thousands of
 * short messages (40-96 byte extends), where EVP's per-message
 * EVP_DigestInit_ex costs more than the compression itself; the low-level
 * calls on a stack context cost nothing beyond the hash. Other algorithms
 * (SM3) go through EVP. No other file of the library uses them.
 */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include <cctrusted/algorithm.h>

#include "crypto/crypto.h"
#include <cctrusted/error.h>

int cct_alg_available(uint16_t alg)
{
    const char *n = cct_alg_openssl_name(alg);
    if (n == NULL) {
        return 0;
    }
    EVP_MD *md = EVP_MD_fetch(NULL, n, NULL);
    if (md == NULL) {
        return 0;
    }
    EVP_MD_free(md);
    return 1;
}

int cct_hasher_init(struct cct_hasher *h)
{
    /* The EVP context is created on first use: SHA-1/SHA-2 never need it. */
    memset(h, 0, sizeof(*h));
    return 0;
}

void cct_hasher_free(struct cct_hasher *h)
{
    if (h == NULL) {
        return;
    }
    /* Only SM3 creates these; a hasher used for SHA-1/SHA-2 alone (one per digest check)
     * frees without calling into libcrypto. */
    for (int i = 0; i < CCT_HASHER_SLOTS; i++) {
        if (h->md[i] != NULL) {
            EVP_MD_free(h->md[i]);
            h->md[i] = NULL;
        }
    }
    if (h->ctx != NULL) {
        EVP_MD_CTX_free(h->ctx);
        h->ctx = NULL;
    }
}

static EVP_MD *get_md(struct cct_hasher *h, uint16_t alg)
{
    int s = cct_alg_slot(alg);
    if (s < 0) {
        return NULL;
    }
    if (h->md[s] == NULL) {
        h->md[s] = EVP_MD_fetch(NULL, cct_alg_openssl_name(alg), NULL);
    }
    return h->md[s];
}

/* H(a || b) with the low-level interface; 0 when alg has none. */
static int digest2_lowlevel(uint16_t alg, const void *a, size_t alen, const void *b, size_t blen,
                            uint8_t *out)
{
    switch (alg) {
    case CCT_ALG_SHA1: {
        SHA_CTX c;
        SHA1_Init(&c);
        SHA1_Update(&c, a, alen);
        SHA1_Update(&c, b, blen);
        SHA1_Final(out, &c);
        return 1;
    }
    case CCT_ALG_SHA256: {
        SHA256_CTX c;
        SHA256_Init(&c);
        SHA256_Update(&c, a, alen);
        SHA256_Update(&c, b, blen);
        SHA256_Final(out, &c);
        return 1;
    }
    case CCT_ALG_SHA384: {
        SHA512_CTX c;
        SHA384_Init(&c);
        SHA384_Update(&c, a, alen);
        SHA384_Update(&c, b, blen);
        SHA384_Final(out, &c);
        return 1;
    }
    case CCT_ALG_SHA512: {
        SHA512_CTX c;
        SHA512_Init(&c);
        SHA512_Update(&c, a, alen);
        SHA512_Update(&c, b, blen);
        SHA512_Final(out, &c);
        return 1;
    }
    default: return 0;
    }
}

int cct_hasher_digest2(struct cct_hasher *h, uint16_t alg, const void *a, size_t alen,
                       const void *b, size_t blen, uint8_t *out)
{
    if (digest2_lowlevel(alg, a, alen, b, blen, out)) {
        return 0;
    }
    EVP_MD *md = get_md(h, alg);
    if (md == NULL) {
        return CCT_EUNSUPPORTED;
    }
    if (h->ctx == NULL && (h->ctx = EVP_MD_CTX_new()) == NULL) {
        return CCT_ENOMEM;
    }
    unsigned int n = 0;
    if (!EVP_DigestInit_ex(h->ctx, md, NULL) || !EVP_DigestUpdate(h->ctx, a, alen) ||
        (blen > 0 && !EVP_DigestUpdate(h->ctx, b, blen)) || !EVP_DigestFinal_ex(h->ctx, out, &n)) {
        return CCT_EUNSUPPORTED;
    }
    return 0;
}

int cct_digest(uint16_t alg, const void *data, size_t len, uint8_t *out)
{
    struct cct_hasher h;
    int r = cct_hasher_init(&h);
    if (r == 0) {
        r = cct_hasher_digest(&h, alg, data, len, out);
    }
    cct_hasher_free(&h);
    return r;
}

int cct_base64_decode(const char *s, size_t n, uint8_t *out, size_t max, size_t *len)
{
    static const char pad[] = "==";
    char *tmp;
    if ((s == NULL && n > 0) || (out == NULL && max > 0) || len == NULL || n > 0x3fffffff) {
        return CCT_EINVAL;
    }
    size_t body = n, padding = 0;
    while (body > 0 && s[body - 1] == '=' && padding < 2) {
        body--;
        padding++;
    }
    if (body % 4 == 1) {
        return CCT_EMALFORMED;
    }
    size_t full = (body + 3) / 4 * 4, out_len = body / 4 * 3 + (body % 4 ? body % 4 - 1 : 0);
    if (out_len > max) {
        return CCT_ELIMIT;
    }
    if (full == 0) {
        *len = 0;
        return 0;
    }
    tmp = malloc(full + full / 4 * 3 + 1);
    if (tmp == NULL) {
        return CCT_ENOMEM;
    }
    uint8_t *dec = (uint8_t *)tmp + full;
    memcpy(tmp, s, body);
    memcpy(tmp + body, pad, full - body);
    int k = EVP_DecodeBlock(dec, (const unsigned char *)tmp, (int)full);
    if (k < 0 || (size_t)k < out_len) {
        free(tmp);
        return CCT_EMALFORMED;
    }
    memcpy(out, dec, out_len);
    OPENSSL_cleanse(dec, (size_t)k);
    free(tmp);
    *len = out_len;
    return 0;
}

void cct_wipe(void *p, size_t n)
{
    if (p != NULL) {
        OPENSSL_cleanse(p, n);
    }
}
