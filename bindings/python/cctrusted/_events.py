# SPDX-License-Identifier: Apache-2.0
"""Reading logs into the seed-shaped event objects, and handing events back to
the library for replay. Python only moves bytes here: the library parses
(cct_eventlog_*) and replays (cct_replay_logs); a log's bytes are kept so
that the records of the events a caller passes to replay_cc_eventlog() can
be given back to the library unchanged.
"""
import contextlib
import ctypes
import os
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple

from . import _lib as L
from ._common import CCT_EINVAL, Buffer, CCTrustedError, cstr
from .tcg import (TcgCelTypes, TcgDigest, TcgEventType, TcgImrEvent, TcgPcClientImrEvent, TcgTpmsCelEvent,
                  TcgTpmsEventImaTemplate, TcgTpmsEventPcClientStd)

NATIVE = "native"
SEED = "seed"
CONVENTIONS = (NATIVE, SEED)

_IMA_FORMATS = (4, 5)
_CEL_FORMATS = (6, 7, 8)
_HEADER_FORMATS = (1, 3)  # tcg2, ccel: later records need the SpecID header to be read
_KIND_NAMES = L.REG_KIND_NAMES
_IMA_REG_FROM_KIND = {L.CCT_REG_PCR: L.CCT_IMA_REGISTERS["pcr"], L.CCT_REG_RTMR: L.CCT_IMA_REGISTERS["rtmr"]}


def check_convention(c: str) -> str:
    if c not in CONVENTIONS:
        raise CCTrustedError(CCT_EINVAL, "index_convention must be 'native' or 'seed', not %r" % (c,))
    return c


def seed_index(kind: int, index: int) -> int:
    """The seed SDK's number for a register: the UEFI CC MR index on TDX (MRTD 0,
    RTMR n -> n + 1), the PCR number on a TPM."""
    if kind == L.CCT_REG_RTMR:
        return index + 1
    if kind == L.CCT_REG_MRTD:
        return 0
    return index


def format_id(fmt: Optional[str]) -> int:
    if fmt in (None, "auto"):
        return 0
    f = ctypes.c_int(0)
    if L.lib().cct_log_format_from_name(str(fmt).encode(), ctypes.byref(f)) != 0:
        raise CCTrustedError(CCT_EINVAL, "unknown log format '%s'" % fmt)
    return f.value


def ima_register_id(reg: Optional[str]) -> int:
    if reg in (None, "auto"):
        return 0
    if reg not in L.CCT_IMA_REGISTERS:
        raise CCTrustedError(CCT_EINVAL, "ima_register must be 'auto', 'pcr' or 'rtmr', not %r" % (reg,))
    return L.CCT_IMA_REGISTERS[reg]


class Source:
    """One log: its bytes (kept for replay), format, IMA register setting, name and
    the index convention of the events made from it."""

    __slots__ = ("buf", "fmt", "ima_register", "name", "convention", "header", "count", "__weakref__")

    def __init__(self, data: bytes, fmt: int, ima_register: int, name: str, convention: str) -> None:
        self.buf = Buffer(data)
        self.fmt = fmt
        self.ima_register = ima_register
        self.name = name
        self.convention = convention
        self.header: Optional[Tuple[int, int]] = None
        self.count = 0

    @property
    def data(self) -> bytes:
        return self.buf.data

    @property
    def format_name(self) -> str:
        n = L.lib().cct_log_format_name(self.fmt)
        return n.decode() if n else "auto"


