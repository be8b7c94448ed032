# SPDX-License-Identifier: Apache-2.0
"""cctrustedd end to end: real gRPC clients (Debian's grpcio, the unmodified
CIMA SDK from ../shared/peers, the nghttp2 load client) against the agent on
the sim platform and on a prepared TPM sysroot with a growing IMA list.

Usage: /usr/bin/python3 test_agent.py CCTRUSTEDD AGENT_CLIENT CLI PEERS GEN_IMA MKLOG [LIBCCTRUSTED]

LIBCCTRUSTED (omitted in sanitizer builds) is loaded by the Python binding
for its check of the agent platform.

Expected values come from outside the agent: replays with hashlib (here and
in the SDK's evidence_api), REPORTDATA = SHA-512(nonce || user data) with
hashlib, register values the test wrote itself (TPM sysroot), the number of
IMA entries the test appended.
"""
import base64
import hashlib
import importlib.util
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from agentproc import AgentProcess  # noqa: E402
from pyutil import check, report  # noqa: E402

AGENT, CLIENT, CLI, PEERS, GEN_IMA, MKLOG = [os.path.abspath(a) for a in sys.argv[1:7]]
LIB = os.path.abspath(sys.argv[7]) if len(sys.argv) > 7 and sys.argv[7] else None
SRC = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
SDK_PATH = os.path.join(PEERS, "cima-python-sdk")
EAPI_PATH = os.path.join(PEERS, "evidence-api-python")
HERE = os.path.dirname(os.path.abspath(__file__))

try:
    import grpc  # noqa: E402
except ImportError:
    print("SKIP: python3-grpcio is not installed for", sys.executable)
    sys.exit(77)
if not os.path.isdir(SDK_PATH):
    print("SKIP: the CIMA SDK is not at", SDK_PATH)
    sys.exit(77)
sys.path[:0] = [SDK_PATH, EAPI_PATH]
from cima import cima_server_pb2 as pb  # noqa: E402
from cima import cima_server_pb2_grpc as pbg  # noqa: E402

TMP = tempfile.mkdtemp(prefix="cctd-test-")
os.chmod(TMP, 0o755)  # unprivileged callers reach the sockets below
ENV = {k: v for k, v in os.environ.items() if not k.startswith("CCT_")}
ENV["CCT_SIM_DIR"] = os.path.join(TMP, "sim")


class Agent(AgentProcess):
    def __init__(self, name, args, policy=None, env=None):
        os.makedirs(os.path.join(TMP, name), exist_ok=True)
        if policy is not None:
            pf = os.path.join(TMP, name, "policy.json")
            with open(pf, "w") as f:
                json.dump(policy, f)
            args = args + ["--policy", pf]
        super().__init__(AGENT, os.path.join(TMP, name, "cima.sock"), args, env or ENV,
                         os.path.join(TMP, name, "agent.log"), stub=pbg.cimaStub)


def code_of(fn):
    try:
        fn()
        return "OK", ""
    except grpc.RpcError as e:
        return e.code().name, e.details() or ""


def raw_call(agent, path, body, timeout=10):
    f = agent.channel.unary_unary(path, request_serializer=None, response_deserializer=None)
    return f(body, timeout=timeout)


def hashlib_replay(events):
    """Zero-initialised extend per register and bank, EV_NO_ACTION skipped (TCG PC Client)."""
    regs = {}
    for e in events:
        if e.event_type == 3:
            continue
        for d in e.digests:
            h = {4: hashlib.sha1, 11: hashlib.sha256, 12: hashlib.sha384, 13: hashlib.sha512}[d.algo_id]
            key = (e.imr_index, d.algo_id)
            cur = regs.get(key, bytes(h().digest_size))
            regs[key] = h(cur + d.hash).digest()
    return regs


def all_events(agent, page=None, cid=""):
    if page is None:
        return list(agent.stub.GetCcEventlog(pb.GetCcEventlogRequest(container_id=cid)).event_logs)
    out = []
    while True:
        r = agent.stub.GetCcEventlog(pb.GetCcEventlogRequest(container_id=cid, start=len(out), count=page))
        out += list(r.event_logs)
        if len(r.event_logs) < page:
            return out


# ---------------------------------------------------------------- containers
def cgroup2_root():
    for line in open("/proc/self/mounts"):
        f = line.split()
        if f[2] == "cgroup2":
            return f[1]
    return None


CG2 = cgroup2_root()


def make_container(n):
    """A fake docker container: a cgroup v2 named like docker's systemd layout."""
    cid = hashlib.sha256(b"cctd-test-container-%d-%d" % (n, os.getpid())).hexdigest()
    path = os.path.join(CG2, "system.slice", "docker-%s.scope" % cid)
    os.makedirs(path, exist_ok=True)
    return cid, path


