#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Event-log binding through `cctrusted verify --eventlog` (src/lib/verify/binding.c).

usage: test_verify_binding.py CCTRUSTED GEN_QUOTES MKLOG GEN_IMA

Builds, with this project's own keys and generators, a CCEL + IMA pair and a
TDX quote whose RTMRs are their replay, and a TCG2 log with a TPM quote over
its PCRs; the register values are computed here with hashlib. Then:
  - regression cases: each way an unbound claim used to pass;
  - property: adding one event on any uncovered register, or changing one
    byte (every third and the last) of any digest-checkable event's data,
    turns "ok" into "fail" (every case counted; the unmodified evidence
    must stay "ok").
"""
import hashlib
import importlib.util
import json
import os
import struct
import subprocess
import sys
import tempfile

CLI, GEN, MKLOG, GEN_IMA = sys.argv[1:5]


def load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    m = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m)
    return m


gen, mk, ima = load("gen_quotes", GEN), load("mklog", MKLOG), load("gen_ima", GEN_IMA)
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)
    return cond


def verify(*args):
    p = subprocess.run([CLI, "verify", "--json", *args], capture_output=True, text=True)
    try:
        doc = json.loads(p.stdout)
    except ValueError:
        doc = None
    st = {c["name"]: c["status"] for c in doc["checks"]} if doc else {}
    return p.returncode, doc, st, p.stderr


EV_NO_ACTION, EV_SEPARATOR, EV_IPL = 0x3, 0x4, 0xD
EV_EFI_VARIABLE_DRIVER_CONFIG, EV_EFI_ACTION = 0x80000001, 0x80000007
EV_EFI_PLATFORM_FIRMWARE_BLOB2 = 0x8000000A


class Log:
    """A crypto-agile TCG log (TPM or CCEL data area) built event by event; checkable = digest over the data."""

    def __init__(self, banks, tdx):
        self.banks, self.tdx = banks, tdx
        self.events = []  # (logged index, type, data, digest_over)

    def add(self, index, etype, data, over=None):
        self.events.append((index, etype, data, over))

    def bytes(self, flip=None, extra=()):
        out = bytearray(mk.specid(self.banks, self.tdx))
        for n, (index, etype, data, over) in enumerate(list(self.events) + list(extra)):
            if flip is not None and flip[0] == n:
                data = bytearray(data)
                data[flip[1]] ^= 0x01
                data = bytes(data)
                over = over if over is not None else self.events[n][2]  # the digest stays the original's
            out += mk.event2(index, etype, data, self.banks, over)
        if self.tdx:
            out += b"\xff" * (64 * 1024 - len(out))
        return bytes(out)

    def registers(self, native):
        regs = {}
        for index, etype, data, over in self.events:
            if etype == EV_NO_ACTION:
                continue
            for b in self.banks:
                cur = regs.get((native(index), b), bytes(hashlib.new(b).digest_size))
                regs[(native(index), b)] = hashlib.new(b, cur + hashlib.new(b, over or data).digest()).digest()
        return regs


def boot_events(log, pcr):
    """The same boot story on a TPM (pcr(n) = n) or a TDX (CC MR index = RTMR + 1) log."""
    log.add(pcr(0), EV_EFI_PLATFORM_FIRMWARE_BLOB2, struct.pack("<B", 8) + b"Fv(test)" +
            struct.pack("<QQ", 0xFFC00000, 0x400000), b"firmware volume")
    log.add(pcr(0), EV_EFI_VARIABLE_DRIVER_CONFIG, mk.variable("SecureBoot", b"\0"))
    log.add(pcr(0), EV_EFI_VARIABLE_DRIVER_CONFIG, mk.variable("PK", b"pk"))
    log.add(pcr(0), EV_SEPARATOR, b"\0\0\0\0")
    log.add(pcr(1), EV_EFI_ACTION, b"Exit Boot Services Invocation")
    log.add(pcr(1), EV_SEPARATOR, b"\0\0\0\0")
    cmd = b"/vmlinuz root=/dev/vda1 ro quiet"
    log.add(pcr(2), EV_IPL, b"kernel_cmdline: " + cmd + b"\0", cmd)


def positions(n):
    """Bytes to change in an n-byte event: every third one and the last (each case is a full verify)."""
    return sorted(set(range(0, n, 3)) | {n - 1})


def checkable(etype):
    return etype in (EV_EFI_VARIABLE_DRIVER_CONFIG, EV_SEPARATOR, EV_EFI_ACTION, EV_IPL)


def ima_lines(entries):
    return "".join(e.ascii("sha1") for e in entries).encode()


def ima_rtmr(entries, cur):
    """RTMR after IMA entries: the kernel extends SHA-384 of the template data (0xFF.. for a violation)."""
    for e in entries:
        d = b"\xff" * 48 if e.violation else hashlib.sha384(e.template_data()).digest()
        cur = hashlib.sha384(cur + d).digest()
    return cur


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)
    return path


def tpm_quote(d, pcrs, select, nonce):
    """TPMS_ATTEST over the SHA-256 PCRs in select (bitmap of 3 bytes), RSA signature by tpm-ak.key."""
    bitmap = bytearray(3)
    for i in select:
        bitmap[i // 8] |= 1 << (i % 8)
    digest = hashlib.sha256(b"".join(pcrs.get(i, bytes(32)) for i in sorted(select))).digest()
    a = struct.pack(">IH", 0xFF544347, 0x8018) + struct.pack(">H", 0) + struct.pack(">H", len(nonce)) + nonce
    a += struct.pack(">QIIB", 1, 1, 0, 1) + struct.pack(">Q", 1)
    a += struct.pack(">I", 1) + struct.pack(">HB", 0x000B, 3) + bytes(bitmap)
    a += struct.pack(">H", len(digest)) + digest
    sig = gen.sign(os.path.join(d, "tpm-ak.key"), "sha256", a)
    return a, struct.pack(">HHH", 0x0014, 0x000B, len(sig)) + sig


with tempfile.TemporaryDirectory() as d:
    subprocess.run([sys.executable, GEN, d], check=True)
    p = lambda n: os.path.join(d, n)
    chain = b"".join(open(p(f), "rb").read() for f in ("tdx-pck.pem", "tdx-int.pem", "tdx-root.pem"))

    # ---------------- TDX: CCEL (CC MR index = RTMR + 1) + IMA ascii list on RTMR2
    ccel = Log(["sha384"], True)
    boot_events(ccel, lambda n: n + 1)
    entries = ima.entries_for("ima-ng", pcr=2)
    regs = ccel.registers(lambda i: i - 1)
    rtmrs = [regs.get((i, "sha384"), bytes(48)) for i in range(4)]
    rtmrs[2] = ima_rtmr(entries, rtmrs[2])
    q, _ = gen.tdx_quote(d, 4, p("tdx-ak.key"), p("tdx-pck.key"), chain, rtmrs=rtmrs)
    quote = write(p("bound.quote"), q)
    ccel_path = write(p("ccel.bin"), ccel.bytes())
    ima_path = write(p("ima.txt"), ima_lines(entries))
    tdx = [quote, "--root", p("tdx-root.pem")]
    rc, doc, st, err = verify(*tdx, "--eventlog", ccel_path, "--eventlog", ima_path)
    check(rc == 0 and st.get("eventlog-binding") == "ok" and st.get("eventlog-data") == "ok"
          and all(st.get(f"rtmr{i}-replay") == "ok" for i in range(4)),
          f"TDX control: CCEL + IMA bound to the quote verify ({err.strip()[:80]})")
    check(st.get("eventlog-unverified") == "not-checked" and "eventlog-unverified" in doc["unchecked"],
          "TDX: the firmware blob and the IMA violation are listed as data not verified")

    def tdx_fails(what, logs, want):
        """want: a check name, or a tuple of acceptable ones (a parser may refuse an index outright)."""
        rc, doc, st, err = verify(*tdx, *sum((["--eventlog", x] for x in logs), []))
        wants = want if isinstance(want, tuple) else (want,)
        ok = rc == 2 and doc is not None and doc["verdict"] == "fail" and any(st.get(w) == "fail" for w in wants)
        return check(ok, f"TDX {what}: fail on {'/'.join(wants)} ({err.strip()[:60]})")

    def unverified(doc):
        det = next((c["detail"] for c in doc["checks"] if c["name"] == "eventlog-unverified"), "0 ") if doc else "0 "
        return int(det.split(" ")[0])

    base_unverified = unverified(doc)

    # regression: IMA entries on registers the quote does not cover
    for pcr in (10, 5):
        extra = ima.entries_for("ima-ng", pcr=pcr)[1:2]
        tdx_fails(f"IMA entry on index {pcr} (RTMR{pcr})",
                  [ccel_path, write(p(f"ima-{pcr}.txt"), ima_lines(entries + extra))], "eventlog-binding")
    # regression: a CCEL event with CC MR index 0 (MRTD, not replayable)
    tdx_fails("CCEL event on CC MR index 0 (MRTD)",
              [write(p("ccel-mrtd.bin"), ccel.bytes(extra=[(0, EV_EFI_ACTION, b"mrtd claim", None)])), ima_path],
              "eventlog-binding")
    # regression: an unrelated whole PC-client TPM log next to the CCEL
    tpm_log = Log(["sha256"], False)
    boot_events(tpm_log, lambda n: n)
    tpm_log_path = write(p("tpm.log"), tpm_log.bytes())
    tdx_fails("unrelated TPM log next to the CCEL", [ccel_path, ima_path, tpm_log_path], "eventlog-binding")
    # regression: the same boot log as CEL-JSON verifies; with one record's index type changed to PCR it fails
    cel = subprocess.run([CLI, "eventlog", "--output", "cel-json", ccel_path], capture_output=True, check=True).stdout
    rc, doc, st, err = verify(*tdx, "--eventlog", write(p("boot.cel.json"), cel), "--eventlog", ima_path)
    check(rc == 0 and st.get("eventlog-binding") == "ok", f"TDX control: the boot log as CEL-JSON is bound ({err[:60]})")
    recs = cel.splitlines(True)
    k = next(i for i, r in enumerate(recs) if b'"rtmr":1' in r)
    recs[k] = recs[k].replace(b'"rtmr":1', b'"pcr":1')
    tdx_fails("CEL record whose index type was changed from CC MR to PCR",
              [write(p("boot-pcr.cel.json"), b"".join(recs)), ima_path], "eventlog-binding")
    # regression: a binary IMA list extending only a SHA-1 bank of RTMR2
    bin_path = write(p("ima-extra.bin"), b"".join(e.binary() for e in ima.entries_for("ima-ng", pcr=2)[1:2]))
    tdx_fails("extra binary IMA list", [ccel_path, ima_path, bin_path], "rtmr2-replay")
    # regression: SecureBoot flipped to enabled, GRUB kernel_cmdline " ro " -> " rw " (digests unchanged)
    sb = next(n for n, e in enumerate(ccel.events) if b"S\0e\0c\0u\0r\0e\0B\0o\0o\0t\0" in e[2])
    sb_data = ccel.events[sb][2]
    tdx_fails("CCEL SecureBoot variable flipped to 1",
              [write(p("ccel-sb.bin"), ccel.bytes(flip=(sb, len(sb_data) - 1))), ima_path], "eventlog-data")
    cl = next(n for n, e in enumerate(ccel.events) if e[2].startswith(b"kernel_cmdline: "))
    saved = ccel.events[cl]
    ccel.events[cl] = (saved[0], saved[1], saved[2].replace(b" ro ", b" rw "), saved[3])
    rw_path = write(p("ccel-rw.bin"), ccel.bytes())
    ccel.events[cl] = saved
    tdx_fails("GRUB kernel_cmdline ' ro ' changed to ' rw '", [rw_path, ima_path], "eventlog-data")
    rc, doc, st, _ = verify(*tdx, "--eventlog", rw_path, "--eventlog", ima_path)
    det = next((c["detail"] for c in doc["checks"] if c["name"] == "eventlog-data"), "") if doc else ""
    check(f"#{cl + 1} " in det and "@0x" in det, f"the failing check names the event and its offset: {det[:90]}")

    # property: one event on every uncovered register, one byte of every checkable event's data
    cases = failed = 0
    uncovered = [(0, "CC MR 0 (MRTD)")] + [(i, f"CC MR {i} (RTMR{i - 1})") for i in range(5, 9)]
    for idx, name in uncovered:
        cases += 1
        failed += tdx_fails(f"property: one event on {name}", [write(p("ccel-x.bin"), ccel.bytes(
            extra=[(idx, EV_EFI_ACTION, b"extra", None)])), ima_path], ("eventlog-binding", "eventlog"))
    for pcr in (0, 1, 3, 4, 10, 11, 23):
        # RTMR0-3 are covered: the extra entry changes the replay, which no longer equals the quote
        cases += 1
        extra = ima.entries_for("ima-ng", pcr=pcr)[2:3]
        want = f"rtmr{pcr}-replay" if pcr < 4 else "eventlog-binding"
        failed += tdx_fails(f"property: one IMA entry on RTMR{pcr}",
                            [ccel_path, write(p("ima-x.txt"), ima_lines(entries + extra))], want)
    prefix_cases = prefix_ok = 0
    for n, (index, etype, data, over) in enumerate(ccel.events):
        if not checkable(etype):
            continue
        for k in positions(len(data)):
            rc, doc, st, _ = verify(*tdx, "--eventlog", write(p("ccel-f.bin"), ccel.bytes(flip=(n, k))),
                                    "--eventlog", ima_path)
            if etype == EV_IPL and k < len(b"kernel_cmdline: "):
                # The prefix selects GRUB's rule: a changed prefix is no GRUB string, so its data is
                # listed as not verified (one more unverified event), never as verified.
                prefix_cases += 1
                prefix_ok += st.get("eventlog-data") == "ok" and unverified(doc) == base_unverified + 1
                continue
            cases += 1
            ok = rc == 2 and st.get("eventlog-data") == "fail"
            failed += ok
            if not ok:
                check(False, f"property: CCEL event {n + 1} byte {k} flipped still verifies")
    check(prefix_cases == len(positions(16)) and prefix_ok == prefix_cases,
          f"TDX: {prefix_ok} of {prefix_cases} GRUB prefix flips make the event 'data not verified'")
    for n, e in enumerate(entries):
        if e.violation:
            continue
        cases += 1
        bad = list(entries)
        bad[n] = ima.Entry(e.template, e.pcr, [(f, (v[0], bytes([v[1][0] ^ 1]) + v[1][1:]) if f == "d-ng" else v)
                                               for f, v in e.fields])
        lines = ima_lines(entries).splitlines(True)
        good_hash = e.template_hash("sha1").hex()
        lines[n] = bad[n].ascii("sha1").replace(bad[n].template_hash("sha1").hex(), good_hash).encode()
        rc, doc, st, _ = verify(*tdx, "--eventlog", ccel_path, "--eventlog", write(p("ima-f.txt"), b"".join(lines)))
        ok = rc == 2 and st.get("eventlog-data") == "fail"
        failed += ok
        if not ok:
            check(False, f"property: IMA entry {n} file digest byte flipped still verifies")
    check(cases > 50 and failed == cases, f"TDX property: {failed} of {cases} cases turned ok into fail")

    # ---------------- TPM: TCG2 log (SHA-256) and quotes over PCR selections
    pcrs = {i: v for (i, b), v in tpm_log.registers(lambda i: i).items()}
    nonce = gen.pattern("binding_nonce", 16)
    used = sorted(pcrs)  # PCRs 0, 1, 2 carry events

    def tpm(select, log_path, tag):
        a, s = tpm_quote(d, pcrs, select, nonce)
        return verify(write(p(f"tpm-{tag}.attest"), a), "--signature", write(p(f"tpm-{tag}.sig"), s), "--ak",
                      p("tpm-ak.pem"), "--report-data", nonce.hex(), "--eventlog", log_path)

    rc, doc, st, err = tpm(range(0, 8), tpm_log_path, "all")
    check(rc == 0 and st.get("eventlog-binding") == "ok" and st.get("pcr-digest") == "ok",
          f"TPM control: log bound to a quote over PCR0-7 ({err.strip()[:80]})")
    rc, doc, st, _ = tpm([0], tpm_log_path, "pcr0")
    check(rc == 2 and st.get("eventlog-binding") == "fail", "TPM quote selecting PCR0 only: PCR1/2 events unbound")
    rc, doc, st, _ = tpm([], tpm_log_path, "empty")
    check(rc == 2 and st.get("pcr-digest") == "fail" and st.get("eventlog-binding") == "fail",
          "TPM quote with an empty PCR selection fails")

    def tpm_fails(what, path, wants):
        rc, doc, st, err = tpm(range(0, 8), path, "p")
        return check(rc == 2 and any(st.get(w) == "fail" for w in wants),
                     f"TPM {what}: fail on {'/'.join(wants)} ({err.strip()[:60]})")

    cases = failed = 0
    for pcr in (8, 9, 10, 16, 23, 25, 31):
        cases += 1
        failed += tpm_fails(f"property: one event on PCR{pcr}", write(p("tpm-x.log"), tpm_log.bytes(
            extra=[(pcr, EV_EFI_ACTION, b"extra", None)])), ("eventlog-binding", "eventlog"))
    for n, (index, etype, data, over) in enumerate(tpm_log.events):
        if not checkable(etype):
            continue
        for k in positions(len(data)):
            if etype == EV_IPL and k < len(b"kernel_cmdline: "):
                continue  # the GRUB prefix: see the TDX case
            cases += 1
            rc, doc, st, _ = tpm(range(0, 8), write(p("tpm-f.log"), tpm_log.bytes(flip=(n, k))), "f")
            ok = rc == 2 and st.get("eventlog-data") == "fail"
            failed += ok
            if not ok:
                check(False, f"property: TPM log event {n} byte {k} flipped still verifies")
    check(cases > 40 and failed == cases, f"TPM property: {failed} of {cases} cases turned ok into fail")

print(f"{len(failures)} failure(s)")
sys.exit(1 if failures else 0)
