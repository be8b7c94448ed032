# SPDX-License-Identifier: Apache-2.0
"""TCG definitions in the seed SDK's shape: algorithm registry, digests, event
types, and the event classes of a parsed log (TcgImrEvent, TcgPcClientImrEvent,
TcgTpmsCelEvent for IMA and CEL records).

Event objects returned by this package are copies made from the library's
event views; besides the seed's fields they carry where they came from (log,
event number, byte offset) so that ``replay_cc_eventlog`` can hand the same
records back to the library.
"""
import ctypes
import json
from typing import Any, Dict, List, Optional

from . import _lib as L
from ._common import CCTrustedError, alg_name
from .binaryblob import LOG, BinaryBlob


class TcgAlgorithmRegistry:
    """A TPM_ALG_ID (TCG Algorithm Registry) and its name."""

    TPM_ALG_ERROR = 0x0
    TPM_ALG_RSA = 0x1
    TPM_ALG_SHA1 = 0x4
    TPM_ALG_SHA256 = 0xB
    TPM_ALG_SHA384 = 0xC
    TPM_ALG_SHA512 = 0xD
    TPM_ALG_SM3_256 = 0x12
    TPM_ALG_ECDSA = 0x18

    TPM_ALG_TABLE = {
        TPM_ALG_RSA: "TPM_ALG_RSA",
        TPM_ALG_SHA1: "TPM_ALG_SHA1",
        TPM_ALG_SHA256: "TPM_ALG_SHA256",
        TPM_ALG_SHA384: "TPM_ALG_SHA384",
        TPM_ALG_SHA512: "TPM_ALG_SHA512",
        TPM_ALG_SM3_256: "TPM_ALG_SM3_256",
        TPM_ALG_ECDSA: "TPM_ALG_ECDSA",
    }

    TPM_ALG_HASH_DIGEST_SIZE_TABLE = {
        TPM_ALG_SHA1: 20,
        TPM_ALG_SHA256: 32,
        TPM_ALG_SHA384: 48,
        TPM_ALG_SHA512: 64,
        TPM_ALG_SM3_256: 32,
    }

    @staticmethod
    def get_algorithm_string(alg_id: int) -> str:
        """ "TPM_ALG_SHA384" for 0xC; "UNKNOWN" for an id not in the table."""
        return TcgAlgorithmRegistry.TPM_ALG_TABLE.get(alg_id, "UNKNOWN")

    def __init__(self, alg_id: int) -> None:
        self._alg_id = alg_id

    @property
    def alg_id(self) -> int:
        """The TPM_ALG_ID."""
        return self._alg_id

    @property
    def name(self) -> str:
        """The library's lowercase name ("sha384")."""
        return alg_name(self._alg_id)

    def __str__(self) -> str:
        return TcgAlgorithmRegistry.get_algorithm_string(self._alg_id)

    def __repr__(self) -> str:
        return "TcgAlgorithmRegistry(0x%x)" % self._alg_id

    def __eq__(self, other: object) -> bool:
        if isinstance(other, TcgAlgorithmRegistry):
            return self._alg_id == other._alg_id
        if isinstance(other, int):
            return self._alg_id == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._alg_id)


class TcgDigest:
    """One digest: ``alg`` (a TcgAlgorithmRegistry) and ``hash`` (bytes)."""

    __slots__ = ("_alg_id", "_hash")

    def __init__(
        self, alg_id: int = TcgAlgorithmRegistry.TPM_ALG_SHA384, digest_hash: Any = None
    ) -> None:
        self._alg_id = alg_id
        self._hash = digest_hash

    @property
    def alg(self) -> TcgAlgorithmRegistry:
        """Algorithm of the digest."""
        return TcgAlgorithmRegistry(self._alg_id)

    @property
    def hash(self) -> Any:
        """The digest bytes."""
        return self._hash

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TcgDigest):
            return NotImplemented
        return self._alg_id == other._alg_id and bytes(self._hash or b"") == bytes(
            other._hash or b""
        )

    def __repr__(self) -> str:
        return "TcgDigest(0x%x, %s)" % (self._alg_id, bytes(self._hash or b"").hex())


