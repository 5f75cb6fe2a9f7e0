"""The in-memory backend with large scopes (an HNSW graph per scope): TTL, LRU eviction,
deletion, scope isolation and bounded memory hold as for small ones; writes run on the
backend's worker thread, and a search runs on the event loop only while the store is idle."""

from __future__ import annotations

import asyncio
import threading

import numpy as np
import pytest

from orchestrator.cache import CacheConfig, CacheScope, SemanticCache
from orchestrator.cache.memory import MemoryBackend
from tests.cache.conftest import FakeClock, completion

DIM = 16
LIMIT = 16  # rows above which a scope gets a graph


def rows(n: int, seed: int) -> np.ndarray:
    data = np.random.default_rng(seed).standard_normal((n, DIM)).astype(np.float32)
    return data / np.linalg.norm(data, axis=1, keepdims=True)


def make(clock: FakeClock, **settings: object) -> tuple[SemanticCache, MemoryBackend]:
    config = CacheConfig(enabled=True, embedding_dim=DIM, verify=False, **settings)
    backend = MemoryBackend(config, exact_limit=LIMIT)
    return SemanticCache(config, backend, clock=clock), backend


SCOPE = CacheScope("tenant", "auto", "conversation")


async def fill(
    cache: SemanticCache, data: np.ndarray, start: int = 0, scope: CacheScope = SCOPE
) -> None:
    """Stores data[start:] as "question i" / "answer i"."""
    for i in range(start, len(data)):
        assert await cache.store(scope, f"question {i}", data[i], completion(f"answer {i}"))


async def answer(cache: SemanticCache, vector: np.ndarray, scope: CacheScope = SCOPE) -> str:
    hit = await cache.lookup(scope, "question", vector, None)
    return "" if hit is None else hit.completion["choices"][0]["message"]["content"]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


async def test_large_scope_uses_the_graph_and_finds_each_entry(clock: FakeClock) -> None:
    cache, backend = make(clock)
    data = rows(200, seed=1)
    await fill(cache, data)
    await backend.wait_for_index_builds()
    index = backend.store.index(SCOPE.key)
    assert index is not None and index.kind == "hnsw" and len(index) == 200
    found = [await answer(cache, row) == f"answer {i}" for i, row in enumerate(data)]
    assert sum(found) >= 196
    await cache.close()


async def test_ttl_and_exact_keys_expire_in_a_large_scope(clock: FakeClock) -> None:
    cache, backend = make(clock, ttl_s=60)
    data = rows(100, seed=2)
    await fill(cache, data[:50])
    clock.advance(30)
    await fill(cache, data, 50)
    await backend.wait_for_index_builds()
    clock.advance(31)  # the first 50 are 61 s old
    assert await answer(cache, data[10]) != "answer 10"
    assert await cache.lookup_exact(SCOPE, "question 10") is None
    assert await answer(cache, data[60]) == "answer 60"
    stats = cache.stats()
    assert stats.entries == 50 and stats.expirations == 50
    clock.advance(60)
    assert await answer(cache, data[60]) == ""
    assert backend.store.index(SCOPE.key) is None  # an empty scope keeps no index
    await cache.close()


async def test_lru_eviction_in_a_large_scope(clock: FakeClock) -> None:
    cache, _ = make(clock, max_entries=60)
    data = rows(80, seed=3)
    await fill(cache, data[:60])
    assert await answer(cache, data[0]) == "answer 0"  # now the most recently used
    await fill(cache, data, 60)  # 20 more: evicts 1..20, keeps 0
    assert await answer(cache, data[0]) == "answer 0"
    assert await answer(cache, data[1]) != "answer 1"
    assert await answer(cache, data[20]) != "answer 20"
    assert await answer(cache, data[21]) == "answer 21"
    stats = cache.stats()
    assert stats.entries == 60 and stats.evictions == 20
    await cache.close()


async def test_large_scopes_never_share_entries(clock: FakeClock) -> None:
    cache, backend = make(clock)
    other = CacheScope("other-tenant", "auto", "conversation")
    data = rows(100, seed=4)
    await fill(cache, data[:50])
    await fill(cache, data[:50], 0, other)  # the same vectors in another scope
    await backend.wait_for_index_builds()
    hit = await cache.lookup(other, "question", data[5], None)
    assert hit is not None
    assert await cache.lookup(SCOPE, "question", data[70], None) is None
    assert backend.store.index(other.key) is not backend.store.index(SCOPE.key)
    await cache.close()


async def test_memory_follows_the_live_entries(clock: FakeClock) -> None:
    """Deleted graph slots are reused, and a scope that shrinks gets a smaller index."""
    cache, backend = make(clock, ttl_s=10)
    data = rows(2000, seed=5)
    for start in range(0, 2000, 100):
        await fill(cache, data[: start + 100], start)
        await backend.wait_for_index_builds()
        clock.advance(4)  # entries live ~2.5 rounds
    index = backend.store.index(SCOPE.key)
    assert index is not None
    assert len(index) <= 300 and index.capacity <= 4 * 300
    await cache.close()


async def test_writes_run_on_the_worker_and_idle_searches_on_the_loop(clock: FakeClock) -> None:
    cache, backend = make(clock)
    calls: list[tuple[str, str]] = []
    for name in ("search", "insert", "peek_exact"):
        method = getattr(backend.store, name)

        def spy(*args: object, _method=method, _name=name) -> object:
            calls.append((_name, threading.current_thread().name))
            return _method(*args)

        setattr(backend.store, name, spy)
    await fill(cache, rows(40, seed=6))
    assert (await cache.lookup_exact(SCOPE, "question 3")) is not None
    assert await answer(cache, rows(40, seed=6)[3]) == "answer 3"
    inserts = {thread for name, thread in calls if name == "insert"}
    assert inserts and all(thread.startswith("cache-index") for thread in inserts)
    # Reads on an idle store run on the event loop: no thread hop.
    reads = {thread for name, thread in calls if name in ("peek_exact", "search")}
    assert reads == {threading.current_thread().name}
    # While the worker holds the store (an insert in progress), a search waits its turn there.
    calls.clear()
    with backend._lock:
        pending = asyncio.ensure_future(answer(cache, rows(40, seed=6)[5]))
        await asyncio.sleep(0.05)
        assert not pending.done()
    assert await pending == "answer 5"
    searches = [thread for name, thread in calls if name == "search"]
    assert searches and all(thread.startswith("cache-index") for thread in searches)
    await cache.close()
