/* SPDX-License-Identifier: Apache-2.0 */
/* cctrusted eventlog: dump events with digests, raw data and decoded data. */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cel-out.h"
#include "cli.h"

static void usage(FILE *f)
{
    fprintf(
        f,
        "usage: cctrusted eventlog [--json] [--start N] [--count N] [--format F]\n"
        "                          [--output O [--out FILE]] FILE...\n"
        "  --format F  auto (default), tcg2, tcg1, ccel, ima, ima-bin, cel-tlv, cel-json, "
        "cel-cbor\n"
        "  --output O  text (default), compact (one line per event), json, or a Canonical\n"
        "              Event Log: cel-tlv, cel-json, cel-json-systemd, cel-cbor (written to\n"
        "              stdout or --out FILE)\n"
        "  --ima-rtmr  with a cel-* output: IMA entries go to RTMR n (default: when a CCEL is "
        "given)\n"
        "  A FILE starting with the ACPI signature \"CCEL\" is shown as a CCEL table.\n"
        "  --start N   first event number to show (0 = the header); default 0\n"
        "  --count N   show at most N events; default all. A start past the end shows nothing.\n");
    fprintf(f, "  without FILE: the live event logs of the platform (see cctrusted --platform)\n");
}

static int too_big(struct cct_error *err)
{
    err->code = CCT_EMALFORMED;
    snprintf(err->message, sizeof(err->message),
             "file starts with \"CCEL\" but is too large for a CCEL table");
    return CCT_EMALFORMED;
}

/*
 * An ACPI CCEL table (a file starting with the signature "CCEL") instead of
 * a log: print its fields. Returns -1 when the file is not such a table,
 * else an exit code.
 */
static int dump_ccel_table(const char *path, int json, int first_file)
{
    uint8_t buf[4097];
    struct cct_ccel_table_info t;
    struct cct_error err;
    FILE *f = fopen(path, "rbe");
    if (f == NULL) {
        return -1; /* let the log path report the error */
    }
    size_t n = fread(buf, 1, sizeof(buf), f);
    fclose(f);
    if (n < 4 || memcmp(buf, "CCEL", 4) != 0) {
        return -1;
    }
    cct_error_clear(&err);
    int r = n == sizeof(buf) ? too_big(&err) : cct_ccel_table_parse(buf, n, &t, &err);
    if (json) {
        printf("%s\n  {\"file\":", first_file ? "" : ",");
        cli_json_str(stdout, path);
        printf(",\"format\":\"acpi-ccel-table\"");
    }
    if (r < 0) {
        cli_error(path, &err);
        if (json) {
            printf(",\"error\":");
            cli_json_str(stdout, err.message);
            printf("}");
        }
        return EXIT_INVALID;
    }
    const char *tn = cct_cc_type_name(t.cc_type);
    if (json) {
        printf(",\"table\":{\"signature\":\"CCEL\",\"length\":%u,\"revision\":%u,\"checksum\":%u,"
               "\"checksum_ok\":%s,\"oem_id\":",
               t.length, t.revision, t.checksum, t.checksum_ok ? "true" : "false");
        cli_json_str(stdout, t.oem_id);
        printf(",\"oem_table_id\":");
        cli_json_str(stdout, t.oem_table_id);
        printf(",\"oem_revision\":%u,\"creator_id\":%u,\"creator_revision\":%u,\"cc_type\":%u,"
               "\"cc_type_name\":",
               t.oem_revision, t.creator_id, t.creator_revision, t.cc_type);
        if (tn) {
            printf("\"%s\"", tn);
        } else {
            printf("null");
        }
        printf(",\"cc_subtype\":%u,\"laml\":%" PRIu64 ",\"lasa\":%" PRIu64 "}}", t.cc_subtype,
               t.laml, t.lasa);
    } else {
        printf("==> %s (ACPI CCEL table)\n", path);
        printf("Signature         : CCEL\n");
        printf("Length            : %u\n", t.length);
        printf("Revision          : %u\n", t.revision);
        printf("Checksum          : 0x%02x (%s)\n", t.checksum, t.checksum_ok ? "ok" : "bad");
        /* The ids are raw table bytes: show non-printable ones as '.'. */
        for (char *c = t.oem_id; *c; c++) {
            *c = *c >= 0x20 && *c < 0x7f ? *c : '.';
        }
        for (char *c = t.oem_table_id; *c; c++) {
            *c = *c >= 0x20 && *c < 0x7f ? *c : '.';
        }
        printf("OEM ID            : %s\n", t.oem_id);
        printf("OEM table ID      : %s\n", t.oem_table_id);
        printf("OEM revision      : %u\n", t.oem_revision);
        printf("CC type           : %u (%s)\n", t.cc_type, tn ? tn : "unknown");
        printf("CC subtype        : %u\n", t.cc_subtype);
        printf("LAML              : %" PRIu64 " (log area minimum length)\n", t.laml);
        printf("LASA              : 0x%" PRIx64 " (log area start address)\n", t.lasa);
    }
    return EXIT_OK;
}

