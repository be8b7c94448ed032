/* SPDX-License-Identifier: Apache-2.0 */
/*
 * TCG CEL TLV records, writing side (see tlv.h for the layout and the spec
 * reference). The one CEL TLV parser is cct_cel_next() in cel.c.
 */
#include "formats/cel/tlv.h"
#include "formats/tcg/tcg.h"
#include "util/error.h"

int cct_cel_tlv_head(struct cct_buf *b, uint8_t type, size_t n)
{
    uint8_t h[CCT_CEL_TLV_HEADER] = { type, (uint8_t)(n >> 24), (uint8_t)(n >> 16),
                                      (uint8_t)(n >> 8), (uint8_t)n };
    if (n > UINT32_MAX) {
        return CCT_ELIMIT;
    }
    return cct_buf_append(b, h, sizeof(h));
}

int cct_cel_tlv_uint(struct cct_buf *b, uint8_t type, uint64_t v, size_t width)
{
    uint8_t x[8];
    for (size_t i = 0; i < width; i++) {
        x[i] = (uint8_t)(v >> (8 * (width - 1 - i)));
    }
    int r = cct_cel_tlv_head(b, type, width);
    return r < 0 ? r : cct_buf_append(b, x, width);
}

int cct_cel_tlv_bytes(struct cct_buf *b, uint8_t type, const uint8_t *p, size_t n)
{
    int r = cct_cel_tlv_head(b, type, n);
    return r < 0 ? r : cct_buf_append(b, p, n);
}

int cct_cel_tlv_encode(struct cct_buf *b, uint64_t recnum, enum cct_reg_kind kind, uint32_t index,
                       uint16_t alg, const uint8_t *digest, size_t size, uint32_t event_type,
                       const uint8_t *data, size_t data_len, int mgt, size_t *type_at)
{
    size_t start = b->len;
    if (alg > 0xFF || size > CCT_MAX_DIGEST_SIZE || data_len > CCT_MAX_EVENT_SIZE) {
        return CCT_EINVAL;
    }
    int r = cct_cel_tlv_uint(b, CCT_CEL_T_RECNUM, recnum, 8);
    if (r == 0) {
        if (kind == CCT_REG_PCR) {
            r = cct_cel_tlv_uint(b, CCT_CEL_T_PCR, index, 4);
        } else {
            r = cct_cel_tlv_uint(b, CCT_CEL_T_CCMR, kind == CCT_REG_MRTD ? 0 : (uint64_t)index + 1,
                                 4);
        }
    }
    if (r == 0) {
        r = cct_cel_tlv_head(b, CCT_CEL_T_DIGESTS, CCT_CEL_TLV_HEADER + size);
    }
    if (r == 0) {
        r = cct_cel_tlv_head(b, (uint8_t)alg, size);
    }
    if (r == 0) {
        r = cct_buf_append(b, digest, size);
    }
    if (r == 0 && type_at != NULL) {
        *type_at = b->len - start;
    }
    if (r == 0) {
        r = cct_cel_tlv_head(b, mgt ? CCT_CEL_MGT : CCT_CEL_PCCLIENT_STD,
                             CCT_CEL_TLV_HEADER + 4 + CCT_CEL_TLV_HEADER + data_len);
    }
    if (r == 0) {
        r = cct_cel_tlv_uint(b, CCT_CEL_PCCLIENT_EVENT_TYPE, event_type, 4);
    }
    if (r == 0) {
        r = cct_cel_tlv_head(b, CCT_CEL_PCCLIENT_EVENT_DATA, data_len);
    }
    if (r == 0 && data_len > 0) {
        r = cct_buf_append(b, data, data_len);
    }
    return r;
}
