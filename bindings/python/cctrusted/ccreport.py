# SPDX-License-Identifier: Apache-2.0
"""Reports and quotes in the seed SDK's shape: CcReport and its subclasses for a
TDX quote (TdxQuote, with the seed's header/body/signature objects), an SEV-SNP
report (SnpReport), a TPM quote (Tpm2Quote) and an Arm CCA token (CcaToken).

Every field comes from the library's parsers (cct_tdx_quote_parse,
cct_snp_report_parse, cct_tpm_attest_parse, cct_cca_token_parse); verify()
runs the library's verifier and returns its named checks.
"""
import ctypes
import enum
from typing import Any, Dict, List, Optional, Tuple, Union

from . import _lib as L
from ._common import CCTrustedError, Buffer, alg_id, as_bytes, copy, cstr, text, time_arg
from .binaryblob import LOG, BinaryBlob

DUMP_FORMAT_RAW = "raw"
DUMP_FORMAT_HUMAN = "human"

# EvidenceApi TYPE_CC_* values
TYPE_CC_NONE = -1
TYPE_CC_TPM = 0
TYPE_CC_TDX = 1
TYPE_CC_SEV = 2
TYPE_CC_CCA = 3


def _info(s: str) -> None:
    LOG.info("%s", s)


def _b(arr) -> bytes:
    return bytes(arr)


_STATUS = {0: "failed", 1: "passed", 2: "not-checked"}


class Check:
    """One named check of a verification: name, ok, detail, and status
    ("passed", "failed", or "not-checked": not judged, the detail says what
    stays unverified)."""

    __slots__ = ("name", "ok", "detail", "status")

    def __init__(self, name: str, ok: bool, detail: str, status: str = None) -> None:
        self.name = name
        self.ok = ok
        self.detail = detail
        self.status = status or ("passed" if ok else "failed")

    def __repr__(self) -> str:
        label = {"passed": "ok", "failed": "FAILED"}.get(self.status, self.status)
        return "<Check %s %s: %s>" % (self.name, label, self.detail)


class VerifyResult:
    """Outcome of verify(): ``ok`` (True only when every check ran and passed),
    ``type`` ("tdx", "snp", "tpm", "cca"), ``checks`` (list of Check), ``dropped``
    (checks that did not fit, counted as failures), ``error`` (CCTrustedError when
    the evidence or the inputs could not be used, else None). Truthy when ok."""

    def __init__(
        self,
        ok: bool,
        type_name: str,
        checks: List[Check],
        dropped: int,
        error: Optional[CCTrustedError],
    ) -> None:
        self.ok = ok
        self.type = type_name
        self.checks = checks
        self.dropped = dropped
        self.error = error

    def __bool__(self) -> bool:
        return self.ok

    @property
    def failed(self) -> List[Check]:
        """The checks that failed."""
        return [c for c in self.checks if c.status == "failed"]

    @property
    def unchecked(self) -> List[Check]:
        """The checks that were not judged (what the verdict does not cover)."""
        return [c for c in self.checks if c.status == "not-checked"]

    def __repr__(self) -> str:
        return "<VerifyResult %s %s, %d checks%s>" % (
            self.type,
            "ok" if self.ok else "FAILED",
            len(self.checks),
            ", %d failed" % len(self.failed) if self.failed else "",
        )


def _pem_or_bytes(v: Union[None, str, bytes]) -> Optional[bytes]:
    if v is None:
        return None
    if isinstance(v, str):
        return v.encode()
    return bytes(v)


def _parse_pcr_text(lib, text: Union[str, bytes]):
    """PCR values in the register-value format, parsed by the library; (array, count)."""
    buf = Buffer(text.encode() if isinstance(text, str) else bytes(text))
    arr = (L.cct_pcr_value * L.CCT_MAX_PCR_VALUES)()
    n = ctypes.c_size_t(0)
    err = L.cct_error()
    r = lib.cct_pcr_values_parse(
        buf.ptr,
        buf.size,
        ctypes.cast(arr, ctypes.c_void_p),
        L.CCT_MAX_PCR_VALUES,
        ctypes.byref(n),
        ctypes.byref(err),
    )
    if r < 0:
        raise CCTrustedError.from_struct(r, err)
    if n.value == 0:
        raise CCTrustedError(-1, "no PCR values in the text")
    return arr, n.value


