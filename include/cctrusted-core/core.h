/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libcctrusted-core: the freestanding core of libcctrusted (event-log
 * parsers for TCG2, TCG 1.2, CCEL and CEL-TLV logs, the streaming event-log
 * iterator of <cctrusted/eventlog.h> and the replay of <cctrusted/replay.h>)
 * for programs without an operating system, such as UEFI applications.
 *
 * The core uses no libc allocation, no stdio and no OpenSSL: the embedder
 * gives it an allocator and a table of hash functions with cct_core_init()
 * before any other call. The functions of the hosted headers then behave as
 * in libcctrusted, built from the same sources, with these differences:
 *  - cct_eventlog_from_file() returns CCT_EUNSUPPORTED (no files: hand the
 *    log over in memory with cct_eventlog_from_memory());
 *  - CEL-JSON and CEL-CBOR logs are not recognised (they need json-c and
 *    libcbor), nor are algorithms without an entry in the hash table;
 *  - memory handed back by the core (cct_free()) goes to the allocator.
 *
 * Threads: the environment is one per program, set once before the first
 * call and never changed while a core object exists; the objects follow the
 * rules of their hosted headers.
 */
#ifndef CCTRUSTED_CORE_H
#define CCTRUSTED_CORE_H

#include <stddef.h>
#include <stdint.h>

#include <cctrusted/algorithm.h>
#include <cctrusted/error.h>
#include <cctrusted/eventlog.h>
#include <cctrusted/replay.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Version of struct cct_core_env understood by this header. */
#define CCT_CORE_ENV_VERSION 1u

/** Largest number of entries of the hash table. */
#define CCT_CORE_MAX_HASHES 8

/**
 * Memory for the core. alloc returns size bytes aligned for any object, or
 * NULL; release takes back a block of alloc together with the size asked for
 * it (allocators that keep sizes may ignore it). The core adds a small header
 * to each block so that it never needs a resize.
 */
struct cct_core_allocator {
    void *ctx;
    void *(*alloc)(void *ctx, size_t size);
    void (*release)(void *ctx, void *p, size_t size);
};

/**
 * One hash algorithm: digest2 writes H(a || b) (b may be NULL when blen is
 * 0) in cct_alg_digest_size(alg) bytes to out and returns 0, or a negative
 * CCT_E* code.
 */
struct cct_core_hash {
    uint16_t alg; /* CCT_ALG_* */
    void *ctx;
    int (*digest2)(void *ctx, uint16_t alg, const void *a, size_t alen, const void *b, size_t blen,
                   uint8_t *out);
};

/** The environment of the core; cct_core_init() copies it. */
struct cct_core_env {
    unsigned version; /* CCT_CORE_ENV_VERSION */
    struct cct_core_allocator allocator;
    size_t n_hashes;
    struct cct_core_hash hashes[CCT_CORE_MAX_HASHES];
};

/**
 * Set the environment of the core. Returns 0, or CCT_EINVAL when env is NULL,
 * of another version, lacks an allocator function, or lists more than
 * CCT_CORE_MAX_HASHES hashes, a hash without a function, an algorithm the
 * library does not know, or one algorithm twice. Until it succeeds every
 * allocation of the core fails (CCT_ENOMEM) and every hash is unsupported.
 */
CCT_WUR int cct_core_init(const struct cct_core_env *env);

/**
 * The core's own SHA-1, SHA-256, SHA-384 and SHA-512 (FIPS 180-4), for
 * embedders without a hash service; ctx is unused. Same contract as
 * struct cct_core_hash's digest2; CCT_EUNSUPPORTED for other algorithms.
 */
CCT_WUR int cct_core_sha_digest2(void *ctx, uint16_t alg, const void *a, size_t alen, const void *b,
                                 size_t blen, uint8_t *out);

/**
 * Append the core's own hashes (SHA-1, SHA-256, SHA-384, SHA-512 through
 * cct_core_sha_digest2()) to env->hashes, skipping algorithms already
 * listed. Returns 0 or CCT_ELIMIT when the table is full.
 */
CCT_WUR int cct_core_env_add_builtin_hashes(struct cct_core_env *env);

#ifdef __cplusplus
}
#endif
#endif
