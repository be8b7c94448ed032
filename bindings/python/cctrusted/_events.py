# SPDX-License-Identifier: Apache-2.0
"""Reading logs into the seed-shaped event objects, and handing events back to
the library for replay. Python only moves bytes here: the library parses
(cct_eventlog_*) and replays (cct_replay_logs); a log's bytes are kept so
that the records of the events a caller passes to replay_cc_eventlog() can
be given back to the library unchanged. A log file is read by the library
itself (streamed through its window) when a list is made; Python reads its
bytes only when they are needed (event objects, part of a log), after
checking that the file is still the one the library read.
"""
import contextlib
import ctypes
import gc
import os
import stat
import struct
import weakref
from collections.abc import Sequence
from typing import Any, Dict, Iterator, List, Optional, Tuple

from . import _lib as L
from ._common import CCT_EINVAL, Buffer, CCTrustedError, cstr
from .tcg import (
    TcgCelTypes,
    TcgImrEvent,
    TcgPcClientImrEvent,
    TcgTpmsCelEvent,
)

NATIVE = "native"
SEED = "seed"
CONVENTIONS = (NATIVE, SEED)

_IMA_FORMATS = (4, 5)
_CEL_FORMATS = (6, 7, 8)
_HEADER_FORMATS = (1, 3)  # tcg2, ccel: later records need the SpecID header to be read
_KIND_NAMES = L.REG_KIND_NAMES
_IMA_REG_FROM_KIND = {
    L.CCT_REG_PCR: L.CCT_IMA_REGISTERS["pcr"],
    L.CCT_REG_RTMR: L.CCT_IMA_REGISTERS["rtmr"],
}


def check_convention(c: str) -> str:
    if c not in CONVENTIONS:
        raise CCTrustedError(
            CCT_EINVAL, "index_convention must be 'native' or 'seed', not %r" % (c,)
        )
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
        raise CCTrustedError(
            CCT_EINVAL, "ima_register must be 'auto', 'pcr' or 'rtmr', not %r" % (reg,)
        )
    return L.CCT_IMA_REGISTERS[reg]


def _identity(st: os.stat_result) -> Tuple[int, int, int, int]:
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


class Source:
    """One log: its bytes (kept for replay), format, IMA register setting, name and
    the index convention of the events made from it. A source made from a regular
    file (path set) holds no bytes until they are needed: the library reads the
    file itself; `buf` reads it then, and fails if the file is no longer the one
    (device, inode, size, modification time) it was when the source was made."""

    __slots__ = (
        "_buf",
        "path",
        "_ident",
        "fmt",
        "ima_register",
        "name",
        "convention",
        "_header",
        "count",
        "__weakref__",
    )

    def __init__(
        self,
        data: Optional[bytes],
        fmt: int,
        ima_register: int,
        name: str,
        convention: str,
        path: Optional[str] = None,
        ident: Optional[Tuple[int, int, int, int]] = None,
    ) -> None:
        self._buf = Buffer(data) if data is not None else None
        self.path = path if data is None else None
        self._ident = ident
        self.fmt = fmt
        self.ima_register = ima_register
        self.name = name
        self.convention = convention
        self._header: Any = _UNKNOWN
        self.count = 0

    @property
    def loaded(self) -> bool:
        """Are the log's bytes in memory?"""
        return self._buf is not None

    def check_unchanged(self) -> None:
        """Raise CCTrustedError (CCT_EIO) when the file is no longer the one the
        source was made from."""
        if self._buf is not None or self.path is None:
            return
        try:
            st = os.stat(self.path)
        except OSError as e:
            raise CCTrustedError(
                -3, "cannot read %s: %s" % (self.name, e.strerror), sys_errno=e.errno or 0
            ) from None
        if _identity(st) != self._ident:
            raise CCTrustedError(
                -3, "%s changed since its events were read; load it again" % self.name
            )

    @property
    def buf(self) -> Buffer:
        if self._buf is None:
            assert self.path is not None
            try:
                with open(self.path, "rb") as f:
                    st = os.fstat(f.fileno())
                    data = f.read()
            except OSError as e:
                raise CCTrustedError(
                    -3, "cannot read %s: %s" % (self.name, e.strerror), sys_errno=e.errno or 0
                ) from None
            if _identity(st) != self._ident or len(data) != st.st_size:
                raise CCTrustedError(
                    -3, "%s changed since its events were read; load it again" % self.name
                )
            self._buf = Buffer(data)
        return self._buf

    @property
    def data(self) -> bytes:
        return self.buf.data

    @property
    def header(self) -> Optional[Tuple[int, int]]:
        """(offset, length) of the header record of a TCG2/CCEL log, else None."""
        if self._header is _UNKNOWN:
            _note_header(self)
        return self._header if self._header is not _UNKNOWN else None

    @header.setter
    def header(self, value: Optional[Tuple[int, int]]) -> None:
        self._header = value

    @property
    def format_name(self) -> str:
        n = L.lib().cct_log_format_name(self.fmt)
        return n.decode() if n else "auto"


