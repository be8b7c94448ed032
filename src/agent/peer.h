/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Caller identity, taken from the kernel: SO_PEERCRED on the accepted
 * connection gives pid/uid/gid, /proc/PID/cgroup gives the container.
 * What a request says about itself (container_id) is only compared with it.
 */
#ifndef CCTD_PEER_H
#define CCTD_PEER_H

#include <stddef.h>
#include <sys/types.h>

#define PEER_ID_MAX 80

struct peer {
    pid_t pid;
    uid_t uid;
    gid_t gid;
    int in_container;               /* 1 when the cgroup path names a container */
    char container_id[PEER_ID_MAX]; /* full id (64 hex for the known runtimes), "" on the host */
    char runtime[16];               /* "docker", "containerd", "crio", "podman", "" */
    char pod_uid[PEER_ID_MAX];      /* Kubernetes pod UID with dashes, "" outside Kubernetes */
    char key[PEER_ID_MAX + 8];      /* rate-limit / state key: container id, else "uid:N" */
};

/*
 * Find the container of a process from the text of its /proc/PID/cgroup
 * (cgroup v2 "0::/path" or v1 "N:ctrl:/path" lines). Fills the container
 * fields of *out (zeroed first). Returns 0 (host process: in_container 0).
 */
int peer_container_from_cgroup(const char *text, size_t len, struct peer *out);

/*
 * Identify the peer of a connected Unix socket: SO_PEERCRED, then
 * <procroot>/proc/<pid>/cgroup. A peer whose cgroup cannot be read is
 * refused (-1 with *why set): an identity the agent cannot check is not
 * guessed.
 */
int peer_identify(int fd, const char *procroot, struct peer *out, const char **why);

/*
 * Whether a request's container_id names this peer: empty (the peer's own),
 * the full container id, a docker short id (12+ leading hex digits), or, in
 * Kubernetes, the pod UID with '-' or '_' (what the CIMA SDK sends there).
 * A host process only matches an empty id.
 */
int peer_id_matches(const struct peer *p, const char *requested);

#endif
