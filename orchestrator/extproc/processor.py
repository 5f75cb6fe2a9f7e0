"""One handler per ext_proc phase. Routing itself lives in plain functions elsewhere."""

from __future__ import annotations

import logging
import random
import time

from envoy.service.ext_proc.v3.external_processor_pb2 import (
    HttpBody,
    HttpHeaders,
    ProcessingResponse,
)

from orchestrator import metrics
from orchestrator.body_rewrite import with_body
from orchestrator.cache import (
    SemanticCache,
)
from orchestrator.cache_writer import CacheWriter
from orchestrator.chat_request import parse_chat_request
from orchestrator.decision_headers import (
    DESTINATION,
    REQUEST_ID,
    is_router_owned,
)
from orchestrator.decision_log import DecisionLog
from orchestrator.endpoints import pick_endpoint
from orchestrator.extproc import mutations
from orchestrator.extproc.answers import (
    blocked_response,
    body_too_large,
    cached_response,
    error_response,
)
from orchestrator.extproc.mutations import BUFFERED, STREAMED
from orchestrator.extproc.state import StreamState, header_map
from orchestrator.models_list import models_list_body
from orchestrator.openai_errors import RequestError
from orchestrator.pii_redaction import SseRestorer, restore_completion
from orchestrator.request_metrics import record_decision, record_response
from orchestrator.request_router import (
    Blocked,
    Cached,
    RequestRouter,
)
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
        self.rng = rng
        self.router = RequestRouter(encoder, rng, cache)
        self.cache_writer = CacheWriter(cache) if cache is not None else None
        self.decision_log = decision_log

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
        if state.cache_entry is not None and self.cache_writer is not None:
            self.cache_writer.capture(state, message)
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