def verify_bytes(
    evidence: bytes,
    /,
    certs=None,
    root=None,
    at=None,
    nonce=None,
    signature=None,
    ak=None,
    cpak=None,
    collateral=None,
    pcrs=None,
    mac_key=None,
    allow_sim=False,
    allow_debug=False,
    allow_migration_agent=False,
    vmpl=None,
    data=None,
    report_data=None,
    min_tcb=None,
    accept_tcb_status=None,
    require_collateral=False,
) -> VerifyResult:
    """Run the library's verifier for the evidence (type detected).

    certs/root: PEM or DER bytes (or PEM text); at: seconds since the epoch, or a
    time string the library parses ("2024-02-20", "@1700000000"); nonce, data: the
    nonce and user data the report was requested with (bytes, or base64 text as for
    get_cc_report): the library derives the expected REPORTDATA / REPORT_DATA / TPM
    qualifying data / CCA challenge as get_cc_report does, SHA-512(nonce || data);
    report_data: the raw expected value instead (TPM qualifying data, CCA challenge,
    or a REPORTDATA prefix; b"" expects all zero / empty), exclusive with nonce and
    data; min_tcb: SNP minimum TCB per component, "bootloader=3,tee=0,snp=8,
    microcode=115" (fmc=N on Turin); signature, ak: TPM signature and
    key; cpak: CCA platform key (PEM); collateral: TDX collateral JSON; pcrs: TPM PCR
    values as {(index, alg): bytes} or [(index, alg, bytes)], or text (str/bytes) in the
    library's register-value format ("PCR7 sha256 HEX" lines, "sha256:PCR7=HEX" tokens, the
    JSON of `cctrusted measurement --json`; parsed by cct_pcr_values_parse); mac_key: the
    HMAC key of a
    PSA COSE_Mac0 token; allow_sim: accept the simulated platform's root; allow_debug:
    accept a debug TD / SNP guest; allow_migration_agent: accept an SNP migration agent;
    vmpl: the SNP VMPL the report must have; accept_tcb_status: TDX, Intel TCB status
    names accepted besides UpToDate ("SWHardeningNeeded,ConfigurationNeeded" or a list);
    require_collateral: TDX, no collateral fails "tcb-status" instead of not-checked."""
    lib = L.lib()
    o = L.cct_verify_options()
    o.version = L.CCT_VERIFY_OPTIONS_VERSION
    keep: List[Any] = []

    def put(field: str, value, what: Optional[str] = None) -> None:
        """PEM text or bytes; with ``what``, bytes or base64 text (as get_cc_report takes)."""
        v = _pem_or_bytes(value) if what is None else as_bytes(value, what)
        if v is None:
            return
        buf = Buffer(v)
        keep.append(buf)
        setattr(o, field, buf.ptr)
        setattr(o, field + "_len", buf.size)

    put("certs", certs)
    put("root", root)
    put("nonce", report_data, "report_data")
    put("request_nonce", nonce, "nonce")
    put("request_user_data", data, "data")
    if min_tcb is not None:
        spec = Buffer(str(min_tcb).encode() + b"\0")
        keep.append(spec)
        o.snp_min_tcb = spec.ptr
    put("signature", signature)
    put("ak", ak)
    put("cpak", cpak)
    put("collateral", collateral)
    put("mac_key", mac_key)
    o.allow_simulation = int(bool(allow_sim))
    o.allow_debug = int(bool(allow_debug))
    o.allow_migration_agent = int(bool(allow_migration_agent))
    if vmpl is not None:
        o.have_vmpl = 1
        o.vmpl = int(vmpl)
    if at is not None:
        o.have_at = 1
        o.at = time_arg(at)
    if accept_tcb_status:
        names = accept_tcb_status if isinstance(accept_tcb_status, str) else ",".join(accept_tcb_status)
        spec = Buffer(names.encode() + b"\0")
        keep.append(spec)
        o.accept_tcb_status = spec.ptr
    o.require_collateral = int(bool(require_collateral))
    if isinstance(pcrs, (str, bytes)):
        arr, n = _parse_pcr_text(lib, pcrs)
        keep.append(arr)
        o.pcrs = ctypes.cast(arr, ctypes.c_void_p)
        o.n_pcrs = n
        pcrs = None
    if pcrs:
        items = list(pcrs.items()) if isinstance(pcrs, dict) else [((i, a), d) for i, a, d in pcrs]
        if len(items) > L.CCT_MAX_PCR_VALUES:
            raise CCTrustedError(-8, "at most %d PCR values" % L.CCT_MAX_PCR_VALUES)
        arr = (L.cct_pcr_value * len(items))()
        for k, ((index, alg), digest) in enumerate(items):
            arr[k].index = index
            arr[k].alg = alg_id(alg)
            d = bytes(digest)
            ctypes.memmove(arr[k].digest, d, min(len(d), 64))
        keep.append(arr)
        o.pcrs = ctypes.cast(arr, ctypes.c_void_p)
        o.n_pcrs = len(items)
    buf = Buffer(bytes(evidence))
    res = L.cct_verify_result()
    res.size = ctypes.sizeof(res)
    err = L.cct_error()
    r = lib.cct_verify_report(
        buf.ptr, buf.size, ctypes.byref(o), ctypes.byref(res), ctypes.byref(err)
    )
    checks = [
        Check(cstr(c.name), bool(c.ok), cstr(c.detail), _STATUS.get(c.status, "failed"))
        for c in res.checks[: min(res.n_checks, L.CCT_MAX_CHECKS)]
    ]
    error = None
    if r < 0 and r != -7:
        error = CCTrustedError.from_struct(r, err)
    ok = r == 0 and bool(res.ok) and res.dropped == 0 and len(checks) > 0
    return VerifyResult(ok, L.REPORT_TYPES.get(res.type, "unknown"), checks, res.dropped, error)


