"""A Milvus that is unreachable, or dies while in use, costs misses, never an exception."""

from __future__ import annotations

import time

from orchestrator.cache import CacheConfig, SemanticCache, scope_for
from tests.cache.conftest import DIM, _free_port, completion, start_milvus, stop_milvus, vec

SCOPE = scope_for(
    {"model": "auto", "messages": [{"role": "user", "content": "q"}]},
    {"authorization": "k"},
    CacheConfig(),
)


def milvus_config(uri: str, collection: str = "down") -> CacheConfig:
    return CacheConfig(
        enabled=True,
        backend="milvus",
        embedding_dim=DIM,
        timeout_s=0.5,
        milvus={"uri": uri, "collection": collection, "bounds_check_every": 1},
    )


async def test_unreachable_milvus_means_misses_and_skipped_stores() -> None:
    assert SCOPE is not None
    cache = SemanticCache(milvus_config(f"http://127.0.0.1:{_free_port()}"))
    started = time.monotonic()
    await cache.start()  # logged, not raised
    assert await cache.lookup(SCOPE, "q", vec(1), None) is None
    assert await cache.store(SCOPE, "q", vec(1), completion("a")) is False
    assert time.monotonic() - started < 15
    stats = cache.stats()
    assert stats.errors >= 2 and stats.misses == 1 and stats.skipped_stores == 1
    await cache.close()


async def test_milvus_dying_mid_use_turns_into_misses(tmp_path) -> None:
    assert SCOPE is not None
    process, uri = start_milvus(tmp_path / "dying")
    cache = SemanticCache(milvus_config(uri, "dying"))
    try:
        await cache.start()
        assert await cache.store(SCOPE, "Why is the sky blue?", vec(1), completion("scattering"))
        assert await cache.lookup(SCOPE, "Why is the sky blue?", vec(1), None) is not None
        stop_milvus(process)
        started = time.monotonic()
        assert await cache.lookup(SCOPE, "Why is the sky blue?", vec(1), None) is None
        assert await cache.store(SCOPE, "Why is grass green?", vec(0, 1), completion("x")) is False
        assert time.monotonic() - started < 5  # bounded by timeout_s, not by retries
        assert cache.stats().errors >= 2
    finally:
        stop_milvus(process)
        await cache.close()