_UNKNOWN = object()


def _open(buf: Buffer, fmt: int, ima_register: int):
    lib = L.lib()
    opts = L.cct_eventlog_options(L.CCT_EVENTLOG_OPTIONS_VERSION, fmt, 0)
    log = ctypes.c_void_p()
    err = L.cct_error()
    r = lib.cct_eventlog_from_memory(
        buf.ptr, buf.size, ctypes.byref(opts), ctypes.byref(log), ctypes.byref(err)
    )
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


def _struct_format(st) -> Tuple[str, List[str]]:
    """A struct module format reading every scalar field of a ctypes structure at
    the offsets ctypes gives (which the layout test checks against the C compiler),
    and the names of the values it yields (arrays of structures flattened)."""
    codes = {
        ctypes.c_uint64: "Q",
        ctypes.c_int64: "q",
        ctypes.c_uint32: "I",
        ctypes.c_int: "i",
        ctypes.c_uint16: "H",
        ctypes.c_uint8: "B",
        ctypes.c_size_t: "N",
        ctypes.c_void_p: "P",
        ctypes.c_uint: "I",
    }
    fmt = ["@"]
    names: List[str] = []
    pos = 0

    def walk(t, base: int, prefix: str) -> None:
        nonlocal pos
        for name, ft in t._fields_:
            off = base + getattr(t, name).offset
            if hasattr(ft, "_length_"):
                et = ft._type_
                if not hasattr(et, "_fields_"):
                    continue  # a scalar array (the event's reserved room) is not read
                for k in range(ft._length_):
                    walk(et, off + k * ctypes.sizeof(et), "%s%s.%d." % (prefix, name, k))
                continue
            if off > pos:
                fmt.append("%dx" % (off - pos))
            fmt.append(codes[ft])
            names.append(prefix + name)
            pos = off + ctypes.sizeof(ft)

    walk(st, 0, "")
    return "".join(fmt), names


_EV_FMT, _EV_NAMES = _struct_format(L.cct_event)
_EV = struct.Struct(_EV_FMT)
_I = {n: i for i, n in enumerate(_EV_NAMES)}
_I_DIG = [
    (_I["digests.%d.alg" % k], _I["digests.%d.size" % k], _I["digests.%d.bytes" % k])
    for k in range(L.CCT_MAX_DIGESTS)
]
(
    _I_NUMBER,
    _I_OFFSET,
    _I_LENGTH,
    _I_FORMAT,
    _I_KIND,
    _I_INDEX,
    _I_INDEX_LOGGED,
    _I_TYPE,
    _I_FLAGS,
    _I_NDIG,
    _I_DATA,
    _I_DATA_LEN,
    _I_TPL,
    _I_TPL_LEN,
    _I_RECNUM,
    _I_CT,
) = (
    _I[n]
    for n in (
        "number",
        "offset",
        "length",
        "format",
        "kind",
        "index",
        "index_logged",
        "type",
        "flags",
        "n_digests",
        "data",
        "data_len",
        "ima_template",
        "ima_template_len",
        "cel_recnum",
        "cel_content_type",
    )
)


