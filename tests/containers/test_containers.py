# SPDX-License-Identifier: Apache-2.0
"""Per-container measurement end to end, with real containers: runc runs
busybox containers from a rootfs built here, with `cctrustedd hook` as their
createRuntime hook; each container's process calls cctrustedd (sim platform)
through the unmodified CIMA SDK and `cctrusted --platform agent`.

Usage: /usr/bin/python3 test_containers.py CCTRUSTEDD CCTRUSTED PEERS CONTAINER_TOOL

Expected values are computed here: container logs and the node runtime log
are parsed with a TLV reader of this file and replayed with hashlib; the
config digest is hashlib's; REPORTDATA = SHA-512(IMR3 || nonce || data) with
hashlib.
"""
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from agentproc import AgentProcess  # noqa: E402
from pyutil import check, report  # noqa: E402

AGENT, CLI, PEERS, TOOL = [os.path.abspath(a) for a in sys.argv[1:5]]
HERE = os.path.dirname(os.path.abspath(__file__))
DEPLOY = os.path.join(HERE, "..", "..", "deploy", "oci")
BUILD = os.path.dirname(os.path.dirname(os.path.dirname(CLI)))  # build/src/cli/cctrusted
SDK = os.path.join(PEERS, "cima-python-sdk")
EAPI = os.path.join(PEERS, "evidence-api-python")
RUNC = shutil.which("runc")
BUSYBOX = shutil.which("busybox")

if os.geteuid() != 0:
    print("SKIP: runc containers need root")
    sys.exit(77)
if RUNC is None or BUSYBOX is None:
    print("SKIP: runc and busybox-static are not installed (tools/test.sh installs them)")
    sys.exit(77)
try:
    import grpc  # noqa: F401,E402
except ImportError:
    print("SKIP: python3-grpcio is not installed for", sys.executable)
    sys.exit(77)
if not os.path.isdir(SDK):
    print("SKIP: the CIMA SDK is not at", SDK)
    sys.exit(77)

TMP = tempfile.mkdtemp(prefix="cct-containers-")
os.chmod(TMP, 0o755)
SIM = os.path.join(TMP, "sim")
CDIR = os.path.join(TMP, "containers")
UDS = os.path.join(TMP, "uds")
SOCK = os.path.join(UDS, "cima-server.sock")
ENV = {k: v for k, v in os.environ.items() if not k.startswith("CCT_")}
ENV["CCT_SIM_DIR"] = SIM
NONCE, DATA = bytes([1, 2, 3]), bytes([4, 5])


# ------------------------------------------------------------ CEL-TLV reader (independent)
def tlv_items(b):
    i = 0
    while i < len(b):
        if len(b) - i < 5:
            raise ValueError("truncated TLV at %d" % i)
        t, n = b[i], int.from_bytes(b[i + 1:i + 5], "big")
        yield t, b[i + 5:i + 5 + n]
        i += 5 + n


def cel_records(b):
    """(index, {alg: digest}, content type, event type, event data) per record."""
    recs, cur = [], None
    for t, v in tlv_items(b):
        if t == 0:
            cur = {"digests": {}}
            recs.append(cur)
        elif t in (1, 0x6C):
            cur["index"] = int.from_bytes(v, "big") - (1 if t == 0x6C else 0)
        elif t == 3:
            cur["digests"] = {a: d for a, d in tlv_items(v)}
        else:
            cur["content"] = t
            sub = dict(tlv_items(v))
            cur["type"] = int.from_bytes(sub.get(0, b"\0"), "big")
            cur["data"] = sub.get(1, b"")
    return recs


def tagged_text(rec, tag):
    d = rec.get("data", b"")
    if rec.get("content") != 5 or rec.get("type") != 6 or d[:4] != tag:
        return None
    return d[8:8 + int.from_bytes(d[4:8], "little")].decode()


def replay384(digests):
    v = bytes(48)
    for d in digests:
        v = hashlib.sha384(v + d).digest()
    return v


