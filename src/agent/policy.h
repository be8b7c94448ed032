/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Access policy of the agent: a small JSON file (docs/agent.md). Which
 * callers may see what, which uids may ask for a quote, request rates.
 */
#ifndef CCTD_POLICY_H
#define CCTD_POLICY_H

#include <stddef.h>
#include <sys/types.h>

#define POLICY_MAX_UIDS 64
#define POLICY_MAX_PROCESSES 64 /* CCT_CONTAINER_SYSTEM_MAX_PROCESSES */
#define POLICY_MAX_NAME 256

struct policy {
    int isolated;       /* containers do not see the host IMA log (CIMA isolated: true) */
    int report_any_uid; /* 1 unless report_uids is given */
    size_t n_report_uids;
    uid_t report_uids[POLICY_MAX_UIDS];
    int report_from_containers; /* containers may call GetCcReport */
    double rate_per_second;     /* per caller (container, else uid); 0 = unlimited */
    double rate_burst;
    unsigned max_connections;
    unsigned idle_timeout_s;    /* close a connection without traffic after this */
    unsigned request_timeout_s; /* a request must arrive whole within this */
    size_t max_message;         /* largest request message accepted (bytes) */
    unsigned max_page;          /* most events in one GetCcEventlog response */
    /* Host processes that start every container's IMR3 (cct_container_system_measure). */
    size_t n_system_processes;
    char system_processes[POLICY_MAX_PROCESSES][POLICY_MAX_NAME];
    const char *system_names[POLICY_MAX_PROCESSES]; /* pointers into system_processes */
    int system_with_args;                           /* measure their whole command lines */
};

/** Defaults: isolated, any uid may quote, no rate limit, 4096 connections. */
void policy_defaults(struct policy *p);

/** Read a policy file over the defaults. 0, or -1 with msg filled. */
int policy_load(const char *path, struct policy *p, char *msg, size_t msglen);

/** Whether uid may request a quote (container callers also need report_from_containers). */
int policy_may_report(const struct policy *p, uid_t uid, int in_container);

#endif
