#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""CEL TLV through the cctrusted CLI: generated logs against hashlib values,
malformed records (truncation at every byte: tests/unit/test-cel.c), and the shared corpus's CEL file
(digests recomputed and RTMR3 replayed independently here; skipped when the
corpus is absent). Usage: test_cel.py CCTRUSTED GEN_CEL CORPUS_DIR"""
import hashlib
import json
import os
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pyutil import check, report, run  # noqa: E402 (shared helpers in tests/)


def tlv(t, v):
    return bytes([t]) + struct.pack(">I", len(v)) + v


def main():
    cli, gen, corpus = sys.argv[1:4]
    with tempfile.TemporaryDirectory() as d:
        subprocess.run([sys.executable, gen, d], check=True)
        expected = json.load(open(os.path.join(d, "expected.json")))
        for name, exp in expected.items():
            path = os.path.join(d, name)
            rc, out, err = run(cli, "eventlog", "--json", path)
            check(rc == 0, "%s: eventlog rc %d %s" % (name, rc, err))
            log = json.loads(out)["logs"][0]
            check(log["format"] == exp["format"], "%s: format %s" % (name, log["format"]))
            evs = log["events"]
            check(len(evs) == len(exp["events"]), "%s: %d events" % (name, len(evs)))
            for got, want in zip(evs, exp["events"]):
                check(got["cel"]["recnum"] == want["recnum"] and got["index"] == want["index"] and
                      got["register"] == want["kind"] and got["cel"]["content_type"] == want["content_type"],
                      "%s: event %s" % (name, got["number"]))
                check(bool(got.get("ima", {}).get("violation")) == want.get("violation", False),
                      "%s: event %s violation flag" % (name, got["number"]))
                if got["cel"]["content_type"] == 4:
                    continue
                if got.get("ima", {}).get("violation"):
                    check(got["digest_check"] == "not-applicable", "%s: violation checked" % name)
                elif got["type"] in (4, 0x80000007, 8) or got["cel"]["content_type"] in (7, 9, 80):
                    check(got["digest_check"] == "ok", "%s: event %d digest check %s" %
                          (name, got["number"], got["digest_check"]))
            rc, out, err = run(cli, "replay", "--json", path)
            regs = {"%s%d %s" % (r["register"], r["index"], r["alg"]): r["digest"] for r in json.loads(out)["registers"]}
            check(regs == exp["registers"], "%s: registers\n got %s\nwant %s" % (name, regs, exp["registers"]))

        # Malformed records.
        rec = lambda n, idx=tlv(1, b"\x00"), dg=tlv(3, tlv(4, bytes(20))), con=tlv(5, tlv(0, b"\0\0\0\4") + tlv(1, b"\0\0\0\0")): \
            tlv(0, n.to_bytes(8, "big")) + idx + dg + con
        bad = {
            "recnum-gap": (rec(0) + rec(2), "recnum 2 does not follow 0"),
            "nv-index": (rec(0, idx=tlv(2, b"\x01\x00\x00\x01")), "NV index records are not supported"),
            "digest-size": (rec(0, dg=tlv(3, tlv(4, bytes(19)))), "digest size does not fit"),
            "trailing-field": (rec(0) + tlv(3, b""), "unexpected field after the content"),
            "ccmr-range": (rec(0, idx=tlv(108, b"\x09")), "CC MR index out of range"),
            "nested-overrun": (rec(0, con=tlv(5, b"\x00\x00\x00\x00\x09\x00")), "content field runs past"),
            "no-digest": (rec(0, dg=tlv(3, b"")), "the digests list is empty"),
            "no-digest-imatemplate": (rec(0, dg=tlv(3, b""), con=tlv(7, tlv(0, b"ima-ng") + tlv(1, b""))),
                                      "the digests list is empty"),
        }
        for n, (b, msg) in bad.items():
            p = os.path.join(d, n + ".bin")
            open(p, "wb").write(b)
            rc, out, err = run(cli, "eventlog", "--format", "cel-tlv", p)
            check(rc == 2 and msg in err, "%s: rc %d, %s" % (n, rc, err.strip()))
        good = '{"recnum":0,"pcr":4,"digests":[{"hashAlg":"sha1","digest":"%s"}],"content_type":"pcclient_std",' \
               '"content":{"event_type":4,"event_data":"AAAAAA=="}}' % hashlib.sha1(bytes(4)).hexdigest()
        bad_json = {
            "syntax": ('{"recnum":0,,}', "CEL-JSON record 0"),
            "recnum-gap": (good + "\n" + good.replace('"recnum":0', '"recnum":5'), "recnum 5 does not follow 0"),
            "hashalg": (good.replace('"sha1"', '"md5"'), "unknown hashAlg"),
            "no-digest": (good.replace('[{"hashAlg":"sha1","digest":"%s"}]' % hashlib.sha1(bytes(4)).hexdigest(), "[]"),
                          "the digests list is empty"),
            "digest-len": (good.replace(hashlib.sha1(bytes(4)).hexdigest(), "00"), "digest is not hex"),
            "base64": (good.replace("AAAAAA==", "A*A"), "not base64"),
            "no-index": (good.replace('"pcr":4,', ''), "has neither pcr nor rtmr"),
            "unclosed": ("[" + good, "before its JSON array is closed"),
            "unclosed-ws": ("[" + good + "\n", "before the JSON array is closed"),
            "after-array": ("[" + good + "] {}", "data after the end of the JSON array"),
        }
        for n, (b, msg) in bad_json.items():
            p = os.path.join(d, n + ".json")
            open(p, "w").write(b)
            rc, out, err = run(cli, "eventlog", "--format", "cel-json", p)
            check(rc == 2 and msg in err, "json %s: rc %d, %s" % (n, rc, err.strip()))
        p = os.path.join(d, "good.json")
        open(p, "w").write("[\n" + good + "\n]\n")
        rc, out, err = run(cli, "eventlog", "--json", p)
        ev = json.loads(out)["logs"][0]["events"] if rc == 0 else []
        check(len(ev) == 1 and ev[0]["digest_check"] == "ok" and ev[0]["type"] == 4, "json good: %s" % err)

    cel = os.path.join(corpus, "cel/gce-confidential-space-cel-tlv.bin")
    if os.path.exists(cel):
        raw = open(cel, "rb").read()
        # Independent walk of the TLVs.
        recs, i = [], 0
        while i < len(raw):
            r = []
            while i < len(raw):
                t = raw[i]
                l = struct.unpack(">I", raw[i + 1:i + 5])[0]
                if t == 0 and r:
                    break
                r.append((t, raw[i:i + 5 + l]))
                i += 5 + l
            recs.append(r)
        rtmr3 = bytes(48)
        for r in recs:
            rtmr3 = hashlib.sha384(rtmr3 + r[2][1][10:]).digest()
            check(hashlib.sha384(r[3][1]).digest() == r[2][1][10:], "corpus: COS digest covers the content TLV")
        rc, out, err = run(cli, "eventlog", "--json", cel)
        evs = json.loads(out)["logs"][0]["events"]
        check(rc == 0 and len(evs) == len(recs) == 18, "corpus: %d records" % len(evs))
        check(all(e["digest_check"] == "ok" and e["register"] == "rtmr" and e["index"] == 3 and e["index_logged"] == 4
                  for e in evs), "corpus: all COS digests ok on RTMR3 (CC MR 4)")
        rc, out, err = run(cli, "replay", "--json", cel)
        regs = json.loads(out)["registers"]
        check(len(regs) == 1 and regs[0]["digest"] == rtmr3.hex(), "corpus: RTMR3 %s" % regs)
        print("corpus CEL: %d records, %d COS digests recomputed, RTMR3 = %s" % (len(evs), len(evs), rtmr3.hex()))
    else:
        print("corpus CEL file absent: skipped that part")
    return report()


if __name__ == "__main__":
    sys.exit(main())