def _open(buf: Buffer, fmt: int, ima_register: int):
    lib = L.lib()
    opts = L.cct_eventlog_options(L.CCT_EVENTLOG_OPTIONS_VERSION, fmt, 0)
    log = ctypes.c_void_p()
    err = L.cct_error()
    r = lib.cct_eventlog_from_memory(buf.ptr, buf.size, ctypes.byref(opts), ctypes.byref(log), ctypes.byref(err))
    if r < 0:
        raise CCTrustedError.from_struct(r, err)
    if ima_register and lib.cct_eventlog_format(log) in _IMA_FORMATS:
        kind = L.CCT_REG_RTMR if ima_register == L.CCT_IMA_REGISTERS["rtmr"] else L.CCT_REG_PCR
        r = lib.cct_eventlog_ima_set_register(log, kind)
        if r < 0:
            lib.cct_eventlog_free(log)
            raise CCTrustedError(r, "cannot set the IMA register file")
    return log


@contextlib.contextmanager
def opened(buf: Buffer, fmt: int, ima_register: int):
    log = _open(buf, fmt, ima_register)
    try:
        yield log
    finally:
        L.lib().cct_eventlog_free(log)


def _make_event(ev, src: Source, rec_nums: Dict[int, int]):
    """A seed-shaped event object from a library event view (copied)."""
    kind = ev.kind
    index = ev.index
    imr = seed_index(kind, index) if src.convention == SEED else index
    n = min(ev.n_digests, L.CCT_MAX_DIGESTS)
    digs = ev.digests
    digests = [TcgDigest(digs[i].alg, ctypes.string_at(digs[i].bytes, digs[i].size)) for i in range(n)]
    data = ctypes.string_at(ev.data, ev.data_len) if ev.data_len else b""
    fmt = ev.format
    rec = rec_nums.get(imr, 0)
    rec_nums[imr] = rec + 1
    if fmt in _IMA_FORMATS or ev.ima_template:
        name = ctypes.string_at(ev.ima_template, ev.ima_template_len).decode("utf-8", "replace")
        obj: Any = TcgTpmsCelEvent(rec, digests, TcgCelTypes.CEL_IMA_TEMPLATE, imr,
                                   content=TcgTpmsEventImaTemplate(data, name))
    elif fmt in _CEL_FORMATS:
        ct = ev.cel_content_type
        content: Any
        if ct == TcgCelTypes.CEL_PCCLIENT_STD:
            content = TcgTpmsEventPcClientStd(ev.type, data)
        else:
            content = TcgTpmsEventPcClientStd(None, data)
        obj = TcgTpmsCelEvent(ev.cel_recnum, digests, ct, imr, content=content)
    elif ev.flags & L.CCT_EVENT_F_HEADER and fmt in _HEADER_FORMATS:
        dig = digests[0].hash if digests else bytes(20)
        obj = TcgPcClientImrEvent(imr, ev.type, dig, len(data), data)
        src.header = (ev.offset, ev.length)
    else:
        obj = TcgImrEvent(imr, ev.type, digests, len(data), data)
    obj._origin = (src, ev.number, ev.offset, ev.length)
    obj._register = _KIND_NAMES.get(kind, "pcr")
    obj._index_logged = ev.index_logged
    obj._flags = ev.flags
    return obj


def read(src: Source, start: int = 0, count: Optional[int] = None) -> List[Any]:
    """Every event of src (or [start, start + count)) as seed-shaped objects."""
    lib = L.lib()
    out: List[Any] = []
    ev = L.cct_event()
    evp = ctypes.byref(ev)
    rec_nums: Dict[int, int] = {}
    with opened(src.buf, src.fmt, src.ima_register) as log:
        src.fmt = lib.cct_eventlog_format(log)
        nxt = lib.cct_eventlog_next
        seen = 0
        while count is None or len(out) < count:
            r = nxt(log, evp)
            if r < 0:
                e = CCTrustedError.from_struct(r, lib.cct_eventlog_error(log))
                e.log = src.name
                raise e
            if r == 0:
                break
            seen += 1
            obj = _make_event(ev, src, rec_nums)
            if seen > start:
                out.append(obj)
        if count is None:
            src.count = seen
    return out


