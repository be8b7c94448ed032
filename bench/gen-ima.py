#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Write a large synthetic IMA measurement list (ima-ng template) for benchmarks.

Binary entries follow the kernel's binary_runtime_measurements layout (little
endian): PCR (u32), template hash (SHA-1 of the template data), template name
length + name, template data length + data; the ima-ng template data is
[u32 len]"sha256:\\0"<digest> [u32 len]<file name>\\0. The first entry is
boot_aggregate. The ascii form writes the same entries one per line.

usage: gen-ima.py --entries N [--ascii] [--name-len L] --out FILE
Also prints the final PCR 10 SHA-1 value (hashlib replay)."""
import argparse
import hashlib
import struct


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--entries", type=int, required=True)
    ap.add_argument("--ascii", action="store_true")
    ap.add_argument("--name-len", type=int, default=40, help="length of each file path")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    pcr = bytes(20)
    with open(a.out, "wb") as f:
        buf = []
        for i in range(a.entries):
            name = "boot_aggregate" if i == 0 else ("/usr/lib/bench/%d/" % i).ljust(a.name_len, "f")
            fd = hashlib.sha256(name.encode()).digest()
            d = b"sha256:\0" + fd
            n = name.encode() + b"\0"
            tdata = struct.pack("<I", len(d)) + d + struct.pack("<I", len(n)) + n
            th = hashlib.sha1(tdata).digest()
            pcr = hashlib.sha1(pcr + th).digest()
            if a.ascii:
                buf.append(b"10 %s ima-ng sha256:%s %s\n" % (th.hex().encode(), fd.hex().encode(), name.encode()))
            else:
                buf.append(struct.pack("<I", 10) + th + struct.pack("<I", 6) + b"ima-ng" +
                           struct.pack("<I", len(tdata)) + tdata)
            if len(buf) >= 10000:
                f.write(b"".join(buf))
                buf = []
        f.write(b"".join(buf))
    print("pcr10 sha1 %s" % pcr.hex())


if __name__ == "__main__":
    main()
