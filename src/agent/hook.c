/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `cctrustedd hook`: an OCI runtime hook (runc/crun "createRuntime" in
 * config.json, or a CRI-O/podman hooks.d entry). Reads the container's
 * state JSON on stdin and has the library measure it (cct_container_start):
 * the container log, and the start record extended into the node's runtime
 * register. Exit 0 measured (or already), 1 usage, 2 bad state, 3 platform.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cctrusted/cctrusted.h>

#include "container.h"

#define HOOK_STATE_MAX ((size_t)1024 * 1024)

static void hook_usage(FILE *f)
{
    fprintf(f,
            "usage: cctrustedd hook [--platform auto|tdx|tpm|sim] [--sysroot DIR]\n"
            "                       [--container-dir DIR] [--no-rootfs]\n"
            "OCI runtime hook: reads the container state JSON on stdin, records the container's\n"
            "creation events in DIR/<id>.cel and its start in the node's runtime register.\n");
}

/* The container state JSON from stdin (at most HOOK_STATE_MAX bytes). 0 or the exit code. */
static int read_state(char **out, size_t *len)
{
    char *state = malloc(HOOK_STATE_MAX + 1);
    if (state == NULL) {
        return 3;
    }
    size_t n = 0;
    for (;;) {
        ssize_t k = read(0, state + n, HOOK_STATE_MAX + 1 - n);
        if (k < 0 && errno == EINTR) {
            continue;
        }
        if (k < 0) {
            fprintf(stderr, "cctrustedd hook: cannot read the state: %s\n", strerror(errno));
            free(state);
            return 3;
        }
        if (k == 0) {
            break;
        }
        n += (size_t)k;
        if (n > HOOK_STATE_MAX) {
            fprintf(stderr, "cctrustedd hook: state on stdin is larger than %zu bytes\n",
                    HOOK_STATE_MAX);
            free(state);
            return 2;
        }
    }
    *out = state;
    *len = n;
    return 0;
}

int hook_main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "platform", required_argument, NULL, 'p' },
        { "sysroot", required_argument, NULL, 'r' },
        { "container-dir", required_argument, NULL, 'd' },
        { "no-rootfs", no_argument, NULL, 'n' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct cct_open_options oo = CCT_OPEN_OPTIONS_INIT;
    struct cct_container_start_options so = CCT_CONTAINER_START_OPTIONS_INIT;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'p':
            if (cct_platform_from_name(optarg, &oo.platform) < 0 ||
                oo.platform == CCT_PLATFORM_NONE) {
                fprintf(stderr, "cctrustedd hook: unknown platform %s\n", optarg);
                return 1;
            }
            break;
        case 'r': oo.sysroot = optarg; break;
        case 'd': so.state_dir = optarg; break;
        case 'n': so.measure_rootfs = 0; break;
        case 'h': hook_usage(stdout); return 0;
        default: hook_usage(stderr); return 1;
        }
    }
    if (optind != argc) {
        hook_usage(stderr);
        return 1;
    }
    char *state = NULL;
    size_t n = 0;
    int rc = read_state(&state, &n);
    if (rc != 0) {
        return rc;
    }
    cct_context *ctx = NULL;
    struct cct_error err;
    int r = cct_open(&oo, &ctx, &err);
    if (r < 0) {
        fprintf(stderr, "cctrustedd hook: cannot open the platform: %s\n", err.message);
        free(state);
        return 3;
    }
    struct cct_container_start_result res;
    r = cct_container_start(ctx, state, n, &so, &res);
    free(state);
    if (r < 0) {
        fprintf(stderr, "cctrustedd hook: %s\n", cct_context_error(ctx)->message);
        cct_close(ctx);
        return (r == CCT_EMALFORMED || r == CCT_ELIMIT || r == CCT_EVERIFY) ? 2 : 3;
    }
    char hx[2 * CCT_CONTAINER_IMR_SIZE + 1];
    for (size_t i = 0; i < CCT_CONTAINER_IMR_SIZE; i++) {
        snprintf(hx + 2 * i, 3, "%02x", res.imr[i]);
    }
    fprintf(stderr, "cctrustedd hook: container %s: %zu events%s, IMR3 %s; start %s in %s%u\n",
            res.id, res.n_events, res.rootfs_measured ? " (rootfs measured)" : "", hx,
            res.already_recorded ? "already recorded" : "recorded",
            cct_context_platform(ctx) == CCT_PLATFORM_TPM ? "PCR" : "RTMR", res.node_index);
    cct_close(ctx);
    return 0;
}