def report_type(data: bytes) -> str:
    """The library's guess of the evidence type: "tdx", "tdreport", "snp", "tpm",
    "cca", "sgx", "hcl" or "unknown"."""
    buf = Buffer(bytes(data))
    t = ctypes.c_int(0)
    r = L.lib().cct_report_detect(buf.ptr, buf.size, ctypes.byref(t))
    if r < 0:
        raise CCTrustedError(r, "cannot detect the report type")
    return L.REPORT_TYPES.get(t.value, "unknown")


class CcReportData(BinaryBlob):
    """The signed data of a report."""


class CcReportSignature(BinaryBlob):
    """The signature part of a report."""


class CcReport(BinaryBlob):
    """A report or quote: the raw bytes (``data``), ``cc_type`` (EvidenceApi TYPE_CC_*),
    ``cc_aux_blob``, ``cc_report_generation``, ``cc_provider``."""

    def __init__(
        self,
        data: bytes,
        cc_type: int,
        aux_blob: Optional[bytes] = None,
        generation: Optional[int] = None,
        provider: Optional[str] = None,
    ) -> None:
        super().__init__(bytes(data))
        self._cc_type = cc_type
        self._cc_aux_blob = aux_blob
        self._cc_report_generation = generation
        self._cc_provider = provider
        self.key: Optional[bytes] = None
        self.reportdata_requested: Optional[bytes] = None

    @property
    def cc_type(self) -> int:
        return self._cc_type

    @property
    def cc_aux_blob(self) -> Optional[bytes]:
        return self._cc_aux_blob

    @property
    def cc_report_generation(self) -> Optional[int]:
        return self._cc_report_generation

    @property
    def cc_provider(self) -> Optional[str]:
        return self._cc_provider

    def get_quoted_data(self) -> Any:
        raise NotImplementedError

    def get_sig(self) -> Any:
        raise NotImplementedError

    def dump(self, is_raw: bool = True) -> None:
        BinaryBlob.dump(self)

    def _verify_defaults(self) -> Dict[str, Any]:
        return {}

    def verify(self, **opts: Any) -> VerifyResult:
        """Verify with the library (fails closed); keyword options as verify_bytes().
        Returns a VerifyResult with every check the library ran."""
        merged = self._verify_defaults()
        if any(opts.get(k) is not None for k in ("nonce", "data", "report_data")):
            merged.pop("report_data", None)  # the caller's expected value replaces the default
        merged.update({k: v for k, v in opts.items() if v is not None})
        return verify_bytes(self.data, **merged)


# ---------------------------------------------------------------- TDX quote


class AttestationKeyType(enum.Enum):
    """Attestation key type of a TDX quote header."""

    ECDSA_P256 = 2
    ECDSA_P384 = 3


class TeeType(enum.Enum):
    """TEE type of a quote header."""

    TEE_SGX = 0x00000000
    TEE_TDX = 0x00000081


class QeCertDataType(enum.Enum):
    """QE certification data types."""

    PCK_ID_PLAIN = 1
    PCK_ID_RSA_2048_OAEP = 2
    PCK_ID_RSA_3072_OAEP = 3
    PCK_LEAF_CERT_PLAIN = 4
    PCK_CERT_CHAIN = 5
    QE_REPORT_CERT = 6
    PLATFORM_MANIFEST = 7


QE_VENDOR_INTEL_SGX = "939a7233f79c4ca9940a0db3957f0607"


def _enum(cls, v):
    try:
        return cls(v)
    except ValueError:
        return v


