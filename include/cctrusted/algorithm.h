/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Threads: every function here reads only constant tables; any thread may
 * call any of them at any time.
 */
#ifndef CCTRUSTED_ALGORITHM_H
#define CCTRUSTED_ALGORITHM_H

#include <stddef.h>
#include <stdint.h>

#include <cctrusted/error.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Hash algorithm identifiers: the TCG TPM_ALG_ID values (TCG Algorithm Registry). */
enum cct_alg {
    CCT_ALG_ERROR = 0x0000,
    CCT_ALG_SHA1 = 0x0004,
    CCT_ALG_SHA256 = 0x000B,
    CCT_ALG_SHA384 = 0x000C,
    CCT_ALG_SHA512 = 0x000D,
    CCT_ALG_SM3_256 = 0x0012,
};

/** Largest digest this library handles (SHA-512). */
#define CCT_MAX_DIGEST_SIZE 64

/** Digest size in bytes of a known algorithm, or 0 when unknown. */
size_t cct_alg_digest_size(uint16_t alg);

/** Lowercase name ("sha256"), or NULL when the algorithm is unknown. */
const char *cct_alg_name(uint16_t alg);

/**
 * Parse a name ("sha256", "SHA-256", "sm3_256", or a number like "0x000b").
 * Returns the TPM_ALG_ID, or CCT_ALG_ERROR when unknown.
 */
uint16_t cct_alg_from_name(const char *name);

/**
 * The default bank among the n active banks of a TPM (or any multi-bank register file): SHA-256
 * when it is active, else the first one given; SHA-256 when n is 0. The rule of the tpm platform,
 * the agent and the EFI application alike.
 */
uint16_t cct_alg_default_bank(const uint16_t *banks, size_t n);

/**
 * Whether the running OpenSSL can compute this algorithm (SM3 may be
 * missing from some builds). Returns 1 if yes, 0 if not.
 */
CCT_WUR int cct_alg_available(uint16_t alg);

/**
 * Decode standard base64 (RFC 4648, padding optional) of n characters into
 * out (at most max bytes); *len receives the decoded length. Returns 0,
 * CCT_EMALFORMED when s is not base64, CCT_ELIMIT when out is too small.
 */
CCT_WUR int cct_base64_decode(const char *s, size_t n, uint8_t *out, size_t max, size_t *len);

/** Overwrite n bytes at p with zeros in a way the compiler keeps (for secrets). */
void cct_wipe(void *p, size_t n);

#ifdef __cplusplus
}
#endif
#endif
