/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Collateral retrieval through the public API (cctrusted/collateral.h): the
 * URLs for generated evidence, computed here from the report bytes (SEV-SNP
 * ABI offsets) and from the generator's FMSPC; option and input refusals;
 * the retry bound on a port nothing listens on; a cache directory others can
 * write is refused. Also cct_flag_names().
 *
 * usage: test-collateral GEN_QUOTES (tests/data/gen_quotes.py writes the evidence)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cctrusted/collateral.h>
#include <cctrusted/report.h>

#include "testutil.h"

/* DIR/NAME, read whole (exits with status 2 when it cannot be read). */
static uint8_t *slurp(const char *dir, const char *name, size_t *len)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    return test_slurp(path, len);
}

static void hex(const uint8_t *p, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++) {
        snprintf(out + 2 * i, 3, "%02x", p[i]);
    }
}

/* KDS product from CPUID_FAM_ID (0x188) / CPUID_MOD_ID (0x189) of a v3+ report (AMD PPRs:
 * Milan 19h 00h-0Fh, Genoa 19h 10h-1Fh and A0h-AFh, Turin 1Ah). */
static const char *product_of(const uint8_t *r)
{
    uint8_t fam = r[0x188], mod = r[0x189];
    if (fam == 0x1A) {
        return "Turin";
    }
    return fam == 0x19 && ((mod >= 0x10 && mod <= 0x1F) || (mod >= 0xA0 && mod <= 0xAF)) ? "Genoa"
                                                                                         : "Milan";
}

/* SEV-SNP ABI: REPORTED_TCB at 0x180, CHIP_ID at 0x1A0, SIGNING_KEY in bits 2-4 of 0x48. */
static void test_snp(const char *dir)
{
    static const struct {
        const char *file;
        int turin;
    } reps[] = { { "snp.report", 0 }, { "snp-turin.report", 1 } };
    for (size_t k = 0; k < 2; k++) {
        size_t n = 0;
        uint8_t *r = slurp(dir, reps[k].file, &n);
        struct cct_fetch_result res;
        struct cct_fetch_options o = CCT_FETCH_OPTIONS_INIT;
        char hw[129], want[1024], what[160];
        if (r == NULL) {
            CHECK(0, "%s", reps[k].file);
            continue;
        }
        const uint8_t *t = r + 0x180;
        o.base_url = "http://kds.test/";
        hex(r + 0x1A0, reps[k].turin ? 8 : 64, hw);
        CHECK(strcmp(product_of(r), reps[k].turin ? "Turin" : "Milan") == 0, "report's product");
        if (reps[k].turin) {
            snprintf(want, sizeof(want),
                     "http://kds.test/vcek/v1/Turin/%s?fmcSPL=%u&blSPL=%u&teeSPL=%u&snpSPL=%u"
                     "&ucodeSPL=%u",
                     hw, t[0], t[1], t[2], t[3], t[7]);
        } else {
            snprintf(want, sizeof(want),
                     "http://kds.test/vcek/v1/Milan/%s?blSPL=%u&teeSPL=%u&snpSPL=%u&ucodeSPL=%u",
                     hw, t[0], t[1], t[6], t[7]);
        }
        int rc = cct_collateral_urls(r, n, &o, &res, NULL);
        snprintf(what, sizeof(what), "%s: VCEK URL from CHIP_ID and REPORTED_TCB, then cert_chain",
                 reps[k].file);
        CHECK(rc == 0 && res.n == 2 && strcmp(res.req[0].what, "vcek") == 0 &&
                  strcmp(res.req[0].url, want) == 0 &&
                  strcmp(res.req[1].url, reps[k].turin
                                             ? "http://kds.test/vcek/v1/Turin/cert_chain"
                                             : "http://kds.test/vcek/v1/Milan/cert_chain") == 0,
              "%s", what);
        if (rc == 0 && strcmp(res.req[0].url, want) != 0) {
            printf("     got  %s\n     want %s\n", res.req[0].url, want);
        }
        free(r);
    }
    size_t n = 0;
    uint8_t *r = slurp(dir, "snp-vlek.report", &n);
    struct cct_fetch_result res;
    int rc = r ? cct_collateral_urls(r, n, NULL, &res, NULL) : -1;
    char want[256];
    snprintf(want, sizeof(want), CCT_KDS_DEFAULT_URL "/vlek/v1/%s/cert_chain",
             r ? product_of(r) : "?");
    CHECK(r != NULL && ((r[0x48] >> 2) & 7) == 1 && rc == 0 && res.n == 1 &&
              strcmp(res.req[0].url, want) == 0 && res.note[0] != '\0',
          "VLEK-signed report: the ASVK chain only (product from CPUID), with a note");
    free(r);
}

/* FMSPC as tests/data/gen_quotes.py writes it into the PCK certificate (FMSPC there). */
#define GEN_FMSPC "00906ED50000"

