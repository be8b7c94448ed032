#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Host-side checks of efi-boot.sh: the JSON cctrusted.efi printed on the
serial console in two runs, the files it wrote on the ESP, and the PCRs
tpm2_pcrread read from the same swtpm after the VM stopped.

Expected values are computed here with hashlib from the log bytes the
application dumped (an independent TCG2 parser and replay), never taken
from the application.

Usage: efi-check.py WORKDIR NONCE"""
import hashlib
import json
import os
import re
import struct
import subprocess
import sys
import tempfile

work, nonce = sys.argv[1], sys.argv[2]
ALGS = {0x0004: ("sha1", 20), 0x000B: ("sha256", 32), 0x000C: ("sha384", 48), 0x000D: ("sha512", 64)}
EXTEND_DATA = b"cctrusted-efi-test"
fails = 0


def check(ok, what):
    global fails
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    if not ok:
        fails += 1


def runs_from_console(path):
    text = open(path, "rb").read().decode("latin-1")
    text = re.sub(r"\x1b\[[0-9;=?]*[A-Za-z]", "", text)
    out = []
    for m in re.finditer(r"CCT-JSON-BEGIN\r?\n(.*?)CCT-JSON-END", text, re.S):
        out.append(json.loads(m.group(1).replace("\r", "").replace("\n", "")))
    return out


def replay_tcg2(log):
    """PC Client PFP crypto-agile log: SpecID (TCG_PCR_EVENT) then TCG_PCR_EVENT2 records."""
    pcr, etype, _, size = struct.unpack_from("<II20sI", log, 0)
    assert etype == 3, "first record is not the SpecID EV_NO_ACTION"
    spec = log[32:32 + size]
    assert spec[:16] == b"Spec ID Event03\0"
    n = struct.unpack_from("<I", spec, 24)[0]
    sizes = {}
    for i in range(n):
        alg, sz = struct.unpack_from("<HH", spec, 28 + 4 * i)
        sizes[alg] = sz
    off, regs, events, locality = 32 + size, {}, [], 0
    while off < len(log):
        pcr, etype, count = struct.unpack_from("<III", log, off)
        p = off + 12
        digests = {}
        for _ in range(count):
            alg = struct.unpack_from("<H", log, p)[0]
            digests[alg] = log[p + 2:p + 2 + sizes[alg]]
            p += 2 + sizes[alg]
        dlen = struct.unpack_from("<I", log, p)[0]
        data = log[p + 4:p + 4 + dlen]
        events.append((pcr, etype, digests, data))
        off = p + 4 + dlen
        if etype == 3 and pcr == 0 and data[:16] == b"StartupLocality\0":
            locality = data[16]
    for pcr, etype, digests, data in events:
        if etype == 3:
            continue
        for alg, d in digests.items():
            name, sz = ALGS[alg]
            init = b"\xff" * sz if 17 <= pcr <= 22 else b"\0" * (sz - 1) + bytes([locality if pcr == 0 else 0])
            regs[(pcr, name)] = hashlib.new(name, regs.get((pcr, name), init) + d).digest()
    return regs, events


def initial(pcr, name):
    sz = hashlib.new(name).digest_size
    return b"\xff" * sz if 17 <= pcr <= 22 else b"\0" * sz


def measured(run):
    return {(m["index"], m["alg"]): bytes.fromhex(m["digest"]) for m in run.get("measurements", [])
            if "digest" in m}


runs = runs_from_console(os.path.join(work, "console.log"))
check(len(runs) == 2, f"two JSON objects on the serial console (got {len(runs)})")
if len(runs) != 2:
    sys.exit(1)
for i, run in enumerate(runs, 1):
    errors = [k for k, v in run.items() if isinstance(v, dict) and "error" in v]
    check(not errors, f"run {i}: no call failed ({errors})")
    check(run.get("platform") == "tpm" and run.get("register_count") == 24,
          f"run {i}: TPM platform, 24 registers, default algorithm {run.get('default_algorithm')}")
    path = os.path.join(work, f"run{i}.json")
    check(os.path.exists(path) and json.load(open(path)) == run,
          f"run {i}: the file written on the ESP equals the console JSON")

regs = {}
for i, run in enumerate(runs, 1):
    log = bytes.fromhex(run["eventlog"]["data"])
    check(len(log) == run["eventlog"]["bytes"], f"run {i}: dumped log has the size reported")
    regs[i], events = replay_tcg2(log)
    check(len(events) + 1 == run["eventlog"]["events"],
          f"run {i}: {len(events) + 1} records in the log, as the app counted")
    app_replay = {(r["index"], r["alg"]): bytes.fromhex(r["digest"]) for r in run["replay"]}
    check(app_replay == regs[i], f"run {i}: the app's replay equals hashlib's replay of the log "
          f"({len(app_replay)} registers)")
    meas = measured(run)
    check(len(meas) == 24 * 4, f"run {i}: 24 PCRs x 4 banks read with TPM2_PCR_Read ({len(meas)})")
    bad = [k for k, v in meas.items() if v != regs[i].get(k, initial(*k))]
    check(not bad, f"run {i}: every PCR read equals the replay of the log the app read "
          f"(mismatches: {sorted(bad)[:6]})")
    if i == 2:
        mine = [e for e in events if e[0] == 16 and e[1] == 0xD and e[3] == EXTEND_DATA]
        check(len(mine) == 1, "run 2: the log holds run 1's extend (PCR16, EV_IPL, its data)")
        ok = bool(mine) and all(d == hashlib.new(ALGS[a][0], EXTEND_DATA).digest()
                                for a, d in mine[0][2].items()) and len(mine[0][2]) == 4
        check(ok, "run 2: its digests are the hashes of the data, in all 4 banks")
        check(runs[0]["extend"]["data"] == EXTEND_DATA.decode(), "run 1 reported its extend")

# tpm2_pcrread after the VM stopped
text = open(os.path.join(work, "pcrread.txt")).read()
read, bank = {}, None
for line in text.splitlines():
    m = re.match(r"\s*(sha\d+):\s*$", line)
    if m:
        bank = m.group(1)
        continue
    m = re.match(r"\s*(\d+)\s*:\s*0x([0-9A-Fa-f]+)", line)
    if m and bank:
        read[(int(m.group(1)), bank)] = bytes.fromhex(m.group(2))
check(len(read) == 96, f"tpm2_pcrread after the VM stopped: {len(read)} PCRs")
meas2 = measured(runs[1])
bad = [k for k in meas2 if read.get(k) != meas2[k]]
check(not bad and read, f"tpm2_pcrread equals run 2's PCRs in all banks (mismatches: {bad[:6]})")
check(read.get((16, "sha256")) == regs[2].get((16, "sha256")),
      "PCR16 (the app's extend) equals hashlib's replay after the VM stopped")

# the quote of run 1
q = runs[0]["quote"]
check(q.get("nonce") == nonce, "quote carries the nonce given on the command line")
attest = bytes.fromhex(q["attest"])[2:]  # TPM2B_ATTEST -> TPMS_ATTEST
magic, typ = struct.unpack_from(">IH", attest, 0)
p = 6
signer_len = struct.unpack_from(">H", attest, p)[0]
p += 2 + signer_len
extra_len = struct.unpack_from(">H", attest, p)[0]
extra = attest[p + 2:p + 2 + extra_len]
p += 2 + extra_len + 17 + 8  # clockInfo, firmwareVersion
count = struct.unpack_from(">I", attest, p)[0]
p += 4
alg, sel_size = struct.unpack_from(">HB", attest, p)
sel = attest[p + 3:p + 3 + sel_size]
p += 3 + sel_size
dlen = struct.unpack_from(">H", attest, p)[0]
pcr_digest = attest[p + 2:p + 2 + dlen]
check(magic == 0xFF544347 and typ == 0x8018 and extra == bytes.fromhex(nonce),
      "quote: TPM_GENERATED, ST_ATTEST_QUOTE, extraData = nonce")
name = ALGS[alg][0]
m1 = measured(runs[0])
want = hashlib.sha256(b"".join(m1[(i, name)] for i in range(24))).digest()
check(count == 1 and sel == b"\xff\xff\xff" and pcr_digest == want,
      f"quote: pcrDigest = SHA-256 of run 1's {name} PCRs 0-23")
with tempfile.TemporaryDirectory() as d:
    for fname, hexv, strip in (("ak.pub", q["public"], 0), ("msg", q["attest"], 2),
                               ("sig", q["signature"], 0)):
        with open(os.path.join(d, fname), "wb") as f:
            f.write(bytes.fromhex(hexv)[strip:])
    r = subprocess.run(["tpm2_checkquote", "-u", os.path.join(d, "ak.pub"), "-m",
                        os.path.join(d, "msg"), "-s", os.path.join(d, "sig"), "-q", nonce,
                        "-g", "sha256"], capture_output=True, text=True)
    check(r.returncode == 0, "tpm2_checkquote verifies the signature with the AK public key"
          + ("" if r.returncode == 0 else ": " + r.stderr.strip()[-300:]))
    bad_nonce = "00" + nonce[2:] if not nonce.startswith("00") else "11" + nonce[2:]
    r = subprocess.run(["tpm2_checkquote", "-u", os.path.join(d, "ak.pub"), "-m",
                        os.path.join(d, "msg"), "-s", os.path.join(d, "sig"), "-q", bad_nonce,
                        "-g", "sha256"], capture_output=True, text=True)
    check(r.returncode != 0, "tpm2_checkquote rejects another nonce")

if "bench" in runs[1]:
    b = runs[1]["bench"]
    print(f"bench: {b['events']} events replayed in {b['best_us']} us (best of {b['rounds']})")
sys.exit(1 if fails else 0)
