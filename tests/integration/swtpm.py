#!/usr/bin/env python3
"""TPM backend against a software TPM (swtpm), cross-checked with tpm2-tools.

Usage: swtpm.py CCTRUSTED MKLOG

Starts `swtpm socket` on free 127.0.0.1 ports with a temporary state
directory, points CCT_TPM_TCTI (and tpm2-tools) at it and checks:
  - `measurement` equals `tpm2_pcrread` for every PCR of every bank;
  - `extend` changes exactly the chosen PCR of the default bank, to the value
    computed here with hashlib, and nothing else;
  - `report` gives a quote that `tpm2_checkquote` accepts with the returned AK
    public key and the qualifying data computed here (SHA-512(nonce || data));
    the quote's PCR digest equals the hash of the tpm2_pcrread values; a
    tampered quote or a wrong nonce is rejected; a persistent AK from
    CCT_TPM_AK_HANDLE works too;
  - a generated boot log whose events were extended into the TPM with
    `tpm2_pcrextend` replays (`replay --verify`) to the live PCRs; an
    `extend` of a logged PCR is recorded in the runtime log (CCT_RUNTIME_LOG)
    and still verifies; one more extend behind the library's back
    (tpm2_pcrextend) fails verification with exit 2 and names the PCR;
  - the sysfs fallback and the detection probes, and error exits.
swtpm is always stopped at the end. Exit 77 (skip) when swtpm or tpm2-tools
are missing.
"""
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

ALGS = {0x0004: ("sha1", 20), 0x000B: ("sha256", 32), 0x000C: ("sha384", 48), 0x000D: ("sha512", 64)}
NAMES = {v[0]: k for k, v in ALGS.items()}

failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        failures.append(what)


def free_port_pair():
    for _ in range(50):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        if port >= 65000:
            continue
        t = socket.socket()
        try:
            t.bind(("127.0.0.1", port + 1))
            return port
        except OSError:
            continue
        finally:
            t.close()
    raise RuntimeError("no free port pair")


def run(cmd, env, check_rc=None, inp=None):
    p = subprocess.run(cmd, env=env, capture_output=True, text=True, input=inp, timeout=120)
    if check_rc is not None and p.returncode != check_rc:
        print(f"command {cmd} exited {p.returncode}\nstdout: {p.stdout}\nstderr: {p.stderr}", flush=True)
    return p


def pcrread(env):
    """tpm2_pcrread output -> {bank: {index: bytes}}"""
    out = run(["tpm2_pcrread"], env, 0).stdout
    banks, cur = {}, None
    for line in out.splitlines():
        m = re.match(r"^\s*(sha\w+):\s*$", line)
        if m:
            cur = m.group(1)
            banks[cur] = {}
            continue
        m = re.match(r"^\s*(\d+)\s*:\s*0x([0-9A-Fa-f]+)\s*$", line)
        if m and cur:
            banks[cur][int(m.group(1))] = bytes.fromhex(m.group(2))
    return banks


def parse_tcg2(data):
    """Own minimal TCG2 parser (PFP spec 10.2.1/10.2.2): [(pcr, type, {alg: digest})]"""
    off = 0
    pcr, etype, _, size = struct.unpack_from("<II20sI", data, off)
    off += 32 + size
    events = []
    while off < len(data):
        pcr, etype, count = struct.unpack_from("<III", data, off)
        off += 12
        digests = {}
        for _ in range(count):
            (alg,) = struct.unpack_from("<H", data, off)
            off += 2
            name, dsize = ALGS[alg]
            digests[name] = data[off:off + dsize]
            off += dsize
        (size,) = struct.unpack_from("<I", data, off)
        off += 4 + size
        events.append((pcr, etype, digests))
    return events