class TdxQuoteHeader(BinaryBlob):
    """Header: ver, ak_type, tee_type, reserved_1 (QE SVN), reserved_2 (PCE SVN),
    qe_vendor, user_data."""

    def __init__(self, raw: bytes, q) -> None:
        super().__init__(raw)
        self.ver = q.version
        self.ak_type = _enum(AttestationKeyType, q.att_key_type)
        self.tee_type = _enum(TeeType, q.tee_type)
        self.reserved_1 = int(q.qe_svn).to_bytes(2, "little")
        self.reserved_2 = int(q.pce_svn).to_bytes(2, "little")
        self.qe_vendor = _b(q.qe_vendor_id)
        self.user_data = _b(q.user_data)

    def dump(self, fmt: str = DUMP_FORMAT_RAW, indent: str = "") -> None:
        _info("%sTD Quote Header:" % indent)
        if fmt != DUMP_FORMAT_HUMAN:
            BinaryBlob.dump(self)
            return
        i = indent + "  "
        _info("%sHeader Version: %s" % (i, self.ver))
        _info("%sAttestation Key Type: %s" % (i, self.ak_type))
        _info("%sTEE Type: %s" % (i, self.tee_type))
        _info("%sReserved 1: 0x%s" % (i, self.reserved_1.hex()))
        _info("%sReserved 2: 0x%s" % (i, self.reserved_2.hex()))
        vendor = (
            " # Intel\u00ae SGX QE Vendor" if self.qe_vendor.hex() == QE_VENDOR_INTEL_SGX else ""
        )
        _info("%sQE Vendor ID: 0x%s%s" % (i, self.qe_vendor.hex(), vendor))
        _info("%sUser Data: 0x%s" % (i, self.user_data.hex()))


class TdxQuoteTeeTcbSvn(BinaryBlob):
    """TEE_TCB_SVN (16 bytes)."""

    def dump(self, fmt: str = DUMP_FORMAT_RAW, indent: str = "") -> None:
        _info("%s%s:" % (indent, type(self).__name__))
        if fmt != DUMP_FORMAT_HUMAN:
            BinaryBlob.dump(self)
            return
        for n, v in enumerate(bytes(self.data), 1):
            _info("%s  tdxtcbcomp%02d: %d" % (indent, n, v))


_BODY_FIELDS = [
    ("MRSEAM", "mrseam"),
    ("MRSIGNERSEAM", "mrsignerseam"),
    ("SEAMATTRIBUTES", "seamattributes"),
    ("TDATTRIBUTES", "tdattributes"),
    ("XFAM", "xfam"),
    ("MRTD", "mrtd"),
    ("MRCONFIG", "mrconfig"),
    ("MROWNER", "mrowner"),
    ("MROWNERCONFIG", "mrownerconfig"),
    ("RTMR0", "rtmr0"),
    ("RTMR1", "rtmr1"),
    ("RTMR2", "rtmr2"),
    ("RTMR3", "rtmr3"),
    ("REPORTDATA", "reportdata"),
]


class TdxQuoteBody(CcReportData):
    """TD quote body: tee_tcb_svn, mrseam, mrsignerseam, seamattributes, tdattributes,
    xfam, mrtd, mrconfig, mrowner, mrownerconfig, rtmr0-3, reportdata; TDX 1.5 bodies
    also tee_tcb_svn2 and mrservicetd."""

    def __init__(self, raw: bytes, b) -> None:
        super().__init__(raw)
        self.tee_tcb_svn = TdxQuoteTeeTcbSvn(_b(b.tee_tcb_svn))
        self.mrseam = _b(b.mrseam)
        self.mrsignerseam = _b(b.mrsignerseam)
        self.seamattributes = _b(b.seam_attributes)
        self.tdattributes = _b(b.td_attributes)
        self.xfam = _b(b.xfam)
        self.mrtd = _b(b.mrtd)
        self.mrconfig = _b(b.mrconfigid)
        self.mrowner = _b(b.mrowner)
        self.mrownerconfig = _b(b.mrownerconfig)
        self.rtmr0, self.rtmr1, self.rtmr2, self.rtmr3 = (_b(b.rtmr[i]) for i in range(4))
        self.reportdata = _b(b.report_data)
        self.is_v15 = bool(b.is_v15)
        self.tee_tcb_svn2 = _b(b.tee_tcb_svn2) if b.is_v15 else None
        self.mrservicetd = _b(b.mrservicetd) if b.is_v15 else None

    @property
    def rtmrs(self) -> List[bytes]:
        """[rtmr0, rtmr1, rtmr2, rtmr3]."""
        return [self.rtmr0, self.rtmr1, self.rtmr2, self.rtmr3]

    def dump(self, fmt: str = DUMP_FORMAT_RAW, indent: str = "") -> None:
        _info("%sTD Quote Body:" % indent)
        if fmt != DUMP_FORMAT_HUMAN:
            BinaryBlob.dump(self)
            return
        i = indent + "  "
        self.tee_tcb_svn.dump(fmt, i)
        for label, attr in _BODY_FIELDS:
            _info("%s%s: 0x%s" % (i, label, getattr(self, attr).hex()))
        if self.is_v15:
            _info("%sTEE_TCB_SVN_2: 0x%s" % (i, self.tee_tcb_svn2.hex()))
            _info("%sMRSERVICETD: 0x%s" % (i, self.mrservicetd.hex()))


