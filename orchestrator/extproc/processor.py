"""One handler per ext_proc phase. Routing itself lives in plain functions elsewhere."""

from __future__ import annotations

import asyncio
import json
import logging
import random
import time
from typing import Any

from envoy.service.ext_proc.v3.external_processor_pb2 import (
    HttpBody,
    HttpHeaders,
    ProcessingResponse,
)

from orchestrator import metrics
from orchestrator.blocked_response import blocked_answer
from orchestrator.body_rewrite import with_body
from orchestrator.cache import (
    CacheHit,
    SemanticCache,
    completion_from_sse,
    replay_as_json,
    replay_as_sse,
    should_store_response,
)
from orchestrator.chat_request import ChatRequest, parse_chat_request
from orchestrator.config import GuardConfig, ModelConfig
from orchestrator.decision_headers import (
    BLOCKED,
    DESTINATION,
    GUARD_LABEL,
    GUARD_SCORE,
    GUARD_SOURCE,
    REQUEST_ID,
    SELECTED_MODEL,
    is_router_owned,
)
from orchestrator.decision_log import DecisionLog
from orchestrator.endpoints import pick_endpoint
from orchestrator.extproc import mutations
from orchestrator.extproc.mutations import BUFFERED, STREAMED
from orchestrator.extproc.state import StreamState, header_map
from orchestrator.models_list import models_list_body
from orchestrator.openai_errors import RequestError
from orchestrator.pii_redaction import SseRestorer, restore_completion
from orchestrator.request_router import (
    CACHE,
    CACHE_SIMILARITY,
    PII_TYPES,
    Blocked,
    Cached,
    RequestRouter,
)
from orchestrator.routing import RoutingDecision
from orchestrator.runtime import RouterRuntime
from orchestrator.signals import EncoderClient
from orchestrator.usage import usage_from_json_body, usage_from_sse

log = logging.getLogger(__name__)

CHAT_COMPLETIONS = "/v1/chat/completions"
MODELS = "/v1/models"


class RuntimeHolder:
    """The current runtime; replaced whole on reload, read once per request."""

    def __init__(self, runtime: RouterRuntime) -> None:
        self.current = runtime


