"""The default backend: one process, bounded by entries and bytes, least recently used first.

Entries of one scope share a `VectorIndex`; a global ordered dict keeps recency, a queue in
insertion order keeps expiry (every entry has the same TTL, so insertion order is expiry
order), and a dict maps each entry's exact key (scope, guard policy and query text) to it.
Completions are kept as JSON text, so a caller can never mutate a cached answer.

Writes belong to one worker thread: a graph insert takes ~1 ms and hnswlib must not search
and insert at once, so the event loop hands inserts over, in order, and every store
operation runs under one lock. A hit's recency update is only queued (`touch`). Index
builds run on a second thread (vector_index.py). Two reads are exceptions that run on the
event loop:
- the exact-key read (`peek_exact`), which every cacheable request makes first: it reads two
  dicts and never writes, so it needs no lock (a thread hop alone cost 0.3 ms, 4-17 ms under
  concurrency in bench/overhead.py);
- a search while the lock is free. It is bounded (a scan of at most 2,048 rows, or an HNSW
  walk: ~0.6 ms p50 / 0.8 ms p99 at 20,000 rows here), and the hop it saves cost more: 0.3 ms
  at p50 and 1.9 ms at p99 on this 2-core VM, whose thread wake-ups have a long tail. While
  the worker holds the lock (an insert), the search queues behind it as before.
Expired entries go at the next search or insert.
"""

from __future__ import annotations

import asyncio
import functools
import itertools
import threading
from collections import OrderedDict, deque
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np

from orchestrator.cache.backend import BackendStats, Candidate, NewEntry
from orchestrator.cache.config import CacheConfig
from orchestrator.cache.vector_index import EXACT_LIMIT, VectorIndex

T = TypeVar("T")


@dataclass(frozen=True)
class _Entry:
    scope_key: str
    query_text: str
    payload: str
    expires_at: float
    size: int
    exact_key: str


class MemoryStore:
    """The backend's state and rules, synchronous; only the worker thread calls it."""

    def __init__(
        self, config: CacheConfig, exact_limit: int = EXACT_LIMIT, builder: Executor | None = None
    ) -> None:
        self.config = config
        self.stats = BackendStats()
        self.exact_limit = exact_limit
        self.builder = builder
        self._ids = itertools.count()
        self._entries: OrderedDict[int, _Entry] = OrderedDict()  # least recently used first
        self._expiry: deque[tuple[float, int]] = deque()
        self._indexes: dict[str, VectorIndex] = {}
        self._exact: dict[str, int] = {}
        # Hits to move to the recent end, appended from the event loop (deque.append is
        # thread-safe) and applied under the lock before the next search or insert: a hit
        # then wakes no thread.
        self._touched: deque[int] = deque()

    def search(
        self, scope_key: str, embedding: np.ndarray, min_similarity: float, limit: int, now: float
    ) -> list[Candidate]:
        self._apply_touches()
        self._expire(now)
        index = self._indexes.get(scope_key)
        if index is None:
            return []
        return [
            Candidate(str(i), e.query_text, e.payload, score)
            for i, score in index.search(embedding, limit, min_similarity)
            if (e := self._entries.get(i)) is not None
        ]

    def peek_exact(self, exact_key: str, now: float) -> Candidate | None:
        """The exact-key hit, without expiring anything: safe beside the worker thread because
        it only reads (each dict read is atomic under the GIL) and checks the entry's own expiry.
        A removal racing it turns it into a miss or returns an answer that was valid a moment
        ago, never a wrong one."""
        item = self._exact.get(exact_key)
        entry = self._entries.get(item) if item is not None else None
        if entry is None or entry.expires_at <= now:
            return None
        return Candidate(str(item), entry.query_text, entry.payload, 1.0)

    def insert(self, new: NewEntry, now: float) -> None:
        self._apply_touches()
        self._expire(now)
        item = next(self._ids)
        expires_at = now + self.config.ttl_s
        entry = _Entry(
            new.scope_key, new.query_text, new.payload, expires_at, new.size, new.exact_key
        )
        self._entries[item] = entry
        self._expiry.append((entry.expires_at, item))
        self._exact[new.exact_key] = item
        index = self._indexes.get(new.scope_key)
        if index is None:
            index = VectorIndex(new.embedding.shape[0], self.exact_limit, self.builder)
            self._indexes[new.scope_key] = index
        index.add(item, new.embedding)
        self.stats.entries += 1
        self.stats.bytes += new.size
        while self._entries and (
            len(self._entries) > self.config.max_entries or self.stats.bytes > self.config.max_bytes
        ):
            self._remove(next(iter(self._entries)))
            self.stats.evictions += 1

    def touch(self, entry_id: str, now: float) -> None:
        """Safe from any thread, without the lock: only appends to a deque."""
        self._touched.append(int(entry_id))

    def _apply_touches(self) -> None:
        while self._touched:
            item = self._touched.popleft()
            if item in self._entries:
                self._entries.move_to_end(item)

    def index(self, scope_key: str) -> VectorIndex | None:
        return self._indexes.get(scope_key)

    def finish_builds(self) -> None:
        """Wait for every scope's index build and adopt it (benchmarks and tests)."""
        for index in self._indexes.values():
            index.finish_build()

    def clear(self) -> None:
        self._touched.clear()
        self._entries.clear()
        self._expiry.clear()
        self._indexes.clear()
        self._exact.clear()

    def _expire(self, now: float) -> None:
        while self._expiry and self._expiry[0][0] <= now:
            _, item = self._expiry.popleft()
            if item in self._entries:
                self._remove(item)
                self.stats.expirations += 1

    def _remove(self, item: int) -> None:
        entry = self._entries.pop(item)
        if self._exact.get(entry.exact_key) == item:
            del self._exact[entry.exact_key]
        index = self._indexes[entry.scope_key]
        index.remove(item)
        if not len(index):
            del self._indexes[entry.scope_key]
        self.stats.entries -= 1
        self.stats.bytes -= entry.size


