#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Classes of real-world input, end to end through the cctrusted CLI, on data
written by the project's generators (tools/mklog.py, tests/data/gen_quotes.py):
td-shim CCELs, PCR -1 EV_NO_ACTION events, non-log input handed to eventlog and
replay, SNP reports followed by other bytes, PSA COSE_Mac0 tokens. Expected
register values come from mklog.py's hashlib replay, never from the CLI.

usage: test_quirks.py CCTRUSTED MKLOG GEN_QUOTES
"""
import json
import os
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pyutil import check, report, run  # noqa: E402 (shared helpers in tests/)

CLI, MKLOG, GEN = sys.argv[1:4]


def mklog(d, name, *opts):
    path, exp = os.path.join(d, name), os.path.join(d, name + ".exp")
    subprocess.run([sys.executable, MKLOG, *opts, "--out", path, "--expect", exp], check=True)
    return path, exp


def events(path):
    rc, out, err = run(CLI, "eventlog", "--json", path)
    check(rc == 0, "%s: eventlog exit %d: %s" % (path, rc, err.strip()))
    return json.loads(out)["logs"][0] if rc == 0 else {"format": None, "events": []}


def expected_regs(exp):
    """mklog's expected lines: 'RTMR1 sha384 HEX' -> {(register, index, alg): hex}."""
    out = {}
    for line in open(exp):
        if line.startswith("#") or not line.strip():
            continue
        name, alg, value = line.split()
        kind = "rtmr" if name.startswith("RTMR") else "pcr"
        out[(kind, int(name.lstrip("RTMRPC")), alg)] = value
    return out


def replayed(path):
    rc, out, err = run(CLI, "replay", "--json", path)
    check(rc == 0, "%s: replay exit %d: %s" % (path, rc, err.strip()))
    if rc != 0:
        return {}
    return {(r["register"], r["index"], r["alg"]): r["digest"] for r in json.loads(out)["registers"]}


def td_shim(d):
    for opts in ((), ("--pad",)):
        path, exp = mklog(d, "td-shim%s.bin" % "-".join(opts), "--td-shim", *opts)
        raw = open(path, "rb").read()
        check(struct.unpack_from("<I", raw, 0)[0] == 0, "td-shim log: SpecID at CC MR index 0 (generator)")
        log = events(path)
        check(log["format"] == "ccel", "td-shim%s: detected as %s, want ccel" % (opts, log["format"]))
        evs = log["events"]
        check(evs and evs[0]["register"] == "mrtd" and evs[0]["index_logged"] == 0, "td-shim: header at MR 0")
        check(all(e["register"] == "rtmr" and e["index"] == e["index_logged"] - 1 for e in evs[1:]),
              "td-shim: every event on RTMR (logged index - 1)")
        want = expected_regs(exp)
        got = replayed(path)
        check(got == want, "td-shim%s: replay %s, want %s" % (opts, sorted(got), sorted(want)))
        rc, out, err = run(CLI, "replay", "--expect", exp, path)
        check(rc == 0, "td-shim%s: replay --expect: rc %d %s" % (opts, rc, err.strip()))
    # The same events as an OVMF CCEL replay to the same RTMRs.
    ovmf, oexp = mklog(d, "ovmf.bin", "--tdx")
    check(replayed(ovmf) == expected_regs(oexp) == expected_regs(os.path.join(d, "td-shim.bin.exp")),
          "OVMF and td-shim CCELs of the same events agree")