def iterate(src: Source) -> Iterator[Any]:
    """Events of src one at a time (the log stays open while iterating)."""
    lib = L.lib()
    ev = L.cct_event()
    rec_nums: Dict[int, int] = {}
    with opened(src.buf, src.fmt, src.ima_register) as log:
        while True:
            r = lib.cct_eventlog_next(log, ctypes.byref(ev))
            if r < 0:
                e = CCTrustedError.from_struct(r, lib.cct_eventlog_error(log))
                e.log = src.name
                raise e
            if r == 0:
                return
            yield _make_event(ev, src, rec_nums)


def load(source, fmt: Optional[str] = None, ima_register: Optional[str] = None, convention: str = NATIVE,
         name: Optional[str] = None) -> Source:
    """A Source from a path or bytes."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        label = name or "memory"
    else:
        path = os.fspath(source)
        with open(path, "rb") as f:
            data = f.read()
        label = name or (path if isinstance(path, str) else os.fsdecode(path))
    return Source(data, format_id(fmt), ima_register_id(ima_register), label, check_convention(convention))


def _record_bytes(events: Sequence[Any]) -> Tuple[Source, bytes, int]:
    """The bytes of a run of events of one log, ready for the library: the whole log
    when the run is all of it, else the header record (when the format needs it)
    followed by each event's record. The third value counts the records put in
    front of the events (the header: 1, else 0)."""
    src = events[0]._origin[0]
    nums = [e._origin[1] for e in events]
    if src.count and len(events) == src.count and nums == list(range(src.count)):
        return src, src.data, 0
    parts = []
    if src.header is not None and src.fmt in _HEADER_FORMATS and not (events[0]._flags & L.CCT_EVENT_F_HEADER):
        off, length = src.header
        parts.append(src.data[off:off + length])
    lead = len(parts)
    for e in events:
        _, _, off, length = e._origin
        parts.append(src.data[off:off + length])
    return src, b"".join(parts), lead


@contextlib.contextmanager
def event_view(event):
    """A library event view of one event, re-read from its record (valid inside the
    with block)."""
    if not getattr(event, "_origin", None):
        raise CCTrustedError(CCT_EINVAL, "the event was not read by cctrusted: no record to hand to the library")
    src = event._origin[0]
    _, _, off, length = event._origin
    parts = []
    if src.header is not None and src.fmt in _HEADER_FORMATS and not (event._flags & L.CCT_EVENT_F_HEADER):
        parts.append(src.data[src.header[0]:src.header[0] + src.header[1]])
    target = len(parts)
    parts.append(src.data[off:off + length])
    buf = Buffer(b"".join(parts))
    lib = L.lib()
    ev = L.cct_event()
    with opened(buf, src.fmt, src.ima_register) as log:
        for _ in range(target + 1):
            r = lib.cct_eventlog_next(log, ctypes.byref(ev))
            if r < 0:
                raise CCTrustedError.from_struct(r, lib.cct_eventlog_error(log))
            if r == 0:
                raise CCTrustedError(CCT_EINVAL, "event %d of %s could not be read back" % (event._origin[1],
                                                                                            src.name))
        yield ev


def groups(events: Sequence[Any]) -> List[List[Any]]:
    """Split a list of events into runs of consecutive events from one log."""
    out: List[List[Any]] = []
    for i, e in enumerate(events):
        origin = getattr(e, "_origin", None)
        if not origin:
            raise CCTrustedError(CCT_EINVAL, "event %d of the list was not read by cctrusted: replay needs the "
                                 "record the library read" % i)
        if out and out[-1][0]._origin[0] is origin[0] and out[-1][-1]._origin[1] < origin[1]:
            out[-1].append(e)
        else:
            out.append([e])
    return out


def replay_options(workarounds=(), ima_register: Optional[str] = None, ima_banks=(), ima_padded=(),
                   mrtd: Optional[bytes] = None, diagnostics: bool = True):
    """A struct cct_replay_options from keyword values (kept alive by the caller)."""
    from ._common import alg_id
    lib = L.lib()
    o = L.cct_replay_options()
    lib.cct_replay_options_init(ctypes.byref(o))
    for w in workarounds or ():
        bit = lib.cct_workaround_from_name(str(w).encode())
        if bit == 0:
            raise CCTrustedError(CCT_EINVAL, "unknown workaround '%s'" % w)
        o.workarounds |= bit
    o.ima_register = ima_register_id(ima_register)
    banks = [alg_id(b) for b in ima_banks or ()]
    padded = [alg_id(b) for b in ima_padded or ()]
    if len(banks) > L.CCT_MAX_DIGESTS or len(padded) > L.CCT_MAX_DIGESTS:
        raise CCTrustedError(-8, "at most %d IMA banks" % L.CCT_MAX_DIGESTS)
    o.n_ima_banks = len(banks)
    for i, b in enumerate(banks):
        o.ima_banks[i] = b
    o.n_ima_padded = len(padded)
    for i, b in enumerate(padded):
        o.ima_padded[i] = b
    keep = None
    if mrtd is not None:
        keep = Buffer(bytes(mrtd))
        o.mrtd = keep.ptr
        o.mrtd_len = keep.size
    if not diagnostics:
        o.flags |= L.CCT_REPLAY_F_NO_DIAGNOSTICS
    return o, keep


def replay_inputs(inputs: List[Tuple[Source, bytes]], opts) -> Tuple[Any, List[Any]]:
    """cct_replay_logs() over (source, bytes) pairs; returns (replay handle, keep-alive)."""
    lib = L.lib()
    arr = (L.cct_log_input * max(1, len(inputs)))()
    keep: List[Any] = []
    for i, (src, data) in enumerate(inputs):
        buf = src.buf if data is src.data else Buffer(data)
        name = src.name.encode("utf-8", "replace")
        keep += [buf, name]
        arr[i].path = None
        arr[i].data = buf.ptr
        arr[i].len = buf.size
        arr[i].format = src.fmt
        arr[i].ima_register = src.ima_register
        arr[i].name = name
    rp = ctypes.c_void_p()
    err = L.cct_error()
    r = lib.cct_replay_logs(arr, len(inputs), ctypes.byref(opts), ctypes.byref(rp), ctypes.byref(err))
    if r < 0:
        raise CCTrustedError.from_struct(r, err)
    return rp, keep


def registers(rp) -> List[Tuple[int, int, int, bytes]]:
    """(kind, index, alg, digest) of every register a replay holds, in the library's order."""
    lib = L.lib()
    reg = L.cct_register()
    out = []
    for i in range(lib.cct_replay_count(rp)):
        r = lib.cct_replay_get(rp, i, ctypes.byref(reg))
        if r < 0:
            raise CCTrustedError(r, "cannot read replayed register %d" % i)
        out.append((reg.kind, reg.index, reg.alg, bytes(reg.digest[:reg.size])))
    return out


def seed_dict(regs, convention: str) -> Dict[int, Dict[int, bytes]]:
    """{imr_index: {alg_id: bytes}} in a convention. Native: MRTD (which only a report
    gives) is left out so that keys equal get_cc_measurement indices."""
    out: Dict[int, Dict[int, bytes]] = {}
    for kind, index, alg, digest in regs:
        if convention == SEED:
            key = seed_index(kind, index)
        elif kind == L.CCT_REG_MRTD:
            continue
        else:
            key = index
        out.setdefault(key, {})[alg] = digest
    return out


def notes(rp) -> List[Dict[str, Any]]:
    lib = L.lib()
    n = L.cct_replay_note()
    out = []
    for i in range(lib.cct_replay_note_count(rp)):
        if lib.cct_replay_note_get(rp, i, ctypes.byref(n)) == 0:
            out.append({"code": L.NOTE_NAMES.get(n.code, str(n.code)), "log": n.log, "event": n.event,
                        "offset": n.offset, "register": _KIND_NAMES.get(n.kind, "pcr"), "index": n.index,
                        "text": cstr(n.text)})
    return out
