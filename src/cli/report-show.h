/* SPDX-License-Identifier: Apache-2.0 */
/* `report show` printers of TEE reports (report-show-tee.c). Each returns 0 or an exit code. */
#ifndef CCT_CLI_REPORT_SHOW_H
#define CCT_CLI_REPORT_SHOW_H

#include <stddef.h>
#include <stdint.h>

#include "emit.h"

int cli_show_tdx(struct emit *e, const uint8_t *p, size_t n);
int cli_show_tdreport(struct emit *e, const uint8_t *p, size_t n);
int cli_show_snp(struct emit *e, const uint8_t *p, size_t n);
int cli_show_hcl(struct emit *e, const uint8_t *p, size_t n);

#endif
