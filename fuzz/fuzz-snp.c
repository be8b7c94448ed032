/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz the SEV-SNP report and certificate-table parsers. */
#include <stddef.h>
#include <stdint.h>

#include <cctrusted/report.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct cct_snp_report s;
    struct cct_snp_cert_table t;
    (void)!cct_snp_report_parse(data, size, &s, NULL);
    (void)!cct_snp_cert_table_parse(data, size, &t, NULL);
    return 0;
}
