"""The default backend: one process, bounded by entries and bytes, least recently used first.

Entries of one scope share a `VectorIndex`; a global ordered dict keeps recency, and a queue
in insertion order keeps expiry (every entry has the same TTL, so insertion order is expiry
order). Completions are kept as JSON text, so a caller can never mutate a cached answer.
"""

from __future__ import annotations

import itertools
import json
from collections import OrderedDict, deque
from dataclasses import dataclass

import numpy as np

from orchestrator.cache.backend import BackendStats, Candidate, entry_size
from orchestrator.cache.config import CacheConfig
from orchestrator.cache.vector_index import VectorIndex


@dataclass(frozen=True)
class _Entry:
    scope_key: str
    query_text: str
    payload: str
    expires_at: float
    size: int


class MemoryBackend:
    def __init__(self, config: CacheConfig) -> None:
        self.config = config
        self.stats = BackendStats()
        self._ids = itertools.count()
        self._entries: OrderedDict[int, _Entry] = OrderedDict()  # least recently used first
        self._expiry: deque[tuple[float, int]] = deque()
        self._indexes: dict[str, VectorIndex] = {}

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        self._entries.clear()
        self._expiry.clear()
        self._indexes.clear()

    async def search(
        self, scope_key: str, embedding: np.ndarray, min_similarity: float, limit: int, now: float
    ) -> list[Candidate]:
        self._expire(now)
        index = self._indexes.get(scope_key)
        if index is None:
            return []
        return [
            Candidate(str(i), e.query_text, json.loads(e.payload), score)
            for i, score in index.search(embedding, limit, min_similarity)
            if (e := self._entries.get(i)) is not None
        ]

    async def insert(
        self, scope_key: str, query_text: str, embedding: np.ndarray, payload: str, now: float
    ) -> None:
        self._expire(now)
        size = entry_size(query_text, embedding, payload)
        item = next(self._ids)
        entry = _Entry(scope_key, query_text, payload, now + self.config.ttl_s, size)
        self._entries[item] = entry
        self._expiry.append((entry.expires_at, item))
        index = self._indexes.get(scope_key)
        if index is None:
            index = self._indexes[scope_key] = VectorIndex(embedding.shape[0])
        index.add(item, embedding)
        self.stats.entries += 1
        self.stats.bytes += size
        while self._entries and (
            len(self._entries) > self.config.max_entries or self.stats.bytes > self.config.max_bytes
        ):
            self._remove(next(iter(self._entries)))
            self.stats.evictions += 1

    async def touch(self, entry_id: str, now: float) -> None:
        item = int(entry_id)
        if item in self._entries:
            self._entries.move_to_end(item)

    def _expire(self, now: float) -> None:
        while self._expiry and self._expiry[0][0] <= now:
            _, item = self._expiry.popleft()
            if item in self._entries:
                self._remove(item)
                self.stats.expirations += 1

    def _remove(self, item: int) -> None:
        entry = self._entries.pop(item)
        index = self._indexes[entry.scope_key]
        index.remove(item)
        if not len(index):
            del self._indexes[entry.scope_key]
        self.stats.entries -= 1
        self.stats.bytes -= entry.size
