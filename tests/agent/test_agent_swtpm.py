# SPDX-License-Identifier: Apache-2.0
"""cctrustedd on a software TPM (swtpm) answering the unmodified CIMA SDK.

Usage: /usr/bin/python3 test_agent_swtpm.py CCTRUSTEDD CCTRUSTED PEERS GEN_IMA MKLOG SWTPM_PY

swtpm is started on free 127.0.0.1 ports. tpm2-tools extend it with the events
of a generated TCG2 boot log (tools/mklog.py) and of a binary IMA list
(tests/ima/gen_ima.py: PCR10, each bank extended with its own hash of the
template data, as the kernel does; the list carries the SHA-1 one); tpm2_pcrread then gives
the expected PCR values, read independently of the library. The agent serves
`--platform tpm` through CCT_TPM_TCTI on a sysroot holding both logs.

  - host caller (bare grpcio stub): every PCR of every bank equals tpm2_pcrread;
    a hashlib replay of the served log equals the PCRs it feeds; GetCcReport is a
    TPMS_ATTEST quote whose extraData is SHA-512(nonce || user data) and whose
    pcrDigest is the hash of the tpm2_pcrread values;
  - `cctrusted --platform agent` as uid 65534: measurements equal tpm2_pcrread,
    `replay --verify` of the served log matches every live register it feeds
    (PCR10 in every bank: the IMA banks the log does not carry are recomputed);
  - caller in a container (cgroup v2 + mount namespace, tests/agent/sdk_check.py):
    the CIMA SDK's five calls, and its inherited replay_cc_eventlog equals
    get_cc_measurement for every replayed register; a forged id is denied.

The agent runs with one worker: swtpm's socket serves one client at a time.
"""
import base64
import hashlib
import importlib.util
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
from agentproc import AgentProcess  # noqa: E402
from pyutil import check, report  # noqa: E402

AGENT, CLI, PEERS, GEN_IMA, MKLOG, SWTPM_PY = [os.path.abspath(a) for a in sys.argv[1:7]]
HERE = os.path.dirname(os.path.abspath(__file__))
SDK_PATH = os.path.join(PEERS, "cima-python-sdk")
EAPI_PATH = os.path.join(PEERS, "evidence-api-python")
ALG_ID = {"sha1": 4, "sha256": 11, "sha384": 12, "sha512": 13}
HASH = {4: hashlib.sha1, 11: hashlib.sha256, 12: hashlib.sha384, 13: hashlib.sha512}

if importlib.util.find_spec("grpc") is None:
    print("SKIP: python3-grpcio is not installed for", sys.executable)
    sys.exit(77)
if not os.path.isdir(SDK_PATH):
    print("SKIP: the CIMA SDK is not at", SDK_PATH)
    sys.exit(77)
for tool in ("swtpm", "tpm2_pcrread", "tpm2_pcrextend", "tpm2_startup"):
    if shutil.which(tool) is None:
        print("SKIP: %s not installed (packages swtpm, tpm2-tools)" % tool)
        sys.exit(77)
sys.path[:0] = [SDK_PATH, EAPI_PATH]
from cima import cima_server_pb2 as pb  # noqa: E402
from cima import cima_server_pb2_grpc as pbg  # noqa: E402


def load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    m = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m)
    return m


st = load("swtpm_helpers", SWTPM_PY)  # free_port_pair, pcrread, parse_tcg2, parse_attest
gi = load("gen_ima", GEN_IMA)
TMP = tempfile.mkdtemp(prefix="cctd-swtpm-")
os.chmod(TMP, 0o755)
ENV = {k: v for k, v in os.environ.items() if not k.startswith("CCT_")}


def tpm(cmd, env):
    p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60)
    if p.returncode != 0:
        raise RuntimeError("%s: exit %d: %s" % (" ".join(cmd), p.returncode, p.stderr))
    return p.stdout


def hashlib_replay(events):
    regs = {}
    for e in events:
        if e.event_type == 3:  # EV_NO_ACTION
            continue
        for d in e.digests:
            h = HASH[d.algo_id]
            key = (e.imr_index, d.algo_id)
            regs[key] = h(regs.get(key, bytes(h().digest_size)) + d.hash).digest()
    return regs


