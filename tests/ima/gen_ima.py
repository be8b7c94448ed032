#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Generate IMA measurement lists (ascii and binary, every template, both byte
orders, with violations) and their expected values, computed here with hashlib
from the kernel's layouts (ima_fs.c, ima_template_lib.c):

  binary entry: u32 pcr, sha1 template digest (20), u32 name_len, name,
                u32 data_len (not for "ima"), template data
  template data: per field u32 len + bytes ("ima": d(20) and u32 strlen + name)
  template hash: H(template data); "ima": H(d(20) || name padded to 256)
  ascii line: "%2d <hash hex> <template> <field> <field>..."

Usage: gen_ima.py OUTDIR. Writes the logs, expected.json and aggregate.txt.
"""
import hashlib
import json
import os
import struct
import sys

H = {"sha1": hashlib.sha1, "sha256": hashlib.sha256, "sha384": hashlib.sha384, "sha512": hashlib.sha512,
     # SM3 through hashlib where OpenSSL provides it (Debian's does); the library never sees this code.
     "sm3_256": lambda *a: hashlib.new("sm3", *a)}

TEMPLATES = {
    "ima": ["d", "n"],
    "ima-ng": ["d-ng", "n-ng"],
    "ima-sig": ["d-ng", "n-ng", "sig"],
    "ima-sigv2": ["d-ngv2", "n-ng", "sig"],
    "ima-buf": ["d-ng", "n-ng", "buf"],
    "ima-modsig": ["d-ng", "n-ng", "sig", "d-modsig", "modsig"],
    "ima-cgpath": ["dep", "cg-path", "d-ng", "n-ng"],
    "ima-dep-cgn": ["dep", "cgn", "d-ng", "n-ng"],
}


class Entry:
    def __init__(self, template, pcr, fields, violation=False):
        self.template = template
        self.pcr = pcr
        self.fields = fields  # list of (id, value) in template order
        self.violation = violation

    def field(self, fid):
        for k, v in self.fields:
            if k == fid:
                return v
        return None

    def encoded(self):
        """Field byte strings as the kernel holds them."""
        out = []
        for fid, v in self.fields:
            if fid == "d":
                out.append(v[1])
            elif fid == "n":
                out.append(v.encode())
            elif fid in ("d-ng", "d-ngv2", "d-modsig"):
                out.append(b"" if v is None else v[0].encode() + b"\0" + v[1])
            elif fid in ("n-ng", "dep", "cg-path", "cgn"):
                out.append(v.encode() + b"\0")
            else:  # sig, buf, modsig, unknown raw fields
                out.append(v)
        return out

    def template_data(self, be=False):
        """Bytes the template hash covers (and the event's data)."""
        enc = self.encoded()
        if self.template == "ima":
            return enc[0] + enc[1].ljust(256, b"\0")
        fmt = ">I" if be else "<I"
        return b"".join(struct.pack(fmt, len(f)) + f for f in enc)

    def template_hash(self, alg, be=False):
        if self.violation:
            return bytes(len(H[alg]().digest()))
        return H[alg](self.template_data(be)).digest()

    def file_name(self):
        return self.field("n") if self.template == "ima" else self.field("n-ng")

    def file_digest(self):
        v = self.field("d") if self.template == "ima" else (self.field("d-ng") or self.field("d-ngv2"))
        return v

    def binary(self, be=False, alg="sha1"):
        """alg: the template digest's bank; sha1 in binary_runtime_measurements, the bank's own in the
        per-bank lists (binary_runtime_measurements_sm3, ...)."""
        fmt = ">I" if be else "<I"
        name = self.template.encode()
        rec = struct.pack(fmt, self.pcr) + self.template_hash(alg, be) + struct.pack(fmt, len(name)) + name
        if self.template == "ima":
            d, n = self.encoded()
            return rec + d + struct.pack(fmt, len(n)) + n
        td = self.template_data(be)
        return rec + struct.pack(fmt, len(td)) + td

    def ascii(self, alg):
        parts = []
        for fid, v in self.fields:
            if fid == "d":
                parts.append(v[1].hex())
            elif fid == "n":
                parts.append(v)
            elif fid in ("d-ng", "d-ngv2", "d-modsig"):
                parts.append("" if v is None else v[0] + v[1].hex())
            elif fid in ("n-ng", "dep", "cg-path", "cgn"):
                parts.append(v)
            else:
                parts.append(v.hex())
        return "%2d %s %s %s\n" % (self.pcr, self.template_hash(alg).hex(), self.template, " ".join(parts))


def fdig(alg, name, algname=None):
    """A d-ng field: (prefix, digest) with the digest of the name's bytes."""
    return ((algname or alg) + ":", H[alg](b"content of " + name.encode()).digest())


def entries_for(template, pcr=10, falg="sha256", falg_name=None):
    """falg: file digest algorithm (an H key); falg_name: how the list spells it, when not the same."""
    names = ["boot_aggregate", "/init", "/usr/bin/sh", "/etc/ld.so.cache", "/tmp/a file with spaces"]
    out = []
    for i, nm in enumerate(names):
        viol = i == 3
        if template == "ima":
            d = H["sha1"](b"content of " + nm.encode()).digest()
            f = [("d", ("sha1:", bytes(20) if viol else d)), ("n", nm)]
        else:
            f = []
            for fid in TEMPLATES[template]:
                if fid == "d-ng":
                    a = "sha1" if nm == "boot_aggregate" and falg == "sha1" else falg
                    v = fdig(a, nm, falg_name if a == falg else None)
                    f.append((fid, (v[0], bytes(len(v[1]))) if viol else v))
                elif fid == "d-ngv2":
                    v = fdig(falg, nm, "ima:" + (falg_name or falg))
                    f.append((fid, v))
                elif fid == "n-ng":
                    f.append((fid, nm))
                elif fid == "sig":
                    f.append((fid, b"" if i % 2 == 0 else bytes([3, 2, 4]) + bytes(range(i, i + 9))))
                elif fid == "buf":
                    f.append((fid, b"buffer\0with nul " + bytes([i])))
                elif fid == "d-modsig":
                    f.append((fid, None if i % 2 == 0 else fdig("sha256", nm + "-modsig")))
                elif fid == "modsig":
                    f.append((fid, b"" if i % 2 == 0 else b"\x30\x82" + bytes(range(16))))
                elif fid == "dep":
                    f.append((fid, "/usr/lib/systemd/systemd:swapper/0"))
                elif fid in ("cg-path", "cgn"):
                    f.append((fid, "/system.slice/x%d.service" % i))
        out.append(Entry(template, pcr, f, violation=viol))
    return out


def unknown_entries():
    """An unknown template: fields still parse (binary) / are kept (ascii)."""
    out = []
    for i in range(3):
        f = [("d-ng", fdig("sha256", "/x%d" % i)), ("n-ng", "/x%d" % i), ("xattr", b"\x01\x02" + bytes([i]))]
        out.append(Entry("ima-foo", 10, f))
    return out


def replay(entries, alg, be=False, initial=None):
    """Register values after the entries, by (pcr, alg)."""
    regs = {}
    size = len(H[alg]().digest())
    for e in entries:
        cur = regs.get(e.pcr, bytes(size))
        d = b"\xff" * size if e.violation else e.template_hash(alg, be)
        regs[e.pcr] = H[alg](cur + d).digest()
    return {"%d %s" % (k, alg): v.hex() for k, v in regs.items()}


def describe(entries, alg, be=False):
    ev = []
    for e in entries:
        fd = e.file_digest()
        ev.append({
            "template": e.template,
            "pcr": e.pcr,
            "template_hash": e.template_hash(alg, be).hex(),
            "file_name": e.file_name(),
            "file_digest": None if fd is None else fd[1].hex(),
            "violation": e.violation,
            "template_data": e.template_data(be).hex() if e.template != "ima-foo" or True else None,
            "n_fields": len(e.fields),
        })
    return ev


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    expected = {}

    def put(name, fmt, data, entries, alg, be=False, banks=(), kind="pcr"):
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
        regs = replay(entries, alg, be)
        for b in banks:
            regs.update(replay(entries, b, be))
        expected[name] = {"format": fmt, "alg": alg, "events": describe(entries, alg, be),
                          "registers": regs, "banks": list(banks), "kind": kind}

    for t in TEMPLATES:
        ents = entries_for(t)
        put("%s.txt" % t, "ima", "".join(e.ascii("sha1") for e in ents).encode(), ents, "sha1")
        put("%s-sha256.txt" % t, "ima", "".join(e.ascii("sha256") for e in ents).encode(), ents, "sha256")
        for be in (False, True):
            put("%s-%s.bin" % (t, "be" if be else "le"), "ima-bin", b"".join(e.binary(be) for e in ents), ents,
                "sha1", be, banks=("sha256", "sha384"))
    # RTMR-kernel style: index 2, sha384 template hashes, " 2" with a leading space.
    ents = entries_for("ima-ng", pcr=2, falg="sha384")
    put("rtmr2-sha384.txt", "ima", "".join(e.ascii("sha384") for e in ents).encode(), ents, "sha384", kind="rtmr")
    # Mixed templates in one list (as after a policy change or ima-buf key measurements).
    ents = entries_for("ima-sig") + entries_for("ima-buf")[1:3] + entries_for("ima-ng")[1:2]
    put("mixed.txt", "ima", "".join(e.ascii("sha1") for e in ents).encode(), ents, "sha1")
    put("mixed-le.bin", "ima-bin", b"".join(e.binary() for e in ents), ents, "sha1", banks=("sha256",))
    # SM3: kernels with ima_hash=sm3 spell it "sm3:" ("sm3-256:" before), tools "sm3_256:". The
    # template hash is SM3 in the per-bank lists (ascii/binary_runtime_measurements_sm3); the
    # classic binary list keeps SHA-1 and the SM3 bank is replayed from the template data.
    for t, spell in (("ima-ng", "sm3"), ("ima-buf", "sm3"), ("ima-sigv2", "sm3"), ("ima-ng", "sm3_256")):
        ents = entries_for(t, falg="sm3_256", falg_name=spell)
        tag = "%s-%s" % (t, spell.replace("_", ""))
        put("%s.txt" % tag, "ima", "".join(e.ascii("sm3_256") for e in ents).encode(), ents, "sm3_256")
        put("%s-bank-le.bin" % tag, "ima-bin", b"".join(e.binary(False, "sm3_256") for e in ents), ents, "sm3_256")
        put("%s-le.bin" % tag, "ima-bin", b"".join(e.binary() for e in ents), ents, "sha1", banks=("sm3_256",))
    # SHA-512 the same way: ascii and per-bank binary lists, ima-ng and ima-buf.
    for t in ("ima-ng", "ima-buf"):
        ents = entries_for(t, falg="sha512")
        put("%s-sha512.txt" % t, "ima", "".join(e.ascii("sha512") for e in ents).encode(), ents, "sha512")
        put("%s-sha512-bank-be.bin" % t, "ima-bin", b"".join(e.binary(True, "sha512") for e in ents), ents,
            "sha512", True)
    # SHA-256 per-bank binary list: a 32-byte template digest that is not SM3.
    ents = entries_for("ima-buf")
    put("ima-buf-sha256-bank-le.bin", "ima-bin", b"".join(e.binary(False, "sha256") for e in ents), ents, "sha256")
    # Unknown template.
    ents = unknown_entries()
    put("unknown-le.bin", "ima-bin", b"".join(e.binary() for e in ents), ents, "sha1")
    put("unknown.txt", "ima", "".join(e.ascii("sha1") for e in ents).encode(), ents, "sha1")

    with open(os.path.join(out, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)

    # boot_aggregate: PCR i (sha256) extended once with sha256(bytes([i])).
    pcrs = [hashlib.sha256(bytes(32) + hashlib.sha256(bytes([i])).digest()).digest() for i in range(10)]
    with open(os.path.join(out, "aggregate.txt"), "w") as f:
        f.write("pcr0_7 %s\n" % hashlib.sha256(b"".join(pcrs[:8])).hexdigest())
        f.write("pcr0_9 %s\n" % hashlib.sha256(b"".join(pcrs)).hexdigest())


if __name__ == "__main__":
    main()
