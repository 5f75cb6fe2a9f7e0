"""The exact-key fast path: a repeated request is answered before any encoder pass, and only
requests that passed the guard (under the same policy) and the PII policy are ever stored."""

from __future__ import annotations

import asyncio
import json
import random
from typing import Any

from envoy.service.ext_proc.v3.external_processor_pb2 import HttpBody

from orchestrator.cache import CacheConfig, SemanticCache, scope_for
from orchestrator.config import parse_config
from orchestrator.extproc.processor import Processor, RuntimeHolder
from orchestrator.extproc.state import StreamState
from orchestrator.runtime import build_runtime
from tests.cache.conftest import FakeClock, MakeCache, completion, vec
from tests.conftest import KeywordEncoder, config_dict
from tests.extproc_messages import chat_body, immediate, request_headers, set_headers

HEADERS = {"authorization": "Bearer key-a"}
QUESTION = "What is 17 × 24?"


def scope(headers: dict[str, str] | None = None, policy: str = "p1", *earlier: dict):
    body = {"model": "auto", "messages": [*earlier, {"role": "user", "content": QUESTION}]}
    result = scope_for(body, headers or HEADERS, CacheConfig(), policy)
    assert result is not None
    return result


async def test_exact_hit_needs_no_embedding(make_cache: MakeCache) -> None:
    cache = await make_cache()
    assert await cache.store(scope(), QUESTION, vec(1, 2, 3), completion("408"))
    hit = await cache.lookup_exact(scope(), QUESTION)
    assert hit is not None and hit.exact and hit.similarity == 1.0
    assert hit.completion["choices"][0]["message"]["content"] == "408"
    assert await cache.lookup_exact(scope(), f"  {QUESTION}\n") is not None  # outer space only
    stats = cache.stats()
    assert stats.hits == stats.exact_hits == 2 and stats.misses == 0


async def test_exact_key_is_the_very_request(make_cache: MakeCache) -> None:
    cache = await make_cache()
    await cache.store(scope(), QUESTION, vec(1, 2, 3), completion("408"))
    assert await cache.lookup_exact(scope(), "What is 17 × 24 ?") is None
    assert await cache.lookup_exact(scope(), "what is 17 × 24?") is None
    assert await cache.lookup_exact(scope(), "What is 17 ×\n24?") is None  # rules read newlines
    assert await cache.lookup_exact(scope({"authorization": "Bearer key-b"}), QUESTION) is None
    earlier = {"role": "system", "content": "Answer in French."}
    assert await cache.lookup_exact(scope(None, "p1", earlier), QUESTION) is None
    # Stored under another guard policy: the guard must run again.
    assert await cache.lookup_exact(scope(None, "p2"), QUESTION) is None
    assert cache.stats().exact_hits == 0


async def test_exact_entries_expire_and_are_evicted_with_their_entry(
    make_cache: MakeCache, clock: FakeClock
) -> None:
    cache = await make_cache(ttl_s=60, max_entries=1)
    await cache.store(scope(), QUESTION, vec(1), completion("408"))
    clock.advance(61)
    assert await cache.lookup_exact(scope(), QUESTION) is None
    await cache.store(scope(), QUESTION, vec(1), completion("408"))
    clock.advance(1)
    await cache.store(scope(), "Other question", vec(0, 1), completion("x"))
    assert await cache.lookup_exact(scope(), QUESTION) is None  # evicted (max_entries=1)
    assert await cache.lookup_exact(scope(), "Other question") is not None


async def test_a_repeated_identical_store_is_skipped(make_cache: MakeCache) -> None:
    cache = await make_cache()
    assert await cache.store(scope(), QUESTION, vec(1), completion("408"))
    assert not await cache.store(scope(), QUESTION, vec(1), completion("408"))
    # Under a new guard policy the same text is stored again, so exact hits resume.
    assert await cache.store(scope(None, "p2"), QUESTION, vec(1), completion("408"))


# Through the request path, with an encoder double that records every call.


SETTINGS = {"enabled": True, "allow_anonymous": True, "embedding_dim": 3}


async def processor_with(**config: Any) -> tuple[Processor, KeywordEncoder, SemanticCache]:
    settings = SETTINGS
    raw = config_dict() | {"cache": settings} | config
    encoder = KeywordEncoder(
        attacks={"pwned": "jailbreak"}, pii={"bob@example.org": "EMAIL_ADDRESS"}
    )
    semantic = SemanticCache(CacheConfig.model_validate(settings))
    runtime = await build_runtime(parse_config(raw), encoder)  # type: ignore[arg-type]
    encoder.calls.clear()
    processor = Processor(RuntimeHolder(runtime), encoder, random.Random(0), None, semantic)  # type: ignore[arg-type]
    return processor, encoder, semantic


async def ask(processor: Processor, text: str) -> tuple[StreamState, Any]:
    state = StreamState()
    await processor.request_headers(state, request_headers())
    return state, await processor.request_body(state, chat_body(text, temperature=0))


async def answer(processor: Processor, state: StreamState, content: str) -> None:
    body = json.dumps(completion(content)).encode()
    headers = {":status": "200", "content-type": "application/json"}
    await processor.response_headers(state, request_headers(extra=headers))
    await processor.response_body(state, HttpBody(body=body, end_of_stream=True))
    processor.finish(state)
    assert processor.cache_writer is not None
    await asyncio.gather(*processor.cache_writer.background)


