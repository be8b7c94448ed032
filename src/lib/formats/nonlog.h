/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Known structures that are not event logs but get handed to log readers:
 * ACPI tables (the CCEL table instead of its data area), quotes and reports.
 * Pure: bytes in, a description out.
 */
#ifndef CCT_FORMATS_NONLOG_H
#define CCT_FORMATS_NONLOG_H

#include <stddef.h>

#include <cctrusted/eventlog.h>

/*
 * Recognise p (n bytes, the whole input when complete is set) as a known
 * non-log structure. Returns 1 and writes a sentence naming it and, where
 * there is one, the event log that belongs to it ("a CCEL ACPI table (56
 * bytes) ...") to what; 0 when it is none of them. Each rule needs a
 * signature no event log can start with (docs/internals/eventlog.md).
 */
int cct_nonlog_identify(const uint8_t *p, size_t n, int complete, char *what, size_t cap);

#endif
