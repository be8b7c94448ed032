#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""`cctrusted verify --nonce N --data D` derives the expected report data as `report` does,
`--report-data` takes the raw value, `--min-tcb` sets an SNP minimum TCB per component.

usage: test_verify_nonce.py CCTRUSTED GEN_QUOTES CORPUS
Every expected value is computed here on its own: REPORTDATA = SHA-512(nonce || data) with
hashlib, REPORTED_TCB read from the report's bytes (SEV-SNP ABI, ATTESTATION_REPORT offset
0x180; TCB_VERSION layout: Milan/Genoa byte 0 boot loader, 1 TEE, 6 SNP, 7 microcode; Turin
byte 0 FMC, 1 boot loader, 2 TEE, 3 SNP, 7 microcode). Each refusal has a positive control.
The corpus part is skipped, saying so, when the corpus is absent.
"""
import hashlib
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pyutil import check, report  # noqa: E402 (shared helpers in tests/)

CLI, GEN, CORPUS = sys.argv[1:4]


def cli(*args, env=None):
    p = subprocess.run([CLI, *args], capture_output=True, text=True, env=env)
    return p.returncode, p.stdout, p.stderr


def verify(*args, env=None):
    rc, out, err = cli("verify", "--json", *args, env=env)
    try:
        doc = json.loads(out)
    except ValueError:
        doc = {"checks": []}
    return rc, {c["name"]: c for c in doc["checks"]}, err


def st(checks, name):
    return checks.get(name, {}).get("status")


def det(checks, name):
    return checks.get(name, {}).get("detail", "")


def sim_report(d):
    """Report on the simulated platform with a nonce and data, verified with the same, others, raw."""
    state = os.path.join(d, "sim-state")
    env = dict(os.environ, CCT_SIM_DIR=state)
    nonce, data = os.urandom(16), b"user data \x00\xff"
    q = os.path.join(d, "sim.quote")
    rc, out, err = cli("--platform", "sim", "report", "--nonce", nonce.hex(), "--data", data.hex(), "--out", q,
                       "--json", env=env)
    if not check(rc == 0, f"sim report with --nonce/--data: {err.strip()[:120]}"):
        return
    rd = hashlib.sha512(nonce + data).digest()
    check(json.loads(out)["reportdata"] == rd.hex(), "sim report: REPORTDATA = SHA-512(nonce || data) (hashlib)")
    base = [q, "--root", os.path.join(state, "root-cert.pem"), "--allow-sim"]
    rc, ch, err = verify(*base, "--nonce", nonce.hex(), "--data", data.hex())
    check(rc == 0 and st(ch, "report-data") == "ok" and "SHA-512(nonce || user data)" in det(ch, "report-data"),
          f"sim: verify with the same --nonce/--data is ok and says how it derived ({det(ch, 'report-data')})")
    rc, ch, _ = verify(*base, "--nonce", nonce.hex(), "--data", (data + b"!").hex())
    check(rc == 2 and st(ch, "report-data") == "fail" and "differs" in det(ch, "report-data"),
          "sim: another --data fails report-data")
    rc, ch, _ = verify(*base, "--nonce", nonce[:-1].hex(), "--data", data.hex())
    check(rc == 2 and st(ch, "report-data") == "fail", "sim: another --nonce fails report-data")
    rc, ch, _ = verify(*base, "--nonce", nonce.hex())
    check(rc == 2 and st(ch, "report-data") == "fail", "sim: --nonce without the --data it was requested with fails")
    rc, ch, _ = verify(*base, "--report-data", rd.hex())
    check(rc == 0 and st(ch, "report-data") == "ok" and "raw" in det(ch, "report-data")
          and "report-data-rest" not in ch, "sim: --report-data with hashlib's SHA-512(nonce || data) is ok")
    rc, ch, _ = verify(*base, "--report-data", rd[:20].hex())
    check(rc == 0 and st(ch, "report-data-rest") == "not-checked", "sim: a raw prefix leaves the rest unchecked")
    wrong = bytes([rd[0] ^ 1]) + rd[1:]
    rc, ch, _ = verify(*base, "--report-data", wrong.hex())
    check(rc == 2 and st(ch, "report-data") == "fail", "sim: a raw value one bit off fails")
    rc, out, err = cli("verify", *base, "--nonce", nonce.hex(), "--data", data.hex(), "--report-data", rd.hex())
    check(rc == 1 and "verdict" not in out and "--report-data" in err and "--nonce/--data" in err
          and "exclusive" in err, f"sim: --report-data with --nonce/--data is a usage error naming both ({err.strip()})")
    rc, out, err = cli("verify", *base, "--data", data.hex(), "--report-data", rd.hex())
    check(rc == 1 and "exclusive" in err, "sim: --report-data with --data alone is a usage error too")
    # --data alone: the nonce is empty, as for `report --data`
    q2 = os.path.join(d, "sim-data-only.quote")
    rc, _, _ = cli("--platform", "sim", "report", "--data", data.hex(), "--out", q2, env=env)
    rc2, ch, _ = verify(q2, *base[1:], "--data", data.hex())
    check(rc == 0 and rc2 == 0 and st(ch, "report-data") == "ok", "sim: report --data D / verify --data D is ok")
    rc, ch, _ = verify(q2, *base[1:], "--report-data", hashlib.sha512(data).digest().hex())
    check(rc == 0, "sim: ... and equals the raw SHA-512(data) (hashlib)")


def generated(d):
    """Evidence of every type bound to one request (gen_quotes.py, REPORTDATA by hashlib)."""
    p = lambda n: os.path.join(d, n)
    nonce = bytes.fromhex(open(p("req.nonce")).read().strip())
    data = bytes.fromhex(open(p("req.data")).read().strip())
    rd = hashlib.sha512(nonce + data).digest()
    tpm = lambda n: [p(n + ".attest"), "--signature", p(n + ".sig"), "--ak", p("tpm-ak.pem"), "--pcrs", p("tpm.pcrs")]
    cases = [
        ("TDX", [p("tdx-req.quote"), "--root", p("tdx-root.pem")], "report-data", rd),
        ("SNP", [p("snp-req.report"), "--certs", p("snp-certs.pem"), "--root", p("snp-ark.pem")], "report-data", rd),
        ("TPM 64-byte extraData", tpm("tpm-req"), "nonce", rd),
        ("TPM 32-byte extraData", tpm("tpm-req32"), "nonce", rd[:32]),
        ("CCA", [p("cca-req.token"), "--cpak", p("cca-cpak.pem")], "realm-challenge", rd),
    ]
    for what, base, name, raw in cases:
        rc, ch, err = verify(*base, "--nonce", nonce.hex(), "--data", data.hex())
        check(rc == 0 and st(ch, name) == "ok" and "SHA-512(nonce || user data)" in det(ch, name),
              f"{what}: --nonce/--data verifies, {name} derived ({det(ch, name)}) {err.strip()[:80]}")
        rc, ch, _ = verify(*base, "--nonce", nonce.hex(), "--data", data[:-1].hex())
        check(rc == 2 and st(ch, name) == "fail", f"{what}: another --data fails {name}")
        rc, ch, _ = verify(*base, "--report-data", raw.hex())
        check(rc == 0 and st(ch, name) == "ok" and "raw" in det(ch, name),
              f"{what}: --report-data with the hashlib value verifies ({det(ch, name)})")
        rc, out, err = cli("verify", *base, "--nonce", nonce.hex(), "--report-data", raw.hex())
        check(rc == 1 and "exclusive" in err, f"{what}: --nonce with --report-data is a usage error")
    rc, ch, _ = verify(*tpm("tpm-req32"), "--report-data", rd.hex())
    check(rc == 2 and st(ch, "nonce") == "fail", "TPM 32-byte extraData: the raw 64 bytes are not its value")
    # a TPM quote whose extraData is neither 64 bytes nor 32 never matches a derived value
    rc, ch, _ = verify(*tpm("tpm"), "--nonce", nonce.hex(), "--data", data.hex())
    check(rc == 2 and st(ch, "nonce") == "fail" and "20 bytes" in det(ch, "nonce"),
          f"TPM 20-byte extraData fails a derived value ({det(ch, 'nonce')})")
    # the TDX quote with a pattern REPORTDATA: a derived value fails
    rc, ch, _ = verify(p("tdx-v4.quote"), "--root", p("tdx-root.pem"), "--nonce", nonce.hex(), "--data", data.hex())
    check(rc == 2 and st(ch, "report-data") == "fail", "TDX quote of another request fails report-data")


MILAN = {"bootloader": 0, "tee": 1, "snp": 6, "microcode": 7}
TURIN = {"fmc": 0, "bootloader": 1, "tee": 2, "snp": 3, "microcode": 7}


def tcb_of(path, layout):
    raw = open(path, "rb").read()
    if raw[:4] == b"HCLA":
        raw = raw[32:]
    tcb = raw[0x180:0x188]
    return {k: tcb[i] for k, i in layout.items()}


def min_tcb_cases(what, base, have, extra_ok=()):
    """Pass at the report's own values; per component one above fails naming it; below passes."""
    spec = ",".join(f"{k}={v}" for k, v in have.items())
    rc, ch, err = verify(*base, "--min-tcb", spec)
    check(rc == 0 and st(ch, "min-tcb") == "ok", f"{what}: --min-tcb {spec} (its own REPORTED_TCB) passes "
          f"({det(ch, 'min-tcb')}) {err.strip()[:80]}")
    for k, v in have.items():
        if v == 255:
            continue
        rc, ch, _ = verify(*base, "--min-tcb", f"{k}={v + 1}")
        d = det(ch, "min-tcb")
        check(rc == 2 and st(ch, "min-tcb") == "fail" and f"{k} has {v}, requires {v + 1}" in d,
              f"{what}: {k}={v + 1} fails naming {k}, what it has and what is required ({d})")
        if v > 0:
            rc, ch, _ = verify(*base, "--min-tcb", f"{k}={v - 1}")
            check(rc == 0 and st(ch, "min-tcb") == "ok", f"{what}: {k}={v - 1} passes")
    for spec in extra_ok:
        rc, ch, _ = verify(*base, "--min-tcb", spec)
        check(rc == 0 and st(ch, "min-tcb") == "ok", f"{what}: --min-tcb '{spec}' passes")