def prepare(env, root):
    """Boot log + IMA list in ROOT, their events extended into the swtpm. Returns (live PCRs, n IMA)."""
    banks = sorted(st.pcrread(env))
    log = os.path.join(root, "sys/kernel/security/tpm0/binary_bios_measurements")
    os.makedirs(os.path.dirname(log))
    subprocess.run([sys.executable, MKLOG, "--banks", ",".join(banks), "--out", log, "--expect",
                    os.path.join(TMP, "expect.txt")], check=True)
    for pcr, etype, digests in st.parse_tcg2(open(log, "rb").read()):
        if etype != 3:
            tpm(["tpm2_pcrextend", "%d:%s" % (pcr, ",".join("%s=%s" % (b, digests[b].hex()) for b in banks))], env)
    ima = os.path.join(root, "sys/kernel/security/ima/binary_runtime_measurements")
    os.makedirs(os.path.dirname(ima))
    entries = [gi.Entry("ima-ng", 10, [("d-ng", gi.fdig("sha256", n)), ("n-ng", n)])
               for n in ["/usr/bin/tool-%03d" % i for i in range(60)]]
    with open(ima, "wb") as f:
        for e in entries:
            f.write(e.binary())
    # Each bank of PCR10 gets its own hash of the template data (the list carries the SHA-1 one).
    for i in range(0, len(entries), 20):
        tpm(["tpm2_pcrextend"] + ["10:" + ",".join("%s=%s" % (b, e.template_hash(b).hex()) for b in banks)
                                  for e in entries[i:i + 20]], env)
    return st.pcrread(env), len(entries)


class Agent(AgentProcess):
    def __init__(self, root, env):
        os.makedirs(os.path.join(TMP, "agent"))
        pol = os.path.join(TMP, "agent", "policy.json")
        with open(pol, "w") as f:
            json.dump({"isolated": False, "max_page": 100000}, f)
        super().__init__(AGENT, os.path.join(TMP, "agent", "cima.sock"),
                         ["--platform", "tpm", "--sysroot", root, "--workers", "1", "--policy", pol], env,
                         os.path.join(TMP, "agent", "agent.log"), wait=30, stub=pbg.cimaStub)


def host_caller(a, live, n_ima):
    s = a.stub
    banks = sorted(live)
    default = "sha256" if "sha256" in banks else banks[0]
    check(s.GetDefaultAlgorithm(pb.GetDefaultAlgorithmRequest()).algo_id == ALG_ID[default],
          "GetDefaultAlgorithm is the TPM's default bank (%s)" % default)
    check(s.GetMeasurementCount(pb.GetMeasurementCountRequest()).count == 24, "GetMeasurementCount: 24 PCRs")
    got = {(b, i): s.GetCcMeasurement(pb.GetCcMeasurementRequest(index=i, algo_id=ALG_ID[b])).measurement.hash
           for b in banks for i in range(24)}
    want = {(b, i): v for b in banks for i, v in live[b].items()}
    check(got == want, "GetCcMeasurement equals tpm2_pcrread for all %d PCRs of %s" % (len(want), banks))
    evs = list(s.GetCcEventlog(pb.GetCcEventlogRequest()).event_logs)
    logs = [e.extra_info["log"] for e in evs]
    check(logs.count("ima") == n_ima and logs.count("boot") > 0,
          "GetCcEventlog: %d boot events, then the %d IMA entries" % (logs.count("boot"), n_ima))
    reg = hashlib_replay(evs)
    bad = [k for k, v in reg.items() if live[{v2: k2 for k2, v2 in ALG_ID.items()}[k[1]]][k[0]] != v]
    check(not bad and (10, 4) in reg and len(reg) >= 8,
          "hashlib replay of the served log equals tpm2_pcrread for the %d registers it feeds (bad: %s)"
          % (len(reg), bad))
    nonce, udata = os.urandom(32), b"user data from the host"
    r = s.GetCcReport(pb.GetCcReportRequest(nonce=base64.b64encode(nonce).decode(),
                                            user_data=base64.b64encode(udata).decode()))
    magic, typ, extra, sel, pdig, whole = st.parse_attest(r.cc_report)
    qd = hashlib.sha512(nonce + udata).digest()
    check(r.cc_type == 0 and magic == 0xFF544347 and typ == 0x8018 and whole,
          "GetCcReport: cc_type 0 (TPM), a whole TPMS_ATTEST quote")
    check(extra in (qd, qd[:32]), "quote extraData = SHA-512(nonce || user data) (hashlib)")
    check(pdig == hashlib.new(default, b"".join(live[default][i] for i in range(24))).digest(),
          "quote pcrDigest = %s of the tpm2_pcrread PCR0..23" % default)


