/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Core environment for hosted tests as firmware would give it: a fixed
 * arena (no libc allocation) and the core's own SHA code, set before main()
 * runs, so that the unit tests of tests/unit run unchanged against it.
 *
 * The arena hands out blocks from one static buffer and starts over once
 * every block has come back; it checks that each block comes back once and
 * with the size it was given, and aborts otherwise.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cctrusted-core/core.h>

#define ARENA_SIZE (64u << 20)

struct arena {
    _Alignas(16) uint8_t mem[ARENA_SIZE];
    size_t top;
    size_t live;
};

static struct arena arena;

/* Each block starts with its size and a tag, 16 bytes in all. */
#define TAG 0x61726e61u

static void *arena_alloc(void *ctx, size_t size)
{
    struct arena *a = ctx;
    size_t need = 16 + ((size + 15) & ~(size_t)15);
    if (size > ARENA_SIZE || need > ARENA_SIZE - a->top) {
        return NULL;
    }
    uint8_t *p = a->mem + a->top;
    uint64_t hdr[2] = { size, TAG };
    __builtin_memcpy(p, hdr, sizeof(hdr));
    a->top += need;
    a->live++;
    return p + 16;
}

static void arena_release(void *ctx, void *p, size_t size)
{
    struct arena *a = ctx;
    uint64_t hdr[2];
    uint8_t *b = (uint8_t *)p - 16;
    if (b < a->mem || b >= a->mem + a->top || a->live == 0) {
        fprintf(stderr, "arena: release of a block it never gave\n");
        abort();
    }
    __builtin_memcpy(hdr, b, sizeof(hdr));
    if (hdr[1] != TAG || hdr[0] != size) {
        fprintf(stderr, "arena: block released twice or with a wrong size\n");
        abort();
    }
    hdr[1] = 0;
    __builtin_memcpy(b, hdr, sizeof(hdr));
    if (--a->live == 0) {
        a->top = 0;
    }
}

__attribute__((constructor)) static void setup_core(void)
{
    struct cct_core_env env = { .version = CCT_CORE_ENV_VERSION,
                                .allocator = { &arena, arena_alloc, arena_release } };
    if (cct_core_env_add_builtin_hashes(&env) != 0 || cct_core_init(&env) != 0) {
        fprintf(stderr, "core environment (arena + own SHA) refused\n");
        exit(1);
    }
}
