# SPDX-License-Identifier: Apache-2.0
"""Collateral and endorsement retrieval, thin over the library's collateral.h:
TDX collateral from Intel PCS v4 or a PCCS (TCB info, QE identity, PCK CRL,
root CA CRL, each verified before it is returned or cached) and an SEV-SNP
VCEK (or the VLEK's ASVK chain) from the AMD KDS. The bytes returned are what
``verify(collateral=...)`` / ``verify(certs=...)`` take.

    >>> import cctrusted
    >>> quote = open("quote.dat", "rb").read()
    >>> got = cctrusted.fetch_collateral(quote, cache_dir="/var/cache/cct")
    >>> cctrusted.verify_bytes(quote, collateral=got.data).ok
"""
import ctypes
from typing import List, Optional, Union

from . import _lib as L
from ._common import Buffer, CCTrustedError, cstr, time_arg

__all__ = ["FetchRequest", "FetchResult", "collateral_urls", "fetch_collateral", "have_fetch"]


class FetchRequest:
    """One document: ``what`` ("tcb-info", "qe-identity", "pck-crl", "root-ca-crl",
    "vcek", "cert-chain", "vlek-cert-chain"), ``url``, ``http_status`` (0 when none),
    ``attempts`` (0: from the cache), ``from_cache``, ``fresh_until`` (seconds since
    the epoch: nextUpdate / notAfter, 0 when unknown)."""

    __slots__ = ("what", "url", "http_status", "attempts", "from_cache", "fresh_until")

    def __init__(self, r: "L.cct_fetch_request") -> None:
        self.what = cstr(r.what)
        self.url = cstr(r.url)
        self.http_status = int(r.http_status)
        self.attempts = int(r.attempts)
        self.from_cache = bool(r.from_cache)
        self.fresh_until = int(r.fresh_until)

    def __repr__(self) -> str:
        return "<FetchRequest %s %s>" % (self.what, self.url)


class FetchResult:
    """``data`` (bytes for verify: the TDX collateral JSON, or PEM certificates for SNP;
    b"" from collateral_urls()), ``requests`` (list of FetchRequest), ``fmspc`` and
    ``pck_ca`` (TDX; "" for SNP), ``note``."""

    __slots__ = ("data", "requests", "fmspc", "pck_ca", "note")

    def __init__(self, res: "L.cct_fetch_result") -> None:
        self.data = ctypes.string_at(res.data, res.len) if res.data and res.len else b""
        self.requests: List[FetchRequest] = [
            FetchRequest(res.req[i]) for i in range(min(res.n, L.CCT_FETCH_MAX_REQUESTS))
        ]
        self.fmspc = cstr(res.fmspc)
        self.pck_ca = cstr(res.pck_ca)
        self.note = cstr(res.note)

    def __repr__(self) -> str:
        return "<FetchResult %d bytes, %d requests>" % (len(self.data), len(self.requests))


def have_fetch() -> bool:
    """True when the library was built with HTTP retrieval (libcurl)."""
    return bool(L.lib().cct_have_fetch())


def _options(keep: list, base_url: Optional[str], root_crl_url: Optional[str],
             cache_dir: Optional[str], connect_timeout: Optional[float],
             timeout: Optional[float], max_size: Optional[int], retries: Optional[int],
             retry_delay: Optional[float], root: Union[None, str, bytes], at,
             product: Optional[str]) -> "L.cct_fetch_options":
    o = L.cct_fetch_options(L.CCT_FETCH_OPTIONS_VERSION, None, None, None, 5000, 30000, 1 << 20,
                            2, 500, None, 0, 0, 0, None)
    for field, value in (("base_url", base_url), ("root_crl_url", root_crl_url),
                         ("cache_dir", cache_dir), ("product", product)):
        if value is not None:
            b = str(value).encode()
            keep.append(b)
            setattr(o, field, b)
    if connect_timeout is not None:
        o.connect_timeout_ms = int(connect_timeout * 1000)
    if timeout is not None:
        o.timeout_ms = int(timeout * 1000)
    if max_size is not None:
        o.max_size = int(max_size)
    if retries is not None:
        o.retries = int(retries)
    if retry_delay is not None:
        o.retry_delay_ms = int(retry_delay * 1000)
    if root is not None:
        buf = Buffer(root.encode() if isinstance(root, str) else bytes(root))
        keep.append(buf)
        o.root, o.root_len = buf.ptr, buf.size
    if at is not None:
        o.have_at, o.at = 1, time_arg(at)
    return o


def _call(fn: str, evidence: bytes, **kw) -> FetchResult:
    keep: list = []
    o = _options(keep, **kw)
    buf = Buffer(evidence)
    res = L.cct_fetch_result()
    err = L.cct_error()
    lib = L.lib()
    if fn == "auto":
        t = ctypes.c_int(0)
        r = lib.cct_report_detect(buf.ptr, buf.size, ctypes.byref(t))
        kind = L.REPORT_TYPES.get(t.value, "unknown") if r >= 0 else "unknown"
        if kind not in ("tdx", "snp"):
            raise CCTrustedError(-6, "collateral is fetched for a TDX quote or an SEV-SNP report, "
                                 "not for evidence of type %s" % kind)
        fn = "cct_tdx_collateral_fetch" if kind == "tdx" else "cct_snp_vcek_fetch"
    r = getattr(lib, fn)(buf.ptr, buf.size, ctypes.byref(o), ctypes.byref(res), ctypes.byref(err))
    try:
        if r < 0:
            raise CCTrustedError.from_struct(r, err)
        return FetchResult(res)
    finally:
        lib.cct_fetch_result_free(ctypes.byref(res))


def fetch_collateral(evidence: bytes, *, base_url: Optional[str] = None,
                     root_crl_url: Optional[str] = None, cache_dir: Optional[str] = None,
                     connect_timeout: Optional[float] = None, timeout: Optional[float] = None,
                     max_size: Optional[int] = None, retries: Optional[int] = None,
                     retry_delay: Optional[float] = None, root: Union[None, str, bytes] = None,
                     at=None, product: Optional[str] = None) -> FetchResult:
    """Fetch what verifying ``evidence`` needs: a TDX quote's collateral (Intel PCS v4,
    or a PCCS at base_url) or an SEV-SNP report's VCEK with its ASK/ARK (AMD KDS; for a
    VLEK-signed report the ASVK chain). Timeouts in seconds; cache_dir must exist and be
    writable by the caller only. Documents that do not verify (signature, chain, CRL,
    freshness at ``at`` or now) raise CCTrustedError and are not cached."""
    return _call("auto", bytes(evidence), base_url=base_url, root_crl_url=root_crl_url,
                 cache_dir=cache_dir, connect_timeout=connect_timeout, timeout=timeout,
                 max_size=max_size, retries=retries, retry_delay=retry_delay, root=root, at=at,
                 product=product)


def collateral_urls(evidence: bytes, *, base_url: Optional[str] = None,
                    root_crl_url: Optional[str] = None, product: Optional[str] = None
                    ) -> FetchResult:
    """The URLs fetch_collateral() would request, with FMSPC / PCK CA (TDX), without
    any network access. ``data`` is empty."""
    return _call("cct_collateral_urls", bytes(evidence), base_url=base_url,
                 root_crl_url=root_crl_url, cache_dir=None, connect_timeout=None, timeout=None,
                 max_size=None, retries=None, retry_delay=None, root=None, at=None,
                 product=product)
