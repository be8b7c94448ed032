/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cctrusted replay: options in, library replay (cct_replay_logs /
 * cct_replay_live), comparison and explanation out. Every rule lives in
 * the library's replay module.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"

#define MAX_FILES 64
#define MAX_EXPECT CCT_MAX_REGISTERS

struct args {
    int json, verify;
    const char *expect_path;
    struct cct_replay_options o;
    enum cct_log_format fmt;
    int have_filt_index;
    struct cct_expected filt; /* --index (kind optional) */
    uint16_t filt_alg;
    uint8_t mrtd[48];
    const char *files[MAX_FILES];
    size_t n_files;
};

struct outcome {
    cct_replay *rp;
    struct cct_expected *ex;
    size_t n_expect, compared;
    int live_ima;
    const char *label;
};

static void usage(FILE *f)
{
    fprintf(
        f,
        "usage: cctrusted replay [--json] [--expect FILE | --verify] [--workaround NAME]... "
        "[--format F] [FILE...]\n"
        "  without FILE       replay the platform's live event logs (see cctrusted --platform)\n"
        "  --verify           compare every replayed register/bank with the live register\n"
        "  --expect FILE      compare with expected values: lines 'NAME ALG HEX', tokens\n"
        "                     [ALG:]NAME=HEX, the JSON of replay/measurement/eventlog --json, or\n"
        "                     the pcrs:/rtmrs: section of eventlog's YAML (NAME: N or IMRn\n"
        "                     = index n of the logs' register file, PCRn, RTMRn)\n"
        "  --workaround NAME  opt-in fix for a known firmware bug: ebs-missing, dup-separator\n"
        "  --index N          show only register N (PCRn / RTMRn also accepted)\n"
        "  --alg ALG          show only the ALG bank\n"
        "IMA lists (ascii or binary) are replayed after the boot logs, whatever the order given:\n"
        "  --ima-register K   pcr, rtmr or auto (default): auto extends IMA entries into RTMRs\n"
        "                     when a boot log is a CCEL, else into PCRs (the index is used as "
        "logged)\n"
        "  --ima-banks LIST   extra banks for IMA entries, e.g. sha256,sha384\n"
        "  --mrtd HEX         MRTD of the TD (from its quote), to check a TDX boot_aggregate\n");
}

