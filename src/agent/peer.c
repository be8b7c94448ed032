/* SPDX-License-Identifier: Apache-2.0 */
/* Caller identity from SO_PEERCRED and /proc/PID/cgroup (see peer.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "peer.h"

#define CGROUP_TEXT_MAX 16384

static int is_hex(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            return 0;
        }
    }
    return 1;
}

/* A cgroup path component that names a container, by runtime:
 *   docker:      docker/<id> (cgroupfs), docker-<id>.scope (systemd)
 *   containerd:  cri-containerd-<id>.scope, kubepods/.../pod<uid>/<id>, default/<id>
 *   CRI-O:       crio-<id>.scope, crio-<id> (crio-conmon-<id> is the monitor, not the container)
 *   podman:      libpod-<id>.scope, libpod_parent/libpod-<id> (libpod-conmon-<id> is not) */
static const struct {
    const char *prefix;
    const char *runtime;
} prefixes[] = {
    { "docker-", "docker" },
    { "cri-containerd-", "containerd" },
    { "crio-", "crio" },
    { "libpod-", "podman" },
};

static int component_id(const char *c, size_t n, const char *parent, size_t pn, char *id,
                        const char **rt)
{
    const char *s = c;
    size_t len = n;
    if (len > 6 && memcmp(s + len - 6, ".scope", 6) == 0) {
        len -= 6;
    }
    for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
        size_t k = strlen(prefixes[i].prefix);
        if (len == k + 64 && memcmp(s, prefixes[i].prefix, k) == 0 && is_hex(s + k, 64)) {
            memcpy(id, s + k, 64);
            id[64] = '\0';
            *rt = prefixes[i].runtime;
            return 1;
        }
    }
    if (n == 64 && is_hex(c, 64)) {
        memcpy(id, c, 64);
        id[64] = '\0';
        if (pn == 6 && memcmp(parent, "docker", 6) == 0) {
            *rt = "docker";
        } else {
            *rt = "containerd";
        }
        return 1;
    }
    return 0;
}