class TcgEventType:
    """TCG EventType values (PC Client PFP) and their names."""

    EV_PREBOOT_CERT = 0x0
    EV_POST_CODE = 0x1
    EV_UNUSED = 0x2
    EV_NO_ACTION = 0x3
    EV_SEPARATOR = 0x4
    EV_ACTION = 0x5
    EV_EVENT_TAG = 0x6
    EV_S_CRTM_CONTENTS = 0x7
    EV_S_CRTM_VERSION = 0x8
    EV_CPU_MICROCODE = 0x9
    EV_PLATFORM_CONFIG_FLAGS = 0xA
    EV_TABLE_OF_DEVICES = 0xB
    EV_COMPACT_HASH = 0xC
    EV_IPL = 0xD
    EV_IPL_PARTITION_DATA = 0xE
    EV_NONHOST_CODE = 0xF
    EV_NONHOST_CONFIG = 0x10
    EV_NONHOST_INFO = 0x11
    EV_OMIT_BOOT_DEVICE_EVENTS = 0x12
    EV_POST_CODE2 = 0x13

    EV_EFI_EVENT_BASE = 0x80000000
    EV_EFI_VARIABLE_DRIVER_CONFIG = EV_EFI_EVENT_BASE + 0x1
    EV_EFI_VARIABLE_BOOT = EV_EFI_EVENT_BASE + 0x2
    EV_EFI_BOOT_SERVICES_APPLICATION = EV_EFI_EVENT_BASE + 0x3
    EV_EFI_BOOT_SERVICES_DRIVER = EV_EFI_EVENT_BASE + 0x4
    EV_EFI_RUNTIME_SERVICES_DRIVER = EV_EFI_EVENT_BASE + 0x5
    EV_EFI_GPT_EVENT = EV_EFI_EVENT_BASE + 0x6
    EV_EFI_ACTION = EV_EFI_EVENT_BASE + 0x7
    EV_EFI_PLATFORM_FIRMWARE_BLOB = EV_EFI_EVENT_BASE + 0x8
    EV_EFI_HANDOFF_TABLES = EV_EFI_EVENT_BASE + 0x9
    EV_EFI_PLATFORM_FIRMWARE_BLOB2 = EV_EFI_EVENT_BASE + 0xA
    EV_EFI_HANDOFF_TABLES2 = EV_EFI_EVENT_BASE + 0xB
    EV_EFI_VARIABLE_BOOT2 = EV_EFI_EVENT_BASE + 0xC
    EV_EFI_GPT_EVENT2 = EV_EFI_EVENT_BASE + 0xD
    EV_EFI_HCRTM_EVENT = EV_EFI_EVENT_BASE + 0x10
    EV_EFI_VARIABLE_AUTHORITY = EV_EFI_EVENT_BASE + 0xE0
    EV_EFI_SPDM_FIRMWARE_BLOB = EV_EFI_EVENT_BASE + 0xE1
    EV_EFI_SPDM_FIRMWARE_CONFIG = EV_EFI_EVENT_BASE + 0xE2
    EV_EFI_SPDM_DEVICE_POLICY = EV_EFI_EVENT_BASE + 0xE3
    EV_EFI_SPDM_DEVICE_AUTHORITY = EV_EFI_EVENT_BASE + 0xE4

    # Type given to IMA entries (there is no TCG EventType for them).
    IMA_MEASUREMENT_EVENT = 0x14

    TCG_EVENT_TYPE_TABLE: Dict[int, str] = {}

    def __init__(self, event_type: int) -> None:
        if event_type not in TcgEventType.TCG_EVENT_TYPE_TABLE:
            raise ValueError("invalid parameter event_type %r" % (event_type,))
        self._event_type = event_type

    @staticmethod
    def get_event_type_string(event_type: int) -> str:
        """Name of an EventType ("EV_SEPARATOR"), "UNKNOWN" when no spec defines it."""
        return TcgEventType.TCG_EVENT_TYPE_TABLE.get(event_type, "UNKNOWN")

    @property
    def event_type(self) -> int:
        """The EventType value."""
        return self._event_type

    def __str__(self) -> str:
        return self.get_event_type_string(self._event_type)