def can_make_containers():
    if CG2 is None or os.geteuid() != 0 or shutil.which("unshare") is None:
        return "needs root, unshare and a writable cgroup v2 mount"
    try:
        cid, path = make_container(999)
        os.rmdir(path)
    except OSError as e:
        return "cgroup v2 not writable: %s" % e
    return None


def in_container(cid, cgpath, argv, env):
    """Run argv in cgroup cgpath, in a mount namespace whose mountinfo shows
    docker's /var/lib/docker/containers/<id>/ bind mount (what the CIMA SDK reads)."""
    d = os.path.join(TMP, "docker", "containers", cid)
    os.makedirs(d, exist_ok=True)
    open(os.path.join(d, "hostname"), "w").write("c\n")
    target = os.path.join(TMP, "hostname-target-" + cid[:8])
    open(target, "w").write("")
    script = ('echo $$ > %s/cgroup.procs && mount --bind %s/hostname %s && exec "$@"'
              % (cgpath, d, target))
    return subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c", script, "sh"] + argv,
                          env=env, capture_output=True, text=True, timeout=120)


def sdk_env():
    env = dict(ENV)
    env["PYTHONPATH"] = SDK_PATH + ":" + EAPI_PATH
    return env


# ---------------------------------------------------------------- sim platform
def test_sim():
    a = Agent("sim", ["--platform", "sim", "--workers", "2"],
              policy={"max_message": 1024, "request_timeout_s": 5, "max_page": 500})
    check(os.path.exists(a.sock), "sim: the agent is ready (socket exists)")
    check(oct(os.stat(a.sock).st_mode & 0o777) == "0o666", "sim: socket mode 0666 by default")

    r = a.stub.GetDefaultAlgorithm(pb.GetDefaultAlgorithmRequest())
    check(r.algo_id == 12, "sim: default algorithm SHA-384 (12), got %d" % r.algo_id)
    r = a.stub.GetMeasurementCount(pb.GetMeasurementCountRequest())
    check(r.count == 4, "sim: 4 RTMRs, got %d" % r.count)

    # health
    hreq = pb.HealthCheckRequest(service="").SerializeToString()
    resp = pb.HealthCheckResponse.FromString(raw_call(a, "/grpc.health.v1.Health/Check", hreq))
    check(resp.status == 1, "health: SERVING")
    c, _ = code_of(lambda: raw_call(a, "/grpc.health.v1.Health/Check",
                                    pb.HealthCheckRequest(service="nope").SerializeToString()))
    check(c == "NOT_FOUND", "health: unknown service -> NOT_FOUND, got " + c)

    # the older CCNP service name answers the same
    mreq = pb.GetCcMeasurementRequest(index=2, algo_id=12).SerializeToString()
    x = pb.GetCcMeasurementResponse.FromString(raw_call(a, "/ccnp_server_pb.ccnp/GetCcMeasurement", mreq))
    y = a.stub.GetCcMeasurement(pb.GetCcMeasurementRequest(index=2, algo_id=12))
    check(x.measurement.hash == y.measurement.hash and len(x.measurement.hash) == 48,
          "ccnp_server_pb.ccnp/GetCcMeasurement equals the cima answer")

    # host view: the event log replays (hashlib) to the registers the agent reports
    evs = all_events(a)
    paged = all_events(a, page=3)
    check(len(evs) >= 9 and [e.SerializeToString() for e in evs] == [e.SerializeToString() for e in paged],
          "eventlog: all at once equals pages of 3 (%d events)" % len(evs))
    check([e.rec_num for e in evs] == list(range(len(evs))), "eventlog: rec_num counts 0..n-1")
    reg = hashlib_replay(evs)
    for (idx, alg), v in sorted(reg.items()):
        m = a.stub.GetCcMeasurement(pb.GetCcMeasurementRequest(index=idx, algo_id=alg)).measurement
        check(m.hash == v, "sim: hashlib replay of the served log equals RTMR%d" % idx)

    # runtime extend while serving: the new record is picked up incrementally
    p = subprocess.run([CLI, "--platform", "sim", "extend", "--index", "3", "--data", "container start x"],
                       env=ENV, capture_output=True, text=True)
    check(p.returncode == 0, "cctrusted extend RTMR3: " + p.stderr.strip())
    evs2 = all_events(a)
    check(len(evs2) == len(evs) + 1 and evs2[-1].imr_index == 3 and evs2[-1].extra_info["log"] == "runtime",
          "eventlog: the runtime extend appears as one new RTMR3 event")
    m3 = a.stub.GetCcMeasurement(pb.GetCcMeasurementRequest(index=3, algo_id=12)).measurement.hash
    check(hashlib_replay(evs2).get((3, 12)) == m3 and m3 != bytes(48), "sim: replay of RTMR3 equals the live RTMR3")

    # report: REPORTDATA = SHA-512(nonce || user_data) at the TDX quote v4 offset 568
    nonce, data = b"\x00nonce\xff", b"user data"
    r = a.stub.GetCcReport(pb.GetCcReportRequest(nonce=base64.b64encode(nonce).decode(),
                                                 user_data=base64.b64encode(data).decode()))
    q = r.cc_report
    check(r.cc_type == 1 and len(q) > 632 and struct.unpack_from("<H", q, 0)[0] == 4,
          "report: cc_type TDX (1), a v4 quote")
    check(q[568:632] == hashlib.sha512(nonce + data).digest(), "report: REPORTDATA = SHA-512(nonce || user_data)")
    check(q[376 + 3 * 48:376 + 4 * 48] == m3, "report: quoted RTMR3 equals GetCcMeasurement(3)")
    r = a.stub.GetCcReport(pb.GetCcReportRequest(nonce="YWJj"))
    check(r.cc_report[568:632] == hashlib.sha512(b"abc").digest(), "report: unpadded base64 nonce accepted")

    # bad requests: clear status codes, and the agent keeps serving
    bad = [
        ("forged container_id from a host process", "PERMISSION_DENIED",
         lambda: a.stub.GetCcMeasurement(pb.GetCcMeasurementRequest(container_id="f" * 64, index=0))),
        ("nonce not base64", "INVALID_ARGUMENT",
         lambda: a.stub.GetCcReport(pb.GetCcReportRequest(nonce="***"))),
        ("register 9", "NOT_FOUND", lambda: a.stub.GetCcMeasurement(pb.GetCcMeasurementRequest(index=9))),
        ("algo_id 70000", "INVALID_ARGUMENT",
         lambda: a.stub.GetCcMeasurement(pb.GetCcMeasurementRequest(index=0, algo_id=70000))),
        ("start past the end", "OUT_OF_RANGE",
         lambda: a.stub.GetCcEventlog(pb.GetCcEventlogRequest(start=100000, count=1))),
        ("page above max_page", "RESOURCE_EXHAUSTED",
         lambda: a.stub.GetCcEventlog(pb.GetCcEventlogRequest(start=0, count=501))),
        ("protobuf garbage", "INVALID_ARGUMENT",
         lambda: raw_call(a, "/cima_server_pb.cima/GetCcMeasurement", b"\xff\xff\xff\xff")),
        ("wrong wire type", "INVALID_ARGUMENT",
         lambda: raw_call(a, "/cima_server_pb.cima/GetCcEventlog", b"\x0d\x01\x02\x03\x04")),
        ("unknown method", "UNIMPLEMENTED", lambda: raw_call(a, "/cima_server_pb.cima/Nope", b"")),
        ("oversized message (2000 bytes, cap 1024)", "RESOURCE_EXHAUSTED",
         lambda: a.stub.GetCcMeasurement(pb.GetCcMeasurementRequest(container_id="a" * 2000))),
    ]
    for what, want, fn in bad:
        got, det = code_of(fn)
        check(got == want and det != "", "%s -> %s, got %s (%s)" % (what, want, got, det))
    r = a.stub.GetMeasurementCount(pb.GetMeasurementCountRequest())
    check(r.count == 4, "after the bad requests the same channel still works")

    agent_platform(a, m3)
    faults(a)
    containers(a)
    out = a.stop()
    check(a.p.returncode == 0 and "stopped after" in out, "SIGTERM: clean exit 0, socket removed")
    check(not os.path.exists(a.sock), "the socket is removed on exit")
    restarts()
    policy_limits()
    crash_during_extend()