/* After the events: count, padding and the SpecID header. */
static void print_summary(const cct_eventlog *log, const struct cct_specid *sid, uint64_t n,
                          int json)
{
    if (!json) {
        printf("==> %" PRIu64 " events shown", n);
        if (cct_eventlog_padding(log)) {
            printf(", log ended by %" PRIu64 " bytes of padding", cct_eventlog_padding(log));
        }
        printf("\n");
        return;
    }
    printf("\n  ],\"count\":%" PRIu64 ",\"padding\":%" PRIu64, n, cct_eventlog_padding(log));
    if (sid == NULL) {
        return;
    }
    printf(
        ",\"specid\":{\"platform_class\":%u,\"version\":\"%u.%u\",\"errata\":%u,\"uintn_size\":%u,"
        "\"algorithms\":[",
        sid->platform_class, sid->version_major, sid->version_minor, sid->errata, sid->uintn_size);
    for (size_t i = 0; i < sid->n_algs; i++) {
        const char *an = cct_alg_name(sid->algs[i]);
        printf("%s{\"alg\":\"%s\",\"id\":%u,\"size\":%u}", i ? "," : "", an ? an : "unknown",
               sid->algs[i], sid->sizes[i]);
    }
    printf("],\"vendor_info\":");
    cli_json_hex(stdout, sid->vendor_info, sid->vendor_info_len);
    printf("}");
}

/* Output modes (the json field and arguments): 0 text, 1 JSON, or compact:
 * one line per event, with the text headers and footer. */
#define OUT_COMPACT 2

static int dump_one(const char *path, enum cct_log_format fmt, uint64_t start, uint64_t count,
                    int json, int first_file)
{
    int compact = json == OUT_COMPACT;
    json = json == 1;
    cct_eventlog *log = NULL;
    int rc = fmt == CCT_LOG_AUTO ? dump_ccel_table(path, json, first_file) : -1;
    if (rc >= 0) {
        return rc;
    }
    rc = cli_open_log(path, fmt, &log);
    if (rc != 0) {
        if (json) {
            printf("%s\n  {\"file\":", first_file ? "" : ",");
            cli_json_str(stdout, path);
            printf(",\"error\":");
            cli_json_str(stdout,
                         cli_last_error.message[0] ? cli_last_error.message : "cannot open");
            printf("}");
        }
        return rc;
    }
    rc = cct_eventlog_select(log, start, count);
    if (rc < 0) {
        cli_error("eventlog", cct_eventlog_error(log));
        cct_eventlog_free(log);
        return cli_exit_for(rc);
    }
    if (json) {
        printf("%s\n  {\"file\":", first_file ? "" : ",");
        cli_json_str(stdout, path);
        printf(",\"format\":\"%s\"", cct_log_format_name(cct_eventlog_format(log)));
    } else {
        printf("==> %s (%s)\n", path, cct_log_format_name(cct_eventlog_format(log)));
    }
    struct cct_specid sid;
    int have_sid = 0;
    struct cct_event ev;
    int r, first = 1;
    uint64_t n = 0;
    if (json) {
        printf(",\"events\":[");
    }
    while ((r = cct_eventlog_next(log, &ev)) > 0) {
        if (!have_sid && cct_eventlog_specid(log, &sid) == 0) {
            have_sid = 1;
        }
        if (json) {
            cli_event_print_json(&ev, first);
        } else if (compact) {
            cli_event_print_compact(&ev);
        } else {
            cli_event_print_text(&ev);
        }
        first = 0;
        n++;
    }
    if (!have_sid && cct_eventlog_specid(log, &sid) == 0) {
        have_sid = 1;
    }
    print_summary(log, have_sid ? &sid : NULL, n, json);
    if (r < 0) {
        cli_error(path, cct_eventlog_error(log));
        if (json) {
            printf(",\"error\":");
            cli_json_str(stdout, cct_eventlog_error(log)->message);
        }
        rc = cli_exit_for(r);
    }
    if (json) {
        printf("}");
    }
    cct_eventlog_free(log);
    return rc;
}