/* pod<uid> (cgroupfs, dashes) or kubepods-<qos>-pod<uid>.slice (systemd, underscores). */
static void component_pod(const char *c, size_t n, char *pod, size_t podlen)
{
    const char *p = NULL;
    for (size_t i = 0; i + 3 <= n; i++) {
        if (memcmp(c + i, "pod", 3) == 0 && (i == 0 || c[i - 1] == '-')) {
            p = c + i + 3;
        }
    }
    if (p == NULL) {
        return;
    }
    size_t len = (size_t)(c + n - p);
    if (len > 6 && memcmp(p + len - 6, ".slice", 6) == 0) {
        len -= 6;
    }
    if (len != 36 || len >= podlen) {
        return;
    }
    for (size_t i = 0; i < len; i++) {
        char ch = p[i] == '_' ? '-' : p[i];
        if (!(ch == '-' || (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'))) {
            return;
        }
        pod[i] = ch;
    }
    pod[len] = '\0';
}

/* Scan one cgroup path; the innermost container component wins. */
static int scan_path(const char *path, size_t len, struct peer *out)
{
    char id[65];
    char pod[PEER_ID_MAX] = "";
    const char *rt = NULL;
    int found = 0;
    const char *parent = "";
    size_t pn = 0;
    size_t i = 0;
    while (i < len) {
        while (i < len && path[i] == '/') {
            i++;
        }
        size_t j = i;
        while (j < len && path[j] != '/') {
            j++;
        }
        if (j > i) {
            const char *r = NULL;
            if (component_id(path + i, j - i, parent, pn, id, &r)) {
                found = 1;
                rt = r;
                snprintf(out->container_id, sizeof(out->container_id), "%s", id);
            }
            component_pod(path + i, j - i, pod, sizeof(pod));
            parent = path + i;
            pn = j - i;
        }
        i = j;
    }
    if (found) {
        out->in_container = 1;
        snprintf(out->runtime, sizeof(out->runtime), "%s", rt);
        snprintf(out->pod_uid, sizeof(out->pod_uid), "%s", pod);
    }
    return found;
}

int peer_container_from_cgroup(const char *text, size_t len, struct peer *out)
{
    memset(out->container_id, 0, sizeof(out->container_id));
    memset(out->runtime, 0, sizeof(out->runtime));
    memset(out->pod_uid, 0, sizeof(out->pod_uid));
    out->in_container = 0;
    /* Two passes: the unified (v2) line first, then any v1 hierarchy. */
    for (int pass = 0; pass < 2 && !out->in_container; pass++) {
        size_t i = 0;
        while (i < len) {
            size_t e = i;
            while (e < len && text[e] != '\n') {
                e++;
            }
            /* hierarchy-id:controllers:path */
            const char *c1 = memchr(text + i, ':', e - i);
            const char *c2 = c1 ? memchr(c1 + 1, ':', (size_t)(text + e - (c1 + 1))) : NULL;
            if (c2 != NULL) {
                int v2 = (c1 == text + i + 1 && text[i] == '0' && c2 == c1 + 1);
                if ((pass == 0) == v2 && scan_path(c2 + 1, (size_t)(text + e - (c2 + 1)), out)) {
                    break;
                }
            }
            i = e + 1;
        }
    }
    return 0;
}

int peer_identify(int fd, const char *procroot, struct peer *out, const char **why)
{
    struct ucred cr;
    socklen_t sl = sizeof(cr);
    memset(out, 0, sizeof(*out));
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &sl) < 0 || sl != sizeof(cr)) {
        *why = "SO_PEERCRED failed";
        return -1;
    }
    out->pid = cr.pid;
    out->uid = cr.uid;
    out->gid = cr.gid;
    char path[512];
    int n = snprintf(path, sizeof(path), "%s/proc/%ld/cgroup",
                     (procroot && strcmp(procroot, "/") != 0) ? procroot : "", (long)cr.pid);
    if (n < 0 || (size_t)n >= sizeof(path)) {
        *why = "proc path too long";
        return -1;
    }
    int cfd = open(path, O_RDONLY | O_CLOEXEC);
    if (cfd < 0) {
        *why = "cannot read the peer's /proc/PID/cgroup";
        return -1;
    }
    char text[CGROUP_TEXT_MAX];
    size_t got = 0;
    for (;;) {
        ssize_t k = read(cfd, text + got, sizeof(text) - got);
        if (k < 0 && errno == EINTR) {
            continue;
        }
        if (k <= 0) {
            break;
        }
        got += (size_t)k;
        if (got == sizeof(text)) {
            break;
        }
    }
    close(cfd);
    if (got == 0) {
        *why = "the peer's /proc/PID/cgroup is empty";
        return -1;
    }
    peer_container_from_cgroup(text, got, out);
    if (out->in_container) {
        snprintf(out->key, sizeof(out->key), "%s", out->container_id);
    } else {
        snprintf(out->key, sizeof(out->key), "uid:%lu", (unsigned long)out->uid);
    }
    return 0;
}

static int pod_matches(const char *pod, const char *req)
{
    size_t n = strlen(pod);
    if (n == 0 || strlen(req) != n) {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        char c = req[i] == '_' ? '-' : req[i];
        if (c != pod[i]) {
            return 0;
        }
    }
    return 1;
}

int peer_id_matches(const struct peer *p, const char *requested)
{
    if (requested == NULL || requested[0] == '\0') {
        return 1;
    }
    if (!p->in_container) {
        return 0;
    }
    size_t n = strlen(requested);
    if (strcmp(requested, p->container_id) == 0) {
        return 1;
    }
    if (n >= 12 && n < strlen(p->container_id) && is_hex(requested, n) &&
        strncmp(requested, p->container_id, n) == 0) {
        return 1;
    }
    return pod_matches(p->pod_uid, requested);
}