static void test_tdx(const char *dir, const char *shared)
{
    size_t n = 0;
    uint8_t *q = slurp(dir, "tdx-v4.quote", &n);
    struct cct_fetch_result res;
    struct cct_fetch_options o = CCT_FETCH_OPTIONS_INIT;
    struct cct_error err;
    if (q == NULL) {
        CHECK(0, "tdx-v4.quote");
        return;
    }
    o.base_url = "https://pccs.test:8081//";
    int rc = cct_collateral_urls(q, n, &o, &res, NULL);
    CHECK(rc == 0 && res.n == 4 && strcmp(res.fmspc, GEN_FMSPC) == 0 &&
              strcmp(res.pck_ca, "platform") == 0 &&
              strcmp(res.req[0].url,
                     "https://pccs.test:8081/tdx/certification/v4/tcb?fmspc=" GEN_FMSPC) == 0 &&
              strcmp(res.req[1].url, "https://pccs.test:8081/tdx/certification/v4/qe/identity") ==
                  0 &&
              strcmp(res.req[2].url, "https://pccs.test:8081/sgx/certification/v4/pckcrl"
                                     "?ca=platform&encoding=der") == 0 &&
              strcmp(res.req[3].url, "https://pccs.test:8081/sgx/certification/v4/rootcacrl") == 0,
          "TDX: PCS v4 URLs on a PCCS base, FMSPC and CA from the PCK chain");
    rc = cct_collateral_urls(q, n, NULL, &res, NULL);
    CHECK(rc == 0 && strcmp(res.req[3].url, CCT_PCS_ROOT_CRL_URL) == 0 &&
              strncmp(res.req[0].url, CCT_PCS_DEFAULT_URL "/", strlen(CCT_PCS_DEFAULT_URL) + 1) ==
                  0,
          "TDX: default PCS base; the root CA CRL from its distribution point");

    o.base_url = "ftp://pcs.test";
    CHECK(cct_collateral_urls(q, n, &o, &res, NULL) == CCT_EINVAL,
          "a base URL not http(s): EINVAL");
    o.base_url = NULL;
    o.version = 0;
    CHECK(cct_tdx_collateral_fetch(q, n, &o, &res, NULL) == CCT_EINVAL &&
              cct_collateral_urls(q, n, &o, &res, NULL) == CCT_EINVAL,
          "options of another version: EINVAL");
    uint8_t junk[64] = { 1, 2, 3 };
    CHECK(cct_collateral_urls(junk, sizeof(junk), NULL, &res, NULL) < 0,
          "unrecognised evidence: refused");

    /* nothing listens on port 1: a transport error, retried exactly `retries` times */
    cct_fetch_options_init(&o);
    o.base_url = "http://127.0.0.1:1";
    o.retries = 1;
    o.retry_delay_ms = 0;
    o.connect_timeout_ms = 2000;
    cct_error_clear(&err);
    rc = cct_tdx_collateral_fetch(q, n, &o, &res, &err);
    if (cct_have_fetch()) {
        CHECK(rc == CCT_EIO && res.n == 4 && res.req[0].attempts == 2 && res.data == NULL &&
                  strstr(err.message, "attempt 2 of 2") != NULL,
              "connection refused: CCT_EIO after 1 + 1 attempts, no data");
        o.cache_dir = shared;
        rc = cct_tdx_collateral_fetch(q, n, &o, &res, &err);
        CHECK(rc == CCT_EPERM && res.req[0].attempts == 0,
              "a cache directory others can write: CCT_EPERM before any request");
    } else {
        CHECK(rc == CCT_EUNSUPPORTED, "built without libcurl: CCT_EUNSUPPORTED");
    }
    cct_fetch_result_free(&res);
    cct_fetch_result_free(NULL);
    free(q);
}

static void test_flags(void)
{
    const char *names[8];
    uint64_t unknown = 0;
    size_t k = cct_flag_names(CCT_FLAGS_TD_ATTRIBUTES, 1u | 1u << 28 | (uint64_t)1 << 40, names, 8,
                              &unknown);
    CHECK(k == 2 && strcmp(names[0], "DEBUG") == 0 && strcmp(names[1], "SEPT_VE_DISABLE") == 0 &&
              unknown == (uint64_t)1 << 40,
          "TD attributes: DEBUG, SEPT_VE_DISABLE, bit 40 unnamed");
    k = cct_flag_names(CCT_FLAGS_SNP_POLICY, 0x30000 | 0x1f | (uint64_t)1 << 19, names, 8,
                       &unknown);
    CHECK(k == 3 && strcmp(names[0], "SMT") == 0 && strcmp(names[2], "DEBUG") == 0 && unknown == 0,
          "SNP policy: SMT, RESERVED_1, DEBUG; ABI version bits are not flags");
    k = cct_flag_names(CCT_FLAGS_SNP_PLATFORM_INFO, 3, names, 1, &unknown);
    CHECK(k == 1 && strcmp(names[0], "SMT_EN") == 0, "at most max names are written");
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: test-collateral GEN_QUOTES\n");
        return 2;
    }
    char dir[] = "/tmp/cct-collateral-XXXXXX";
    if (mkdtemp(dir) == NULL) {
        return 2;
    }
    char cmd[8192], shared[4200];
    snprintf(cmd, sizeof(cmd), "python3 '%s' '%s' > /dev/null", argv[1], dir);
    if (system(cmd) != 0) {
        fprintf(stderr, "cannot run %s\n", argv[1]);
        return 2;
    }
    snprintf(shared, sizeof(shared), "%s/shared", dir);
    if (mkdir(shared, 0700) != 0 || chmod(shared, 0777) != 0) {
        return 2;
    }
    test_snp(dir);
    test_tdx(dir, shared);
    test_flags();
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd) != 0) {
        return 2;
    }
    printf("%d checks, %d failures\n", checks, failures);
    return failures ? 1 : 0;
}
