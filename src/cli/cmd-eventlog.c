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
    fprintf(f, "usage: cctrusted eventlog [--json] [--start N] [--count N] [--format F]\n"
               "                          [--output O [--out FILE]] FILE...\n"
               "  --format F  auto (default), tcg2, tcg1, ccel, ima, ima-bin, cel-tlv, cel-json, cel-cbor\n"
               "  --output O  text (default), json, or a Canonical Event Log: cel-tlv, cel-json,\n"
               "              cel-json-systemd, cel-cbor (written to stdout or --out FILE)\n"
               "  --ima-rtmr  with a cel-* output: IMA entries go to RTMR n (a TDX kernel's list)\n"
               "  A FILE starting with the ACPI signature \"CCEL\" is shown as a CCEL table.\n"
               "  --start N   first event number to show (0 = the header); default 0\n"
               "  --count N   show at most N events; default all. A start past the end shows nothing.\n");
    fprintf(f, "  without FILE: the live event logs of the platform (see cctrusted --platform)\n");
}

static const char *check_name(enum cct_digest_check c)
{
    switch (c) {
    case CCT_DIGEST_OK: return "ok";
    case CCT_DIGEST_OK_ALT: return "ok-variant";
    case CCT_DIGEST_MISMATCH: return "mismatch";
    default: return "not-applicable";
    }
}

static void type_str(uint32_t type, char *buf, size_t len)
{
    const char *n = cct_event_type_name(type);
    if (n) {
        snprintf(buf, len, "%s", n);
    } else {
        snprintf(buf, len, "UNKNOWN");
    }
}

static int is_ima(const struct cct_event *ev)
{
    return ev->format == CCT_LOG_IMA_ASCII || ev->format == CCT_LOG_IMA_BINARY;
}

static int is_cel(const struct cct_event *ev)
{
    return ev->format == CCT_LOG_CEL_TLV || ev->format == CCT_LOG_CEL_JSON || ev->format == CCT_LOG_CEL_CBOR;
}

static const char *cel_content_name(uint32_t t)
{
    switch (t) {
    case CCT_CEL_MGT: return "cel_mgt";
    case CCT_CEL_PCCLIENT_STD: return "pcclient_std";
    case CCT_CEL_IMA_TEMPLATE: return "ima_template";
    case CCT_CEL_IMA_TLV: return "ima_tlv";
    case CCT_CEL_SYSTEMD: return "systemd";
    case CCT_CEL_COS: return "cos";
    default: return "unknown";
    }
}

static void print_ima_text(const struct cct_event *ev)
{
    printf("Template          : %.*s\n", (int)ev->ima_template_len, ev->ima_template);
    if (ev->ima_file_digest) {
        printf("File digest       : %.*s:", (int)ev->ima_file_alg_name_len, ev->ima_file_alg_name);
        for (size_t i = 0; i < ev->ima_file_digest_len; i++) {
            printf("%02x", ev->ima_file_digest[i]);
        }
        printf("\n");
    }
    if (ev->ima_file_name) {
        printf("File name         : ");
        for (size_t i = 0; i < ev->ima_file_name_len; i++) {
            unsigned char c = (unsigned char)ev->ima_file_name[i];
            putchar(c >= 0x20 && c < 0x7f ? c : '?');
        }
        printf("\n");
    }
    if (ev->flags & CCT_EVENT_F_IMA_VIOLATION) {
        printf("Violation         : yes (replayed as all-0xFF)\n");
    }
}

