# SPDX-License-Identifier: Apache-2.0
"""The package's first API (kept): CCTrusted, Event, Report, parse_eventlog(),
replay(), detect(). Events here are flat copies with every field the library
reports; the seed-shaped API is in api.py, tcg.py and ccreport.py.

Event views returned by the C iterator are valid only until its next call;
this module copies each one into an Event before advancing.
"""
import ctypes
import json
import os

from . import _lib as L



from ._common import CCTrustedError, context_fail, fetch_report, log_sources  # noqa: E402


def library_path():
    """Path of the loaded libcctrusted."""
    return L.lib_path()


def alg_name(alg):
    """Name of a TPM_ALG_ID ("sha384"), or "0x...." when the library does not know it."""
    n = L.lib().cct_alg_name(alg)
    return n.decode() if n else "0x%04x" % alg


def _alg_id(alg):
    if alg is None:
        return 0
    if isinstance(alg, int):
        return alg
    a = L.lib().cct_alg_from_name(alg.encode())
    if a == 0:
        raise CCTrustedError(-1, "unknown algorithm '%s'" % alg)
    return a


def _bytes(ptr, n):
    return ctypes.string_at(ptr, n) if ptr and n else b""


def _text(ptr, n):
    return _bytes(ptr, n).decode("utf-8", "replace")


class Event:
    """One event, copied out of the library's view (safe to keep).

    number, offset, length, format (name), register ("pcr"/"rtmr"/"mrtd"),
    index (native), index_logged, type, type_name, flags, digests {alg name:
    bytes}, data, raw, decoded (dict from the JSON decoder), decode_warning,
    digest_check, digest_matches_event, ima (dict or None), cel (dict or None).
    """

    __slots__ = ("number", "offset", "length", "format", "register", "index", "index_logged", "type",
                 "type_name", "flags", "digests", "data", "raw", "decoded", "decode_warning",
                 "digest_check", "digest_matches_event", "ima", "cel")

    def __init__(self, ev):
        lib = L.lib()
        self.number = ev.number
        self.offset = ev.offset
        self.length = ev.length
        self.format = lib.cct_log_format_name(ev.format).decode()
        self.register = L.REG_KIND_NAMES.get(ev.kind, "pcr")
        self.index = ev.index
        self.index_logged = ev.index_logged
        self.type = ev.type
        self.flags = ev.flags
        self.digests = {}
        for i in range(min(ev.n_digests, L.CCT_MAX_DIGESTS)):
            d = ev.digests[i]
            self.digests[alg_name(d.alg)] = _bytes(d.bytes, d.size)
        self.data = _bytes(ev.data, ev.data_len)
        self.raw = _bytes(ev.raw, ev.raw_len)
        is_ima = self.format in ("ima", "ima-bin") or bool(ev.ima_template)
        is_cel = self.format.startswith("cel")
        tn = lib.cct_event_type_name(ev.type)
        self.type_name = tn.decode() if tn else "UNKNOWN"
        self.ima = None
        self.cel = None
        if is_ima:
            self.type_name = "IMA"
            self.ima = {"template": _text(ev.ima_template, ev.ima_template_len),
                        "violation": bool(ev.flags & L.CCT_EVENT_F_IMA_VIOLATION)}
            if ev.ima_file_digest:
                self.ima["file_alg"] = _text(ev.ima_file_alg_name, ev.ima_file_alg_name_len)
                self.ima["file_digest"] = _bytes(ev.ima_file_digest, ev.ima_file_digest_len)
            if ev.ima_file_name:
                self.ima["file_name"] = _text(ev.ima_file_name, ev.ima_file_name_len).replace("\0", "?")
        if is_cel:
            ct = ev.cel_content_type
            self.cel = {"recnum": ev.cel_recnum, "content_type": ct,
                        "content_type_name": L.CEL_CONTENT_NAMES.get(ct, "unknown")}
            if ct != L.CCT_CEL_PCCLIENT_STD and not is_ima:
                self.type_name = "CEL_" + self.cel["content_type_name"]
        self.decoded = {}
        self.decode_warning = None
        if not is_ima and not (is_cel and ev.cel_content_type != L.CCT_CEL_PCCLIENT_STD):
            out = ctypes.c_void_p()
            err = L.cct_error()
            r = lib.cct_event_decode(ctypes.byref(ev), L.CCT_DECODE_JSON, ctypes.byref(out),
                                     ctypes.byref(err))
            if out.value:
                text = ctypes.string_at(out.value).decode("utf-8", "replace")
                lib.cct_free(out)
                try:
                    self.decoded = json.loads(text) if text else {}
                except ValueError:
                    self.decoded = {}
            if r < 0:
                self.decode_warning = err.message.decode("utf-8", "replace")
        check = ctypes.c_int(0)
        literal = ctypes.c_int(0)
        lib.cct_event_check_digest(ctypes.byref(ev), ctypes.byref(check), ctypes.byref(literal))
        self.digest_check = L.DIGEST_CHECK_NAMES.get(check.value, "not-applicable")
        self.digest_matches_event = bool(literal.value)

    def __repr__(self):
        return "<Event %d %s%d %s>" % (self.number, self.register, self.index, self.type_name)


