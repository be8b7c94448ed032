# SPDX-License-Identifier: Apache-2.0
"""cctrusted: confidential-computing evidence from Python, over libcctrusted.

The API has the seed SDK's shape (switching is a change of import)::

    from cctrusted import CCTrustedVmSdk

    sdk = CCTrustedVmSdk.inst()                       # or CCTrustedVmSdk(platform="sim")
    alg = sdk.get_default_algorithms()                # TcgAlgorithmRegistry
    imr = sdk.get_cc_measurement([0, alg.alg_id])     # TcgIMR (TdxRTMR / TpmPCR)
    report = sdk.get_cc_report(nonce, data)           # TdxQuote / SnpReport / Tpm2Quote / CcaToken
    events = sdk.get_cc_eventlog()                    # TcgImrEvent, TcgTpmsCelEvent, ...
    replayed = CCTrustedVmSdk.replay_cc_eventlog(events)   # {imr_index: {alg_id: bytes}}
    assert replayed[0][alg.alg_id] == imr.hash

Every rule (parsing, replay, verification) runs in the C library; this package
only converts between Python objects and the library's structures. Register
indices are native (RTMR n is n, PCR n is n); index_convention="seed" gives the
seed SDK's CC MR numbering on TDX. Failures raise CCTrustedError with the
library's code, message, event number and byte offset.

The library is found through $CCTRUSTED_LIB, else a build directory of the
source tree this package sits in, else its soname (libcctrusted.so.0).
"""
import os as _os
from typing import Any, Iterator, Optional, Sequence, Union

from . import _events as _E
from ._classic import CCTrusted, Event, Report, detect, parse_eventlog, replay  # noqa: F401
from ._common import CCTrustedError, alg_name
from . import _lib as _L
from ._events import EventList
from .api import CCTrustedVmSdk, EvidenceApi, ReplayResult, replay_events
from .binaryblob import BinaryBlob
from .fetch import FetchRequest, FetchResult, collateral_urls, fetch_collateral, have_fetch
from .ccreport import (
    AttestationKeyType,
    CcaToken,
    CcReport,
    CcReportData,
    CcReportSignature,
    Check,
    QeCertDataType,
    SnpReport,
    TdxEnclaveReportBody,
    TdxQuote,
    TdxQuoteBody,
    TdxQuoteEcdsa256Sigature,
    TdxQuoteHeader,
    TdxQuoteQeCert,
    TdxQuoteQeReportCert,
    TdxQuoteTeeTcbSvn,
    TeeType,
    Tpm2Quote,
    VerifyResult,
    parse_report,
    report_type,
    verify_bytes,
)
from .imr import TcgIMR, TdxRTMR, TpmPCR
from .tcg import (
    TcgAlgorithmRegistry,
    TcgCelTypes,
    TcgDigest,
    TcgEfiSpecIdEvent,
    TcgEventType,
    TcgImrEvent,
    TcgPcClientImrEvent,
    TcgTpmiCelContentType,
    TcgTpmsCelEvent,
    TcgTpmsEventImaTemplate,
    TcgTpmsEventPcClientStd,
)

__version__ = "0.1.0"

__all__ = [
    "FetchRequest",
    "FetchResult",
    "collateral_urls",
    "fetch_collateral",
    "have_fetch",
    "CCTrustedVmSdk",
    "EvidenceApi",
    "CCTrustedError",
    "ReplayResult",
    "EventList",
    "TcgAlgorithmRegistry",
    "TcgDigest",
    "TcgEventType",
    "TcgImrEvent",
    "TcgPcClientImrEvent",
    "TcgTpmsCelEvent",
    "TcgTpmsEventImaTemplate",
    "TcgTpmsEventPcClientStd",
    "TcgCelTypes",
    "TcgTpmiCelContentType",
    "TcgEfiSpecIdEvent",
    "TcgIMR",
    "TdxRTMR",
    "TpmPCR",
    "BinaryBlob",
    "CcReport",
    "CcReportData",
    "CcReportSignature",
    "TdxQuote",
    "TdxQuoteHeader",
    "TdxQuoteBody",
    "TdxQuoteTeeTcbSvn",
    "TdxEnclaveReportBody",
    "TdxQuoteQeCert",
    "TdxQuoteQeReportCert",
    "TdxQuoteEcdsa256Sigature",
    "AttestationKeyType",
    "TeeType",
    "QeCertDataType",
    "SnpReport",
    "Tpm2Quote",
    "CcaToken",
    "Check",
    "VerifyResult",
    "load_eventlogs",
    "iter_eventlog",
    "replay_cc_eventlog",
    "replay_events",
    "parse_report",
    "report_type",
    "verify_bytes",
    "spec_id_event",
    "library_path",
    "alg_name",
    "CCTrusted",
    "Event",
    "Report",
    "parse_eventlog",
    "replay",
    "detect",
]