def agent_platform(a, live):
    """The library's agent platform (what a caller in a pod uses), as uid 65534."""
    env = dict(ENV, CCT_AGENT_SOCKET=a.sock)

    def cli(*args):
        return subprocess.run([CLI, "--platform", "agent"] + list(args), env=env, capture_output=True,
                              text=True, timeout=120, preexec_fn=as_nobody)
    p = cli("measurement", "--json")
    got = {(r["alg"], r["index"]): bytes.fromhex(r["digest"]) for r in json.loads(p.stdout or "{}").get("registers", [])}
    check(p.returncode == 0 and len(got) >= 24 and all(live[b][i] == v for (b, i), v in got.items()),
          "cctrusted --platform agent (uid 65534): %d registers equal tpm2_pcrread: %s" % (len(got), p.stderr))
    p = cli("replay", "--verify", "--json")
    j = json.loads(p.stdout or "{}")
    regs = {(r["alg"], r["index"]) for r in j.get("registers", [])}
    check(p.returncode == 0 and j.get("expect", {}).get("matched") is True and
          all((b, 10) in regs for b in live),
          "cctrusted --platform agent replay --verify (uid 65534): %s registers match, PCR10 in every bank: %s"
          % (j.get("expect", {}).get("checked"), p.stderr[-1500:]))


def as_nobody():
    os.setgroups([])
    os.setgid(65534)
    os.setuid(65534)


def can_make_containers(cg2):
    if cg2 is None or os.geteuid() != 0 or shutil.which("unshare") is None:
        return "needs root, unshare and a writable cgroup v2 mount"
    try:
        os.makedirs(os.path.join(cg2, "system.slice"), exist_ok=True)
        probe = os.path.join(cg2, "system.slice", "docker-%064x.scope" % os.getpid())
        os.mkdir(probe)
        os.rmdir(probe)
    except OSError as e:
        return "cgroup v2 not writable: %s" % e
    return None