def parse_attest(b):
    """TPMS_ATTEST of a quote (TPM 2.0 Part 2, 10.12.8 / 10.12.1): (extraData, selection, pcrDigest)"""
    off = 0
    magic, typ = struct.unpack_from(">IH", b, off)
    off += 6
    (n,) = struct.unpack_from(">H", b, off)
    off += 2 + n  # qualifiedSigner
    (n,) = struct.unpack_from(">H", b, off)
    extra = b[off + 2:off + 2 + n]
    off += 2 + n
    off += 17 + 8  # clockInfo, firmwareVersion
    (count,) = struct.unpack_from(">I", b, off)
    off += 4
    sel = []
    for _ in range(count):
        alg, sz = struct.unpack_from(">HB", b, off)
        off += 3
        sel.append((alg, b[off:off + sz]))
        off += sz
    (n,) = struct.unpack_from(">H", b, off)
    digest = b[off + 2:off + 2 + n]
    off += 2 + n
    return magic, typ, extra, sel, digest, off == len(b)


def main():
    cli, mklog = sys.argv[1], sys.argv[2]
    for tool in ("swtpm", "tpm2_pcrread", "tpm2_pcrextend", "tpm2_checkquote", "tpm2_print"):
        if shutil.which(tool) is None:
            print(f"SKIP: {tool} not installed")
            return 77
    tmp = tempfile.mkdtemp(prefix="cct-swtpm-")
    port = free_port_pair()
    state = os.path.join(tmp, "state")
    os.mkdir(state)
    proc = subprocess.Popen(["swtpm", "socket", "--tpm2", "--tpmstate", f"dir={state}",
                             "--server", f"type=tcp,port={port},bindaddr=127.0.0.1",
                             "--ctrl", f"type=tcp,port={port + 1},bindaddr=127.0.0.1",
                             "--flags", "not-need-init,startup-clear"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        return body(cli, mklog, tmp, port, proc)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(tmp, ignore_errors=True)
        print("swtpm stopped", flush=True)


def body(cli, mklog, tmp, port, proc):
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if proc.poll() is not None:
                print("swtpm failed to start:", proc.stderr.read().decode(errors="replace"))
                return 1
            time.sleep(0.1)
    tcti = f"swtpm:host=127.0.0.1,port={port}"
    env = dict(os.environ, CCT_TPM_TCTI=tcti, TPM2TOOLS_TCTI=tcti)
    env.pop("CCT_TPM_AK_HANDLE", None)
    env.pop("CCT_SYSROOT", None)
    env["CCT_RUNTIME_LOG"] = os.path.join(tmp, "runtime.cel")  # keep extends' records out of /var/lib
    empty = os.path.join(tmp, "empty-root")
    os.mkdir(empty)

    def cct(*args, rc=0, e=None):
        p = run([cli, "--platform", "tpm", *args], e or env, rc)
        return p

    # --- info
    p = cct("--sysroot", empty, "info", "--json")
    info = json.loads(p.stdout)
    live = pcrread(env)
    banks = sorted(live)
    check(p.returncode == 0 and info["platform"] == "tpm" and info["open"], "info opens the swtpm")
    check(sorted(info["banks"]) == banks, f"info banks {info['banks']} == tpm2_pcrread banks {banks}")
    default = "sha256" if "sha256" in banks else banks[0]
    check(info["default_algorithm"] == default, f"default algorithm is {default}")
    check(info["measurement_count"] == 24, "24 PCRs")

    # --- measurement == tpm2_pcrread, every bank, every PCR
    p = cct("measurement", "--json")
    regs = json.loads(p.stdout)["registers"]
    got = {(r["alg"], r["index"]): bytes.fromhex(r["digest"]) for r in regs}
    want = {(b, i): v for b in live for i, v in live[b].items()}
    check(p.returncode == 0 and len(want) == 24 * len(banks), f"tpm2_pcrread lists {len(want)} PCR values")
    check(got == want, f"measurement equals tpm2_pcrread for all {len(want)} PCRs of {len(banks)} banks")
    p = cct("measurement", "--index", "7", "--alg", banks[0], "--json")
    one = json.loads(p.stdout)["registers"]
    check(len(one) == 1 and bytes.fromhex(one[0]["digest"]) == live[banks[0]][7], "--index/--alg select one")
    check(cct("measurement", "--index", "24", rc=1).returncode == 1, "PCR 24 is a usage error")

    # --- boot log: generate, extend its events with tpm2_pcrextend, replay --verify
    root = os.path.join(tmp, "root")
    logdir = os.path.join(root, "sys/kernel/security/tpm0")
    os.makedirs(logdir)
    logpath = os.path.join(logdir, "binary_bios_measurements")
    expect = os.path.join(tmp, "expect.txt")
    subprocess.run([sys.executable, mklog, "--banks", ",".join(banks), "--out", logpath, "--expect", expect],
                   check=True)
    events = parse_tcg2(open(logpath, "rb").read())
    for pcr, etype, digests in events:
        if etype == 3:  # EV_NO_ACTION never extends
            continue
        spec = ",".join(f"{b}={digests[b].hex()}" for b in banks)
        run(["tpm2_pcrextend", f"{pcr}:{spec}"], env, 0)
    live = pcrread(env)
    exp = {}
    for line in open(expect):
        if line.startswith("#"):
            continue
        idx, alg, hx = line.split()
        exp[(alg, int(idx[3:]))] = bytes.fromhex(hx)
    check(all(live[a][i] == v for (a, i), v in exp.items()),
          f"tpm2_pcrextend of the log's {len(events)} events gives mklog's {len(exp)} expected values")
    p = cct("--sysroot", root, "replay", "--verify", "--json")
    rj = json.loads(p.stdout) if p.stdout.strip() else {}
    check(p.returncode == 0 and rj.get("expect", {}).get("matched") is True and
          rj["expect"]["checked"] == len(exp), f"replay --verify of the live log matches {len(exp)} live PCR values")
    p = cct("--sysroot", root, "eventlog", "--json")
    ej = json.loads(p.stdout) if p.stdout.strip() else {}
    check(p.returncode == 0 and len(ej.get("logs", [])) == 1 and ej["logs"][0]["count"] == len(events) + 1,
          "eventlog without FILE dumps the live boot log")

    # --- extend PCR 16 with --data: exactly that PCR of the default bank changes
    before = pcrread(env)
    p = cct("extend", "--index", "16", "--data", "hello", "--json")
    xj = json.loads(p.stdout)
    h = hashlib.new(default, b"hello").digest()
    predicted = hashlib.new(default, before[default][16] + h).digest()
    after = pcrread(env)
    check(p.returncode == 0 and bytes.fromhex(xj["digest"]) == h, "extend --data hashes the string with the default alg")
    check(after[default][16] == predicted, f"PCR16 {default} = H(old || H('hello')) as computed with hashlib")
    changed = [(b, i) for b in after for i in after[b] if after[b][i] != before[b][i]]
    check(changed == [(default, 16)], f"only PCR16/{default} changed (changed: {changed})")
    check(bytes.fromhex(xj["after"]) == predicted, "extend --json reports the new value")
    p = cct("--sysroot", root, "replay", "--verify")
    check(p.returncode == 0, "PCR16 is not in the boot log: replay --verify still passes")

    # --- extend a logged PCR with --digest: the runtime log records it, replay still verifies
    d = hashlib.new(default, b"logged change").digest()
    before = pcrread(env)
    p = cct("extend", "--index", "4", "--digest", d.hex())
    after = pcrread(env)
    check(p.returncode == 0 and after[default][4] == hashlib.new(default, before[default][4] + d).digest(),
          "extend --digest PCR4 as tpm2_pcrextend would")
    p = cct("--sysroot", root, "replay", "--verify")
    check(p.returncode == 0, "the runtime log records the PCR4 extend: replay --verify still passes")

    # --- an unlogged change (tpm2_pcrextend behind the library's back): verification fails and says where
    d = hashlib.new(default, b"unlogged change").digest()
    run(["tpm2_pcrextend", f"4:{default}={d.hex()}"], env, 0)
    p = cct("--sysroot", root, "replay", "--verify", rc=2)
    check(p.returncode == 2 and f"mismatch: PCR4 {default}" in p.stderr and "events feeding PCR4" in p.stderr,
          "replay --verify exits 2 and explains the PCR4 mismatch")
    check(cct("extend", "--index", "4", "--digest", "00", rc=1).returncode == 1, "short --digest is a usage error")
    p = cct("extend", "--index", "17", "--data", "x", rc=3)
    check(p.returncode == 3 and "locality" in p.stderr, "PCR17 (DRTM) from locality 0: exit 3, says locality")
    check(pcrread(env)[default][17] == b"\xff" * len(h), "PCR17 unchanged")

    # --- report: quote accepted by tpm2_checkquote
    live = pcrread(env)
    nonce, udata = os.urandom(16), b"user data"
    qd = hashlib.sha512(nonce + udata).digest()
    q = os.path.join(tmp, "quote")
    p = cct("report", "--nonce", nonce.hex(), "--data", udata.hex(), "--out", q, "--json")
    rj = json.loads(p.stdout)
    rd = bytes.fromhex(rj["reportdata"])
    check(p.returncode == 0 and rj["provider"] == "tpm", "report succeeds")
    check(rd in (qd, qd[:32]), f"qualifying data is SHA-512(nonce||data) ({len(rd)} bytes)")
    attest = open(q, "rb").read()
    magic, typ, extra, sel, pdig, whole = parse_attest(attest)
    check(magic == 0xFF544347 and typ == 0x8018 and whole, "quote is a whole TPMS_ATTEST of type TPM_ST_ATTEST_QUOTE")
    check(extra == rd, "TPMS_ATTEST extraData == reported qualifying data")
    check(sel == [(NAMES[default], b"\xff\xff\xff")], f"quote selects PCR 0-23 of {default}")
    check(pdig == hashlib.new(default, b"".join(live[default][i] for i in range(24))).digest(),
          "quote pcrDigest == hash of the tpm2_pcrread values")
    ak = open(q + ".ak", "rb").read()
    akpub = os.path.join(tmp, "ak.pub")
    with open(akpub, "wb") as f:
        f.write(struct.pack(">H", len(ak)) + ak)  # TPMT_PUBLIC -> TPM2B_PUBLIC for tpm2-tools
    pp = run(["tpm2_print", "-t", "TPMT_PUBLIC", q + ".ak"], env, 0)
    check("restricted" in pp.stdout and "sign" in pp.stdout, "tpm2_print decodes the AK: restricted signing key")
    base = ["tpm2_checkquote", "-u", akpub, "-m", q, "-s", q + ".sig", "-g", default]
    check(run(base + ["-q", rd.hex()], env, 0).returncode == 0, "tpm2_checkquote accepts the quote and nonce")
    check(run(base + ["-q", hashlib.sha512(b"other").digest()[:len(rd)].hex()], env).returncode != 0,
          "tpm2_checkquote rejects a wrong nonce")
    bad = bytearray(attest)
    bad[-1] ^= 1
    with open(q + ".bad", "wb") as f:
        f.write(bad)
    cq = ["tpm2_checkquote", "-u", akpub, "-m", q + ".bad", "-s", q + ".sig", "-g", default, "-q", rd.hex()]
    check(run(cq, env).returncode != 0, "tpm2_checkquote rejects a tampered quote")

    # --- persistent AK via CCT_TPM_AK_HANDLE
    ek, akc = os.path.join(tmp, "ek.ctx"), os.path.join(tmp, "ak.ctx")
    ok = run(["tpm2_createek", "-c", ek, "-G", "rsa", "-u", os.path.join(tmp, "ek.pub")], env, 0).returncode == 0
    # swtpm has no resource manager: free the tools' transient objects and sessions.
    flush = [["tpm2_flushcontext", "-t"], ["tpm2_flushcontext", "-s"]]
    ok = ok and all(run(f, env, 0).returncode == 0 for f in flush)
    ok = ok and run(["tpm2_createak", "-C", ek, "-c", akc, "-G", "ecc", "-g", "sha256", "-s", "ecdsa",
                     "-u", os.path.join(tmp, "pak.pub"), "-n", os.path.join(tmp, "pak.name")], env, 0).returncode == 0
    ok = ok and run(["tpm2_flushcontext", "-s"], env, 0).returncode == 0
    ok = ok and run(["tpm2_evictcontrol", "-C", "o", "-c", akc, "0x81010002"], env, 0).returncode == 0
    ok = ok and all(run(f, env, 0).returncode == 0 for f in flush)
    check(ok, "tpm2-tools provisioned a persistent AK at 0x81010002")
    if ok:
        e2 = dict(env, CCT_TPM_AK_HANDLE="0x81010002")
        p = cct("report", "--nonce", "abcd", "--out", q + "2", "--json", e=e2)
        rd2 = bytes.fromhex(json.loads(p.stdout)["reportdata"]) if p.returncode == 0 else b""
        cq = ["tpm2_checkquote", "-u", os.path.join(tmp, "pak.pub"), "-m", q + "2", "-s", q + "2.sig", "-g", default,
              "-q", rd2.hex()]
        check(p.returncode == 0 and run(cq, env, 0).returncode == 0,
              "quote with CCT_TPM_AK_HANDLE verifies with the AK public from tpm2_createak")
        pak = open(os.path.join(tmp, "pak.pub"), "rb").read()
        check(open(q + "2.ak", "rb").read() == pak[2:], "returned AK public == tpm2_createak's TPMT_PUBLIC")
        p = cct("report", "--nonce", "abcd", e=dict(env, CCT_TPM_AK_HANDLE="0x81000999"), rc=3)
        check(p.returncode == 3, "an absent persistent AK is an environment error (exit 3)")
        p = cct("report", e=dict(env, CCT_TPM_AK_HANDLE="junk"), rc=1)
        check(p.returncode == 1, "a malformed CCT_TPM_AK_HANDLE is a usage error (exit 1)")

    # --- sysfs fallback: no device, no TCTI, PCR files in sysfs
    live = pcrread(env)
    sroot = os.path.join(tmp, "sysfs-root")
    for b in banks:
        dd = os.path.join(sroot, "sys/class/tpm/tpm0", f"pcr-{b}")
        os.makedirs(dd)
        for i in range(24):
            with open(os.path.join(dd, str(i)), "w") as f:
                f.write(live[b][i].hex().upper() + "\n")
    with open(os.path.join(sroot, "sys/class/tpm/tpm0/tpm_version_major"), "w") as f:
        f.write("2\n")
    plain = {k: v for k, v in env.items() if k != "CCT_TPM_TCTI"}
    p = run([cli, "--sysroot", sroot, "measurement", "--json"], plain, 0)
    got = {(r["alg"], r["index"]): bytes.fromhex(r["digest"]) for r in json.loads(p.stdout)["registers"]} \
        if p.returncode == 0 else {}
    want = {(b, i): v for b in live for i, v in live[b].items()}
    check(got == want, "auto-detected TPM in a sysroot: sysfs fallback reads every PCR")
    p = run([cli, "--sysroot", sroot, "report"], plain, 3)
    check(p.returncode == 3 and "sysfs" in p.stderr, "sysfs fallback: report is unavailable (exit 3) and says why")
    p = run([cli, "--sysroot", sroot, "info", "--json"], plain, 0)
    check(p.returncode == 0 and json.loads(p.stdout)["detected"] == "tpm", "detection finds the sysroot's TPM")

    # --- errors
    p = run([cli, "--sysroot", empty, "info", "--json"], plain, 3)
    ij = json.loads(p.stdout)
    check(p.returncode == 3 and ij["platform"] == "none" and
          any(pr["path"] == empty + "/dev/tpmrm0" and not pr["found"] for pr in ij["probes"]),
          "no TPM in an empty sysroot: info exits 3 and lists the probes")
    p = run([cli, "--platform", "tpm", "--sysroot", empty, "measurement"], plain, 3)
    check(p.returncode == 3 and "tpmrm0" in p.stderr, "missing TPM device: exit 3 naming the device")
    dead = dict(env, CCT_TPM_TCTI=f"swtpm:host=127.0.0.1,port={free_port_pair()}")
    check(run([cli, "--platform", "tpm", "measurement"], dead, 3).returncode == 3, "unreachable TCTI: exit 3")
    check(run([cli, "--platform", "bogus", "info"], env, 1).returncode == 1, "unknown --platform: exit 1")

    print(f"{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