/* No FILE: the platform's live logs, each with its own format unless --format is given. */
static int dump_live(enum cct_log_format fmt, uint64_t start, uint64_t count, int mode)
{
    int json = mode == 1;
    cct_context *ctx = NULL;
    struct cct_log_source src[CCT_MAX_LOG_SOURCES];
    size_t n = 0;
    int worst = cli_open_ctx("eventlog", &ctx);
    if (worst != EXIT_OK) {
        return worst;
    }
    int r = cct_get_log_sources(ctx, src, CCT_MAX_LOG_SOURCES, &n);
    if (r < 0) {
        worst = cli_ctx_fail("eventlog", ctx, r);
        cct_close(ctx);
        return worst;
    }
    if (n == 0) {
        cct_close(ctx);
        fprintf(stderr, "cctrusted eventlog: the platform has no event log\n");
        return EXIT_ENV;
    }
    if (json) {
        printf("{\"logs\":[");
    }
    for (size_t i = 0; i < n; i++) {
        int rc = dump_one(src[i].path, fmt != CCT_LOG_AUTO ? fmt : src[i].format, start, count,
                          mode, i == 0);
        worst = rc > worst ? rc : worst;
    }
    if (json) {
        printf("\n]");
        cli_json_error_member(stdout, worst);
        printf("}\n");
    }
    /* A source path may live only as long as the context (the agent platform's log). */
    cct_close(ctx);
    return worst;
}

struct args {
    int json, cel, ima_rtmr; /* json: 0 text, 1 JSON, OUT_COMPACT */
    enum cct_cel_encoding cel_enc;
    const char *out_path;
    uint64_t start, count;
    enum cct_log_format fmt;
};

static int parse_opt(int c, struct args *a)
{
    switch (c) {
    case 'j': a->json = 1; return EXIT_OK;
    case 's':
    case 'c':
        if (!cli_parse_u64(optarg, c == 's' ? &a->start : &a->count)) {
            fprintf(stderr, "cctrusted eventlog: --%s needs a non-negative number\n",
                    c == 's' ? "start" : "count");
            return EXIT_USAGE;
        }
        return EXIT_OK;
    case 'f':
        if (cct_log_format_from_name(optarg, &a->fmt) < 0) {
            fprintf(stderr, "cctrusted eventlog: unknown format '%s'\n", optarg);
            return EXIT_USAGE;
        }
        return EXIT_OK;
    case 'o':
        a->json = strcmp(optarg, "json") == 0      ? 1
                  : strcmp(optarg, "compact") == 0 ? OUT_COMPACT
                                                   : 0;
        a->cel = cli_cel_output_from_name(optarg, &a->cel_enc);
        if (!a->json && !a->cel && strcmp(optarg, "text") != 0) {
            fprintf(stderr, "cctrusted eventlog: unknown output '%s'\n", optarg);
            return EXIT_USAGE;
        }
        return EXIT_OK;
    case 'O': a->out_path = optarg; return EXIT_OK;
    case 'R': a->ima_rtmr = 1; return EXIT_OK;
    case 'h': usage(stdout); return -1;
    default: usage(stderr); return EXIT_USAGE;
    }
}

static int write_cel(const struct args *a, char **files, int n)
{
    if (n == 0) {
        fprintf(stderr, "cctrusted eventlog: --output %s needs FILE arguments\n", "cel-*");
        return EXIT_USAGE;
    }
    FILE *o = a->out_path ? fopen(a->out_path, "wbe") : stdout;
    if (o == NULL) {
        perror(a->out_path);
        return EXIT_ENV;
    }
    int rc = cli_write_cel(files, n, a->fmt, a->start, a->count, a->cel_enc, a->ima_rtmr, o);
    if (o != stdout && fclose(o) != 0 && rc == EXIT_OK) {
        rc = EXIT_ENV;
    }
    return rc;
}

int cmd_eventlog(int argc, char **argv)
{
    static const struct option opts[] = {
        { "json", no_argument, NULL, 'j' },
        { "start", required_argument, NULL, 's' },
        { "count", required_argument, NULL, 'c' },
        { "format", required_argument, NULL, 'f' },
        { "output", required_argument, NULL, 'o' },
        { "out", required_argument, NULL, 'O' },
        { "ima-rtmr", no_argument, NULL, 'R' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct args a = { 0, 0, 0, CCT_CEL_ENC_TLV, NULL, 0, CCT_COUNT_ALL, CCT_LOG_AUTO };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "js:c:f:o:O:h", opts, NULL)) != -1) {
        int rc = parse_opt(c, &a);
        if (rc != EXIT_OK) {
            return rc == -1 ? EXIT_OK : rc;
        }
    }
    if (a.cel) {
        return write_cel(&a, argv + optind, argc - optind);
    }
    if (a.out_path != NULL) {
        fprintf(stderr, "cctrusted eventlog: --out needs a cel-* --output\n");
        return EXIT_USAGE;
    }
    if (optind >= argc) {
        return dump_live(a.fmt, a.start, a.count, a.json);
    }
    int worst = EXIT_OK;
    if (a.json == 1) {
        printf("{\"logs\":[");
    }
    for (int i = optind; i < argc; i++) {
        int rc = dump_one(argv[i], a.fmt, a.start, a.count, a.json, i == optind);
        if (rc > worst) {
            worst = rc;
        }
    }
    if (a.json == 1) {
        printf("\n]");
        cli_json_error_member(stdout, worst);
        printf("}\n");
    }
    return worst;
}