TcgEventType.TCG_EVENT_TYPE_TABLE = {
    v: k
    for k, v in sorted(vars(TcgEventType).items(), key=lambda kv: kv[0])
    if k.startswith(("EV_", "IMA_")) and isinstance(v, int)
}


def _dump_digest_list(digests: List[TcgDigest]) -> None:
    for count, digest in enumerate(digests):
        alg = digest.alg.alg_id
        LOG.info(
            "Algorithm_id[%d]   : %d (%s)",
            count,
            alg,
            TcgAlgorithmRegistry.get_algorithm_string(alg),
        )
        LOG.info("Digest[%d]:", count)
        BinaryBlob(digest.hash).dump()


class _Made:
    """An attribute of an event this package read, made from the record's values
    kept in ``_raw`` when first used and then stored on the instance (an event a
    user constructs sets the attribute in __init__, which this never overrides)."""

    __slots__ = ("make", "name")

    def __init__(self, make) -> None:
        self.make = make
        self.name = make.__name__

    def __get__(self, obj: Any, cls: Any = None) -> Any:
        if obj is None:
            return self
        v = self.make(obj)
        obj.__dict__[self.name] = v
        return v


class _Origin:
    """Where an event was read: its log (a _Source), number, byte offset and
    record length. Set on events this package creates; None on events a user
    constructs."""

    _origin: Any = None
    _register: str = "pcr"
    _index_logged: int = 0
    _flags: int = 0
    rec_num: int = 0

    @property
    def number(self) -> Optional[int]:
        """0-based number of the event in its log (header included)."""
        return self._origin[1] if self._origin else None

    @property
    def offset(self) -> Optional[int]:
        """Byte offset of the record in its log."""
        return self._origin[2] if self._origin else None

    @property
    def raw(self) -> Optional[bytes]:
        """The whole record as logged."""
        if not self._origin:
            return None
        src, _, off, length = self._origin
        return src.data[off : off + length] if src.data is not None else None

    @property
    def log_format(self) -> Optional[str]:
        """Format of the log this event was read from ("ccel", "tcg2", "ima", ...)."""
        return self._origin[0].format_name if self._origin else None

    @property
    def register(self) -> str:
        """Register file of imr_index: "pcr", "rtmr" or "mrtd"."""
        return self._register

    @property
    def index_logged(self) -> int:
        """Register index as written in the log (CCEL: the UEFI CC MR index)."""
        return self._index_logged

    @property
    def flags(self) -> int:
        """CCT_EVENT_F_* bits of the library."""
        return self._flags

    def _view(self):
        from . import _events

        return _events.event_view(self)

    def decode(self) -> Dict[str, Any]:
        """The library's decoding of the event data (EFI variables, device paths, blobs,
        strings, ...) as a dict; {} when the type has no decoder. A decoder failure
        raises CCTrustedError with the library's message."""
        with self._view() as ev:
            out = ctypes.c_void_p()
            err = L.cct_error()
            lib = L.lib()
            r = lib.cct_event_decode(
                ctypes.byref(ev), L.CCT_DECODE_JSON, ctypes.byref(out), ctypes.byref(err)
            )
            textv = ""
            if out.value:
                textv = ctypes.string_at(out.value).decode("utf-8", "replace")
                lib.cct_free(out)
            if r < 0:
                raise CCTrustedError.from_struct(r, err)
            return json.loads(textv) if textv else {}

    def digest_check(self) -> str:
        """The library's check of digest == H(event data) where the spec binds them:
        "ok", "ok-variant", "mismatch" or "not-applicable"."""
        with self._view() as ev:
            check = ctypes.c_int(0)
            literal = ctypes.c_int(0)
            r = L.lib().cct_event_check_digest(
                ctypes.byref(ev), ctypes.byref(check), ctypes.byref(literal)
            )
            if r < 0:
                raise CCTrustedError(r, "cannot check the digest of event %s" % self.number)
            return L.DIGEST_CHECK_NAMES.get(check.value, "not-applicable")