class TdxEnclaveReportBody(BinaryBlob):
    """The QE's SGX report body: cpu_svn, miscselect, attributes, mrenclave, mrsigner,
    isv_prodid, isv_svn, report_data (reserved_1..4: the reserved bytes)."""

    def __init__(self, raw: bytes, r) -> None:
        super().__init__(raw)
        self.cpu_svn = _b(r.cpu_svn)
        self.miscselect = r.misc_select
        self.attributes = _b(r.attributes)
        self.mrenclave = _b(r.mr_enclave)
        self.mrsigner = _b(r.mr_signer)
        self.isv_prodid = r.isv_prod_id
        self.isv_svn = r.isv_svn
        self.report_data = _b(r.report_data)
        # SGX REPORTBODY reserved areas (SDM Vol. 3D, table "REPORT"): bytes 20-47,
        # 96-127, 160-255, 260-319; shown by dump() like the other fields.
        self.reserved_1, self.reserved_2 = raw[20:48], raw[96:128]
        self.reserved_3, self.reserved_4 = raw[160:256], raw[260:320]

    def dump(self, fmt: str = DUMP_FORMAT_RAW, indent: str = "") -> None:
        _info("%s%s:" % (indent, type(self).__name__))
        if fmt != DUMP_FORMAT_HUMAN:
            BinaryBlob.dump(self)
            return
        i = indent + "  "
        _info("%sCPU SVN: 0x%s" % (i, self.cpu_svn.hex()))
        _info("%sMISCSELECT: %d" % (i, self.miscselect))
        _info("%sReserved: 0x%s" % (i, self.reserved_1.hex()))
        _info("%sAttributes: 0x%s" % (i, self.attributes.hex()))
        _info("%sMRENCLAVE: 0x%s" % (i, self.mrenclave.hex()))
        _info("%sReserved: 0x%s" % (i, self.reserved_2.hex()))
        _info("%sMRSIGNER: 0x%s" % (i, self.mrsigner.hex()))
        _info("%sReserved: 0x%s" % (i, self.reserved_3.hex()))
        _info("%sISV ProdID: %d" % (i, self.isv_prodid))
        _info("%sISV SVN: %d" % (i, self.isv_svn))
        _info("%sReserved: 0x%s" % (i, self.reserved_4.hex()))
        _info("%sReport Data: 0x%s" % (i, self.report_data.hex()))


class TdxQuoteQeCert(BinaryBlob):
    """QE certification data: cert_type (QeCertDataType) and cert_data
    (TdxQuoteQeReportCert for type 6, the bytes otherwise)."""

    def __init__(self, raw: bytes, cert_type: int, cert_data: Any) -> None:
        super().__init__(raw)
        self.cert_type = _enum(QeCertDataType, cert_type)
        self.cert_data = cert_data

    def dump(self, fmt: str = DUMP_FORMAT_RAW, indent: str = "") -> None:
        _info("%s%s:" % (indent, type(self).__name__))
        if fmt != DUMP_FORMAT_HUMAN:
            BinaryBlob.dump(self)
            return
        i = indent + "  "
        _info("%sQuote QE Cert Data Type: %s" % (i, self.cert_type))
        if self.cert_type == QeCertDataType.QE_REPORT_CERT:
            self.cert_data.dump(fmt, i)
        elif self.cert_type == QeCertDataType.PCK_CERT_CHAIN:
            _info("%sPCK Cert Chain (PEM, Leaf||Intermediate||Root):" % i)
            _info(bytes(self.cert_data).decode("utf-8", "replace"))
        else:
            _info("%sQuote QE Cert Data: %s" % (i, self.cert_data))


class TdxQuoteQeReportCert(BinaryBlob):
    """QE report certification data: qe_report (TdxEnclaveReportBody), qe_report_sig,
    qe_auth_data, qe_cert_data (TdxQuoteQeCert holding the PCK chain)."""

    def __init__(self, raw: bytes, q) -> None:
        super().__init__(raw)
        self.qe_report = TdxEnclaveReportBody(copy(q.qe_report_raw, 384), q.qe_report)
        self.qe_report_sig = _b(q.qe_report_sig)
        self.qe_auth_data = copy(q.qe_auth_data, q.qe_auth_len) if q.qe_auth_len else None
        chain = copy(q.pck_chain, q.pck_chain_len)
        self.qe_cert_data = TdxQuoteQeCert(chain, q.pck_cert_type, chain)

    def dump(self, fmt: str = DUMP_FORMAT_RAW, indent: str = "") -> None:
        _info("%s%s:" % (indent, type(self).__name__))
        if fmt != DUMP_FORMAT_HUMAN:
            BinaryBlob.dump(self)
            return
        i = indent + "  "
        self.qe_report.dump(fmt, i)
        _info("%sQuote QE Report Signature: 0x%s" % (i, self.qe_report_sig.hex()))
        if self.qe_auth_data is not None:
            _info("%sQuote QE Authentication Data: 0x%s" % (i, self.qe_auth_data.hex()))
        else:
            _info("%sQuote QE Authentication Data: None" % i)
        self.qe_cert_data.dump(fmt, i)


