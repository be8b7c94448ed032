/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A program linked with -nostdlib against libcctrusted-core.a and nothing
 * else (x86-64 Linux system calls are its only outside world): it reads an
 * event log on stdin into a fixed buffer, replays it with a fixed arena and
 * the core's own SHA code, and prints one line per register in the format of
 * `cctrusted replay --expect` ("PCR0 sha256 <hex>"). On a bad log it prints
 * "error: <message> (event E, offset O)" and exits 2. The link itself proves
 * the core needs no libc; freestanding.py checks the values against hashlib.
 */
#include <stddef.h>
#include <stdint.h>

#include <cctrusted-core/core.h>

static long sys3(long n, long a, long b, long c)
{
    long r;
    __asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
    return r;
}

static void put(const char *s, size_t n)
{
    while (n > 0) {
        long w = sys3(1, 1, (long)s, (long)n); /* write(1, ...) */
        if (w <= 0) {
            return;
        }
        s += w;
        n -= (size_t)w;
    }
}

static void puts0(const char *s)
{
    size_t n = 0;
    while (s[n] != '\0') {
        n++;
    }
    put(s, n);
}

static void putu(uint64_t v)
{
    char b[24];
    size_t i = sizeof(b);
    do {
        b[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    put(b + i, sizeof(b) - i);
}

static __attribute__((noreturn)) void leave(int code)
{
    sys3(231, code, 0, 0); /* exit_group */
    for (;;) {
    }
}

#define LOG_MAX (8u << 20)
#define ARENA_SIZE (1u << 20)
static uint8_t log_buf[LOG_MAX];
static _Alignas(16) uint8_t arena[ARENA_SIZE];
static size_t arena_top;

static void *arena_alloc(void *ctx, size_t size)
{
    (void)ctx;
    size_t need = (size + 15) & ~(size_t)15;
    if (size > ARENA_SIZE || need > ARENA_SIZE - arena_top) {
        return NULL;
    }
    void *p = arena + arena_top;
    arena_top += need;
    return p;
}

static void arena_release(void *ctx, void *p, size_t size)
{
    (void)ctx, (void)p, (void)size; /* the program ends soon after */
}

static void fail(const struct cct_error *e, int code)
{
    puts0("error: ");
    puts0(e && e->message[0] ? e->message : cct_strerror(code));
    if (e && e->event >= 0) {
        puts0(" (event ");
        putu((uint64_t)e->event);
        puts0(", offset ");
        putu((uint64_t)e->offset);
        puts0(")");
    }
    puts0("\n");
    leave(2);
}

static int run(void)
{
    size_t len = 0;
    for (;;) {
        long r = sys3(0, 0, (long)(log_buf + len), (long)(LOG_MAX - len)); /* read(0, ...) */
        if (r < 0) {
            return 3;
        }
        if (r == 0) {
            break;
        }
        len += (size_t)r;
        if (len == LOG_MAX) {
            return 3;
        }
    }
    struct cct_core_env env = { .version = CCT_CORE_ENV_VERSION,
                                .allocator = { NULL, arena_alloc, arena_release } };
    if (cct_core_env_add_builtin_hashes(&env) != 0 || cct_core_init(&env) != 0) {
        return 4;
    }
    struct cct_error err;
    cct_error_clear(&err);
    cct_eventlog *log = NULL;
    cct_replay *rp = NULL;
    int r = cct_eventlog_from_memory(log_buf, len, NULL, &log, &err);
    if (r < 0) {
        fail(&err, r);
    }
    r = cct_replay_new(NULL, &rp);
    if (r < 0) {
        fail(NULL, r);
    }
    struct cct_event ev;
    while ((r = cct_eventlog_next(log, &ev)) == 1) {
        r = cct_replay_event(rp, &ev);
        if (r < 0) {
            fail(NULL, r);
        }
    }
    if (r < 0) {
        fail(cct_eventlog_error(log), r);
    }
    r = cct_replay_finish(rp);
    if (r < 0) {
        fail(NULL, r);
    }
    for (size_t i = 0; i < cct_replay_count(rp); i++) {
        struct cct_register g;
        static const char hx[] = "0123456789abcdef";
        if (cct_replay_get(rp, i, &g) < 0) {
            return 5;
        }
        puts0(g.kind == CCT_REG_RTMR ? "RTMR" : g.kind == CCT_REG_PCR ? "PCR" : "MR");
        putu(g.index);
        puts0(" ");
        puts0(cct_alg_name(g.alg));
        puts0(" ");
        for (size_t k = 0; k < g.size; k++) {
            char c[2] = { hx[g.digest[k] >> 4], hx[g.digest[k] & 15] };
            put(c, 2);
        }
        puts0("\n");
    }
    cct_replay_free(rp);
    cct_eventlog_free(log);
    return 0;
}

/* The process entry: the stack is 16-byte aligned here, not as after a call. */
__attribute__((force_align_arg_pointer, noreturn)) void _start(void)
{
    leave(run());
}