class TcgImrEvent(_Origin):
    """A TCG_PCR_EVENT2 record: imr_index, event_type, digests, event_size, event."""

    def __init__(
        self,
        imr_index: int,
        event_type: int,
        digests: List[TcgDigest],
        event_size: int,
        event: bytes,
    ) -> None:
        self._imr_index = imr_index
        self._event_type = event_type
        self._digests = digests
        self._event_size = event_size
        self._event = event

    @property
    def imr_index(self) -> int:
        """Register index (native unless the SDK was opened with index_convention="seed")."""
        return self._imr_index

    @property
    def event_type(self) -> int:
        """EventType (untrusted: it is what the log says)."""
        return self._event_type

    @property
    def digests(self) -> List[TcgDigest]:
        """Digests of the event, one per bank."""
        return self._digests

    @property
    def event_size(self) -> int:
        """Size of the event data."""
        return self._event_size

    @property
    def event(self) -> bytes:
        """Event data."""
        return self._event

    def parse_event_data(self) -> Any:
        """The event data decoded by the library (a dict; see decode()). Events whose data
        is a string in the spec (EV_ACTION, EV_EFI_ACTION, ...) give the string."""
        d = self.decode()
        if isinstance(d, dict) and set(d) == {"string"}:
            return d["string"]
        return d

    def dump(self) -> None:
        """Log the event: index, type, each digest and the data in hex."""
        LOG.info(
            "----------------------------------Event Log Entry---------------------------------"
        )
        LOG.info("IMR               : %d", self._imr_index)
        LOG.info(
            "Type              : 0x%X (%s)",
            self._event_type,
            TcgEventType.get_event_type_string(self._event_type),
        )
        _dump_digest_list(self._digests)
        LOG.info("Event:")
        BinaryBlob(self._event).dump()

    @_Made
    def _digests(self) -> List[TcgDigest]:
        return [TcgDigest(a, h) for a, h in self._raw]

    def __repr__(self) -> str:
        return "<TcgImrEvent %s%d %s>" % (
            self._register,
            self._imr_index,
            TcgEventType.get_event_type_string(self._event_type),
        )


class TcgPcClientImrEvent(_Origin):
    """The TCG_PCClientPCREvent header record (SpecID Event03) of a crypto-agile log."""

    def __init__(
        self, imr_index: int, event_type: int, digest: bytes, event_data_size: int, event: bytes
    ) -> None:
        self._imr_index = imr_index
        self._event_type = event_type
        self._digest = digest
        self._event_data_size = event_data_size
        self._event = event

    @property
    def imr_index(self) -> int:
        """Register index of the header record."""
        return self._imr_index

    @property
    def event_type(self) -> int:
        """EventType (EV_NO_ACTION)."""
        return self._event_type

    @property
    def digest(self) -> bytes:
        """The 20-byte digest field (zeros)."""
        return self._digest

    @property
    def digests(self) -> List[TcgDigest]:
        """The digest field as a one-element TcgDigest list (algorithm TPM_ALG_ERROR)."""
        return [TcgDigest(TcgAlgorithmRegistry.TPM_ALG_ERROR, self._digest)]

    @property
    def event_data_size(self) -> int:
        """Size of the event data."""
        return self._event_data_size

    @property
    def event(self) -> bytes:
        """Event data (TCG_EfiSpecIDEventStruct)."""
        return self._event

    def dump(self) -> None:
        """Log the header record."""
        LOG.info("--------------------Header Specification ID Event--------------------------")
        LOG.info("IMR               : %d", self._imr_index)
        LOG.info(
            "Type              : 0x%X (%s)",
            self._event_type,
            TcgEventType.get_event_type_string(self._event_type),
        )
        LOG.info("Digest:")
        BinaryBlob(self._digest).dump()
        LOG.info("Event:")
        BinaryBlob(self._event).dump()


