/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One JSON error object for every command run with JSON output: stdout and
 * stderr are wrapped (streams pass through unchanged; stdout counts what it
 * wrote, stderr keeps its last line); when the command fails having written
 * nothing on stdout, stdout gets
 *   {"error":{"code":"usage|invalid|environment","exit":N,"message":"...",
 *             "event":N|null,"offset":N|null}}
 * A command that failed after printing its JSON answer (a failed verdict, a
 * replay mismatch) keeps that answer: it is the result, not an error.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

struct tap {
    int fd;
    uint64_t written;
    char last[512]; /* the first line: the error itself, before any usage text */
    size_t last_len;
    bool line_done;
};

static struct tap out_tap = { 1, 0, "", 0, false }, err_tap = { 2, 0, "", 0, false };

static ssize_t tap_write(void *c, const char *buf, size_t n)
{
    struct tap *t = c;
    for (size_t i = 0; i < n; i++) {
        if (buf[i] == '\n') {
            t->line_done = true;
        } else {
            if (!t->line_done && t->last_len + 1 < sizeof(t->last)) {
                t->last[t->last_len++] = buf[i];
            }
        }
    }
    t->last[t->last_len] = '\0';
    size_t off = 0;
    while (off < n) {
        ssize_t w = write(t->fd, buf + off, n - off);
        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w <= 0) {
            return off > 0 ? (ssize_t)off : -1;
        }
        off += (size_t)w;
    }
    t->written += n;
    return (ssize_t)n;
}

static bool json_selected(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) {
            break;
        }
        if (strcmp(argv[i], "--json") == 0 || strcmp(argv[i], "--output=json") == 0 ||
            (strcmp(argv[i], "--output") == 0 && i + 1 < argc &&
             strcmp(argv[i + 1], "json") == 0)) {
            return true;
        }
    }
    return false;
}

bool cli_json_errors_begin(int argc, char **argv)
{
    if (!json_selected(argc, argv)) {
        return false;
    }
    cookie_io_functions_t io = { NULL, tap_write, NULL, NULL };
    FILE *o = fopencookie(&out_tap, "w", io), *e = fopencookie(&err_tap, "w", io);
    if (o == NULL || e == NULL) {
        if (o != NULL) {
            fclose(o);
        }
        if (e != NULL) {
            fclose(e);
        }
        return false;
    }
    fflush(stdout);
    fflush(stderr);
    setvbuf(e, NULL, _IONBF, 0);
    stdout = o;
    stderr = e;
    return true;
}

static const char *code_name(int rc);

/* ,"error":{"code":..,"exit":..,"message":..,"event":..,"offset":..} */
static void error_body(FILE *f, int rc)
{
    const char *msg = err_tap.last;
    const char *pfx = "cctrusted: ";
    if (strncmp(msg, pfx, strlen(pfx)) == 0) {
        msg += strlen(pfx);
    }
    fprintf(f, "{\"code\":\"%s\",\"exit\":%d,\"message\":", code_name(rc), rc);
    cli_json_str(f, msg[0] != '\0' ? msg : "failed");
    if (cli_last_error.code != 0) {
        fprintf(f, ",\"library_code\":%d", cli_last_error.code);
    }
    if (cli_last_error.code != 0 && cli_last_error.event >= 0) {
        fprintf(f, ",\"event\":%" PRId64, cli_last_error.event);
    } else {
        fputs(",\"event\":null", f);
    }
    if (cli_last_error.code != 0 && cli_last_error.offset >= 0) {
        fprintf(f, ",\"offset\":%" PRId64, cli_last_error.offset);
    } else {
        fputs(",\"offset\":null", f);
    }
    fputc('}', f);
}

void cli_json_error_member(FILE *f, int rc)
{
    if (rc != EXIT_OK) {
        fflush(stderr);
        fputs(",\"error\":", f);
        error_body(f, rc);
    }
}

static const char *code_name(int rc)
{
    switch (rc) {
    case EXIT_USAGE: return "usage";
    case EXIT_INVALID: return "invalid";
    case EXIT_ENV: return "environment";
    default: return "error";
    }
}

int cli_json_errors_end(int rc)
{
    fflush(stdout);
    fflush(stderr);
    if (rc != EXIT_OK && out_tap.written == 0) {
        fputs("{\"error\":", stdout);
        error_body(stdout, rc);
        fputs("}\n", stdout);
    }
    if (fflush(stdout) != 0 && rc == EXIT_OK) {
        rc = EXIT_ENV;
    }
    return rc;
}
