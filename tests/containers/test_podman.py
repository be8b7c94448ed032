# SPDX-License-Identifier: Apache-2.0
"""podman (Debian 12's 4.3) with the shipped hooks.d entry for `cctrustedd hook`, offline:
`podman run --rootfs DIR` on a busybox rootfs built here needs no registry or image.

Checks the shipped deploy/oci/cctrustedd-hook.json against the OCI hooks schema 1.0.0
(oci-hooks(5)), then runs it (path and platform options pointed at the build and the sim
platform) from a --hooks-dir: the container's process calls cctrustedd through the unmodified
CIMA SDK and `cctrusted --platform agent` (tests/containers/in_container.py). Expected values
are computed here with hashlib from the files podman and the hook wrote.

Usage: /usr/bin/python3 test_podman.py CCTRUSTEDD CCTRUSTED PEERS
"""
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pyutil import check, report  # noqa: E402

AGENT, CLI, PEERS = [os.path.abspath(a) for a in sys.argv[1:4]]
HERE = os.path.dirname(os.path.abspath(__file__))
SHIPPED = os.path.join(HERE, "..", "..", "deploy", "oci", "cctrustedd-hook.json")
BUILD = os.path.dirname(os.path.dirname(os.path.dirname(CLI)))
SDK = os.path.join(PEERS, "cima-python-sdk")
EAPI = os.path.join(PEERS, "evidence-api-python")
PODMAN = shutil.which("podman")
BUSYBOX = shutil.which("busybox")
NONCE, DATA = bytes([1, 2, 3]), bytes([4, 5])
# oci-hooks(5), schema 1.0.0
HOOK_KEYS = {"path": str, "args": list, "env": list, "timeout": int}
WHEN_KEYS = {"always": bool, "annotations": dict, "commands": list, "hasBindMounts": bool}
STAGES = {"prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"}


def schema_errors(d):
    """What in a hooks.d entry does not follow schema 1.0.0 (empty when it does)."""
    errs = []
    if not isinstance(d, dict) or set(d) - {"version", "hook", "when", "stages"}:
        return ["top level: only version, hook, when, stages"]
    if d.get("version") != "1.0.0":
        errs.append("version must be 1.0.0")
    h, w, s = d.get("hook"), d.get("when"), d.get("stages")
    if not isinstance(h, dict) or "path" not in h or not os.path.isabs(str(h.get("path"))):
        errs.append("hook.path must be an absolute path")
    for k, v in (h or {}).items():
        if k not in HOOK_KEYS or not isinstance(v, HOOK_KEYS[k]):
            errs.append("hook.%s is not allowed or has the wrong type" % k)
    if not isinstance(w, dict) or not w:
        errs.append("when must hold at least one condition")
    for k, v in (w or {}).items():
        if k not in WHEN_KEYS or not isinstance(v, WHEN_KEYS[k]):
            errs.append("when.%s is not allowed or has the wrong type" % k)
    if not isinstance(s, list) or not s or not set(s) <= STAGES:
        errs.append("stages must be a non-empty list of %s" % sorted(STAGES))
    return errs


def shipped_entry():
    d = json.load(open(SHIPPED))
    check(schema_errors(d) == [], "shipped hooks.d entry follows schema 1.0.0: %s" % schema_errors(d))
    bad = dict(d, stages=["createruntime"])
    check(schema_errors(bad) != [], "the schema check fails a misspelt stage")
    bad = dict(d, hook=dict(d["hook"], argv=["x"]))
    check(schema_errors(bad) != [], "the schema check fails an unknown hook key")
    return d


if os.geteuid() != 0:
    print("SKIP: podman as root is needed")
    sys.exit(77)
if PODMAN is None or BUSYBOX is None:
    shipped_entry()
    print("SKIP: podman and busybox-static are not installed (tools/test.sh installs them); "
          "the hooks.d entry was checked against its schema only")
    sys.exit(77)
try:
    import grpc  # noqa: F401,E402
except ImportError:
    print("SKIP: python3-grpcio is not installed for", sys.executable)
    sys.exit(77)