def pcr_minus_one(d):
    for name, opts, fmt in (("tcg1-wbcl.bin", ("--tcg1",), "tcg1"),
                            ("tcg2-wbcl.bin", ("--banks", "sha1,sha256"), "tcg2")):
        path, exp = mklog(d, name, *opts, "--pcr-minus-one", "3")
        log = events(path)
        check(log["format"] == fmt, "%s: format %s" % (name, log["format"]))
        minus = [e for e in log["events"] if e["index_logged"] == 0xFFFFFFFF]
        check(len(minus) == 3, "%s: three PCR -1 events listed, got %d" % (name, len(minus)))
        check(all(e["type_name"] == "EV_NO_ACTION" and "anomaly" not in e for e in minus),
              "%s: PCR -1 EV_NO_ACTION events are no anomaly" % name)
        got, want = replayed(path), expected_regs(exp)
        check(got == want, "%s: replay %s, want %s" % (name, sorted(got), sorted(want)))
        rc, out, err = run(CLI, "replay", "--expect", exp, path)
        check(rc == 0, "%s: replay --expect rc %d %s" % (name, rc, err.strip()))
        rc, out, err = run(CLI, "eventlog", path)
        check(rc == 0 and "Register          : PCR4294967295" in out, "%s: text output names PCR 4294967295" % name)
    # Another type at PCR -1 parses, is reported as an anomaly and does not extend.
    path, exp = mklog(d, "tcg2-tag.bin", "--banks", "sha256")
    with open(path, "ab") as f:
        data = b"not extended"
        f.write(struct.pack("<IIIH", 0xFFFFFFFF, 0x6, 1, 0x000B) + bytes(32) + struct.pack("<I", len(data)) + data)
    log = events(path)
    last = log["events"][-1] if log["events"] else {}
    check("out of range" in last.get("anomaly", ""), "EV_EVENT_TAG at PCR -1: anomaly %r" % last.get("anomaly"))
    check(replayed(path) == expected_regs(exp), "EV_EVENT_TAG at PCR -1: not replayed")


def ccel_table(d):
    t = bytearray(b"CCEL" + struct.pack("<I", 56) + b"\x01\x00" + b"OEMID " + b"TABLEID " +
                  struct.pack("<III", 1, 0x20202020, 0x01000013) + struct.pack("<BBHQQ", 2, 0, 0, 65536, 0x7F000000))
    t[9] = (-sum(t)) & 0xFF
    path = os.path.join(d, "CCEL")
    open(path, "wb").write(bytes(t))
    # eventlog shows the table itself; replay, which needs a log, says what the file is instead.
    rc, out, err = run(CLI, "eventlog", path)
    check(rc == 0 and "(ACPI CCEL table)" in out and "LAML              : 65536" in out,
          "eventlog shows the CCEL table (rc %d)" % rc)
    rc, out, err = run(CLI, "replay", path)
    check(rc == 2 and "not an event log: this is a CCEL ACPI table (56 bytes)" in err and "538976288" not in err
          and "the log is its data area" in err, "replay on the CCEL table: rc %d, %r" % (rc, err.strip()))


def not_a_log(q):
    """Reports and quotes handed to eventlog and replay: both commands name them alike."""
    p = lambda n: os.path.join(q, n)
    for f, what in (("snp.report", "an SEV-SNP attestation report (1184 bytes)"),
                    ("snp-trailing20.report", "followed by 20 more bytes"), ("tdx-v4.quote", "a TDX quote"),
                    ("tpm.attest", "TPMS_ATTEST"), ("cca.token", "CBOR/COSE attestation token"),
                    ("tdreport.bin", "a TDX TDREPORT")):
        msgs = []
        for cmd in ("eventlog", "replay"):
            rc, out, err = run(CLI, cmd, p(f))
            check(rc == 2 and "not an event log: this is " in err and what in err,
                  "%s %s: rc %d, %r" % (cmd, f, rc, err.strip()))
            msgs.append(err[err.find("not an event log"):].strip())
        check(len(set(msgs)) == 1, "eventlog and replay say the same about %s: %s" % (f, msgs))


