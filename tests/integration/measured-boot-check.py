#!/usr/bin/env python3
"""Host side of measured-boot.sh: parse the guest's serial console and check
every step. Usage: measured-boot-check.py CONSOLE NONCE_HEX WORKDIR

Expected values are computed here with hashlib; the quote is verified with
tpm2_checkquote (tpm2-tools), independently of the library."""
import base64
import hashlib
import json
import os
import re
import struct
import subprocess
import sys

failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        failures.append(what)
    return cond


def sections(text):
    """=== CCT-BEGIN name / [=== CCT-STDERR name] / === CCT-END name rc=N"""
    out = {}
    pat = re.compile(r"^=== CCT-BEGIN (\S+)\r?$(.*?)^=== CCT-END \1 rc=(\d+)\r?$", re.S | re.M)
    for m in pat.finditer(text):
        body = m.group(2)
        err = ""
        s = re.search(r"^=== CCT-STDERR \S+\r?$", body, re.M)
        if s:
            body, err = body[:s.start()], body[s.end():]
        out[m.group(1)] = (body.replace("\r", "").strip("\n"), err.replace("\r", "").strip("\n"), int(m.group(3)))
    return out


def js(sec, name):
    try:
        return json.loads(sec[name][0])
    except (KeyError, ValueError) as e:
        print(f"     cannot parse {name} output as JSON: {e}")
        return {}


def parse_attest(b):
    """TPMS_ATTEST (TPM 2.0 Part 2, 10.12.8): (magic, type, extraData, selection, pcrDigest)."""
    off = 6
    (n,) = struct.unpack_from(">H", b, off)
    off += 2 + n
    (n,) = struct.unpack_from(">H", b, off)
    extra = b[off + 2:off + 2 + n]
    off += 2 + n + 17 + 8
    (count,) = struct.unpack_from(">I", b, off)
    off += 4
    sel = []
    for _ in range(count):
        alg, sz = struct.unpack_from(">HB", b, off)
        sel.append((alg, b[off + 3:off + 3 + sz]))
        off += 3 + sz
    (n,) = struct.unpack_from(">H", b, off)
    magic, typ = struct.unpack_from(">IH", b, 0)
    return magic, typ, extra, sel, b[off + 2:off + 2 + n]


def flat_events(j):
    """(register index, event type, {alg: digest}) of every event of every log, in order."""
    return [(e["index"], e["type"], tuple(sorted((d["alg"], d["digest"]) for d in e.get("digests", []))))
            for log in j.get("logs", []) for e in log.get("events", [])]


def regs_of(j):
    return {(r["alg"], r["index"]): r["digest"] for r in j.get("registers", [])}