static int bad(const char *msg, const char *arg)
{
    fprintf(stderr, "cctrusted replay: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
    return EXIT_USAGE;
}

static int parse_banks(const char *list, struct cct_replay_options *o)
{
    char buf[256];
    snprintf(buf, sizeof(buf), "%s", list);
    o->n_ima_banks = 0;
    for (char *t = buf, *next; t != NULL; t = next) {
        char *comma = strchr(t, ',');
        next = comma ? comma + 1 : NULL;
        if (comma) {
            *comma = '\0';
        }
        uint16_t a = cct_alg_from_name(t);
        if (cct_alg_digest_size(a) == 0 || o->n_ima_banks == CCT_MAX_DIGESTS) {
            return bad("bad --ima-banks entry", t);
        }
        o->ima_banks[o->n_ima_banks++] = a;
    }
    return EXIT_OK;
}

/* --index: N, PCRn or RTMRn (the same grammar as expected-value lines). */
static int parse_filter_index(const char *s, struct cct_expected *e)
{
    char line[160];
    size_t n = 0;
    snprintf(line, sizeof(line), "%s sha256 %064d", s, 0);
    if (cct_expected_parse((const uint8_t *)line, strlen(line), e, 1, &n, NULL) < 0 || n != 1) {
        return bad("--index needs N, PCRn or RTMRn", NULL);
    }
    return EXIT_OK;
}

static int parse_opt(int c, struct args *a)
{
    switch (c) {
    case 'i': a->have_filt_index = 1; return parse_filter_index(optarg, &a->filt);
    case 'a':
        a->filt_alg = cct_alg_from_name(optarg);
        return cct_alg_digest_size(a->filt_alg) ? EXIT_OK : bad("unknown algorithm", optarg);
    case 'R':
        if (strcmp(optarg, "pcr") == 0) {
            a->o.ima_register = CCT_IMA_REGISTER_PCR;
        } else if (strcmp(optarg, "rtmr") == 0) {
            a->o.ima_register = CCT_IMA_REGISTER_RTMR;
        } else if (strcmp(optarg, "auto") == 0) {
            a->o.ima_register = CCT_IMA_REGISTER_AUTO;
        } else {
            return bad("--ima-register takes pcr, rtmr or auto", NULL);
        }
        return EXIT_OK;
    case 'B': return parse_banks(optarg, &a->o);
    case 'M': {
        size_t ml;
        if (strlen(optarg) != 96 || cli_parse_hex(optarg, a->mrtd, 48, &ml) < 0 || ml != 48) {
            return bad("--mrtd needs 96 hex digits (48 bytes)", NULL);
        }
        a->o.mrtd = a->mrtd;
        a->o.mrtd_len = 48;
        return EXIT_OK;
    }
    case 'j': a->json = 1; return EXIT_OK;
    case 'V': a->verify = 1; return EXIT_OK;
    case 'e': a->expect_path = optarg; return EXIT_OK;
    case 'w': {
        uint32_t w = cct_workaround_from_name(optarg);
        if (w == 0) {
            return bad("unknown workaround (known: ebs-missing, dup-separator)", optarg);
        }
        a->o.workarounds |= w;
        return EXIT_OK;
    }
    case 'f':
        return cct_log_format_from_name(optarg, &a->fmt) < 0 ? bad("unknown format", optarg)
                                                             : EXIT_OK;
    default: usage(stderr); return EXIT_USAGE;
    }
}

static int parse_args(int argc, char **argv, struct args *a)
{
    static const struct option opts[] = {
        { "json", no_argument, NULL, 'j' },
        { "expect", required_argument, NULL, 'e' },
        { "workaround", required_argument, NULL, 'w' },
        { "format", required_argument, NULL, 'f' },
        { "index", required_argument, NULL, 'i' },
        { "alg", required_argument, NULL, 'a' },
        { "ima-register", required_argument, NULL, 'R' },
        { "ima-banks", required_argument, NULL, 'B' },
        { "mrtd", required_argument, NULL, 'M' },
        { "verify", no_argument, NULL, 'V' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int c;
    cct_replay_options_init(&a->o);
    optind = 1;
    while ((c = getopt_long(argc, argv, "je:w:f:hVi:a:R:B:M:", opts, NULL)) != -1) {
        if (c == 'h') {
            usage(stdout);
            return -1;
        }
        int rc = parse_opt(c, a);
        if (rc != EXIT_OK) {
            return rc;
        }
    }
    if (argc - optind > MAX_FILES || (a->verify && a->expect_path)) {
        usage(stderr);
        return EXIT_USAGE;
    }
    for (int i = optind; i < argc; i++) {
        a->files[a->n_files++] = argv[i];
    }
    return EXIT_OK;
}

/* Replay FILEs, or the live logs; sets out->rp. */
static int run_replay(struct args *a, cct_context *ctx, struct outcome *out)
{
    if (a->n_files == 0) {
        struct cct_log_source src[CCT_MAX_LOG_SOURCES];
        size_t n = 0;
        int e = cct_get_log_sources(ctx, src, CCT_MAX_LOG_SOURCES, &n);
        if (e == 0 && n == 0) {
            fprintf(stderr, "cctrusted replay: the platform has no event log\n");
            return EXIT_ENV;
        }
        for (size_t i = 0; e == 0 && i < n; i++) {
            out->live_ima |= strcmp(src[i].role, "ima") == 0;
        }
        if (e == 0) {
            e = cct_replay_live(ctx, &a->o, &out->rp);
        }
        return e < 0 ? cli_ctx_fail("replay", ctx, e) : EXIT_OK;
    }
    struct cct_log_input in[MAX_FILES];
    struct cct_error err;
    memset(in, 0, sizeof(in));
    for (size_t i = 0; i < a->n_files; i++) {
        in[i].path = a->files[i];
        in[i].format = a->fmt;
    }
    int e = cct_replay_logs(in, a->n_files, &a->o, &out->rp, &err);
    if (e < 0) {
        cli_error("replay", &err);
        return cli_exit_for(e);
    }
    return EXIT_OK;
}

static int load_expected(const struct args *a, cct_context *ctx, struct outcome *out)
{
    if (a->verify) {
        int e = cct_live_expected(ctx, out->rp, out->ex, MAX_EXPECT, &out->n_expect);
        if (e < 0) {
            return cli_ctx_fail("replay --verify", ctx, e);
        }
        out->label = "live registers";
    } else if (a->expect_path) {
        uint8_t *buf;
        size_t len;
        struct cct_error err;
        int rc = cli_slurp(a->expect_path, 1u << 24, &buf, &len);
        if (rc != 0) {
            return rc;
        }
        int e = cct_expected_parse(buf, len, out->ex, MAX_EXPECT, &out->n_expect, &err);
        free(buf);
        if (e == 0) {
            e = cct_replay_expected_check(out->rp, out->ex, out->n_expect, &err);
        }
        if (e < 0) {
            cli_error(a->expect_path, &err);
            return EXIT_USAGE;
        }
        out->label = a->expect_path;
    }
    for (size_t i = 0; i < out->n_expect; i++) {
        const struct cct_expected *e = &out->ex[i];
        if (e->size > 0) {
            out->compared++;
        } else if (e->kind != CCT_REG_MRTD) {
            fprintf(stderr,
                    "note: %s%u %s is in the log but not on the platform (bank not allocated?): "
                    "not compared\n",
                    cli_reg_prefix(e->kind), e->index, cct_alg_name(e->alg));
        }
    }
    return EXIT_OK;
}

int cmd_replay(int argc, char **argv)
{
    struct args *a = calloc(1, sizeof(*a));
    struct outcome out;
    cct_context *ctx = NULL;
    memset(&out, 0, sizeof(out));
    out.ex = calloc(MAX_EXPECT, sizeof(*out.ex));
    int rc = a && out.ex ? parse_args(argc, argv, a) : EXIT_ENV;
    if (rc == -1) {
        rc = EXIT_OK;
        goto done;
    }
    if (rc == EXIT_OK && (a->n_files == 0 || a->verify)) {
        rc = cli_open_ctx("replay", &ctx);
    }
    if (rc == EXIT_OK) {
        rc = run_replay(a, ctx, &out);
    }
    if (rc == EXIT_OK) {
        rc = load_expected(a, ctx, &out);
    }
    int opened = 0;
    if (rc == EXIT_OK) {
        rc = cli_replay_print(out.rp, a->json, a->have_filt_index ? &a->filt : NULL, a->filt_alg);
        opened = a->json;
    }
    if (rc == EXIT_OK && a->verify && a->n_files == 0 && !out.live_ima) {
        fprintf(a->json ? stderr : stdout,
                "note: no IMA log among the live sources (IMA not enabled on this "
                "platform): the verification covers the boot and runtime logs only\n");
    }
    if (rc == EXIT_OK && a->verify && a->json) {
        printf(",\"verify\":{\"ima_log_included\":%s,\"compared\":%zu}",
               out.live_ima ? "true" : "false", out.compared);
    }
    if (rc == EXIT_OK && out.label) {
        rc = cli_replay_compare(out.rp, out.ex, out.n_expect, out.label, a->verify, a->json);
    }
    if (opened) {
        printf("}\n");
    }
done:
    cct_close(ctx);
    cct_replay_free(out.rp);
    free(out.ex);
    free(a);
    return rc;
}
