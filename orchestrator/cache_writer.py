"""Storing answers in the semantic cache as they pass, without the client waiting."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from envoy.service.ext_proc.v3.external_processor_pb2 import HttpBody

from orchestrator import metrics
from orchestrator.cache import SemanticCache, completion_from_sse, should_store_response
from orchestrator.extproc.state import StreamState


class CacheWriter:
    def __init__(self, cache: SemanticCache) -> None:
        self.cache = cache
        self.background: set[asyncio.Task[None]] = set()

    def capture(self, state: StreamState, message: HttpBody) -> None:
        """Keep the answer as it passes (up to the entry size limit); store it when complete.

        The store runs in the background: the client never waits for the cache.
        """
        limit = self.cache.config.max_entry_bytes
        if len(state.captured) + len(message.body) > limit:
            state.cache_entry = None
            state.captured.clear()
            return
        state.captured.extend(message.body)
        if not message.end_of_stream:
            return
        raw = bytes(state.captured)
        completion = completion_from_sse(raw) if state.stream else parse_json(raw)
        if should_store_response(completion, state.upstream_status or 0):
            scope, text, embedding = state.cache_entry
            task = asyncio.create_task(self.store(scope, text, embedding, completion))
            self.background.add(task)
            task.add_done_callback(self.background.discard)

    async def store(self, scope: Any, text: str, embedding: Any, completion: Any) -> None:
        before = self.cache.stats()
        await self.cache.store(scope, text, embedding, completion)
        after = self.cache.stats()
        metrics.CACHE_ENTRIES.set(after.entries)
        metrics.CACHE_EVICTIONS.inc(max(0, after.evictions - before.evictions))


def parse_json(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