_ARRAYS: Dict[int, Any] = {}


def _copy_out(p: int, n: int) -> bytes:
    """n bytes at address p (memory the library owns)."""
    t = _ARRAYS.get(n)
    if t is None:
        t = _ARRAYS[n] = ctypes.c_char * n
    return t.from_address(p).raw


_NAMES: Dict[bytes, str] = {}  # template names seen, decoded once
_new = object.__new__
_IMA_CT = TcgCelTypes.CEL_IMA_TEMPLATE


def _grab(p: int, n: int, base: int, size: int, sdata: bytes) -> bytes:
    """n bytes at address p: a slice of the log's bytes (at base, size long) when
    they hold them, else a copy of the library's memory."""
    if not n:
        return b""
    off = p - base
    if 0 <= off and off + n <= size:
        return sdata[off : off + n]
    return _copy_out(p, n)


def _make_event(ev, src: Source):
    """A seed-shaped event object from a library event view (every byte copied:
    slices of the log's own bytes where the view points into them). An event's
    digest and content objects are made when first used, from the values kept
    in its _raw (tcg._Made)."""
    t = _EV.unpack_from(ev)
    buf = src.buf
    base, size, sdata = buf.address, buf.size, buf.data
    kind = t[_I_KIND]
    index = t[_I_INDEX]
    imr = seed_index(kind, index) if src.convention == SEED else index
    digests = tuple(
        (t[ia], _grab(t[ib], t[isz], base, size, sdata))
        for ia, isz, ib in _I_DIG[: min(t[_I_NDIG], L.CCT_MAX_DIGESTS)]
    )
    data = _grab(t[_I_DATA], t[_I_DATA_LEN], base, size, sdata)
    fmt = t[_I_FORMAT]
    number = t[_I_NUMBER]
    flags = t[_I_FLAGS]
    if fmt in _IMA_FORMATS or t[_I_TPL]:
        raw_name = _grab(t[_I_TPL], t[_I_TPL_LEN], base, size, sdata)
        name = _NAMES.get(raw_name)
        if name is None:
            name = raw_name.decode("utf-8", "replace")
            if len(_NAMES) < 64:
                _NAMES[raw_name] = name
        obj: Any = _new(TcgTpmsCelEvent)
        obj.rec_num = number
        obj._content_type = _IMA_CT
        obj._imr = imr
        obj._raw = (digests, data, name)
    elif fmt in _CEL_FORMATS:
        ct = t[_I_CT]
        obj = _new(TcgTpmsCelEvent)
        obj.rec_num = t[_I_RECNUM]
        obj._content_type = ct
        obj._imr = imr
        obj._raw = (digests, t[_I_TYPE] if ct == TcgCelTypes.CEL_PCCLIENT_STD else None, data)
    elif flags & L.CCT_EVENT_F_HEADER and fmt in _HEADER_FORMATS:
        obj = TcgPcClientImrEvent(
            imr, t[_I_TYPE], digests[0][1] if digests else bytes(20), len(data), data
        )
        obj.rec_num = number
    else:
        obj = _new(TcgImrEvent)
        obj._imr_index = imr
        obj._event_type = t[_I_TYPE]
        obj._raw = digests
        obj._event_size = len(data)
        obj._event = data
        obj.rec_num = number
    obj._origin = (src, number, t[_I_OFFSET], t[_I_LENGTH])
    if kind != L.CCT_REG_PCR:
        obj._register = _KIND_NAMES.get(kind, "pcr")
    obj._index_logged = t[_I_INDEX_LOGGED]
    if flags:
        obj._flags = flags
    return obj