def container_log(cid):
    recs = cel_records(open(os.path.join(CDIR, cid + ".cel"), "rb").read())
    return recs, [tagged_text(r, b"CCTC") for r in recs]


def node_records():
    path = os.path.join(SIM, "runtime.cel")
    return cel_records(open(path, "rb").read()) if os.path.exists(path) else []


def starts(recs):
    out = {}
    for r in recs:
        t = tagged_text(r, b"CCTR")
        if r.get("content") == 5 and t and t.startswith("cctrusted.container-start v1 id="):
            f = dict(kv.split("=", 1) for kv in t.split(" ")[2:])
            out.setdefault(f["id"], []).append(f)
    return out


def node_rtmr3():
    p = subprocess.run([CLI, "--platform", "sim", "measurement", "--index", "3", "--json"],
                       capture_output=True, text=True, env=ENV)
    return json.loads(p.stdout)["registers"][0]["digest"]


def node_replay_ok(what):
    recs = [r for r in node_records() if r.get("content") == 5 and r.get("index") == 3]
    v = replay384([r["digests"][12] for r in recs]).hex()
    return check(v == node_rtmr3(), "%s: the node runtime log (%d records) replays to the sim RTMR3" % (what, len(recs)))


# ------------------------------------------------------------ agent, rootfs, bundles
class Agent(AgentProcess):
    def __init__(self, policy=None):
        os.makedirs(UDS, exist_ok=True)
        os.chmod(UDS, 0o755)
        self.policy = policy
        extra = ["--policy", policy] if policy else []
        super().__init__(AGENT, SOCK, ["--platform", "sim", "--container-dir", CDIR, "--workers", "2"] + extra,
                         ENV, os.path.join(TMP, "agent.log"))


def build_rootfs():
    root = os.path.join(TMP, "rootfs")
    for d in ("bin", "etc", "proc", "dev", "sys", "tmp", "run/cima/uds", "usr", "out"):
        os.makedirs(os.path.join(root, d), exist_ok=True)
    shutil.copy(BUSYBOX, os.path.join(root, "bin", "busybox"))
    for app in ("sh", "cat", "echo", "true", "sleep", "ls"):
        os.symlink("busybox", os.path.join(root, "bin", app))
    for link in ("lib", "lib64"):
        os.symlink("usr/" + link, os.path.join(root, link))
    open(os.path.join(root, "etc", "hostname"), "w").write("busybox\n")
    os.makedirs(os.path.join(root, BUILD.lstrip("/")), exist_ok=True)
    os.makedirs(os.path.join(root, HERE.lstrip("/")), exist_ok=True)
    os.makedirs(os.path.join(root, PEERS.lstrip("/")), exist_ok=True)
    return root


SPEC = None


def base_spec():
    global SPEC
    if SPEC is None:
        d = tempfile.mkdtemp(dir=TMP)
        subprocess.run([RUNC, "spec"], cwd=d, check=True)
        SPEC = json.load(open(os.path.join(d, "config.json")))
    return json.loads(json.dumps(SPEC))


def bind(src, dst, ro=True):
    return {"destination": dst, "type": "bind", "source": src, "options": ["rbind", "ro" if ro else "rw"]}


