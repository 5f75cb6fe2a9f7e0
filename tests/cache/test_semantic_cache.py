"""SemanticCache semantics, run once per backend (in-memory and a real milvus-lite server)."""

from __future__ import annotations

import pytest

from orchestrator.cache import CacheConfig, SemanticCache, scope_for
from tests.cache.conftest import DIM, FakeClock, MakeCache, completion, near, vec

HEADERS = {"authorization": "Bearer key-a"}


def body(question: str, *earlier: dict, model: str = "auto") -> dict:
    return {"model": model, "messages": [*earlier, {"role": "user", "content": question}]}


def scope(question: str = "q", headers: dict | None = None, *earlier: dict):
    result = scope_for(body(question, *earlier), headers or HEADERS, CacheConfig())
    assert result is not None
    return result


BASE = vec(1, 2, 3)


async def test_paraphrase_hits_with_its_similarity(make_cache: MakeCache) -> None:
    cache = await make_cache()
    assert await cache.store(scope(), "What is 17 × 24?", BASE, completion("408"))
    hit = await cache.lookup(scope(), "Compute 17 times 24", near(BASE, 0.93), None)
    assert hit is not None
    assert hit.completion["choices"][0]["message"]["content"] == "408"
    assert hit.similarity == pytest.approx(0.93, abs=1e-3)
    assert hit.cached_query == "What is 17 × 24?"
    assert cache.stats().hits == 1


LOOKALIKES = [
    ("What is 17 × 24?", "What is 17 × 23?"),
    ("Is coffee good for the heart?", "Is coffee not good for the heart?"),
    ("What is the capital of France?", "What is the capital of Germany?"),
    ("How do I enable 2FA on GitHub?", "How do I disable 2FA on GitHub?"),
]


@pytest.mark.parametrize(("cached", "new"), LOOKALIKES)
async def test_lookalikes_miss_even_at_identical_vectors(
    make_cache: MakeCache, cached: str, new: str
) -> None:
    checked = await make_cache()
    unchecked = await make_cache(verify=False)
    assert await checked.store(scope(), cached, BASE, completion("cached answer"))
    await unchecked.store(scope(), cached, BASE, completion("cached answer"))  # Milvus: shared
    assert await checked.lookup(scope(), new, BASE, None) is None
    assert checked.stats().rejected_lookalikes >= 1
    # Only the check stands between the client and the wrong answer:
    assert await unchecked.lookup(scope(), new, BASE, None) is not None


async def test_a_lookalike_nearest_does_not_hide_a_true_paraphrase(make_cache: MakeCache) -> None:
    cache = await make_cache()
    await cache.store(scope(), "What is 17 × 23?", BASE, completion("391"))
    await cache.store(scope(), "What's 17 times 24?", near(BASE, 0.9), completion("408"))
    hit = await cache.lookup(scope(), "What is 17 × 24?", BASE, None)
    assert hit is not None and hit.completion["choices"][0]["message"]["content"] == "408"


async def test_threshold_global_and_per_category(make_cache: MakeCache) -> None:
    cache = await make_cache(similarity_threshold=0.9, category_thresholds={"chat": 0.7})
    await cache.store(scope(), "Tell me a fun fact", BASE, completion("Octopuses have 3 hearts"))
    query = near(BASE, 0.8)
    assert await cache.lookup(scope(), "Give me a fun fact", query, None) is None
    assert await cache.lookup(scope(), "Give me a fun fact", query, "math") is None
    assert await cache.lookup(scope(), "Give me a fun fact", query, "chat") is not None


async def test_tenants_never_share_answers(make_cache: MakeCache) -> None:
    cache = await make_cache()
    await cache.store(scope(), "What is my plan?", BASE, completion("Pro plan"))
    other = scope("q", {"authorization": "Bearer key-b"})
    assert await cache.lookup(other, "What is my plan?", BASE, None) is None
    assert await cache.lookup(scope(), "What is my plan?", BASE, None) is not None


async def test_conversations_never_share_answers(make_cache: MakeCache) -> None:
    cache = await make_cache()
    python = ({"role": "system", "content": "You answer about Python."},)
    rust = ({"role": "system", "content": "You answer about Rust."},)
    await cache.store(scope("q", None, *python), "How do I read a file?", BASE, completion("open"))
    assert await cache.lookup(scope("q", None, *rust), "How do I read a file?", BASE, None) is None
    turns = (
        {"role": "user", "content": "hi"},
        {"role": "assistant", "content": "hello"},
    )
    assert await cache.lookup(scope("q", None, *turns), "How do I read a file?", BASE, None) is None
    hit = await cache.lookup(scope("q", None, *python), "How do I read a file?", BASE, None)
    assert hit is not None


