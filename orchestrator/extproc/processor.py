"""One handler per ext_proc phase. Routing itself lives in plain functions elsewhere."""

from __future__ import annotations

import logging
import random

from envoy.service.ext_proc.v3.external_processor_pb2 import (
    HttpBody,
    HttpHeaders,
    ProcessingResponse,
)

from orchestrator.body_rewrite import with_model
from orchestrator.chat_request import ChatRequest, parse_chat_request
from orchestrator.decision_headers import DESTINATION, decision_headers, is_router_owned
from orchestrator.endpoints import pick_endpoint
from orchestrator.example_routes import CategoryMatch
from orchestrator.extproc import mutations
from orchestrator.extproc.state import StreamState, header_map
from orchestrator.models_list import models_list_body
from orchestrator.openai_errors import RequestError
from orchestrator.routing import AUTO_MODEL, decide_route
from orchestrator.runtime import RouterRuntime
from orchestrator.signals import EncoderClient, SignalError

log = logging.getLogger(__name__)

CHAT_COMPLETIONS = "/v1/chat/completions"
MODELS = "/v1/models"


class RuntimeHolder:
    """The current runtime; replaced whole on reload, read once per request."""

    def __init__(self, runtime: RouterRuntime) -> None:
        self.current = runtime


class Processor:
    def __init__(self, runtimes: RuntimeHolder, encoder: EncoderClient, rng: random.Random) -> None:
        self.runtimes = runtimes
        self.encoder = encoder
        self.rng = rng

    async def request_headers(self, state: StreamState, message: HttpHeaders) -> ProcessingResponse:
        state.remember(header_map(message))
        config = self.runtimes.current.config
        spoofed = [name for name in state.headers if is_router_owned(name)]

        if state.method == "GET" and state.path == MODELS:
            return mutations.immediate_response(200, models_list_body(config))
        if state.method == "POST" and state.path == CHAT_COMPLETIONS:
            error = self._early_body_error(state, message, config.server.max_body_bytes)
            if error is not None:
                return error_response(error)
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
            return error_response(body_too_large(runtime.config.server.max_body_bytes))
        try:
            chat = parse_chat_request(message.body)
            match = await self._match(chat, runtime) if chat.model == AUTO_MODEL else None
            decision = decide_route(chat.model, match, runtime.config)
        except RequestError as error:
            return error_response(error)

        model = runtime.config.model(decision.model)
        assert model is not None  # decide_route only returns configured models
        endpoint = pick_endpoint(model, self.rng)
        state.decision = decision
        body = with_model(chat.body, decision.model) if decision.model != chat.model else None
        headers = {DESTINATION: endpoint.destination, **decision_headers(decision)}
        if body is not None:
            headers["content-length"] = str(len(body))
        log.info(
            "route request_id=%s model=%s path=%s category=%s confidence=%s endpoint=%s",
            state.request_id,
            decision.model,
            decision.path.value,
            decision.category,
            decision.confidence,
            endpoint.name,
        )
        return mutations.request_body_response(mutations.header_mutation(headers), body)

    async def _match(self, chat: ChatRequest, runtime: RouterRuntime) -> CategoryMatch | None:
        text = chat.last_user_text()
        if not text or not len(runtime.examples):
            return None
        try:
            embedding = await self.encoder.embed([text])
        except SignalError as error:
            log.warning("signals unavailable, using the default model: %s", error)
            return None
        return runtime.examples.match(embedding[0])

    async def response_headers(
        self, state: StreamState, message: HttpHeaders
    ) -> ProcessingResponse:
        if state.decision is None:
            return mutations.response_headers_response()
        return mutations.response_headers_response(
            mutations.header_mutation(decision_headers(state.decision))
        )

    async def response_body(self, state: StreamState, message: HttpBody) -> ProcessingResponse:
        return mutations.response_body_response()


def body_too_large(max_bytes: int) -> RequestError:
    return RequestError(
        413, f"Request body is larger than the limit of {max_bytes} bytes.", "request_too_large"
    )


def error_response(error: RequestError) -> ProcessingResponse:
    return mutations.immediate_response(error.status, error.body(), {"x-router-error": error.code})