def crash_during_extend():
    """An extender crashing mid-extend, and the agent killed -9 around it: the agent never serves a
    record still pending, and serves each record the library commits exactly once, across a restart.
    (Opening a context only checks the runtime log; a pending record is decided by the next extend.)"""
    a = Agent("crash", ["--platform", "sim"])

    def key(e):
        return (e.rec_num, e.imr_index, e.event_type, tuple((d.algo_id, d.hash) for d in e.digests), e.event,
                tuple(sorted(e.extra_info.items())))

    def runtime_events():
        return [key(e) for e in all_events(a) if e.extra_info["log"] == "runtime"]

    def live3():
        return a.stub.GetCcMeasurement(pb.GetCcMeasurementRequest(index=3, algo_id=12)).measurement.hash

    before = runtime_events()
    tries = {"after-log": 0, "after-extend": 0}
    for step in ("after-log", "after-extend"):
        env = dict(ENV, CCT_RUNTIME_LOG_CRASH_AT=step)
        p = subprocess.run([CLI, "--platform", "sim", "extend", "--index", "3", "--data", "crash " + step],
                           env=env, capture_output=True, text=True)
        tries[step] += 1
        check(p.returncode == 77, "extend crashed at %s (exit %d)" % (step, p.returncode))
        ev = runtime_events()
        check(ev == before, "crash %s: the pending record is not served (%d records before, %d now)"
              % (step, len(before), len(ev)))
    # kill -9 the agent with a record pending whose extend happened; restart it
    a.p.kill()
    a.p.wait()
    a.stop()
    a = Agent("crash", ["--platform", "sim"])
    ev = runtime_events()
    check(ev == before, "after kill -9 and restart: still exactly the %d committed records (tries %s)"
          % (len(before), tries))
    # the next extend decides the pending record (its extend happened: committed) and adds its own
    p = subprocess.run([CLI, "--platform", "sim", "extend", "--index", "3", "--data", "after restart"], env=ENV,
                       capture_output=True, text=True)
    ev2 = runtime_events()
    check(p.returncode == 0 and len(ev2) == len(before) + 2 and ev2[:len(before)] == before and
          ev2[-2][4].endswith(b"crash after-extend") and ev2[-1][4].endswith(b"after restart"),
          "the next extend: the crashed-after-extend record is served once, the crashed-after-log one "
          "never, then the new one (%d -> %d records)" % (len(before), len(ev2)))
    check(hashlib_replay(all_events(a)).get((3, 12)) == live3(), "RTMR3 replays to the live value")
    a.stop()