def check_agent(sec, text, default):
    """The node agent in the guest: `cctrusted --platform agent` as uid 65534 against the
    direct library answers, and the unmodified CIMA SDK from a docker-like cgroup."""
    def rc(name):
        return sec.get(name, ("", "", -1))[2]
    log = sec.get("agent-log", ("", "", 0))[0]
    print("     [agent log] " + log.replace("\n", "\n     [agent log] "))
    if not check(rc("agent-up") == 0, "guest: cctrustedd --platform tpm is serving its socket"):
        return
    check(rc("agent-uid") == 0 and sec["agent-uid"][0].strip() == "65534",
          "guest: the agent's clients run as uid 65534 (setpriv)")
    am, dm = js(sec, "agent-measurement"), js(sec, "direct-measurement")
    ar, dr = regs_of(am), regs_of(dm)
    n_default = len([k for k in ar if k[0] == default])
    check(rc("agent-measurement") == 0 and n_default == 24 and ar and all(dr.get(k) == v for k, v in ar.items()),
          "guest: every register through the agent (uid 65534) equals the direct read "
          f"({len(ar)} registers, {n_default} in {default})")
    ae, de = js(sec, "agent-eventlog"), js(sec, "direct-eventlog")
    fa, fd = flat_events(ae), flat_events(de)
    print(f"     event log: {len(fa)} events through the agent, {len(fd)} read directly "
          f"({[(lg.get('format'), lg.get('count')) for lg in de.get('logs', [])]})")
    same = fa == fd
    if not same:
        diff = next((i for i, (x, y) in enumerate(zip(fa, fd)) if x != y), min(len(fa), len(fd)))
        print(f"     first difference at event {diff}: agent {fa[diff:diff + 1]} direct {fd[diff:diff + 1]}")
    check(rc("agent-eventlog") == 0 and len(fa) > 10 and same,
          "guest: the event log through the agent (uid 65534) equals the direct one, event by event "
          "(register, type, digests)")
    rp = js(sec, "agent-replay")
    exp = rp.get("expect", {})
    check(rc("agent-replay") == 0 and exp.get("matched") is True and exp.get("checked", 0) >= 8,
          f"guest: replay --verify through the agent matches {exp.get('checked')} live registers")
    if not os.environ.get("CCT_MB_SDK"):
        print("     (no CIMA SDK in this run)")
        return
    m = re.search(r"^=== CCT-CONTAINER ([0-9a-f]{64})", text, re.M)
    cid = m.group(1) if m else None
    body, err, src = sec.get("sdk", ("", "", -1))
    if not check(src == 0 and body, "guest: the CIMA SDK ran in a docker-like cgroup: " + err[-2000:]):
        return
    try:
        j = json.loads(body.strip().splitlines()[-1])
    except ValueError as e:
        check(False, f"guest: the SDK's output is JSON ({e})")
        return
    live = regs_of(js(sec, "sdk-measurement"))
    ids = {"sha1": 4, "sha256": 11, "sha384": 12, "sha512": 13}
    names = {v: k for k, v in ids.items()}
    check(j.get("container_id") == cid, "SDK: found its container id in its mountinfo")
    check(j.get("default_alg") == ids.get(default) and j.get("count") == 24,
          f"SDK: get_default_algorithms {j.get('default_alg')}, get_measurement_count {j.get('count')}")
    rep = j.get("replay", {})
    node = {k: v for k, v in rep.items() if int(k.split("/")[0]) != 3}
    check(j.get("n_events", 0) > 10 and len(node) >= 7 and all(v[0] == v[1] for v in node.values()),
          f"SDK: replay_cc_eventlog of {j.get('n_events')} events equals get_cc_measurement for every "
          f"replayed node register ({sorted(node)})")
    check(all(live.get((names[int(k.split('/')[1])], int(k.split('/')[0]))) == v[1] for k, v in node.items()),
          "SDK: those registers equal the guest's direct read")
    meas = j.get("measurements", {})
    check(len(meas) == 24 and all(meas[str(i)] == live.get((default, i)) for i in range(24) if i != 3),
          f"SDK: get_cc_measurement of PCR0..23 but 3 ({default}) equals the direct read")
    idx3 = {k: v for k, v in rep.items() if int(k.split("/")[0]) == 3}
    check(all(v[0] == v[1] and k.split("/")[1] == "12" for k, v in idx3.items()),
          f"SDK: index 3 of the container's view is its IMR3 alone (SHA-384; the firmware's PCR 3 "
          f"events are not in the view): replay == get_cc_measurement ({sorted(idx3)})")
    check(j.get("report_type") is None and "report_error" not in j,
          "SDK: get_cc_report is answered (a TPM quote, which this SDK does not parse)")
    q = bytes.fromhex(j.get("raw_report", ""))
    check(j.get("raw_report_type") == 0 and q[:6] == bytes.fromhex("ff5443478018"),
          "SDK's stub: GetCcReport gives a TPMS_ATTEST quote (cc_type 0)")
    check(j.get("forged") == "PERMISSION_DENIED", "SDK's stub: another container's id -> PERMISSION_DENIED")


