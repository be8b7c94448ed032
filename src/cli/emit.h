/* SPDX-License-Identifier: Apache-2.0 */
/* Field printer shared by `report show` and `verify`: one call site, text or JSON output. */
#ifndef CCT_CLI_EMIT_H
#define CCT_CLI_EMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct emit {
    FILE *f;
    bool json;
    int depth;
    bool first[16]; /* JSON: no comma needed yet at this depth */
};

void emit_init(struct emit *e, FILE *f, bool json);
void emit_begin(struct emit *e, const char *name); /* nested object (name NULL at top level) */
void emit_end(struct emit *e);
void emit_hex(struct emit *e, const char *name, const uint8_t *p, size_t n);
void emit_uint(struct emit *e, const char *name, uint64_t v);
/* text 0x..., JSON the string "0x..." (width hex digits) */
void emit_xint(struct emit *e, const char *name, uint64_t v, int width);
/* text "1,2,3", JSON [1,2,3] */
/* text "A,B", JSON ["A","B"] */
void emit_str_list(struct emit *e, const char *name, const char *const *v, size_t n);
void emit_uint_list(struct emit *e, const char *name, const unsigned *v, size_t n);
void emit_str(struct emit *e, const char *name, const char *s);
void emit_strn(struct emit *e, const char *name, const char *s, size_t n);
void emit_bool(struct emit *e, const char *name, bool v);

/* Read a whole file (max bytes); prints the error. 0 or an exit code. */
int cli_slurp(const char *path, size_t max, uint8_t **out, size_t *len);

#endif