def policy_limits():
    """Per-caller rate limit and the uids allowed to request quotes."""
    a = Agent("policy", ["--platform", "sim"], policy={"rate_per_second": 5, "rate_burst": 5, "report_uids": [0]})
    codes = [code_of(lambda: a.stub.GetMeasurementCount(pb.GetMeasurementCountRequest()))[0] for _ in range(20)]
    check(codes[:5] == ["OK"] * 5 and codes.count("RESOURCE_EXHAUSTED") >= 10,
          "rate 5/s, burst 5: the first 5 of 20 rapid calls pass, the rest are RESOURCE_EXHAUSTED: %s" % codes)
    hc = pb.HealthCheckResponse.FromString(raw_call(a, "/grpc.health.v1.Health/Check", b""))
    check(hc.status == 1, "health checks are not rate limited")
    time.sleep(1.2)
    c, _ = code_of(lambda: a.stub.GetMeasurementCount(pb.GetMeasurementCountRequest()))
    check(c == "OK", "the bucket refills: a call after 1.2 s passes")
    if os.geteuid() == 0 and shutil.which("setpriv"):
        env = dict(ENV, CCT_AGENT_SOCKET=a.sock)
        p = subprocess.run(["setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups", CLI, "--platform",
                            "agent", "report"], env=env, capture_output=True, text=True, timeout=60)
        check(p.returncode != 0 and "uid 65534" in p.stderr and "status 7" in p.stderr,
              "report_uids [0]: uid 65534 is refused (PERMISSION_DENIED): " + p.stderr.strip())
        time.sleep(1.2)
        p = subprocess.run([CLI, "--platform", "agent", "report"], env=env, capture_output=True, text=True,
                           timeout=60)
        check(p.returncode == 0, "report_uids [0]: uid 0 gets its quote: " + p.stderr.strip())
    a.stop()


