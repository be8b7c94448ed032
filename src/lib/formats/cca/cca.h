/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internal rules of the CCA token format shared by the platform backend and
 * the verifier.
 */
#ifndef CCT_FORMATS_CCA_H
#define CCT_FORMATS_CCA_H

#include <stddef.h>
#include <stdint.h>

/*
 * The algorithm of a hash-algorithm claim of a CCA token (realm hash
 * algorithm, RAK hash algorithm): the IANA Named Information names
 * "sha-256", "sha-384" and "sha-512", exactly; CCT_ALG_ERROR for anything
 * else (or NULL).
 */
uint16_t cct__cca_hash_alg(const char *s, size_t n);

#endif
