"""The routing pipeline for one chat request: signals, decision, and what to forward.

The ext_proc handlers call `plan()` and turn the plan into Envoy mutations; everything here
works on parsed data, so it is tested without gRPC.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from orchestrator.chat_request import ChatRequest
from orchestrator.config import Endpoint
from orchestrator.conversations import StickyRoutes, conversation_key, routing_text, tenant_of
from orchestrator.decision_headers import decision_headers
from orchestrator.endpoints import EndpointHealth, pick_endpoint
from orchestrator.extproc.state import StreamState
from orchestrator.keyword_rules import match_keywords
from orchestrator.reasoning import apply_reasoning
from orchestrator.routing import (
    AUTO_MODEL,
    CategoryEvidence,
    DecisionPath,
    RoutingDecision,
    decide_route,
)
from orchestrator.runtime import RouterRuntime
from orchestrator.signals import EncoderClient, SignalError, TextSignals
from orchestrator.system_prompt import apply_system_prompt
from orchestrator.tool_selection import select_tools, wants_selection

REASONING = "x-router-reasoning"
SYSTEM_PROMPT = "x-router-system-prompt"
TOOLS_SELECTED = "x-router-tools-selected"


@dataclass
class RoutePlan:
    decision: RoutingDecision
    endpoint: Endpoint
    body: dict[str, Any] | None  # the body to forward, when it differs from the client's
    headers: dict[str, str] = field(default_factory=dict)


class RequestRouter:
    """Holds what outlives a request: sticky conversations and endpoint health."""

    def __init__(
        self,
        encoder: EncoderClient,
        rng: random.Random,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.encoder = encoder
        self.rng = rng
        self.sticky = StickyRoutes(clock)
        self.health = EndpointHealth(clock)

    async def plan(
        self, state: StreamState, chat: ChatRequest, runtime: RouterRuntime
    ) -> RoutePlan:
        config = runtime.config
        text = routing_text(chat, config.conversations)
        keyword = None
        if chat.model == AUTO_MODEL and text:
            with state.step("keyword"):
                keyword = match_keywords(text, runtime.keyword_rules)
        need_category = chat.model == AUTO_MODEL and keyword is None
        need_tools = runtime.tools is not None and wants_selection(chat.body, config.tools)
        signals = (
            await self.signals(state, text) if text and (need_category or need_tools) else None
        )

        evidence = CategoryEvidence(keyword=keyword)
        if signals is not None and need_category:
            evidence = CategoryEvidence(
                example_scores=runtime.examples.scores(signals.embedding),
                classifier=signals.category,
            )
        with state.step("classify"):
            decision = decide_route(chat.model, evidence, config)
            decision = self.stick(chat, state.headers, decision, runtime)

        model = config.model(decision.model)
        assert model is not None  # decide_route only returns configured models
        category = config.category(decision.category) if decision.category else None
        body = {**chat.body, "model": decision.model}
        headers = decision_headers(decision)
        body, reasoning = apply_reasoning(body, model, category, config.reasoning_families)
        if reasoning:
            headers[REASONING] = reasoning
        messages, prompt_action = apply_system_prompt(chat.messages, category)
        if prompt_action:
            body["messages"] = messages
            headers[SYSTEM_PROMPT] = prompt_action
        if need_tools and signals is not None and runtime.tools is not None:
            with state.step("tools"):
                tools = await select_tools(
                    chat.body, signals.embedding, runtime.tools, config.tools, self.encoder
                )
            if tools is not None:
                body["tools"] = tools
                headers[TOOLS_SELECTED] = ",".join(t["function"]["name"] for t in tools)
        endpoint = pick_endpoint(model, self.rng, self.health)
        return RoutePlan(decision, endpoint, body if body != chat.body else None, headers)

    async def signals(self, state: StreamState, text: str) -> TextSignals | None:
        """One encoder pass; on failure the request degrades (default model, no tools)."""
        try:
            with state.step("signals"):
                (signals,) = await self.encoder.signals([text])
        except SignalError as error:
            state.signal_error = str(error)
            return None
        return signals

    def stick(
        self,
        chat: ChatRequest,
        headers: dict[str, str],
        decision: RoutingDecision,
        runtime: RouterRuntime,
    ) -> RoutingDecision:
        """Keep a conversation on its model unless the new turn is clearly about something else
        (confidence at or above `switch_confidence`) or a keyword rule or the client decided."""
        config = runtime.config.conversations
        if not config.sticky or chat.model != AUTO_MODEL:
            return decision
        key = conversation_key(chat, tenant_of(headers))
        if key is None:
            return decision
        later_turn = sum(1 for m in chat.messages if m["role"] == "user") > 1
        stored = self.sticky.get(key, config) if later_turn else None
        keep = (
            stored is not None
            and stored != decision.model
            and runtime.config.model(stored) is not None
            and decision.path != DecisionPath.KEYWORD
            and (decision.confidence or 0.0) < config.switch_confidence
        )
        if keep:
            assert stored is not None
            decision = RoutingDecision(
                stored, DecisionPath.STICKY, decision.category, decision.confidence
            )
        self.sticky.put(key, decision.model, config)
        return decision

    def record_upstream(self, destination: str, status: int | None, runtime: RouterRuntime) -> None:
        """5xx (including Envoy's 503 for an unreachable backend) counts as a failure."""
        ok = status is not None and status < 500
        self.health.record(destination, ok, runtime.config.endpoint_health)
