/* SPDX-License-Identifier: Apache-2.0 */
/* The one parser of register values given by a user (replay/regvalues.c). */
#ifndef CCT_REPLAY_REGVALUES_H
#define CCT_REPLAY_REGVALUES_H

#include <stdint.h>

#include <cctrusted/replay.h>

/* Where a parsed value was written: 1-based line (0 for JSON) and byte offset of its name. */
struct cct__regpos {
    uint32_t line;
    uint64_t offset;
    uint32_t entry; /* JSON: index in the "registers" array */
};

/*
 * cct_expected_parse() with, when pos is not NULL, the position of each value
 * in pos[0..*n) (pos has max entries).
 */
int cct__regvalues_parse(const uint8_t *buf, size_t len, struct cct_expected *out,
                         struct cct__regpos *pos, size_t max, size_t *n, struct cct_error *err);

/* "line 3" / "registers[2]" for an error message (the byte offset goes in err->offset). */
void cct__regpos_text(const struct cct__regpos *p, char *out, size_t n);

/* "PCR5" / "RTMR2" / "MRTD" / "5" (no register file named). */
void cct__expected_name(const struct cct_expected *e, char *out, size_t n);

#endif