def agent_platform(a, rtmr3):
    """The library's agent platform: the CLI (as an unprivileged user) and the Python binding
    inside a 'container' talk to the agent; answers checked against the agent's own RPCs and hashlib."""
    env = dict(ENV, CCT_AGENT_SOCKET=a.sock)
    env.pop("CCT_SIM_DIR", None)
    pre = ["setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups"] \
        if os.geteuid() == 0 and shutil.which("setpriv") else []

    def cli(*args):
        return subprocess.run(pre + [CLI, "--platform", "agent"] + list(args), env=env, capture_output=True,
                              text=True, timeout=60)

    p = cli("measurement", "--json")
    check(p.returncode == 0, "agent platform: measurement: " + p.stderr)
    regs = {r["index"]: r["digest"] for r in json.loads(p.stdout)["registers"]} if p.returncode == 0 else {}
    want = {i: a.stub.GetCcMeasurement(pb.GetCcMeasurementRequest(index=i, algo_id=12)).measurement.hash.hex()
            for i in range(4)}
    check(regs == want and regs[3] == rtmr3.hex(), "agent platform: the 4 RTMRs equal the agent's answers%s"
          % (" (as uid 65534)" if pre else ""))
    p = cli("replay", "--verify")
    check(p.returncode == 0 and "all 4 replayed registers match" in p.stdout,
          "agent platform: replay --verify of the served log matches the live registers: " + p.stdout + p.stderr)
    p = cli("eventlog", "--json")
    n_served = len(all_events(a))
    got = sum(len(l["events"]) for l in json.loads(p.stdout)["logs"]) if p.returncode == 0 else -1
    check(got == n_served, "agent platform: eventlog shows the %d served events (got %d)" % (n_served, got))
    out = os.path.join(TMP, "agent-quote.bin")
    p = subprocess.run([CLI, "--platform", "agent", "report", "--nonce", "a1b2c3", "--data", "00ff", "--out", out],
                       env=env, capture_output=True, text=True, timeout=60)
    q = open(out, "rb").read() if p.returncode == 0 else b""
    check(q[568:632] == hashlib.sha512(bytes.fromhex("a1b2c3") + bytes.fromhex("00ff")).digest(),
          "agent platform: report REPORTDATA = SHA-512(nonce || data): " + p.stderr)
    p = cli("extend", "--index", "3", "--data", "x")
    check(p.returncode != 0 and "not supported" in p.stderr, "agent platform: extend is refused, says why")
    empty = os.path.join(TMP, "empty-root")
    os.makedirs(empty, exist_ok=True)
    p = subprocess.run([CLI, "--sysroot", empty, "info", "--json"], env=env, capture_output=True, text=True)
    j = json.loads(p.stdout) if p.stdout.strip() else {}
    check(j.get("detected") == "agent" and any(pr["platform"] == "agent" and pr["found"] and pr["path"] == a.sock
                                                for pr in j.get("probes", [])),
          "detection: no TEE interface but the agent socket -> agent, with its probe: " + p.stderr)
    p = subprocess.run([CLI, "--sysroot", empty, "info", "--json"], env=ENV, capture_output=True, text=True)
    j = json.loads(p.stdout) if p.stdout.strip() else {}
    check(j.get("detected") == "none", "detection: no TEE and no agent socket -> none")
    bad = dict(env, CCT_AGENT_SOCKET=os.path.join(TMP, "no-such.sock"))
    p = subprocess.run([CLI, "--platform", "agent", "measurement"], env=bad, capture_output=True, text=True)
    check(p.returncode == 3 and ("cannot connect" in p.stderr or "not present" in p.stderr),
          "agent platform: no agent -> exit 3: " + p.stderr)
    if LIB is None:
        print("SKIP agent platform through the Python binding: sanitizer build")
        return
    code = ("import cctrusted, json\n"
            "with cctrusted.CCTrusted(platform='agent') as cc:\n"
            "    alg, m = cc.get_cc_measurement(3)\n"
            "    print(json.dumps({'count': cc.get_measurement_count(), 'r3': m.hex()}))\n")
    penv = dict(env, PYTHONPATH=os.path.join(SRC, "bindings", "python"), CCTRUSTED_LIB=LIB)
    p = subprocess.run(["/usr/bin/python3", "-c", code], env=penv, capture_output=True, text=True, timeout=60)
    j = json.loads(p.stdout) if p.returncode == 0 else {}
    check(j.get("count") == 4 and j.get("r3") == rtmr3.hex(),
          "agent platform: the Python binding reads RTMR3 through the agent: " + p.stdout + p.stderr[-500:])


def http2_preface_conn(sock):
    s = socket.socket(socket.AF_UNIX)
    s.connect(sock)
    return s


def wait_closed(s, limit):
    s.settimeout(limit)
    t = time.time()
    try:
        while True:
            b = s.recv(4096)
            if not b:
                return time.time() - t
    except (socket.timeout, ConnectionResetError):
        return time.time() - t if not isinstance(sys.exc_info()[1], socket.timeout) else None


def faults(a):
    rss0 = a.rss_kb()
    # not HTTP/2 at all
    s = http2_preface_conn(a.sock)
    s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n" + os.urandom(200))
    check(wait_closed(s, 5) is not None, "garbage instead of HTTP/2: the connection is closed")
    s.close()
    # preface, then a frame header announcing 16 MiB of payload
    s = http2_preface_conn(a.sock)
    s.sendall(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + b"\x00\x00\x00\x04\x00\x00\x00\x00\x00" +
              b"\xff\xff\xff\x00\x00\x00\x00\x00\x01" + os.urandom(64))
    check(wait_closed(s, 5) is not None, "oversized HTTP/2 frame: the connection is closed")
    s.close()
    # a slow client that never finishes the preface (request_timeout_s 5; long enough for 1000 connections
    # to be set up under ASan, which counts against the same limit)
    s = http2_preface_conn(a.sock)
    s.sendall(b"PRI * HTTP/2.0\r\n")
    dt = wait_closed(s, 12)
    check(dt is not None and 4 < dt < 9, "slow client: closed after the request timeout (%s s)" % dt)
    s.close()
    # a client that sends a request's headers and disappears mid-call
    code = ("import sys,os,grpc\nsys.path[:0]=%r\nfrom cima import cima_server_pb2 as pb, cima_server_pb2_grpc as g\n"
            "ch=grpc.insecure_channel('unix:%s');st=g.cimaStub(ch)\n"
            "f=st.GetCcEventlog.future(pb.GetCcEventlogRequest(count=100))\nos._exit(0)\n"
            % ([SDK_PATH, EAPI_PATH], a.sock))
    for _ in range(5):
        subprocess.run(["/usr/bin/python3", "-c", code], env=sdk_env(), timeout=60)
    # 1000 concurrent connections, each with calls in flight
    p = subprocess.run([CLIENT, "--socket", a.sock, "--method", "measurement", "--connections", "1000",
                        "--requests", "5000"], capture_output=True, text=True, timeout=300)
    j = json.loads(p.stdout) if p.stdout.strip() else {}
    check(p.returncode == 0 and j.get("connected") == 1000 and j.get("completed") == 5000 and j.get("errors") == 0,
          "1000 concurrent connections: 5000 calls, no error: " + p.stdout.strip() + p.stderr.strip())
    # sustained load; memory must not grow with the number of requests
    p = subprocess.run([CLIENT, "--socket", a.sock, "--method", "eventlog", "--count", "10", "--connections", "16",
                        "--requests", "20000"], capture_output=True, text=True, timeout=300)
    check(p.returncode == 0, "20000 event-log calls over 16 connections: " + p.stdout.strip())
    rss1 = a.rss_kb()
    p = subprocess.run([CLIENT, "--socket", a.sock, "--method", "eventlog", "--count", "10", "--connections", "16",
                        "--requests", "20000"], capture_output=True, text=True, timeout=300)
    rss2 = a.rss_kb()
    check(rss2 - rss1 < 8 * 1024, "RSS bounded: %d KiB at start, %d after 25k calls, %d after 20k more"
          % (rss0, rss1, rss2))
    resp = pb.HealthCheckResponse.FromString(raw_call(a, "/grpc.health.v1.Health/Check", b""))
    check(resp.status == 1 and a.p.poll() is None, "after the faults the agent still serves (health SERVING)")
    print("fault counts: 3 malformed/slow connections, 5 vanished clients, 1000 concurrent connections, "
          "45000 load calls; RSS %d -> %d -> %d KiB" % (rss0, rss1, rss2))