def _raise_log(lib, log, src: Source) -> None:
    r = lib.cct_eventlog_error(log).contents.code or -5
    e = CCTrustedError.from_struct(r, lib.cct_eventlog_error(log))
    e.log = src.name
    raise e


def count(src: Source) -> int:
    """Parse the whole log in the library (every record is checked) and count its
    events; notes the header record. Sets src.count."""
    lib = L.lib()
    ev = L.cct_event()
    evp = ctypes.byref(ev)
    n = 0
    with opened(src.buf, src.fmt, src.ima_register) as log:
        src.fmt = lib.cct_eventlog_format(log)
        nxt = lib.cct_eventlog_next
        r = nxt(log, evp)
        if r == 1:
            n = 1
            if ev.flags & L.CCT_EVENT_F_HEADER and src.fmt in _HEADER_FORMATS:
                src.header = (ev.offset, ev.length)
            r = nxt(log, evp)
            while r == 1:
                n += 1
                r = nxt(log, evp)
        if r < 0:
            _raise_log(lib, log, src)
    src.count = n
    return n


def _note_header(src: Source) -> None:
    lib = L.lib()
    ev = L.cct_event()
    with opened(src.buf, src.fmt, src.ima_register) as log:
        src.fmt = lib.cct_eventlog_format(log)
        r = lib.cct_eventlog_next(log, ctypes.byref(ev))
        if r < 0:
            _raise_log(lib, log, src)
        if r == 1 and ev.flags & L.CCT_EVENT_F_HEADER and src.fmt in _HEADER_FORMATS:
            src.header = (ev.offset, ev.length)
        else:
            src.header = None


class KeptReplay:
    """The replay made when a list of whole logs was read (default options), kept
    for replay_cc_eventlog() of that same list; the library's handle is freed with
    this object. diagnostics: whether the library ran its digest checks and notes
    in it (registers do not depend on them)."""

    __slots__ = ("rp", "keep", "srcs", "diagnostics", "_fin", "__weakref__")

    def __init__(self, rp, keep, srcs: List[Source], diagnostics: bool) -> None:
        self.rp = rp
        self.keep = keep
        self.srcs = srcs
        self.diagnostics = diagnostics
        self._fin = weakref.finalize(self, L.lib().cct_replay_free, rp)


def replay_whole(srcs: List[Source], diagnostics: bool) -> KeptReplay:
    """cct_replay_logs() over the whole logs with the default options, kept."""
    opts, keep_opts = replay_options(diagnostics=diagnostics)
    rp, keep = replay_inputs([(s, None) for s in srcs], opts)
    return KeptReplay(rp, keep, list(srcs), diagnostics)


def count_all(srcs: List[Source]) -> Optional[KeptReplay]:
    """Have the library read every record of every log and count the events: one
    cct_replay_logs() over the whole logs, with the default options and without
    diagnostics (the registers replay_cc_eventlog() of the list returns; the
    digest checks and notes, which only replay_events() shows, are left until it
    asks for them), which reads each log once, in C; its error names the log,
    event and offset of a bad record (diagnostics change no error and no
    register). Returns that replay, kept for the list. IMA lists left on "auto"
    take the register file the library chose for them. Logs the replay cannot
    take (an algorithm the crypto layer lacks, too many registers) are counted
    one event at a time instead (and None is returned)."""
    if not srcs:
        return None
    lib = L.lib()
    try:
        kept = replay_whole(srcs, diagnostics=False)
    except CCTrustedError as e:
        if e.code not in (-6, -8):  # CCT_EUNSUPPORTED, CCT_ELIMIT: the records may still be fine
            raise
        for src in srcs:
            count(src)
        return None
    rp = kept.rp
    info = L.cct_replay_log_info()
    for i, src in enumerate(srcs):
        r = lib.cct_replay_log_info(rp, i, ctypes.byref(info))
        if r < 0:
            raise CCTrustedError(r, "no count for log %d" % i)
        src.count = info.events
        src.fmt = info.format
        if src.fmt in _IMA_FORMATS and not src.ima_register:
            # "auto": the register file the library's rule chose (RTMR with a CCEL)
            src.ima_register = _IMA_REG_FROM_KIND.get(info.ima_kind, 0)
    return kept


