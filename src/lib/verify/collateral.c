/* SPDX-License-Identifier: Apache-2.0 */
/* TDX collateral evaluation (TCB Info, QE Identity). */
#include "verify/common.h"
#include "verify/verify_internal.h"

void cct__tdx_collateral_check(const struct cct_tdx_quote *q, X509 *pck, STACK_OF(X509) *roots,
                               const struct cct_verify_options *o, struct cct_verify_result *res)
{
    (void)q;
    (void)pck;
    (void)roots;
    (void)o;
    vres_add(res, "collateral", false, "collateral evaluation is not implemented");
}
