"""What a cache backend does, so the in-memory and the Milvus store share tests and semantics.

Backends only store and search; thresholds, verification, timeouts and failure handling live
in `SemanticCache`, once. Embeddings reaching a backend are float32 unit vectors. `now` is
passed in (seconds since the epoch) so TTL means the same in every replica and in tests.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np


@dataclass(frozen=True)
class Candidate:
    """A cached query near the new one. The answer stays JSON text until one is served:
    most candidates are refused by verification, and decoding them would be wasted."""

    entry_id: str
    query_text: str
    payload: str  # the completion as JSON
    similarity: float

    def completion(self) -> dict[str, Any]:
        """The stored answer, as the caller's own copy."""
        return json.loads(self.payload)


@dataclass(frozen=True)
class NewEntry:
    """An answer to store: under `scope_key` for similarity search, and under `exact_key`
    (`CacheScope.exact_key`) for the exact-repeat lookup."""

    scope_key: str
    query_text: str
    embedding: np.ndarray  # float32 unit vector
    payload: str  # the completion as JSON
    exact_key: str

    @property
    def size(self) -> int:
        """What the entry costs: its text, completion and vector (plus a fixed share)."""
        text = len(self.query_text.encode()) + len(self.payload.encode())
        return text + self.embedding.nbytes + 256


@dataclass
class BackendStats:
    entries: int = 0
    bytes: int = 0
    evictions: int = 0  # removed for room (max_entries / max_bytes)
    expirations: int = 0  # removed because the TTL had passed


class CacheBackend(Protocol):
    stats: BackendStats

    async def start(self) -> None: ...

    async def close(self) -> None: ...

    async def search(
        self, scope_key: str, embedding: np.ndarray, min_similarity: float, limit: int, now: float
    ) -> list[Candidate]:
        """Unexpired entries of the scope with similarity >= min_similarity, best first."""
        ...

    async def get_exact(self, exact_key: str, now: float) -> Candidate | None:
        """The unexpired entry stored under this exact key (`CacheScope.exact_key`), if any."""
        ...

    async def insert(self, entry: NewEntry, now: float) -> None:
        """Store one entry, evicting as the bounds require."""
        ...

    async def touch(self, entry_id: str, now: float) -> None:
        """The entry answered a request: it is now the most recently used."""
        ...
