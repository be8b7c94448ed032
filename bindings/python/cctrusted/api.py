# SPDX-License-Identifier: Apache-2.0
"""CCTrustedVmSdk: the seed SDK's EvidenceApi calls over libcctrusted."""
import contextlib
import ctypes
import os
import threading
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple

from . import _events as E
from . import _lib as L
from ._common import (
    CCT_EINVAL,
    CCTrustedError,
    alg_id,
    as_bytes,
    context_fail,
    cstr,
    fetch_report,
    log_sources,
)
from .ccreport import (
    TYPE_CC_CCA,
    TYPE_CC_NONE,
    TYPE_CC_SEV,
    TYPE_CC_TDX,
    TYPE_CC_TPM,
    CcReport,
    parse_report,
)
from .imr import TcgIMR, TdxRTMR, TpmPCR
from .tcg import TcgAlgorithmRegistry

_CC_TYPES = {
    "tdx": TYPE_CC_TDX,
    "sim": TYPE_CC_TDX,
    "tpm": TYPE_CC_TPM,
    "snp": TYPE_CC_SEV,
    "cca": TYPE_CC_CCA,
}


class EvidenceApi:
    """The seed SDK's API: get_default_algorithms, get_measurement_count,
    get_cc_measurement, get_cc_report, get_cc_eventlog, replay_cc_eventlog."""

    TYPE_CC_NONE = TYPE_CC_NONE
    TYPE_CC_TPM = TYPE_CC_TPM
    TYPE_CC_TDX = TYPE_CC_TDX
    TYPE_CC_SEV = TYPE_CC_SEV
    TYPE_CC_CCA = TYPE_CC_CCA
    TYPE_CC_STRING = {
        TYPE_CC_TPM: "TPM",
        TYPE_CC_TDX: "TDX",
        TYPE_CC_SEV: "SEV",
        TYPE_CC_CCA: "CCA",
    }

    @staticmethod
    def cc_type_str(cc_type: int) -> str:
        """ "TDX" for TYPE_CC_TDX, ..."""
        return EvidenceApi.TYPE_CC_STRING[cc_type]

    @staticmethod
    def replay_cc_eventlog(
        event_logs: Sequence[Any], **options: Any
    ) -> Dict[int, Dict[int, bytes]]:
        """Replay events read by this package: {imr_index: {alg_id: bytes}}.

        The events go back to the library (cct_replay_logs) as the records they were
        read from, in the list's order, grouped by log; the library applies every
        replay rule (initial values, EV_NO_ACTION, IMA register and violations,
        workarounds). Keys follow the events' index convention. Options:
        workarounds=["ebs-missing", "dup-separator"], ima_register="auto"|"pcr"|"rtmr",
        ima_banks=[...], ima_padded=[...], mrtd=bytes. An empty list gives {}."""
        return replay_registers(event_logs, **options)


class ReplayResult:
    """Outcome of a replay: ``registers`` {imr_index: {alg_id: bytes}}, ``detail``
    [(register file, native index, alg_id, bytes)], ``notes`` (the library's
    findings: digest mismatches, separators, boot_aggregate, ...), ``ima_register``
    (the register file IMA entries extended), ``boot_aggregate`` (dict)."""

    def __init__(
        self, registers, detail, notes, ima_register, boot_aggregate, workarounds_applied
    ) -> None:
        self.registers = registers
        self.detail = detail
        self.notes = notes
        self.ima_register = ima_register
        self.boot_aggregate = boot_aggregate
        self.workarounds_applied = workarounds_applied


def _result(rp, convention: str) -> ReplayResult:
    lib = L.lib()
    regs = E.registers(rp)
    agg = L.cct_aggregate_result()
    boot = None
    if lib.cct_replay_boot_aggregate(rp, ctypes.byref(agg)) == 0:
        boot = {
            "status": L.AGGREGATE_NAMES.get(agg.status, str(agg.status)),
            "how": L.AGGREGATE_HOW.get(agg.how) if agg.status == 1 else None,
            "alg": agg.alg,
            "text": cstr(agg.text),
        }
    applied = lib.cct_replay_workarounds_applied(rp)
    return ReplayResult(
        E.seed_dict(regs, convention),
        [(L.REG_KIND_NAMES.get(k, "pcr"), i, a, d) for k, i, a, d in regs],
        E.notes(rp),
        L.REG_KIND_NAMES.get(lib.cct_replay_ima_register(rp), "pcr"),
        boot,
        applied,
    )


