#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""CEL encoders and the CEL-CBOR reader, end to end through the CLI.

For every input kind (TCG2 with three banks, TCG1.2, CCEL, IMA ascii, IMA
binary) and every CEL encoding: `eventlog --output ENC` then `replay --json`
gives the registers of replaying the original, the CEL log decodes and
re-encodes to the same bytes, and (for the logs with values computed here or
by the generators with hashlib) the registers equal the expected ones. The
same runs over the shared corpus when it is present. Negative CEL-CBOR
inputs: truncation at every byte, wrong types, oversize counts and strings,
deep nesting, indefinite lengths.

Usage: test_cel_encode.py CCTRUSTED MKLOG GEN_IMA CORPUS_DIR"""
import glob
import hashlib
import json
import os
import struct
import subprocess
import sys
import tempfile

ENCODINGS = ["cel-tlv", "cel-json", "cel-json-systemd", "cel-cbor"]
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import pyutil  # noqa: E402 (shared helpers in tests/)
from pyutil import check  # noqa: E402


def run(*args):
    p = subprocess.run([CLI] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return p.returncode, p.stdout, p.stderr.decode(errors="replace")


def registers(path, fmt=None):
    args = ["replay", "--json"] + (["--format", fmt] if fmt else []) + [path]
    rc, out, err = run(*args)
    if rc != 0 or not out.strip():
        return None, err
    regs = json.loads(out)["registers"]
    return sorted((r["register"], r["index"], r["alg"], r["digest"]) for r in regs), err


def tcg1_log(path):
    """TCG 1.2 TCG_PCR_EVENT records (PC Client 1.21 section 11.1): PCR, type, SHA-1, size, data.
    Returns the PCR values computed here."""
    pcrs = {}
    out = b""
    events = [(0, 0x8, b"CRTM version 1"), (0, 0x1, b"POST code"), (1, 0x80000001, b"config"),
              (4, 0xD, b"boot loader"), (7, 0x80000001, b"secure boot")]
    for i in range(8):
        events.append((i, 0x4, b"\0\0\0\0"))
    for pcr, etype, data in events:
        d = hashlib.sha1(data).digest()
        out += struct.pack("<II", pcr, etype) + d + struct.pack("<I", len(data)) + data
        pcrs[pcr] = hashlib.sha1(pcrs.get(pcr, bytes(20)) + d).digest()
    with open(path, "wb") as f:
        f.write(out)
    return sorted(("pcr", i, "sha1", v.hex()) for i, v in pcrs.items())


def cbor_item(b, i):
    """Minimal CBOR reader (RFC 8949 section 3) for the layout check: returns (value, next offset)."""
    ib = b[i]
    major, ai = ib >> 5, ib & 31
    i += 1
    if ai < 24:
        arg = ai
    else:
        n = {24: 1, 25: 2, 26: 4, 27: 8}[ai]
        arg = int.from_bytes(b[i:i + n], "big")
        i += n
    if major == 0:
        return arg, i
    if major in (2, 3):
        v = b[i:i + arg]
        return (v if major == 2 else v.decode()), i + arg
    if major == 5:
        m = []
        for _ in range(arg):
            k, i = cbor_item(b, i)
            v, i = cbor_item(b, i)
            m.append((k, v))
        return m, i
    raise ValueError("unexpected CBOR major type %d" % major)


def tlv_list(b):
    out, i = [], 0
    while i < len(b):
        t, n = b[i], int.from_bytes(b[i + 1:i + 5], "big")
        out.append((t, b[i + 5:i + 5 + n]))
        i += 5 + n
    return out


def expected_records(path):
    """The records the encoders must write, from `eventlog --json` of the original."""
    rc, out, _ = run("eventlog", "--json", path)
    recs = []
    for n, ev in enumerate(json.loads(out)["logs"][0]["events"]):
        algs = {"sha1": 4, "sha256": 0x0B, "sha384": 0x0C, "sha512": 0x0D}
        dig = [(algs[d["alg"]], bytes.fromhex(d["digest"])) for d in ev["digests"]]
        if ev["register"] == "pcr":
            idx = (1, ev["index"])
        else:
            idx = (108, ev["index"] + 1 if ev["register"] == "rtmr" else 0)
        data = bytes.fromhex(ev["data"])
        if "ima" in ev:
            content = (7, (ev["ima"]["template"].encode(), data))
        else:
            content = (5, (ev["type"], data))
        recs.append((n, idx, dig, content))
    return recs


def layout_check(path, name, tmp):
    """Decode the TLV and CBOR outputs here, independently of the library, field by field."""
    want = expected_records(path)
    check(len(want) > 0, "%s: the original has events" % name)
    tlv = open(os.path.join(tmp, os.path.basename(path) + ".cel-tlv"), "rb").read()
    fields = tlv_list(tlv)
    got = []
    for k in range(0, len(fields), 4):
        (t0, v0), (t1, v1), (t3, v3), (tc, vc) = fields[k:k + 4]
        inner = tlv_list(vc)
        if tc == 5:
            content = (5, (int.from_bytes(inner[0][1], "big"), inner[1][1]))
        else:
            content = (tc, (inner[0][1], inner[1][1]))
        check(t0 == 0 and len(v0) == 8 and t3 == 3 and len(v1) == 4 and [t for t, _ in inner] == [0, 1],
              "%s: TLV record %d has the documented field types and widths" % (name, k // 4))
        got.append((int.from_bytes(v0, "big"), (t1, int.from_bytes(v1, "big")), tlv_list(v3), content))
    check(got == want, "%s: TLV records decoded here equal the original events" % name)
    cb = open(os.path.join(tmp, os.path.basename(path) + ".cel-cbor"), "rb").read()
    got, i = [], 0
    while i < len(cb):
        m, i = cbor_item(cb, i)
        keys = [k for k, _ in m]
        check(len(m) == 4 and keys[0] == 0 and keys[2] == 3, "%s: CBOR record keys %s" % (name, keys))
        ct, cv = m[3]
        if ct == 5:
            content = (5, (cv[0][1], cv[1][1]))
        else:
            content = (ct, (cv[0][1].encode(), cv[1][1]))
        got.append((m[0][1], m[1], m[2][1], content))
    check(got == want, "%s: CBOR records decoded here equal the original events" % name)


def round_trip(path, name, tmp, expected=None):
    want, err = registers(path)
    rc, out, _ = run("eventlog", "--json", "--count", "0", path)
    is_cel = rc == 0 and json.loads(out)["logs"][0]["format"].startswith("cel")
    if not check(want, "%s: replay of the original failed: %s" % (name, err)):
        return
    if expected is not None:
        check(want == expected, "%s: original replays to the values computed with hashlib" % name)
    for enc in ENCODINGS:
        cel = os.path.join(tmp, "%s.%s" % (os.path.basename(path), enc))
        rc, _, err = run("eventlog", "--output", enc, "--out", cel, path)
        if enc.startswith("cel-json") and rc == 2 and "has no CEL-JSON name" in err and is_cel:
            continue  # e.g. COS launcher content: CEL-JSON has no name for it
        if not check(rc == 0, "%s -> %s: exit %d: %s" % (name, enc, rc, err)):
            continue
        got, err = registers(cel)
        check(got == want, "%s -> %s: registers equal the original's (%s)" % (name, enc, err.strip()))
        again = cel + ".again"
        rc, _, err = run("eventlog", "--output", enc, "--out", again, cel)
        check(rc == 0 and open(cel, "rb").read() == open(again, "rb").read(),
              "%s -> %s -> decode -> %s is byte-identical (%s)" % (name, enc, enc, err.strip()))
    if not is_cel:
        layout_check(path, name, tmp)


def negative_cbor(tmp, good):
    data = open(good, "rb").read()
    rc, _, err = run("eventlog", "--format", "cel-cbor", good)
    check(rc == 0, "the CEL-CBOR log used for negative tests parses: %s" % err)
    # Truncation at every byte: the first n bytes either end on a record boundary
    # (a shorter valid log) or fail with the record number and offset.
    bounds = set()
    off = 0
    rc, out, _ = run("eventlog", "--json", "--format", "cel-cbor", good)
    for ev in json.loads(out)["logs"][0]["events"]:
        bounds.add(ev["offset"])
    bounds.add(len(data))
    bad = os.path.join(tmp, "bad.cbor")
    for n in range(1, len(data)):
        with open(bad, "wb") as f:
            f.write(data[:n])
        rc, _, err = run("replay", "--format", "cel-cbor", bad)
        if n in bounds:
            check(rc == 0, "truncated at a record boundary (%d bytes) is a valid shorter log" % n)
        else:
            check(rc == 2 and "event" in err and "offset" in err,
                  "truncated at byte %d: exit 2 with event and offset (got %d: %s)" % (n, rc, err.strip()))

    def bad_case(what, blob, needle):
        with open(bad, "wb") as f:
            f.write(blob)
        rc, _, err = run("eventlog", "--format", "cel-cbor", bad)
        check(rc == 2 and needle in err, "%s: exit 2 and '%s' (got %d: %s)" % (what, needle, rc, err.strip()))

    sha1 = b"\x54" + bytes(20)
    digests = b"\xa1\x04" + sha1
    content = b"\x05\xa2\x00\x0d\x01\x41x"  # pcclient_std {0: 13, 1: h'78'}
    ok = b"\xa4\x00\x00\x01\x00\x03" + digests + content
    bad_case("control record", ok + ok.replace(b"\xa4\x00\x00", b"\xa4\x00\x01", 1) + b"\x00", "record 2")
    bad_case("recnum as text", b"\xa4\x00\x61\x30\x01\x00\x03" + digests + content, "recnum")
    bad_case("pcr as bytes", b"\xa4\x00\x00\x01\x41\x00\x03" + digests + content, "register index")
    bad_case("pcr out of range", b"\xa4\x00\x00\x01\x19\x04\x00\x03" + digests + content, "register index")
    bad_case("digests as array", b"\xa4\x00\x00\x01\x00\x03\x81\x04" + content, "digests map")
    bad_case("digest of the wrong size", b"\xa4\x00\x00\x01\x00\x03\xa1\x04\x41\x00" + content, "digest size")
    bad_case("event type negative", b"\xa4\x00\x00\x01\x00\x03" + digests + b"\x05\xa2\x00\x20\x01\x41x",
             "pcclient_std")
    bad_case("event data as text", b"\xa4\x00\x00\x01\x00\x03" + digests + b"\x05\xa2\x00\x0d\x01\x61x",
             "pcclient_std")
    bad_case("record of five entries", b"\xa5\x00\x00\x01\x00\x03" + digests + content + b"\x06\x40",
             "map of four")
    bad_case("map count 2^32-1", b"\xa4\x00\x00\x01\x00\x03\xba\xff\xff\xff\xff", "too many entries")
    bad_case("array count 2^64-1", b"\xa4\x00\x00\x01\x00\x03\x9b" + b"\xff" * 8, "too many entries")
    bad_case("byte string of 2^63 bytes", b"\xa4\x00\x00\x01\x00\x03\xa1\x04\x5b\x80" + bytes(7),
             "size limit")
    bad_case("indefinite-length map", b"\xa4\x00\x00\x01\x00\x03\xbf\xff" + content, "indefinite")
    bad_case("reserved additional info", b"\xa4\x00\x00\x01\x00\x03\xbc" + content, "reserved")
    bad_case("deep nesting", b"\xa4\x00\x00\x01\x00\x03" + digests + b"\x05" + b"\x81" * 40 + b"\x00",
             "nested too deeply")
    bad_case("recnum gap", ok + ok.replace(b"\xa4\x00\x00", b"\xa4\x00\x05", 1), "recnum")
    bad_case("trailing junk byte", ok + b"\xff", "event 1")


def main():
    global CLI
    if len(sys.argv) != 5:
        print(__doc__)
        return 2
    CLI, mklog, gen_ima, corpus = sys.argv[1:]
    with tempfile.TemporaryDirectory() as tmp:
        # TCG2, three banks; CCEL (RTMRs) -- expected values from the generator's hashlib replay.
        for name, extra in (("tcg2-3banks", ["--banks", "sha1,sha256,sha384"]), ("ccel", ["--tdx"])):
            path = os.path.join(tmp, name + ".bin")
            subprocess.run([sys.executable, mklog, "--out", path, "--expect", path + ".exp"] + extra, check=True,
                           stdout=subprocess.DEVNULL)
            round_trip(path, name, tmp)
            cel = os.path.join(tmp, "%s.bin.cel-cbor" % name)
            rc, _, err = run("replay", "--expect", path + ".exp", cel)
            check(rc == 0, "%s as CEL-CBOR replays to the generator's hashlib values: %s" % (name, err.strip()))
        path = os.path.join(tmp, "tcg1.bin")
        round_trip(path, "tcg1", tmp, expected=tcg1_log(path))
        ima = os.path.join(tmp, "ima")
        subprocess.run([sys.executable, gen_ima, ima], check=True, stdout=subprocess.DEVNULL)
        exp = json.load(open(os.path.join(ima, "expected.json")))
        # A big-endian list's template data is not in the layout CEL readers parse: refused clearly.
        rc, _, err = run("eventlog", "--output", "cel-tlv", "--out", os.path.join(tmp, "be.cel"),
                         os.path.join(ima, "ima-ng-be.bin"))
        check(rc != 0 and "big-endian" in err, "big-endian IMA list is refused (%d: %s)" % (rc, err.strip()))
        for f in ("ima-ng.txt", "ima-sig-sha256.txt", "mixed.txt", "ima-ng-le.bin", "ima-sig-le.bin",
                  "mixed-le.bin", "ima-sig.txt", "ima-buf-le.bin"):
            path = os.path.join(ima, f)
            round_trip(path, "ima/" + f, tmp)
            # The generator replays with hashlib ("10 sha1": hex); the CEL log must reach the same values.
            got, err = registers(os.path.join(tmp, f + ".cel-cbor"))
            keyed = {"%d %s" % (r[1], r[2]): r[3] for r in (got or [])}
            check(got and all(exp[f]["registers"].get(k) == v for k, v in keyed.items()),
                  "ima/%s as CEL-CBOR replays to the generator's hashlib values (%s)" % (f, err.strip()))
        # A TDX boot: CCEL + an IMA list the kernel extended into RTMR2. Replayed together the IMA
        # entries go to RTMR2; converted with --ima-rtmr they are ccmr 3 records and replay the same.
        boot, lst = os.path.join(tmp, "ccel.bin"), os.path.join(ima, "rtmr2-sha384.txt")
        mixed = os.path.join(tmp, "mixed-ima.cel-cbor")
        rc, _, err = run("eventlog", "--output", "cel-cbor", "--ima-rtmr", "--out", mixed, lst)
        check(rc == 0, "IMA list -> CEL-CBOR with --ima-rtmr: %s" % err.strip())
        args = ["replay", "--json"]
        rc1, o1, _ = run(*(args + [boot, lst]))
        rc2, o2, e2 = run(*(args + [os.path.join(tmp, "ccel.bin.cel-cbor"), mixed]))
        r1 = json.loads(o1)["registers"] if rc1 == 0 else None
        r2 = json.loads(o2)["registers"] if rc2 == 0 else None
        check(r1 and any(r["register"] == "rtmr" and r["index"] == 2 for r in r1) and
              sorted(map(json.dumps, r1)) == sorted(map(json.dumps, r2 or [])),
              "CCEL + RTMR IMA list replays the same as their CEL forms (%s)" % e2.strip())
        negative_cbor(tmp, os.path.join(tmp, "tcg2-3banks.bin.cel-cbor"))
        # The shared corpus, read in place.
        if os.path.isdir(corpus):
            n = 0
            for pattern in ("tpm-eventlog/*.bin", "ccel/*.bin", "ima/*", "cel/*"):
                for path in sorted(glob.glob(os.path.join(corpus, pattern))):
                    if registers(path)[0]:
                        round_trip(path, "corpus/" + os.path.relpath(path, corpus), tmp)
                        n += 1
            print("corpus: %d logs converted" % n)
        else:
            print("corpus not found at %s: corpus part skipped" % corpus)
    check(pyutil.checks > 1000, "the checks ran (%d)" % pyutil.checks)
    return pyutil.report()


if __name__ == "__main__":
    sys.exit(main())