def read(src: Source, start: int = 0, n: Optional[int] = None) -> List[Any]:
    """Events [start, start + n) of src (all when n is None) as seed-shaped objects.

    The objects made here hold no reference cycle, so the cyclic garbage collector
    is paused while they are made: otherwise its passes over the growing list (a
    full one every few ten thousand objects) cost more than making them."""
    paused = gc.isenabled()
    gc.disable()
    try:
        return _read(src, start, n)
    finally:
        if paused:
            gc.enable()


def _read(src: Source, start: int, n: Optional[int]) -> List[Any]:
    lib = L.lib()
    out: List[Any] = []
    ev = L.cct_event()
    evp = ctypes.byref(ev)
    with opened(src.buf, src.fmt, src.ima_register) as log:
        src.fmt = lib.cct_eventlog_format(log)
        if start or n is not None:
            r = lib.cct_eventlog_select(log, start, L.CCT_COUNT_ALL if n is None else n)
            if r < 0:
                raise CCTrustedError(r, "cannot select events %d.. of %s" % (start, src.name))
        nxt = lib.cct_eventlog_next
        app = out.append
        make = _make_event
        r = nxt(log, evp)
        while r == 1:
            if ev.number == 0 and ev.flags & L.CCT_EVENT_F_HEADER and src.fmt in _HEADER_FORMATS:
                src.header = (ev.offset, ev.length)
            app(make(ev, src))
            r = nxt(log, evp)
        if r < 0:
            _raise_log(lib, log, src)
    if not start and n is None:
        src.count = len(out)
    return out


def iterate(src: Source) -> Iterator[Any]:
    """Events of src one at a time (the log stays open while iterating)."""
    lib = L.lib()
    ev = L.cct_event()
    with opened(src.buf, src.fmt, src.ima_register) as log:
        while True:
            r = lib.cct_eventlog_next(log, ctypes.byref(ev))
            if r < 0:
                _raise_log(lib, log, src)
            if r == 0:
                return
            if (
                ev.number == 0
                and ev.flags & L.CCT_EVENT_F_HEADER
                and lib.cct_eventlog_format(log) in _HEADER_FORMATS
            ):
                src.header = (ev.offset, ev.length)
            yield _make_event(ev, src)


_CHUNK = 4096


