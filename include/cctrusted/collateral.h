/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Collateral and endorsement retrieval: TDX collateral from Intel PCS API v4
 * (or a PCCS), SEV-SNP VCEK certificates and chains from the AMD KDS.
 *
 * Every fetched document is verified before it is returned or cached: TCB
 * Info and QE Identity signatures by their issuer chain (from the response
 * headers), CRL signatures by their issuer, certificate chains up to the
 * trusted root (built in, or options.root), and a VCEK must verify the
 * report's own signature. A document that fails is refused (CCT_EVERIFY)
 * and never cached. The cache (options.cache_dir) keys entries by URL and
 * serves them while the document is current (TCB Info / QE Identity
 * nextUpdate, a CRL's nextUpdate, a certificate's notAfter); entries are
 * verified again when read.
 *
 * Threads: a call uses only its arguments; separate calls may run at once
 * (two calls sharing a cache directory replace entries atomically).
 */
#ifndef CCTRUSTED_COLLATERAL_H
#define CCTRUSTED_COLLATERAL_H

#include <stddef.h>
#include <stdint.h>

#include <cctrusted/error.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Default Intel PCS and AMD KDS base URLs. */
#define CCT_PCS_DEFAULT_URL "https://api.trustedservices.intel.com"
#define CCT_KDS_DEFAULT_URL "https://kdsintf.amd.com"
/** Intel SGX Root CA CRL (the root certificate's CRL distribution point). */
#define CCT_PCS_ROOT_CRL_URL "https://certificates.trustedservices.intel.com/IntelSGXRootCA.der"

/** Options of the fetch functions; set with CCT_FETCH_OPTIONS_INIT. */
struct cct_fetch_options {
    unsigned version;         /* CCT_FETCH_OPTIONS_VERSION */
    const char *base_url;     /* NULL: CCT_PCS_DEFAULT_URL (TDX) / CCT_KDS_DEFAULT_URL (SNP) */
    const char *root_crl_url; /* TDX: NULL: CCT_PCS_ROOT_CRL_URL with the default base,
                                 {base_url}/sgx/certification/v4/rootcacrl (PCCS) otherwise */
    const char *cache_dir;    /* NULL: no cache; else an existing directory only the caller
                                 (or root) can write */
    long connect_timeout_ms;  /* per attempt; <= 0: 5000 */
    long timeout_ms;          /* whole transfer, per attempt; <= 0: 30000 */
    size_t max_size;          /* largest response body; 0: 1 MiB (at most 16 MiB) */
    unsigned retries;         /* further attempts after a transport error, HTTP 5xx or 429
                                 (at most 5) */
    long retry_delay_ms;      /* before the first retry, doubled each time; < 0: 0 */
    const uint8_t *root;      /* PEM or DER trust anchor replacing the built-in root */
    size_t root_len;
    int have_at;         /* 1: judge validity and freshness at `at` instead of now */
    int64_t at;          /* seconds since the epoch (UTC) */
    const char *product; /* SNP: KDS product name ("Milan", "Genoa", "Turin"); NULL: from the
                            report (CPUID of a v3+ report; a v2 report is taken as Milan) */
};
#define CCT_FETCH_OPTIONS_VERSION 1
#define CCT_FETCH_OPTIONS_INIT                                                                     \
    {                                                                                              \
        CCT_FETCH_OPTIONS_VERSION, NULL, NULL, NULL, 5000, 30000, 1u << 20, 2, 500, NULL, 0, 0, 0, \
            NULL                                                                                   \
    }

/** Function form of CCT_FETCH_OPTIONS_INIT (for bindings). Accepts NULL. */
void cct_fetch_options_init(struct cct_fetch_options *o);

#define CCT_FETCH_MAX_REQUESTS 8
#define CCT_FETCH_URL_MAX 640

/** One document: where it comes from and how it was obtained. */
struct cct_fetch_request {
    char what[24]; /* "tcb-info", "qe-identity", "pck-crl", "root-ca-crl", "vcek",
                      "cert-chain" (ASK + ARK), "vlek-cert-chain" (ASVK + ARK) */
    char url[CCT_FETCH_URL_MAX];
    long http_status;    /* last HTTP status, 0 when none (cache hit, transport error) */
    unsigned attempts;   /* HTTP attempts made (0: served from the cache) */
    int from_cache;      /* 1: served from the cache */
    int64_t fresh_until; /* nextUpdate / notAfter (seconds since the epoch), 0 unknown */
};

