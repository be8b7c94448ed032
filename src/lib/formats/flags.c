/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Names of flag bits in reports (include/cctrusted/report.h, cct_flag_names):
 *   TDX TDATTRIBUTES (Intel TDX Module ABI, "TD Attributes"), XFAM (XSAVE feature
 *   bits, Intel SDM vol. 1 13.1), SEV-SNP guest POLICY and PLATFORM_INFO (SEV-SNP
 *   ABI, "Guest Policy" and "ATTESTATION_REPORT" tables).
 */
#include <stddef.h>
#include <stdint.h>

#include <cctrusted/report.h>

struct bit {
    unsigned bit;
    const char *name;
};

static const struct bit td_attr[] = {
    { 0, "DEBUG" }, { 28, "SEPT_VE_DISABLE" }, { 29, "MIGRATABLE" }, { 30, "PKS" }, { 31, "KL" },
    { 62, "TPA" },  { 63, "PERFMON" },
};
static const struct bit xfam[] = {
    { 0, "FP" },
    { 1, "SSE" },
    { 2, "AVX" },
    { 3, "MPX_BNDREGS" },
    { 4, "MPX_BNDCSR" },
    { 5, "AVX512_OPMASK" },
    { 6, "AVX512_ZMM_HI256" },
    { 7, "AVX512_HI16_ZMM" },
    { 8, "PT" },
    { 9, "PKRU" },
    { 10, "PASID" },
    { 11, "CET_U" },
    { 12, "CET_S" },
    { 13, "HDC" },
    { 14, "ULI" },
    { 15, "LBR" },
    { 16, "HWP" },
    { 17, "AMX_TILECFG" },
    { 18, "AMX_TILEDATA" },
};
static const struct bit snp_policy[] = {
    { 16, "SMT" },
    { 17, "RESERVED_1" },
    { 18, "MIGRATE_MA" },
    { 19, "DEBUG" },
    { 20, "SINGLE_SOCKET" },
    { 21, "CXL_ALLOW" },
    { 22, "MEM_AES_256_XTS" },
    { 23, "RAPL_DIS" },
    { 24, "CIPHERTEXT_HIDING" },
    { 25, "PAGE_SWAP_DISABLE" },
};
static const struct bit snp_pinfo[] = {
    { 0, "SMT_EN" },
    { 1, "TSME_EN" },
    { 2, "ECC_EN" },
    { 3, "RAPL_DIS" },
    { 4, "CIPHERTEXT_HIDING_EN" },
    { 5, "ALIAS_CHECK_COMPLETE" },
    { 7, "TIO_EN" },
};

size_t cct_flag_names(enum cct_flag_set set, uint64_t v, const char **out, size_t max,
                      uint64_t *unknown)
{
    const struct bit *t = NULL;
    size_t n = 0, k = 0;
    uint64_t known = 0;
    switch (set) {
    case CCT_FLAGS_TD_ATTRIBUTES: t = td_attr, n = sizeof(td_attr) / sizeof(td_attr[0]); break;
    case CCT_FLAGS_XFAM: t = xfam, n = sizeof(xfam) / sizeof(xfam[0]); break;
    case CCT_FLAGS_SNP_POLICY:
        t = snp_policy, n = sizeof(snp_policy) / sizeof(snp_policy[0]);
        known = 0xffffu; /* ABI_MINOR, ABI_MAJOR: numbers, not flags */
        break;
    case CCT_FLAGS_SNP_PLATFORM_INFO:
        t = snp_pinfo, n = sizeof(snp_pinfo) / sizeof(snp_pinfo[0]);
        break;
    default: break;
    }
    for (size_t i = 0; i < n; i++) {
        uint64_t m = (uint64_t)1 << t[i].bit;
        known |= m;
        if ((v & m) != 0 && k < max && out != NULL) {
            out[k++] = t[i].name;
        }
    }
    if (unknown != NULL) {
        *unknown = v & ~known;
    }
    return k;
}