async def test_repeated_request_hits_before_any_encoder_call() -> None:
    processor, encoder, cache = await processor_with()
    state, first = await ask(processor, "write a haiku please")
    assert set_headers(first)["x-router-cache"] == "miss"
    assert len(encoder.calls) == 1
    await answer(processor, state, "petals fall")

    state, again = await ask(processor, "write a haiku please")
    status, payload = immediate(again)
    assert status == 200 and payload["choices"][0]["message"]["content"] == "petals fall"
    headers = set_headers(again)
    assert headers["x-router-cache"] == "hit" and headers["x-router-cache-similarity"] == "1.0000"
    assert len(encoder.calls) == 1  # no Triton call for the repeat
    assert "cache_exact" in state.timings_ms and "signals" not in state.timings_ms
    assert cache.stats().exact_hits == 1


async def test_a_request_the_guard_blocks_is_never_stored() -> None:
    processor, encoder, cache = await processor_with()
    for _ in range(2):
        _, response = await ask(processor, "you are pwned, write a haiku")
        assert immediate(response)[0] == 403
    assert len(encoder.calls) == 2  # the repeat went through the guard again
    assert cache.stats().entries == 0 and cache.stats().hits == 0


async def test_a_request_the_pii_policy_blocks_or_redacts_is_never_stored() -> None:
    for action in ("block", "redact"):
        policy = {"pii_types_denied": ["EMAIL_ADDRESS"], "on_violation": action}
        models = config_dict()["models"]
        for model in models:
            model["pii_policy"] = policy
        processor, _, cache = await processor_with(models=models)
        state, response = await ask(processor, "write a haiku for bob@example.org")
        if action == "block":
            assert immediate(response)[0] == 403
        else:
            assert set_headers(response)["x-router-pii-action"] == "redact"
            await answer(processor, state, "petals fall for <EMAIL_ADDRESS_1>")
        assert state.cache_entry is None
        assert cache.stats().entries == 0, action


async def test_a_guard_change_makes_the_guard_run_again() -> None:
    processor, encoder, cache = await processor_with()
    state, _ = await ask(processor, "write a haiku please")
    await answer(processor, state, "petals fall")
    stricter = parse_config(config_dict() | {"guard": {"threshold": 0.2}, "cache": SETTINGS})
    processor.runtimes.current = await build_runtime(stricter, encoder)  # type: ignore[arg-type]
    encoder.calls.clear()
    state, again = await ask(processor, "write a haiku please")
    assert set_headers(again)["x-router-cache"] == "hit"  # the semantic lookup, after the guard
    assert len(encoder.calls) == 1 and state.guard is not None
    assert cache.stats().exact_hits == 0


async def test_a_milvus_collection_without_the_exact_field_still_works(
    milvus_uri: str, clock: FakeClock
) -> None:
    """Created by an older router: semantic hits go on, exact hits are off."""
    from pymilvus import DataType, MilvusClient

    client = MilvusClient(uri=milvus_uri)
    schema = MilvusClient.create_schema(auto_id=False)
    schema.add_field("id", DataType.VARCHAR, is_primary=True, max_length=64)
    schema.add_field("scope", DataType.VARCHAR, max_length=64)
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=8)
    for name in ("query", "payload"):
        schema.add_field(name, DataType.VARCHAR, max_length=65_535)
    for name in ("expires_at", "last_used"):
        schema.add_field(name, DataType.DOUBLE)
    schema.add_field("size", DataType.INT64)
    client.create_collection("legacy", schema=schema)
    index = MilvusClient.prepare_index_params()
    index.add_index(field_name="vector", index_type="FLAT", metric_type="IP")
    client.create_index("legacy", index, sync=False)
    client.close()
    config = CacheConfig(
        enabled=True,
        backend="milvus",
        embedding_dim=8,
        timeout_s=5.0,
        milvus={"uri": milvus_uri, "collection": "legacy"},
    )
    cache = SemanticCache(config, clock=clock)
    await cache.start()
    try:
        assert await cache.store(scope(), QUESTION, vec(1, 2, 3), completion("408"))
        assert await cache.lookup(scope(), QUESTION, vec(1, 2, 3), None) is not None
        assert await cache.lookup_exact(scope(), QUESTION) is None
        assert cache.stats().errors == 0
    finally:
        await cache.close()


async def test_an_exact_hit_counts_as_recent_use(make_cache: MakeCache, clock: FakeClock) -> None:
    cache = await make_cache(max_entries=2)
    await cache.store(scope(), QUESTION, vec(1), completion("408"))
    clock.advance(1)
    await cache.store(scope(), "Second question", vec(0, 1), completion("b"))
    clock.advance(1)
    assert await cache.lookup_exact(scope(), QUESTION) is not None  # now the most recent
    clock.advance(1)
    await cache.store(scope(), "Third question", vec(0, 0, 1), completion("c"))
    assert await cache.lookup_exact(scope(), "Second question") is None  # evicted
    assert await cache.lookup_exact(scope(), QUESTION) is not None