def containers(a):
    why = can_make_containers()
    if why:
        print("SKIP containerised callers:", why)
        return
    (ca, pa), (cb, pbth) = make_container(1), make_container(2)
    # Container A was measured at creation by the OCI hook (docs/containers.md); B was not.
    bundle = os.path.join(TMP, "bundle-a")
    os.makedirs(bundle, exist_ok=True)
    with open(os.path.join(bundle, "config.json"), "w") as f:
        json.dump({"ociVersion": "1.0.2", "process": {"args": ["/bin/sh"], "env": [], "cwd": "/"}}, f)
    h = subprocess.run([AGENT, "hook", "--platform", "sim"], env=ENV, capture_output=True, text=True,
                       input=json.dumps({"ociVersion": "1.0.2", "id": ca, "status": "creating", "pid": 1,
                                         "bundle": bundle}))
    check(h.returncode == 0, "hook measured container A: " + h.stderr)
    try:
        p = in_container(ca, pa, ["/usr/bin/python3", os.path.join(HERE, "sdk_check.py"), a.sock, cb], sdk_env())
        if not check(p.returncode == 0, "CIMA SDK in container A ran: " + p.stderr[-2000:]):
            return
        j = json.loads(p.stdout.strip().splitlines()[-1])
        check(j["container_id"] == ca, "SDK: found its container id in mountinfo")
        check(j["default_alg"] == 12 and j["count"] == 4, "SDK: get_default_algorithms 12, get_measurement_count 4")
        check(len(j["replay"]) >= 4 and all(v[0] == v[1] for v in j["replay"].values()),
              "SDK: replay_cc_eventlog equals get_cc_measurement for every replayed register (%d)" % len(j["replay"]))
        check(all(j["measurements"][str(i)] and len(j["measurements"][str(i)]) == 96 for i in range(4)),
              "SDK: get_cc_measurement for every register")
        check(j.get("report_type") == "TdxQuote", "SDK: get_cc_report returns a TdxQuote: %s" % j.get("report_error"))
        check(j["forged"] == "PERMISSION_DENIED" and cb in j.get("forged_details", "") and ca in j["forged_details"],
              "container A sending B's id -> PERMISSION_DENIED naming both")
        q = bytes.fromhex(j["raw_report"])
        imr3 = bytes.fromhex(j["measurements"]["3"])
        check(q[568:632] == hashlib.sha512(imr3 + bytes([1, 2, 3, 4, 5])).digest(),
              "container: report REPORTDATA = SHA-512(container IMR3 || nonce || data)")
        # B is told apart from A: its own id works, A's does not
        code = ("import sys,grpc\nfrom cima import cima_server_pb2 as pb, cima_server_pb2_grpc as g\n"
                "st=g.cimaStub(grpc.insecure_channel('unix:%s'))\n"
                "for cid in (%r, %r):\n"
                "  try:\n    st.GetMeasurementCount(pb.GetMeasurementCountRequest());"
                " st.GetCcEventlog(pb.GetCcEventlogRequest(container_id=cid, count=1)); print('OK')\n"
                "  except grpc.RpcError as e: print(e.code().name)\n" % (a.sock, cb, ca))
        p = in_container(cb, pbth, ["/usr/bin/python3", "-c", code], sdk_env())
        check(p.stdout.split() == ["OK", "PERMISSION_DENIED"], "container B: own id OK, A's id denied: "
              + p.stdout + p.stderr[-500:])
    finally:
        for path in (pa, pbth):
            try:
                os.rmdir(path)
            except OSError:
                pass