class EventList(Sequence):
    """The events of one or more logs, in order, as a read-only sequence.

    The library parses every log when the list is made (a malformed record raises
    CCTrustedError then, with its event number and offset); the seed-shaped
    objects are made when an element is first used, a chunk at a time, and kept.
    Slicing gives a plain list. replay_cc_eventlog() of a whole list hands the
    logs' bytes to the library without making any object."""

    def __init__(
        self, ranges: List[Tuple[Source, int, int]], kept: Optional[KeptReplay] = None
    ) -> None:
        self._ranges = [(s, a, b) for s, a, b in ranges if b > a]
        # The replay made when the logs were read; replay_cc_eventlog() of this list
        # with default options returns its registers instead of replaying again.
        self._kept = kept
        self._starts: List[int] = []
        total = 0
        for _, a, b in self._ranges:
            self._starts.append(total)
            total += b - a
        self._len = total
        self._cache: Dict[Tuple[int, int], List[Any]] = {}

    @classmethod
    def of_sources(cls, srcs: List[Source]) -> "EventList":
        kept = count_all(srcs)
        return cls([(s, 0, s.count) for s in srcs], kept)

    def __len__(self) -> int:
        return self._len

    def _locate(self, i: int) -> Tuple[int, int]:
        import bisect

        r = bisect.bisect_right(self._starts, i) - 1
        return r, self._ranges[r][1] + (i - self._starts[r])

    def _get(self, r: int, number: int) -> Any:
        src = self._ranges[r][0]
        c = number // _CHUNK
        chunk = self._cache.get((r, c))
        if chunk is None:
            chunk = read(src, c * _CHUNK, _CHUNK)
            self._cache[(r, c)] = chunk
        return chunk[number - c * _CHUNK]

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(self._len))]
        if i < 0:
            i += self._len
        if not 0 <= i < self._len:
            raise IndexError("event list index out of range")
        r, number = self._locate(i)
        return self._get(r, number)

    def _fill(self, r: int) -> None:
        """Make every object of run r in one pass over its log."""
        src, a, b = self._ranges[r]
        c0, c1 = a // _CHUNK, (b - 1) // _CHUNK
        if all((r, c) in self._cache for c in range(c0, c1 + 1)):
            return
        events = read(src, c0 * _CHUNK, (c1 + 1 - c0) * _CHUNK)
        for c in range(c0, c1 + 1):
            if (r, c) not in self._cache:
                k = (c - c0) * _CHUNK
                self._cache[(r, c)] = events[k : k + _CHUNK]

    def __iter__(self) -> Iterator[Any]:
        cache = self._cache
        for r, (_, a, b) in enumerate(self._ranges):
            self._fill(r)
            for c in range(a // _CHUNK, (b - 1) // _CHUNK + 1):
                lo = max(a - c * _CHUNK, 0)
                hi = min(b - c * _CHUNK, _CHUNK)
                yield from cache[(r, c)][lo:hi]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (list, tuple, EventList)):
            return len(self) == len(other) and all(x is y or x == y for x, y in zip(self, other))
        return NotImplemented

    def __add__(self, other):
        return list(self) + list(other)

    def __repr__(self) -> str:
        return "<EventList of %d events from %d logs>" % (self._len, len(self._ranges))

    def ranges(self) -> List[Tuple[Source, int, int]]:
        """(log, first event number, end) of each run of the list."""
        return list(self._ranges)


def load(
    source,
    fmt: Optional[str] = None,
    ima_register: Optional[str] = None,
    convention: str = NATIVE,
    name: Optional[str] = None,
) -> Source:
    """A Source from a path or bytes."""
    fpath: Optional[str] = None
    ident = None
    data: Optional[bytes] = None
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        label = name or "memory"
    else:
        path = os.fspath(source)
        with open(path, "rb") as f:
            st = os.fstat(f.fileno())
            if stat.S_ISREG(st.st_mode):
                # The library reads a regular file itself; its bytes are read here
                # only when needed (Source.buf checks that it did not change).
                fpath = os.fsdecode(path)
                ident = _identity(st)
            else:
                data = f.read()  # securityfs, a pipe: read once, now
        label = name or (path if isinstance(path, str) else os.fsdecode(path))
    return Source(
        data,
        format_id(fmt),
        ima_register_id(ima_register),
        label,
        check_convention(convention),
        fpath,
        ident,
    )


def _record_bytes(events: Sequence[Any]) -> Tuple[Source, Optional[bytes], int]:
    """The bytes of a run of events of one log, ready for the library: None (the
    whole log, see replay_inputs) when the run is all of it, else the header record
    (when the format needs it) followed by each event's record. The third value
    counts the records put in front of the events (the header: 1, else 0)."""
    src = events[0]._origin[0]
    nums = [e._origin[1] for e in events]
    if src.count and len(events) == src.count and nums == list(range(src.count)):
        return src, None, 0
    parts = []
    if (
        src.header is not None
        and src.fmt in _HEADER_FORMATS
        and not (events[0]._flags & L.CCT_EVENT_F_HEADER)
    ):
        off, length = src.header
        parts.append(src.data[off : off + length])
    lead = len(parts)
    for e in events:
        _, _, off, length = e._origin
        parts.append(src.data[off : off + length])
    return src, b"".join(parts), lead


