# SPDX-License-Identifier: Apache-2.0
"""Integrated measurement registers in the seed SDK's shape."""
from typing import Dict, Optional

from .tcg import TcgAlgorithmRegistry, TcgDigest


class TcgIMR:
    """A measurement register: ``index``, and ``digests`` {alg_id: TcgDigest}."""

    _INVALID_IMR_INDEX = -1
    MAX_INDEX = 23

    def __init__(self, index: int, default_alg_id: int, default_digest_hash: bytes) -> None:
        self._index = index
        self._digests: Dict[int, TcgDigest] = {
            default_alg_id: TcgDigest(default_alg_id, default_digest_hash)
        }

    @property
    def index(self) -> int:
        """Register index (native: RTMR n is n, PCR n is n; see index_convention)."""
        return self._index

    @property
    def digests(self) -> Dict[int, TcgDigest]:
        """{alg_id: TcgDigest}."""
        return self._digests

    def digest(self, alg_id: int) -> Optional[TcgDigest]:
        """The digest in bank alg_id, or None."""
        return self._digests.get(alg_id)

    @property
    def hash(self) -> bytes:
        """The value in the bank that was read (the first one)."""
        return next(iter(self._digests.values())).hash

    @property
    def alg(self) -> TcgAlgorithmRegistry:
        """The bank that was read."""
        return TcgAlgorithmRegistry(next(iter(self._digests)))

    @property
    def max_index(self) -> int:
        """Largest valid index on this platform."""
        return self.MAX_INDEX

    def is_valid(self) -> bool:
        return self._index != TcgIMR._INVALID_IMR_INDEX and 0 <= self._index <= self.max_index

    def __repr__(self) -> str:
        return "<%s %d %s %s>" % (type(self).__name__, self._index, self.alg.name, self.hash.hex())


class TdxRTMR(TcgIMR):
    """A TDX RTMR (SHA-384)."""

    RTMR_COUNT = 4
    RTMR_LENGTH_BY_BYTES = 48
    MAX_INDEX = 3

    def __init__(
        self, index: int, digest_hash: bytes, alg_id: int = TcgAlgorithmRegistry.TPM_ALG_SHA384
    ) -> None:
        super().__init__(index, alg_id, digest_hash)


class TpmPCR(TcgIMR):
    """A TPM PCR in one bank."""

    MAX_INDEX = 23

    def __init__(
        self, index: int, digest_hash: bytes, alg_id: int = TcgAlgorithmRegistry.TPM_ALG_SHA256
    ) -> None:
        super().__init__(index, alg_id, digest_hash)