async def test_models_never_share_answers(make_cache: MakeCache) -> None:
    cache = await make_cache()
    auto = scope_for(body("q"), HEADERS, CacheConfig())
    named = scope_for(body("q", model="code-model"), HEADERS, CacheConfig())
    assert auto is not None and named is not None
    await cache.store(auto, "Write a haiku", BASE, completion("rain"))
    assert await cache.lookup(named, "Write a haiku", BASE, None) is None


async def test_entries_expire_after_the_ttl(make_cache: MakeCache, clock: FakeClock) -> None:
    cache = await make_cache(ttl_s=60)
    await cache.store(scope(), "Why is the sky blue?", BASE, completion("Rayleigh scattering"))
    clock.advance(59)
    assert await cache.lookup(scope(), "Why is the sky blue?", BASE, None) is not None
    clock.advance(2)
    assert await cache.lookup(scope(), "Why is the sky blue?", BASE, None) is None


async def test_least_recently_used_is_evicted_first(
    make_cache: MakeCache, clock: FakeClock
) -> None:
    cache = await make_cache(max_entries=2)
    a, b, c = vec(1), vec(0, 1), vec(0, 0, 1)
    await cache.store(scope(), "Tell me about owls", a, completion("owls"))
    clock.advance(1)
    await cache.store(scope(), "Tell me about bees", b, completion("bees"))
    clock.advance(1)
    assert await cache.lookup(scope(), "Tell me about owls", a, None) is not None  # owls: recent
    clock.advance(1)
    await cache.store(scope(), "Tell me about cats", c, completion("cats"))
    assert await cache.lookup(scope(), "Tell me about bees", b, None) is None
    assert await cache.lookup(scope(), "Tell me about owls", a, None) is not None
    assert await cache.lookup(scope(), "Tell me about cats", c, None) is not None
    stats = cache.stats()
    assert stats.evictions == 1
    assert stats.entries == 2


async def test_memory_bound_evicts(make_cache: MakeCache, clock: FakeClock) -> None:
    cache = await make_cache(max_bytes=1024)
    for i in range(5):
        clock.advance(1)
        await cache.store(scope(), f"Tell me about topic {i}", vec(*([0] * i), 1), completion("x"))
    stats = cache.stats()
    assert stats.evictions >= 3
    assert 0 < stats.bytes <= 1024
    assert await cache.lookup(scope(), "Tell me about topic 4", vec(0, 0, 0, 0, 1), None)
    assert await cache.lookup(scope(), "Tell me about topic 0", vec(1), None) is None


async def test_unstorable_answers_are_skipped(make_cache: MakeCache) -> None:
    cache = await make_cache(max_entry_bytes=512)
    assert not await cache.store(scope(), "q1", BASE, completion("cut", finish_reason="length"))
    assert not await cache.store(scope(), "q2", BASE, completion("x" * 1000))
    tool_call = completion("")
    tool_call["choices"][0]["message"]["tool_calls"] = [{"id": "1"}]
    assert not await cache.store(scope(), "q3", BASE, tool_call)
    assert await cache.store(scope(), "q4", BASE, completion("fine"))
    assert not await cache.store(scope(), "q4", BASE, completion("fine"))  # duplicate
    assert cache.stats().stores == 1


async def test_disabled_cache_neither_stores_nor_hits(make_cache: MakeCache) -> None:
    cache = await make_cache(enabled=False)
    assert not await cache.store(scope(), "q", BASE, completion("a"))
    assert await cache.lookup(scope(), "q", BASE, None) is None


async def test_returned_completion_is_a_private_copy(make_cache: MakeCache) -> None:
    cache = await make_cache()
    await cache.store(scope(), "q", BASE, completion("original"))
    hit = await cache.lookup(scope(), "q", BASE, None)
    assert hit is not None
    hit.completion["choices"][0]["message"]["content"] = "mutated"
    again = await cache.lookup(scope(), "q", BASE, None)
    assert again is not None and again.completion["choices"][0]["message"]["content"] == "original"


async def test_replicas_share_one_milvus(milvus_uri: str, clock: FakeClock) -> None:
    settings = CacheConfig(
        enabled=True,
        backend="milvus",
        embedding_dim=DIM,
        timeout_s=5.0,
        milvus={"uri": milvus_uri, "collection": "replicas"},
    )
    first, second = SemanticCache(settings, clock=clock), SemanticCache(settings, clock=clock)
    await first.start()
    await second.start()
    try:
        assert await first.store(scope(), "What is 2 + 2?", BASE, completion("4"))
        assert await second.lookup(scope(), "What's 2 plus 2?", near(BASE, 0.95), None)
    finally:
        await first.close()
        await second.close()
