# SPDX-License-Identifier: Apache-2.0
"""BinaryBlob: bytes with a hex dump, the base of the report classes."""
import logging
import string
from typing import Union

LOG = logging.getLogger("cctrusted")

_PRINTABLE = frozenset(ord(c) for c in string.printable) - {0x9, 0xA, 0xB, 0xC, 0xD}


def hexdump_lines(data: bytes, base: int = 0):
    """The lines of a hex dump: address, 16 bytes in hex, the printable characters."""
    lines = []
    n = len(data)
    for row in range(0, max(n, 1), 16):
        chunk = data[row : row + 16]
        hexpart = "".join("%02X " % b for b in chunk)
        pad = "   " * (16 - len(chunk)) if len(chunk) < 16 else ""
        chars = "".join(chr(b) if b in _PRINTABLE else "." for b in chunk)
        lines.append("%08X  %s%s %s" % (row + base, hexpart, pad, chars) if n else " ")
    return lines


class BinaryBlob:
    """Raw bytes (``data``, ``length``) that can be dumped in hex to the
    ``cctrusted`` logger."""

    def __init__(self, data: Union[bytes, bytearray], base: int = 0) -> None:
        self._data = data
        self._base_address = base

    @property
    def length(self) -> int:
        """Length in bytes."""
        return len(self._data)

    @property
    def data(self) -> bytes:
        """The bytes."""
        return self._data

    def to_hex_string(self) -> str:
        """Lowercase hex of the bytes."""
        return bytes(self._data).hex()

    def dump(self) -> None:
        """Log a hex dump, 16 bytes a line."""
        for line in hexdump_lines(bytes(self._data), self._base_address):
            LOG.info("%s", line)