def replay_events(
    event_logs: Sequence[Any],
    workarounds=(),
    ima_register: Optional[str] = None,
    ima_banks=(),
    ima_padded=(),
    mrtd: Optional[bytes] = None,
    diagnostics: bool = True,
) -> ReplayResult:
    """replay_cc_eventlog with the whole outcome (a ReplayResult). diagnostics: run
    the library's digest checks (IMA template hashes, event data digests,
    separators) and return its notes; they change no register. A list read by
    load_eventlogs()/get_cc_eventlog() was replayed without them: the first call
    with diagnostics replays its whole logs again with them, and keeps that."""
    if not event_logs:
        return ReplayResult({}, [], [], None, None, 0)
    kept = _kept(event_logs, workarounds, ima_register, ima_banks, ima_padded, mrtd)
    if kept is not None:
        if diagnostics and not kept.diagnostics:
            # The list was read without the digest checks: run them now, once, and
            # keep that replay for the list (same registers, plus the notes).
            kept = event_logs._kept = E.replay_whole(kept.srcs, diagnostics=True)
        result = _result(kept.rp, event_logs.ranges()[0][0].convention)
        if not diagnostics:
            result.notes = []  # the kept replay ran the checks; they were not asked for
        return result
    with _replayed(
        event_logs, workarounds, ima_register, ima_banks, ima_padded, mrtd, diagnostics
    ) as (rp, convention):
        return _result(rp, convention)


def replay_registers(
    event_logs: Sequence[Any],
    workarounds=(),
    ima_register: Optional[str] = None,
    ima_banks=(),
    ima_padded=(),
    mrtd: Optional[bytes] = None,
) -> Dict[int, Dict[int, bytes]]:
    """The registers of replay_events(...) alone: {imr_index: {alg_id: bytes}}."""
    if not event_logs:
        return {}
    kept = _kept(event_logs, workarounds, ima_register, ima_banks, ima_padded, mrtd)
    if kept is not None:
        return E.seed_dict(E.registers(kept.rp), event_logs.ranges()[0][0].convention)
    # Registers only: the digest checks and notes (which do not change a register)
    # are not asked for.
    with _replayed(
        event_logs, workarounds, ima_register, ima_banks, ima_padded, mrtd, False
    ) as (rp, convention):
        return E.seed_dict(E.registers(rp), convention)


def _kept(event_logs, workarounds, ima_register, ima_banks, ima_padded, mrtd):
    """The replay kept when an EventList of whole logs was read, when the options
    are the defaults it was made with (then replaying again would repeat it
    exactly: same bytes, same options)."""
    if not isinstance(event_logs, E.EventList) or event_logs._kept is None:
        return None
    if workarounds or ima_register not in (None, "auto") or ima_banks or ima_padded:
        return None
    if mrtd is not None:
        return None
    return event_logs._kept


@contextlib.contextmanager
def _replayed(event_logs, workarounds, ima_register, ima_banks, ima_padded, mrtd, diagnostics):
    """cct_replay_logs() over the records of the events: (handle, convention)."""
    inputs: List[Tuple[E.Source, Optional[bytes]]] = []
    if isinstance(event_logs, E.EventList):
        for src, a, b in event_logs.ranges():
            if a == 0 and b == src.count:
                inputs.append((src, None))
            else:
                inputs.append(E._record_bytes(E.read(src, a, b - a))[:2])
    else:
        for run in E.groups(event_logs):
            inputs.append(E._record_bytes(run)[:2])
    convention = inputs[0][0].convention
    opts, keep_opts = E.replay_options(
        workarounds, ima_register, ima_banks, ima_padded, mrtd, diagnostics
    )
    rp, keep = E.replay_inputs(inputs, opts)
    try:
        yield rp, convention
    finally:
        L.lib().cct_replay_free(rp)
        del keep, keep_opts


