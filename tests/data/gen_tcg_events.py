#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Write a small crypto-agile TCG2 event log holding one event of every type
the event-data decoders know, with realistic data.

Layout: TCG PC Client Platform Firmware Profile section 10 (SpecID header in
TCG_PCR_EVENT form, then TCG_PCR_EVENT2 records with SHA-1 and SHA-256
digests). Digests are H(event data) computed here with hashlib (EV_NO_ACTION
digests are zero, as the spec requires). The output is deterministic: the
X.509 certificate is assembled here in DER with a fixed key and a
placeholder signature (nothing verifies it; decoders read names only).

usage: gen_tcg_events.py OUTPUT.bin
"""
import hashlib
import struct
import sys
import uuid

EV_POST_CODE = 0x1
EV_NO_ACTION = 0x3
EV_SEPARATOR = 0x4
EV_ACTION = 0x5
EV_EVENT_TAG = 0x6
EV_S_CRTM_CONTENTS = 0x7
EV_S_CRTM_VERSION = 0x8
EV_PLATFORM_CONFIG_FLAGS = 0xA
EV_COMPACT_HASH = 0xC
EV_IPL = 0xD
EV_EFI_VARIABLE_DRIVER_CONFIG = 0x80000001
EV_EFI_VARIABLE_BOOT = 0x80000002
EV_EFI_BOOT_SERVICES_APPLICATION = 0x80000003
EV_EFI_BOOT_SERVICES_DRIVER = 0x80000004
EV_EFI_RUNTIME_SERVICES_DRIVER = 0x80000005
EV_EFI_GPT_EVENT = 0x80000006
EV_EFI_ACTION = 0x80000007
EV_EFI_PLATFORM_FIRMWARE_BLOB = 0x80000008
EV_EFI_HANDOFF_TABLES = 0x80000009
EV_EFI_PLATFORM_FIRMWARE_BLOB2 = 0x8000000A
EV_EFI_HANDOFF_TABLES2 = 0x8000000B
EV_EFI_VARIABLE_BOOT2 = 0x8000000C
EV_EFI_HCRTM_EVENT = 0x80000010
EV_EFI_VARIABLE_AUTHORITY = 0x800000E0

TPM_ALG_SHA1 = 0x0004
TPM_ALG_SHA256 = 0x000B


def guid(text):
    """EFI_GUID bytes: the first three fields little-endian (uuid.bytes_le)."""
    return uuid.UUID(text).bytes_le


EFI_GLOBAL_VARIABLE = guid("8be4df61-93ca-11d2-aa0d-00e098032b8c")
EFI_IMAGE_SECURITY_DATABASE = guid("d719b2cb-3d3a-4596-a3bc-dad00e67656f")
SHIM_LOCK = guid("605dab50-e046-4300-abb6-3dd810dd8b23")
EFI_CERT_X509 = guid("a5c059a1-94e4-4aa7-87b5-ab155c2bf072")
EFI_CERT_SHA256 = guid("c1c41626-504c-4092-aca9-41f936934328")
OWNER = guid("11111111-2222-3333-4444-555555555555")
ACPI_20_TABLE = guid("8868e871-e4f1-11d3-bc22-0080c73c8881")
SMBIOS3_TABLE = guid("f2fd1544-9794-4a2c-992e-e5bbcf20e394")
ESP_TYPE = guid("c12a7328-f81f-11d2-ba4b-00a0c93ec93b")
LINUX_FS_TYPE = guid("0fc63daf-8483-4772-8e79-3d69d8477de4")
DISK_GUID = guid("5c0cdc3a-1bb3-4e2e-8b2c-2f6a3ef0a0a1")
ESP_UNIQUE = guid("9a1f8e2b-6d3c-4e5f-a0b1-c2d3e4f50617")
ROOT_UNIQUE = guid("0e1d2c3b-4a59-4687-9a5b-6c7d8e9fa0b1")
FV_MAIN = guid("7cb8bdc9-f8eb-4f34-aaea-3ee4af6516a1")
FV_FILE = guid("462caa21-7614-4503-836e-8ab6f4662331")
VENDOR_HW = guid("2d6447ef-3bc9-41a1-ac19-4d51d01b4ce6")


def utf16(s, nul=True):
    return (s + ("\0" if nul else "")).encode("utf-16-le")


# ---- DER (ITU-T X.690) for a minimal X.509 certificate ----

def der(tag, body):
    n = len(body)
    if n < 0x80:
        ln = bytes([n])
    elif n < 0x100:
        ln = bytes([0x81, n])
    else:
        ln = bytes([0x82, n >> 8, n & 0xFF])
    return bytes([tag]) + ln + body


def der_oid(dotted):
    parts = [int(x) for x in dotted.split(".")]
    out = bytes([40 * parts[0] + parts[1]])
    for p in parts[2:]:
        enc = [p & 0x7F]
        p >>= 7
        while p:
            enc.append(0x80 | (p & 0x7F))
            p >>= 7
        out += bytes(reversed(enc))
    return der(0x06, out)


def der_int(v):
    b = v.to_bytes((v.bit_length() + 8) // 8, "big")
    return der(0x02, b)


def der_name(cn, org):
    def rdn(oid, val):
        return der(0x31, der(0x30, der_oid(oid) + der(0x0C, val.encode())))
    return der(0x30, rdn("2.5.4.10", org) + rdn("2.5.4.3", cn))


def x509_cert(cn, org):
    # P-256 base point as the public key: a valid curve point, fixed forever.
    gx = bytes.fromhex("6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296")
    gy = bytes.fromhex("4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5")
    ecdsa_sha256 = der(0x30, der_oid("1.2.840.10045.4.3.2"))
    spki = der(0x30, der(0x30, der_oid("1.2.840.10045.2.1") + der_oid("1.2.840.10045.3.1.7")) +
               der(0x03, b"\x00\x04" + gx + gy))
    validity = der(0x30, der(0x17, b"250101000000Z") + der(0x17, b"350101000000Z"))
    tbs = der(0x30, der(0xA0, der_int(2)) + der_int(0x1234) + ecdsa_sha256 + der_name(cn, org) +
              validity + der_name(cn, org) + spki)
    # Placeholder ECDSA-Sig-Value derived from the TBS hash (not a signature).
    h = hashlib.sha256(tbs).digest()
    sig = der(0x30, der_int(int.from_bytes(h[:16], "big")) + der_int(int.from_bytes(h[16:], "big")))
    return der(0x30, tbs + ecdsa_sha256 + der(0x03, b"\x00" + sig))


# ---- UEFI structures ----

def variable(vguid, name, data):
    """UEFI_VARIABLE_DATA (PFP 10.2.6)."""
    return vguid + struct.pack("<QQ", len(name), len(data)) + utf16(name, nul=False) + data


def siglist(sigtype, entries, sigsize):
    """EFI_SIGNATURE_LIST (UEFI 32.4.1) of EFI_SIGNATURE_DATA entries (owner, data)."""
    body = b"".join(owner + data for owner, data in entries)
    return sigtype + struct.pack("<III", 28 + len(body), 0, sigsize) + body


def dp_node(t, sub, body):
    return struct.pack("<BBH", t, sub, 4 + len(body)) + body


DP_END = dp_node(0x7F, 0xFF, b"")


def dp_pciroot():
    return dp_node(2, 1, struct.pack("<II", 0x0A0341D0, 0))


def dp_pci(dev, fn):
    return dp_node(1, 1, struct.pack("<BB", fn, dev))


def dp_hd_gpt(num, start, size, sig):
    return dp_node(4, 1, struct.pack("<IQQ", num, start, size) + sig + bytes([2, 2]))


def dp_file(path):
    return dp_node(4, 4, utf16(path))


def load_option(attrs, desc, path, optional=b""):
    """EFI_LOAD_OPTION (UEFI 3.1.3)."""
    return struct.pack("<IH", attrs, len(path)) + utf16(desc) + path + optional


def image_load(loc, length, path):
    """UEFI_IMAGE_LOAD_EVENT (PFP 10.2.3)."""
    return struct.pack("<QQQQ", loc, length, 0, len(path)) + path


def gpt_event():
    """UEFI_GPT_DATA (PFP 10.2.8): header, NumberOfPartitions, entries."""
    hdr = b"EFI PART" + struct.pack("<IIII", 0x00010000, 92, 0x1B2C3D4E, 0)
    hdr += struct.pack("<QQQQ", 1, 0x3FFFFF, 34, 0x3FFFDE) + DISK_GUID
    hdr += struct.pack("<QIII", 2, 128, 128, 0x5A6B7C8D)

    def entry(tguid, uguid, first, last, attrs, name):
        n = utf16(name, nul=False).ljust(72, b"\0")
        return tguid + uguid + struct.pack("<QQQ", first, last, attrs) + n

    parts = [entry(ESP_TYPE, ESP_UNIQUE, 2048, 1050623, 0, "EFI System Partition"),
             entry(LINUX_FS_TYPE, ROOT_UNIQUE, 1050624, 0x3FFFDE, 0, "root")]
    return hdr + struct.pack("<Q", len(parts)) + b"".join(parts)


def sp800_155_event3():
    """TCG_Sp800_155_PlatformId_Event3 (PFP 1.06 10.4.5.2)."""
    def s8(b):
        return bytes([len(b)]) + b
    d = b"SP800-155 Event3" + struct.pack("<I", 0x157)
    d += guid("dd11c26f-21fd-4dd3-9cd9-d2c4141e9778")
    d += s8(b"Example Platforms") + s8(b"Model 7") + s8(b"1.2") + s8(b"Example Firmware Inc.")
    d += struct.pack("<I", 0x157) + s8(b"2025.01")
    uri = b"https://rim.example.com/model7/2025.01.swidtag"
    d += struct.pack("<II", 1, len(uri)) + uri
    var = EFI_GLOBAL_VARIABLE + utf16("PlatformCert")
    d += struct.pack("<II", 3, len(var)) + var
    return d


def specid():
    algs = [(TPM_ALG_SHA1, 20), (TPM_ALG_SHA256, 32)]
    d = b"Spec ID Event03\0" + struct.pack("<IBBBBI", 0, 0, 2, 0, 2, len(algs))
    d += b"".join(struct.pack("<HH", a, s) for a, s in algs)
    return d + b"\x00"


def record(pcr, etype, data):
    if etype == EV_NO_ACTION:
        digs = [(TPM_ALG_SHA1, bytes(20)), (TPM_ALG_SHA256, bytes(32))]
    else:
        digs = [(TPM_ALG_SHA1, hashlib.sha1(data).digest()), (TPM_ALG_SHA256, hashlib.sha256(data).digest())]
    out = struct.pack("<III", pcr, etype, len(digs))
    out += b"".join(struct.pack("<H", a) + d for a, d in digs)
    return out + struct.pack("<I", len(data)) + data


def build():
    cert_db = x509_cert("Example DB Signing Key", "Example Firmware Inc.")
    cert_pk = x509_cert("Example Platform Key", "Example Firmware Inc.")
    ev = []

    ev.append((0, EV_NO_ACTION, b"StartupLocality\0" + bytes([3])))
    ev.append((0, EV_NO_ACTION, sp800_155_event3()))
    ev.append((0, EV_EFI_HCRTM_EVENT, b"HCRTM"))
    ev.append((0, EV_S_CRTM_VERSION, utf16("Example Firmware 2025.01")))
    ev.append((0, EV_S_CRTM_CONTENTS, struct.pack("<QQ", 0xFFC00000, 0x400000)))
    ev.append((0, EV_EFI_PLATFORM_FIRMWARE_BLOB, struct.pack("<QQ", 0x820000, 0xE0000)))
    desc = b"Fv(7CB8BDC9-F8EB-4F34-AAEA-3EE4AF6516A1)"
    ev.append((0, EV_EFI_PLATFORM_FIRMWARE_BLOB2, bytes([len(desc)]) + desc + struct.pack("<QQ", 0xFFC84000, 0x37C000)))
    ev.append((0, EV_POST_CODE, b"POST CODE"))
    ev.append((0, EV_POST_CODE, struct.pack("<QQ", 0xFFE00000, 0x200000)))
    ev.append((0, EV_POST_CODE, bytes([0x4D, 0x5A, 0x90, 0x00, 0x03, 0x00, 0xFF])))  # odd size, binary
    ev.append((1, EV_EFI_HANDOFF_TABLES, struct.pack("<Q", 1) + ACPI_20_TABLE + struct.pack("<Q", 0x7FB7E014)))
    tdesc = b"SMBIOS3\0"
    ev.append((1, EV_EFI_HANDOFF_TABLES2, bytes([len(tdesc)]) + tdesc + struct.pack("<Q", 1) + SMBIOS3_TABLE +
               struct.pack("<Q", 0x7F8D0000)))
    ev.append((1, EV_PLATFORM_CONFIG_FLAGS, b"etc/table-loader\0"))
    ev.append((0, EV_COMPACT_HASH, bytes.fromhex("a1b2c3d4")))

    # PCR 7: Secure Boot policy.
    ev.append((7, EV_EFI_VARIABLE_DRIVER_CONFIG, variable(EFI_GLOBAL_VARIABLE, "SecureBoot", b"\x01")))
    ev.append((7, EV_EFI_VARIABLE_DRIVER_CONFIG, variable(
        EFI_GLOBAL_VARIABLE, "PK", siglist(EFI_CERT_X509, [(OWNER, cert_pk)], 16 + len(cert_pk)))))
    db = siglist(EFI_CERT_X509, [(OWNER, cert_db)], 16 + len(cert_db))
    db += siglist(EFI_CERT_SHA256, [(OWNER, hashlib.sha256(b"trusted image").digest())], 48)
    ev.append((7, EV_EFI_VARIABLE_DRIVER_CONFIG, variable(EFI_IMAGE_SECURITY_DATABASE, "db", db)))
    dbx = siglist(EFI_CERT_SHA256, [(OWNER, hashlib.sha256(b"revoked image %d" % i).digest()) for i in (1, 2)], 48)
    ev.append((7, EV_EFI_VARIABLE_DRIVER_CONFIG, variable(EFI_IMAGE_SECURITY_DATABASE, "dbx", dbx)))
    for pcr in range(0, 8):
        ev.append((pcr, EV_SEPARATOR, b"\x00\x00\x00\x00"))

    # PCR 1: boot variables.
    ev.append((1, EV_EFI_VARIABLE_BOOT, variable(EFI_GLOBAL_VARIABLE, "BootOrder", struct.pack("<HHH", 1, 0, 2))))
    path1 = (dp_pciroot() + dp_pci(0x1F, 2) + dp_node(3, 18, struct.pack("<HHH", 0, 0xFFFF, 0)) +
             dp_hd_gpt(1, 2048, 1048576, ESP_UNIQUE) + dp_file("\\EFI\\debian\\shimx64.efi") + DP_END)
    ev.append((1, EV_EFI_VARIABLE_BOOT, variable(
        EFI_GLOBAL_VARIABLE, "Boot0001", load_option(1, "debian", path1, utf16("quiet", nul=False)))))
    mac = bytes.fromhex("525400123456").ljust(32, b"\0")
    ipv4 = bytes([0, 0, 0, 0]) + bytes([0, 0, 0, 0]) + struct.pack("<HHHB", 0, 0, 6, 0) + bytes(8)
    path0 = (dp_pciroot() + dp_pci(3, 0) + dp_node(3, 11, mac + b"\x01") + dp_node(3, 12, ipv4) +
             dp_node(3, 24, b"http://boot.example.com/grubx64.efi") + DP_END)
    ev.append((1, EV_EFI_VARIABLE_BOOT2, variable(EFI_GLOBAL_VARIABLE, "Boot0000", load_option(1, "UEFI HTTPv4", path0))))
    # Boot0002: two device path instances (legacy MBR disk; IPv6 PXE) ended by End Instance.
    mbr = dp_node(4, 1, struct.pack("<IQQ", 1, 63, 204800) + struct.pack("<I", 0x1234ABCD).ljust(16, b"\0") +
                  bytes([1, 1]))
    ipv6 = (bytes.fromhex("fe800000000000005054fffe123456") + b"\x78" + bytes.fromhex("20010db8000000000000000000000001") +
            struct.pack("<HHHBB", 0, 0, 17, 1, 64) + bytes(16))
    path2 = (dp_pciroot() + dp_pci(0x1F, 2) + dp_node(3, 1, struct.pack("<BBH", 0, 1, 0)) + mbr +
             dp_node(4, 3, VENDOR_HW) + dp_node(0x7F, 0x01, b"") +
             dp_pciroot() + dp_pci(3, 0) + dp_node(3, 11, mac + b"\x01") + dp_node(3, 13, ipv6) +
             dp_node(3, 10, VENDOR_HW + b"\xaa") + DP_END)
    ev.append((1, EV_EFI_VARIABLE_BOOT, variable(EFI_GLOBAL_VARIABLE, "Boot0002", load_option(0, "Legacy or PXE", path2))))
    ev.append((4, EV_EFI_ACTION, b"Calling EFI Application from Boot Option"))
    ev.append((5, EV_EFI_GPT_EVENT, gpt_event()))

    # PCR 2/4: drivers and applications.
    drv = dp_node(4, 7, FV_MAIN) + dp_node(4, 6, FV_FILE) + DP_END
    ev.append((2, EV_EFI_BOOT_SERVICES_DRIVER, image_load(0x7E5A1000, 0x1A000, drv)))
    rt = (dp_node(1, 3, struct.pack("<IQQ", 11, 0xFF000000, 0xFF0FFFFF)) + dp_node(1, 4, VENDOR_HW + b"\x01\x02") +
          dp_pciroot() + dp_pci(0x14, 0) + dp_node(3, 5, b"\x02\x00") + dp_node(3, 2, struct.pack("<HH", 1, 0)) +
          dp_node(3, 23, struct.pack("<I", 1) + bytes(range(1, 9))) +
          dp_node(4, 2, struct.pack("<IQQ", 0, 0x100, 0x2000)) + dp_node(4, 8, struct.pack("<IQQ", 0, 0x1000, 0x1FFF)) +
          dp_node(2, 1, struct.pack("<II", 0x050141D0, 0)) + dp_node(0x42, 0x07, b"\xde\xad") + DP_END)
    ev.append((2, EV_EFI_RUNTIME_SERVICES_DRIVER, image_load(0x7F000000, 0x8000, rt)))
    app = (dp_pciroot() + dp_pci(0x1F, 2) + dp_node(3, 18, struct.pack("<HHH", 0, 0xFFFF, 0)) +
           dp_hd_gpt(1, 2048, 1048576, ESP_UNIQUE) + dp_file("\\EFI\\debian\\shimx64.efi") + DP_END)
    ev.append((4, EV_EFI_BOOT_SERVICES_APPLICATION, image_load(0x7D2B6018, 0xE9B10, app)))
    ev.append((7, EV_EFI_VARIABLE_AUTHORITY, variable(EFI_IMAGE_SECURITY_DATABASE, "db", OWNER + cert_db)))
    ev.append((7, EV_EFI_VARIABLE_AUTHORITY, variable(SHIM_LOCK, "SbatLevel", b"sbat,1,2024010900\n")))
    ev.append((4, EV_EFI_BOOT_SERVICES_APPLICATION, image_load(0x7C1F0018, 0x2B1000,
                                                               dp_file("\\EFI\\debian\\grubx64.efi") + DP_END)))
    ev.append((8, EV_IPL, b"grub_cmd: linux /vmlinuz-6.1.0-18-amd64 root=/dev/sda2 ro quiet\0"))
    ev.append((9, EV_IPL, utf16("initrd=\\initrd.img console=ttyS0")))
    ev.append((5, EV_ACTION, b"Start Option ROM Scan"))
    ev.append((4, EV_EFI_ACTION, b"Exit Boot Services Invocation"))
    # CCEL-style runtime event: tag "AAEL" (0x4141454c), bytes "LEAA" in the log.
    payload = b"coco.com some-operation some-content"
    ev.append((11, EV_EVENT_TAG, struct.pack("<II", 0x4141454C, len(payload)) + payload))
    nv = b"NvIndexInstance\0" + struct.pack("<H", 1) + bytes(6) + bytes.fromhex("53504d4420446576")
    ev.append((0, EV_NO_ACTION, nv))
    desc = b"SPDM CHALLENGE\0"
    nonce = hashlib.sha256(b"challenge nonce").digest()
    nvd = (b"NvIndexDynamic \0" + struct.pack("<H", 1) + bytes(6) + struct.pack("<QH", 0x1122334455667788, len(desc)) +
           desc + struct.pack("<H", len(nonce)) + nonce)
    ev.append((0, EV_NO_ACTION, nvd))

    spec = specid()
    out = struct.pack("<II", 0, EV_NO_ACTION) + bytes(20) + struct.pack("<I", len(spec)) + spec
    for pcr, etype, data in ev:
        out += record(pcr, etype, data)
    return out


def main():
    if len(sys.argv) != 2:
        sys.stderr.write(__doc__)
        return 1
    with open(sys.argv[1], "wb") as f:
        f.write(build())
    return 0


if __name__ == "__main__":
    sys.exit(main())