class TdxQuoteEcdsa256Sigature(CcReportSignature):
    """ECDSA P-256 quote signature data: sig, ak, qe_cert (TdxQuoteQeCert)."""

    def __init__(self, raw: bytes, q) -> None:
        super().__init__(raw)
        self.sig = _b(q.signature)
        self.ak = _b(q.attest_key)
        cert = copy(q.cert_data, q.cert_data_len)
        inner: Any = TdxQuoteQeReportCert(cert, q) if q.has_qe_report else cert
        self.qe_cert = TdxQuoteQeCert(cert, q.cert_type, inner)

    def dump(self, fmt: str = DUMP_FORMAT_RAW, indent: str = "") -> None:
        _info("%sTD Quote Signature:" % indent)
        if fmt != DUMP_FORMAT_HUMAN:
            BinaryBlob.dump(self)
            return
        i = indent + "  "
        _info("%sQuote Signature (ECDSA P-256 Signature): 0x%s" % (i, self.sig.hex()))
        _info("%sECDSA Attestation Key (ECDSA P-256 Public Key): 0x%s" % (i, self.ak.hex()))
        self.qe_cert.dump(fmt, i)


def _parse(fn, data: bytes, struct):
    buf = Buffer(bytes(data))
    err = L.cct_error()
    r = fn(buf.ptr, buf.size, ctypes.byref(struct), ctypes.byref(err))
    if r < 0:
        raise CCTrustedError.from_struct(r, err)
    return buf


class TdxQuote(CcReport):
    """A TDX quote (v4, or v5 with a TDX 1.0/1.5 body): header (TdxQuoteHeader),
    body (TdxQuoteBody), sig (TdxQuoteEcdsa256Sigature). Raises CCTrustedError
    (code, message, byte offset) when the library cannot parse it."""

    def __init__(
        self,
        data: bytes,
        aux_blob: Optional[bytes] = None,
        generation: Optional[int] = None,
        provider: Optional[str] = None,
    ) -> None:
        super().__init__(data, TYPE_CC_TDX, aux_blob, generation, provider)
        q = L.cct_tdx_quote()
        buf = _parse(L.lib().cct_tdx_quote_parse, self.data, q)
        signed = copy(q.signed_data, q.signed_len)
        body_raw = signed[len(signed) - q.body_size :] if q.body_size else b""
        self.header = TdxQuoteHeader(signed[:48], q)
        self.body = TdxQuoteBody(body_raw, q.body)
        sig_off = (q.signed_data or 0) - buf.address + q.signed_len + 4
        self.sig = TdxQuoteEcdsa256Sigature(self.data[sig_off : sig_off + q.sig_data_len], q)
        self.version = q.version
        self.body_type = q.body_type
        self.quote_len = q.quote_len
        self.trailing = q.trailing

    def get_quoted_data(self) -> TdxQuoteBody:
        return self.body

    def get_sig(self) -> TdxQuoteEcdsa256Sigature:
        return self.sig

    def dump(self, is_raw: bool = True) -> None:
        """Log the quote: in hex (is_raw) or field by field."""
        _info("======================================")
        _info("TD Quote")
        _info("======================================")
        fmt = DUMP_FORMAT_RAW if is_raw is True else DUMP_FORMAT_HUMAN
        self.header.dump(fmt=fmt)
        self.body.dump(fmt=fmt)
        self.sig.dump(fmt=fmt)


# ---------------------------------------------------------------- SEV-SNP

_SNP_FIELDS = [
    "version",
    "guest_svn",
    "policy",
    "family_id",
    "image_id",
    "vmpl",
    "signature_algo",
    "current_tcb",
    "platform_info",
    "flags",
    "report_data",
    "measurement",
    "host_data",
    "id_key_digest",
    "author_key_digest",
    "report_id",
    "report_id_ma",
    "reported_tcb",
    "cpuid_fam_id",
    "cpuid_mod_id",
    "cpuid_step",
    "chip_id",
    "committed_tcb",
    "current_build",
    "current_minor",
    "current_major",
    "committed_build",
    "committed_minor",
    "committed_major",
    "launch_tcb",
    "launch_mit_vector",
    "current_mit_vector",
]