def make_bundle(cid, rootfs, args, hook=True):
    b = os.path.join(TMP, "bundles", cid)
    os.makedirs(b, exist_ok=True)
    c = base_spec()
    c["root"] = {"path": rootfs, "readonly": True}
    c["process"]["terminal"] = False
    c["process"]["args"] = args
    c["process"]["user"] = {"uid": 65534, "gid": 65534}
    c["process"]["env"] = ["PATH=/usr/bin:/bin", "PYTHONPATH=%s:%s" % (SDK, EAPI), "HOME=/tmp", "ROLE=test"]
    out = os.path.join(TMP, "out", cid)
    os.makedirs(out, exist_ok=True)
    os.chmod(out, 0o777)
    # What the CIMA SDK reads to find its container id (docker's bind mount of hostname).
    hd = os.path.join(TMP, "var", "lib", "docker", "containers", cid)
    os.makedirs(hd, exist_ok=True)
    open(os.path.join(hd, "hostname"), "w").write("c\n")
    c["mounts"] += [bind("/usr", "/usr"), bind(BUILD, BUILD), bind(HERE, HERE), bind(PEERS, PEERS),
                    bind(UDS, "/run/cima/uds", ro=False), bind(out, "/out", ro=False),
                    bind(os.path.join(hd, "hostname"), "/etc/hostname")]
    c["mounts"] = [m for m in c["mounts"] if m["destination"] != "/sys"]
    c["linux"]["cgroupsPath"] = "/docker/" + cid
    c["annotations"] = {"org.opencontainers.image.ref.name": "localhost/busybox:test"}
    if hook:
        # The shipped runc/crun snippet, with the built binary and the test's sim platform.
        h = json.load(open(os.path.join(DEPLOY, "runc-hooks.json")))["hooks"]["createRuntime"][0]
        h["path"] = AGENT
        h["args"] = h["args"] + ["--platform", "sim", "--container-dir", CDIR]
        h["env"] = ["CCT_SIM_DIR=" + SIM]
        c["hooks"] = {"createRuntime": [h]}
    with open(os.path.join(b, "config.json"), "w") as f:
        json.dump(c, f)
    return b, out


def cid_of(name):
    return hashlib.sha256(("cct-test-" + name).encode()).hexdigest()


def run_container(cid, bundle, timeout=180):
    return subprocess.run([RUNC, "--root", os.path.join(TMP, "runc"), "run", "--bundle", bundle, cid],
                          capture_output=True, text=True, timeout=timeout, env=ENV)


def verify(report_path, cid, log, nonce=NONCE, data=DATA):
    p = subprocess.run([CLI, "verify", "--allow-sim", "--root", os.path.join(SIM, "root-cert.pem"), "--json",
                        report_path, "--container", cid,
                        "--container-log", log, "--node-log", os.path.join(SIM, "runtime.cel"),
                        "--container-nonce", nonce.hex(), "--user-data", data.hex()],
                       capture_output=True, text=True, env=ENV)
    try:
        checks = {c["name"]: c for c in json.loads(p.stdout)["checks"]}
    except ValueError:
        checks = {}
    return p.returncode, checks, p.stdout + p.stderr


