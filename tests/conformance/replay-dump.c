/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A user's program of the C API: replay the live logs (cct_replay_live) or
 * files (cct_replay_logs) and print "KIND INDEX ALG HEX" per register, for
 * comparing the frontends (tests/conformance/same_answer.py).
 *
 * Usage: replay-dump [--sysroot DIR --platform NAME] [--ima-banks A,B] [FILE...]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cctrusted/cctrusted.h>

static int print(const cct_replay *rp)
{
    for (size_t i = 0; i < cct_replay_count(rp); i++) {
        struct cct_register reg;
        if (cct_replay_get(rp, i, &reg) < 0) {
            return 1;
        }
        printf("%s %u %s ", reg.kind == CCT_REG_RTMR ? "rtmr" : "pcr", reg.index, cct_alg_name(reg.alg));
        for (size_t k = 0; k < reg.size; k++) {
            printf("%02x", reg.digest[k]);
        }
        printf("\n");
    }
    return 0;
}

static int banks(const char *list, struct cct_replay_options *o)
{
    char buf[128];
    snprintf(buf, sizeof(buf), "%s", list);
    for (char *t = buf, *next; t != NULL && o->n_ima_banks < CCT_MAX_DIGESTS; t = next) {
        char *comma = strchr(t, ',');
        next = comma ? comma + 1 : NULL;
        if (comma) {
            *comma = '\0';
        }
        o->ima_banks[o->n_ima_banks++] = cct_alg_from_name(t);
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct cct_open_options oo = CCT_OPEN_OPTIONS_INIT;
    struct cct_replay_options ro = CCT_REPLAY_OPTIONS_INIT;
    struct cct_log_input in[16];
    struct cct_error err;
    size_t n = 0;
    int live = 0;
    memset(in, 0, sizeof(in));
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--sysroot") == 0 && i + 1 < argc) {
            oo.sysroot = argv[++i];
            live = 1;
        } else if (strcmp(argv[i], "--platform") == 0 && i + 1 < argc) {
            if (cct_platform_from_name(argv[++i], &oo.platform) < 0) {
                return 1;
            }
        } else if (strcmp(argv[i], "--ima-banks") == 0 && i + 1 < argc) {
            banks(argv[++i], &ro);
        } else if (n < 16) {
            in[n++].path = argv[i];
        }
    }
    cct_replay *rp = NULL;
    int rc;
    if (live) {
        cct_context *ctx = NULL;
        rc = cct_open(&oo, &ctx, &err);
        if (rc == 0) {
            rc = cct_replay_live(ctx, ro.n_ima_banks ? &ro : NULL, &rp);
            if (rc < 0) {
                err = *cct_context_error(ctx);
            }
        }
        cct_close(ctx);
    } else {
        rc = cct_replay_logs(in, n, &ro, &rp, &err);
    }
    if (rc < 0) {
        fprintf(stderr, "replay-dump: %s\n", err.message);
        return 2;
    }
    rc = print(rp);
    cct_replay_free(rp);
    return rc;
}