static void print_ima_json(const struct cct_event *ev)
{
    char buf[512];
    snprintf(buf, sizeof(buf), "%.*s", (int)ev->ima_template_len, ev->ima_template);
    printf(",\"ima\":{\"template\":");
    cli_json_str(stdout, buf);
    if (ev->ima_file_digest) {
        snprintf(buf, sizeof(buf), "%.*s", (int)ev->ima_file_alg_name_len, ev->ima_file_alg_name);
        printf(",\"file_alg\":");
        cli_json_str(stdout, buf);
        printf(",\"file_digest\":");
        cli_json_hex(stdout, ev->ima_file_digest, ev->ima_file_digest_len);
    }
    if (ev->ima_file_name) {
        char *nm = malloc(ev->ima_file_name_len + 1);
        if (nm) {
            for (size_t i = 0; i < ev->ima_file_name_len; i++) {
                nm[i] = ev->ima_file_name[i] ? ev->ima_file_name[i] : '?';
            }
            nm[ev->ima_file_name_len] = 0;
            printf(",\"file_name\":");
            cli_json_str(stdout, nm);
            free(nm);
        }
    }
    printf(",\"violation\":%s}", (ev->flags & CCT_EVENT_F_IMA_VIOLATION) ? "true" : "false");
}

static void print_text(const struct cct_event *ev)
{
    char tn[64];
    type_str(ev->type, tn, sizeof(tn));
    printf("------------------------------ Event %" PRIu64 " (offset 0x%" PRIx64 ", %" PRIu64 " bytes) ------------------------------\n",
           ev->number, ev->offset, ev->length);
    if (ev->format == CCT_LOG_CCEL) {
        printf("Register          : %s%u (CC MR index %u)\n", cli_reg_prefix(ev->kind), ev->index, ev->index_logged);
    } else {
        printf("Register          : %s%u\n", cli_reg_prefix(ev->kind), ev->index);
    }
    if (is_cel(ev)) {
        printf("CEL recnum        : %" PRIu64 "\n", ev->cel_recnum);
        printf("CEL content type  : %u (%s)\n", ev->cel_content_type, cel_content_name(ev->cel_content_type));
    }
    if (is_ima(ev) || ev->ima_template) {
        print_ima_text(ev);
    } else if (!is_cel(ev) || ev->cel_content_type == CCT_CEL_PCCLIENT_STD) {
        printf("Type              : 0x%X (%s)\n", ev->type, tn);
    }
    for (size_t i = 0; i < ev->n_digests; i++) {
        const char *an = cct_alg_name(ev->digests[i].alg);
        printf("Algorithm_id[%zu]   : %u (%s)\n", i, ev->digests[i].alg, an ? an : "unknown");
        printf("Digest[%zu]:\n", i);
        cli_hexdump(stdout, ev->digests[i].bytes, ev->digests[i].size, "  ");
    }
    printf("%s (%zu bytes):\n", is_ima(ev) ? "Template data" : "Event", ev->data_len);
    cli_hexdump(stdout, ev->data, ev->data_len, "  ");
    char *dec = NULL;
    struct cct_error err;
    cct_error_clear(&err);
    int r = (is_ima(ev) || (is_cel(ev) && ev->cel_content_type != CCT_CEL_PCCLIENT_STD))
                ? 0
                : cct_event_decode(ev, CCT_DECODE_TEXT, &dec, &err);
    if (dec && dec[0]) {
        printf("Decoded:\n%s", dec);
    }
    if (r < 0) {
        printf("Decode warning    : %s\n", err.message);
    }
    cct_free(dec);
    enum cct_digest_check c;
    int literal = 0;
    if (cct_event_check_digest(ev, &c, &literal) == 0 && c != CCT_DIGEST_NOT_CHECKED) {
        printf("Digest check      : %s\n", check_name(c));
    }
}

