/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Builds TCG event logs in memory for the unit tests: SpecID Event03
 * headers, TCG_PCR_EVENT2 records with chosen banks and legacy
 * TCG_PCR_EVENT records. Digests are computed with OpenSSL directly, not
 * with the library under test. Aborts on allocation failure.
 */
#ifndef CCT_TEST_LOGBUILDER_H
#define CCT_TEST_LOGBUILDER_H

#include <stddef.h>
#include <stdint.h>

#define LB_MAX_RECORDS 4096

struct lb {
    uint8_t *p;
    size_t len, cap;
    size_t n_records;
    size_t start[LB_MAX_RECORDS]; /* byte offset where record i begins */
};

void lb_init(struct lb *b);
void lb_free(struct lb *b);

void lb_u8(struct lb *b, uint8_t v);
void lb_u16(struct lb *b, uint16_t v);
void lb_u32(struct lb *b, uint32_t v);
void lb_u64(struct lb *b, uint64_t v);
void lb_bytes(struct lb *b, const void *p, size_t n);
void lb_fill(struct lb *b, uint8_t byte, size_t n);

/* Digest size of a TPM_ALG_ID (SHA-1/256/384/512, SM3), 0 when unknown. */
size_t lb_alg_size(uint16_t alg);
/* out = H_alg(a || b) with OpenSSL's EVP_Digest*; returns the size or 0. */
size_t lb_hash2(uint16_t alg, const void *a, size_t alen, const void *b2, size_t blen,
                uint8_t *out);
size_t lb_hash(uint16_t alg, const void *p, size_t n, uint8_t *out);

/*
 * SpecID Event03 event data (TCG_EfiSpecIDEvent) into `data` (a separate
 * builder): n algorithms with their sizes, vendorInfo, then `trailing`
 * extra zero bytes (to build malformed headers).
 */
void lb_specid_data(struct lb *data, const uint16_t *algs, const uint16_t *sizes, uint32_t n,
                    const uint8_t *vendor, uint8_t vlen, size_t trailing);

/* Legacy TCG_PCR_EVENT: digest is 20 bytes (NULL: SHA-1 of data). */
void lb_legacy(struct lb *b, uint32_t pcr, uint32_t type, const uint8_t *digest, const void *data,
               size_t len);

/* A SpecID header record for a crypto-agile log over these banks. */
void lb_header(struct lb *b, uint32_t pcr, const uint16_t *algs, uint32_t n);

/*
 * TCG_PCR_EVENT2 with one digest per bank = H_bank(data); when `digests`
 * is not NULL, digests[i] (of the bank's size) is used instead.
 */
void lb_event2(struct lb *b, uint32_t pcr, uint32_t type, const uint16_t *algs, uint32_t n,
               const void *data, size_t len);
void lb_event2_digests(struct lb *b, uint32_t pcr, uint32_t type, const uint16_t *algs, uint32_t n,
                       const uint8_t *const *digests, const void *data, size_t len);

/* Write the log to a new temporary file; returns its malloc'ed path. */
char *lb_write_tmp(const struct lb *b);

#endif
