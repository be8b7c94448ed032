#!/usr/bin/env python3
"""The evidence-api set (TDX quote v4 + CCEL + IMA list from one TD) verifies
together: `cctrusted verify --eventlog CCEL --eventlog IMA` replays the logs
and compares RTMR0-3 with the quote. The quote's PCK chain ends in a
non-production "Intel SGX Root CA", so with the built-in production root only
pck-chain fails; with that chain's own root given as --root everything passes.
Usage: evidence_api.py CCTRUSTED CORPUS_DIR"""
import base64
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile

cli, corpus = sys.argv[1], sys.argv[2]
quote = os.path.join(corpus, "tdx-quote/evidence-api-tdx-quote-v4-padded.bin")
ccel = os.path.join(corpus, "ccel/evidence-api-tdx-ccel-64k.bin")
ima = os.path.join(corpus, "ima/evidence-api-tdx-ima-rtmr2-sha384.txt")
if not all(os.path.exists(p) for p in (quote, ccel, ima)):
    print("SKIP: evidence-api files not found under", corpus)
    sys.exit(77)

passed = failed = 0


def check(ok, what):
    global passed, failed
    print(("ok   " if ok else "FAIL ") + what)
    if ok:
        passed += 1
    else:
        failed += 1


def verify(*extra):
    p = subprocess.run([cli, "verify", "--json", *extra, "--eventlog", ccel, "--eventlog", ima, quote],
                       capture_output=True, text=True)
    return p.returncode, json.loads(p.stdout)


# The chain's own root: the last PEM certificate embedded in the quote.
pems = re.findall(rb"-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----", open(quote, "rb").read(), re.S)
check(len(pems) == 3, f"quote embeds a 3-certificate PEM chain ({len(pems)} found)")

rc, j = verify()
# "not checked" items (no collateral, no nonce) are listed, neither passed nor failed
checks = {c["name"]: c["ok"] for c in j["checks"] if c["status"] != "not-checked"}
check(rc == 2 and j["verdict"] == "fail", "with the built-in production root the verdict is fail (exit 2)")
check([n for n, ok in checks.items() if not ok] == ["pck-chain"], "only pck-chain fails: " + str(checks))
# The untrusted root is named by the SHA-256 of its DER, computed here from the PEM.
der = base64.b64decode(b"".join(pems[-1].splitlines()[1:-1]))
detail = {c["name"]: c["detail"] for c in j["checks"]}.get("pck-chain", "")
check("SHA-256 " + hashlib.sha256(der).hexdigest()[:16] in detail, "pck-chain names the root's fingerprint: " + detail)
check(all(checks.get(f"rtmr{i}-replay") for i in range(4)), "RTMR0-3 replayed from CCEL + IMA equal the quote")

with tempfile.NamedTemporaryFile(suffix=".pem") as root:
    root.write(pems[-1] + b"\n")
    root.flush()
    rc, j = verify("--root", root.name, "--at", "2024-02-20")
    check(rc == 0 and j["verdict"] == "ok", "with the chain's own root every check passes (exit 0)")
    judged = [c for c in j["checks"] if c["status"] != "not-checked"]
    check(all(c["ok"] and c["status"] == "ok" for c in judged) and len(judged) >= 9, f"{len(judged)} checks, all ok")
    check(set(j["unchecked"]) == {c["name"] for c in j["checks"] if c["status"] == "not-checked"},
          "the verdict lists what it did not check: " + ", ".join(j["unchecked"]))

# Without the IMA list, RTMR2 (boot events only) must not match the quote.
p = subprocess.run([cli, "verify", "--json", "--eventlog", ccel, quote], capture_output=True, text=True)
j = json.loads(p.stdout)
checks = {c["name"]: c["ok"] for c in j["checks"]}
# TDX quote v4: 48-byte header, then RTMR2 at body offset 424 (TD quote body table); the detail shows 8 bytes.
rtmr2 = open(quote, "rb").read()[48 + 424:48 + 432].hex()
detail = {c["name"]: c["detail"] for c in j["checks"]}.get("rtmr2-replay", "")
check(f"quote has {rtmr2}..." in detail, "rtmr2-replay shows the quote's RTMR2: " + detail)
check(p.returncode == 2 and checks.get("rtmr2-replay") is False and checks.get("rtmr0-replay") is True,
      "CCEL alone: RTMR2 differs from the quote (the IMA entry is missing), RTMR0 still matches")

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
