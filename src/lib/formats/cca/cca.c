/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include <cctrusted/report.h>

#include "util/error.h"

int cct_cca_token_parse(const uint8_t *p, size_t len, struct cct_cca_token *out, struct cct_error *err)
{
    (void)p;
    (void)len;
    (void)out;
    return cct_err(err, CCT_EUNSUPPORTED, -1, -1, "CCA tokens are not supported yet");
}

void cct_cca_token_free(struct cct_cca_token *t)
{
    (void)t;
}