static void print_json(const struct cct_event *ev, int first)
{
    char tn[64];
    type_str(ev->type, tn, sizeof(tn));
    if (is_ima(ev) || ev->ima_template) {
        snprintf(tn, sizeof(tn), "IMA");
    } else if (is_cel(ev) && ev->cel_content_type != CCT_CEL_PCCLIENT_STD) {
        snprintf(tn, sizeof(tn), "CEL_%s", cel_content_name(ev->cel_content_type));
    }
    printf("%s\n    {\"number\":%" PRIu64 ",\"offset\":%" PRIu64 ",\"length\":%" PRIu64, first ? "" : ",", ev->number,
           ev->offset, ev->length);
    printf(",\"register\":\"%s\",\"index\":%u,\"index_logged\":%u", ev->kind == CCT_REG_RTMR ? "rtmr" : ev->kind == CCT_REG_MRTD ? "mrtd" : "pcr",
           ev->index, ev->index_logged);
    printf(",\"type\":%u,\"type_name\":\"%s\",\"digests\":[", ev->type, tn);
    for (size_t i = 0; i < ev->n_digests; i++) {
        const char *an = cct_alg_name(ev->digests[i].alg);
        printf("%s{\"alg\":", i ? "," : "");
        if (an) {
            printf("\"%s\"", an);
        } else {
            printf("\"0x%04x\"", ev->digests[i].alg);
        }
        printf(",\"digest\":");
        cli_json_hex(stdout, ev->digests[i].bytes, ev->digests[i].size);
        printf("}");
    }
    printf("],\"data\":");
    cli_json_hex(stdout, ev->data, ev->data_len);
    if (is_ima(ev) || ev->ima_template) {
        print_ima_json(ev);
    }
    if (is_cel(ev)) {
        printf(",\"cel\":{\"recnum\":%" PRIu64 ",\"content_type\":%u,\"content_type_name\":\"%s\"}", ev->cel_recnum,
               ev->cel_content_type, cel_content_name(ev->cel_content_type));
    }
    char *dec = NULL;
    struct cct_error err;
    cct_error_clear(&err);
    int r = (is_ima(ev) || (is_cel(ev) && ev->cel_content_type != CCT_CEL_PCCLIENT_STD))
                ? 0
                : cct_event_decode(ev, CCT_DECODE_JSON, &dec, &err);
    printf(",\"decoded\":%s", dec && dec[0] ? dec : "{}");
    if (r < 0) {
        printf(",\"decode_warning\":");
        cli_json_str(stdout, err.message);
    }
    cct_free(dec);
    enum cct_digest_check c = CCT_DIGEST_NOT_CHECKED;
    int literal = 0;
    cct_event_check_digest(ev, &c, &literal);
    printf(",\"digest_matches_event\":%s,\"digest_check\":\"%s\"}", literal ? "true" : "false", check_name(c));
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
        printf(",\"cc_subtype\":%u,\"laml\":%" PRIu64 ",\"lasa\":%" PRIu64 "}}", t.cc_subtype, t.laml,
               t.lasa);
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

static int dump_one(const char *path, enum cct_log_format fmt, uint64_t start, uint64_t count, int json,
                    int first_file)
{
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
            printf(",\"error\":\"cannot open\"}");
        }
        return rc;
    }
    cct_eventlog_select(log, start, count);
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
            print_json(&ev, first);
        } else {
            print_text(&ev);
        }
        first = 0;
        n++;
    }
    if (!have_sid && cct_eventlog_specid(log, &sid) == 0) {
        have_sid = 1;
    }
    if (json) {
        printf("\n  ],\"count\":%" PRIu64 ",\"padding\":%" PRIu64, n, cct_eventlog_padding(log));
        if (have_sid) {
            printf(",\"specid\":{\"platform_class\":%u,\"version\":\"%u.%u\",\"errata\":%u,\"uintn_size\":%u,\"algorithms\":[",
                   sid.platform_class, sid.version_major, sid.version_minor, sid.errata, sid.uintn_size);
            for (size_t i = 0; i < sid.n_algs; i++) {
                const char *an = cct_alg_name(sid.algs[i]);
                printf("%s{\"alg\":\"%s\",\"id\":%u,\"size\":%u}", i ? "," : "", an ? an : "unknown", sid.algs[i], sid.sizes[i]);
            }
            printf("],\"vendor_info\":");
            cli_json_hex(stdout, sid.vendor_info, sid.vendor_info_len);
            printf("}");
        }
    } else {
        printf("==> %" PRIu64 " events shown", n);
        if (cct_eventlog_padding(log)) {
            printf(", log ended by %" PRIu64 " bytes of padding", cct_eventlog_padding(log));
        }
        printf("\n");
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
static int dump_live(enum cct_log_format fmt, uint64_t start, uint64_t count, int json)
{
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
        int rc = dump_one(src[i].path, fmt != CCT_LOG_AUTO ? fmt : src[i].format, start, count, json, i == 0);
        worst = rc > worst ? rc : worst;
    }
    if (json) {
        printf("\n]}\n");
    }
    /* A source path may live only as long as the context (the agent platform's log). */
    cct_close(ctx);
    return worst;
}