def snp_min_tcb(d):
    p = lambda n: os.path.join(d, n)
    base = [p("snp.report"), "--certs", p("snp-certs.pem"), "--root", p("snp-ark.pem")]
    have = tcb_of(p("snp.report"), MILAN)  # v3 report, CPUID family 19h model 01h: Milan
    min_tcb_cases("generated Milan report", base, have,
                  extra_ok=[f"bl={have['bootloader']}, ucode={have['microcode']}",
                            f"boot_loader={have['bootloader']}", f"SNP={have['snp']}"])
    rc, ch, _ = verify(*base)
    check(rc == 0 and "min-tcb" not in ch, "without --min-tcb there is no min-tcb check")
    rc, ch, _ = verify(*base, "--min-tcb", "snp=0,microcode=255,tee=255")
    d_ = det(ch, "min-tcb")
    check(rc == 2 and "microcode has" in d_ and "tee has" in d_ and "snp has" not in d_,
          f"every component below its minimum is named, only those ({d_})")
    for spec, why in (("fmc=1", "fmc is not a component of the milan"), ("bogus=1", "unknown component 'bogus'"),
                      ("snp=1,snp=2", "snp given twice"), ("snp=256", "number 0-255"), ("snp", "needs =N"),
                      ("snp=1;tee=0", "expected ','"), ("snp=-1", "number 0-255")):
        rc, out, err = cli("verify", *base, "--min-tcb", spec)
        check(rc == 1 and why in err and "verdict" not in out, f"--min-tcb '{spec}' is a usage error: {err.strip()}")
    tb = [p("snp-turin.report"), "--certs", p("snp-turin-certs.pem"), "--root", p("snp-ark.pem")]
    min_tcb_cases("generated Turin report", tb, tcb_of(p("snp-turin.report"), TURIN))
    # a v2 Turin report: the layout comes from the VCEK's productName (as for vcek-tcb)
    t2 = [p("snp-turin-v2.report")] + tb[1:]
    min_tcb_cases("generated Turin v2 report (layout from the VCEK)", t2, tcb_of(p("snp-turin-v2.report"), TURIN))
    rc, out, err = cli("verify", p("tdx-v4.quote"), "--root", p("tdx-root.pem"), "--min-tcb", "snp=0")
    check(rc == 1 and "min-tcb does not apply" in err, "--min-tcb on a TDX quote is a usage error naming it")


