/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The core's environment: the allocator and hash table given by the
 * embedder (include/cctrusted-core/core.h), and the libc allocation calls of
 * the shared sources mapped onto it (core/port.h).
 *
 * This is the one mutable global of the core, on purpose: a firmware
 * program has one environment, set once before any object exists, and the
 * shared sources (which call malloc and free without a context) need not
 * change to reach it. The hosted library never compiles this file.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cctrusted-core/core.h>

#include "core/core_internal.h"

static struct cct_core_env core_env;
static int core_ready;

int cct_core_init(const struct cct_core_env *env)
{
    if (env == NULL || env->version != CCT_CORE_ENV_VERSION || env->allocator.alloc == NULL ||
        env->allocator.release == NULL || env->n_hashes > CCT_CORE_MAX_HASHES) {
        return CCT_EINVAL;
    }
    for (size_t i = 0; i < env->n_hashes; i++) {
        if (env->hashes[i].digest2 == NULL || cct_alg_digest_size(env->hashes[i].alg) == 0) {
            return CCT_EINVAL;
        }
        for (size_t k = 0; k < i; k++) {
            if (env->hashes[k].alg == env->hashes[i].alg) {
                return CCT_EINVAL;
            }
        }
    }
    core_env = *env;
    core_ready = 1;
    return 0;
}

const struct cct_core_hash *cct_core_find_hash(uint16_t alg)
{
    for (size_t i = 0; core_ready && i < core_env.n_hashes; i++) {
        if (core_env.hashes[i].alg == alg) {
            return &core_env.hashes[i];
        }
    }
    return NULL;
}

/*
 * Every block starts with a header holding the size asked for, so that
 * realloc can copy and release can hand the size back. 16 bytes keep the
 * caller's alignment for any object.
 */
#define HDR 16u

void *cct_core_malloc(size_t size)
{
    if (!core_ready || size > SIZE_MAX - HDR) {
        return NULL;
    }
    uint8_t *p = core_env.allocator.alloc(core_env.allocator.ctx, size + HDR);
    if (p == NULL) {
        return NULL;
    }
    memcpy(p, &size, sizeof(size));
    return p + HDR;
}

void *cct_core_calloc(size_t n, size_t size)
{
    if (size != 0 && n > SIZE_MAX / size) {
        return NULL;
    }
    void *p = cct_core_malloc(n * size);
    if (p != NULL) {
        memset(p, 0, n * size);
    }
    return p;
}

static size_t block_size(const void *p)
{
    size_t n;
    memcpy(&n, (const uint8_t *)p - HDR, sizeof(n));
    return n;
}

void cct_core_free(void *p)
{
    if (p == NULL || !core_ready) {
        return;
    }
    uint8_t *b = (uint8_t *)p - HDR;
    core_env.allocator.release(core_env.allocator.ctx, b, block_size(p) + HDR);
}

void *cct_core_realloc(void *p, size_t size)
{
    if (p == NULL) {
        return cct_core_malloc(size);
    }
    size_t old = block_size(p);
    if (size <= old) {
        return p;
    }
    void *q = cct_core_malloc(size);
    if (q == NULL) {
        return NULL; /* p stays valid, as with realloc */
    }
    memcpy(q, p, old);
    cct_core_free(p);
    return q;
}

const char *cct_core_strerror(int e)
{
    (void)e;
    return "system error";
}
