/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz the SEV-SNP report and certificate-table parsers. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cctrusted/report.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct cct_snp_report s;
    struct cct_snp_cert_table t;
    enum cct_report_type type;
    if (cct_snp_report_parse(data, size, &s, NULL) == 0 &&
        s.trailing != size - CCT_SNP_REPORT_SIZE) {
        abort(); /* the report is its fixed size; the rest is counted */
    }
    (void)cct_snp_cert_table_parse(data, size, &t, NULL);
    (void)cct_report_detect(data, size, &type);
    return 0;
}
