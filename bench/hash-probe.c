/* SPDX-License-Identifier: Apache-2.0 */
/*
 * hash-probe: the hashing a replay of a log cannot avoid, and how long this
 * machine needs for exactly that hashing.
 *
 *   hash-probe [-r REPS] LOG
 *
 * Pass 1 walks the log with the library's iterator and tallies, per bank,
 * the messages a replay must hash:
 *  - every extend hashes register || digest (2 * digest size bytes), for each
 *    bank of each event that extends (not EV_NO_ACTION, not the header);
 *  - every event whose digest the library checks against its data
 *    (cct_event_check_digest() says other than "not checked") has its data
 *    hashed once per bank.
 * Pass 2 hashes the same number of messages of the same lengths (the cost of
 * a hash depends only on the length) with two OpenSSL interfaces and keeps
 * the best of REPS runs of each:
 *  - EVP: one EVP_MD_CTX, EVP_DigestInit_ex2 + Update + Final per message;
 *  - low-level: SHA*_Init / Update / Final on a stack context.
 * Times are CPU time of the probe (CLOCK_PROCESS_CPUTIME_ID). It prints
 * key=value lines; limit_s sums, per bank, the faster of the two.
 */
/* The low-level SHA*_Init/Update/Final functions are deprecated in OpenSSL 3
 * but still the lowest-overhead way to hash; the probe wants the floor. */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <cctrusted/cctrusted.h>

#define MAX_ALGS 8
#define SMALL 65536 /* lengths below this are counted in a table */

struct bank {
    uint16_t alg;
    uint64_t *count;    /* count[len] for len < SMALL */
    uint64_t big_count; /* messages of SMALL bytes or more ... */
    uint64_t big_bytes; /* ... and their total length */
    uint64_t big_max;
    uint64_t extends, extend_bytes;
    uint64_t checked, checked_bytes;
};

static struct bank banks[MAX_ALGS];
static size_t n_banks;

static struct bank *bank_for(uint16_t alg)
{
    for (size_t i = 0; i < n_banks; i++) {
        if (banks[i].alg == alg) {
            return &banks[i];
        }
    }
    if (n_banks == MAX_ALGS) {
        return NULL;
    }
    struct bank *b = &banks[n_banks];
    b->count = calloc(SMALL, sizeof(uint64_t));
    if (b->count == NULL) {
        return NULL;
    }
    b->alg = alg;
    n_banks++;
    return b;
}

static void tally(struct bank *b, size_t len)
{
    if (len < SMALL) {
        b->count[len]++;
    } else {
        b->big_count++;
        b->big_bytes += len;
        if (len > b->big_max) {
            b->big_max = len;
        }
    }
}

/* CPU time of this process: other load on the machine does not count. */
static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/*
 * Low-level one-shot hashing on a stack context. (In OpenSSL 3 the SHA256()
 * style one-shots go through EVP_Q_digest and fetch the algorithm on every
 * call, so they are not the floor.)
 */
static int lowlevel(uint16_t alg, const uint8_t *p, size_t n, uint8_t *out)
{
    switch (alg) {
    case CCT_ALG_SHA1: {
        SHA_CTX c;
        SHA1_Init(&c);
        SHA1_Update(&c, p, n);
        SHA1_Final(out, &c);
        return 1;
    }
    case CCT_ALG_SHA256: {
        SHA256_CTX c;
        SHA256_Init(&c);
        SHA256_Update(&c, p, n);
        SHA256_Final(out, &c);
        return 1;
    }
    case CCT_ALG_SHA384: {
        SHA512_CTX c;
        SHA384_Init(&c);
        SHA384_Update(&c, p, n);
        SHA384_Final(out, &c);
        return 1;
    }
    case CCT_ALG_SHA512: {
        SHA512_CTX c;
        SHA512_Init(&c);
        SHA512_Update(&c, p, n);
        SHA512_Final(out, &c);
        return 1;
    }
    default: return 0;
    }
}

static const char *ossl_name(uint16_t alg)
{
    switch (alg) {
    case CCT_ALG_SHA1: return "SHA1";
    case CCT_ALG_SHA256: return "SHA256";
    case CCT_ALG_SHA384: return "SHA384";
    case CCT_ALG_SHA512: return "SHA512";
    case CCT_ALG_SM3_256: return "SM3";
    default: return NULL;
    }
}

/* Seconds to hash every tallied message of bank b; method 0 EVP, 1 low-level. */
static double time_bank(const struct bank *b, int method, const uint8_t *src, EVP_MD_CTX *ctx,
                        const EVP_MD *md)
{
    uint8_t out[EVP_MAX_MD_SIZE];
    unsigned int ol;
    double t0 = now();
    for (size_t len = 0; len < SMALL; len++) {
        for (uint64_t i = 0; i < b->count[len]; i++) {
            /* Vary the start so the work cannot be folded away. */
            const uint8_t *p = src + (i & 63);
            if (method == 0) {
                EVP_DigestInit_ex2(ctx, md, NULL);
                EVP_DigestUpdate(ctx, p, len);
                EVP_DigestFinal_ex(ctx, out, &ol);
            } else {
                lowlevel(b->alg, p, len, out);
            }
        }
    }
    if (b->big_count > 0) {
        /* Rare: hash big_bytes as big_count equal messages. */
        size_t each = (size_t)(b->big_bytes / b->big_count);
        for (uint64_t i = 0; i < b->big_count; i++) {
            if (method == 0) {
                EVP_DigestInit_ex2(ctx, md, NULL);
                EVP_DigestUpdate(ctx, src, each);
                EVP_DigestFinal_ex(ctx, out, &ol);
            } else {
                lowlevel(b->alg, src, each, out);
            }
        }
    }
    return now() - t0;
}

