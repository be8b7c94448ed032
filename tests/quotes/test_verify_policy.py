#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Verification policy through `cctrusted verify` (rules in src/lib/verify/).

usage: test_verify_policy.py CCTRUSTED GEN_QUOTES
Evidence comes from tests/data/gen_quotes.py (own keys and roots) and the
simulated platform (its own state directory). Every refusal below has a
positive control: the same evidence without the offending input verifies, so
a verifier that refuses everything fails this test.
"""
import importlib.util
import json
import os
import subprocess
import sys
import tempfile

CLI, GEN, GEN_IMA = sys.argv[1:4]
spec = importlib.util.spec_from_file_location("gen_quotes", GEN)
gen = importlib.util.module_from_spec(spec)
spec.loader.exec_module(gen)
spec = importlib.util.spec_from_file_location("gen_ima", GEN_IMA)
ima = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ima)
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def cli(*args, env=None):
    p = subprocess.run([CLI, *args], capture_output=True, text=True, env=env)
    return p.returncode, p.stdout, p.stderr


def verify_json(*args):
    rc, out, err = cli("verify", "--json", *args)
    try:
        doc = json.loads(out)
    except ValueError:
        doc = None
    return rc, doc, err


def status(doc):
    return {c["name"]: c["status"] for c in doc["checks"]} if doc else {}


def detail(doc, name):
    return next((c["detail"] for c in doc["checks"] if c["name"] == name), "") if doc else ""


with tempfile.TemporaryDirectory() as d:
    subprocess.run([sys.executable, GEN, d], check=True)
    p = lambda n: os.path.join(d, n)
    nonce = open(p("tpm.nonce")).read().strip()
    base = {
        "tdx": [p("tdx-v4.quote"), "--root", p("tdx-root.pem")],
        "snp": [p("snp.report"), "--certs", p("snp-certs.pem"), "--root", p("snp-ark.pem")],
        "tpm": [p("tpm.attest"), "--signature", p("tpm.sig"), "--ak", p("tpm-ak.pem"), "--report-data", nonce,
                "--pcrs", p("tpm.pcrs")],
        "cca": [p("cca.token"), "--cpak", p("cca-cpak.pem")],
    }
    for kind, args in base.items():
        rc, doc, _ = verify_json(*args)
        check(rc == 0 and doc["verdict"] == "ok", f"control: {kind} evidence verifies with its own inputs")
        bad = [c["name"] for c in doc["checks"] if c["status"] == "not-checked" and c["ok"]]
        check(not bad, f"{kind}: no 'not checked' item is reported as ok {bad}")
        check(doc["unchecked"] == [c["name"] for c in doc["checks"] if c["status"] == "not-checked"],
              f"{kind}: the verdict lists its unchecked items: {doc['unchecked']}")

    # --- item 3: an option that does not apply is a usage error naming it
    files = {"--eventlog": p("tpm-sha1.log"), "--signature": p("tpm.sig"), "--ak": p("tpm-ak.pem"),
             "--cpak": p("cca-cpak.pem"), "--collateral": p("tdx-qeid.json"), "--certs": p("snp-certs.pem"),
             "--root": p("snp-ark.pem"), "--pcrs": p("tpm.pcrs"), "--vmpl": "0"}
    not_applicable = {
        "snp": ["--eventlog", "--signature", "--ak", "--cpak", "--collateral", "--pcrs", "--allow-sim"],
        "cca": ["--eventlog", "--certs", "--root", "--collateral", "--signature", "--vmpl", "--allow-debug"],
        "tdx": ["--pcrs", "--signature", "--ak", "--cpak", "--vmpl", "--allow-migration-agent"],
        "tpm": ["--certs", "--root", "--collateral", "--cpak", "--allow-sim", "--allow-debug"],
    }
    n_refused = 0
    for kind, opts in not_applicable.items():
        for opt in opts:
            extra = [opt] if opt.startswith("--allow") else [opt, files[opt]]
            args = base[kind] + extra
            if kind == "tpm" and opt == "--pcrs":
                continue
            rc, out, err = cli("verify", *args)
            ok = rc == 1 and opt.lstrip("-") in err and "does not apply" in err and "verdict" not in out
            n_refused += ok
            check(ok, f"{kind}: {opt} does not apply -> exit 1 naming it ({err.strip()[:90]})")
    check(n_refused == sum(len(v) for v in not_applicable.values()), f"{n_refused} inapplicable options refused")

    # --- item 3: --report-data '' means all-zero report data / empty qualifying data, never "anything"
    rc, doc, _ = verify_json(*base["tdx"], "--report-data", "")
    check(rc == 2 and status(doc)["report-data"] == "fail", "TDX --report-data '' against a non-zero REPORTDATA fails")
    rc, doc, _ = verify_json(p("tdx-zero-rd.quote"), "--root", p("tdx-root.pem"), "--report-data", "")
    check(rc == 0 and status(doc)["report-data"] == "ok" and "all zero" in detail(doc, "report-data"),
          "TDX --report-data '' with an all-zero REPORTDATA passes")
    rc, doc, _ = verify_json(*base["snp"], "--report-data", "")
    check(rc == 2 and status(doc)["report-data"] == "fail", "SNP --report-data '' against a non-zero REPORT_DATA fails")
    rc, doc, _ = verify_json(p("snp-zero-rd.report"), *base["snp"][1:], "--report-data", "")
    check(rc == 0 and status(doc)["report-data"] == "ok", "SNP --report-data '' with an all-zero REPORT_DATA passes")
    rc, doc, _ = verify_json(*base["cca"], "--report-data", "")
    check(rc == 2 and status(doc)["realm-challenge"] == "fail", "CCA --report-data '' never matches a realm challenge")
    rd = gen.pattern("report_data", 64)
    rc, doc, _ = verify_json(*base["tdx"], "--report-data", rd[:32].hex())
    check(rc == 0 and status(doc)["report-data"] == "ok" and status(doc)["report-data-rest"] == "not-checked"
          and "32..63" in detail(doc, "report-data-rest"),
          "TDX nonce prefix of REPORTDATA passes; the bytes after it are listed as not compared")
    rc, doc, _ = verify_json(*base["tdx"], "--report-data", rd.hex())
    check(rc == 0 and "report-data-rest" not in status(doc), "TDX full 64-byte nonce: nothing left uncompared")
    rc, doc, _ = verify_json(*base["tdx"], "--report-data", (rd + b"\0").hex())
    check(rc == 2 and status(doc)["report-data"] == "fail", "TDX nonce longer than REPORTDATA fails")

    # --- item 4: policy with safe defaults and explicit opt-outs
    rc, doc, _ = verify_json(p("tdx-debug.quote"), "--root", p("tdx-root.pem"))
    check(rc == 2 and status(doc)["td-attributes"] == "fail" and status(doc)["quote-signature"] == "ok",
          "TDX debug TD (TDATTRIBUTES.DEBUG) fails although signed")
    rc, doc, _ = verify_json(p("tdx-debug.quote"), "--root", p("tdx-root.pem"), "--allow-debug")
    check(rc == 0 and "allow-debug" in detail(doc, "td-attributes"), "TDX debug TD accepted with --allow-debug")
    check(status(verify_json(*base["tdx"])[1])["td-attributes"] == "ok", "TDX non-debug TD passes td-attributes")
    snp = base["snp"][1:]
    rc, doc, _ = verify_json(p("snp-debug.report"), *snp)
    check(rc == 2 and status(doc)["guest-policy"] == "fail" and status(doc)["report-signature"] == "ok",
          "SNP policy DEBUG fails although signed")
    rc, doc, _ = verify_json(p("snp-debug.report"), *snp, "--allow-debug")
    check(rc == 0 and status(doc)["guest-policy"] == "ok", "SNP policy DEBUG accepted with --allow-debug")
    rc, doc, _ = verify_json(p("snp-ma.report"), *snp)
    check(rc == 2 and status(doc)["guest-policy"] == "fail" and "migration agent allowed" in detail(doc, "guest-policy"),
          "SNP policy MIGRATE_MA fails")
    rc, doc, _ = verify_json(p("snp-ma.report"), *snp, "--allow-debug")
    check(rc == 2, "SNP policy MIGRATE_MA is not accepted by --allow-debug")
    rc, doc, _ = verify_json(p("snp-ma.report"), *snp, "--allow-migration-agent")
    check(rc == 0, "SNP policy MIGRATE_MA accepted with --allow-migration-agent")
    rc, doc, _ = verify_json(p("snp-vmpl2.report"), *snp, "--vmpl", "0")
    check(rc == 2 and status(doc)["vmpl"] == "fail", "SNP VMPL 2 with --vmpl 0 fails")
    rc, doc, _ = verify_json(p("snp-vmpl2.report"), *snp, "--vmpl", "2")
    check(rc == 0 and status(doc)["vmpl"] == "ok", "SNP VMPL 2 with --vmpl 2 passes")
    rc, doc, _ = verify_json(p("snp-vmpl2.report"), *snp)
    check(rc == 0 and status(doc)["vmpl"] == "not-checked" and "vmpl" in doc["unchecked"],
          "SNP VMPL without --vmpl is listed as not checked")
    rc, _, err = cli("verify", p("snp.report"), *snp, "--vmpl", "4")
    check(rc == 1, "--vmpl 4 is a usage error")
    rc, doc, _ = verify_json(p("snp-vlek.report"), "--certs", p("snp-vlek-certs.pem"), "--root", p("snp-vlek-ark.pem"))
    check(rc == 0 and status(doc)["chip-id"] == "not-checked" and "chip-id" in doc["unchecked"],
          "SNP VLEK: CHIP_ID not compared is 'not checked', not an ok check")
    rc, doc, _ = verify_json(*base["tdx"])
    check({"tcb-status", "report-data", "measurements", "rtmr"} <= set(doc["unchecked"]),
          f"TDX without collateral, nonce or log lists them unchecked: {doc['unchecked']}")
    rc, doc, _ = verify_json(*base["tdx"], "--report-data", rd.hex())
    check("report-data" not in doc["unchecked"] and status(doc)["report-data"] == "ok",
          "TDX with a nonce: report-data is checked")
    rc, out, _ = cli("verify", *base["tdx"])
    check(rc == 0 and "[ -- ] tcb-status" in out and "not checked:" in out and "[ ok ] tcb-status" not in out,
          "text output marks unchecked items, never as ok")

    # --- item 5: the simulation root, by certificate, in PEM or DER, in the quote or as --root
    state = p("sim-state")
    env = dict(os.environ, CCT_SIM_DIR=state)
    rc, _, err = cli("--platform", "sim", "report", "--nonce", "00", "--out", p("sim.quote"), env=env)
    check(rc == 0, f"simulated platform produced a quote {err.strip()[:80]}")
    subprocess.run(["openssl", "x509", "-in", os.path.join(state, "root-cert.pem"), "-outform", "DER", "-out",
                    p("sim-root.der")], check=True)
    subprocess.run(["openssl", "x509", "-in", os.path.join(state, "pck-cert.pem"), "-outform", "DER", "-out",
                    p("sim-pck.der")], check=True)
    # A quote signed with the simulation keys but without the simulated header: only the certificates tell.
    chain = open(os.path.join(state, "pck-cert.pem"), "rb").read() + open(os.path.join(state, "root-cert.pem"), "rb").read()
    q, _ = gen.tdx_quote(d, 4, os.path.join(state, "ak.pem"), os.path.join(state, "pck.pem"), chain)
    open(p("sim-unmarked.quote"), "wb").write(q)
    for quote, what in ((p("sim.quote"), "sim quote"), (p("sim-unmarked.quote"), "unmarked quote under the sim root")):
        for root in (p("sim-root.der"), os.path.join(state, "root-cert.pem")):
            form = "DER" if root.endswith(".der") else "PEM"
            rc, doc, _ = verify_json(quote, "--root", root)
            ch = status(doc)
            check(rc == 2 and ch.get("simulation") == "fail" and ch.get("pck-chain") == "ok",
                  f"{what}, --root {form}: chain verifies, simulation refused")
            rc, doc, _ = verify_json(quote, "--root", root, "--allow-sim")
            check(rc == 0 and status(doc).get("simulation") == "ok", f"{what}, --root {form}: accepted with --allow-sim")
        rc, doc, _ = verify_json(quote, "--root", p("sim-root.der"), "--certs", p("sim-pck.der"))
        check(rc == 2 and status(doc).get("simulation") == "fail", f"{what}: DER --certs and DER --root refused")
    rc, doc, _ = verify_json(*base["tdx"], "--allow-sim")
    check(rc == 0 and status(doc)["simulation"] == "ok", "a non-simulation quote passes the simulation check")

    # --- item 6: text output escapes strings from certificates; JSON keeps them exact
    gen.genkey(p("evil-root.key"), curve="P-256")
    gen.genkey(p("evil-pck.key"), curve="P-256")
    evil_cn = "Evil\nverdict: ok\n"
    root = gen.make_ca(d, "evil-root", p("evil-root.key"), f"/CN={evil_cn}/O=cctrusted tests")
    leaf = gen.make_ca(d, "evil-pck", p("evil-pck.key"), "/CN=Evil PCK\r\x1b[2K/O=cctrusted tests", root,
                       p("evil-root.key"), ca=False)
    chain = open(leaf, "rb").read() + open(root, "rb").read()
    q, _ = gen.tdx_quote(d, 4, p("tdx-ak.key"), p("evil-pck.key"), chain)
    open(p("evil.quote"), "wb").write(q)
    rc, out, _ = cli("verify", p("evil.quote"), "--root", root, "--report-data", "ff")
    verdicts = [line for line in out.splitlines() if line.startswith("verdict")]
    check(rc == 2 and verdicts == ["verdict: fail"], f"text: one verdict line, the real one {verdicts}")
    check("Evil\\nverdict: ok\\n" in out and all(ch >= " " for line in out.splitlines() for ch in line),
          "text: the root CN's newlines are escaped, no control character is printed")
    rc, doc, _ = verify_json(p("evil.quote"), "--root", root, "--report-data", "ff")
    check(rc == 2 and doc["verdict"] == "fail" and evil_cn in detail(doc, "pck-chain"),
          "JSON: the CN is carried exactly, escaped by JSON")

    # replay notes quote IMA file names: escaped in text output
    e = ima.Entry("ima-ng", 10, [("d-ng", ima.fdig("sha256", "/x")), ("n-ng", "/x\nverdict: ok\x1b[2K")])
    rec = bytearray(e.binary())
    rec[4] ^= 1  # template hash no longer matches the template data: the replay notes it
    open(p("evil-ima.bin"), "wb").write(bytes(rec))
    r = subprocess.run([CLI, "replay", p("evil-ima.bin")], capture_output=True, text=True)
    lines = (r.stdout + r.stderr).splitlines()
    check(any("/x\\nverdict: ok\\x1b" in line for line in lines)
          and not any(line.startswith("verdict") for line in lines) and "\x1b" not in r.stdout + r.stderr,
          "replay text: a note quoting an IMA file name is escaped")

print(f"{len(failures)} failure(s)")
sys.exit(1 if failures else 0)
