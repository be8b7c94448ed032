#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Generate CEL TLV logs and their expected values (hashlib). TLV: u8 type,
u32 big-endian length, value. Record: recnum(0), pcr(1)|ccmr(108), digests(3:
TLVs typed by TPM_ALG_ID), content (5 pcclient_std {0 type, 1 data}, 7
ima_template {0 name, 1 data}, 4 cel_mgt, 80 cos: digest over the content TLV).

The same records are also written as CEL-JSON (a TCG-style JSON array and
RFC 7464 JSON-SEQ), and a systemd-style JSON-SEQ log (no recnum, "pcr" or
"rtmr", content_type "systemd", digest = H(string)).

Usage: gen_cel.py OUTDIR -> cel-pcr.bin, cel-ccmr.bin, cel-pcr.json,
cel-pcr-seq.json, systemd.json, expected.json"""
import base64
import hashlib
import json
import os
import struct
import sys

ALGS = {"sha1": (4, hashlib.sha1), "sha256": (0x0B, hashlib.sha256), "sha384": (0x0C, hashlib.sha384)}


def tlv(t, v):
    return bytes([t]) + struct.pack(">I", len(v)) + v


def uint_be(x, n):
    return x.to_bytes(n, "big")


class Log:
    def __init__(self, banks):
        self.banks = banks
        self.records = b""
        self.recnum = 0
        self.regs = {}
        self.events = []
        self.json = []

    def add(self, kind, index, content_type, content_value, hashed, extend=True, digests=None):
        if digests is None:
            digests = {b: ALGS[b][1](hashed).digest() for b in self.banks}
        idx = tlv(1, uint_be(index, 1)) if kind == "pcr" else tlv(108, uint_be(index, 1))
        dg = b"".join(tlv(ALGS[b][0], d) for b, d in digests.items())
        rec = tlv(0, uint_be(self.recnum, 8)) + idx + tlv(3, dg) + tlv(content_type, content_value)
        self.records += rec
        native = index if kind == "pcr" else index - 1
        rkind = "pcr" if kind == "pcr" else "rtmr"
        if extend:
            for b, d in digests.items():
                key = "%s%d %s" % (rkind, native, b)
                cur = self.regs.get(key, bytes(len(d)))
                ext = b"\xff" * len(d) if d == bytes(len(d)) and content_type == 7 else d
                self.regs[key] = ALGS[b][1](cur + ext).digest()
        self.events.append({"recnum": self.recnum, "kind": rkind, "index": native, "content_type": content_type})
        self.json.append({"recnum": self.recnum, "pcr": index,
                          "digests": [{"hashAlg": b, "digest": d.hex()} for b, d in digests.items()]})
        self.recnum += 1
        return rec


def pcclient(log, pcr, etype, data, extend=True):
    v = tlv(0, struct.pack(">I", etype)) + tlv(1, data)
    log.add("pcr", pcr, 5, v, data, extend=extend)
    log.json[-1].update({"content_type": "pcclient_std",
                         "content": {"event_type": etype, "event_data": base64.b64encode(data).decode()}})


def ima(log, pcr, name, data, violation=False):
    v = tlv(0, name) + tlv(1, data)
    dig = {b: (bytes(len(ALGS[b][1]().digest())) if violation else ALGS[b][1](data).digest()) for b in log.banks}
    log.add("pcr", pcr, 7, v, data, digests=dig)
    log.events[-1]["violation"] = violation
    log.json[-1].update({"content_type": "ima_template",
                         "content": {"template_name": name.decode(), "template_data": base64.b64encode(data).decode()}})


def ima_ng(name, content):
    d = b"sha256:\0" + hashlib.sha256(content).digest()
    n = name.encode() + b"\0"
    return struct.pack("<I", len(d)) + d + struct.pack("<I", len(n)) + n


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    expected = {}

    log = Log(["sha1", "sha256"])
    # cel_mgt: cel_version {major 1, minor 0}; never extended
    log.add("pcr", 0, 4, tlv(1, tlv(0, b"\x01") + tlv(1, b"\x00")), b"", extend=False, digests={})
    log.json[-1].update({"content_type": "cel_mgt", "content": {"cel_version": {"major": 1, "minor": 0}}})
    pcclient(log, 0, 0x8, b"firmware version 1.0\0")              # EV_S_CRTM_VERSION
    pcclient(log, 4, 0x80000007, b"Calling EFI Application from Boot Option")  # EV_EFI_ACTION
    for p in range(8):
        pcclient(log, p, 0x4, b"\0\0\0\0")                      # EV_SEPARATOR
    ima(log, 10, b"ima-ng", ima_ng("boot_aggregate", b"agg"))
    ima(log, 10, b"ima-ng", ima_ng("/init", b"init"))
    ima(log, 10, b"ima-ng", ima_ng("/tmp/violated", b""), violation=True)
    ima(log, 10, b"ima-sig", ima_ng("/usr/bin/sh", b"sh") + struct.pack("<I", 3) + b"\x03\x02\x04")
    with open(os.path.join(out, "cel-pcr.bin"), "wb") as f:
        f.write(log.records)
    expected["cel-pcr.bin"] = {"registers": {k: v.hex() for k, v in log.regs.items()}, "events": log.events}
    with open(os.path.join(out, "cel-pcr.json"), "w") as f:
        json.dump(log.json, f, indent=1)
    with open(os.path.join(out, "cel-pcr-seq.json"), "w") as f:
        f.write("".join("\x1e" + json.dumps(r) + "\n" for r in log.json))
    expected["cel-pcr.json"] = dict(expected["cel-pcr.bin"], format="cel-json")
    expected["cel-pcr-seq.json"] = dict(expected["cel-pcr.bin"], format="cel-json")
    expected["cel-pcr.bin"]["format"] = "cel-tlv"

    # systemd layout: JSON-SEQ, no recnum, pcr or rtmr, digest = H(string).
    regs, evs, seq = {}, [], ""
    recs = [("pcr", 11, "enter-initrd", ["sha1", "sha256"]), ("pcr", 15, "machine-id:0123", ["sha256"]),
            ("rtmr", 2, "leave-initrd", ["sha384"]), ("rtmr", 2, "sysinit", ["sha384"]), ("pcr", 11, "ready", ["sha256"])]
    for i, (kind, idx, word, banks) in enumerate(recs):
        digs = [{"hashAlg": b, "digest": ALGS[b][1](word.encode()).hexdigest()} for b in banks]
        rec = {kind: idx, "digests": digs, "content_type": "systemd",
               "content": {"string": word, "bootId": "00" * 16, "timestamp": i, "eventType": "phase"}}
        if kind == "rtmr":
            rec["mapped_pcr"] = 11
        seq += "\x1e" + json.dumps(rec) + "\n"
        for b in banks:
            key = "%s%d %s" % (kind, idx, b)
            cur = regs.get(key, bytes(len(ALGS[b][1]().digest())))
            regs[key] = ALGS[b][1](cur + ALGS[b][1](word.encode()).digest()).digest()
        evs.append({"recnum": i, "kind": kind, "index": idx, "content_type": 9})
    with open(os.path.join(out, "systemd.json"), "w") as f:
        f.write(seq)
    expected["systemd.json"] = {"registers": {k: v.hex() for k, v in regs.items()}, "events": evs, "format": "cel-json"}

    log = Log(["sha384"])
    for i, s in enumerate([b"image-ref", b"image-digest", b"arg --x", b"env A=B", b"launch-separator"]):
        v = tlv(i, s)
        whole = tlv(80, v)
        log.add("ccmr", 4, 80, v, whole)
    log.add("ccmr", 2, 80, tlv(0, b"on RTMR1"), tlv(80, tlv(0, b"on RTMR1")))
    with open(os.path.join(out, "cel-ccmr.bin"), "wb") as f:
        f.write(log.records)
    expected["cel-ccmr.bin"] = {"registers": {k: v.hex() for k, v in log.regs.items()}, "events": log.events,
                                "format": "cel-tlv"}

    with open(os.path.join(out, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