int main(int argc, char **argv)
{
    int reps = 5;
    const char *path = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-r") == 0 && i + 1 < argc) {
            char *end = NULL;
            long v = strtol(argv[++i], &end, 10);
            if (end == argv[i] || *end != '\0' || v < 1 || v > 1000) {
                fprintf(stderr, "hash-probe: -r wants 1..1000\n");
                return 1;
            }
            reps = (int)v;
        } else if (path == NULL) {
            path = argv[i];
        } else {
            fprintf(stderr, "usage: hash-probe [-r REPS] LOG\n");
            return 1;
        }
    }
    if (path == NULL) {
        fprintf(stderr, "usage: hash-probe [-r REPS] LOG\n");
        return 1;
    }

    cct_eventlog *log;
    struct cct_error err;
    cct_error_clear(&err);
    if (cct_eventlog_from_file(path, NULL, &log, &err) < 0) {
        fprintf(stderr, "hash-probe: %s: %s\n", path, err.message);
        return 1;
    }
    struct cct_event ev;
    uint64_t events = 0, checked_events = 0, max_data = 0;
    int r;
    while ((r = cct_eventlog_next(log, &ev)) > 0) {
        events++;
        enum cct_digest_check c = CCT_DIGEST_NOT_CHECKED;
        if (cct_event_check_digest(&ev, &c, NULL) < 0) {
            fprintf(stderr, "event %llu: digest check failed\n", (unsigned long long)ev.number);
            return 1;
        }
        int extends = ev.type != 3 /* EV_NO_ACTION */ && !(ev.flags & CCT_EVENT_F_HEADER) &&
                      ev.kind != CCT_REG_MRTD;
        if (c != CCT_DIGEST_NOT_CHECKED) {
            checked_events++;
            if (ev.data_len > max_data) {
                max_data = ev.data_len;
            }
        }
        for (size_t i = 0; i < ev.n_digests; i++) {
            struct bank *b = bank_for(ev.digests[i].alg);
            if (b == NULL) {
                fprintf(stderr, "hash-probe: too many banks or out of memory\n");
                return 1;
            }
            if (extends) {
                b->extends++;
                b->extend_bytes += 2u * ev.digests[i].size;
                tally(b, 2u * ev.digests[i].size);
            }
            if (c != CCT_DIGEST_NOT_CHECKED) {
                b->checked++;
                b->checked_bytes += ev.data_len;
                tally(b, ev.data_len);
            }
        }
    }
    if (r < 0) {
        fprintf(stderr, "hash-probe: %s: %s\n", path, cct_eventlog_error(log)->message);
        return 1;
    }
    cct_eventlog_free(log);

    size_t src_len = 64 + (max_data > SMALL ? max_data : SMALL);
    uint8_t *src = malloc(src_len);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (src == NULL || ctx == NULL) {
        fprintf(stderr, "hash-probe: out of memory\n");
        return 1;
    }
    for (size_t i = 0; i < src_len; i++) {
        src[i] = (uint8_t)(i * 131u + 7u);
    }

    double total[3] = { 0, 0, 0 };
    uint64_t all_bytes = 0;
    printf("events=%" PRIu64 "\nchecked_events=%" PRIu64 "\n", events, checked_events);
    for (size_t k = 0; k < n_banks; k++) {
        struct bank *b = &banks[k];
        const char *name = ossl_name(b->alg);
        EVP_MD *md = name ? EVP_MD_fetch(NULL, name, NULL) : NULL;
        if (md == NULL) {
            fprintf(stderr, "hash-probe: no OpenSSL digest for algorithm 0x%04x\n", b->alg);
            return 1;
        }
        double best[2] = { 1e30, 1e30 };
        for (int m = 0; m < 2; m++) {
            if (m == 1 && !lowlevel(b->alg, src, 0, (uint8_t[EVP_MAX_MD_SIZE]){ 0 })) {
                continue;
            }
            for (int rep = 0; rep < reps; rep++) {
                double t = time_bank(b, m, src, ctx, md);
                if (t < best[m]) {
                    best[m] = t;
                }
            }
        }
        if (best[1] > 1e29) {
            best[1] = best[0];
        }
        const char *an = cct_alg_name(b->alg);
        printf("%s_extends=%" PRIu64 "\n%s_extend_bytes=%" PRIu64 "\n", an, b->extends, an,
               b->extend_bytes);
        printf("%s_checked=%" PRIu64 "\n%s_checked_bytes=%" PRIu64 "\n", an, b->checked, an,
               b->checked_bytes);
        printf("%s_evp_s=%.6f\n%s_lowlevel_s=%.6f\n", an, best[0], an, best[1]);
        total[0] += best[0];
        total[1] += best[1];
        total[2] += best[0] < best[1] ? best[0] : best[1];
        all_bytes += b->extend_bytes + b->checked_bytes;
        EVP_MD_free(md);
        free(b->count);
    }
    printf("hash_bytes=%" PRIu64 "\n", all_bytes);
    printf("limit_evp_s=%.6f\nlimit_lowlevel_s=%.6f\n", total[0], total[1]);
    printf("limit_s=%.6f\n", total[2]);
    EVP_MD_CTX_free(ctx);
    free(src);
    return 0;
}