class TcgCelTypes:
    """CEL content types and field tags (TCG Canonical Event Log)."""

    CEL_SEQNUM = 0x0
    CEL_PCR = 0x1
    CEL_NV_INDEX = 0x2
    CEL_DIGESTS = 0x3
    CEL_MGT = 0x4
    CEL_PCCLIENT_STD = 0x5
    CEL_IMA_TEMPLATE = 0x7
    CEL_IMA_TLV = 0x8

    IMA_TEMPLATE_NAME = 0
    IMA_TEMPLATE_DATA = 1
    PCCLIENT_STD_TYPE = 0
    PCCLIENT_STD_CONTENT = 1


class TcgTpmiCelContentType:
    """Names of CEL content types."""

    CEL = 0x4
    PCCLIENT_STD = 0x5
    IMA_TEMPLATE = 0x7
    IMA_TLV = 0x8
    CEL_CONTENT_TABLE = {
        CEL: "CEL",
        PCCLIENT_STD: "PCCLIENT_STD",
        IMA_TEMPLATE: "IMA_TEMPLATE",
        IMA_TLV: "IMA_TLV",
        9: "SYSTEMD",
        80: "COS",
    }

    @staticmethod
    def get_content_type_string(content_type: int) -> str:
        return TcgTpmiCelContentType.CEL_CONTENT_TABLE.get(content_type, "UNKNOWN")


class TcgTpmsEventImaTemplate:
    """Content of an IMA entry: template_name and template_data (the bytes the template
    hash covers)."""

    IMA_TEMPLATE_TABLE = {
        TcgCelTypes.IMA_TEMPLATE_NAME: "IMA_TEMPLATE_NAME",
        TcgCelTypes.IMA_TEMPLATE_DATA: "IMA_TEMPLATE_DATA",
    }

    def __init__(self, template_data: Any = None, template_name: Optional[str] = None) -> None:
        self._template_data = template_data
        self._template_name = template_name

    @property
    def template_data(self) -> Any:
        return self._template_data

    @property
    def template_name(self) -> Optional[str]:
        return self._template_name

    def get_type(self) -> int:
        return TcgTpmiCelContentType.IMA_TEMPLATE


class TcgTpmsEventPcClientStd:
    """Content of a CEL pcclient_std record: event_type and event_data."""

    def __init__(self, event_type: Optional[int] = None, event_data: Any = None) -> None:
        self._event_type = event_type
        self._event_data = event_data

    @property
    def event_type(self) -> Optional[int]:
        return self._event_type

    @property
    def event_data(self) -> Any:
        return self._event_data

    def get_type(self) -> int:
        return TcgTpmiCelContentType.PCCLIENT_STD


