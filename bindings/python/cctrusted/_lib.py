# SPDX-License-Identifier: Apache-2.0
"""Low-level ctypes view of libcctrusted: the structures of the public headers
mirrored field by field, the function prototypes, and the library loader.

Every structure here must have the size and field offsets the C compiler
gives the header's structure; tests/python/test_binding.py checks this with
a generated C program. Enums are C `int` (c_int), size_t is c_size_t.
"""
import ctypes
import ctypes.util
import os

c_int = ctypes.c_int
c_uint = ctypes.c_uint
c_u8 = ctypes.c_uint8
c_u16 = ctypes.c_uint16
c_u32 = ctypes.c_uint32
c_u64 = ctypes.c_uint64
c_i64 = ctypes.c_int64
c_size = ctypes.c_size_t
c_ptr = ctypes.c_void_p
c_str = ctypes.c_char_p
POINTER = ctypes.POINTER

# include/cctrusted/error.h
CCT_ERROR_MESSAGE_MAX = 256
ERROR_NAMES = {
    0: "CCT_OK", -1: "CCT_EINVAL", -2: "CCT_ENOMEM", -3: "CCT_EIO", -4: "CCT_ETRUNCATED",
    -5: "CCT_EMALFORMED", -6: "CCT_EUNSUPPORTED", -7: "CCT_EVERIFY", -8: "CCT_ELIMIT",
    -9: "CCT_ENOTFOUND", -10: "CCT_EPERM",
}

# include/cctrusted/algorithm.h
CCT_MAX_DIGEST_SIZE = 64

# include/cctrusted/eventlog.h
CCT_LOG_FORMATS = {
    "auto": 0, "tcg2": 1, "tcg1": 2, "ccel": 3, "ima": 4, "ima-bin": 5,
    "cel-tlv": 6, "cel-json": 7, "cel-cbor": 8,
}
CCT_REG_PCR, CCT_REG_RTMR, CCT_REG_MRTD = 0, 1, 2
REG_KIND_NAMES = {CCT_REG_PCR: "pcr", CCT_REG_RTMR: "rtmr", CCT_REG_MRTD: "mrtd"}
CCT_MAX_DIGESTS = 8
CCT_COUNT_ALL = 0xFFFFFFFFFFFFFFFF
CCT_EVENT_F_HEADER = 0x1
CCT_EVENT_F_IMA_VIOLATION = 0x8
CCT_CEL_PCCLIENT_STD = 5
CCT_DECODE_TEXT, CCT_DECODE_JSON = 0, 1
DIGEST_CHECK_NAMES = {0: "not-applicable", 1: "ok", 2: "ok-variant", 3: "mismatch"}
CEL_CONTENT_NAMES = {4: "cel_mgt", 5: "pcclient_std", 7: "ima_template", 8: "ima_tlv", 9: "systemd", 80: "cos"}

# include/cctrusted/context.h
CCT_PLATFORMS = {"auto": 0, "tdx": 1, "tpm": 2, "snp": 3, "cca": 4, "sim": 5, "none": 6, "agent": 7}
CCT_OPEN_OPTIONS_VERSION = 1
CCT_REPORT_REQUEST_VERSION = 1
CCT_MAX_PROBES = 32
CCT_MAX_LOG_SOURCES = 8

# include/cctrusted/replay.h
CCT_REPLAY_OPTIONS_VERSION = 1
CCT_EVENTLOG_OPTIONS_VERSION = 1


class cct_error(ctypes.Structure):
    _fields_ = [
        ("code", c_int),
        ("sys_errno", c_int),
        ("event", c_i64),
        ("offset", c_i64),
        ("message", ctypes.c_char * CCT_ERROR_MESSAGE_MAX),
    ]


class cct_digest(ctypes.Structure):
    _fields_ = [
        ("alg", c_u16),
        ("size", c_u16),
        ("bytes", c_ptr),
    ]


class cct_event(ctypes.Structure):
    _fields_ = [
        ("number", c_u64),
        ("offset", c_u64),
        ("length", c_u64),
        ("format", c_int),
        ("kind", c_int),
        ("index", c_u32),
        ("index_logged", c_u32),
        ("type", c_u32),
        ("flags", c_u32),
        ("n_digests", c_size),
        ("digests", cct_digest * CCT_MAX_DIGESTS),
        ("data", c_ptr),
        ("data_len", c_size),
        ("raw", c_ptr),
        ("raw_len", c_size),
        ("ima_template", c_ptr),
        ("ima_template_len", c_size),
        ("ima_file_alg", c_u16),
        ("ima_file_alg_name", c_ptr),
        ("ima_file_alg_name_len", c_size),
        ("ima_file_digest", c_ptr),
        ("ima_file_digest_len", c_size),
        ("ima_file_name", c_ptr),
        ("ima_file_name_len", c_size),
        ("cel_recnum", c_u64),
        ("cel_content_type", c_u32),
    ]


