"""Semantic cache: answer a repeated question without calling a model, and never the wrong one.

The orchestrator calls, per request: `should_store_request` (may this request use the
cache?), `scope_for` + `query_text`, `SemanticCache.lookup_exact` before any Triton call, then
`SemanticCache.lookup` with the embedding; on a hit it replays the answer with
`replay_as_json` / `replay_as_sse`. On a 2xx response it rebuilds streamed
answers with `completion_from_sse` and calls `SemanticCache.store`.
"""

from orchestrator.cache.config import CacheConfig, MilvusCacheConfig
from orchestrator.cache.policy import (
    should_store_request,
    should_store_response,
    uncacheable_reason,
)
from orchestrator.cache.scope import CacheScope, query_text, scope_for
from orchestrator.cache.semantic_cache import CacheHit, CacheStats, SemanticCache
from orchestrator.cache.sse import completion_from_sse, replay_as_json, replay_as_sse
from orchestrator.cache.verify import mismatch, same_meaning

__all__ = [
    "CacheConfig",
    "CacheHit",
    "CacheScope",
    "CacheStats",
    "MilvusCacheConfig",
    "SemanticCache",
    "completion_from_sse",
    "mismatch",
    "query_text",
    "replay_as_json",
    "replay_as_sse",
    "same_meaning",
    "scope_for",
    "should_store_request",
    "should_store_response",
    "uncacheable_reason",
]