class CCTrustedVmSdk(EvidenceApi):
    """The seed SDK's calls on one platform, over libcctrusted.

    ``CCTrustedVmSdk.inst()`` gives a shared instance on the detected platform, as
    the seed SDK did; ``CCTrustedVmSdk(platform="sim", sysroot=..., ...)`` opens one
    with explicit options (platform "auto", "tdx", "tpm", "snp", "cca" or "sim";
    sysroot, tpm_tcti, sim_state_dir, runtime_log as struct cct_open_options; None
    means the library's default). ``index_convention="seed"`` numbers TDX registers
    as the seed SDK did (CC MR index: RTMR n is n + 1, MRTD 0) in events,
    get_cc_measurement and replay results; the default "native" uses RTMR n = n.

    Use it as a context manager or call close(); one thread at a time."""

    _instance: Optional["CCTrustedVmSdk"] = None
    _instance_lock = threading.Lock()

    @classmethod
    def inst(cls) -> "CCTrustedVmSdk":
        """The shared instance (opened on first use on the detected platform)."""
        with cls._instance_lock:
            if cls._instance is None or not cls._instance._ctx:
                cls._instance = cls()
            return cls._instance

    def __init__(
        self,
        platform: str = "auto",
        sysroot: Optional[str] = None,
        tpm_tcti: Optional[str] = None,
        sim_state_dir: Optional[str] = None,
        runtime_log: Optional[str] = None,
        index_convention: str = E.NATIVE,
    ) -> None:
        lib = L.lib()
        self._ctx = None
        self._convention = E.check_convention(index_convention)
        if platform not in L.CCT_PLATFORMS or platform == "none":
            raise CCTrustedError(CCT_EINVAL, "unknown platform '%s'" % platform)
        self._strs = [
            None if s is None else os.fsencode(s)
            for s in (sysroot, tpm_tcti, sim_state_dir, runtime_log)
        ]
        opts = L.cct_open_options(
            L.CCT_OPEN_OPTIONS_VERSION, L.CCT_PLATFORMS[platform], *self._strs
        )
        err = L.cct_error()
        ctx = ctypes.c_void_p()
        r = lib.cct_open(ctypes.byref(opts), ctypes.byref(ctx), ctypes.byref(err))
        if r < 0:
            raise CCTrustedError.from_struct(r, err)
        self._ctx = ctx

    # -- lifetime
    def __enter__(self) -> "CCTrustedVmSdk":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # interpreter shutdown: the module may already be gone
            pass

    def close(self) -> None:
        """Close the context (idempotent)."""
        ctx = getattr(self, "_ctx", None)
        if ctx:
            L.lib().cct_close(ctx)
        self._ctx = None

    def _h(self):
        if not self._ctx:
            raise CCTrustedError(CCT_EINVAL, "the context is closed")
        return self._ctx

    def _fail(self, r: int) -> CCTrustedError:
        return context_fail(self._ctx, r)

    # -- about the platform
    @property
    def platform(self) -> str:
        """Name of the platform this context talks to ("tdx", "tpm", "sim", ...)."""
        lib = L.lib()
        return lib.cct_platform_name(lib.cct_context_platform(self._h())).decode()

    @property
    def cc_type(self) -> int:
        """EvidenceApi TYPE_CC_* of the platform (sim counts as TDX)."""
        return _CC_TYPES.get(self.platform, TYPE_CC_NONE)

    @property
    def index_convention(self) -> str:
        return self._convention

    def _rtmr_platform(self) -> bool:
        return self.platform in ("tdx", "sim")

    # -- the seed calls
    def get_default_algorithms(self) -> TcgAlgorithmRegistry:
        """The platform's default bank (SHA-384 on TDX, SHA-256 on a TPM)."""
        alg = ctypes.c_uint16()
        r = L.lib().cct_get_default_algorithm(self._h(), ctypes.byref(alg))
        if r < 0:
            raise self._fail(r)
        return TcgAlgorithmRegistry(alg.value)

    def get_measurement_count(self) -> int:
        """Number of measurement registers (4 RTMRs, 24 PCRs)."""
        n = ctypes.c_uint32()
        r = L.lib().cct_get_measurement_count(self._h(), ctypes.byref(n))
        if r < 0:
            raise self._fail(r)
        return n.value

    def get_cc_measurement(self, imr_select: Sequence[Any]) -> TcgIMR:
        """Read a register: imr_select is [index, alg_id] (alg_id None or omitted: the
        default bank). Returns TdxRTMR / TpmPCR with digests {alg_id: TcgDigest}."""
        if isinstance(imr_select, int):
            imr_select = [imr_select]
        if not imr_select:
            raise CCTrustedError(CCT_EINVAL, "imr_select must be [index, alg_id]")
        index = int(imr_select[0])
        alg = alg_id(imr_select[1]) if len(imr_select) > 1 else 0
        native = index
        if self._convention == E.SEED and self._rtmr_platform():
            if index == 0:
                raise CCTrustedError(-9, "CC MR index 0 is the MRTD, which only a report holds")
            native = index - 1
        if native < 0:
            raise CCTrustedError(CCT_EINVAL, "register index must not be negative")
        m = L.cct_measurement()
        r = L.lib().cct_get_measurement(self._h(), native, alg, ctypes.byref(m))
        if r < 0:
            raise self._fail(r)
        value = bytes(m.digest[: m.size])
        if m.kind == L.CCT_REG_RTMR:
            return TdxRTMR(index, value, m.alg)
        return TpmPCR(index, value, m.alg)

    def get_cc_report(self, nonce: Any = None, data: Any = None, extraArgs: Any = None) -> CcReport:
        """A quote/report with REPORTDATA = SHA-512(nonce || data) (the library's rule).
        nonce and data are bytes, or base64 text as the seed SDKs pass them.
        extraArgs may be a dict: {"report_data": 64 raw bytes} to give REPORTDATA
        directly, {"privlevel": n} for the SNP VMPL. Returns TdxQuote, SnpReport,
        Tpm2Quote or CcaToken."""
        extra = extraArgs if isinstance(extraArgs, dict) else {}
        body, aux, prov, key, rd = fetch_report(
            self._h(),
            as_bytes(nonce, "nonce"),
            as_bytes(data, "data"),
            as_bytes(extra.get("report_data"), "report_data"),
            extra.get("privlevel"),
        )
        out = parse_report(body, aux, prov, key)
        out.reportdata_requested = rd
        return out

    def _sources(self) -> List[E.Source]:
        out = []
        for s in log_sources(self._h()):
            path = os.fsdecode(s.path)
            try:
                with open(path, "rb") as f:
                    data = f.read()
            except OSError as e:
                raise CCTrustedError(
                    -3 if not isinstance(e, PermissionError) else -10,
                    "cannot read %s: %s" % (path, e.strerror),
                    sys_errno=e.errno or 0,
                ) from None
            out.append(E.Source(data, s.format, s.ima_register, path, self._convention))
        return out

    def get_log_sources(self) -> List[Dict[str, str]]:
        """The platform's live logs in replay order: [{"path", "format", "role"}]."""
        lib = L.lib()
        return [
            {
                "path": os.fsdecode(s.path),
                "format": lib.cct_log_format_name(s.format).decode(),
                "role": s.role.decode(),
            }
            for s in log_sources(self._h())
        ]

    def get_cc_eventlog(
        self, start: Optional[int] = None, count: Optional[int] = None
    ) -> Sequence[Any]:
        """Every event of the live logs in replay order (boot log, IMA, runtime log):
        TcgPcClientImrEvent (log header), TcgImrEvent, TcgTpmsCelEvent (IMA entries,
        CEL records), as an EventList (a sequence whose objects are made on first
        use; slicing gives a list). start/count select by position in that list as the seed SDK
        did: start == len gives [], a start past the end or a count outside
        1..remaining raises ValueError."""
        events = E.EventList.of_sources(self._sources())
        total = len(events)
        first, end = 0, total
        if start is not None:
            if start == total:
                return E.EventList([])
            if not 0 <= start < total:
                raise ValueError("Invalid parameter start.")
            first = start
        if count is not None:
            if not 0 < count <= end - first:
                raise ValueError("Invalid parameter count.")
            end = first + count
        if (first, end) == (0, total):
            return events
        ranges = []
        pos = 0
        for src, a, b in events.ranges():
            lo, hi = max(first, pos), min(end, pos + b - a)
            if lo < hi:
                ranges.append((src, a + lo - pos, a + hi - pos))
            pos += b - a
        return E.EventList(ranges)

    def iter_cc_eventlog(self) -> Iterator[Any]:
        """The events of get_cc_eventlog() one at a time."""
        for src in self._sources():
            yield from E.iterate(src)

    def replay_live(
        self, workarounds=(), ima_banks=(), ima_padded=(), mrtd: Optional[bytes] = None
    ) -> ReplayResult:
        """Replay every live log the way the library does for this platform
        (cct_replay_live: IMA into every bank the platform holds, padded banks
        detected) and return the whole outcome."""
        opts, keep = E.replay_options(workarounds, None, ima_banks, ima_padded, mrtd)
        rp = ctypes.c_void_p()
        r = L.lib().cct_replay_live(self._h(), ctypes.byref(opts), ctypes.byref(rp))
        if r < 0:
            raise self._fail(r)
        try:
            return _result(rp, self._convention)
        finally:
            L.lib().cct_replay_free(rp)
            del keep

    def get_banks(self, index: int) -> List[int]:
        """The banks (alg_ids) the platform holds for a register (native index)."""
        algs = (ctypes.c_uint16 * 16)()
        n = ctypes.c_size_t(0)
        r = L.lib().cct_get_banks(self._h(), index, algs, 16, ctypes.byref(n))
        if r < 0:
            raise self._fail(r)
        return list(algs[: n.value])

    def extend(self, index: int, digest: bytes, data: bytes = b"") -> None:
        """Extend a register (native index; the default algorithm's size) and record
        the event (with data) in the runtime log."""
        if self._convention == E.SEED and self._rtmr_platform():
            index -= 1
        digest = bytes(digest)
        data = bytes(data or b"")
        r = L.lib().cct_extend(
            self._h(), index, digest, len(digest), data if data else None, len(data)
        )
        if r < 0:
            raise self._fail(r)

    def extend_data(self, index: int, data: bytes) -> bytes:
        """Measure data with the platform's default algorithm (in the library), extend
        the register with it and record data in the runtime log; returns the digest."""
        if self._convention == E.SEED and self._rtmr_platform():
            index -= 1
        data = bytes(data)
        out = ctypes.create_string_buffer(L.CCT_MAX_DIGEST_SIZE)
        n = ctypes.c_size_t(0)
        r = L.lib().cct_extend_data(self._h(), index, data, len(data), out, ctypes.byref(n))
        if r < 0:
            raise self._fail(r)
        return out.raw[: n.value]