class SnpReport(CcReport):
    """An SEV-SNP ATTESTATION_REPORT: the fields of the ABI spec by their spec names
    (lowercase: version, guest_svn, policy, ..., measurement, report_data, chip_id,
    ...), ``product``, ``signature`` (r, s little-endian as in the report) and
    ``cc_aux_blob`` (the certificate table, when the platform returned one)."""

    def __init__(
        self,
        data: bytes,
        aux_blob: Optional[bytes] = None,
        generation: Optional[int] = None,
        provider: Optional[str] = None,
    ) -> None:
        super().__init__(data, TYPE_CC_SEV, aux_blob, generation, provider)
        s = L.cct_snp_report()
        _parse(L.lib().cct_snp_report_parse, self.data, s)
        for f in _SNP_FIELDS:
            v = getattr(s, f)
            setattr(self, f, v if isinstance(v, int) else _b(v))
        pn = L.lib().cct_snp_product_name(s.product)
        self.product = pn.decode() if pn else "unknown"
        self.signature = (_b(s.sig_r), _b(s.sig_s))
        self.trailing = s.trailing

    def get_quoted_data(self) -> CcReportData:
        return CcReportData(self.data[:0x2A0])

    def get_sig(self) -> CcReportSignature:
        return CcReportSignature(self.data[0x2A0:])

    def _verify_defaults(self) -> Dict[str, Any]:
        return {"certs": self.cc_aux_blob} if self.cc_aux_blob else {}

    def dump(self, is_raw: bool = True) -> None:
        _info("======================================")
        _info("SEV-SNP Attestation Report")
        _info("======================================")
        if is_raw:
            BinaryBlob.dump(self)
            return
        for f in _SNP_FIELDS:
            v = getattr(self, f)
            _info(
                "  %s: %s"
                % (
                    f.upper(),
                    "0x" + v.hex()
                    if isinstance(v, bytes)
                    else "0x%x" % v
                    if f in ("policy", "platform_info", "flags") or f.endswith("_tcb")
                    else v,
                )
            )
        _info("  PRODUCT: %s" % self.product)
        _info("  SIGNATURE R: 0x%s" % self.signature[0].hex())
        _info("  SIGNATURE S: 0x%s" % self.signature[1].hex())


# ---------------------------------------------------------------- TPM