def restarts():
    # kill -9 leaves a stale socket; the next agent removes it and serves
    a = Agent("restart", ["--platform", "sim"])
    a.p.kill()
    a.p.wait()
    check(os.path.exists(a.sock), "kill -9 leaves the socket file behind")
    b = Agent("restart", ["--platform", "sim"])
    r = b.stub.GetMeasurementCount(pb.GetMeasurementCountRequest())
    # a second agent on a live socket refuses to start and leaves it alone
    c = subprocess.run([AGENT, "--platform", "sim", "--socket", b.sock], env=ENV, capture_output=True,
                       text=True, timeout=30)
    r2 = b.stub.GetMeasurementCount(pb.GetMeasurementCountRequest())
    out = b.stop()
    check(r.count == 4 and "removed a stale socket" in out, "stale socket removed, new agent serves")
    check(c.returncode == 4 and "another agent" in c.stderr and r2.count == 4,
          "second agent on a live socket: exit 4, the first keeps serving")
    # a path that is not a socket is never removed
    f = os.path.join(TMP, "notasocket")
    open(f, "w").write("keep")
    c = subprocess.run([AGENT, "--platform", "sim", "--socket", f], env=ENV, capture_output=True, text=True,
                       timeout=30)
    check(c.returncode == 3 and open(f).read() == "keep", "a regular file at the socket path is left alone")
    # systemd: readiness notification and socket activation
    ns = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    npath = os.path.join(TMP, "notify.sock")
    ns.bind(npath)
    ns.settimeout(20)
    env = dict(ENV, NOTIFY_SOCKET=npath)
    a = Agent("notify", ["--platform", "sim"], env=env)
    try:
        msg = ns.recv(256).decode()
    except socket.timeout:
        msg = ""
    a.stop()
    check("READY=1" in msg, "sd_notify READY=1 sent: %r" % msg)
    ls = socket.socket(socket.AF_UNIX)
    lpath = os.path.join(TMP, "activated.sock")
    ls.bind(lpath)
    ls.listen(16)
    pid = os.fork()
    if pid == 0:
        os.dup2(ls.fileno(), 3)
        e = dict(ENV, LISTEN_FDS="1", LISTEN_PID=str(os.getpid()))
        os.execve(AGENT, [AGENT, "--platform", "sim", "--socket", "/nonexistent/dir/x.sock"], e)
    ls.close()
    ch = grpc.insecure_channel("unix:" + lpath, options=[("grpc.default_authority", "localhost")])
    try:
        r = pbg.cimaStub(ch).GetMeasurementCount(pb.GetMeasurementCountRequest(), timeout=20)
        got = r.count
    except grpc.RpcError as e:
        got = e.code().name
    ch.close()
    os.kill(pid, signal.SIGTERM)
    os.waitpid(pid, 0)
    check(got == 4, "socket activation: serves on the passed socket (got %s)" % got)


# ---------------------------------------------------------------- TPM sysroot, growing IMA
def load_gen_ima():
    spec = importlib.util.spec_from_file_location("gen_ima", GEN_IMA)
    m = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m)
    return m


