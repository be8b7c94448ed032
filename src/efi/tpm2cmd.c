/* SPDX-License-Identifier: Apache-2.0 */
#include "tpm2cmd.h"

#include <string.h>

#define TPM_ST_NO_SESSIONS 0x8001u
#define TPM_ST_SESSIONS 0x8002u
#define TPM_CC_CREATE_PRIMARY 0x131u
#define TPM_CC_QUOTE 0x158u
#define TPM_CC_FLUSH_CONTEXT 0x165u
#define TPM_CC_PCR_READ 0x17eu
#define TPM_RH_ENDORSEMENT 0x4000000bu
#define TPM_RS_PW 0x40000009u
#define TPM_ALG_ECC 0x0023u
#define TPM_ALG_SHA256 0x000bu
#define TPM_ALG_NULL 0x0010u
#define TPM_ALG_ECDSA 0x0018u
#define TPM_ECC_NIST_P256 0x0003u
/* TPMA_OBJECT (Part 2, 8.3): fixedTPM, fixedParent, sensitiveDataOrigin,
 * userWithAuth, restricted, sign. */
#define AK_ATTRIBUTES (0x2u | 0x10u | 0x20u | 0x40u | 0x10000u | 0x40000u)

static void put8(struct tpm2_buf *c, uint8_t v)
{
    if (c->len < sizeof(c->b)) {
        c->b[c->len++] = v;
    } else {
        c->overflow = 1;
    }
}

static void put16(struct tpm2_buf *c, uint16_t v)
{
    put8(c, (uint8_t)(v >> 8));
    put8(c, (uint8_t)v);
}

static void put32(struct tpm2_buf *c, uint32_t v)
{
    put16(c, (uint16_t)(v >> 16));
    put16(c, (uint16_t)v);
}

static void put_bytes(struct tpm2_buf *c, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        put8(c, p[i]);
    }
}

/* Header with a size patched in by finish(). */
static void start(struct tpm2_buf *c, uint16_t tag, uint32_t cc)
{
    memset(c, 0, sizeof(*c));
    put16(c, tag);
    put32(c, 0);
    put32(c, cc);
}

static void finish(struct tpm2_buf *c)
{
    uint32_t n = (uint32_t)c->len;
    c->b[2] = (uint8_t)(n >> 24);
    c->b[3] = (uint8_t)(n >> 16);
    c->b[4] = (uint8_t)(n >> 8);
    c->b[5] = (uint8_t)n;
}

/* Password session with an empty password (Part 1, 19.8.4). */
static void pw_session(struct tpm2_buf *c)
{
    put32(c, 9);         /* authorizationSize */
    put32(c, TPM_RS_PW); /* sessionHandle */
    put16(c, 0);         /* nonce */
    put8(c, 0);          /* sessionAttributes */
    put16(c, 0);         /* hmac */
}

/* TPML_PCR_SELECTION with one bank, 3 select bytes (PCR 0-23). */
static void pcr_selection(struct tpm2_buf *c, uint16_t alg, uint32_t mask)
{
    put32(c, 1);
    put16(c, alg);
    put8(c, 3);
    put8(c, (uint8_t)mask);
    put8(c, (uint8_t)(mask >> 8));
    put8(c, (uint8_t)(mask >> 16));
}

void tpm2_cmd_pcr_read(struct tpm2_buf *c, uint16_t alg, uint32_t mask)
{
    start(c, TPM_ST_NO_SESSIONS, TPM_CC_PCR_READ);
    pcr_selection(c, alg, mask);
    finish(c);
}

static uint32_t bits_set(uint32_t v)
{
    uint32_t n = 0;
    for (; v != 0; v &= v - 1) {
        n++;
    }
    return n;
}

/* --- responses: a bounds-checked cursor --- */

struct rd {
    const uint8_t *p;
    size_t left;
};

static int get16(struct rd *r, uint16_t *v)
{
    if (r->left < 2) {
        return -1;
    }
    *v = (uint16_t)(r->p[0] << 8 | r->p[1]);
    r->p += 2;
    r->left -= 2;
    return 0;
}

static int get32(struct rd *r, uint32_t *v)
{
    uint16_t hi, lo;
    if (r->left < 4 || get16(r, &hi) < 0 || get16(r, &lo) < 0) {
        return -1;
    }
    *v = (uint32_t)hi << 16 | lo;
    return 0;
}

static int skip(struct rd *r, size_t n)
{
    if (r->left < n) {
        return -1;
    }
    r->p += n;
    r->left -= n;
    return 0;
}

/* A TPM2B: view including its size field. */
static int tpm2b(struct rd *r, const uint8_t **p, size_t *n)
{
    const uint8_t *at = r->p;
    uint16_t sz;
    if (get16(r, &sz) < 0 || skip(r, sz) < 0) {
        return -1;
    }
    if (p != NULL) {
        *p = at;
        *n = (size_t)sz + 2;
    }
    return 0;
}

/* Header: tag, size (must equal len), response code; 1 when the code is not success. */
static int header(struct rd *r, const uint8_t *p, size_t len, uint32_t *rc)
{
    uint16_t tag;
    uint32_t size;
    r->p = p;
    r->left = len;
    if (get16(r, &tag) < 0 || get32(r, &size) < 0 || get32(r, rc) < 0 || size != len ||
        (tag != TPM_ST_NO_SESSIONS && tag != TPM_ST_SESSIONS)) {
        return -1;
    }
    return *rc != 0 ? 1 : 0;
}