# ------------------------------------------------------------ tests
def real_containers():
    rootfs = build_rootfs()
    names = ["a", "b", "c"]
    ids = [cid_of(n) for n in names]
    outs = {}
    for i, cid in enumerate(ids):
        other = ids[(i + 1) % len(ids)]
        args = ["/usr/bin/python3", os.path.join(HERE, "in_container.py"), "/run/cima/uds/cima-server.sock",
                other, CLI, "/out"]
        b, out = make_bundle(cid, rootfs, args)
        p = run_container(cid, b)
        if not check(p.returncode == 0, "runc run %s: rc %d %s" % (names[i], p.returncode, (p.stdout + p.stderr)[-1500:])):
            continue
        outs[cid] = (b, out)
    imrs = {}
    start = starts(node_records())
    for i, cid in enumerate(ids):
        if cid not in outs:
            continue
        b, out = outs[cid]
        try:
            j = json.load(open(os.path.join(out, "result.json")))
        except (OSError, ValueError) as e:
            check(False, "container %s wrote its result: %s" % (names[i], e))
            continue
        recs, texts = container_log(cid)
        imr = replay384([r["digests"][12] for r in recs])
        imrs[cid] = imr
        check(all(t is not None and hashlib.sha384(t.encode()).digest() == r["digests"][12]
                  for r, t in zip(recs, texts)), "%s: every hook event's digest is SHA-384 of its text" % names[i])
        cfg = hashlib.sha384(open(os.path.join(b, "config.json"), "rb").read()).hexdigest()
        check("oci.config sha384:" + cfg in texts, "%s: the hook measured config.json (hashlib digest)" % names[i])
        check("container.id " + cid in texts and "image.ref localhost/busybox:test" in texts
              and any(t.startswith("rootfs sha384:") for t in texts)
              and any(t.startswith("oci.process.args [") and "in_container.py" in t for t in texts),
              "%s: id, image, rootfs and args events: %s" % (names[i], [t[:40] for t in texts]))
        check(j["container_id"] == cid, "%s: the CIMA SDK found its container id" % names[i])
        check(j["uid"] == 65534, "%s: the container's process is unprivileged" % names[i])
        check(j["imr3"] == imr.hex(), "%s: GetCcMeasurement(3) through the SDK = hashlib replay of its log" % names[i])
        check(j["replay"].get("3/12", [None, None])[0] == j["imr3"] and
              all(v[0] == v[1] for v in j["replay"].values()) and len(j["replay"]) >= 4,
              "%s: SDK replay_cc_eventlog equals get_cc_measurement for every register (%d)"
              % (names[i], len(j["replay"])))
        check(j["served_imr3_events"] == len(recs) and j["served_logs"] == ["boot", "container"],
              "%s: served log = boot log + its %d own events (%s)" % (names[i], len(recs), j["served_logs"]))
        check(j["forged"] == "PERMISSION_DENIED", "%s: a forged container_id -> %s" % (names[i], j["forged"]))
        check(j["cli_rc"] == 0 and imr.hex() in j["cli"], "%s: cctrusted --platform agent measurement "
              "--index 3 shows its IMR3: %s" % (names[i], j["cli"][-300:]))
        q = open(os.path.join(out, "report.bin"), "rb").read()
        check(q[568:632] == hashlib.sha512(imr + NONCE + DATA).digest(),
              "%s: REPORTDATA = SHA-512(IMR3 || nonce || user_data)" % names[i])
        check(len(start.get(cid, [])) == 1
              and start[cid][0]["imr3"] == "sha384:" + imr.hex() and start[cid][0]["events"] == str(len(recs)),
              "%s: one start record in the node runtime log, naming its IMR3" % names[i])
        rc, cks, txt = verify(os.path.join(out, "report.bin"), cid, os.path.join(out, "view.cel"))
        check(rc == 0 and all(cks.get(n, {}).get("ok") for n in
                              ("container-log", "container-imr", "container-binding", "node-log", "container-start")),
              "%s: cctrusted verify of the container-bound report with the served log: rc %d %s"
              % (names[i], rc, txt[-800:]))
        other = ids[(i + 1) % len(ids)]
        rc, cks, txt = verify(os.path.join(out, "report.bin"), cid, os.path.join(CDIR, other + ".cel"))
        check(rc == 2 and cks.get("container-binding", {}).get("ok") is False
              and cks.get("container-start", {}).get("ok") is False,
              "%s: the same report with another container's log fails binding and start: rc %d %s"
              % (names[i], rc, txt[-600:]))
        rc, cks, txt = verify(os.path.join(out, "report.bin"), cid, os.path.join(out, "view.cel"), nonce=b"x")
        check(rc == 2 and cks.get("container-binding", {}).get("ok") is False,
              "%s: a different nonce fails the binding (rc %d)" % (names[i], rc))
    check(len(set(imrs.values())) == len(imrs) == 3, "three containers, three distinct IMR3s")
    node_replay_ok("after three runc containers")
    # a tampered container log: one event's text changed, digest kept
    if ids[0] in outs:
        b, out = outs[ids[0]]
        raw = open(os.path.join(out, "view.cel"), "rb").read()
        bad = raw.replace(b"localhost/busybox:test", b"localhost/busybox:evil")
        p = os.path.join(TMP, "tampered.cel")
        open(p, "wb").write(bad)
        rc, cks, txt = verify(os.path.join(out, "report.bin"), ids[0], p)
        check(bad != raw and rc == 2 and cks.get("container-log", {}).get("ok") is False,
              "a tampered container log fails container-log (rc %d)" % rc)
    return rootfs


STATE = '{"ociVersion":"1.0.2","id":"%s","status":"creating","pid":1,"bundle":"%s"}'


