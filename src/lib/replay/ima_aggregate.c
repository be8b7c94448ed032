/* SPDX-License-Identifier: Apache-2.0 */
/*
 * IMA boot_aggregate (kernel ima_crypto.c, ima_calc_boot_aggregate): the
 * hash of the boot registers, measured as the first IMA entry. The kernel
 * hashes PCR0-7; since Linux 5.8 non-SHA-1 banks also take PCR8-9. Kernels
 * that extend IMA into TDX RTMR2 hash MRTD || RTMR0 || RTMR1 || RTMR2 as
 * they stand before IMA's first extend.
 */
#include <string.h>

#include <cctrusted/ima.h>

#include "crypto/crypto.h"
#include "util/hex.h"

int cct_ima_boot_aggregate(const cct_replay *boot, enum cct_ima_aggregate how, uint16_t alg,
                           const uint8_t *mrtd, size_t mrtd_len, uint8_t *out, size_t out_size)
{
    /* 10 registers at most, plus MRTD for the TDX form. */
    uint8_t buf[11 * CCT_MAX_DIGEST_SIZE];
    size_t n = 0, ds = cct_alg_digest_size(alg);
    if (boot == NULL || out == NULL) {
        return CCT_EINVAL;
    }
    if (ds == 0) {
        return CCT_EUNSUPPORTED;
    }
    if (out_size < ds) {
        return CCT_EINVAL;
    }
    enum cct_reg_kind kind = CCT_REG_PCR;
    uint32_t first = 0, last = 7;
    switch (how) {
    case CCT_IMA_AGG_PCR0_7: break;
    case CCT_IMA_AGG_PCR0_9: last = 9; break;
    case CCT_IMA_AGG_TDX:
        if (mrtd == NULL || mrtd_len != ds) {
            return CCT_EINVAL;
        }
        memcpy(buf, mrtd, ds);
        n = ds;
        kind = CCT_REG_RTMR;
        last = 2;
        break;
    default: return CCT_EINVAL;
    }
    for (uint32_t i = first; i <= last; i++) {
        struct cct_register reg;
        int r = cct_replay_lookup(boot, kind, i, alg, &reg);
        if (r < 0) {
            return r;
        }
        memcpy(buf + n, reg.digest, ds);
        n += ds;
    }
    return cct_digest(alg, buf, n, out);
}

int cct_ima_check_boot_aggregate(const cct_replay *boot, const struct cct_event *ev,
                                 const uint8_t *mrtd, size_t mrtd_len, enum cct_ima_aggregate *how)
{
    static const char name[] = "boot_aggregate";
    if (boot == NULL || ev == NULL || how == NULL) {
        return CCT_EINVAL;
    }
    if (ev->ima_file_name == NULL || ev->ima_file_name_len != sizeof(name) - 1 ||
        memcmp(ev->ima_file_name, name, sizeof(name) - 1) != 0 || ev->ima_file_digest == NULL) {
        return CCT_ENOTFOUND;
    }
    uint16_t alg = ev->ima_file_alg;
    size_t ds = cct_alg_digest_size(alg);
    if (ds == 0 || ds != ev->ima_file_digest_len) {
        return CCT_EUNSUPPORTED;
    }
    static const enum cct_ima_aggregate order[] = { CCT_IMA_AGG_PCR0_7, CCT_IMA_AGG_PCR0_9,
                                                    CCT_IMA_AGG_TDX };
    for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
        uint8_t d[CCT_MAX_DIGEST_SIZE];
        if (order[i] == CCT_IMA_AGG_TDX && (mrtd == NULL || mrtd_len != ds)) {
            continue;
        }
        int r = cct_ima_boot_aggregate(boot, order[i], alg, mrtd, mrtd_len, d, sizeof(d));
        if (r < 0) {
            return r;
        }
        if (cct_memeq_ct(d, ev->ima_file_digest, ds)) {
            *how = order[i];
            return 0;
        }
    }
    return CCT_EVERIFY;
}
