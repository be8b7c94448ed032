/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CCT_CLI_H
#define CCT_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <cctrusted/cctrusted.h>

/* Exit codes (README "Exit codes"). */
enum {
    EXIT_OK = 0,
    EXIT_USAGE = 1,
    EXIT_INVALID = 2, /* invalid evidence, mismatch, failed verification */
    EXIT_ENV = 3,     /* no TEE, permission, device or file error */
};

struct cli_cmd {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
};

int cmd_eventlog(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_measurement(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_extend(int argc, char **argv);

/* Global options given before the command (context.c). */
struct cli_global {
    enum cct_platform platform;
    const char *sysroot;
};
extern struct cli_global cli_global;
/* Open a context with the global options; prints the error. Returns an exit code. */
int cli_open_ctx(const char *cmd, cct_context **out);
/* Print the context's last error; returns the exit code for code (3 for
 * device/permission/unsupported). */
int cli_ctx_fail(const char *cmd, cct_context *ctx, int code);
/* Parse hex (optional 0x) of at most max bytes; -1 on junk. */
int cli_parse_hex(const char *s, uint8_t *out, size_t max, size_t *len);
void cli_hex(FILE *f, const uint8_t *p, size_t n);
/* Parse --platform/--sysroot before the command; *first = index of the command.
 * Returns an exit code to stop with, or -1 to go on. */
int cli_global_options(int argc, char **argv, int *first);
int cmd_report_show(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_collateral(int argc, char **argv); /* cmd-fetch.c */
int cmd_vcek(int argc, char **argv);

/* Map a library error code to an exit code. */
int cli_exit_for(int code);
/* Print "cctrusted: <what>: <message> (event N, offset 0xX)" to stderr. */
void cli_error(const char *what, const struct cct_error *err);
/* The last error cli_error() printed (code 0 when none): the JSON error object's event/offset. */
extern struct cct_error cli_last_error;
/* json-error.c: with --json / --output json among the arguments, wrap stdout and stderr;
 * end: when rc is a failure and nothing was printed on stdout, print the JSON error object.
 * Returns rc. */
bool cli_json_errors_begin(int argc, char **argv);
int cli_json_errors_end(int rc);
/* For a command whose JSON answer is already open: ,"error":{...} when rc is a failure. */
void cli_json_error_member(FILE *f, int rc);
void cli_hexdump(FILE *f, const uint8_t *p, size_t n, const char *indent);
void cli_json_str(FILE *f, const char *s);
void cli_json_hex(FILE *f, const uint8_t *p, size_t n);
/* Text output of a string from evidence or a certificate: control characters, newlines,
 * backslashes and bytes >= 0x7f escaped (\n, \xNN), so it cannot forge a line. */
void cli_text_str(FILE *f, const char *s);
/* Parse a non-negative integer (decimal or 0x hex) fully; false on junk or overflow. */
bool cli_parse_u64(const char *s, uint64_t *out);
/* Parse the --index of command cmd (a register number, 0-1023); prints the usage error itself. */
bool cli_parse_index(const char *cmd, const char *s, uint64_t *out);
/* Open a log file with an optional forced format; prints the error itself. */
int cli_open_log(const char *path, enum cct_log_format fmt, cct_eventlog **out);
const char *cli_reg_prefix(enum cct_reg_kind k);

/* event-out.c: one event of `eventlog` (JSON: first = no comma before it). */
void cli_event_print_text(const struct cct_event *ev);
void cli_event_print_json(const struct cct_event *ev, int first);
/* One line: number, register, type name, ALG:HEX digests, short description. */
void cli_event_print_compact(const struct cct_event *ev);

/* replay-out.c: print a replay (JSON: opens the object, the caller closes it). */
int cli_replay_print(const cct_replay *rp, int json, const struct cct_expected *filt, uint16_t alg);
/* Compare with expected values, print mismatches and their explanation. Returns an exit code. */
int cli_replay_compare(const cct_replay *rp, const struct cct_expected *ex, size_t n,
                       const char *label, int live, int json);
/* Read a whole file (max bytes); prints the error. 0 or an exit code. */
int cli_slurp(const char *path, size_t max, uint8_t **out, size_t *len);

#endif
