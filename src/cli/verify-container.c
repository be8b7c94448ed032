/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `cctrusted verify --container ID --container-log FILE --node-log FILE
 * [--container-nonce HEX] [--user-data HEX]`: the options of a
 * container-bound report; the checks are the library's
 * (cct_verify_container_report).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cctrusted/cctrusted.h>

#include "cli.h"
#include "emit.h"
#include "verify-container.h"

#define MAX_LOG_BYTES ((size_t)256 * 1024 * 1024)
#define MAX_HEX_BYTES 4096

static struct {
    const char *id, *log, *node;
    const char *nonce_hex, *data_hex;
} opt;

int verify_container_option(int c, const char *arg)
{
    switch (c) {
    case VC_OPT_ID: opt.id = arg; return 1;
    case VC_OPT_LOG: opt.log = arg; return 1;
    case VC_OPT_NODE: opt.node = arg; return 1;
    case VC_OPT_NONCE: opt.nonce_hex = arg; return 1;
    case VC_OPT_DATA: opt.data_hex = arg; return 1;
    default: return 0;
    }
}

int verify_container_requested(void)
{
    return opt.id != NULL || opt.log != NULL || opt.node != NULL;
}

int verify_container_run(const uint8_t *report, size_t len, struct cct_verify_result *res)
{
    if (opt.id == NULL || opt.log == NULL || opt.node == NULL) {
        fprintf(stderr, "cctrusted: verify: --container, --container-log and --node-log go "
                        "together\n");
        return EXIT_USAGE;
    }
    static uint8_t nonce[MAX_HEX_BYTES], data[MAX_HEX_BYTES];
    size_t nl = 0, dl = 0;
    if ((opt.nonce_hex != NULL && cli_parse_hex(opt.nonce_hex, nonce, sizeof(nonce), &nl) < 0) ||
        (opt.data_hex != NULL && cli_parse_hex(opt.data_hex, data, sizeof(data), &dl) < 0)) {
        fprintf(stderr,
                "cctrusted: verify: --container-nonce/--user-data: not hex of at most %d "
                "bytes\n",
                MAX_HEX_BYTES);
        return EXIT_USAGE;
    }
    uint8_t *clog = NULL, *node = NULL;
    size_t clen = 0, nlen = 0;
    int rc = cli_slurp(opt.log, MAX_LOG_BYTES, &clog, &clen);
    if (rc == 0) {
        rc = cli_slurp(opt.node, MAX_LOG_BYTES, &node, &nlen);
    }
    if (rc == 0) {
        struct cct_container_evidence ev = CCT_CONTAINER_EVIDENCE_INIT;
        ev.id = opt.id;
        ev.container_log = clog;
        ev.container_log_len = clen;
        ev.node_log = node;
        ev.node_log_len = nlen;
        ev.nonce = nonce;
        ev.nonce_len = nl;
        ev.user_data = data;
        ev.user_data_len = dl;
        struct cct_error err;
        if (cct_verify_container_report(report, len, &ev, res, &err) < 0) {
            cli_error("verify", &err);
            rc = EXIT_USAGE;
        }
    }
    free(clog);
    free(node);
    return rc;
}