/**
 * What a fetch produced. data is the file `cctrusted verify` takes: TDX
 * --collateral (a QuoteCollateralV3 JSON object), SNP --certs (PEM: VCEK,
 * ASK, ARK; for a VLEK-signed report ASVK and ARK, to which the caller adds
 * the VLEK, which the KDS does not hand out). note says what was assumed.
 */
struct cct_fetch_result {
    size_t n;
    struct cct_fetch_request req[CCT_FETCH_MAX_REQUESTS];
    uint8_t *data; /* malloc'ed, NUL-terminated (not counted in len); NULL before a fetch */
    size_t len;
    char note[160];
    char fmspc[13];       /* TDX: the PCK certificate's FMSPC, uppercase hex ("" for SNP) */
    char pck_ca[12];      /* TDX: "platform" or "processor" */
    uint32_t version;     /* CCT_FETCH_RESULT_VERSION of the library that filled it */
    uint64_t reserved[8]; /* room for later fields; zero */
};
#define CCT_FETCH_RESULT_VERSION 1

/** Release r->data and reset *r. Accepts NULL. */
void cct_fetch_result_free(struct cct_fetch_result *r);

/**
 * The URLs the fetch functions would request for this evidence (TDX quote
 * with a PCK certificate chain, or SNP report), without any network access:
 * out->req[] holds what and url, out->data stays NULL. base_url and
 * root_crl_url as in the options (NULL: defaults); product as in the
 * options. Works without libcurl. 0, CCT_EUNSUPPORTED (other evidence, or a
 * quote without an embedded PCK chain), or a parse error.
 */
CCT_WUR int cct_collateral_urls(const uint8_t *evidence, size_t len,
                                const struct cct_fetch_options *opts, struct cct_fetch_result *out,
                                struct cct_error *err);

/**
 * Fetch the collateral of a TDX quote from Intel PCS v4 or a PCCS at
 * opts->base_url: TCB Info for the PCK certificate's FMSPC
 * (/tdx/certification/v4/tcb?fmspc=, issuer chain from the
 * TCB-Info-Issuer-Chain header), the TD QE identity
 * (/tdx/certification/v4/qe/identity, SGX-Enclave-Identity-Issuer-Chain), the
 * PCK CRL of the PCK chain's CA (/sgx/certification/v4/pckcrl?ca=platform|
 * processor&encoding=der, SGX-PCK-CRL-Issuer-Chain) and the root CA CRL. On
 * success out->data is a QuoteCollateralV3 JSON object. Returns 0,
 * CCT_EVERIFY (a document did not verify: refused, not cached), CCT_EIO
 * (transport failure after the retries, HTTP error), CCT_ELIMIT (response
 * over max_size), CCT_EUNSUPPORTED (built without libcurl, or no PCK chain
 * in the quote), CCT_EINVAL, or a parse error. out is reset first; release
 * with cct_fetch_result_free() whatever the return value.
 */
CCT_WUR int cct_tdx_collateral_fetch(const uint8_t *quote, size_t len,
                                     const struct cct_fetch_options *opts,
                                     struct cct_fetch_result *out, struct cct_error *err);

/**
 * Fetch the endorsement of an SEV-SNP report from the AMD KDS at
 * opts->base_url: for a VCEK-signed report the VCEK
 * (/vcek/v1/{product}/{hwid}?blSPL=&teeSPL=&snpSPL=&ucodeSPL= from CHIP_ID
 * and REPORTED_TCB; Turin: 8-byte hwid and fmcSPL) and the ASK/ARK chain
 * (/vcek/v1/{product}/cert_chain); for a VLEK-signed report the ASVK/ARK
 * chain (/vlek/v1/{product}/cert_chain). The chain must end in the trusted
 * ARK (built in for Milan, else opts->root) and the VCEK must verify the
 * report's signature. Returns as cct_tdx_collateral_fetch().
 */
CCT_WUR int cct_snp_vcek_fetch(const uint8_t *report, size_t len,
                               const struct cct_fetch_options *opts, struct cct_fetch_result *out,
                               struct cct_error *err);

/** 1 when the library was built with libcurl (the fetch functions work), else 0. */
int cct_have_fetch(void);

#ifdef __cplusplus
}
#endif

#endif