TMP = tempfile.mkdtemp(prefix="cct-podman-")
os.chmod(TMP, 0o755)
SIM, CDIR, UDS = (os.path.join(TMP, d) for d in ("sim", "containers", "uds"))
SOCK = os.path.join(UDS, "cima-server.sock")
ENV = {k: v for k, v in os.environ.items() if not k.startswith("CCT_")}
ENV["CCT_SIM_DIR"] = SIM
# Limits runc may set in a sandbox without CAP_SYS_RESOURCE (podman's defaults raise them).
PODMAN_BASE = [PODMAN, "--root", os.path.join(TMP, "storage"), "--runroot", os.path.join(TMP, "run"),
               "--cgroup-manager", "cgroupfs", "--events-backend", "file",
               "--hooks-dir", os.path.join(TMP, "hooks")]


def tlv_items(b):
    i = 0
    while i < len(b):
        t, n = b[i], int.from_bytes(b[i + 1:i + 5], "big")
        yield t, b[i + 5:i + 5 + n]
        i += 5 + n


def cel_digests(path, index=3):
    """SHA-384 digests of the records at RTMR index (CC MR index + 1) of a CEL-TLV file, with texts."""
    out, cur = [], None
    for t, v in tlv_items(open(path, "rb").read()):
        if t == 0:
            cur = {}
            out.append(cur)
        elif t == 0x6C:
            cur["index"] = int.from_bytes(v, "big") - 1
        elif t == 3:
            cur["d"] = dict(tlv_items(v)).get(12)
        else:
            cur["content"] = t
            cur["data"] = dict(tlv_items(v)).get(1, b"")
    return [(r["d"], r["data"][8:]) for r in out if r.get("index") == index and r.get("content") == 5]


def replay384(ds):
    v = bytes(48)
    for d in ds:
        v = hashlib.sha384(v + d).digest()
    return v


def rootfs():
    root = os.path.join(TMP, "rootfs")
    for d in ("bin", "etc", "proc", "dev", "sys", "tmp", "run/cima/uds", "usr", "out"):
        os.makedirs(os.path.join(root, d), exist_ok=True)
    shutil.copy(BUSYBOX, os.path.join(root, "bin", "busybox"))
    for app in ("sh", "true", "cat"):
        os.symlink("busybox", os.path.join(root, "bin", app))
    for link in ("lib", "lib64"):
        os.symlink("usr/" + link, os.path.join(root, link))
    for d in (BUILD, HERE, PEERS):
        os.makedirs(os.path.join(root, d.lstrip("/")), exist_ok=True)
    return root


def start_agent():
    os.makedirs(UDS, exist_ok=True)
    os.chmod(UDS, 0o755)
    log = open(os.path.join(TMP, "agent.log"), "w+")
    p = subprocess.Popen([AGENT, "--platform", "sim", "--socket", SOCK, "--container-dir", CDIR,
                          "--workers", "2"], env=ENV, stderr=log)
    t = time.time()
    while p.poll() is None and time.time() - t < 20:
        s = socket.socket(socket.AF_UNIX)
        try:
            s.connect(SOCK)
            break
        except OSError:
            time.sleep(0.05)
        finally:
            s.close()
    return p, log


def run_podman(root, out, name):
    """podman create, then start: the CIMA SDK finds its container id in a mount whose source
    path names it (/docker/containers/<id>/, as under Docker), and podman picks the id only at
    create, so the mount's source is a symlink pointed there before the start."""
    args = ["/usr/bin/python3", os.path.join(HERE, "in_container.py"), "/run/cima/uds/cima-server.sock",
            "0" * 64, CLI, "/out"]
    link = os.path.join(TMP, "id-mount")
    open(os.path.join(TMP, "placeholder"), "w").write("c\n")
    os.symlink(os.path.join(TMP, "placeholder"), link)
    vols = []
    for src, dst, mode in (("/usr", "/usr", "ro"), (BUILD, BUILD, "ro"), (HERE, HERE, "ro"),
                           (PEERS, PEERS, "ro"), (UDS, "/run/cima/uds", "rw"), (out, "/out", "rw"),
                           (link, "/etc/cct-id", "ro")):
        vols += ["-v", "%s:%s:%s" % (src, dst, mode)]
    cmd = PODMAN_BASE + ["create", "--name", name, "--network", "none",
                         "--user", "65534:65534", "--ulimit", "nofile=1024:1024",
                         "--ulimit", "nproc=4096:4096", "--annotation",
                         "org.opencontainers.image.ref.name=localhost/busybox:podman",
                         "-e", "PYTHONPATH=%s:%s" % (SDK, EAPI), "-e", "HOME=/tmp"] + vols + \
        ["--rootfs", root] + args
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=ENV)
    cid = p.stdout.strip()
    if p.returncode != 0 or len(cid) != 64:
        return p, ""
    marker = os.path.join(TMP, "var", "lib", "docker", "containers", cid, "hostname")
    os.makedirs(os.path.dirname(marker))
    open(marker, "w").write("c\n")
    os.remove(link)
    os.symlink(marker, link)
    p = subprocess.run(PODMAN_BASE + ["start", "--attach", name], capture_output=True, text=True,
                       timeout=300, env=ENV)
    return p, cid