class cct_specid(ctypes.Structure):
    _fields_ = [
        ("platform_class", c_u32),
        ("version_minor", c_u8),
        ("version_major", c_u8),
        ("errata", c_u8),
        ("uintn_size", c_u8),
        ("n_algs", c_size),
        ("algs", c_u16 * CCT_MAX_DIGESTS),
        ("sizes", c_u16 * CCT_MAX_DIGESTS),
        ("vendor_info_len", c_size),
        ("vendor_info", c_u8 * 255),
    ]


class cct_eventlog_options(ctypes.Structure):
    _fields_ = [
        ("version", c_uint),
        ("format", c_int),
        ("max_event_size", c_size),
    ]


class cct_replay_options(ctypes.Structure):
    _fields_ = [
        ("version", c_uint),
        ("workarounds", c_u32),
        ("ima_register", c_int),
        ("n_ima_banks", ctypes.c_size_t),
        ("ima_banks", c_u16 * 8),
        ("n_ima_padded", ctypes.c_size_t),
        ("ima_padded", c_u16 * 8),
        ("mrtd", ctypes.c_void_p),
        ("mrtd_len", ctypes.c_size_t),
        ("flags", c_u32),
    ]


class cct_register(ctypes.Structure):
    _fields_ = [
        ("kind", c_int),
        ("index", c_u32),
        ("alg", c_u16),
        ("size", c_u16),
        ("digest", c_u8 * CCT_MAX_DIGEST_SIZE),
        ("n_events", c_u64),
        ("locality", c_u8),
    ]


class cct_open_options(ctypes.Structure):
    _fields_ = [
        ("version", c_uint),
        ("platform", c_int),
        ("sysroot", c_str),
        ("tpm_tcti", c_str),
        ("sim_state_dir", c_str),
        ("runtime_log", c_str),
    ]


class cct_probe(ctypes.Structure):
    _fields_ = [
        ("platform", c_int),
        ("what", ctypes.c_char * 48),
        ("path", ctypes.c_char * 256),
        ("found", c_int),
        ("detail", ctypes.c_char * 160),
    ]


class cct_detection(ctypes.Structure):
    _fields_ = [
        ("chosen", c_int),
        ("reason", ctypes.c_char * 256),
        ("n_probes", c_size),
        ("probes", cct_probe * CCT_MAX_PROBES),
    ]


class cct_measurement(ctypes.Structure):
    _fields_ = [
        ("kind", c_int),
        ("index", c_u32),
        ("alg", c_u16),
        ("size", c_u16),
        ("digest", c_u8 * CCT_MAX_DIGEST_SIZE),
    ]


class cct_report_request(ctypes.Structure):
    _fields_ = [
        ("version", c_uint),
        ("nonce", c_ptr),
        ("nonce_len", c_size),
        ("user_data", c_ptr),
        ("user_data_len", c_size),
        ("report_data", c_ptr),
        ("report_data_len", c_size),
        ("privlevel", c_int),
    ]


class cct_log_source(ctypes.Structure):
    _fields_ = [
        ("path", ctypes.c_char * 256),
        ("format", c_int),
        ("role", ctypes.c_char * 16),
        ("ima_register", c_int),
    ]


class cct_log_input(ctypes.Structure):
    _fields_ = [
        ("path", ctypes.c_char_p),
        ("data", ctypes.c_void_p),
        ("len", ctypes.c_size_t),
        ("format", c_int),
        ("ima_register", c_int),
        ("name", ctypes.c_char_p),
    ]


# Every mirrored structure, for the layout check against the C compiler.
STRUCTS = [cct_error, cct_digest, cct_event, cct_specid, cct_eventlog_options, cct_replay_options,
           cct_register, cct_open_options, cct_probe, cct_detection, cct_measurement,
           cct_report_request, cct_log_source, cct_log_input]