int tpm2_rsp_code(const uint8_t *r, size_t len, uint32_t *rc)
{
    struct rd d;
    return header(&d, r, len, rc) < 0 ? -1 : 0;
}

int tpm2_rsp_pcr_read(const uint8_t *p, size_t len, uint16_t alg, size_t size, uint8_t *out,
                      size_t max_digests, uint32_t *got, uint32_t *rc)
{
    struct rd r;
    uint32_t counter, nsel, ndig;
    if (header(&r, p, len, rc) != 0 || get32(&r, &counter) < 0 || get32(&r, &nsel) < 0 ||
        nsel > 1) {
        return -1;
    }
    uint32_t mask = 0;
    if (nsel == 1) {
        uint16_t a;
        if (get16(&r, &a) < 0 || a != alg || r.left < 1 || r.p[0] > 4 || r.left < 1u + r.p[0]) {
            return -1;
        }
        for (uint8_t i = 0; i < r.p[0] && i < 3; i++) {
            mask |= (uint32_t)r.p[1 + i] << (8 * i);
        }
        if (skip(&r, 1u + r.p[0]) < 0) {
            return -1;
        }
    }
    if (get32(&r, &ndig) < 0 || ndig != bits_set(mask) || ndig > max_digests) {
        return -1;
    }
    for (uint32_t i = 0; i < ndig; i++) {
        uint16_t sz;
        if (get16(&r, &sz) < 0 || sz != size || r.left < sz) {
            return -1;
        }
        memcpy(out + i * size, r.p, sz);
        r.p += sz;
        r.left -= sz;
    }
    if (r.left != 0) {
        return -1;
    }
    *got = mask;
    return 0;
}

void tpm2_cmd_create_primary_ak(struct tpm2_buf *c)
{
    start(c, TPM_ST_SESSIONS, TPM_CC_CREATE_PRIMARY);
    put32(c, TPM_RH_ENDORSEMENT);
    pw_session(c);
    /* inSensitive: TPM2B_SENSITIVE_CREATE { userAuth = {}, data = {} } */
    put16(c, 4);
    put16(c, 0);
    put16(c, 0);
    /* inPublic: TPM2B_PUBLIC { TPMT_PUBLIC } of 24 bytes */
    put16(c, 24);
    put16(c, TPM_ALG_ECC);
    put16(c, TPM_ALG_SHA256);
    put32(c, AK_ATTRIBUTES);
    put16(c, 0);              /* authPolicy */
    put16(c, TPM_ALG_NULL);   /* symmetric */
    put16(c, TPM_ALG_ECDSA);  /* scheme */
    put16(c, TPM_ALG_SHA256); /* scheme hash */
    put16(c, TPM_ECC_NIST_P256);
    put16(c, TPM_ALG_NULL); /* kdf */
    put16(c, 0);            /* unique.x */
    put16(c, 0);            /* unique.y */
    put16(c, 0);            /* outsideInfo */
    put32(c, 0);            /* creationPCR: no selection */
    finish(c);
}

int tpm2_rsp_create_primary(const uint8_t *p, size_t len, uint32_t *handle, const uint8_t **pub,
                            size_t *pub_len, uint32_t *rc)
{
    struct rd r;
    uint32_t param_size;
    if (header(&r, p, len, rc) != 0 || get32(&r, handle) < 0 || get32(&r, &param_size) < 0 ||
        param_size > r.left || tpm2b(&r, pub, pub_len) < 0) {
        return -1;
    }
    return 0;
}

void tpm2_cmd_quote(struct tpm2_buf *c, uint32_t handle, uint16_t alg, uint32_t mask,
                    const uint8_t *nonce, size_t nonce_len)
{
    start(c, TPM_ST_SESSIONS, TPM_CC_QUOTE);
    put32(c, handle);
    pw_session(c);
    put16(c, (uint16_t)nonce_len);
    put_bytes(c, nonce, nonce_len);
    put16(c, TPM_ALG_NULL); /* inScheme: the key's own */
    pcr_selection(c, alg, mask);
    finish(c);
}

int tpm2_rsp_quote(const uint8_t *p, size_t len, const uint8_t **attest, size_t *attest_len,
                   const uint8_t **sig, size_t *sig_len, uint32_t *rc)
{
    struct rd r;
    uint32_t param_size;
    uint16_t sig_alg, hash;
    if (header(&r, p, len, rc) != 0 || get32(&r, &param_size) < 0 || param_size > r.left ||
        tpm2b(&r, attest, attest_len) < 0) {
        return -1;
    }
    /* TPMT_SIGNATURE for ECDSA: sigAlg, hash, r, s */
    const uint8_t *s = r.p;
    if (get16(&r, &sig_alg) < 0 || sig_alg != TPM_ALG_ECDSA || get16(&r, &hash) < 0 ||
        tpm2b(&r, NULL, NULL) < 0 || tpm2b(&r, NULL, NULL) < 0) {
        return -1;
    }
    *sig = s;
    *sig_len = (size_t)(r.p - s);
    return 0;
}

void tpm2_cmd_flush(struct tpm2_buf *c, uint32_t handle)
{
    start(c, TPM_ST_NO_SESSIONS, TPM_CC_FLUSH_CONTEXT);
    put32(c, handle);
    finish(c);
}