def container_caller(a, live):
    cg2 = next((ln.split()[1] for ln in open("/proc/self/mounts") if ln.split()[2] == "cgroup2"), None)
    why = can_make_containers(cg2)
    if why:
        print("SKIP the containerised caller:", why)
        return
    cid = hashlib.sha256(b"cctd-swtpm-container-%d" % os.getpid()).hexdigest()
    other = hashlib.sha256(b"cctd-swtpm-other-%d" % os.getpid()).hexdigest()
    cg = os.path.join(cg2, "system.slice", "docker-%s.scope" % cid)
    os.makedirs(cg, exist_ok=True)
    d = os.path.join(TMP, "docker", "containers", cid)  # what the SDK finds in its mountinfo
    os.makedirs(d)
    open(os.path.join(d, "hostname"), "w").write("c\n")
    target = os.path.join(TMP, "hostname-target")
    open(target, "w").close()
    env = dict(ENV, PYTHONPATH=SDK_PATH + ":" + EAPI_PATH)
    script = 'echo $$ > %s/cgroup.procs && mount --bind %s/hostname %s && exec "$@"' % (cg, d, target)
    try:
        p = subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c", script, "sh",
                            "/usr/bin/python3", os.path.join(HERE, "sdk_check.py"), a.sock, other],
                           env=env, capture_output=True, text=True, timeout=300)
    finally:
        os.rmdir(cg)
    if not check(p.returncode == 0, "CIMA SDK in a container ran: " + p.stderr[-3000:]):
        return
    j = json.loads(p.stdout.strip().splitlines()[-1])
    default = "sha256" if "sha256" in live else sorted(live)[0]
    check(j["container_id"] == cid, "SDK: found its container id in its mountinfo")
    check(j["default_alg"] == ALG_ID[default] and j["count"] == 24,
          "SDK: get_default_algorithms %d, get_measurement_count 24" % j["default_alg"])
    rep = j["replay"]
    names = {v: k for k, v in ALG_ID.items()}
    node = {k: v for k, v in rep.items() if int(k.split("/")[0]) != 3}
    check(j["n_events"] > 0 and len(node) >= 8 and all(v[0] == v[1] for v in node.values()),
          "SDK: replay_cc_eventlog of %d events equals get_cc_measurement for every replayed node PCR (%s)"
          % (j["n_events"], sorted(node)))
    check(all(bytes.fromhex(v[1]) == live[names[int(k.split("/")[1])]][int(k.split("/")[0])]
              for k, v in node.items()),
          "SDK: get_cc_measurement of every replayed node PCR equals tpm2_pcrread")
    meas = j["measurements"]
    check(all(meas[str(i)] == live[default][i].hex() for i in range(24) if i != 3),
          "SDK: get_cc_measurement of PCR0..23 but 3 (%s) equals tpm2_pcrread" % default)
    # Index 3 of a container's view is its IMR3 (SHA-384) alone: the firmware's PCR 3 events are
    # left out of the view (src/lib/container/view.c), so the SDK's replay of index 3 is the IMR.
    idx3 = {k: v for k, v in rep.items() if int(k.split("/")[0]) == 3}
    check(all(v[0] == v[1] and k.split("/")[1] == str(ALG_ID["sha384"]) for k, v in idx3.items()),
          "SDK: index 3 of the container's view is its IMR3 alone: replay == get_cc_measurement (%s)"
          % sorted(idx3))
    check(j.get("report_type") is None and "report_error" not in j,
          "SDK: get_cc_report is answered (a TPM quote, which this SDK does not parse: it returns None)")
    check(j["raw_report_type"] == 0 and bytes.fromhex(j["raw_report"])[:4] == b"\xffTCG",
          "container: GetCcReport gives a TPM quote (cc_type 0, TPMS_ATTEST magic)")
    check(j["forged"] == "PERMISSION_DENIED" and other in j.get("forged_details", ""),
          "container sending another container's id -> PERMISSION_DENIED")


def main():
    port = st.free_port_pair()
    state = os.path.join(TMP, "state")
    os.mkdir(state)
    sw = subprocess.Popen(["swtpm", "socket", "--tpm2", "--tpmstate", "dir=" + state,
                           "--server", "type=tcp,port=%d,bindaddr=127.0.0.1" % port,
                           "--ctrl", "type=tcp,port=%d,bindaddr=127.0.0.1" % (port + 1),
                           "--flags", "not-need-init,startup-clear"],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    a = None
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if sw.poll() is not None:
                    check(False, "swtpm started: " + sw.stderr.read().decode(errors="replace"))
                    return
                time.sleep(0.1)
        tcti = "swtpm:host=127.0.0.1,port=%d" % port
        env = dict(ENV, CCT_TPM_TCTI=tcti, TPM2TOOLS_TCTI=tcti, CCT_RUNTIME_LOG=os.path.join(TMP, "runtime.cel"))
        root = os.path.join(TMP, "root")
        live, n_ima = prepare(env, root)
        a = Agent(root, env)
        if not check(a.p.poll() is None and a.ready(), "agent serves the swtpm"):
            return
        host_caller(a, live, n_ima)
        agent_platform(a, live)
        container_caller(a, live)
    finally:
        if a is not None:
            log = a.stop()
            check(a.p.returncode == 0, "agent exited 0 on SIGTERM: " + log[-500:])
        sw.send_signal(signal.SIGTERM)
        try:
            sw.wait(10)
        except subprocess.TimeoutExpired:
            sw.kill()
            sw.wait()
        shutil.rmtree(TMP, ignore_errors=True)


main()
sys.exit(report(need_checks=True))