class Processor:
    def __init__(
        self,
        runtimes: RuntimeHolder,
        encoder: EncoderClient,
        rng: random.Random,
        decision_log: DecisionLog | None = None,
        cache: SemanticCache | None = None,
    ) -> None:
        self.runtimes = runtimes
        self.encoder = encoder
        self.rng = rng
        self.cache = cache
        self.router = RequestRouter(encoder, rng, cache)
        self.decision_log = decision_log
        self.background: set[asyncio.Task[None]] = set()

    async def request_headers(self, state: StreamState, message: HttpHeaders) -> ProcessingResponse:
        state.remember(header_map(message))
        config = self.runtimes.current.config
        spoofed = [name for name in state.headers if is_router_owned(name)]

        if state.method == "GET" and state.path == MODELS:
            return mutations.immediate_response(200, models_list_body(config))
        if state.method == "POST" and state.path == CHAT_COMPLETIONS:
            state.routed = True
            error = self._early_body_error(state, message, config.server.max_body_bytes)
            if error is not None:
                return error_response(state, error)
            return mutations.request_headers_response(mutations.header_mutation(remove=spoofed))

        # Anything else goes untouched to the default model's backend.
        endpoint = pick_endpoint(config.model(config.default_model), self.rng)  # type: ignore[arg-type]
        mutation = mutations.header_mutation({DESTINATION: endpoint.destination}, remove=spoofed)
        return mutations.request_headers_response(mutation, clear_route_cache=True, skip_body=True)

    @staticmethod
    def _early_body_error(
        state: StreamState, message: HttpHeaders, max_bytes: int
    ) -> RequestError | None:
        if message.end_of_stream:
            return RequestError(400, "Request body is required.", "body_required")
        length = state.headers.get("content-length", "")
        if length.isdigit() and int(length) > max_bytes:
            return body_too_large(max_bytes)
        return None

    async def request_body(self, state: StreamState, message: HttpBody) -> ProcessingResponse:
        runtime = self.runtimes.current
        if len(message.body) > runtime.config.server.max_body_bytes:
            return error_response(state, body_too_large(runtime.config.server.max_body_bytes))
        try:
            with state.step("parse"):
                chat = parse_chat_request(message.body)
            state.requested_model, state.stream = chat.model, chat.stream
            state.prompt = chat.last_user_text()
            plan = await self.router.plan(state, chat, runtime)
        except RequestError as error:
            return error_response(state, error)
        except Blocked as blocked:
            return blocked_response(state, blocked, runtime.config.guard)
        except Cached as cached:
            return cached_response(state, chat, cached.hit)
        if state.signal_error:
            log.warning("signals unavailable (%s): routed without them", state.signal_error)

        state.decision, state.endpoint = plan.decision, plan.endpoint.name
        state.destination = plan.endpoint.destination
        record_decision(chat.model, plan.decision)
        headers = {DESTINATION: plan.endpoint.destination, **plan.headers}
        body = with_body(plan.body) if plan.body is not None else None
        if body is not None:
            headers["content-length"] = str(len(body))
        state.response_headers = plan.headers
        state.forwarded_at = time.perf_counter()
        return mutations.request_body_response(mutations.header_mutation(headers), body)

    async def response_headers(
        self, state: StreamState, message: HttpHeaders
    ) -> ProcessingResponse:
        if state.decision is None:
            return mutations.response_headers_response()
        headers = header_map(message)
        status = headers.get(":status", "")
        state.upstream_status = int(status) if status.isdigit() else None
        if state.destination is not None:
            self.router.record_upstream(
                state.destination, state.upstream_status, self.runtimes.current
            )
        if state.upstream_status is not None and state.upstream_status >= 500:
            metrics.REQUEST_ERRORS.labels(state.decision.model, "upstream_5xx").inc()
        streaming = "text/event-stream" in headers.get("content-type", "")
        success = state.upstream_status is not None and 200 <= state.upstream_status < 300
        returned = {**state.response_headers, REQUEST_ID: state.request_id}
        return mutations.response_headers_response(
            mutations.header_mutation(returned),
            body_mode=(STREAMED if streaming else BUFFERED) if success else None,
        )

    async def response_body(self, state: StreamState, message: HttpBody) -> ProcessingResponse:
        """Streams pass chunk by chunk (time to first token, usage if the client asked for it);
        JSON bodies arrive whole. Redacted PII is put back before the client sees it."""
        now = time.perf_counter()
        if state.first_chunk_at is None:
            state.first_chunk_at = now
        usage = usage_from_sse(message.body) if state.stream else usage_from_json_body(message.body)
        state.usage = usage or state.usage
        if message.end_of_stream:
            state.completed_at = now
        if state.cache_entry is not None:
            self.capture_for_cache(state, message)
        if state.redaction is None:
            return mutations.response_body_response()
        if state.stream:
            if state.restorer is None:
                state.restorer = SseRestorer(state.redaction)
            restored = state.restorer.feed(message.body, end=message.end_of_stream)
            return mutations.response_body_response(restored)
        body = restore_completion(message.body, state.redaction)
        if body is None:
            return mutations.response_body_response()
        return mutations.response_body_response(body, {"content-length": str(len(body))})

    def capture_for_cache(self, state: StreamState, message: HttpBody) -> None:
        """Keep the answer as it passes (up to the entry size limit); store it when complete.

        The store runs in the background: the client never waits for the cache.
        """
        assert self.cache is not None
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
        assert self.cache is not None
        before = self.cache.stats()
        await self.cache.store(scope, text, embedding, completion)
        after = self.cache.stats()
        metrics.CACHE_ENTRIES.set(after.entries)
        metrics.CACHE_EVICTIONS.inc(max(0, after.evictions - before.evictions))

    def finish(self, state: StreamState) -> None:
        """When the stream ends: the request's metrics and its decision-log line."""
        state.timings_ms["total"] = round(state.router_seconds * 1000, 3)
        if state.routed:
            metrics.ROUTING_LATENCY.observe(state.router_seconds)
            metrics.STEP_LATENCY.labels("total").observe(state.router_seconds)
        decision = state.decision
        if decision is not None and state.forwarded_at is not None:
            config = self.runtimes.current.config
            record_response(state, decision.model, config.model(decision.model))
        if state.cache == "hit":
            metrics.CACHE_HITS.inc()
        elif state.cache == "miss":
            metrics.CACHE_MISSES.inc()
        if self.decision_log is not None and state.routed:
            self.decision_log.write(state)


def record_decision(requested: str, decision: RoutingDecision) -> None:
    metrics.REQUESTS.labels(decision.model).inc()
    metrics.ROUTING_DECISIONS.labels(
        decision.category or "", requested, decision.model, decision.path.value
    ).inc()
    if decision.model != requested:
        metrics.ROUTING_MODIFICATIONS.labels(requested, decision.model).inc()
    if decision.category:
        metrics.CATEGORY_CLASSIFICATIONS.labels(decision.category).inc()


def record_response(state: StreamState, model: str, config: ModelConfig | None) -> None:
    assert state.forwarded_at is not None
    if state.completed_at is not None:
        metrics.COMPLETION_LATENCY.labels(model).observe(state.completed_at - state.forwarded_at)
    if state.stream and state.first_chunk_at is not None:
        metrics.TTFT.labels(model).observe(state.first_chunk_at - state.forwarded_at)
    usage = state.usage
    if usage is None:
        return
    metrics.PROMPT_TOKENS.labels(model).inc(usage.prompt_tokens)
    metrics.COMPLETION_TOKENS.labels(model).inc(usage.completion_tokens)
    pricing = config.pricing if config else None
    if pricing is not None:
        cost = (
            usage.prompt_tokens * pricing.prompt_per_1m
            + usage.completion_tokens * pricing.completion_per_1m
        ) / 1_000_000
        metrics.COST.labels(model, pricing.currency).inc(cost)


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
    headers = {BLOCKED: kind}
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


def parse_json(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None


def error_response(state: StreamState, error: RequestError) -> ProcessingResponse:
    state.error = error.code
    metrics.REQUEST_ERRORS.labels(state.requested_model or "unknown", error.code).inc()
    return mutations.immediate_response(error.status, error.body(), {"x-router-error": error.code})