class Tpm2Quote(CcReport):
    """A TPM 2.0 quote: ``data`` is the TPMS_ATTEST; ``signature`` the TPMT_SIGNATURE
    (cc_aux_blob), ``key`` the attestation key's TPMT_PUBLIC when the platform
    returned it. Parsed fields: magic, type, qualified_signer, extra_data, clock,
    reset_count, restart_count, safe, firmware_version, pcr_select [(alg_id,
    [indices])], pcr_digest."""

    def __init__(
        self,
        data: bytes,
        aux_blob: Optional[bytes] = None,
        generation: Optional[int] = None,
        provider: Optional[str] = None,
        key: Optional[bytes] = None,
    ) -> None:
        super().__init__(data, TYPE_CC_TPM, aux_blob, generation, provider)
        a = L.cct_tpm_attest()
        _parse(L.lib().cct_tpm_attest_parse, self.data, a)
        self.magic = a.magic
        self.type = a.type
        self.qualified_signer = copy(a.qualified_signer, a.qualified_signer_len)
        self.extra_data = copy(a.extra_data, a.extra_data_len)
        self.clock = a.clock
        self.reset_count = a.reset_count
        self.restart_count = a.restart_count
        self.safe = a.safe
        self.firmware_version = a.firmware_version
        self.pcr_select: List[Tuple[int, List[int]]] = []
        for s in a.selections[: min(a.n_selections, L.CCT_TPM_MAX_PCR_SELECTIONS)]:
            bits = bytes(s.select[: s.size_of_select])
            self.pcr_select.append(
                (s.hash, [i for i in range(len(bits) * 8) if bits[i // 8] >> (i % 8) & 1])
            )
        self.pcr_digest = copy(a.pcr_digest, a.pcr_digest_len)
        self.key = key
        self._quoted_data = self.data
        self._signature = aux_blob

    @property
    def signature(self) -> Optional[bytes]:
        return self._signature

    def set_quoted_data(self, data: bytes) -> None:
        self._quoted_data = data

    def set_sig(self, sig: bytes) -> None:
        self._signature = sig

    def get_quoted_data(self) -> bytes:
        return self._quoted_data

    def get_sig(self) -> Optional[bytes]:
        return self._signature

    def _verify_defaults(self) -> Dict[str, Any]:
        d: Dict[str, Any] = {}
        if self._signature:
            d["signature"] = self._signature
        if self.key:
            d["ak"] = self.key
        if self.reportdata_requested:
            d["report_data"] = self.reportdata_requested
        return d

    def dump(self, is_raw: bool = True) -> None:
        _info("======================================")
        _info("TPM2 Quote")
        _info("======================================")
        if is_raw:
            BinaryBlob(self._quoted_data).dump()
            if self._signature:
                BinaryBlob(self._signature).dump()
            return
        _info("  Magic: 0x%08x" % self.magic)
        _info("  Type: 0x%04x" % self.type)
        _info("  Qualified Signer: 0x%s" % self.qualified_signer.hex())
        _info("  Extra Data: 0x%s" % self.extra_data.hex())
        _info("  Clock: %d" % self.clock)
        _info("  Reset Count: %d" % self.reset_count)
        _info("  Restart Count: %d" % self.restart_count)
        _info("  Safe: %d" % self.safe)
        _info("  Firmware Version: 0x%016x" % self.firmware_version)
        for alg, idx in self.pcr_select:
            _info("  PCR Selection: 0x%04x %s" % (alg, idx))
        _info("  PCR Digest: 0x%s" % self.pcr_digest.hex())


# ---------------------------------------------------------------- Arm CCA


class CcaToken(CcReport):
    """An Arm CCA attestation token (or a PSA token): collection_tag, platform and
    realm claims (platform_profile, platform_challenge, implementation_id,
    instance_id, security_lifecycle, platform_hash_algo, realm_challenge,
    realm_personalization, realm_hash_algo, rak_hash_algo, rak, rim, rem [4],
    realm_profile)."""

    def __init__(
        self,
        data: bytes,
        aux_blob: Optional[bytes] = None,
        generation: Optional[int] = None,
        provider: Optional[str] = None,
    ) -> None:
        super().__init__(data, TYPE_CC_CCA, aux_blob, generation, provider)
        t = L.cct_cca_token()
        lib = L.lib()
        buf = _parse(lib.cct_cca_token_parse, self.data, t)
        try:
            self.collection_tag = t.collection_tag
            self.has_platform = bool(t.has_platform)
            self.has_realm = bool(t.has_realm)
            self.platform_profile = text(t.platform_profile, t.platform_profile_len)
            self.platform_challenge = copy(t.platform_challenge, t.platform_challenge_len)
            self.implementation_id = copy(t.implementation_id, t.implementation_id_len)
            self.instance_id = copy(t.instance_id, t.instance_id_len)
            self.security_lifecycle = t.security_lifecycle
            self.platform_hash_algo = text(t.platform_hash_algo, t.platform_hash_algo_len)
            self.n_sw_components = t.n_sw_components
            self.realm_challenge = copy(t.realm_challenge, t.realm_challenge_len)
            self.realm_personalization = copy(t.realm_personalization, t.realm_personalization_len)
            self.realm_hash_algo = text(t.realm_hash_algo, t.realm_hash_algo_len)
            self.rak_hash_algo = text(t.rak_hash_algo, t.rak_hash_algo_len)
            self.rak = copy(t.rak, t.rak_len)
            self.rim = copy(t.rim, t.rim_len)
            self.rem = [copy(t.rem[i], t.rem_len[i]) for i in range(4)]
            self.realm_profile = text(t.realm_profile, t.realm_profile_len)
        finally:
            lib.cct_cca_token_free(ctypes.byref(t))
            del buf

    def get_quoted_data(self) -> CcReportData:
        return CcReportData(self.data)

    def get_sig(self) -> Optional[CcReportSignature]:
        return None

    def dump(self, is_raw: bool = True) -> None:
        _info("======================================")
        _info("CCA Attestation Token")
        _info("======================================")
        if is_raw:
            BinaryBlob.dump(self)
            return
        for f in (
            "collection_tag",
            "platform_profile",
            "platform_challenge",
            "implementation_id",
            "instance_id",
            "security_lifecycle",
            "platform_hash_algo",
            "n_sw_components",
            "realm_challenge",
            "realm_personalization",
            "realm_hash_algo",
            "rak_hash_algo",
            "rak",
            "rim",
            "realm_profile",
        ):
            v = getattr(self, f)
            _info("  %s: %s" % (f, "0x" + v.hex() if isinstance(v, bytes) else v))
        for i, r in enumerate(self.rem):
            _info("  rem%d: 0x%s" % (i, r.hex()))


_CLASSES = {"tdx": TdxQuote, "snp": SnpReport, "tpm": Tpm2Quote, "cca": CcaToken}


def parse_report(
    data: bytes,
    aux_blob: Optional[bytes] = None,
    provider: Optional[str] = None,
    key: Optional[bytes] = None,
) -> CcReport:
    """The CcReport subclass for the bytes (type detected by the library). Evidence of a
    type without a class here (TDREPORT, HCL) raises CCTrustedError(CCT_EUNSUPPORTED)."""
    kind = report_type(data)
    cls = _CLASSES.get(kind)
    if cls is None:
        raise CCTrustedError(-6, "no report class for evidence of type '%s'" % kind)
    if cls is Tpm2Quote:
        return Tpm2Quote(data, aux_blob, None, provider, key)
    rep = cls(data, aux_blob, None, provider)
    rep.key = key
    return rep