def hook(cid, bundle, env_extra=None):
    env = dict(ENV)
    env.update(env_extra or {})
    return subprocess.Popen([AGENT, "hook", "--platform", "sim", "--container-dir", CDIR],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)


def crashes(rootfs):
    """A hook killed during the container-start extend: nothing lost, nothing duplicated."""
    tries = 0
    ids = []
    for step in ("after-log", "after-extend"):
        for k in range(3):
            cid = cid_of("crash-%s-%d" % (step, k))
            b, _ = make_bundle(cid, rootfs, ["/bin/true"], hook=False)
            p = hook(cid, b, {"CCT_RUNTIME_LOG_CRASH_AT": step})
            p.communicate((STATE % (cid, b)).encode(), timeout=60)
            tries += 1
            check(p.returncode == 77, "hook crashed at %s (rc %d)" % (step, p.returncode))
            p = hook(cid, b)
            o, e = p.communicate((STATE % (cid, b)).encode(), timeout=60)
            tries += 1
            check(p.returncode == 0, "hook retried after the crash at %s: %s" % (step, e.decode()[-300:]))
            ids.append(cid)
    # kill -9 at random moments
    rnd = random.Random(13)
    for k in range(20):
        cid = cid_of("kill-%d" % k)
        b, _ = make_bundle(cid, rootfs, ["/bin/true"], hook=False)
        while True:
            p = hook(cid, b)
            p.stdin.write((STATE % (cid, b)).encode())
            p.stdin.close()
            time.sleep(rnd.uniform(0, 0.03))
            p.send_signal(signal.SIGKILL)
            p.wait()
            tries += 1
            if p.returncode == 0:
                break
            p2 = hook(cid, b)
            p2.communicate((STATE % (cid, b)).encode(), timeout=60)
            tries += 1
            if p2.returncode == 0:
                break
        ids.append(cid)
    st = starts(node_records())
    dup = [c for c in ids if len(st.get(c, [])) != 1]
    check(not dup, "after %d hook runs (%d containers, crashes and kill -9), each container has exactly one "
          "start record (%d do not)" % (tries, len(ids), len(dup)))
    for cid in ids:
        recs, _ = container_log(cid)
        if st.get(cid) and st[cid][0]["imr3"] != "sha384:" + replay384([r["digests"][12] for r in recs]).hex():
            check(False, "start record of %s names its container log's IMR3" % cid[:12])
            break
    node_replay_ok("after crashes")
    print("crash test: %d hook runs for %d containers" % (tries, len(ids)))


def served_starts():
    """Start records in the node view the agent serves (host caller), by container id."""
    sys.path[:0] = [SDK, EAPI]
    from cima import cima_server_pb2 as pb
    from cima import cima_server_pb2_grpc as pbg

    ch = grpc.insecure_channel("unix:" + SOCK, options=[("grpc.default_authority", "localhost")])
    st = pbg.cimaStub(ch)
    evs, out = [], {}
    while True:
        r = st.GetCcEventlog(pb.GetCcEventlogRequest(start=len(evs), count=1000)).event_logs
        evs += list(r)
        if len(r) < 1000:
            break
    v = bytes(48)
    for e in evs:
        if e.imr_index == 3:
            v = hashlib.sha384(v + [d.hash for d in e.digests if d.algo_id == 12][0]).digest()
        t = e.event[8:].decode(errors="replace")
        if t.startswith("cctrusted.container-start v1 id="):
            cid = t.split(" ")[2][3:]
            out[cid] = out.get(cid, 0) + 1
    m = st.GetCcMeasurement(pb.GetCcMeasurementRequest(index=3, algo_id=12)).measurement.hash
    ch.close()
    return out, v == m


