/* SPDX-License-Identifier: Apache-2.0 */
/* The container options of `cctrusted verify` (verify-container.c). */
#ifndef CCT_CLI_VERIFY_CONTAINER_H
#define CCT_CLI_VERIFY_CONTAINER_H

#include <stddef.h>
#include <stdint.h>

#include <cctrusted/cctrusted.h>
#include <cctrusted/verify.h>

enum { VC_OPT_ID = 1000, VC_OPT_LOG, VC_OPT_NODE, VC_OPT_NONCE, VC_OPT_DATA };

#define VERIFY_CONTAINER_LONGOPTS                                                                  \
    { "container", required_argument, NULL, VC_OPT_ID },                                           \
        { "container-log", required_argument, NULL, VC_OPT_LOG },                                  \
        { "node-log", required_argument, NULL, VC_OPT_NODE },                                      \
        { "container-nonce", required_argument, NULL, VC_OPT_NONCE },                              \
    {                                                                                              \
        "user-data", required_argument, NULL, VC_OPT_DATA                                          \
    }

#define VERIFY_CONTAINER_USAGE                                                                     \
    "  --container ID --container-log FILE --node-log FILE [--container-nonce HEX]\n"              \
    "                     [--user-data HEX]  a report bound to container ID "                      \
    "(docs/containers.md)\n"

/* 1 when c is one of the container options (stored), else 0. */
int verify_container_option(int c, const char *arg);
/* Whether any container option was given. */
int verify_container_requested(void);
/* Append the container checks to res. An exit code (0 when they ran). */
int verify_container_run(const uint8_t *report, size_t len, struct cct_verify_result *res);

#endif
