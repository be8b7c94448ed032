# SPDX-License-Identifier: Apache-2.0
"""Shared pieces of the package: the exception, algorithm names, byte copies."""
import ctypes
from typing import Optional, Union

from . import _lib as L

CCT_EINVAL = -1
CCT_EUNSUPPORTED = -6
CCT_EVERIFY = -7
CCT_ENOTFOUND = -9


class CCTrustedError(Exception):
    """A failed library call.

    Attributes: ``code`` (the negative ``CCT_E*`` value), ``name``
    (``"CCT_EMALFORMED"``), ``message``, ``event`` (0-based event number, -1
    when not applicable), ``offset`` (byte offset, -1 when not applicable),
    ``sys_errno`` and ``log`` (name of the log, when a replay of several logs
    failed)."""

    def __init__(
        self,
        code: int,
        message: str = "",
        event: int = -1,
        offset: int = -1,
        sys_errno: int = 0,
        log: Optional[str] = None,
    ) -> None:
        self.code = code
        self.name = L.ERROR_NAMES.get(code, "CCT_E%d" % code)
        self.message = message
        self.event = event
        self.offset = offset
        self.sys_errno = sys_errno
        self.log = log
        text = "%s: %s" % (self.name, message) if message else self.name
        if event >= 0:
            text += " (event %d" % event + (", offset %d)" % offset if offset >= 0 else ")")
        elif offset >= 0:
            text += " (offset %d)" % offset
        super().__init__(text)

    @classmethod
    def from_struct(cls, code: int, err) -> "CCTrustedError":
        """Build from a return code and a struct cct_error (or a pointer to one, or None)."""
        if isinstance(err, ctypes._Pointer):
            err = err.contents if err else None
        if err is None:
            return cls(code)
        msg = err.message.decode("utf-8", "replace")
        return cls(code, msg, err.event, err.offset, err.sys_errno)


def alg_name(alg: int) -> str:
    """Name of a TPM_ALG_ID ("sha384"), or "0x...." when the library does not know it."""
    n = L.lib().cct_alg_name(alg)
    return n.decode() if n else "0x%04x" % alg


def alg_id(alg: Union[int, str, None]) -> int:
    """TPM_ALG_ID of a name or number (None: 0, the default bank)."""
    if alg is None:
        return 0
    if isinstance(alg, int):
        return alg
    if hasattr(alg, "alg_id"):
        return int(alg.alg_id)
    a = L.lib().cct_alg_from_name(str(alg).encode())
    if a == 0:
        raise CCTrustedError(CCT_EINVAL, "unknown algorithm '%s'" % alg)
    return a


def copy(ptr, n: int) -> bytes:
    """Copy n bytes from a C pointer (b"" for NULL or 0)."""
    return ctypes.string_at(ptr, n) if ptr and n else b""


def text(ptr, n: int) -> str:
    return copy(ptr, n).decode("utf-8", "replace")


def cstr(b: bytes) -> str:
    return b.decode("utf-8", "replace")


def as_bytes(value, what: str) -> Optional[bytes]:
    """bytes-like -> bytes; str -> base64-decoded bytes (the seed SDKs pass nonce and
    data as base64 text); None -> None."""
    if value is None:
        return None
    if isinstance(value, str):
        import base64
        import binascii

        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError) as e:
            raise CCTrustedError(CCT_EINVAL, "%s: a str must be base64 (%s)" % (what, e)) from None
    return bytes(value)


class Buffer:
    """Bytes lent to the library without a copy: ``ptr`` (a c_void_p) stays
    valid for as long as this object (which holds the bytes) lives."""

    __slots__ = ("data", "ptr", "size", "address")

    def __init__(self, data) -> None:
        self.data = data if isinstance(data, bytes) else bytes(data)
        self.size = len(self.data)
        self.ptr = ctypes.cast(ctypes.c_char_p(self.data), ctypes.c_void_p)
        self.address = self.ptr.value or 0


def context_fail(ctx, r: int) -> CCTrustedError:
    """The error a failed call on context ``ctx`` left behind."""
    return CCTrustedError.from_struct(r, L.lib().cct_context_error(ctx))


def fetch_report(ctx, nonce=None, data=None, report_data=None, privlevel=None):
    """cct_get_report on context ``ctx``: (body, aux, provider, key, reportdata) as bytes
    (None where the report has no such part; provider is a str or None)."""
    lib = L.lib()
    req = L.cct_report_request(L.CCT_REPORT_REQUEST_VERSION, None, 0, None, 0, None, 0, -1)
    keep = []
    for field, value in (("nonce", nonce), ("user_data", data), ("report_data", report_data)):
        if value is not None:
            b = Buffer(value)
            keep.append(b)
            setattr(req, field, b.ptr)
            setattr(req, field + "_len", b.size)
    if privlevel is not None:
        req.privlevel = int(privlevel)
    rep = ctypes.c_void_p()
    r = lib.cct_get_report(ctx, ctypes.byref(req), ctypes.byref(rep))
    if r < 0:
        raise context_fail(ctx, r)
    try:

        def get(fn):
            n = ctypes.c_size_t(0)
            p = fn(rep, ctypes.byref(n))
            return copy(p, n.value) if p else None

        prov = lib.cct_report_provider(rep)
        return (
            get(lib.cct_report_data) or b"",
            get(lib.cct_report_aux),
            prov.decode() if prov else None,
            get(lib.cct_report_key),
            get(lib.cct_report_reportdata),
        )
    finally:
        lib.cct_report_free(rep)


def log_sources(ctx):
    """cct_get_log_sources on context ``ctx``: the struct cct_log_source entries."""
    arr = (L.cct_log_source * L.CCT_MAX_LOG_SOURCES)()
    n = ctypes.c_size_t(0)
    r = L.lib().cct_get_log_sources(ctx, arr, L.CCT_MAX_LOG_SOURCES, ctypes.byref(n))
    if r < 0:
        raise context_fail(ctx, r)
    return arr[: n.value]


def time_arg(at) -> int:
    """Seconds since the epoch from a number, or from a time string the library parses
    ("2024-02-20", "2024-02-20T10:00:00Z", "@1700000000")."""
    if isinstance(at, (int, float)):
        return int(at)
    t = ctypes.c_int64(0)
    r = L.lib().cct_parse_time(str(at).encode(), ctypes.byref(t))
    if r < 0:
        raise CCTrustedError(r, "cannot parse the time %r" % (at,))
    return t.value
