/* SPDX-License-Identifier: Apache-2.0 */
#include "logbuilder.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

static void die(const char *what)
{
    fprintf(stderr, "logbuilder: %s\n", what);
    abort();
}

void lb_init(struct lb *b)
{
    memset(b, 0, sizeof(*b));
}

void lb_free(struct lb *b)
{
    free(b->p);
    memset(b, 0, sizeof(*b));
}

void lb_bytes(struct lb *b, const void *p, size_t n)
{
    if (b->cap - b->len < n) {
        size_t ncap = b->cap ? b->cap : 256;
        while (ncap - b->len < n) {
            ncap *= 2;
        }
        uint8_t *q = realloc(b->p, ncap);
        if (q == NULL) {
            die("out of memory");
        }
        b->p = q;
        b->cap = ncap;
    }
    if (n > 0) {
        memcpy(b->p + b->len, p, n);
    }
    b->len += n;
}

void lb_fill(struct lb *b, uint8_t byte, size_t n)
{
    uint8_t chunk[256];
    memset(chunk, byte, sizeof(chunk));
    while (n > 0) {
        size_t k = n < sizeof(chunk) ? n : sizeof(chunk);
        lb_bytes(b, chunk, k);
        n -= k;
    }
}

void lb_u8(struct lb *b, uint8_t v)
{
    lb_bytes(b, &v, 1);
}

void lb_u16(struct lb *b, uint16_t v)
{
    uint8_t x[2] = { (uint8_t)v, (uint8_t)(v >> 8) };
    lb_bytes(b, x, 2);
}

void lb_u32(struct lb *b, uint32_t v)
{
    uint8_t x[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
    lb_bytes(b, x, 4);
}

void lb_u64(struct lb *b, uint64_t v)
{
    lb_u32(b, (uint32_t)v);
    lb_u32(b, (uint32_t)(v >> 32));
}

static const char *md_name(uint16_t alg)
{
    switch (alg) {
    case 0x0004: return "SHA1";
    case 0x000B: return "SHA256";
    case 0x000C: return "SHA384";
    case 0x000D: return "SHA512";
    case 0x0012: return "SM3";
    default: return NULL;
    }
}

size_t lb_alg_size(uint16_t alg)
{
    switch (alg) {
    case 0x0004: return 20;
    case 0x000B: return 32;
    case 0x000C: return 48;
    case 0x000D: return 64;
    case 0x0012: return 32;
    default: return 0;
    }
}

size_t lb_hash2(uint16_t alg, const void *a, size_t alen, const void *b2, size_t blen, uint8_t *out)
{
    const char *name = md_name(alg);
    if (name == NULL) {
        return 0;
    }
    EVP_MD *md = EVP_MD_fetch(NULL, name, NULL);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    unsigned int n = 0;
    if (md == NULL || ctx == NULL || !EVP_DigestInit_ex(ctx, md, NULL) ||
        !EVP_DigestUpdate(ctx, a, alen) || !EVP_DigestUpdate(ctx, b2, blen) ||
        !EVP_DigestFinal_ex(ctx, out, &n)) {
        n = 0;
    }
    EVP_MD_CTX_free(ctx);
    EVP_MD_free(md);
    return n;
}

size_t lb_hash(uint16_t alg, const void *p, size_t n, uint8_t *out)
{
    return lb_hash2(alg, p, n, "", 0, out);
}

static void begin_record(struct lb *b)
{
    if (b->n_records == LB_MAX_RECORDS) {
        die("too many records");
    }
    b->start[b->n_records++] = b->len;
}

void lb_specid_data(struct lb *data, const uint16_t *algs, const uint16_t *sizes, uint32_t n,
                    const uint8_t *vendor, uint8_t vlen, size_t trailing)
{
    static const char sig[16] = "Spec ID Event03";
    lb_bytes(data, sig, 16);
    lb_u32(data, 0); /* platformClass: client */
    lb_u8(data, 0);  /* specVersionMinor */
    lb_u8(data, 2);  /* specVersionMajor */
    lb_u8(data, 0);  /* specErrata */
    lb_u8(data, 2);  /* uintnSize: 64-bit */
    lb_u32(data, n);
    for (uint32_t i = 0; i < n; i++) {
        lb_u16(data, algs[i]);
        lb_u16(data, sizes[i]);
    }
    lb_u8(data, vlen);
    lb_bytes(data, vendor, vlen);
    lb_fill(data, 0, trailing);
}

void lb_legacy(struct lb *b, uint32_t pcr, uint32_t type, const uint8_t *digest, const void *data,
               size_t len)
{
    uint8_t d[20];
    if (digest == NULL) {
        lb_hash(0x0004, data, len, d);
        digest = d;
    }
    begin_record(b);
    lb_u32(b, pcr);
    lb_u32(b, type);
    lb_bytes(b, digest, 20);
    lb_u32(b, (uint32_t)len);
    lb_bytes(b, data, len);
}

void lb_header(struct lb *b, uint32_t pcr, const uint16_t *algs, uint32_t n)
{
    struct lb data;
    uint16_t sizes[16];
    static const uint8_t zero20[20];
    if (n > 16) {
        die("too many algorithms");
    }
    for (uint32_t i = 0; i < n; i++) {
        sizes[i] = (uint16_t)lb_alg_size(algs[i]);
    }
    lb_init(&data);
    lb_specid_data(&data, algs, sizes, n, NULL, 0, 0);
    lb_legacy(b, pcr, 3 /* EV_NO_ACTION */, zero20, data.p, data.len);
    lb_free(&data);
}

void lb_event2_digests(struct lb *b, uint32_t pcr, uint32_t type, const uint16_t *algs, uint32_t n,
                       const uint8_t *const *digests, const void *data, size_t len)
{
    begin_record(b);
    lb_u32(b, pcr);
    lb_u32(b, type);
    lb_u32(b, n);
    for (uint32_t i = 0; i < n; i++) {
        uint8_t d[64];
        size_t sz = lb_alg_size(algs[i]);
        if (sz == 0) {
            sz = 32; /* unknown algorithm: write 32 bytes */
        }
        if (digests != NULL) {
            memcpy(d, digests[i], sz);
        } else if (lb_hash(algs[i], data, len, d) == 0) {
            memset(d, 0xAB, sz);
        }
        lb_u16(b, algs[i]);
        lb_bytes(b, d, sz);
    }
    lb_u32(b, (uint32_t)len);
    lb_bytes(b, data, len);
}

void lb_event2(struct lb *b, uint32_t pcr, uint32_t type, const uint16_t *algs, uint32_t n,
               const void *data, size_t len)
{
    lb_event2_digests(b, pcr, type, algs, n, NULL, data, len);
}

char *lb_write_tmp(const struct lb *b)
{
    char *path = strdup("/tmp/cct-unit-XXXXXX");
    if (path == NULL) {
        die("out of memory");
    }
    int fd = mkstemp(path);
    if (fd < 0) {
        die("mkstemp");
    }
    size_t off = 0;
    while (off < b->len) {
        ssize_t w = write(fd, b->p + off, b->len - off);
        if (w <= 0) {
            die("write");
        }
        off += (size_t)w;
    }
    close(fd);
    return path;
}
