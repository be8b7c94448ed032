#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Generate the seed corpora of the fuzz targets (fuzz/corpus/<target>/).

Every seed is built here from the format descriptions (TCG PC Client
Platform Firmware Profile, section 10 "Event Logging"; UEFI 2.10 / GHCI
"CC Event Log ACPI Table"), with digests computed by hashlib, so the seeds
exercise the digest checks as well as the parsers. Output is deterministic:
re-running the script reproduces the committed files byte for byte.

Usage: fuzz/gen-seeds.py [--check] [OUTDIR]   (default: the corpus/ next to this script)
  --check  write nothing; exit 1 unless OUTDIR holds exactly these seeds
"""
import hashlib
import os
import struct
import sys

SHA1, SHA256, SHA384, SHA512 = 0x0004, 0x000B, 0x000C, 0x000D
HASH = {SHA1: hashlib.sha1, SHA256: hashlib.sha256, SHA384: hashlib.sha384, SHA512: hashlib.sha512}

EV_POST_CODE = 0x1
EV_NO_ACTION = 0x3
EV_SEPARATOR = 0x4
EV_ACTION = 0x5
EV_EVENT_TAG = 0x6
EV_S_CRTM_VERSION = 0x8
EV_IPL = 0xD
EV_EFI_VARIABLE_DRIVER_CONFIG = 0x80000001
EV_EFI_VARIABLE_BOOT = 0x80000002
EV_EFI_BOOT_SERVICES_APPLICATION = 0x80000003
EV_EFI_GPT_EVENT = 0x80000006
EV_EFI_ACTION = 0x80000007
EV_EFI_PLATFORM_FIRMWARE_BLOB = 0x80000008
EV_EFI_HANDOFF_TABLES = 0x80000009
EV_EFI_VARIABLE_AUTHORITY = 0x800000E0

# EFI_GLOBAL_VARIABLE and EFI_IMAGE_SECURITY_DATABASE_GUID, in their
# in-memory (mixed-endian) layout.
GUID_GLOBAL = bytes.fromhex("61dfe48bca93d211aa0d00e098032b8c")
GUID_SECURITY_DB = bytes.fromhex("cbb219d73a3d9645a3bcdad00e67656f")


def utf16(s, nul=False):
    return (s + ("\0" if nul else "")).encode("utf-16-le")


def specid(algs, vendor=b"", vendor_outside=False):
    """TCG_EfiSpecIDEvent (PFP 10.4.5.1) inside a TCG_PCR_EVENT record (pcr 0)."""
    body = b"Spec ID Event03\0"
    body += struct.pack("<IBBBBI", 0, 0, 2, 0, 2, len(algs))
    for alg in algs:
        body += struct.pack("<HH", alg, HASH[alg]().digest_size)
    body += struct.pack("<B", len(vendor))
    size = len(body) if vendor_outside else len(body) + len(vendor)
    return body + vendor, size


def legacy(pcr, etype, data, digest=None, size=None):
    """TCG_PCR_EVENT: pcrIndex, eventType, SHA-1 digest, eventDataSize, event."""
    if digest is None:
        digest = hashlib.sha1(data).digest()
    return struct.pack("<II", pcr, etype) + digest + struct.pack("<I", len(data) if size is None else size) + data


def header(pcr, algs, vendor=b"", vendor_outside=False):
    body, size = specid(algs, vendor, vendor_outside)
    return legacy(pcr, EV_NO_ACTION, body, digest=bytes(20), size=size)


def agile(pcr, etype, data, algs, measured=None, zero=False):
    """TCG_PCR_EVENT2: pcrIndex, eventType, TPML_DIGEST_VALUES, eventSize, event.
    measured: the bytes the digest covers (default: the event data)."""
    if measured is None:
        measured = data
    out = struct.pack("<III", pcr, etype, len(algs))
    for alg in algs:
        d = bytes(HASH[alg]().digest_size) if zero else HASH[alg](measured).digest()
        out += struct.pack("<H", alg) + d
    return out + struct.pack("<I", len(data)) + data


def variable_data(guid, name, value):
    """UEFI_VARIABLE_DATA (PFP 10.4.8): GUID, name length (chars), data length, name, data."""
    n = utf16(name)
    return guid + struct.pack("<QQ", len(name), len(value)) + n + value


def image_load(path_nodes):
    """UEFI_IMAGE_LOAD_EVENT: location, length, link-time address, device path length, path."""
    return struct.pack("<QQQQ", 0x7E000000, 0x2000, 0, len(path_nodes)) + path_nodes


def device_path():
    # Media file path node (type 4, subtype 4) then the end node (0x7f, 0xff).
    name = utf16("\\EFI\\BOOT\\BOOTX64.EFI", nul=True)
    return struct.pack("<BBH", 4, 4, 4 + len(name)) + name + struct.pack("<BBH", 0x7F, 0xFF, 4)


def gpt_data():
    """UEFI_GPT_DATA: EFI_PARTITION_TABLE_HEADER (92 bytes), count, entries (128 bytes each)."""
    hdr = b"EFI PART" + struct.pack("<IIII", 0x00010000, 92, 0, 0)
    hdr += struct.pack("<QQQQ", 1, 0x1FFFFF, 34, 0x1FFFDE)
    hdr += bytes(range(16))  # disk GUID
    hdr += struct.pack("<QIII", 2, 128, 128, 0)
    assert len(hdr) == 92
    esp = bytes.fromhex("28732ac11ff8d211ba4b00a0c93ec93b")
    entry = esp + bytes(range(16, 32)) + struct.pack("<QQQ", 2048, 206847, 0)
    entry += utf16("EFI System").ljust(72, b"\0")
    assert len(entry) == 128
    return hdr + struct.pack("<Q", 1) + entry


def tcg2_multibank():
    algs = [SHA1, SHA256, SHA384]
    log = header(0, algs)
    log += agile(0, EV_NO_ACTION, b"StartupLocality\0\x03", algs, zero=True)
    log += agile(0, EV_S_CRTM_VERSION, utf16("1.0", nul=True), algs)
    log += agile(0, EV_EFI_PLATFORM_FIRMWARE_BLOB, struct.pack("<QQ", 0xFFC00000, 0x400000), algs,
                 measured=b"firmware volume")
    log += agile(0, EV_POST_CODE, b"ACPI DATA", algs, measured=b"acpi tables")
    log += agile(1, EV_EFI_HANDOFF_TABLES, struct.pack("<Q", 1) + GUID_GLOBAL + struct.pack("<Q", 0x7F000000),
                 algs, measured=b"smbios")
    log += agile(7, EV_EFI_VARIABLE_DRIVER_CONFIG, variable_data(GUID_GLOBAL, "SecureBoot", b"\x01"), algs)
    log += agile(7, EV_EFI_VARIABLE_DRIVER_CONFIG, variable_data(GUID_GLOBAL, "PK", b"\x30\x82\x00\x10" + bytes(16)),
                 algs)
    # EDK2 measures only VariableData of Boot#### variables.
    boot = struct.pack("<IH", 1, 4) + utf16("ubuntu", nul=True) + struct.pack("<BBH", 0x7F, 0xFF, 4)
    log += agile(1, EV_EFI_VARIABLE_BOOT, variable_data(GUID_GLOBAL, "Boot0000", boot), algs, measured=boot)
    log += agile(1, EV_EFI_VARIABLE_BOOT, variable_data(GUID_GLOBAL, "BootOrder", b"\x00\x00\x01\x00"), algs,
                 measured=b"\x00\x00\x01\x00")
    log += agile(4, EV_EFI_ACTION, b"Calling EFI Application from Boot Option", algs)
    for pcr in range(8):
        log += agile(pcr, EV_SEPARATOR, bytes(4), algs)
    log += agile(7, EV_EFI_VARIABLE_AUTHORITY, variable_data(GUID_SECURITY_DB, "db", bytes(range(48))), algs)
    log += agile(5, EV_EFI_GPT_EVENT, gpt_data(), algs)
    log += agile(4, EV_EFI_BOOT_SERVICES_APPLICATION, image_load(device_path()), algs, measured=b"PE image")
    # A bank subset: the digest list need not carry every SpecID algorithm.
    log += agile(8, EV_IPL, b"grub_cmd: linux /vmlinuz root=/dev/sda1\0", algs[1:], measured=b"grub")
    log += agile(8, EV_IPL, utf16("initrd=\\initrd.img quiet", nul=True), algs)
    log += agile(9, EV_IPL, b"/boot/vmlinuz\0", algs, measured=b"kernel image")
    log += agile(5, EV_EFI_ACTION, b"Exit Boot Services Invocation", algs)
    log += agile(5, EV_EFI_ACTION, b"Exit Boot Services Returned with Success", algs)
    # A digest that does not match its data, for the mismatch path.
    log += agile(4, EV_EFI_ACTION, b"Returning from EFI Application from Boot Option", algs, measured=b"other")
    return log


def tcg2_sha256_zero_padded():
    algs = [SHA256]
    log = header(0, algs)
    log += agile(0, EV_S_CRTM_VERSION, utf16("2.7", nul=True), algs)
    log += agile(0, EV_SEPARATOR, b"\xff\xff\xff\xff", algs)
    log += agile(17, EV_ACTION, b"DRTM", algs)
    return log + bytes(64)


def tcg2_vendor_outside():
    # vendorInfo bytes lie after the declared SpecID size (a writer quirk).
    algs = [SHA256, SHA512]
    log = header(0, algs, vendor=b"abc", vendor_outside=True)
    log += agile(2, EV_ACTION, b"Hello", algs)
    return log


def tcg1_log():
    log = legacy(0, EV_S_CRTM_VERSION, utf16("1.2", nul=True))
    log += legacy(0, EV_POST_CODE, b"", digest=hashlib.sha1(b"bios").digest())
    log += legacy(0, EV_NO_ACTION, b"not a spec id event", digest=bytes(20))
    for pcr in range(8):
        log += legacy(pcr, EV_SEPARATOR, bytes(4))
    log += legacy(4, EV_ACTION, b"Calling INT 19h")
    log += legacy(4, EV_IPL, b"boot sector", digest=hashlib.sha1(b"mbr").digest())
    log += legacy(5, EV_ACTION, b"Booting BCV Device 80h, Disk 0")
    return log


def ccel_log():
    """CCEL data area: crypto-agile records with CC MR indices (1..4 = RTMR0..3),
    SHA-384 only, then the unused area filled with 0xFF."""
    algs = [SHA384]
    log = header(1, algs)
    log += agile(1, EV_EFI_PLATFORM_FIRMWARE_BLOB, struct.pack("<QQ", 0xFFC84000, 0x2000), algs, measured=b"cfv")
    log += agile(1, EV_EFI_HANDOFF_TABLES, struct.pack("<Q", 1) + GUID_GLOBAL + struct.pack("<Q", 0x7F000000),
                 algs, measured=b"hob")
    log += agile(1, EV_EFI_VARIABLE_DRIVER_CONFIG, variable_data(GUID_GLOBAL, "SecureBoot", b"\x00"), algs)
    log += agile(2, EV_EFI_VARIABLE_BOOT, variable_data(GUID_GLOBAL, "BootOrder", b"\x01\x00"), algs,
                 measured=b"\x01\x00")
    for mr in range(1, 4):
        log += agile(mr, EV_SEPARATOR, bytes(4), algs)
    log += agile(2, EV_EFI_BOOT_SERVICES_APPLICATION, image_load(device_path()), algs, measured=b"shim")
    log += agile(3, EV_IPL, b"grub_cmd: linux /vmlinuz console=hvc0\0", algs, measured=b"grub")
    log += agile(3, EV_EFI_ACTION, b"Exit Boot Services Invocation", algs)
    log += agile(4, EV_EVENT_TAG, b"runtime measurement", algs, measured=b"app")
    log += agile(0, EV_NO_ACTION, b"MRTD entry", algs, zero=True)
    return log + b"\xff" * 256



def td_shim_ccel():
    """A CCEL as td-shim writes it: the SpecID at CC MR index 0 (not 1), SHA-384 only, events at
    MR 1 and 2, no 0xFF padding; detection must still read it as a CCEL."""
    algs = [SHA384]
    log = header(0, algs)
    log += agile(1, 0xA, b"td_hob", algs, measured=b"hob")  # EV_PLATFORM_CONFIG_FLAGS
    log += agile(2, 0x8000000A, b"\x07payload" + struct.pack("<QQ", 0x1000000, 0x200000), algs,
                 measured=b"payload")  # EV_EFI_PLATFORM_FIRMWARE_BLOB2
    log += agile(2, EV_SEPARATOR, bytes(4), algs)
    return log


def pcr_minus_one(tcg1):
    """A log followed by the EV_NO_ACTION events Windows writes at PCR 0xFFFFFFFF, and one event of
    another type there (an anomaly: parsed, never extended)."""
    if tcg1:
        log = tcg1_log()
        for i in range(2):
            log += legacy(0xFFFFFFFF, EV_NO_ACTION, b"WBCL" + bytes([i]) * 12, digest=bytes(20))
        return log + legacy(0xFFFFFFFF, EV_EVENT_TAG, b"tag at PCR -1")
    algs = [SHA1, SHA256]
    log = header(0, algs)
    log += agile(0, EV_S_CRTM_VERSION, utf16("1.0", nul=True), algs)
    log += agile(4, EV_SEPARATOR, bytes(4), algs)
    for i in range(2):
        log += agile(0xFFFFFFFF, EV_NO_ACTION, b"WBCL" + bytes([i]) * 12, algs, zero=True)
    return log + agile(0xFFFFFFFF, EV_EVENT_TAG, b"tag at PCR -1", algs)


def ccel_table(log_len):
    """ACPI CCEL table (ACPI 6.5 5.2.6 header; UEFI 2.10 "CCEL"): 56 bytes,
    CC type 2 (TDX), LAML/LASA, checksum making the byte sum zero."""
    body = b"CCEL" + struct.pack("<IBB", 56, 1, 0) + b"CCTRST" + b"CCTRUSTD"
    body += struct.pack("<III", 1, 0x4C544343, 1)
    body += struct.pack("<BBHQQ", 2, 0, 0, log_len, 0x7E800000)
    assert len(body) == 56
    checksum = (-sum(body)) & 0xFF
    return body[:9] + bytes([checksum]) + body[10:]


def regvalues():
    """Register-value inputs (cct_expected_parse): every accepted form, values by hashlib."""
    d = {(i, a): HASH[alg](b"register %d" % i).hexdigest()
         for i in range(4) for a, alg in (("sha1", SHA1), ("sha256", SHA256), ("sha384", SHA384))}
    lines = "# NAME ALG HEX\n\n" + "".join(
        f"{n}{i} {a} {d[(i, a)]}\n" for (i, a) in sorted(d) for n in ("PCR", "IMR") if a != "sha384"
    ) + "".join(f"RTMR{i} sha384 0x{d[(i, 'sha384')]}\n" for i in range(4)) + f"MRTD sha384 {d[(0, 'sha384')]}\n"
    tokens = " ".join(f"sha1:PCR{i}={d[(i, 'sha1')]}" for i in range(4)) + "\n" + ";".join(
        f"{i}=0x{d[(i, 'sha256')]}" for i in range(4)) + "\n"
    regs = ",".join(
        f'{{"index":{i},"alg":"{a}","digest":"{d[(i, a)]}","register":"{"rtmr" if a == "sha384" else "pcr"}"}}'
        for (i, a) in sorted(d))
    yaml = "---\nversion: 1\nevents:\n- EventNum: 0\n  PCRIndex: 0\npcrs:\n" + "".join(
        f"  {a}:\n" + "".join(f"    {i}  : 0x{d[(i, a)]}\n" for i in range(4)) for a in ("sha1", "sha256")
    ) + "rtmrs:\n  sha384:\n" + "".join(f"    {i}  : 0x{d[(i, 'sha384')]}\n" for i in range(4))
    return {
        "regvalues/lines.txt": lines.encode(),
        "regvalues/tokens.txt": tokens.encode(),
        "regvalues/replay.json": ('{"registers":[' + regs + '],"logs":[]}\n').encode(),
        "regvalues/measurement.json": ('{"platform":"tpm","registers":[' + regs + "]}\n").encode(),
        "regvalues/eventlog.json": ('{"logs":[{"file":"x","replay":{"registers":[' + regs + "]}}]}\n").encode(),
        "regvalues/eventlog.yaml": yaml.encode(),
        "regvalues/pcrread.txt": "".join(
            f"  {a}:\n" + "".join(f"    {i} : 0x{d[(i, a)].upper()}\n" for i in range(4)) for a in ("sha1", "sha256")
        ).encode(),
    }


def collateral():
    """TDX collateral inputs (fuzz-collateral): the committed v4 quote seed, framed
    by its 2-byte length, then collateral in each form the reader takes (PCS
    tcbInfo and enclaveIdentity responses with the quote's PEM chain after them,
    a QuoteCollateralV3 object with hex CRLs), with the quote's FMSPC, TCB
    components and QE values, so that the fuzzer starts inside the evaluation.
    The signatures are filler: no seed is signed."""
    import json

    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "corpus", "tdx", "tdx-v4.quote"), "rb") as f:
        quote = f.read()
    frame = struct.pack("<H", len(quote)) + quote
    begin = quote.find(b"-----BEGIN CERTIFICATE-----")
    chain = quote[begin:].rstrip(b"\0") if begin >= 0 else b""
    sig = "ab" * 64

    def comps(v):
        return [{"svn": x, "category": "BIOS"} for x in v]

    def level(sgx, pce, tdx, status, date, advisories=()):
        lv = {"tcb": {"sgxtcbcomponents": comps(sgx), "pcesvn": pce, "tdxtcbcomponents": comps(tdx)},
              "tcbDate": date, "tcbStatus": status}
        if advisories:
            lv["advisoryIDs"] = list(advisories)
        return lv

    # Values read from the quote (TDX quote v4: body at 48, MRSIGNERSEAM at body + 64,
    # SEAMATTRIBUTES at body + 112; QE report at 770: ATTRIBUTES at + 48, MRSIGNER at + 128)
    # so that the module and QE identity match it.
    mod = {"mrsigner": quote[112:160].hex().upper(), "attributes": quote[160:168].hex().upper(),
           "attributesMask": "FFFFFFFFFFFFFFFF"}
    ids = [dict(mod, id="TDX_03", tcbLevels=[
        {"tcb": {"isvsvn": 5}, "tcbDate": "2024-03-13T00:00:00Z", "tcbStatus": "UpToDate"},
        {"tcb": {"isvsvn": 2}, "tcbDate": "2023-08-09T00:00:00Z", "tcbStatus": "OutOfDate"}])]
    tcb = {"id": "TDX", "version": 3, "issueDate": "2024-12-01T00:00:00Z",
           "nextUpdate": "2025-12-31T00:00:00Z", "fmspc": "00906ED50000", "pceId": "0000",
           "tcbType": 0, "tcbEvaluationDataNumber": 17, "tdxModule": mod, "tdxModuleIdentities": ids,
           "tcbLevels": [
               level([4, 4, 2, 2, 3, 1, 0, 5] + [0] * 8, 11, [3, 0, 5] + [0] * 13, "UpToDate",
                     "2024-03-13T00:00:00Z"),
               level([4, 4, 2, 2, 3, 1, 0, 5] + [0] * 8, 11, [3, 0, 3] + [0] * 13,
                     "SWHardeningNeeded", "2023-08-09T00:00:00Z", ["INTEL-SA-00000"]),
               level([1] * 8 + [0] * 8, 5, [1, 0, 1] + [0] * 13, "OutOfDate",
                     "2022-01-01T00:00:00Z", ["INTEL-SA-00001", "INTEL-SA-00002"]),
               level([0] * 16, 0, [0] * 16, "Revoked", "2021-01-01T00:00:00Z")]}
    qe = {"id": "TD_QE", "version": 2, "issueDate": "2024-12-01T00:00:00Z",
          "nextUpdate": "2025-12-31T00:00:00Z", "tcbEvaluationDataNumber": 17,
          "miscselect": "00000000", "miscselectMask": "FFFFFFFF",
          "attributes": quote[818:834].hex().upper(),
          "attributesMask": "FBFFFFFFFFFFFFFF0000000000000000",
          "mrsigner": quote[898:930].hex().upper(),
          "isvprodid": 1,
          "tcbLevels": [{"tcb": {"isvsvn": 8}, "tcbDate": "2024-03-13T00:00:00Z", "tcbStatus": "UpToDate"},
                        {"tcb": {"isvsvn": 1}, "tcbDate": "2022-01-01T00:00:00Z", "tcbStatus": "OutOfDate"}]}
    tcb_text = json.dumps(tcb, separators=(",", ":"))
    qe_text = json.dumps(qe, separators=(",", ":"))
    pcs_tcb = ('{"tcbInfo":%s,"signature":"%s"}' % (tcb_text, sig)).encode()
    pcs_qe = ('{"enclaveIdentity":%s,"signature":"%s"}' % (qe_text, sig)).encode()
    crl = "30" + "82" + "0010" + "00" * 16
    v3 = json.dumps({"version": "3.0", "tee_type": 129, "pck_crl_issuer_chain": chain.decode(),
                     "root_ca_crl": crl, "pck_crl": crl,
                     "tcb_info_issuer_chain": chain.decode(), "tcb_info": tcb_text,
                     "tcb_info_signature": sig, "qe_identity_issuer_chain": chain.decode(),
                     "qe_identity": qe_text, "qe_identity_signature": sig}).encode()
    return {
        "collateral/pcs-responses.bin": frame + pcs_tcb + b"\n" + pcs_qe + b"\n" + chain,
        "collateral/pcs-tcbinfo.bin": frame + pcs_tcb,
        "collateral/quote-collateral-v3.bin": frame + v3,
    }


def main():
    args = sys.argv[1:]
    check = bool(args) and args[0] == "--check"
    if check:
        args = args[1:]
    out = args[0] if args else os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
    ccel = ccel_log()
    seeds = {
        "tcg/tcg2-multibank.bin": tcg2_multibank(),
        "tcg/tcg2-sha256-zero-padded.bin": tcg2_sha256_zero_padded(),
        "tcg/tcg2-specid-vendor-outside.bin": tcg2_vendor_outside(),
        "tcg/tcg1-sha1.bin": tcg1_log(),
        "tcg/ccel-ff-padded.bin": ccel,
        "ccel/ccel-ff-padded.bin": ccel,
        "ccel/ccel-table.bin": ccel_table(len(ccel)),
        "ccel/tcg2-multibank.bin": tcg2_multibank(),
        "tcg/td-shim-ccel.bin": td_shim_ccel(),
        "ccel/td-shim-ccel.bin": td_shim_ccel(),
        "tcg/tcg2-pcr-minus-one.bin": pcr_minus_one(False),
        "tcg/tcg1-pcr-minus-one.bin": pcr_minus_one(True),
        "tcg/ccel-acpi-table.bin": ccel_table(len(ccel)),
    }
    seeds.update(regvalues())
    seeds.update(collateral())
    bad = 0
    for name, data in seeds.items():
        path = os.path.join(out, name)
        if check:
            try:
                with open(path, "rb") as f:
                    same = f.read() == data
            except OSError:
                same = False
            if not same:
                print(f"{path}: differs from what gen-seeds.py generates")
                bad += 1
            continue
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
        print(f"{name}: {len(data)} bytes")
    if check:
        print(f"{len(seeds) - bad} of {len(seeds)} seeds match")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
