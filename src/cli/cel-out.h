/* SPDX-License-Identifier: Apache-2.0 */
/* cctrusted eventlog --output cel-*: write logs as a Canonical Event Log. */
#ifndef CCT_CLI_CEL_OUT_H
#define CCT_CLI_CEL_OUT_H

#include <stdint.h>
#include <stdio.h>

#include <cctrusted/cel.h>
#include <cctrusted/eventlog.h>

/* Parse an --output name that selects a CEL encoding: 1 with *enc set, 0 when the name is not one.
 */
int cli_cel_output_from_name(const char *name, enum cct_cel_encoding *enc);

/*
 * Convert the events [start, start + count) of each file in paths into one
 * CEL stream (records numbered 0, 1, ... across the files) written to out,
 * in replay order and with the replay's register rules (cct_logs_foreach():
 * boot logs first; IMA entries in RTMRs when a CCEL is among the files).
 * ima_rtmr: IMA list entries go to RTMR n (ccmr n + 1) in any case.
 * Returns an exit code; errors go to stderr.
 */
int cli_write_cel(char **paths, int n_paths, enum cct_log_format fmt, uint64_t start,
                  uint64_t count, enum cct_cel_encoding enc, int ima_rtmr, FILE *out);

#endif