# (name, restype, argtypes)
_PROTOS = [
    # error.h
    ("cct_strerror", c_str, [c_int]),
    ("cct_error_clear", None, [POINTER(cct_error)]),
    # algorithm.h
    ("cct_alg_digest_size", c_size, [c_u16]),
    ("cct_alg_name", c_str, [c_u16]),
    ("cct_alg_from_name", c_u16, [c_str]),
    # eventlog.h
    ("cct_eventlog_from_memory", c_int,
     [c_ptr, c_size, POINTER(cct_eventlog_options), POINTER(c_ptr), POINTER(cct_error)]),
    ("cct_eventlog_from_file", c_int,
     [c_str, POINTER(cct_eventlog_options), POINTER(c_ptr), POINTER(cct_error)]),
    ("cct_eventlog_next", c_int, [c_ptr, POINTER(cct_event)]),
    ("cct_eventlog_select", c_int, [c_ptr, c_u64, c_u64]),
    ("cct_eventlog_rewind", c_int, [c_ptr]),
    ("cct_eventlog_format", c_int, [c_ptr]),
    ("cct_eventlog_specid", c_int, [c_ptr, POINTER(cct_specid)]),
    ("cct_eventlog_padding", c_u64, [c_ptr]),
    ("cct_eventlog_error", POINTER(cct_error), [c_ptr]),
    ("cct_eventlog_free", None, [c_ptr]),
    ("cct_log_format_name", c_str, [c_int]),
    ("cct_log_format_from_name", c_int, [c_str, POINTER(c_int)]),
    ("cct_event_type_name", c_str, [c_u32]),
    ("cct_event_decode", c_int, [POINTER(cct_event), c_int, POINTER(c_ptr), POINTER(cct_error)]),
    ("cct_event_check_digest", c_int, [POINTER(cct_event), POINTER(c_int), POINTER(c_int)]),
    ("cct_free", None, [c_ptr]),
    # replay.h
    ("cct_workaround_from_name", c_u32, [c_str]),
    ("cct_replay_new", c_int, [POINTER(cct_replay_options), POINTER(c_ptr)]),
    ("cct_replay_logs", c_int, [POINTER(cct_log_input), ctypes.c_size_t, POINTER(cct_replay_options),
                                POINTER(c_ptr), POINTER(cct_error)]),
    ("cct_replay_event", c_int, [c_ptr, POINTER(cct_event)]),
    ("cct_replay_finish", c_int, [c_ptr]),
    ("cct_replay_count", c_size, [c_ptr]),
    ("cct_replay_get", c_int, [c_ptr, c_size, POINTER(cct_register)]),
    ("cct_replay_free", None, [c_ptr]),
    # context.h
    ("cct_platform_name", c_str, [c_int]),
    ("cct_platform_from_name", c_int, [c_str, POINTER(c_int)]),
    ("cct_detect", c_int, [POINTER(cct_open_options), POINTER(cct_detection)]),
    ("cct_open", c_int, [POINTER(cct_open_options), POINTER(c_ptr), POINTER(cct_error)]),
    ("cct_close", None, [c_ptr]),
    ("cct_context_error", POINTER(cct_error), [c_ptr]),
    ("cct_context_platform", c_int, [c_ptr]),
    ("cct_get_default_algorithm", c_int, [c_ptr, POINTER(c_u16)]),
    ("cct_get_measurement_count", c_int, [c_ptr, POINTER(c_u32)]),
    ("cct_get_measurement", c_int, [c_ptr, c_u32, c_u16, POINTER(cct_measurement)]),
    ("cct_get_report", c_int, [c_ptr, POINTER(cct_report_request), POINTER(c_ptr)]),
    ("cct_report_data", c_ptr, [c_ptr, POINTER(c_size)]),
    ("cct_report_aux", c_ptr, [c_ptr, POINTER(c_size)]),
    ("cct_report_key", c_ptr, [c_ptr, POINTER(c_size)]),
    ("cct_report_provider", c_str, [c_ptr]),
    ("cct_report_reportdata", c_ptr, [c_ptr, POINTER(c_size)]),
    ("cct_report_free", None, [c_ptr]),
    ("cct_get_log_sources", c_int, [c_ptr, POINTER(cct_log_source), c_size, POINTER(c_size)]),
    ("cct_get_eventlog", c_int, [c_ptr, c_size, c_u64, c_u64, POINTER(c_ptr)]),
    ("cct_replay_live", c_int, [c_ptr, POINTER(cct_replay_options), POINTER(c_ptr)]),
    ("cct_extend", c_int, [c_ptr, c_u32, c_ptr, c_size, c_ptr, c_size]),
]


def _candidates():
    env = os.environ.get("CCTRUSTED_LIB")
    if env:
        yield env
        return
    # A build directory next to the package: <source>/build/libcctrusted.so when the
    # package is used from bindings/python/ in a source tree.
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.normpath(os.path.join(here, "..", "..", ".."))
    for d in ("build", "builddir", "_build"):
        p = os.path.join(root, d, "libcctrusted.so")
        if os.path.exists(p):
            yield p
    found = ctypes.util.find_library("cctrusted")
    if found:
        yield found


def _load():
    tried = []
    for path in _candidates():
        try:
            lib = ctypes.CDLL(path)
        except OSError as e:
            tried.append("%s (%s)" % (path, e))
            continue
        for name, res, args in _PROTOS:
            fn = getattr(lib, name)
            fn.restype = res
            fn.argtypes = args
        return lib, path
    raise OSError("libcctrusted not found: set $CCTRUSTED_LIB to the path of libcctrusted.so"
                  + ("; tried " + ", ".join(tried) if tried else ""))


_cached = None


def lib():
    """The loaded library (loaded on first use)."""
    global _cached
    if _cached is None:
        _cached = _load()
    return _cached[0]


def lib_path():
    """Path the library was loaded from."""
    lib()
    return _cached[1]
