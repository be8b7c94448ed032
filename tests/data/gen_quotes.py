#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Generate test evidence signed with the project's own throw-away keys.

Uses only the Python standard library and the `openssl` command line tool.
Writes into OUTDIR:
  tdx-root.pem, tdx-chain.pem        test "Intel-like" root and PCK chain (leaf, intermediate, root)
  tdx-v4.quote, tdx-v5.quote         TDX quotes v4 (TDX 1.0 body) and v5 (type 3, TDX 1.5 body)
  tdx-v4-padded.quote                the v4 quote followed by zero padding
  tdx-tcbinfo.json, tdx-qeid.json    PCS-format TCB Info / QE Identity signed by tdx-tcb-signing.pem
  tdx-tcbinfo-outdated.json          TCB Info under which the platform is OutOfDate
  *.ranges                           byte ranges covered by signatures (one "start end" per line)
  snp-ark.pem, snp-certs.pem         test ARK (root) and VCEK + ASK
  snp.report, snp-v5.report          SNP reports v3 and v5 signed by the test VCEK
  snp-turin{,-v2}.report             Turin-layout reports (v3 family 1Ah; v2) by a Turin VCEK
  snp-turin{,-badfmc}-certs.pem      Turin VCEK (+ASK) with matching / wrong FMC SPL
  snp-vlek.report, snp-vlek-ark.pem  VLEK-signed report, its ARK; snp-vlek{,-wrongasvk}-certs.pem
  tpm-ak.pem, tpm.attest, tpm.sig    TPM quote (RSASSA-SHA256), nonce in tpm.nonce, PCRs in tpm.pcrs
  tpm-ecc-ak.pem, tpm-ecc.sig        the same quote signed with an ECDSA P-256 AK
  tdreport.bin                       a TDREPORT_STRUCT
  tdx-debug.quote, tdx-zero-rd.quote v4 quotes with TDATTRIBUTES.DEBUG set / all-zero REPORTDATA
  snp-{debug,ma,vmpl2,zero-rd}.report SNP reports with policy DEBUG / MIGRATE_MA, VMPL 2, zero REPORT_DATA
  tpm-sha1.log, tpm-log.attest/.sig  TCG 1.2 (SHA-1) event log and a quote over its replayed SHA-1 PCRs 0-7
  cca-cpak.pem, cca.token            CCA token (tag 399): platform token by the CPAK, realm token by a RAK
  snp-trailing{20,4000}.report       snp.report followed by 20 / 4000 bytes of the next structure
  psa-mac0{,-384}.token, psa-mac.key PSA tokens as COSE_Mac0 (HMAC-SHA-256 / -384) under psa-mac.key;
  psa-mac-wrong.key                  another key of the same size
  req.nonce, req.data (hex)          a report request's nonce and user data; evidence bound to it,
  tdx-req.quote, snp-req.report,     REPORTDATA = SHA-512(nonce || data) (hashlib): TDX REPORTDATA,
  tpm-req{,32}.attest/.sig,          SNP REPORT_DATA, TPM extraData (64 bytes / the first 32),
  cca-req.token                      CCA realm challenge
