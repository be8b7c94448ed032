#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The package's report classes and verify() give the CLI's answers on the
corpus (`cctrusted report show --json`, `cctrusted verify --json`, same
inputs): every field of TdxQuote / SnpReport / Tpm2Quote / CcaToken that the
CLI prints, and the same checks (name, outcome, detail) and verdict. A few
fields are also read here at their spec offsets (SNP ABI ATTESTATION_REPORT,
TPMS_ATTEST), independently of both. Negative cases (a flipped body byte, an
SGX quote, a MAC0 token without its key) fail closed in both.

usage: test_reports.py CLI CORPUS
"""
import json
import os
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "bindings", "python"))
sys.path.insert(0, os.path.join(HERE, ".."))

import cctrusted  # noqa: E402
from pyutil import check, report  # noqa: E402

CLI, CORPUS = sys.argv[1], sys.argv[2]



def hexints(o):
    """The CLI prints 64-bit and flag fields as "0x..." strings; compare them as integers."""
    return {k: int(v, 16) if isinstance(v, str) and v.startswith("0x") else v for k, v in o.items()}

def c(rel):
    return os.path.join(CORPUS, rel)


def cli_json(*args):
    p = subprocess.run([CLI] + list(args), capture_output=True, text=True)
    try:
        return p.returncode, json.loads(p.stdout, object_hook=hexints)
    except ValueError:
        return p.returncode, None


def hx(v):
    return v.hex() if isinstance(v, (bytes, bytearray)) else v


def test_show():
    # TDX
    for f in (
        "tdx-quote/evidence-api-tdx-quote-v4-padded.bin",
        "tdx-quote/tdx-v5-sample-tdx15.dat",
    ):
        _, j = cli_json("report", "show", "--json", c(f))
        q = cctrusted.parse_report(open(c(f), "rb").read())
        check(isinstance(q, cctrusted.TdxQuote), "%s is a TdxQuote" % f)
        h, b = j["header"], j["body"]
        check(
            (q.header.ver, q.header.qe_vendor.hex(), q.header.user_data.hex())
            == (h["version"], h["qe_vendor_id"], h["user_data"]),
            "%s: header as the CLI shows it" % f,
        )
        pairs = [
            ("mrseam", "mrseam"),
            ("mrsignerseam", "mrsignerseam"),
            ("seamattributes", "seam_attributes"),
            ("tdattributes", "td_attributes"),
            ("xfam", "xfam"),
            ("mrtd", "mrtd"),
            ("mrconfig", "mrconfigid"),
            ("mrowner", "mrowner"),
            ("mrownerconfig", "mrownerconfig"),
            ("rtmr0", "rtmr0"),
            ("rtmr1", "rtmr1"),
            ("rtmr2", "rtmr2"),
            ("rtmr3", "rtmr3"),
            ("reportdata", "report_data"),
        ]
        for ours, cli in pairs:
            check(hx(getattr(q.body, ours)) == b.get(cli), "%s: body.%s" % (f, ours))
        check(q.body.is_v15 == (b["body_type"] == 3), "%s: TDX 1.5 body flag" % f)
        if q.body.is_v15:
            check(q.body.mrservicetd.hex() == b.get("mrservicetd"), "%s: MRSERVICETD" % f)
    # SNP, with fields at the ABI's offsets too
    for f in ("snp-report/gosev-milan-v2-no-idblock.bin", "snp-report/azure-snp-report-v2.bin"):
        data = open(c(f), "rb").read()
        _, j = cli_json("report", "show", "--json", c(f))
        s = cctrusted.parse_report(data)
        check(isinstance(s, cctrusted.SnpReport), "%s is an SnpReport" % f)
        for k in (
            "version",
            "guest_svn",
            "policy",
            "vmpl",
            "report_data",
            "measurement",
            "host_data",
            "chip_id",
            "report_id",
            "reported_tcb",
            "current_tcb",
            "launch_tcb",
            "family_id",
            "image_id",
        ):
            check(hx(getattr(s, k)) == j.get(k), "%s: %s as the CLI shows it" % (f, k))
        check(
            (s.version, s.policy, s.report_data, s.measurement, s.chip_id)
            == (
                struct.unpack_from("<I", data, 0)[0],
                struct.unpack_from("<Q", data, 8)[0],
                data[0x50:0x90],
                data[0x90:0xC0],
                data[0x1A0:0x1E0],
            ),
            "%s: fields at their ABI offsets" % f,
        )
    # TPM, with TPMS_ATTEST walked here
    for f in (
        "tpm-quote/gce-cos85-nonce9009-sha256.tpms_attest",
        "tpm-quote/azure-snp-vtpm-quote.tpms_attest",
    ):
        data = open(c(f), "rb").read()
        _, j = cli_json("report", "show", "--json", c(f))
        t = cctrusted.parse_report(data)
        check(isinstance(t, cctrusted.Tpm2Quote), "%s is a Tpm2Quote" % f)
        for k in (
            "magic",
            "qualified_signer",
            "extra_data",
            "clock",
            "reset_count",
            "restart_count",
            "firmware_version",
            "pcr_digest",
        ):
            check(hx(getattr(t, k)) == j.get(k), "%s: %s as the CLI shows it" % (f, k))
        check(t.type == j["attest_type"] and bool(t.safe) == j["safe"], "%s: type and safe" % f)
        n = struct.unpack_from(">H", data, 6)[0]
        m = struct.unpack_from(">H", data, 8 + n)[0]
        check(
            t.magic == struct.unpack_from(">I", data, 0)[0]
            and t.extra_data == data[10 + n : 10 + n + m],
            "%s: magic and extraData at their TPMS_ATTEST places" % f,
        )
        for alg, idx in t.pcr_select:
            name = {0x4: "sha1", 0xB: "sha256", 0xC: "sha384", 0xD: "sha512"}.get(alg)
            check(
                list(idx) == j.get("pcr_selection_%s" % name),
                "%s: PCR selection" % f,
            )
    # CCA
    f = "cca-token/tfrmm-cca-token-tag399.cbor"
    _, j = cli_json("report", "show", "--json", c(f))
    t = cctrusted.parse_report(open(c(f), "rb").read())
    check(
        isinstance(t, cctrusted.CcaToken) and t.collection_tag == j["collection_tag"],
        "%s is a CcaToken" % f,
    )
    p, r = j["platform"], j["realm"]
    for ours, want in (
        (t.platform_profile, p["profile"]),
        (t.platform_challenge.hex(), p["challenge"]),
        (t.implementation_id.hex(), p["implementation_id"]),
        (t.instance_id.hex(), p["instance_id"]),
        (t.security_lifecycle, p["security_lifecycle"]),
        (t.platform_hash_algo, p["hash_algo"]),
        (t.n_sw_components, p["sw_components"]),
        (t.realm_challenge.hex(), r["challenge"]),
        (t.realm_personalization.hex(), r["personalization_value"]),
        (t.rak.hex(), r["public_key"]),
        (t.rim.hex(), r["rim"]),
        ([x.hex() for x in t.rem], [r["rem%d" % i] for i in range(4)]),
    ):
        check(ours == want, "%s: claim %r, CLI %r" % (f, ours, want))


def same_verdict(what, res, cli_args):
    rc, j = cli_json("verify", "--json", *cli_args)
    if not check(j is not None, "%s: the CLI printed JSON (exit %d)" % (what, rc)):
        return
    ours = [(k.name, k.ok, k.detail) for k in res.checks]
    theirs = [(k["name"], k["ok"], k["detail"]) for k in j["checks"]]
    check(ours == theirs, "%s: checks\n  ours %s\n  CLI  %s" % (what, ours, theirs))
    check(
        res.ok == (rc == 0) == (j.get("verdict") == "ok"),
        "%s: verdict ours %s, CLI exit %d" % (what, res.ok, rc),
    )
    print("%s: %s, %d checks as the CLI" % (what, "ok" if res.ok else "FAILED", len(ours)))


def test_verify():
    at = "2023-07-01T01:00:00Z"
    for f, ok in (
        ("tdx-quote/tdx-v4-prod-spr-e4.dat", True),
        ("tdx-quote/tdx-v4-spr-e4-NEG-body-byte.dat", False),
    ):
        res = cctrusted.verify_bytes(open(c(f), "rb").read(), at=at)
        check(
            res.ok == ok and res.type == "tdx",
            "%s verifies: %s (want %s) %r" % (f, res.ok, ok, res.failed),
        )
        same_verdict(f, res, [c(f), "--at", at])
    f = "snp-report/gosev-milan-v2-no-idblock.bin"
    certs = open(c("certs/gosev-milan-vcek.der"), "rb").read()
    res = cctrusted.parse_report(open(c(f), "rb").read()).verify(certs=certs)
    check(
        not res.ok and [k.name for k in res.failed] == ["guest-policy"],
        "%s: its guest policy allows debugging, refused by default: %r" % (f, res.failed),
    )
    same_verdict(f, res, [c(f), "--certs", c("certs/gosev-milan-vcek.der")])
    res = cctrusted.parse_report(open(c(f), "rb").read()).verify(certs=certs, allow_debug=True)
    check(res.ok, "%s verifies with its VCEK and allow_debug: %r" % (f, res.failed))
    same_verdict(f, res, [c(f), "--certs", c("certs/gosev-milan-vcek.der"), "--allow-debug"])
    res = cctrusted.verify_bytes(open(c(f), "rb").read(), certs=certs, report_data=b"\x09\x09")
    check(not res.ok and res.failed, "%s with a wrong report-data prefix fails" % f)
    # REPORTED_TCB read here (ATTESTATION_REPORT offset 0x180, Milan layout of a v2 report)
    raw = open(c(f), "rb").read()
    tcb = {"bootloader": raw[0x180], "tee": raw[0x181], "snp": raw[0x186], "microcode": raw[0x187]}
    spec = ",".join("%s=%d" % kv for kv in tcb.items())
    res = cctrusted.verify_bytes(raw, certs=certs, allow_debug=True, min_tcb=spec)
    check(res.ok and "min-tcb" in [k.name for k in res.checks], "%s: min_tcb=%s passes" % (f, spec))
    same_verdict(f, res, [c(f), "--certs", c("certs/gosev-milan-vcek.der"), "--allow-debug", "--min-tcb", spec])
    for k, v in tcb.items():
        res = cctrusted.verify_bytes(raw, certs=certs, allow_debug=True, min_tcb="%s=%d" % (k, v + 1))
        check(
            not res.ok and [x.name for x in res.failed] == ["min-tcb"]
            and "%s has %d, requires %d" % (k, v, v + 1) in res.failed[0].detail,
            "%s: min_tcb %s=%d fails naming it: %r" % (f, k, v + 1, res.failed),
        )
    res = cctrusted.verify_bytes(raw, certs=certs, allow_debug=True, min_tcb="fmc=0")
    check(not res.ok and res.error is not None and "fmc" in res.error.message,
          "%s: fmc on a Milan report is refused: %r" % (f, res.error))
    f = "tpm-quote/gce-cos85-nonce9009-sha256.tpms_attest"
    sig, ak = c("tpm-quote/gce-cos85-nonce9009-sha256.tpmt_signature"), c(
        "tpm-quote/gce-cos85-ak.tpmt_public"
    )
    q = cctrusted.parse_report(open(c(f), "rb").read())
    res = q.verify(
        signature=open(sig, "rb").read(), ak=open(ak, "rb").read(), report_data=bytes.fromhex("9009")
    )
    check(
        not res.ok and [k.name for k in res.failed] == ["pcr-digest"],
        "%s without PCR values fails closed on pcr-digest only: %r" % (f, res.failed),
    )
    same_verdict(f, res, [c(f), "--signature", sig, "--ak", ak, "--report-data", "9009"])
    f = "cca-token/tfrmm-cca-token-tag399.cbor"
    cpak = c("cca-token/tfrmm-cca-platform-cpak.pub.pem")
    res = cctrusted.verify_bytes(open(c(f), "rb").read(), cpak=open(cpak, "rb").read())
    same_verdict(f, res, [c(f), "--cpak", cpak])
    f = "cca-token/psa-2_0_0-sign1.cbor"
    iak = c("cca-token/psa-tfm-iak.pub.pem")
    res = cctrusted.verify_bytes(open(c(f), "rb").read(), cpak=open(iak, "rb").read())
    check(res.ok, "%s verifies with the TF-M IAK: %r" % (f, res.failed))
    same_verdict(f, res, [c(f), "--cpak", iak])
    f = "cca-token/psa-2_0_0-mac0.cbor"
    res = cctrusted.verify_bytes(open(c(f), "rb").read())
    check(not res.ok, "%s without its MAC key does not verify" % f)
    same_verdict(f, res, [c(f)])
    f = "tdx-quote/occlum-sgx-quote-v3-NOT-TDX.dat"
    try:
        cctrusted.TdxQuote(open(c(f), "rb").read())
        check(False, "%s: an SGX quote is not a TdxQuote" % f)
    except cctrusted.CCTrustedError as e:
        check(e.code < 0 and e.message, "%s refused: %s" % (f, e))
    res = cctrusted.verify_bytes(open(c(f), "rb").read())
    check(not res.ok and res.failed, "%s does not verify: %r" % (f, res.checks))


def main():
    if not os.path.isdir(CORPUS):
        print("SKIP: no corpus at %s" % CORPUS)
        return 77
    test_show()
    test_verify()
    return report(need_checks=True)


if __name__ == "__main__":
    sys.exit(main())