def test_tpm_ima():
    gi = load_gen_ima()
    root = os.path.join(TMP, "tpmroot")
    log = os.path.join(root, "sys/kernel/security/tpm0/binary_bios_measurements")
    os.makedirs(os.path.dirname(log))
    expect = os.path.join(TMP, "tpm-expect.txt")
    subprocess.run([sys.executable, MKLOG, "--banks", "sha1,sha256", "--out", log, "--expect", expect], check=True)
    values = {(b, i): bytes(20 if b == "sha1" else 32) for b in ("sha1", "sha256") for i in range(24)}
    for line in open(expect):
        if not line.startswith("#"):
            idx, alg, hx = line.split()
            values[(alg, int(idx[3:]))] = bytes.fromhex(hx)
    ima = os.path.join(root, "sys/kernel/security/ima/binary_runtime_measurements")
    os.makedirs(os.path.dirname(ima))

    def entry(i):
        name = "/usr/bin/tool-%06d" % i
        return gi.Entry("ima-ng", 10, [("d-ng", gi.fdig("sha256", name)), ("n-ng", name)])

    def write_pcrs():
        for (b, i), v in values.items():
            path = os.path.join(root, "sys/class/tpm/tpm0/pcr-%s/%d" % (b, i))
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path + ".tmp", "w") as f:
                f.write(v.hex() + "\n")
            os.rename(path + ".tmp", path)

    def append(entries, split=False):
        with open(ima, "ab") as f:
            for e in entries:
                b = e.binary()
                if split:
                    f.write(b[:7])
                    f.flush()
                    time.sleep(0.002)
                    f.write(b[7:])
                else:
                    f.write(b)
                values[("sha1", 10)] = hashlib.sha1(values[("sha1", 10)] + e.template_hash("sha1")).digest()
        write_pcrs()

    os.makedirs(os.path.join(root, "sys/class/tpm/tpm0"), exist_ok=True)
    open(os.path.join(root, "sys/class/tpm/tpm0/tpm_version_major"), "w").write("2\n")
    append([entry(i) for i in range(100)])
    a = Agent("tpm", ["--platform", "tpm", "--sysroot", root], policy={"isolated": True, "max_page": 100000})
    evs = all_events(a)
    boot = [e for e in evs if e.extra_info["log"] == "boot"]
    imas = [e for e in evs if e.extra_info["log"] == "ima"]
    n_boot = len(boot)
    check(len(imas) == 100 and imas[0].extra_info["file_name"] == "/usr/bin/tool-000000",
          "tpm sysroot: the 100 IMA entries are served after the boot log (%d boot events)" % n_boot)
    check(imas[0].imr_index == 10 and imas[0].digests[0].algo_id == 4 and
          imas[0].digests[0].hash == entry(0).template_hash("sha1"),
          "IMA event: PCR10, sha1 template hash computed with hashlib")
    reg = hashlib_replay(evs)
    ok = all(a.stub.GetCcMeasurement(pb.GetCcMeasurementRequest(index=i, algo_id=alg)).measurement.hash == v
             for (i, alg), v in reg.items())
    check(ok and (10, 4) in reg, "tpm sysroot: hashlib replay of boot + IMA equals every PCR the log feeds")

    # the list grows while clients read it: records written in two parts
    stop = threading.Event()
    seen_counts = []

    def reader():
        ch = grpc.insecure_channel("unix:" + a.sock, options=[("grpc.default_authority", "localhost")])
        st = pbg.cimaStub(ch)
        while not stop.is_set():
            r = st.GetCcEventlog(pb.GetCcEventlogRequest(start=n_boot, count=100000))
            names = [e.extra_info.get("file_name") for e in r.event_logs]
            seen_counts.append(len(names))
            if names != ["/usr/bin/tool-%06d" % i for i in range(len(names))]:
                seen_counts.append(-1)
        ch.close()

    ths = [threading.Thread(target=reader) for _ in range(3)]
    for t in ths:
        t.start()
    for k in range(10):
        append([entry(100 + k * 50 + i) for i in range(50)], split=True)
    stop.set()
    for t in ths:
        t.join()
    check(len(seen_counts) > 0 and -1 not in seen_counts,
          "concurrent readers never saw a lost, duplicated or reordered entry (%d reads)" % len(seen_counts))
    imas = [e for e in all_events(a, page=97) if e.extra_info["log"] == "ima"]
    check([e.extra_info["file_name"] for e in imas] == ["/usr/bin/tool-%06d" % i for i in range(600)],
          "after growth: exactly the 600 appended entries, in order, paged by 97")
    m = a.stub.GetCcMeasurement(pb.GetCcMeasurementRequest(index=10, algo_id=4)).measurement.hash
    check(hashlib_replay(all_events(a))[(10, 4)] == m == values[("sha1", 10)],
          "after growth: PCR10 sha1 replay equals the value written")
    # a partial record at the end is not served until it is complete
    b = entry(600).binary()
    with open(ima, "ab") as f:
        f.write(b[:30])
    n1 = len(all_events(a))
    with open(ima, "ab") as f:
        f.write(b[30:])
    n2 = len(all_events(a))
    check(n2 == n1 + 1, "a record half written is served only once complete (%d -> %d)" % (n1, n2))
    # the isolated policy hides the host IMA list from containers
    why = can_make_containers()
    if why:
        print("SKIP isolated view:", why)
    else:
        cid, path = make_container(3)
        code = ("import grpc\nfrom cima import cima_server_pb2 as pb, cima_server_pb2_grpc as g\n"
                "st=g.cimaStub(grpc.insecure_channel('unix:%s'))\n"
                "r=st.GetCcEventlog(pb.GetCcEventlogRequest(count=100000))\n"
                "print(sorted(set(e.extra_info['log'] for e in r.event_logs)), len(r.event_logs))\n" % a.sock)
        p = in_container(cid, path, ["/usr/bin/python3", "-c", code], sdk_env())
        os.rmdir(path)
        # its view leaves out the boot log's PCR 3 events: index 3 is the container's own there
        n_view = len([e for e in boot if e.imr_index != 3])
        check(n_view < n_boot and p.stdout.strip() == "['boot'] %d" % n_view,
              "isolated: a container sees the boot log only, without its PCR 3 events: "
              + p.stdout + p.stderr[-300:])
    a.stop()


def main():
    try:
        test_sim()
        test_tpm_ima()
    finally:
        shutil.rmtree(TMP, ignore_errors=True)
    return report(need_checks=True)


sys.exit(main())
