/* SPDX-License-Identifier: Apache-2.0 */
/* cctrusted eventlog: dump events with digests, raw data and decoded data. */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cel-out.h"
#include "cli.h"
#include "eventlog-out.h"

static void usage(FILE *f)
{
    fprintf(
        f, "usage: cctrusted eventlog [--json] [--start N] [--count N] [--format F]\n"
           "                          [--output O [--out FILE]] FILE...\n"
           "  --format F  auto (default), tcg2, tcg1, ccel, ima, ima-bin, cel-tlv, cel-json, "
           "cel-cbor\n"
           "  --output O  text (default), compact (one line per event), json, yaml (the layout of\n"
           "              tpm2_eventlog), or a Canonical\n"
           "              Event Log: cel-tlv, cel-json, cel-json-systemd, cel-cbor (written to\n"
           "              stdout or --out FILE)\n"
           "  --ima-rtmr  with a cel-* output: IMA entries go to RTMR n (default: when a CCEL is "
           "given)\n"
           "  A FILE starting with the ACPI signature \"CCEL\" is shown as a CCEL table.\n"
           "  --start N   first event number to show (0 = the header); default 0\n"
           "  --count N   show at most N events; default all. A start past the end shows nothing.\n"
           "  --index N   only events extending register N (PCR n, RTMR n)\n"
           "  --alg A     only events with an A digest, and only that digest\n"
           "  --type T    only events of type T (EV_SEPARATOR, or a number)\n"
           "  The footer counts digest-check failures; the registers replayed from the whole\n"
           "  log follow it.\n");
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

/* Header of one log: JSON object start, YAML document start, or the text line. */
static void print_header(const char *path, const cct_eventlog *log, enum el_mode mode,
                         int first_file)
{
    const char *fn = cct_log_format_name(cct_eventlog_format(log));
    if (mode == EL_JSON) {
        printf("%s\n  {\"file\":", first_file ? "" : ",");
        cli_json_str(stdout, path);
        printf(",\"format\":\"%s\",\"events\":[", fn);
    } else if (mode == EL_YAML) {
        printf("---\n# ");
        cli_text_str(stdout, path);
        printf(" (%s)\nversion: 1\nevents:\n", fn);
    } else {
        printf("==> %s (%s)\n", path, fn);
    }
}

static int dump_one(const char *path, const struct el_view *v, int first_file)
{
    int json = v->mode == EL_JSON;
    cct_eventlog *log = NULL;
    int rc =
        v->fmt == CCT_LOG_AUTO && v->mode != EL_YAML ? dump_ccel_table(path, json, first_file) : -1;
    if (rc >= 0) {
        return rc;
    }
    if ((rc = cli_open_log(path, v->fmt, &log)) != 0) {
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
    if ((rc = cct_eventlog_select(log, v->start, v->count)) < 0) {
        cli_error("eventlog", cct_eventlog_error(log));
        cct_eventlog_free(log);
        return cli_exit_for(rc);
    }
    print_header(path, log, v->mode, first_file);
    struct cct_specid sid;
    int have_sid = 0, r, first = 1;
    struct cct_event ev, shown;
    uint64_t n = 0, failed = 0;
    while ((r = cct_eventlog_next(log, &ev)) > 0) {
        if (!have_sid && cct_eventlog_specid(log, &sid) == 0) {
            have_sid = 1;
        }
        if (!el_filter(v, &ev, &shown)) {
            continue;
        }
        failed += (uint64_t)el_digest_failed(&ev);
        switch (v->mode) {
        case EL_JSON: cli_event_print_json(&shown, first); break;
        case EL_COMPACT: cli_event_print_compact(&shown); break;
        case EL_YAML: el_print_yaml_event(&shown, have_sid ? &sid : NULL); break;
        default: cli_event_print_text(&shown); break;
        }
        first = 0;
        n++;
    }
    if (!have_sid && cct_eventlog_specid(log, &sid) == 0) {
        have_sid = 1;
    }
    if (v->mode == EL_TEXT || v->mode == EL_COMPACT) {
        el_print_replay(path, v); /* the footer stays the last line */
        el_print_summary(log, have_sid ? &sid : NULL, n, failed, v->mode);
    } else {
        el_print_summary(log, have_sid ? &sid : NULL, n, failed, v->mode);
        el_print_replay(path, v);
    }
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
static int dump_live(const struct el_view *view)
{
    int json = view->mode == EL_JSON;
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
        struct el_view v = *view;
        v.fmt = view->fmt != CCT_LOG_AUTO ? view->fmt : src[i].format;
        int rc = dump_one(src[i].path, &v, i == 0);
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
    int cel, ima_rtmr;
    enum cct_cel_encoding cel_enc;
    const char *out_path;
    struct el_view v;
};

static int parse_opt(int c, struct args *a)
{
    uint64_t v;
    switch (c) {
    case 'j': a->v.mode = EL_JSON; return EXIT_OK;
    case 's':
    case 'c':
        if (!cli_parse_u64(optarg, c == 's' ? &a->v.start : &a->v.count)) {
            fprintf(stderr, "cctrusted eventlog: --%s needs a non-negative number\n",
                    c == 's' ? "start" : "count");
            return EXIT_USAGE;
        }
        return EXIT_OK;
    case 'f':
        if (cct_log_format_from_name(optarg, &a->v.fmt) < 0) {
            fprintf(stderr, "cctrusted eventlog: unknown format '%s'\n", optarg);
            return EXIT_USAGE;
        }
        return EXIT_OK;
    case 'o':
        a->v.mode = strcmp(optarg, "json") == 0      ? EL_JSON
                    : strcmp(optarg, "compact") == 0 ? EL_COMPACT
                    : strcmp(optarg, "yaml") == 0    ? EL_YAML
                                                     : EL_TEXT;
        a->cel = cli_cel_output_from_name(optarg, &a->cel_enc);
        if (a->v.mode == EL_TEXT && !a->cel && strcmp(optarg, "text") != 0) {
            fprintf(stderr, "cctrusted eventlog: unknown output '%s'\n", optarg);
            return EXIT_USAGE;
        }
        return EXIT_OK;
    case 'O': a->out_path = optarg; return EXIT_OK;
    case 'i':
        if (!cli_parse_index("eventlog", optarg, &v)) {
            return EXIT_USAGE;
        }
        a->v.have_index = true;
        a->v.index = (uint32_t)v;
        return EXIT_OK;
    case 'a':
        if ((a->v.alg = cct_alg_from_name(optarg)) == 0) {
            fprintf(stderr, "cctrusted eventlog: unknown algorithm '%s'\n", optarg);
            return EXIT_USAGE;
        }
        return EXIT_OK;
    case 't':
        if (!el_parse_type(optarg, &a->v.type)) {
            fprintf(stderr, "cctrusted eventlog: --type: not an event type name or number: '%s'\n",
                    optarg);
            return EXIT_USAGE;
        }
        a->v.have_type = true;
        return EXIT_OK;
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
    if (a->v.have_index || a->v.have_type || a->v.alg != 0) {
        fprintf(stderr, "cctrusted eventlog: --index/--alg/--type do not apply to a CEL export\n");
        if (o != stdout) {
            fclose(o);
        }
        return EXIT_USAGE;
    }
    int rc = cli_write_cel(files, n, a->v.fmt, a->v.start, a->v.count, a->cel_enc, a->ima_rtmr, o);
    if (o != stdout && fclose(o) != 0 && rc == EXIT_OK) {
        rc = EXIT_ENV;
    }
    return rc;
}

int cmd_eventlog(int argc, char **argv)
{
    static const struct option opts[] = {
        { "json", no_argument, NULL, 'j' },         { "start", required_argument, NULL, 's' },
        { "count", required_argument, NULL, 'c' },  { "format", required_argument, NULL, 'f' },
        { "output", required_argument, NULL, 'o' }, { "out", required_argument, NULL, 'O' },
        { "ima-rtmr", no_argument, NULL, 'R' },     { "index", required_argument, NULL, 'i' },
        { "alg", required_argument, NULL, 'a' },    { "type", required_argument, NULL, 't' },
        { "help", no_argument, NULL, 'h' },         { NULL, 0, NULL, 0 },
    };
    struct args a = { 0,
                      0,
                      CCT_CEL_ENC_TLV,
                      NULL,
                      { EL_TEXT, CCT_LOG_AUTO, 0, CCT_COUNT_ALL, false, false, 0, 0, 0 } };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "js:c:f:o:O:i:a:t:h", opts, NULL)) != -1) {
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
        return dump_live(&a.v);
    }
    int worst = EXIT_OK;
    if (a.v.mode == EL_JSON) {
        printf("{\"logs\":[");
    }
    for (int i = optind; i < argc; i++) {
        int rc = dump_one(argv[i], &a.v, i == optind);
        if (rc > worst) {
            worst = rc;
        }
    }
    if (a.v.mode == EL_JSON) {
        printf("\n]");
        cli_json_error_member(stdout, worst);
        printf("}\n");
    }
    return worst;
}
