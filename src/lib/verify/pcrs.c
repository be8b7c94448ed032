/* SPDX-License-Identifier: Apache-2.0 */
/*
 * PCR values given by a caller for TPM quote verification: the register-value
 * grammar of cct_expected_parse() (replay/regvalues.c), kept to what a TPM
 * quote can cover: PCRn, IMRn or N (PCR n, 0-31); RTMRn and MRTD are refused.
 */
#include <stdlib.h>
#include <string.h>

#include <cctrusted/replay.h>
#include <cctrusted/verify.h>

#include "replay/regvalues.h"
#include "util/error.h"

int cct_pcr_values_parse(const uint8_t *buf, size_t len, struct cct_pcr_value *out, size_t max,
                         size_t *n, struct cct_error *err)
{
    if ((buf == NULL && len > 0) || (out == NULL && max > 0) || n == NULL) {
        return cct_err(err, CCT_EINVAL, -1, -1, "no input");
    }
    struct cct_expected *ex = calloc(max > 0 ? max : 1, sizeof(*ex));
    struct cct__regpos *pos = calloc(max > 0 ? max : 1, sizeof(*pos));
    size_t k = 0;
    int rc = ex == NULL || pos == NULL ? cct_err(err, CCT_ENOMEM, -1, -1, "out of memory")
                                       : cct__regvalues_parse(buf, len, ex, pos, max, &k, err);
    for (size_t i = 0; rc == 0 && i < k; i++) {
        char where[64], name[16];
        cct__regpos_text(&pos[i], where, sizeof(where));
        cct__expected_name(&ex[i], name, sizeof(name));
        if (ex[i].have_kind && ex[i].kind != CCT_REG_PCR) {
            rc = cct_err(err, CCT_EMALFORMED, -1, pos[i].line ? (int64_t)pos[i].offset : -1,
                         "%s: %s is not a TPM PCR (a TPM quote covers PCRs: write PCRn, IMRn or N)",
                         where, name);
        } else if (ex[i].index > 31) {
            rc = cct_err(err, CCT_EMALFORMED, -1, pos[i].line ? (int64_t)pos[i].offset : -1,
                         "%s: %s: a TPM PCR index is 0-31", where, name);
        }
    }
    for (size_t i = 0; rc == 0 && i < k; i++) {
        memset(&out[i], 0, sizeof(out[i]));
        out[i].alg = ex[i].alg;
        out[i].index = ex[i].index;
        memcpy(out[i].digest, ex[i].digest, ex[i].size);
    }
    if (rc == 0) {
        *n = k;
    }
    free(ex);
    free(pos);
    return rc;
}