class Report:
    """A report/quote copied out of the library: data, aux, provider, key, reportdata."""

    __slots__ = ("data", "aux", "provider", "key", "reportdata")

    def __init__(self, data, aux, provider, key, reportdata):
        self.data = data
        self.aux = aux
        self.provider = provider
        self.key = key
        self.reportdata = reportdata

    def __repr__(self):
        return "<Report %s, %d bytes>" % (self.provider, len(self.data))


def _log_options(fmt):
    opts = L.cct_eventlog_options(L.CCT_EVENTLOG_OPTIONS_VERSION, 0, 0)
    if fmt not in (None, "auto"):
        f = ctypes.c_int(0)
        if L.lib().cct_log_format_from_name(fmt.encode(), ctypes.byref(f)) != 0:
            raise CCTrustedError(-1, "unknown log format '%s'" % fmt)
        opts.format = f.value
    return opts


def _drain(log, sink, skip=0, limit=None):
    """Feed each event of an open log to sink(view); raise on an iterator error.
    skip/limit count events before sink is called. Returns (events seen, events fed)."""
    lib = L.lib()
    ev = L.cct_event()
    seen = fed = 0
    while limit is None or fed < limit:
        r = lib.cct_eventlog_next(log, ctypes.byref(ev))
        if r < 0:
            raise CCTrustedError.from_struct(r, lib.cct_eventlog_error(log))
        if r == 0:
            break
        seen += 1
        if seen > skip:
            sink(ev)
            fed += 1
    return seen, fed


class _OpenLog:
    """An open offline log; keeps the memory buffer alive while the log lives."""

    def __init__(self, source, fmt):
        lib = L.lib()
        self.buf = None
        self.log = ctypes.c_void_p()
        opts = _log_options(fmt)
        err = L.cct_error()
        if isinstance(source, (bytes, bytearray, memoryview)):
            self.buf = ctypes.create_string_buffer(bytes(source), len(source))
            r = lib.cct_eventlog_from_memory(self.buf, len(source), ctypes.byref(opts),
                                             ctypes.byref(self.log), ctypes.byref(err))
        else:
            r = lib.cct_eventlog_from_file(os.fsencode(source), ctypes.byref(opts), ctypes.byref(self.log),
                                           ctypes.byref(err))
        if r < 0:
            raise CCTrustedError.from_struct(r, err)

    def __enter__(self):
        return self.log

    def __exit__(self, *exc):
        L.lib().cct_eventlog_free(self.log)
        self.log = None
        self.buf = None