def concurrent(agent, rootfs, n=100):
    ids, procs = [], []
    for k in range(n):
        cid = cid_of("concurrent-%d" % k)
        b, _ = make_bundle(cid, rootfs, ["/bin/true"], hook=False)
        ids.append((cid, b))
    t = time.time()
    for cid, b in ids:
        p = hook(cid, b)
        p.stdin.write((STATE % (cid, b)).encode())
        p.stdin.close()
        procs.append(p)
        if len(procs) == n // 2:
            # the agent killed -9 while containers are being recorded, then restarted
            agent.p.kill()
            agent.p.wait()
            agent.stop()
            agent.__init__(agent.policy)
    rcs = [p.wait(300) for p in procs]
    dt = time.time() - t
    check(rcs.count(0) == n, "%d concurrent hooks: %d succeeded" % (n, rcs.count(0)))
    st = starts(node_records())
    check(all(len(st.get(c, [])) == 1 for c, _ in ids), "%d containers started concurrently: each has one start record" % n)
    check(all(os.path.exists(os.path.join(CDIR, c + ".cel")) for c, _ in ids), "each has its container log")
    node_replay_ok("after %d concurrent starts" % n)
    served, replays = served_starts()
    check(all(served.get(c) == 1 for c, _ in ids),
          "the agent, killed -9 during the starts and restarted, serves each start record once (%d of %d)"
          % (sum(1 for c, _ in ids if served.get(c) == 1), n))
    check(replays, "the node view it serves replays to RTMR3")
    print("%d concurrent container starts measured in %.1f s" % (n, dt))


def retry_same_and_conflict(rootfs):
    cid = cid_of("retry")
    b, _ = make_bundle(cid, rootfs, ["/bin/true"], hook=False)
    for k in range(2):
        p = hook(cid, b)
        o, e = p.communicate((STATE % (cid, b)).encode(), timeout=60)
        check(p.returncode == 0 and (b"already recorded" in e) == (k == 1), "hook run %d: %s" % (k, e.decode()))
    # the same id with other measurements is refused
    c = json.load(open(os.path.join(b, "config.json")))
    c["process"]["args"] = ["/bin/sh", "-c", "other"]
    json.dump(c, open(os.path.join(b, "config.json"), "w"))
    p = hook(cid, b)
    o, e = p.communicate((STATE % (cid, b)).encode(), timeout=60)
    check(p.returncode == 2 and b"already started with other measurements" in e,
          "a second start of the same id with other measurements is refused: %s" % e.decode())
    check(len(starts(node_records()).get(cid, [])) == 1, "and adds no record")
    for bad, why in (("not json", "not a JSON object"), ('{"id":"../x","bundle":"/"}', "container id"),
                     ('{"id":"ok","bundle":"rel"}', "absolute")):
        p = hook("x", b)
        o, e = p.communicate(bad.encode(), timeout=60)
        check(p.returncode == 2 and why.encode() in e, "bad state %r -> rc 2 naming %r: %s" % (bad, why, e.decode()))


def deploy_files():
    """The shipped hook entries: the runc snippet is what the containers above ran; the
    CRI-O/podman hooks.d entry (oci-hooks(5), schema 1.0.0) runs the same command."""
    d = json.load(open(os.path.join(DEPLOY, "cctrustedd-hook.json")))
    r = json.load(open(os.path.join(DEPLOY, "runc-hooks.json")))["hooks"]
    check(set(d) == {"version", "hook", "when", "stages"} and d["version"] == "1.0.0"
          and d["stages"] == ["createRuntime"] and d["when"] == {"always": True},
          "hooks.d entry: version 1.0.0, always, createRuntime: %s" % d)
    check(set(r) == {"createRuntime"} and d["hook"]["path"] == r["createRuntime"][0]["path"]
          and d["hook"]["args"] == r["createRuntime"][0]["args"] == ["cctrustedd", "hook"],
          "hooks.d entry and runc snippet run the same command")