def main():
    d = shipped_entry()
    hooks = os.path.join(TMP, "hooks")
    os.makedirs(hooks)
    # The shipped entry, run from the build with the test's sim platform.
    d["hook"]["path"] = AGENT
    d["hook"]["args"] = d["hook"]["args"] + ["--platform", "sim", "--container-dir", CDIR]
    d["hook"]["env"] = ["CCT_SIM_DIR=" + SIM]
    check(schema_errors(d) == [], "the test's entry still follows the schema")
    json.dump(d, open(os.path.join(hooks, "cctrustedd-hook.json"), "w"))
    agent, log = start_agent()
    try:
        root = rootfs()
        out = os.path.join(TMP, "out")
        os.makedirs(out)
        os.chmod(out, 0o777)
        p, cid = run_podman(root, out, "cct-podman-a")
        if not check(p.returncode == 0 and len(cid) == 64,
                     "podman run --rootfs with the hooks.d entry: rc %d %s" % (p.returncode, (p.stdout + p.stderr)[-1500:])):
            return
        bundle = os.path.join(TMP, "storage", "overlay-containers", cid, "userdata", "config.json")
        clog = os.path.join(CDIR, cid + ".cel")
        check(os.path.exists(clog), "the hook wrote the container log of podman's id %s" % cid[:12])
        recs = cel_digests(clog)
        texts = [t.decode(errors="replace") for _, t in recs]
        check(all(hashlib.sha384(t).digest() == dg for dg, t in recs) and len(recs) >= 5,
              "every creation event's digest is SHA-384 of its text (%d)" % len(recs))
        cfg = hashlib.sha384(open(bundle, "rb").read()).hexdigest() if os.path.exists(bundle) else "none"
        check("oci.config sha384:" + cfg in texts, "the hook measured podman's config.json (hashlib)")
        check("container.id " + cid in texts and "image.ref localhost/busybox:podman" in texts,
              "id and image events: %s" % [t[:40] for t in texts])
        imr = replay384([dg for dg, _ in recs])
        j = json.load(open(os.path.join(out, "result.json")))
        check(j["uid"] == 65534 and j["container_id"] == cid,
              "the container's process is unprivileged; the CIMA SDK found podman's id")
        check(j["imr3"] == imr.hex(), "GetCcMeasurement(3) through the SDK = hashlib replay of its log")
        check(all(v[0] == v[1] for v in j["replay"].values()) and "3/12" in j["replay"],
              "SDK replay_cc_eventlog equals get_cc_measurement for every register")
        check(j["forged"] == "PERMISSION_DENIED", "a forged container_id -> %s" % j["forged"])
        check(j["cli_rc"] == 0 and imr.hex() in j["cli"], "cctrusted --platform agent shows its IMR3")
        q = open(os.path.join(out, "report.bin"), "rb").read()
        check(q[568:632] == hashlib.sha512(imr + NONCE + DATA).digest(),
              "REPORTDATA = SHA-512(IMR3 || nonce || user_data)")
        node = os.path.join(SIM, "runtime.cel")
        starts = [t for _, t in cel_digests(node) if t.startswith(b"cctrusted.container-start v1 id=" + cid.encode())]
        check(len(starts) == 1 and (b"imr3=sha384:" + imr.hex().encode()) in starts[0],
              "one start record in the node runtime log naming its IMR3")
    finally:
        subprocess.run(PODMAN_BASE + ["rm", "-f", "cct-podman-a"], capture_output=True)
        agent.send_signal(signal.SIGTERM)
        agent.wait(20)
        log.seek(0)
        check("stopped after" in log.read(), "agent stopped cleanly")
        shutil.rmtree(TMP, ignore_errors=True)


if __name__ == "__main__":
    main()
    sys.exit(report(need_checks=True))