class MemoryBackend:
    """`MemoryStore` behind the async backend interface, run on its own worker thread."""

    def __init__(self, config: CacheConfig, exact_limit: int = EXACT_LIMIT) -> None:
        self.config = config
        self._worker = ThreadPoolExecutor(1, thread_name_prefix="cache-index")
        self._builder = ThreadPoolExecutor(1, thread_name_prefix="cache-index-build")
        self.store = MemoryStore(config, exact_limit, self._builder)
        self.stats = self.store.stats
        self._lock = threading.Lock()  # held by whichever thread runs a store operation

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        await self._run(self.store.clear)
        self._worker.shutdown(wait=False, cancel_futures=True)
        self._builder.shutdown(wait=False, cancel_futures=True)

    async def search(
        self, scope_key: str, embedding: np.ndarray, min_similarity: float, limit: int, now: float
    ) -> list[Candidate]:
        if self._lock.acquire(blocking=False):
            try:  # the store is idle: search here, without a thread hop
                return self.store.search(scope_key, embedding, min_similarity, limit, now)
            finally:
                self._lock.release()
        return await self._run(self.store.search, scope_key, embedding, min_similarity, limit, now)

    async def get_exact(self, exact_key: str, now: float) -> Candidate | None:
        return self.store.peek_exact(exact_key, now)

    async def insert(self, entry: NewEntry, now: float) -> None:
        await self._run(self.store.insert, entry, now)

    async def touch(self, entry_id: str, now: float) -> None:
        self.store.touch(entry_id, now)

    async def wait_for_index_builds(self) -> None:
        """Until every scope serves from its finished index (benchmarks and tests)."""
        await self._run(self.store.finish_builds)

    async def _run(self, fn: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._worker, functools.partial(self._locked, fn, *args))

    def _locked(self, fn: Callable[..., T], *args: Any) -> T:
        with self._lock:
            return fn(*args)
