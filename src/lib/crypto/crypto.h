/* SPDX-License-Identifier: Apache-2.0 */
/* Algorithm registry (TPM_ALG_ID <-> OpenSSL) and hashing. */
#ifndef CCT_CRYPTO_H
#define CCT_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include <cctrusted/algorithm.h>

#define CCT_HASHER_SLOTS 5

/*
 * Hashing context. SHA-1 and SHA-2 use OpenSSL's low-level functions on a
 * stack context (no lookups, no allocations); other algorithms use digests
 * fetched once and one reusable EVP_MD_CTX, both created on first use.
 * Initialising one is free. One thread at a time.
 */
struct cct_hasher {
    void *md[CCT_HASHER_SLOTS]; /* EVP_MD *, fetched lazily */
    void *ctx;                  /* EVP_MD_CTX * */
};

CCT_WUR int cct_hasher_init(struct cct_hasher *h);
void cct_hasher_free(struct cct_hasher *h);
/* out receives cct_alg_digest_size(alg) bytes. CCT_EUNSUPPORTED for unknown alg. */
CCT_WUR int cct_hasher_digest(struct cct_hasher *h, uint16_t alg, const void *data, size_t len,
                              uint8_t *out);
/* H(a || b) */
CCT_WUR int cct_hasher_digest2(struct cct_hasher *h, uint16_t alg, const void *a, size_t alen,
                               const void *b, size_t blen, uint8_t *out);
/* reg = H(reg || d); both of the algorithm's digest size. */
CCT_WUR int cct_hasher_extend(struct cct_hasher *h, uint16_t alg, uint8_t *reg, const uint8_t *d);

/* One-shot digest without a context (slower; for cold paths). */
CCT_WUR int cct_digest(uint16_t alg, const void *data, size_t len, uint8_t *out);

/*
 * The report-data rule of cct_get_report() (the seed SDKs' convention), shared with the
 * verifiers so that both derive it one way: REPORTDATA = SHA-512(nonce || user_data), 64 bytes.
 * TDX REPORTDATA and SNP REPORT_DATA are these bytes, a CCA challenge is all 64 of them, TPM
 * qualifying data is all 64 or, on a TPM whose TPM2B_DATA holds fewer, the first
 * CCT__TPM_QD_SHORT. NULL parts with length 0 are empty. 0, or a negative CCT_E* code.
 */
#define CCT__REPORTDATA_SIZE 64u
#define CCT__TPM_QD_SHORT 32u
CCT_WUR int cct__reportdata_derive(const uint8_t *nonce, size_t nonce_len, const uint8_t *user_data,
                                   size_t user_data_len, uint8_t out[CCT__REPORTDATA_SIZE]);

/* Position of alg in the algorithm table (0 .. CCT_HASHER_SLOTS-1), or -1. */
int cct_alg_slot(uint16_t alg);

/* The SHA algorithm whose digest has n bytes (20, 32, 48, 64), 0 for any other size. SM3-256
 * shares 32 bytes with SHA-256 and is never guessed from a size. */
uint16_t cct_alg_by_digest_size(size_t n);

/* OpenSSL name of an algorithm ("SHA256", "SM3"), or NULL. */
const char *cct_alg_openssl_name(uint16_t alg);

#endif