def corpus_min_tcb():
    if not os.path.isdir(CORPUS):
        print(f"SKIP: no corpus at {CORPUS}: the SNP minimum TCB on real reports is not tested")
        return
    c = lambda n: os.path.join(CORPUS, n)
    for rep, certs, more in (
        ("snp-report/gosev-milan-v2-no-idblock.bin", "certs/gosev-milan-vcek.der", ["--allow-debug"]),
        ("snp-report/azure-snp-report-v2.bin", "certs/azure-snp-vcek-chain.pem", []),
        ("snp-report/azure-snp-hcl-report.bin", "certs/azure-snp-vcek-chain.pem", []),
    ):
        have = tcb_of(c(rep), MILAN)  # version 2 reports from Milan hosts: the Milan layout
        base = [c(rep), "--certs", c(certs), "--at", "2024-01-01"] + more
        min_tcb_cases(rep, base, have)
    # the manifest's golden values (go-sev-guest: bl 2, tee 0, snp 5, ucode 68; trustee/Azure: 0x7308000000000003)
    check(tcb_of(c("snp-report/gosev-milan-v2-no-idblock.bin"), MILAN)
          == {"bootloader": 2, "tee": 0, "snp": 5, "microcode": 68}, "gosev report: TCB bl 2 tee 0 snp 5 ucode 68")
    check(tcb_of(c("snp-report/azure-snp-report-v2.bin"), MILAN)
          == {"bootloader": 3, "tee": 0, "snp": 8, "microcode": 115}, "azure report: TCB bl 3 tee 0 snp 8 ucode 115")


def main():
    with tempfile.TemporaryDirectory() as d:
        subprocess.run([sys.executable, GEN, d], check=True, stdout=subprocess.DEVNULL)
        sim_report(d)
        generated(d)
        snp_min_tcb(d)
    corpus_min_tcb()
    return report(need_checks=True)


if __name__ == "__main__":
    sys.exit(main())