Every field value is derived from a counter so the files are reproducible in
layout (keys and signatures differ per run).
"""
import hashlib
import hmac
import os
import struct
import subprocess
import sys


def run(*args, data=None):
    return subprocess.run(["openssl", *args], input=data, check=True, capture_output=True).stdout


def pattern(tag, n):
    """Deterministic filler bytes for a field."""
    out = b""
    i = 0
    while len(out) < n:
        out += hashlib.sha256(f"{tag}:{i}".encode()).digest()
        i += 1
    return out[:n]


def der_len(b, i):
    n = b[i]
    if n < 0x80:
        return n, i + 1
    k = n & 0x7F
    return int.from_bytes(b[i + 1:i + 1 + k], "big"), i + 1 + k


def ecdsa_der_to_rs(der, size):
    """Split a DER ECDSA-Sig-Value into fixed-size big-endian r and s."""
    assert der[0] == 0x30
    _, i = der_len(der, 1)
    vals = []
    for _ in range(2):
        assert der[i] == 0x02
        n, i = der_len(der, i + 1)
        v = int.from_bytes(der[i:i + n], "big")
        i += n
        vals.append(v.to_bytes(size, "big"))
    return vals[0], vals[1]


def ec_pub_xy(keyfile, size):
    """x, y of an EC public key: the SPKI DER ends with the uncompressed point 04 || x || y."""
    der = run("pkey", "-in", keyfile, "-pubout", "-outform", "DER")
    pt = der[-(2 * size + 1):]
    assert pt[0] == 4
    return pt[1:1 + size], pt[1 + size:]


def sign(keyfile, md, data):
    return run("dgst", "-" + md, "-sign", keyfile, data=data)


def genkey(path, curve=None, rsa=None):
    if curve:
        run("genpkey", "-algorithm", "EC", "-pkeyopt", f"ec_paramgen_curve:{curve}", "-out", path)
    else:
        run("genpkey", "-algorithm", "RSA", "-pkeyopt", f"rsa_keygen_bits:{rsa}", "-out", path)


def make_ca(out, name, key, subj, issuer_cert=None, issuer_key=None, ca=True, days=3650, extra=""):
    ext = os.path.join(out, name + ".ext")
    with open(ext, "w") as f:
        if ca:
            f.write("basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n"
                    "subjectKeyIdentifier=hash\n")
        else:
            f.write("basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n")
        if issuer_cert:
            f.write("authorityKeyIdentifier=keyid\n")
        f.write(extra)
    cert = os.path.join(out, name + ".pem")
    csr = os.path.join(out, name + ".csr")
    run("req", "-new", "-key", key, "-subj", subj, "-out", csr)
    if issuer_cert is None:
        run("x509", "-req", "-in", csr, "-signkey", key, "-days", str(days), "-extfile", ext, "-out", cert,
            "-set_serial", "1")
    else:
        run("x509", "-req", "-in", csr, "-CA", issuer_cert, "-CAkey", issuer_key, "-days", str(days),
            "-extfile", ext, "-out", cert, "-set_serial", str(abs(hash(name)) % 100000 + 2))
    return cert


def write(out, name, data):
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)


# TEE_TCB_SVN: v4 quotes use TDX 1.0 numbering (byte 1 = 0); v5/TDX 1.5 selects module identity TDX_01
TEE_TCB_SVN = {False: bytes([3, 0, 5]) + bytes(13), True: bytes([7, 1, 3]) + bytes(13)}
PCK_COMPS = [4, 4, 2, 2, 3, 1, 0, 5] + [0] * 8
PCK_PCESVN = 11
FMSPC = bytes.fromhex("00906ed50000")


def td_body(v15, td_attr=None, rtmrs=None, report_data=None):
    """TD quote body; td_attr (8 bytes), rtmrs (4 x 48) and report_data (64) override the patterns."""
    b = TEE_TCB_SVN[v15] + pattern("mrseam", 48) + pattern("mrsignerseam", 48)
    b += pattern("seam_attr", 8) + (td_attr or pattern("td_attr", 8)) + pattern("xfam", 8) + pattern("mrtd", 48)
    b += pattern("mrconfigid", 48) + pattern("mrowner", 48) + pattern("mrownerconfig", 48)
    for i in range(4):
        b += rtmrs[i] if rtmrs else pattern(f"rtmr{i}", 48)
    b += report_data if report_data is not None else pattern("report_data", 64)
    if v15:
        b += pattern("tee_tcb_svn2", 16) + pattern("mrservicetd", 48)
    return b


def tdx_quote(out, version, ak_key, pck_key, chain_pem, user_data=None, **body_fields):
    # Quote header (48 bytes): version, key type 2, TEE type 0x81, reserved, QE vendor id, user data
    hdr = struct.pack("<HHIHH", version, 2, 0x81, 0, 0) + pattern("qe_vendor", 16)
    hdr += (user_data or pattern("user_data", 20)).ljust(20, b"\0")
    if version == 4:
        signed = hdr + td_body(False, **body_fields)
    else:
        body = td_body(True, **body_fields)
        signed = hdr + struct.pack("<HI", 3, len(body)) + body
    ax, ay = ec_pub_xy(ak_key, 32)
    r, s = ecdsa_der_to_rs(sign(ak_key, "sha256", signed), 32)
    auth = pattern("qe_auth", 32)
    # QE report (SGX REPORT body, 384 bytes) whose REPORTDATA binds the attestation key
    rd = hashlib.sha256(ax + ay + auth).digest() + bytes(32)
    qe = pattern("qe_cpusvn", 16) + struct.pack("<I", 0) + bytes(28) + pattern("qe_attr", 16)
    qe += pattern("mrenclave", 32) + bytes(32) + pattern("mrsigner", 32) + bytes(96)
    qe += struct.pack("<HH", 1, 8) + bytes(60) + rd
    assert len(qe) == 384
    qr, qs = ecdsa_der_to_rs(sign(pck_key, "sha256", qe), 32)
    nested = struct.pack("<HI", 5, len(chain_pem)) + chain_pem
    qe_cert = qe + qr + qs + struct.pack("<H", len(auth)) + auth + nested
    sigdata = r + s + ax + ay + struct.pack("<HI", 6, len(qe_cert)) + qe_cert
    quote = signed + struct.pack("<I", len(sigdata)) + sigdata
    # every byte before the PEM chain is covered by a signature or checked structurally
    pem_start = len(quote) - len(chain_pem)
    return quote, [(0, pem_start)]


SNP_TCB = 0x1503000000000A04  # microcode 0x15, SNP 3, TEE 0x0a, boot loader 4


# Turin (family 1Ah) TCB_VERSION: byte 0 FMC, 1 boot loader, 2 TEE, 3 SNP, 4-6 reserved, 7 microcode
TURIN_SPL = {"fmc": 2, "boot_loader": 5, "tee": 1, "snp": 0x18, "microcode": 0x44}
TURIN_TCB = int.from_bytes(bytes([TURIN_SPL["fmc"], TURIN_SPL["boot_loader"], TURIN_SPL["tee"], TURIN_SPL["snp"],
                                  0, 0, 0, TURIN_SPL["microcode"]]), "little")
# VCEK/VLEK SPL extension numbers (1.3.6.1.4.1.3704.1.3.N)
SPL_OID = {"boot_loader": 1, "tee": 2, "snp": 3, "microcode": 8, "fmc": 9}


def snp_spl_ext(spl):
    return "".join(f"1.3.6.1.4.1.3704.1.3.{SPL_OID[k]}=ASN1:INTEGER:{v}\n" for k, v in spl.items())


SNP_POLICY = 0x30000  # bit 16 reserved (1), bit 17 SMT; bit 18 MIGRATE_MA and bit 19 DEBUG clear


def snp_report(out, vcek_key, version=3, tcb=SNP_TCB, cpuid=(0x19, 0x01, 0x01), signing_key=0, policy=SNP_POLICY,
               vmpl=0, report_data=None):
    r = struct.pack("<IIQ", version, 7, policy) + pattern("family", 16) + pattern("image", 16)
    r += struct.pack("<IIQQII", vmpl, 1, tcb, 1, signing_key << 2, 0)
    r += (report_data if report_data is not None else pattern("snp_report_data", 64)) + pattern("measurement", 48) + pattern("host_data", 32)
    r += pattern("id_key", 48) + pattern("author_key", 48) + pattern("report_id", 32) + pattern("report_id_ma", 32)
    r += struct.pack("<Q", tcb) + (bytes(cpuid) if version >= 3 else bytes(3)) + bytes(21)
    r += pattern("chip_id", 64) + struct.pack("<Q", tcb) + bytes([3, 55, 1, 0, 3, 55, 1, 0])
    r += struct.pack("<Q", tcb)
    r += struct.pack("<QQ", 0x11, 0x22) if version >= 5 else bytes(16)  # launch/current mitigation vectors
    r += bytes(0x2A0 - 0x208)
    assert len(r) == 0x2A0
    sr, ss = ecdsa_der_to_rs(sign(vcek_key, "sha384", r), 48)
    sig = sr[::-1] + bytes(24) + ss[::-1] + bytes(24)
    rep = r + sig + bytes(1184 - 0x2A0 - 144)
    assert len(rep) == 1184
    return rep, [(0, 0x2A0 + 144)]


def tpm_log_quote():
    """SHA-1 format (TCG_PCR_EVENT) log extending PCRs 0-7; quote with a SHA-256 pcrDigest over SHA-1 PCRs."""
    log = b""
    pcr = {i: bytes(20) for i in range(8)}
    for n in range(16):
        idx = n % 8
        data = f"event {n}".encode()
        d = hashlib.sha1(data).digest()
        log += struct.pack("<II", idx, 0x0D) + d + struct.pack("<I", len(data)) + data  # EV_IPL
        pcr[idx] = hashlib.sha1(pcr[idx] + d).digest()
    digest = hashlib.sha256(b"".join(pcr[i] for i in range(8))).digest()
    nonce = pattern("tpm_log_nonce", 16)
    a = struct.pack(">IH", 0xFF544347, 0x8018) + struct.pack(">H", 0) + struct.pack(">H", len(nonce)) + nonce
    a += struct.pack(">QIIB", 1, 1, 0, 1) + struct.pack(">Q", 1)
    a += struct.pack(">I", 1) + struct.pack(">HB", 0x0004, 3) + bytes([0xFF, 0, 0])
    a += struct.pack(">H", len(digest)) + digest
    return log, a, nonce


def tpm_quote(out, nonce=None):
    pcrs = {i: pattern(f"pcr{i}", 32) for i in range(8)}
    nonce = pattern("tpm_nonce", 20) if nonce is None else nonce
    digest = hashlib.sha256(b"".join(pcrs[i] for i in range(8))).digest()
    name = struct.pack(">H", 0x000B) + pattern("signer", 32)
    a = struct.pack(">IH", 0xFF544347, 0x8018)
    a += struct.pack(">H", len(name)) + name + struct.pack(">H", len(nonce)) + nonce
    a += struct.pack(">QIIB", 123456789, 3, 1, 1) + struct.pack(">Q", 0x2016051100162800)
    a += struct.pack(">I", 1) + struct.pack(">HB", 0x000B, 3) + bytes([0xFF, 0, 0])
    a += struct.pack(">H", len(digest)) + digest
    return a, nonce, pcrs


def der(tag, body):
    n = len(body)
    if n < 0x80:
        return bytes([tag, n]) + body
    ln = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(ln)]) + ln + body


def der_oid(dotted):
    parts = [int(x) for x in dotted.split(".")]
    out = bytes([40 * parts[0] + parts[1]])
    for v in parts[2:]:
        enc = [v & 0x7F]
        v >>= 7
        while v:
            enc.insert(0, 0x80 | (v & 0x7F))
            v >>= 7
        out += bytes(enc)
    return der(0x06, out)


def der_int(v):
    b = v.to_bytes(max(1, (v.bit_length() + 8) // 8), "big")
    return der(0x02, b)


def sgx_extension():
    """PCK certificate SGX extension (Intel PCK Certificate and CRL profile): PPID, TCB, PCE-ID, FMSPC."""
    base = "1.2.840.113741.1.13.1"
    tcb = b"".join(der(0x30, der_oid(f"{base}.2.{i + 1}") + der_int(v)) for i, v in enumerate(PCK_COMPS))
    tcb += der(0x30, der_oid(f"{base}.2.17") + der_int(PCK_PCESVN))
    tcb += der(0x30, der_oid(f"{base}.2.18") + der(0x04, bytes(PCK_COMPS)))
    body = der(0x30, der_oid(f"{base}.1") + der(0x04, pattern("ppid", 16)))
    body += der(0x30, der_oid(f"{base}.2") + der(0x30, tcb))
    body += der(0x30, der_oid(f"{base}.3") + der(0x04, bytes(2)))
    body += der(0x30, der_oid(f"{base}.4") + der(0x04, FMSPC))
    return der(0x30, body)


def iso(t):
    import time
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def signed_json(key, name, body):
    r, s = ecdsa_der_to_rs(sign(key, "sha256", body.encode()), 32)
    return ('{"' + name + '":' + body + ',"signature":"' + (r + s).hex() + '"}').encode()


def tdx_collateral(out, key, outdated):
    import json
    import time
    now = int(time.time())
    comps = lambda v: [{"svn": x} for x in v]
    # byte 2 is compared for both numberings: 5 in the v4 quote, 3 in the v5 (TDX 1.5) quote
    up_sgx, up_tdx = PCK_COMPS, [3, 0, 3] + [0] * 13
    if outdated:
        up_tdx = [3, 0, 6] + [0] * 13
    levels = [{"tcb": {"sgxtcbcomponents": comps(up_sgx), "pcesvn": PCK_PCESVN, "tdxtcbcomponents": comps(up_tdx)},
               "tcbDate": "2024-01-01T00:00:00Z", "tcbStatus": "UpToDate"},
              {"tcb": {"sgxtcbcomponents": comps([1, 1, 1, 1, 1, 1, 0, 1] + [0] * 8), "pcesvn": 5,
                       "tdxtcbcomponents": comps([1, 0, 1] + [0] * 13)},
               "tcbDate": "2022-01-01T00:00:00Z", "tcbStatus": "OutOfDate", "advisoryIDs": ["TEST-SA-1"]}]
    mod = {"mrsigner": pattern("mrsignerseam", 48).hex().upper(), "attributes": pattern("seam_attr", 8).hex(),
           "attributesMask": "FFFFFFFFFFFFFFFF"}
    ids = [dict(mod, id="TDX_01", tcbLevels=[{"tcb": {"isvsvn": 7}, "tcbDate": "2024-01-01T00:00:00Z",
                                               "tcbStatus": "UpToDate"}])]
    tcb = {"id": "TDX", "version": 3, "issueDate": iso(now - 86400), "nextUpdate": iso(now + 30 * 86400),
           "fmspc": FMSPC.hex(), "pceId": "0000", "tcbType": 0, "tcbEvaluationDataNumber": 1, "tdxModule": mod,
           "tdxModuleIdentities": ids, "tcbLevels": levels}
    # the signature covers these exact bytes; spacing is kept to prove no re-serialisation happens
    return signed_json(key, "tcbInfo", json.dumps(tcb, separators=(", ", ": ")))


def tdx_qe_identity(key):
    import json
    import time
    now = int(time.time())
    qe = {"id": "TD_QE", "version": 2, "issueDate": iso(now - 86400), "nextUpdate": iso(now + 30 * 86400),
          "tcbEvaluationDataNumber": 1, "miscselect": "00000000", "miscselectMask": "FFFFFFFF",
          "attributes": pattern("qe_attr", 16).hex().upper(), "attributesMask": "FBFFFFFFFFFFFFFF0000000000000000",
          "mrsigner": pattern("mrsigner", 32).hex().upper(), "isvprodid": 1,
          "tcbLevels": [{"tcb": {"isvsvn": 8}, "tcbDate": "2024-01-01T00:00:00Z", "tcbStatus": "UpToDate"},
                        {"tcb": {"isvsvn": 1}, "tcbDate": "2022-01-01T00:00:00Z", "tcbStatus": "OutOfDate"}]}
    return signed_json(key, "enclaveIdentity", json.dumps(qe, separators=(",", ":")))


def cbor_head(major, n):
    if n < 24:
        return bytes([major << 5 | n])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if n < (1 << (8 * size)):
            return bytes([major << 5 | info]) + n.to_bytes(size, "big")
    raise ValueError(n)


def cbor(v):
    """Minimal CBOR encoder: int, bytes, str, list, dict, ("tag", n, value)."""
    if isinstance(v, tuple):
        return cbor_head(6, v[1]) + cbor(v[2])
    if isinstance(v, bool):
        raise TypeError
    if isinstance(v, int):
        return cbor_head(0, v) if v >= 0 else cbor_head(1, -1 - v)
    if isinstance(v, bytes):
        return cbor_head(2, len(v)) + v
    if isinstance(v, str):
        return cbor_head(3, len(v.encode())) + v.encode()
    if isinstance(v, list):
        return cbor_head(4, len(v)) + b"".join(cbor(x) for x in v)
    if isinstance(v, dict):
        return cbor_head(5, len(v)) + b"".join(cbor(k) + cbor(x) for k, x in v.items())
    raise TypeError(type(v))


def cose_sign1(key, claims):
    """COSE_Sign1 (tag 18) with ES384 (alg -35); signature r || s over the Sig_structure."""
    prot = cbor({1: -35})
    payload = cbor(claims)
    tbs = cbor(["Signature1", prot, b"", payload])
    r, s = ecdsa_der_to_rs(sign(key, "sha384", tbs), 48)
    return cbor(("tag", 18, [prot, {}, payload, r + s]))


def cose_mac0(key, claims, alg):
    """COSE_Mac0 (tag 17): HMAC over the MAC_structure ["MAC0", protected, h'', payload] (RFC 9052, 6.3)."""
    prot = cbor({1: alg})
    payload = cbor(claims)
    md = {5: "sha256", 6: "sha384"}[alg]
    tag = hmac.new(key, cbor(["MAC0", prot, b"", payload]), md).digest()
    return cbor(("tag", 17, [prot, {}, payload, tag]))


PSA_CLAIMS = {265: "http://arm.com/psa/2.0.0", 10: pattern("psa_challenge", 32), 2396: pattern("psa_impl", 32),
              256: b"\x01" + pattern("psa_inst", 32), 2395: 0x3000, 2399: [{1: "BL", 2: pattern("psa_bl", 32)}]}


def cca_token(out, cpak_key, rak_key, cose_key=False, challenge=None):
    rx, ry = ec_pub_xy(rak_key, 48)
    rak = cbor({1: 2, -1: 2, -2: rx, -3: ry}) if cose_key else b"\x04" + rx + ry
    realm = {10: pattern("realm_challenge", 64) if challenge is None else challenge, 44235: pattern("perso", 64), 44236: "sha-256", 44237: rak,
             44238: pattern("rim", 32), 44239: [pattern(f"rem{i}", 32) for i in range(4)], 44240: "sha-256"}
    platform = {265: "tag:arm.com,2023:cca_platform#1.0.0", 10: hashlib.sha256(rak).digest(),
                2396: pattern("impl_id", 32), 256: b"\x01" + pattern("inst_id", 32), 2395: 0x3003,
                2399: [{1: "BL", 2: pattern("bl", 32)}], 2402: "sha-256"}
    plat_tok = cose_sign1(cpak_key, platform)
    realm_tok = cose_sign1(rak_key, realm)
    return cbor(("tag", 399, {44234: plat_tok, 44241: realm_tok})), len(plat_tok), len(realm_tok)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    p = lambda n: os.path.join(out, n)
    # TDX: root -> intermediate -> PCK leaf (P-256), attestation key (P-256)
    for k in ("tdx-root.key", "tdx-int.key", "tdx-pck.key", "tdx-ak.key"):
        genkey(p(k), curve="P-256")
    root = make_ca(out, "tdx-root", p("tdx-root.key"), "/CN=Test SGX Root CA/O=cctrusted tests")
    inter = make_ca(out, "tdx-int", p("tdx-int.key"), "/CN=Test SGX PCK Platform CA/O=cctrusted tests", root,
                    p("tdx-root.key"))
    leaf = make_ca(out, "tdx-pck", p("tdx-pck.key"), "/CN=Test SGX PCK Certificate/O=cctrusted tests", inter,
                   p("tdx-int.key"), ca=False, extra="1.2.840.113741.1.13.1=DER:" + sgx_extension().hex() + "\n")
    genkey(p("tdx-tcb.key"), curve="P-256")
    tcbcert = make_ca(out, "tdx-tcb", p("tdx-tcb.key"), "/CN=Test SGX TCB Signing/O=cctrusted tests", root,
                      p("tdx-root.key"), ca=False)
    write(out, "tdx-tcb-signing.pem", open(tcbcert, "rb").read() + open(root, "rb").read())
    write(out, "tdx-tcbinfo.json", tdx_collateral(out, p("tdx-tcb.key"), False))
    write(out, "tdx-tcbinfo-outdated.json", tdx_collateral(out, p("tdx-tcb.key"), True))
    write(out, "tdx-qeid.json", tdx_qe_identity(p("tdx-tcb.key")))
    chain = b"".join(open(f, "rb").read() for f in (leaf, inter, root)) + b"\0"
    for v in (4, 5):
        q, ranges = tdx_quote(out, v, p("tdx-ak.key"), p("tdx-pck.key"), chain)
        write(out, f"tdx-v{v}.quote", q)
        write(out, f"tdx-v{v}.ranges", "".join(f"{a} {b}\n" for a, b in ranges).encode())
        if v == 4:
            write(out, "tdx-v4-padded.quote", q + bytes(300))
    # Policy variants of the v4 quote: TDATTRIBUTES.DEBUG (bit 0) set; all-zero REPORTDATA
    attr = bytearray(pattern("td_attr", 8))
    attr[0] |= 1
    write(out, "tdx-debug.quote", tdx_quote(out, 4, p("tdx-ak.key"), p("tdx-pck.key"), chain, td_attr=bytes(attr))[0])
    write(out, "tdx-zero-rd.quote",
          tdx_quote(out, 4, p("tdx-ak.key"), p("tdx-pck.key"), chain, report_data=bytes(64))[0])
    # SNP: ARK (P-384, self-signed) -> ASK -> VCEK
    for k in ("snp-ark.key", "snp-ask.key", "snp-vcek.key"):
        genkey(p(k), curve="P-384")
    ark = make_ca(out, "snp-ark", p("snp-ark.key"), "/CN=Test ARK/O=cctrusted tests")
    ask = make_ca(out, "snp-ask", p("snp-ask.key"), "/CN=Test ASK/O=cctrusted tests", ark, p("snp-ark.key"))
    # VCEK extensions (AMD VCEK certificate spec): SPLs of REPORTED_TCB and hwID = CHIP_ID (raw 64 bytes)
    t = SNP_TCB
    spl = {1: t & 0xFF, 2: (t >> 8) & 0xFF, 3: (t >> 48) & 0xFF, 8: t >> 56}
    extra = "".join(f"1.3.6.1.4.1.3704.1.3.{k}=ASN1:INTEGER:{v}\n" for k, v in spl.items())
    extra += "1.3.6.1.4.1.3704.1.4=DER:" + pattern("chip_id", 64).hex() + "\n"
    vcek = make_ca(out, "snp-vcek", p("snp-vcek.key"), "/CN=Test VCEK/O=cctrusted tests", ask, p("snp-ask.key"),
                   ca=False, extra=extra)
    write(out, "snp-certs.pem", open(vcek, "rb").read() + open(ask, "rb").read())
    # GHCB extended-report certificate table: GUID, offset, length entries, then an all-zero entry
    vder = run("x509", "-in", vcek, "-outform", "DER")
    ader = run("x509", "-in", ask, "-outform", "DER")
    guid_vcek = bytes.fromhex("63da758de6644564adc5f4b93be8accd")
    guid_ask = bytes.fromhex("4ab7b379bbac4fe4a02f05aef327c782")
    base = 24 * 3
    table = guid_vcek + struct.pack("<II", base, len(vder)) + guid_ask + struct.pack("<II", base + len(vder), len(ader))
    table += bytes(24) + vder + ader
    write(out, "snp-certtable.bin", table)
    rep, ranges = snp_report(out, p("snp-vcek.key"))
    write(out, "snp.report", rep)
    write(out, "snp-v5.report", snp_report(out, p("snp-vcek.key"), 5)[0])
    # Guest policy / VMPL variants: DEBUG (bit 19), MIGRATE_MA (bit 18), VMPL 2, all-zero REPORT_DATA
    write(out, "snp-debug.report", snp_report(out, p("snp-vcek.key"), policy=SNP_POLICY | 1 << 19)[0])
    write(out, "snp-ma.report", snp_report(out, p("snp-vcek.key"), policy=SNP_POLICY | 1 << 18)[0])
    write(out, "snp-vmpl2.report", snp_report(out, p("snp-vcek.key"), vmpl=2)[0])
    write(out, "snp-zero-rd.report", snp_report(out, p("snp-vcek.key"), report_data=bytes(64))[0])
    write(out, "snp.ranges", "".join(f"{a} {b}\n" for a, b in ranges).encode())
    for n in (20, 4000):
        write(out, f"snp-trailing{n}.report", rep + pattern("next_structure", n))
    # Turin (family 1Ah, model 02h): VCEK with the five SPLs incl. FMC, productName "Turin-B0"
    genkey(p("snp-turin-vcek.key"), curve="P-384")
    for name, fmc in (("snp-turin-vcek", TURIN_SPL["fmc"]), ("snp-turin-badfmc", TURIN_SPL["fmc"] + 1)):
        extra = snp_spl_ext(dict(TURIN_SPL, fmc=fmc)) + "1.3.6.1.4.1.3704.1.4=DER:" + pattern("chip_id", 64).hex()
        extra += "\n1.3.6.1.4.1.3704.1.2=ASN1:IA5STRING:Turin-B0\n"
        c = make_ca(out, name, p("snp-turin-vcek.key"), "/CN=Test VCEK/O=cctrusted tests", ask, p("snp-ask.key"),
                    ca=False, extra=extra)
        write(out, name.replace("-vcek", "") + "-certs.pem", open(c, "rb").read() + open(ask, "rb").read())
    write(out, "snp-turin.report", snp_report(out, p("snp-turin-vcek.key"), 3, TURIN_TCB, (0x1A, 0x02, 0x00))[0])
    write(out, "snp-turin-v2.report", snp_report(out, p("snp-turin-vcek.key"), 2, TURIN_TCB)[0])
    # VLEK (SIGNING_KEY 1): own ARK -> ASVK -> VLEK (CSP ID extension, no hwID); Genoa v3 report (19h/11h)
    for k in ("snp-vlek-ark.key", "snp-asvk.key", "snp-asvk-wrong.key", "snp-vlek.key"):
        genkey(p(k), curve="P-384")
    vark = make_ca(out, "snp-vlek-ark", p("snp-vlek-ark.key"), "/CN=Test ARK VLEK/O=cctrusted tests")
    asvk = make_ca(out, "snp-asvk", p("snp-asvk.key"), "/CN=Test ASVK/O=cctrusted tests", vark, p("snp-vlek-ark.key"))
    wrong = make_ca(out, "snp-asvk-wrong", p("snp-asvk-wrong.key"), "/CN=Test ASVK/O=cctrusted tests", vark,
                    p("snp-vlek-ark.key"))
    vspl = {"boot_loader": SNP_TCB & 0xFF, "tee": (SNP_TCB >> 8) & 0xFF, "snp": (SNP_TCB >> 48) & 0xFF,
            "microcode": SNP_TCB >> 56}
    vlek = make_ca(out, "snp-vlek", p("snp-vlek.key"), "/CN=Test VLEK/O=cctrusted tests", asvk, p("snp-asvk.key"),
                   ca=False, extra=snp_spl_ext(vspl) + "1.3.6.1.4.1.3704.1.5=ASN1:UTF8String:test-csp\n")
    write(out, "snp-vlek-certs.pem", open(vlek, "rb").read() + open(asvk, "rb").read())
    write(out, "snp-vlek-wrongasvk-certs.pem", open(vlek, "rb").read() + open(wrong, "rb").read())
    write(out, "snp-vlek.report", snp_report(out, p("snp-vlek.key"), 3, SNP_TCB, (0x19, 0x11, 0x01), 1)[0])
    # TPM: RSA-2048 and ECDSA P-256 AKs
    genkey(p("tpm-ak.key"), rsa=2048)
    genkey(p("tpm-ecc-ak.key"), curve="P-256")
    run("pkey", "-in", p("tpm-ak.key"), "-pubout", "-out", p("tpm-ak.pem"))
    run("pkey", "-in", p("tpm-ecc-ak.key"), "-pubout", "-out", p("tpm-ecc-ak.pem"))
    att, nonce, pcrs = tpm_quote(out)
    write(out, "tpm.attest", att)
    rsig = sign(p("tpm-ak.key"), "sha256", att)
    write(out, "tpm.sig", struct.pack(">HHH", 0x0014, 0x000B, len(rsig)) + rsig)
    er, es = ecdsa_der_to_rs(sign(p("tpm-ecc-ak.key"), "sha256", att), 32)
    write(out, "tpm-ecc.sig", struct.pack(">HHH", 0x0018, 0x000B, 32) + er + struct.pack(">H", 32) + es)
    write(out, "tpm.nonce", nonce.hex().encode())
    log, latt, lnonce = tpm_log_quote()
    write(out, "tpm-sha1.log", log)
    write(out, "tpm-log.attest", latt)
    lsig = sign(p("tpm-ak.key"), "sha256", latt)
    write(out, "tpm-log.sig", struct.pack(">HHH", 0x0014, 0x000B, len(lsig)) + lsig)
    write(out, "tpm-log.nonce", lnonce.hex().encode())
    write(out, "tpm.pcrs", "".join(f"sha256:{i}={v.hex()}\n" for i, v in pcrs.items()).encode())
    # TDREPORT_STRUCT: REPORTMACSTRUCT, TEE_TCB_INFO (+17 reserved), TDINFO
    mac = bytes([0x81, 0, 0, 0]) + bytes(12) + pattern("cpusvn", 16) + pattern("tcbinfo_hash", 48)
    mac += pattern("teeinfo_hash", 48) + pattern("tdr_report_data", 64) + bytes(32) + pattern("mac", 32)
    tcb = pattern("valid", 8) + pattern("tee_tcb_svn", 16) + pattern("mrseam", 48) + pattern("mrsignerseam", 48)
    tcb += pattern("seam_attr", 8) + bytes(16 + 95 + 17)
    info = pattern("td_attr", 8) + pattern("xfam", 8) + pattern("mrtd", 48) + pattern("mrconfigid", 48)
    info += pattern("mrowner", 48) + pattern("mrownerconfig", 48)
    for i in range(4):
        info += pattern(f"rtmr{i}", 48)
    info += pattern("servtd", 48) + bytes(64)
    tdr = mac + tcb + info
    assert len(tdr) == 1024
    write(out, "tdreport.bin", tdr)
    # CCA: CPAK and RAK (P-384)
    genkey(p("cca-cpak.key"), curve="P-384")
    genkey(p("cca-rak.key"), curve="P-384")
    run("pkey", "-in", p("cca-cpak.key"), "-pubout", "-out", p("cca-cpak.pem"))
    tok, plen, rlen = cca_token(out, p("cca-cpak.key"), p("cca-rak.key"))
    write(out, "cca.token", tok)
    write(out, "cca.ranges", f"0 {len(tok)}\n".encode())
    write(out, "cca-cosekey.token", cca_token(out, p("cca-cpak.key"), p("cca-rak.key"), cose_key=True)[0])
    # PSA COSE_Mac0: a fresh random key per run, and a wrong one
    mac_key = os.urandom(32)
    write(out, "psa-mac.key", mac_key)
    write(out, "psa-mac-wrong.key", os.urandom(32))
    write(out, "psa-mac0.token", cose_mac0(mac_key, PSA_CLAIMS, 5))
    write(out, "psa-mac0-384.token", cose_mac0(mac_key, PSA_CLAIMS, 6))
    # Evidence bound to a report request, with REPORTDATA = SHA-512(nonce || data) computed here
    req_nonce, req_data = pattern("req_nonce", 24), pattern("req_data", 40)
    rd = hashlib.sha512(req_nonce + req_data).digest()
    write(out, "req.nonce", req_nonce.hex().encode())
    write(out, "req.data", req_data.hex().encode())
    write(out, "tdx-req.quote", tdx_quote(out, 4, p("tdx-ak.key"), p("tdx-pck.key"), chain, report_data=rd)[0])
    write(out, "snp-req.report", snp_report(out, p("snp-vcek.key"), report_data=rd)[0])
    for name, qd in (("tpm-req", rd), ("tpm-req32", rd[:32])):
        a = tpm_quote(out, qd)[0]
        write(out, name + ".attest", a)
        sig = sign(p("tpm-ak.key"), "sha256", a)
        write(out, name + ".sig", struct.pack(">HHH", 0x0014, 0x000B, len(sig)) + sig)
    write(out, "cca-req.token", cca_token(out, p("cca-cpak.key"), p("cca-rak.key"), challenge=rd)[0])


if __name__ == "__main__":
    main()
