/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz the SEV-SNP report and certificate-table parsers. Every failure must
 * name its code and say what went wrong (cct_fuzz_rc).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cctrusted/report.h>

#include "fuzz-common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct cct_snp_report s;
    struct cct_snp_cert_table t;
    enum cct_report_type type;
    struct cct_error err;
    cct_error_clear(&err);
    if (cct_fuzz_rc(cct_snp_report_parse(data, size, &s, &err), &err) == 0 &&
        s.trailing != size - CCT_SNP_REPORT_SIZE) {
        abort(); /* the report is its fixed size; the rest is counted */
    }
    cct_error_clear(&err);
    cct_fuzz_rc(cct_snp_cert_table_parse(data, size, &t, &err), &err);
    (void)!cct_report_detect(data, size, &type);
    return 0;
}
