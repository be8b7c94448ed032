#!/usr/bin/env python3
"""Write a small, valid event log for demos: a crypto-agile TCG2 log (TPM PCRs)
or a TDX CCEL data area (CC MR indices, 0xFF padding), plus the register
values it must replay to, computed here with hashlib (independently of the
library) in the `cctrusted replay --expect` line format.

Shapes seen in the wild: --td-shim writes a CCEL the way td-shim does (SpecID at CC
MR index 0, no padding unless --pad); --tcg1 a legacy SHA-1 log; --pcr-minus-one
appends EV_NO_ACTION events at PCR 0xFFFFFFFF after the last event, as Windows does
("WBCL" entries), which never extend anything."""
import argparse
import hashlib
import struct

ALGS = {"sha1": (0x0004, 20), "sha256": (0x000B, 32), "sha384": (0x000C, 48), "sha512": (0x000D, 64)}

EV_NO_ACTION, EV_SEPARATOR, EV_POST_CODE = 0x3, 0x4, 0x1
EV_EFI_VARIABLE_DRIVER_CONFIG, EV_EFI_ACTION = 0x80000001, 0x80000007
EV_EFI_PLATFORM_FIRMWARE_BLOB2, EV_EFI_BOOT_SERVICES_APPLICATION = 0x8000000A, 0x80000003
EV_IPL = 0xD
EFI_GLOBAL = bytes.fromhex("61dfe48bca93d211aa0d00e098032b8c")


def specid(banks, tdx, index=None):
    body = b"Spec ID Event03\0" + struct.pack("<IBBBBI", 0, 0, 2, 0, 2, len(banks))
    for b in banks:
        body += struct.pack("<HH", *ALGS[b])
    body += b"\0"
    if index is None:
        index = 1 if tdx else 0
    return struct.pack("<II20sI", index, EV_NO_ACTION, b"\0" * 20, len(body)) + body


def event1(index, etype, data, digest_over=None):
    """A legacy TCG_PCR_EVENT (SHA-1 only)."""
    over = data if digest_over is None else digest_over
    return struct.pack("<II20sI", index, etype, hashlib.sha1(over).digest(), len(data)) + data


def event2(index, etype, data, banks, digest_over=None):
    over = data if digest_over is None else digest_over
    rec = struct.pack("<III", index, etype, len(banks))
    for b in banks:
        rec += struct.pack("<H", ALGS[b][0]) + hashlib.new(b, over).digest()
    return rec + struct.pack("<I", len(data)) + data


def variable(name, value):
    n = name.encode("utf-16-le")
    return EFI_GLOBAL + struct.pack("<QQ", len(name), len(value)) + n + value


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--tdx", action="store_true", help="write a CCEL data area (RTMRs) instead of a TPM log")
    ap.add_argument("--banks", default="sha256", help="comma-separated banks (TPM logs)")
    ap.add_argument("--td-shim", action="store_true", help="CCEL as td-shim writes it: SpecID at MR index 0")
    ap.add_argument("--pad", action="store_true", help="with --td-shim: pad with 0xFF like a CCEL area")
    ap.add_argument("--tcg1", action="store_true", help="legacy SHA-1 log (TCG_PCR_EVENT records)")
    ap.add_argument("--pcr-minus-one", type=int, default=0, metavar="N",
                    help="append N EV_NO_ACTION events at PCR 0xFFFFFFFF")
    ap.add_argument("--out", required=True)
    ap.add_argument("--expect", required=True, help="where to write the expected register values")
    a = ap.parse_args()
    a.tdx = a.tdx or a.td_shim
    banks = ["sha384"] if a.tdx else ["sha1"] if a.tcg1 else a.banks.split(",")
    # (native index, logged index) pairs: CCEL logs CC MR index = RTMR + 1.
    def idx(native):
        return native + 1 if a.tdx else native

    events = []
    blob = struct.pack("<B", 8) + b"Fv(demo)" + struct.pack("<QQ", 0xFFC00000, 0x400000)
    events.append((0, EV_EFI_PLATFORM_FIRMWARE_BLOB2, blob, hashlib.sha512(b"firmware volume").digest()))
    events.append((0 if a.tdx else 7, EV_EFI_VARIABLE_DRIVER_CONFIG, variable("SecureBoot", b"\1"), None))
    events.append((0 if a.tdx else 7, EV_EFI_VARIABLE_DRIVER_CONFIG, variable("PK", b""), None))
    for r in ([0, 1] if a.tdx else range(0, 8)):
        events.append((r, EV_SEPARATOR, b"\0\0\0\0", None))
    events.append((1 if a.tdx else 4, EV_EFI_BOOT_SERVICES_APPLICATION, b"\0" * 32, b"shimx64.efi contents"))
    events.append((1 if a.tdx else 5, EV_EFI_ACTION, b"Exit Boot Services Invocation", None))
    events.append((2 if a.tdx else 8, EV_IPL, b"grub_cmd: linux /vmlinuz root=/dev/vda1\0", b"linux /vmlinuz root=/dev/vda1"))

    out = bytearray(b"" if a.tcg1 else specid(banks, a.tdx, 0 if a.td_shim else None))
    regs = {}
    for native, etype, data, over in events:
        out += event1(native, etype, data, over) if a.tcg1 else event2(idx(native), etype, data, banks, over)
        for b in banks:
            size = ALGS[b][1]
            cur = regs.get((native, b), b"\0" * size)
            d = hashlib.new(b, data if over is None else over).digest()
            regs[(native, b)] = hashlib.new(b, cur + d).digest()
    for i in range(a.pcr_minus_one):
        data = b"WBCL" + struct.pack("<I", i) + bytes(range(24))
        if a.tcg1:
            out += struct.pack("<II20sI", 0xFFFFFFFF, EV_NO_ACTION, b"\0" * 20, len(data)) + data
        else:
            out += event2(0xFFFFFFFF, EV_NO_ACTION, data, banks)
    if a.tdx and (a.pad or not a.td_shim):
        out += b"\xff" * (64 * 1024 - len(out))
    with open(a.out, "wb") as f:
        f.write(out)
    with open(a.expect, "w") as f:
        f.write("# computed by tools/mklog.py with hashlib\n")
        prefix = "RTMR" if a.tdx else "PCR"
        for (native, b), v in sorted(regs.items()):
            f.write(f"{prefix}{native} {b} {v.hex()}\n")


if __name__ == "__main__":
    main()
