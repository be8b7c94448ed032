/* SPDX-License-Identifier: Apache-2.0 */
/* Arm CCA token verification. */
#include "util/error.h"
#include "verify/common.h"

int cct_verify_cca_token(const uint8_t *p, size_t len, const struct cct_verify_options *o,
                         struct cct_verify_result *res, struct cct_error *err)
{
    (void)p;
    (void)len;
    (void)o;
    if (res == NULL) {
        return cct_err(err, CCT_EINVAL, -1, -1, "no result");
    }
    vres_init(res, CCT_REPORT_CCA);
    vres_add(res, "parse", false, "CCA token verification is not implemented");
    (void)vres_finish(res, NULL);
    return cct_err(err, CCT_EUNSUPPORTED, -1, -1, "CCA token verification is not implemented");
}