def main():
    console, nonce_hex, work = sys.argv[1], sys.argv[2], sys.argv[3]
    text = open(console, "rb").read().decode("utf-8", errors="replace")
    if not check("=== CCT-GUEST-UP" in text, "guest booted and ran /init"):
        return 1
    check("=== CCT-DONE" in text, "guest ran every step")
    sec = sections(text)
    for name, (_, err, rc) in sec.items():
        if err:
            print(f"     [{name} stderr] " + err.replace("\n", "\n     [" + name + " stderr] "))

    # info
    info = js(sec, "info")
    check(sec.get("info", ("", "", -1))[2] == 0, "info exits 0")
    check(info.get("detected") == "tpm" and info.get("open") is True, "detection chose the TPM and opened it")
    banks = info.get("banks", [])
    print(f"     banks: {banks}; default {info.get('default_algorithm')}; log sources: "
          f"{[(s['role'], s['format'], s['path']) for s in info.get('log_sources', [])]}")
    roles = [s["role"] for s in info.get("log_sources", [])]
    check("boot" in roles, "the boot event log is a live source")
    probes = [p for p in info.get("probes", []) if p["platform"] == "tpm" and p["found"]]
    check(len(probes) >= 3, f"{len(probes)} TPM probes found (device, sysfs, log)")

    # replay --verify over the boot log (and IMA when this build parses it)
    r1 = js(sec, "replay1")
    rc1 = sec.get("replay1", ("", "", -1))[2]
    exp = r1.get("expect", {})
    regs = r1.get("registers", [])
    replayed = {(r["alg"], r["index"]) for r in regs}
    per_bank = {b: sorted(i for a, i in replayed if a == b) for b in banks}
    print(f"     replayed registers per bank: {per_bank}")
    check(rc1 == 0 and exp.get("matched") is True, f"replay --verify: all {exp.get('checked')} replayed "
          "registers equal the live PCRs")
    check(all(set(range(8)) <= set(per_bank[b]) for b in banks),
          "every allocated bank has PCR 0-7 replayed and compared")
    check(exp.get("checked") == len(replayed), "every replayed register/bank was compared")
    ima = r1.get("verify", {}).get("ima_log_included")
    print(f"     IMA log included in the verification: {ima}"
          + ("" if ima else " (this build has no IMA binary parser: boot log only)"))

    # measurements
    meas = js(sec, "measurement")
    pcr = {(r["alg"], r["index"]): bytes.fromhex(r["digest"]) for r in meas.get("registers", [])}
    check(len(pcr) == 24 * len(banks) and len(banks) > 0, f"measurement lists {len(pcr)} PCR values")
    for r in regs:  # the replay JSON and the live values agree (second, host-side comparison)
        if pcr.get((r["alg"], r["index"])) != bytes.fromhex(r["digest"]):
            check(False, f"host-side: PCR{r['index']} {r['alg']} replay == live")

    # report + tpm2_checkquote
    rep = js(sec, "report")
    check(sec.get("report", ("", "", -1))[2] == 0, "report exits 0")
    qd = hashlib.sha512(bytes.fromhex(nonce_hex)).digest()
    rd = bytes.fromhex(rep.get("reportdata", ""))
    check(len(rd) in (32, 64) and rd == qd[:len(rd)], f"qualifying data = SHA-512(nonce) ({len(rd)} bytes)")
    files = {}
    for k in ("quote", "sig", "ak"):
        body = sec.get("file-" + k, ("", "", 1))[0]
        try:
            files[k] = base64.b64decode("".join(body.split()), validate=True)
        except ValueError:
            files[k] = b""
        with open(os.path.join(work, "guest." + k), "wb") as f:
            f.write(files[k])
    check(files["quote"].hex() == rep.get("report") and files["sig"].hex() == rep.get("signature") and
          files["ak"].hex() == rep.get("ak_public"), "quote/sig/ak files equal the JSON output")
    akpub = os.path.join(work, "guest.akpub")
    with open(akpub, "wb") as f:
        f.write(struct.pack(">H", len(files["ak"])) + files["ak"])
    default = info.get("default_algorithm", "sha256")
    cq = ["tpm2_checkquote", "-u", akpub, "-m", os.path.join(work, "guest.quote"), "-s",
          os.path.join(work, "guest.sig"), "-g", default, "-q", qd[:len(rd)].hex()]
    p = subprocess.run(cq, capture_output=True, text=True)
    check(p.returncode == 0, "host: tpm2_checkquote verifies the guest's quote with the AK and the nonce")
    if p.returncode != 0:
        print(p.stdout, p.stderr)
    if files["quote"]:
        magic, typ, extra, sel, pdig = parse_attest(files["quote"])
        check(magic == 0xFF544347 and typ == 0x8018 and extra == rd, "quote: TPM_ST_ATTEST_QUOTE with our nonce")
        want = hashlib.new(default, b"".join(pcr.get((default, i), b"") for i in range(24))).digest()
        check(pdig == want, f"quote pcrDigest == {default}(PCR0..23 as read by measurement)")
        cq2 = cq[:-1] + [hashlib.sha512(b"not the nonce").digest()[:len(rd)].hex()]
        check(subprocess.run(cq2, capture_output=True).returncode != 0, "host: a wrong nonce is rejected")
        # The project's own verifier on the host, with the PCR values the
        # guest read (its replay --verify already tied them to the logs).
        cli = os.environ.get("CCTRUSTED")
        if cli:
            pcrfile = os.path.join(work, "guest.pcrs")
            with open(pcrfile, "w") as f:
                for i in range(24):
                    f.write(f"{default}:PCR{i}={pcr.get((default, i), b'').hex()}\n")
            base = [cli, "verify", "--json", "--signature", os.path.join(work, "guest.sig"), "--ak",
                    os.path.join(work, "guest.ak"), "--pcrs", pcrfile]
            # the nonce as given to `report` (the library derives the qualifying data), then raw
            for how, arg in (("--nonce", nonce_hex), ("--report-data", rd.hex())):
                p = subprocess.run(base + [how, arg, os.path.join(work, "guest.quote")],
                                   capture_output=True, text=True)
                try:
                    v = json.loads(p.stdout)
                except ValueError:
                    v = {}
                check(p.returncode == 0 and v.get("verdict") == "ok",
                      f"host: cctrusted verify {how} accepts the guest's quote (signature, nonce, PCR digest): "
                      + ", ".join(c["name"] for c in v.get("checks", [])))
                if p.returncode != 0:
                    print(p.stdout, p.stderr)
            p = subprocess.run(base + ["--nonce", (b"not the nonce").hex(), os.path.join(work, "guest.quote")],
                               capture_output=True, text=True)
            check(p.returncode == 2, "host: cctrusted verify rejects a wrong nonce (exit 2)")

    # extend PCR16 with H("hello")
    ext = js(sec, "extend")
    check(sec.get("extend", ("", "", -1))[2] == 0, "extend exits 0")
    h = hashlib.new(default, b"hello").digest()
    before = pcr.get((default, 16), b"")
    check(bytes.fromhex(ext.get("before", "")) == before and
          bytes.fromhex(ext.get("after", "")) == hashlib.new(default, before + h).digest(),
          f"PCR16 {default} after extend == H(before || H('hello')) (hashlib)")

    r2 = js(sec, "replay2")
    check(sec.get("replay2", ("", "", -1))[2] == 0 and r2.get("expect", {}).get("matched") is True,
          "replay --verify after the extend still matches (PCR16 is not in the boot log)")
    print("     boot log head:\n       " + sec.get("eventlog-text", ("",))[0].replace("\n", "\n       "))
    if os.environ.get("CCT_MB_AGENT"):
        check_agent(sec, text, default)
    print(f"{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