class TcgTpmsCelEvent(_Origin):
    """A CEL-shaped record: the form IMA entries (content type IMA_TEMPLATE) and CEL
    log records take. rec_num, index, digests, content_type, content."""

    def __init__(
        self,
        rec_num: int,
        digests: List[TcgDigest],
        content_type: Optional[int] = None,
        imr: Optional[int] = None,
        nv_index: Optional[int] = None,
        content: Any = None,
    ) -> None:
        self.rec_num = rec_num
        self._digests = digests
        self._content_type = content_type
        self._imr = imr
        self._nv_index = nv_index
        self._content = content

    _nv_index: Optional[int] = None

    @_Made
    def _digests(self) -> List[TcgDigest]:
        return [TcgDigest(a, h) for a, h in self._raw[0]]

    @_Made
    def _content(self) -> Any:
        a, b = self._raw[1], self._raw[2]
        if self._content_type == TcgCelTypes.CEL_IMA_TEMPLATE:
            return TcgTpmsEventImaTemplate(a, b)
        return TcgTpmsEventPcClientStd(a, b)

    @property
    def index(self) -> Optional[int]:
        """Register index (or NV index)."""
        return self._imr if self._imr is not None else self._nv_index

    @property
    def imr_index(self) -> Optional[int]:
        """Register index, as on TcgImrEvent."""
        return self.index

    @property
    def digests(self) -> List[TcgDigest]:
        return self._digests

    @property
    def content(self) -> Any:
        return self._content

    @property
    def content_type(self) -> Optional[int]:
        return self._content_type

    @property
    def event_type(self) -> int:
        """IMA_MEASUREMENT_EVENT for IMA entries, the PC Client type for pcclient_std
        records, else the content type."""
        if self._content_type == TcgCelTypes.CEL_IMA_TEMPLATE:
            return TcgEventType.IMA_MEASUREMENT_EVENT
        if (
            isinstance(self._content, TcgTpmsEventPcClientStd)
            and self._content.event_type is not None
        ):
            return self._content.event_type
        return self._content_type or 0

    @property
    def event(self) -> Any:
        """The template data (IMA) or event data (pcclient_std)."""
        c = self._content
        if isinstance(c, TcgTpmsEventImaTemplate):
            return c.template_data
        if isinstance(c, TcgTpmsEventPcClientStd):
            return c.event_data
        return None

    def encoding(self) -> str:
        return "TLV"

    def to_pcclient_format(self) -> Optional[TcgImrEvent]:
        """The same record as a TcgImrEvent."""
        ev = self.event
        if ev is None:
            return None
        out = TcgImrEvent(self.index or 0, self.event_type, self._digests, len(ev), ev)
        out._origin, out._register, out._index_logged, out._flags = (
            self._origin,
            self._register,
            self._index_logged,
            self._flags,
        )
        return out

    def dump(self) -> None:
        """Log the record: number, index, content type, digests and content fields."""
        LOG.info(
            "-----------------------------Canonical Event Log Entry----------------------------"
        )
        LOG.info("Encoding          : %s", self.encoding())
        LOG.info("Rec Num           : %d", self.rec_num)
        LOG.info("IMR               : %d", self.index or 0)
        LOG.info(
            "Type              : 0x%X (%s)",
            self._content_type or 0,
            TcgTpmiCelContentType.get_content_type_string(self._content_type or 0),
        )
        LOG.info("Digests:")
        _dump_digest_list(self._digests)
        LOG.info("Contents:")
        c = self._content
        if isinstance(c, TcgTpmsEventImaTemplate):
            LOG.info("%d: %s = %s", 0, "IMA_TEMPLATE_NAME", c.template_name)
            LOG.info("%d: %s = %s", 1, "IMA_TEMPLATE_DATA", c.template_data)
        elif isinstance(c, TcgTpmsEventPcClientStd):
            LOG.info("%d: %s = %s", 0, "PCCLIENT_STD_TYPE", c.event_type)
            LOG.info("%d: %s = %s", 1, "PCCLIENT_STD_CONTENT", c.event_data)

    def __repr__(self) -> str:
        return "<TcgTpmsCelEvent %s%s %s>" % (
            self._register,
            self.index,
            TcgTpmiCelContentType.get_content_type_string(self._content_type or 0),
        )


class TcgEfiSpecIdEvent:
    """The SpecID Event03 fields of a crypto-agile log, as the library reads them
    (cctrusted.spec_id_event()); digest_sizes is [(alg_id, digest size)]."""

    def __init__(
        self,
        platform_class: int,
        spec_version_minor: int,
        spec_version_major: int,
        spec_errata: int,
        uintn_size: int,
        digest_sizes: List[Any],
        vendor_info: bytes,
    ) -> None:
        self.signature = b"Spec ID Event03\0"
        self.platform_class = platform_class
        self.spec_version_minor = spec_version_minor
        self.spec_version_major = spec_version_major
        self.spec_errata = spec_errata
        self.uintn_size = uintn_size
        self.number_of_algos = len(digest_sizes)
        self.digest_sizes = digest_sizes
        self.vendor_info_size = len(vendor_info)
        self.vendor_info = vendor_info