int cmd_eventlog(int argc, char **argv)
{
    static const struct option opts[] = {
        { "json", no_argument, NULL, 'j' },    { "start", required_argument, NULL, 's' },
        { "count", required_argument, NULL, 'c' }, { "format", required_argument, NULL, 'f' },
        { "output", required_argument, NULL, 'o' }, { "out", required_argument, NULL, 'O' },
        { "ima-rtmr", no_argument, NULL, 'R' },
        { "help", no_argument, NULL, 'h' },    { NULL, 0, NULL, 0 },
    };
    int json = 0, c, cel = 0, ima_rtmr = 0;
    enum cct_cel_encoding cel_enc = CCT_CEL_ENC_TLV;
    const char *out_path = NULL;
    uint64_t start = 0, count = CCT_COUNT_ALL;
    enum cct_log_format fmt = CCT_LOG_AUTO;
    optind = 1;
    while ((c = getopt_long(argc, argv, "js:c:f:o:O:h", opts, NULL)) != -1) {
        switch (c) {
        case 'j': json = 1; break;
        case 's':
            if (!cli_parse_u64(optarg, &start)) {
                fprintf(stderr, "cctrusted eventlog: --start needs a non-negative number\n");
                return EXIT_USAGE;
            }
            break;
        case 'c':
            if (!cli_parse_u64(optarg, &count)) {
                fprintf(stderr, "cctrusted eventlog: --count needs a non-negative number\n");
                return EXIT_USAGE;
            }
            break;
        case 'f':
            if (cct_log_format_from_name(optarg, &fmt) < 0) {
                fprintf(stderr, "cctrusted eventlog: unknown format '%s'\n", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'o':
            json = strcmp(optarg, "json") == 0;
            cel = cli_cel_output_from_name(optarg, &cel_enc);
            if (!json && !cel && strcmp(optarg, "text") != 0) {
                fprintf(stderr, "cctrusted eventlog: unknown output '%s'\n", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'O': out_path = optarg; break;
        case 'R': ima_rtmr = 1; break;
        case 'h': usage(stdout); return EXIT_OK;
        default: usage(stderr); return EXIT_USAGE;
        }
    }
    if (cel) {
        if (optind >= argc) {
            fprintf(stderr, "cctrusted eventlog: --output %s needs FILE arguments\n", "cel-*");
            return EXIT_USAGE;
        }
        FILE *o = out_path ? fopen(out_path, "wbe") : stdout;
        if (o == NULL) {
            perror(out_path);
            return EXIT_ENV;
        }
        int rc = cli_write_cel(argv + optind, argc - optind, fmt, start, count, cel_enc, ima_rtmr, o);
        if (o != stdout && fclose(o) != 0 && rc == EXIT_OK) {
            rc = EXIT_ENV;
        }
        return rc;
    }
    if (out_path != NULL) {
        fprintf(stderr, "cctrusted eventlog: --out needs a cel-* --output\n");
        return EXIT_USAGE;
    }
    if (optind >= argc) {
        return dump_live(fmt, start, count, json);
    }
    int worst = EXIT_OK;
    if (json) {
        printf("{\"logs\":[");
    }
    for (int i = optind; i < argc; i++) {
        int rc = dump_one(argv[i], fmt, start, count, json, i == optind);
        if (rc > worst) {
            worst = rc;
        }
    }
    if (json) {
        printf("\n]}\n");
    }
    return worst;
}
