"""The cache the orchestrator calls: an exact-key lookup before any model runs, then
threshold + verification on the nearest neighbours, and bounds on store.

Every backend error or timeout becomes a miss (lookup) or a skipped store, logged and
counted; nothing the cache does can fail a client's request.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from orchestrator.cache.backend import CacheBackend, NewEntry
from orchestrator.cache.config import CacheConfig
from orchestrator.cache.policy import should_store_response
from orchestrator.cache.scope import CacheScope
from orchestrator.cache.verify import same_meaning

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CacheHit:
    completion: dict[str, Any]  # the stored chat.completion (a private copy)
    similarity: float
    cached_query: str
    exact: bool = False  # found by exact key, before any embedding


@dataclass(frozen=True)
class CacheStats:
    """Counters for the caller's metrics."""

    hits: int
    exact_hits: int  # of `hits`, those found by exact key (no encoder pass)
    misses: int
    rejected_lookalikes: int  # candidates above the threshold that verification refused
    stores: int
    skipped_stores: int
    errors: int  # backend failures and timeouts (each one a miss or a skipped store)
    entries: int
    bytes: int
    evictions: int
    expirations: int


class SemanticCache:
    def __init__(
        self,
        config: CacheConfig,
        backend: CacheBackend | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.config = config
        self.backend = backend if backend is not None else make_backend(config)
        self.clock = clock
        self._counts = dict.fromkeys(
            (
                "hits",
                "exact_hits",
                "misses",
                "rejected_lookalikes",
                "stores",
                "skipped_stores",
                "errors",
            ),
            0,
        )

    async def start(self) -> None:
        """Connect (Milvus). A backend that cannot start leaves the cache usable: it misses."""
        try:
            await asyncio.wait_for(self.backend.start(), max(self.config.timeout_s, 10.0))
        except Exception as error:
            self._counts["errors"] += 1
            log.warning("cache: backend %s did not start: %r", self.config.backend, error)

    async def close(self) -> None:
        try:
            await self.backend.close()
        except Exception as error:
            log.warning("cache: backend close failed: %r", error)

    async def lookup_exact(self, scope: CacheScope, query_text: str) -> CacheHit | None:
        """The answer stored for this very request (same scope, guard policy and query text),
        or None. Needs no embedding, so a repeated request costs no encoder pass. A miss here
        is not counted: the request goes on to `lookup`, which counts it."""
        if not self.config.enabled:
            return None
        try:
            async with asyncio.timeout(self.config.timeout_s):
                candidate = await self.backend.get_exact(scope.exact_key(query_text), self.clock())
        except Exception as error:
            self._counts["errors"] += 1
            log.warning("cache: exact lookup failed (%s): %r", self.config.backend, error)
            return None
        if candidate is None:
            return None
        await self._touch(candidate.entry_id)
        self._counts["hits"] += 1
        self._counts["exact_hits"] += 1
        return CacheHit(candidate.completion(), 1.0, candidate.query_text, exact=True)

    async def lookup(
        self, scope: CacheScope, query_text: str, embedding: np.ndarray, category: str | None
    ) -> CacheHit | None:
        """The stored answer of the nearest cached query that passes the category's threshold
        and the look-alike check, or None."""
        vector = _unit(embedding)
        if not self.config.enabled or vector is None:
            return None
        try:
            async with asyncio.timeout(self.config.timeout_s):
                candidates = await self.backend.search(
                    scope.key,
                    vector,
                    self.config.threshold_for(category),
                    self.config.candidates,
                    self.clock(),
                )
        except Exception as error:
            return self._miss_on_error("lookup", error)
        for candidate in candidates:
            if self.config.verify and not same_meaning(candidate.query_text, query_text):
                self._counts["rejected_lookalikes"] += 1
                continue
            await self._touch(candidate.entry_id)
            self._counts["hits"] += 1
            return CacheHit(candidate.completion(), candidate.similarity, candidate.query_text)
        self._counts["misses"] += 1
        return None

    async def store(
        self, scope: CacheScope, query_text: str, embedding: np.ndarray, completion: dict[str, Any]
    ) -> bool:
        """Keep the answer; False when it was skipped (not storable, too big, duplicate, or
        the backend failed). The caller has already checked `should_store_request`, and that
        the request reached a backend (the guard and the PII policy let it through)."""
        vector = _unit(embedding)
        payload = json.dumps(completion, ensure_ascii=False, separators=(",", ":"))
        if (
            not self.config.enabled
            or vector is None
            or not should_store_response(completion)
            or len(payload.encode()) > self.config.max_entry_bytes
        ):
            self._counts["skipped_stores"] += 1
            return False
        try:
            async with asyncio.timeout(self.config.timeout_s):
                now = self.clock()
                exact_key = scope.exact_key(query_text)
                if await self.backend.get_exact(exact_key, now) is not None:
                    self._counts["skipped_stores"] += 1  # the same request, stored already
                    return False
                entry = NewEntry(scope.key, query_text, vector, payload, exact_key)
                await self.backend.insert(entry, now)
        except Exception as error:
            self._counts["errors"] += 1
            self._counts["skipped_stores"] += 1
            log.warning("cache: store skipped, backend %s failed: %r", self.config.backend, error)
            return False
        self._counts["stores"] += 1
        return True

    def stats(self) -> CacheStats:
        backend = self.backend.stats
        return CacheStats(
            **self._counts,
            entries=backend.entries,
            bytes=backend.bytes,
            evictions=backend.evictions,
            expirations=backend.expirations,
        )

    async def _touch(self, entry_id: str) -> None:
        try:
            async with asyncio.timeout(self.config.timeout_s):
                await self.backend.touch(entry_id, self.clock())
        except Exception as error:
            log.warning("cache: recency update failed: %r", error)

    def _miss_on_error(self, what: str, error: BaseException) -> None:
        self._counts["errors"] += 1
        self._counts["misses"] += 1
        log.warning(
            "cache: %s failed, treated as a miss (%s): %r", what, self.config.backend, error
        )
        return None


def make_backend(config: CacheConfig) -> CacheBackend:
    if config.backend == "milvus":
        from orchestrator.cache.milvus import MilvusBackend

        return MilvusBackend(config)
    from orchestrator.cache.memory import MemoryBackend

    return MemoryBackend(config)


def _unit(embedding: np.ndarray) -> np.ndarray | None:
    vector = np.asarray(embedding, dtype=np.float32).reshape(-1)
    norm = float(np.linalg.norm(vector))
    if not np.isfinite(norm) or norm == 0.0:
        return None
    return vector / norm