def system_start(rootfs):
    """The policy's system processes start a container's IMR3: a host process with a unique
    name is measured with its arguments (SHA-384 of its /proc cmdline, computed here), the
    container's view opens with that event, IMR3 = replay of the view (not of its own log
    alone), the SDK's replay still equals every register, and the report still verifies."""
    exe = os.path.join(TMP, "cct-system-proc")
    shutil.copy(shutil.which("sleep"), exe)
    proc = subprocess.Popen([exe, "600"])
    pol = os.path.join(TMP, "policy-system.json")
    json.dump({"system_processes": [exe, "/usr/bin/cct-not-running"], "system_with_args": True},
              open(pol, "w"))
    agent = Agent(pol)
    try:
        cmdline = open("/proc/%d/cmdline" % proc.pid, "rb").read()
        sysd = hashlib.sha384(cmdline).digest()
        check(cmdline == exe.encode() + b"\x00600\x00", "the system process's command line: %r" % cmdline)
        cid = cid_of("system-start")
        args = ["/usr/bin/python3", os.path.join(HERE, "in_container.py"), "/run/cima/uds/cima-server.sock",
                cid_of("a"), CLI, "/out"]
        b, out = make_bundle(cid, rootfs, args)
        p = run_container(cid, b)
        if not check(p.returncode == 0, "runc run system-start: rc %d %s" % (p.returncode, (p.stdout + p.stderr)[-1500:])):
            return
        j = json.load(open(os.path.join(out, "result.json")))
        recs, _ = container_log(cid)
        own = [r["digests"][12] for r in recs]
        imr = replay384([sysd] + own)
        check(j["imr3"] == imr.hex(), "system start: IMR3 = replay of SHA-384(system cmdline) then the "
              "container's %d events (hashlib)" % len(own))
        check(j["imr3"] != replay384(own).hex(), "a changed policy changes IMR3 (zero start without it)")
        check(j["replay"].get("3/12", [None, None])[0] == j["imr3"] and
              all(v[0] == v[1] for v in j["replay"].values()),
              "system start: SDK replay_cc_eventlog equals get_cc_measurement for every register")
        check(j["served_imr3_events"] == len(recs) + 1 and j["served_logs"] == ["boot", "container", "system"],
              "system start: the view serves the system event first (%d IMR3 events, %s)"
              % (j["served_imr3_events"], j["served_logs"]))
        q = open(os.path.join(out, "report.bin"), "rb").read()
        check(q[568:632] == hashlib.sha512(imr + NONCE + DATA).digest(),
              "system start: REPORTDATA binds the IMR3 that includes the start value")
        rc, cks, txt = verify(os.path.join(out, "report.bin"), cid, os.path.join(out, "view.cel"))
        check(rc == 0 and all(cks.get(n, {}).get("ok") for n in
                              ("container-log", "container-imr", "container-binding", "node-log", "container-start")),
              "system start: cctrusted verify passes with the served view: rc %d %s" % (rc, txt[-800:]))
        rc, cks, txt = verify(os.path.join(out, "report.bin"), cid, os.path.join(CDIR, cid + ".cel"))
        check(rc == 2 and cks.get("container-binding", {}).get("ok") is False
              and cks.get("container-start", {}).get("ok") is True,
              "system start: the container's own log without the system event fails the binding only: rc %d"
              % rc)
    finally:
        log = agent.stop()
        proc.kill()
        proc.wait()
    check("1 of 2 system processes measured" in log, "the agent says what it measured: " + log[-300:])


def main():
    deploy_files()
    a = Agent()
    if not check(a.p.poll() is None, "agent started: " + a.stop()[-500:] if a.p.poll() is not None else ""):
        return report()
    rootfs = None
    try:
        rootfs = real_containers()
        retry_same_and_conflict(rootfs)
        crashes(rootfs)
        concurrent(a, rootfs)
    finally:
        log = a.stop()
        check("stopped after" in log, "agent stopped cleanly: " + log[-300:])
    try:
        if rootfs is not None:
            system_start(rootfs)
    finally:
        subprocess.run(["sh", "-c", "for d in /sys/fs/cgroup/*/docker /sys/fs/cgroup/docker; do "
                        "[ -d $d ] && find $d -mindepth 1 -depth -type d -exec rmdir {} + 2>/dev/null; done; true"])
    shutil.rmtree(TMP, ignore_errors=True)
    return report(need_checks=True)


if __name__ == "__main__":
    sys.exit(main())
