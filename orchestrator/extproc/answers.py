"""Answers the router gives itself, without a backend: errors, blocks and cache hits."""

from __future__ import annotations

import logging

from envoy.service.ext_proc.v3.external_processor_pb2 import ProcessingResponse

from orchestrator import metrics
from orchestrator.blocked_response import blocked_answer
from orchestrator.cache import CacheHit, replay_as_json, replay_as_sse
from orchestrator.chat_request import ChatRequest
from orchestrator.config import GuardConfig
from orchestrator.decision_headers import (
    BLOCKED,
    GUARD_LABEL,
    GUARD_SCORE,
    GUARD_SOURCE,
    REQUEST_ID,
    SELECTED_MODEL,
)
from orchestrator.extproc import mutations
from orchestrator.extproc.state import StreamState
from orchestrator.openai_errors import RequestError
from orchestrator.request_router import CACHE, CACHE_SIMILARITY, PII_TYPES, Blocked

log = logging.getLogger(__name__)


def body_too_large(max_bytes: int) -> RequestError:
    return RequestError(
        413, f"Request body is larger than the limit of {max_bytes} bytes.", "request_too_large"
    )


def blocked_response(
    state: StreamState, blocked: Blocked, config: GuardConfig
) -> ProcessingResponse:
    """Never forwarded: the client gets the configured refusal and headers saying why."""
    kind = "pii" if blocked.reason == "pii" else "jailbreak"
    state.error = f"blocked_{blocked.reason}"
    metrics.GUARD_BLOCKS.labels(blocked.reason).inc()
    model = state.requested_model or "unknown"
    answer = blocked_answer(kind, model, state.stream, config)
    headers = {BLOCKED: kind, REQUEST_ID: state.request_id}
    if blocked.verdict is not None:
        headers[GUARD_SCORE] = f"{blocked.verdict.score:.4f}"
        headers[GUARD_LABEL] = blocked.verdict.label or ""
        headers[GUARD_SOURCE] = blocked.verdict.source
    if blocked.pii_types:
        headers[PII_TYPES] = ",".join(blocked.pii_types)
    log.info(
        "blocked request_id=%s reason=%s label=%s pii=%s",
        state.request_id,
        blocked.reason,
        blocked.verdict.label if blocked.verdict else None,
        blocked.pii_types,
    )
    return mutations.immediate_response(answer.status, answer.body, headers, answer.content_type)


def cached_response(state: StreamState, chat: ChatRequest, hit: CacheHit) -> ProcessingResponse:
    """The stored answer, replayed in the form this client asked for."""
    include_usage = bool((chat.body.get("stream_options") or {}).get("include_usage"))
    if chat.stream:
        body, content_type = replay_as_sse(hit.completion, include_usage), "text/event-stream"
    else:
        body, content_type = replay_as_json(hit.completion), "application/json"
    headers = {
        CACHE: "hit",
        CACHE_SIMILARITY: f"{hit.similarity:.4f}",
        SELECTED_MODEL: str(hit.completion.get("model", "")),
        REQUEST_ID: state.request_id,
    }
    return mutations.immediate_response(200, body, headers, content_type)


def error_response(state: StreamState, error: RequestError) -> ProcessingResponse:
    state.error = error.code
    metrics.REQUEST_ERRORS.labels(state.requested_model or "unknown", error.code).inc()
    headers = {"x-router-error": error.code, REQUEST_ID: state.request_id}
    return mutations.immediate_response(error.status, error.body(), headers)
