/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz the TDX collateral reader and its evaluation against a quote: PCS
 * tcbInfo / enclaveIdentity responses, QuoteCollateralV3 objects, the PEM
 * chains and hex CRLs inside them, the TCB levels, TDX module identities and
 * QE identity walked against the quote's PCK and QE report.
 *
 * Input: a 2-byte little-endian length n, n bytes of TDX quote, then the
 * collateral bytes. Each input is verified under the default TCB policy and
 * again with every status accepted and collateral required, at a fixed time.
 * Besides memory errors it aborts when a result is inconsistent: a failing
 * call whose error record is not its code (cct_fuzz_rc), a check without a
 * terminated name and detail, ok set on a check that did not pass, counts
 * out of range, or a verdict "ok" with a failed check or no passed one.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cctrusted/verify.h>

#include "fuzz-common.h"

static void check_result(const struct cct_verify_result *res)
{
    size_t failed = 0, passed = 0, unchecked = 0;
    FUZZ_CHECK(res->n_checks <= CCT_MAX_CHECKS);
    for (size_t i = 0; i < res->n_checks; i++) {
        const struct cct_check *c = &res->checks[i];
        FUZZ_CHECK(memchr(c->name, '\0', sizeof(c->name)) != NULL && c->name[0] != '\0');
        FUZZ_CHECK(memchr(c->detail, '\0', sizeof(c->detail)) != NULL);
        FUZZ_CHECK(c->ok == (c->status == CCT_CHECK_PASSED));
        failed += c->status == CCT_CHECK_FAILED;
        passed += c->status == CCT_CHECK_PASSED;
        unchecked += c->status == CCT_CHECK_NOT_CHECKED;
    }
    FUZZ_CHECK(res->n_unchecked == unchecked);
    FUZZ_CHECK(!res->ok || (failed == 0 && res->dropped == 0 && passed > 0));
}

static void verify(const uint8_t *quote, size_t qn, const uint8_t *coll, size_t cn, int lenient)
{
    struct cct_verify_result res;
    struct cct_verify_options o = CCT_VERIFY_OPTIONS_INIT;
    struct cct_error err;
    cct_verify_result_init(&res);
    cct_error_clear(&err);
    o.collateral = coll;
    o.collateral_len = cn;
    o.have_at = 1;
    o.at = 1735689600; /* 2025-01-01T00:00:00Z: the same answer on every run */
    if (lenient) {
        o.accept_tcb_status = "SWHardeningNeeded,ConfigurationNeeded,"
                              "ConfigurationAndSWHardeningNeeded,OutOfDate,"
                              "OutOfDateConfigurationNeeded";
        o.require_collateral = 1;
    }
    if (cct_fuzz_rc(cct_verify_tdx_quote(quote, qn, &o, &res, &err), &err) == 0) {
        check_result(&res);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2) {
        return 0;
    }
    size_t qn = (size_t)data[0] | (size_t)data[1] << 8;
    if (qn > size - 2) {
        return 0;
    }
    const uint8_t *coll = data + 2 + qn;
    size_t cn = size - 2 - qn;
    verify(data + 2, qn, coll, cn, 0);
    verify(data + 2, qn, coll, cn, 1);
    return 0;
}