def snp_trailing(q):
    p = lambda n: os.path.join(q, n)
    rep = open(p("snp.report"), "rb").read()
    for n in (20, 4000):
        f = p("snp-trailing%d.report" % n)
        check(os.path.getsize(f) == 1184 + n, "generator: %d trailing bytes" % n)
        rc, out, err = run(CLI, "report", "show", "--json", f)
        doc = json.loads(out) if rc == 0 else {}
        check(doc.get("type") == "snp" and doc.get("trailing_bytes") == n and doc.get("report_size") == 1184,
              "report show: %d trailing bytes stated (rc %d %s)" % (n, rc, err.strip()))
        rc, out, err = run(CLI, "verify", "--json", f, "--certs", p("snp-certs.pem"), "--root", p("snp-ark.pem"))
        doc = json.loads(out) if out else {}
        checks = {c["name"]: c for c in doc.get("checks", [])}
        check(rc == 0 and doc.get("verdict") == "ok", "verify with %d trailing bytes: rc %d" % (n, rc))
        check("trailing-bytes" in checks and str(n) in checks["trailing-bytes"]["detail"],
              "verify states the %d unsigned trailing bytes" % n)
        # The trailing bytes are outside the signature; the report is not.
        b = bytearray(open(f, "rb").read())
        b[-1] ^= 0xFF
        open(p("t.report"), "wb").write(b)
        rc, _, _ = run(CLI, "verify", p("t.report"), "--certs", p("snp-certs.pem"), "--root", p("snp-ark.pem"))
        check(rc == 0, "a changed trailing byte does not touch the verdict (%d)" % n)
        b = bytearray(rep + open(f, "rb").read()[1184:])
        b[0x50] ^= 0x01  # REPORT_DATA
        open(p("t.report"), "wb").write(b)
        rc, _, _ = run(CLI, "verify", p("t.report"), "--certs", p("snp-certs.pem"), "--root", p("snp-ark.pem"))
        check(rc == 2, "a changed report byte before %d trailing bytes fails verification (rc %d)" % (n, rc))
    rc, _, err = run(CLI, "report", "show", p("snp.report"))
    check(rc == 0, "plain report still shows")
    open(p("short.report"), "wb").write(rep[:1183])
    rc, _, err = run(CLI, "verify", p("short.report"), "--certs", p("snp-certs.pem"))
    check(rc == 2, "a report one byte short is not verified (rc %d)" % rc)


def psa_mac0(q):
    p = lambda n: os.path.join(q, n)
    for tok, alg in (("psa-mac0.token", "HMAC-256"), ("psa-mac0-384.token", "HMAC-384")):
        rc, out, err = run(CLI, "report", "show", "--json", p(tok))
        doc = json.loads(out) if rc == 0 else {}
        plat = doc.get("platform", {})
        check(plat.get("cose") == "COSE_Mac0" and plat.get("cose_alg") == alg, "%s: decoded as %s" % (tok, plat))
        check(plat.get("profile") == "http://arm.com/psa/2.0.0", "%s: profile claim" % tok)
        rc, out, err = run(CLI, "verify", "--json", p(tok), "--mac-key", p("psa-mac.key"))
        doc = json.loads(out) if out else {}
        check(rc == 0 and doc.get("verdict") == "ok", "%s verifies with its key (rc %d)" % (tok, rc))
        rc, out, err = run(CLI, "verify", "--json", p(tok), "--mac-key", p("psa-mac-wrong.key"))
        doc = json.loads(out) if out else {}
        check(rc == 2 and doc.get("verdict") == "fail", "%s fails with a wrong key (rc %d)" % (tok, rc))
        rc, out, err = run(CLI, "verify", p(tok))
        check(rc == 2 and "--mac-key" in out + err, "%s without a key: cannot verify, says why (rc %d)" % (tok, rc))
        b = bytearray(open(p(tok), "rb").read())
        i = b.find(b"http://arm.com/psa")
        b[i] ^= 0x20
        open(p("t.token"), "wb").write(b)
        rc, _, _ = run(CLI, "verify", p("t.token"), "--mac-key", p("psa-mac.key"))
        check(rc == 2, "%s with a changed claim fails (rc %d)" % (tok, rc))


def main():
    with tempfile.TemporaryDirectory() as d:
        td_shim(d)
        pcr_minus_one(d)
        ccel_table(d)
        q = os.path.join(d, "q")
        subprocess.run([sys.executable, GEN, q], check=True, stdout=subprocess.DEVNULL)
        snp_trailing(q)
        not_a_log(q)
        psa_mac0(q)
    return report(need_checks=True)


if __name__ == "__main__":
    sys.exit(main())