@contextlib.contextmanager
def event_view(event):
    """A library event view of one event, re-read from its record (valid inside the
    with block)."""
    if not getattr(event, "_origin", None):
        raise CCTrustedError(
            CCT_EINVAL, "the event was not read by cctrusted: no record to hand to the library"
        )
    src = event._origin[0]
    _, _, off, length = event._origin
    parts = []
    if (
        src.header is not None
        and src.fmt in _HEADER_FORMATS
        and not (event._flags & L.CCT_EVENT_F_HEADER)
    ):
        parts.append(src.data[src.header[0] : src.header[0] + src.header[1]])
    target = len(parts)
    parts.append(src.data[off : off + length])
    buf = Buffer(b"".join(parts))
    lib = L.lib()
    ev = L.cct_event()
    with opened(buf, src.fmt, src.ima_register) as log:
        for _ in range(target + 1):
            r = lib.cct_eventlog_next(log, ctypes.byref(ev))
            if r < 0:
                raise CCTrustedError.from_struct(r, lib.cct_eventlog_error(log))
            if r == 0:
                raise CCTrustedError(
                    CCT_EINVAL,
                    "event %d of %s could not be read back" % (event._origin[1], src.name),
                )
        yield ev


def groups(events: Sequence[Any]) -> List[List[Any]]:
    """Split a list of events into runs of consecutive events from one log."""
    out: List[List[Any]] = []
    for i, e in enumerate(events):
        origin = getattr(e, "_origin", None)
        if not origin:
            raise CCTrustedError(
                CCT_EINVAL,
                "event %d of the list was not read by cctrusted: replay needs the "
                "record the library read" % i,
            )
        if out and out[-1][0]._origin[0] is origin[0] and out[-1][-1]._origin[1] < origin[1]:
            out[-1].append(e)
        else:
            out.append([e])
    return out


def replay_options(
    workarounds=(),
    ima_register: Optional[str] = None,
    ima_banks=(),
    ima_padded=(),
    mrtd: Optional[bytes] = None,
    diagnostics: bool = True,
):
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


def replay_inputs(
    inputs: List[Tuple[Source, Optional[bytes]]], opts
) -> Tuple[Any, List[Any]]:
    """cct_replay_logs() over (source, bytes) pairs, bytes None for the whole log: its
    bytes when they are in memory, else its file, which the library reads (after a
    check that it is still the file the source was made from). Returns (replay
    handle, keep-alive)."""
    lib = L.lib()
    arr = (L.cct_log_input * max(1, len(inputs)))()
    keep: List[Any] = []
    for i, (src, data) in enumerate(inputs):
        name = src.name.encode("utf-8", "replace")
        keep.append(name)
        if data is None and not src.loaded and src.path is not None:
            src.check_unchanged()
            path = os.fsencode(src.path)
            keep.append(path)
            arr[i].path = path
            arr[i].data = None
            arr[i].len = 0
        else:
            buf = src.buf if data is None else Buffer(data)
            keep.append(buf)
            arr[i].path = None
            arr[i].data = buf.ptr
            arr[i].len = buf.size
        arr[i].format = src.fmt
        arr[i].ima_register = src.ima_register
        arr[i].name = name
    rp = ctypes.c_void_p()
    err = L.cct_error()
    r = lib.cct_replay_logs(
        arr, len(inputs), ctypes.byref(opts), ctypes.byref(rp), ctypes.byref(err)
    )
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
        out.append((reg.kind, reg.index, reg.alg, bytes(reg.digest[: reg.size])))
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
            out.append(
                {
                    "code": L.NOTE_NAMES.get(n.code, str(n.code)),
                    "log": n.log,
                    "event": n.event,
                    "offset": n.offset,
                    "register": _KIND_NAMES.get(n.kind, "pcr"),
                    "index": n.index,
                    "text": cstr(n.text),
                }
            )
    return out