def parse_eventlog(path_or_bytes, format="auto"):
    """Parse an event log file (path) or buffer (bytes) into a list of Event."""
    events = []
    with _OpenLog(path_or_bytes, format) as log:
        _drain(log, lambda v: events.append(Event(v)))
    return events


def _replay_results(rp):
    lib = L.lib()
    out = {}
    reg = L.cct_register()
    for i in range(lib.cct_replay_count(rp)):
        r = lib.cct_replay_get(rp, i, ctypes.byref(reg))
        if r < 0:
            raise CCTrustedError(r, "cannot read replayed register %d" % i)
        key = (L.REG_KIND_NAMES.get(reg.kind, "pcr"), reg.index, alg_name(reg.alg))
        out[key] = bytes(reg.digest[:reg.size])
    return out


def _replay_options(workarounds):
    from ._events import replay_options
    return replay_options(workarounds)[0]


def replay(paths, format="auto", workarounds=(), ima_register="auto", ima_banks=()):
    """Replay log files (or buffers) together with the library's rules
    (cct_replay_logs: boot logs first, then IMA lists, IMA in RTMRs when a CCEL
    is given) into registers: {(kind, index, alg name): bytes}, kind "pcr",
    "rtmr" or "mrtd". workarounds names opt-in firmware-bug workarounds
    ("ebs-missing", "dup-separator"); ima_register is "auto", "pcr" or "rtmr";
    ima_banks names extra banks of IMA entries ("sha256", ...)."""
    from . import _events as E
    if isinstance(paths, (str, bytes, bytearray, memoryview, os.PathLike)):
        paths = [paths]
    srcs = [E.load(p, format) for p in paths]
    opts, keep_opts = E.replay_options(workarounds, ima_register, ima_banks)
    rp, keep = E.replay_inputs([(s, None) for s in srcs], opts)
    try:
        return _replay_results(rp)
    finally:
        L.lib().cct_replay_free(rp)
        del keep, keep_opts


def detect(sysroot=None):
    """Explain platform detection under sysroot without opening anything:
    {"chosen": name, "reason": text, "probes": [{platform, what, path, found, detail}]}."""
    lib = L.lib()
    root = None if sysroot is None else os.fsencode(sysroot)
    opts = L.cct_open_options(L.CCT_OPEN_OPTIONS_VERSION, 0, root, None, None, None)
    d = L.cct_detection()
    r = lib.cct_detect(ctypes.byref(opts), ctypes.byref(d))
    if r < 0:
        raise CCTrustedError(r, "detection failed")

    def s(b):
        return b.decode("utf-8", "replace")
    probes = [{"platform": lib.cct_platform_name(p.platform).decode(), "what": s(p.what), "path": s(p.path),
               "found": bool(p.found), "detail": s(p.detail)}
              for p in d.probes[:min(d.n_probes, L.CCT_MAX_PROBES)]]
    return {"chosen": lib.cct_platform_name(d.chosen).decode(), "reason": s(d.reason), "probes": probes}


