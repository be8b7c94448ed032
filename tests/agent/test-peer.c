/* SPDX-License-Identifier: Apache-2.0 */
/* cgroup -> container id for every runtime/driver layout the agent knows, and the id check. */
#include <stdio.h>
#include <string.h>

#include "peer.h"

static int failures;

#define ID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define POD "1d2f0a3c-7b1e-4e55-9a7b-2f6d1c0e9a11"
#define POD_U "1d2f0a3c_7b1e_4e55_9a7b_2f6d1c0e9a11"

static void expect(const char *name, const char *cgroup, int in, const char *runtime,
                   const char *pod)
{
    struct peer p;
    memset(&p, 0x5a, sizeof(p));
    peer_container_from_cgroup(cgroup, strlen(cgroup), &p);
    int ok = p.in_container == in && (!in || strcmp(p.container_id, ID) == 0) &&
             strcmp(p.runtime, in ? runtime : "") == 0 && strcmp(p.pod_uid, pod) == 0;
    if (!in && p.container_id[0] != '\0') {
        ok = 0;
    }
    printf("%s %s: in=%d id=%s runtime=%s pod=%s\n", ok ? "ok  " : "FAIL", name, p.in_container,
           p.container_id, p.runtime, p.pod_uid);
    failures += !ok;
}

static void expect_match(const char *name, const struct peer *p, const char *req, int want)
{
    int got = peer_id_matches(p, req);
    printf("%s match %s: %d\n", got == want ? "ok  " : "FAIL", name, got);
    failures += got != want;
}

int main(void)
{
    expect("docker cgroupfs v1", "12:memory:/docker/" ID "\n11:pids:/docker/" ID "\n", 1, "docker",
           "");
    expect("docker systemd v2", "0::/system.slice/docker-" ID ".scope\n", 1, "docker", "");
    expect("containerd k8s cgroupfs", "0::/kubepods/burstable/pod" POD "/" ID "\n", 1, "containerd",
           POD);
    expect("containerd k8s systemd",
           "0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" POD_U
           ".slice/cri-containerd-" ID ".scope\n",
           1, "containerd", POD);
    expect("cri-o k8s systemd",
           "0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" POD_U
           ".slice/crio-" ID ".scope\n",
           1, "crio", POD);
    expect("cri-o k8s cgroupfs", "0::/kubepods/besteffort/pod" POD "/crio-" ID "\n", 1, "crio",
           POD);
    expect("podman rootless",
           "0::/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" ID ".scope\n", 1,
           "podman", "");
    expect("podman cgroupfs v1", "5:memory:/libpod_parent/libpod-" ID "\n", 1, "podman", "");
    expect("crio conmon is not a container", "0::/system.slice/crio-conmon-" ID ".scope\n", 0, "",
           "");
    expect("host session", "0::/user.slice/user-0.slice/session-3.scope\n", 0, "", "");
    expect("host root", "0::/\n", 0, "", "");
    expect("short hex is not an id", "0::/docker/0123456789ab\n", 0, "", "");
    expect("uppercase is not an id",
           "0::/docker/0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef\n", 0, "",
           "");
    expect("no newline, v1 only", "4:memory:/docker/" ID, 1, "docker", "");
    expect("garbage", "::::\n\n:\nnot a cgroup line", 0, "", "");

    struct peer p;
    memset(&p, 0, sizeof(p));
    const char *k8s = "0::/kubepods/burstable/pod" POD "/" ID "\n";
    peer_container_from_cgroup(k8s, strlen(k8s), &p);
    expect_match("empty", &p, "", 1);
    expect_match("full id", &p, ID, 1);
    expect_match("short id", &p, "0123456789ab", 1);
    expect_match("too short", &p, "0123456789a", 0);
    expect_match("pod uid dashes", &p, POD, 1);
    expect_match("pod uid underscores (CIMA SDK)", &p, POD_U, 1);
    expect_match("other id", &p, "1123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                 0);
    expect_match("id with suffix", &p, ID "0", 0);
    struct peer host;
    memset(&host, 0, sizeof(host));
    peer_container_from_cgroup("0::/\n", 5, &host);
    expect_match("host empty", &host, "", 1);
    expect_match("host claims a container", &host, ID, 0);
    printf("%d failures\n", failures);
    return failures ? 1 : 0;
}
