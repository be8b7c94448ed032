/* SPDX-License-Identifier: Apache-2.0 */
/* One event of `cctrusted eventlog`, as text or as a JSON object. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <cctrusted/cel.h>

#include "cli.h"

static const char *check_name(enum cct_digest_check c)
{
    switch (c) {
    case CCT_DIGEST_OK: return "ok";
    case CCT_DIGEST_OK_ALT: return "ok-variant";
    case CCT_DIGEST_OK_RULE: return "ok-rule";
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
    return ev->format == CCT_LOG_CEL_TLV || ev->format == CCT_LOG_CEL_JSON ||
           ev->format == CCT_LOG_CEL_CBOR;
}

static const char *cel_content_name(uint32_t t)
{
    const char *n = cct_cel_content_name(t);
    return n ? n : "unknown";
}

static void print_ima_text(const struct cct_event *ev)
{
    printf("Template          : ");
    for (size_t i = 0; i < ev->ima_template_len; i++) {
        unsigned char c = (unsigned char)ev->ima_template[i];
        putchar(c >= 0x20 && c < 0x7f ? c : '?');
    }
    putchar('\n');
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

void cli_event_print_text(const struct cct_event *ev)
{
    char tn[64];
    type_str(ev->type, tn, sizeof(tn));
    printf("------------------------------ Event %" PRIu64 " (offset 0x%" PRIx64 ", %" PRIu64
           " bytes) ------------------------------\n",
           ev->number, ev->offset, ev->length);
    if (ev->format == CCT_LOG_CCEL) {
        printf("Register          : %s%u (CC MR index %u)\n", cli_reg_prefix(ev->kind), ev->index,
               ev->index_logged);
    } else {
        printf("Register          : %s%u\n", cli_reg_prefix(ev->kind), ev->index);
    }
    char anomaly[160];
    if (cct_event_anomaly(ev, anomaly, sizeof(anomaly))) {
        printf("Anomaly           : %s\n", anomaly);
    }
    if (is_cel(ev)) {
        printf("CEL recnum        : %" PRIu64 "\n", ev->cel_recnum);
        printf("CEL content type  : %u (%s)\n", ev->cel_content_type,
               cel_content_name(ev->cel_content_type));
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

/* Short description for the compact output: the IMA file name, the CEL
 * content type, or the first line of the decoded event data. */
static void compact_desc(const struct cct_event *ev, char *out, size_t len)
{
    char *dec = NULL;
    const char *src = "";
    size_t n = 0;
    if (is_ima(ev) || ev->ima_template) {
        src = ev->ima_file_name ? ev->ima_file_name : "";
        n = ev->ima_file_name ? ev->ima_file_name_len : 0;
    } else if (is_cel(ev) && ev->cel_content_type != CCT_CEL_PCCLIENT_STD) {
        src = cel_content_name(ev->cel_content_type);
        n = strlen(src);
    } else {
        struct cct_error err;
        cct_error_clear(&err);
        (void)!cct_event_decode(ev, CCT_DECODE_TEXT, &dec,
                                &err); /* partial output is still useful */
        src = dec ? dec : "";
        src += strspn(src, " ");
        n = strcspn(src, "\n");
    }
    size_t k = 0;
    for (size_t i = 0; i < n && k + 1 < len; i++) {
        unsigned char c = (unsigned char)src[i];
        out[k++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
    }
    out[k] = '\0';
    cct_free(dec);
}

void cli_event_print_compact(const struct cct_event *ev)
{
    char tn[64], desc[81];
    type_str(ev->type, tn, sizeof(tn));
    if (is_ima(ev) || ev->ima_template) {
        snprintf(tn, sizeof(tn), "IMA");
    }
    printf("%" PRIu64 " %s%u %s", ev->number, cli_reg_prefix(ev->kind), ev->index, tn);
    for (size_t i = 0; i < ev->n_digests; i++) {
        const char *an = cct_alg_name(ev->digests[i].alg);
        printf(" %s:", an ? an : "unknown");
        cli_hex(stdout, ev->digests[i].bytes, ev->digests[i].size);
    }
    compact_desc(ev, desc, sizeof(desc));
    printf("%s%s\n", desc[0] ? "  " : "", desc);
}

void cli_event_print_json(const struct cct_event *ev, int first)
{
    char tn[64];
    type_str(ev->type, tn, sizeof(tn));
    if (is_ima(ev) || ev->ima_template) {
        snprintf(tn, sizeof(tn), "IMA");
    } else if (is_cel(ev) && ev->cel_content_type != CCT_CEL_PCCLIENT_STD) {
        snprintf(tn, sizeof(tn), "CEL_%s", cel_content_name(ev->cel_content_type));
    }
    printf("%s\n    {\"number\":%" PRIu64 ",\"offset\":%" PRIu64 ",\"length\":%" PRIu64,
           first ? "" : ",", ev->number, ev->offset, ev->length);
    printf(",\"register\":\"%s\",\"index\":%u,\"index_logged\":%u",
           ev->kind == CCT_REG_RTMR   ? "rtmr"
           : ev->kind == CCT_REG_MRTD ? "mrtd"
                                      : "pcr",
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
    char anomaly[160];
    if (cct_event_anomaly(ev, anomaly, sizeof(anomaly))) {
        printf(",\"anomaly\":");
        cli_json_str(stdout, anomaly);
    }
    if (is_ima(ev) || ev->ima_template) {
        print_ima_json(ev);
    }
    if (is_cel(ev)) {
        printf(",\"cel\":{\"recnum\":%" PRIu64 ",\"content_type\":%u,\"content_type_name\":\"%s\"}",
               ev->cel_recnum, ev->cel_content_type, cel_content_name(ev->cel_content_type));
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
    int cr = cct_event_check_digest(ev, &c, &literal);
    if (cr < 0) {
        /* The digests could not be computed (unknown or unavailable algorithm): no verdict. */
        c = CCT_DIGEST_NOT_CHECKED;
        literal = 0;
    }
    printf(",\"digest_matches_event\":%s,\"digest_check\":\"%s\"", literal ? "true" : "false",
           check_name(c));
    if (cr < 0) {
        printf(",\"digest_check_error\":\"%s\"", cct_strerror(cr));
    }
    printf("}");
}