class CCTrusted:
    """A context on one platform: "auto" (detect), "tdx", "tpm", "snp", "cca", "sim" or "agent".
    Use as a context manager, or call close()."""

    def __init__(self, platform="auto", sysroot=None, sim_state_dir=None, tpm_tcti=None, runtime_log=None):
        lib = L.lib()
        if platform not in L.CCT_PLATFORMS or platform == "none":
            raise CCTrustedError(-1, "unknown platform '%s'" % platform)
        # Keep the encoded strings alive as long as the options structure.
        self._strs = [None if s is None else os.fsencode(s) for s in (sysroot, tpm_tcti, sim_state_dir,
                                                                        runtime_log)]
        opts = L.cct_open_options(L.CCT_OPEN_OPTIONS_VERSION, L.CCT_PLATFORMS[platform], *self._strs)
        err = L.cct_error()
        self._ctx = ctypes.c_void_p()
        r = lib.cct_open(ctypes.byref(opts), ctypes.byref(self._ctx), ctypes.byref(err))
        if r < 0:
            self._ctx = None
            raise CCTrustedError.from_struct(r, err)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:  # interpreter shutdown: the module may already be gone
            pass

    def close(self):
        """Close the context (idempotent)."""
        ctx = getattr(self, "_ctx", None)
        if ctx:
            L.lib().cct_close(ctx)
        self._ctx = None

    def _h(self):
        if not self._ctx:
            raise CCTrustedError(-1, "the context is closed")
        return self._ctx

    def _fail(self, r):
        return context_fail(self._ctx, r)

    @property
    def platform(self):
        """Name of the platform this context talks to."""
        lib = L.lib()
        return lib.cct_platform_name(lib.cct_context_platform(self._h())).decode()

    def get_default_algorithms(self):
        """The platform's default bank, as a name ("sha384" on TDX)."""
        alg = ctypes.c_uint16()
        r = L.lib().cct_get_default_algorithm(self._h(), ctypes.byref(alg))
        if r < 0:
            raise self._fail(r)
        return alg_name(alg.value)

    def get_measurement_count(self):
        """Number of measurement registers (4 RTMRs, 24 PCRs)."""
        n = ctypes.c_uint32()
        r = L.lib().cct_get_measurement_count(self._h(), ctypes.byref(n))
        if r < 0:
            raise self._fail(r)
        return n.value

    def get_cc_measurement(self, index, alg=None):
        """Read register index in bank alg (name or TPM_ALG_ID; None = default): (alg name, bytes)."""
        m = L.cct_measurement()
        r = L.lib().cct_get_measurement(self._h(), index, _alg_id(alg), ctypes.byref(m))
        if r < 0:
            raise self._fail(r)
        return alg_name(m.alg), bytes(m.digest[:m.size])

    def get_cc_report(self, nonce=None, data=None, report_data=None):
        """A report/quote. REPORTDATA = SHA-512(nonce || data) unless report_data gives it raw."""
        return Report(*fetch_report(self._h(), nonce, data, report_data))

    def get_log_sources(self):
        """The platform's live logs: list of (path, format name, role)."""
        lib = L.lib()
        return [(s.path.decode(), lib.cct_log_format_name(s.format).decode(), s.role.decode())
                for s in log_sources(self._h())]

    def get_cc_eventlog(self, start=0, count=None):
        """Events of every live log in replay order (boot log first), as one list;
        [start, start + count) selects by position in that list (count None = to the end)."""
        if start < 0 or (count is not None and count < 0):
            raise CCTrustedError(-1, "start and count must not be negative")
        lib = L.lib()
        events = []
        skip = start
        for i in range(len(self.get_log_sources())):
            if count is not None and len(events) >= count:
                break
            log = ctypes.c_void_p()
            r = lib.cct_get_eventlog(self._h(), i, 0, L.CCT_COUNT_ALL, ctypes.byref(log))
            if r < 0:
                raise self._fail(r)
            try:
                limit = None if count is None else count - len(events)
                seen, _ = _drain(log, lambda v: events.append(Event(v)), skip, limit)
                skip = max(0, skip - seen)
            finally:
                lib.cct_eventlog_free(log)
        return events

    def replay_cc_eventlog(self, workarounds=()):
        """Replay every live log: {(kind, index, alg name): bytes}."""
        lib = L.lib()
        opts = _replay_options(workarounds)
        rp = ctypes.c_void_p()
        r = lib.cct_replay_live(self._h(), ctypes.byref(opts), ctypes.byref(rp))
        if r < 0:
            raise self._fail(r)
        try:
            return _replay_results(rp)
        finally:
            lib.cct_replay_free(rp)

    def extend(self, index, digest, data=b""):
        """Extend register index with digest (default algorithm size) and log it with data."""
        digest = bytes(digest)
        data = bytes(data or b"")
        r = L.lib().cct_extend(self._h(), index, digest, len(digest), data if data else None, len(data))
        if r < 0:
            raise self._fail(r)