LogSpec = Union[str, bytes, "_os.PathLike[str]"]


def library_path() -> str:
    """Path of the loaded libcctrusted."""
    return _L.lib_path()


def _sources(logs, format: Optional[str], ima_register: Optional[str], index_convention: str):
    if isinstance(logs, (str, bytes, bytearray, memoryview, _os.PathLike)):
        logs = [logs]
    return [_E.load(lg, format, ima_register, index_convention) for lg in logs]


def load_eventlogs(
    logs: Union[LogSpec, Sequence[LogSpec]],
    format: Optional[str] = None,
    ima_register: Optional[str] = None,
    index_convention: str = "native",
) -> Sequence[Any]:
    """Parse log files (paths) or buffers (bytes) into seed-shaped events, log by log.

    format: None/"auto" (detect) or "tcg2", "tcg1", "ccel", "ima", "ima-bin", "cel-tlv",
    "cel-json", "cel-cbor". ima_register: the register file of IMA entries ("pcr" or
    "rtmr"; None: as the library reads the list, PCR; the replay decides "auto" by
    the library's rule). index_convention: "native" or "seed". The events can be
    given to replay_cc_eventlog()."""
    return _E.EventList.of_sources(_sources(logs, format, ima_register, index_convention))


def iter_eventlog(
    log: LogSpec,
    format: Optional[str] = None,
    ima_register: Optional[str] = None,
    index_convention: str = "native",
) -> Iterator[Any]:
    """The events of one log, one at a time."""
    src = _sources(log, format, ima_register, index_convention)[0]
    return _E.iterate(src)


def spec_id_event(log: LogSpec, format: Optional[str] = None) -> TcgEfiSpecIdEvent:
    """The SpecID Event03 header of a crypto-agile log (TCG2, CCEL), as the library
    reads it (cct_eventlog_specid); CCTrustedError(CCT_ENOTFOUND) for a log without
    one."""
    import ctypes

    src = _sources(log, format, None, "native")[0]
    lib = _L.lib()
    sp = _L.cct_specid()
    with _E.opened(src.buf, src.fmt, 0) as handle:
        ev = _L.cct_event()
        r = lib.cct_eventlog_next(
            handle, ctypes.byref(ev)
        )  # the header is read with the first record
        if r < 0:
            raise CCTrustedError.from_struct(r, lib.cct_eventlog_error(handle))
        r = lib.cct_eventlog_specid(handle, ctypes.byref(sp))
        if r < 0:
            raise CCTrustedError(r, "no SpecID header in %s" % src.name)
    n = min(sp.n_algs, _L.CCT_MAX_DIGESTS)
    sizes = [(sp.algs[i], sp.sizes[i]) for i in range(n)]
    return TcgEfiSpecIdEvent(
        sp.platform_class,
        sp.version_minor,
        sp.version_major,
        sp.errata,
        sp.uintn_size,
        sizes,
        bytes(sp.vendor_info[: sp.vendor_info_len]),
    )


def replay_cc_eventlog(event_logs: Sequence[Any], **options: Any):
    """CCTrustedVmSdk.replay_cc_eventlog as a function."""
    return EvidenceApi.replay_cc_eventlog(event_logs, **options)
