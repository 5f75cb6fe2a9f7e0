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

from orchestrator.cache import (
    CacheHit,
    CacheScope,
    SemanticCache,
    query_text,
    scope_for,
    should_store_request,
)
from orchestrator.chat_request import ChatRequest, message_text
from orchestrator.config import Endpoint, RouterConfig
from orchestrator.conversations import StickyRoutes, conversation_key, routing_text
from orchestrator.decision_headers import decision_headers
from orchestrator.endpoints import EndpointHealth, pick_endpoint
from orchestrator.extproc.state import StreamState
from orchestrator.guard import GuardVerdict, request_verdict
from orchestrator.inspection import Inspection, evaluate, plan_inspection
from orchestrator.keyword_rules import match_keywords
from orchestrator.pii_policy import pii_outcome
from orchestrator.pii_redaction import Redaction, redact_messages
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
from orchestrator.tenant import ANONYMOUS, tenant_key
from orchestrator.tool_selection import select_tools, wants_selection

REASONING = "x-router-reasoning"
CACHE = "x-router-cache"
CACHE_SIMILARITY = "x-router-cache-similarity"
PII_TYPES = "x-router-pii-types"
PII_ACTION = "x-router-pii-action"
SYSTEM_PROMPT = "x-router-system-prompt"
TOOLS_SELECTED = "x-router-tools-selected"


class Blocked(Exception):
    """The request must not reach a backend: `reason` is "jailbreak", "pii" or
    "guard_unavailable"."""

    def __init__(
        self, reason: str, verdict: GuardVerdict | None, pii_types: tuple[str, ...] = ()
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.verdict = verdict
        self.pii_types = pii_types


class Cached(Exception):
    """The answer comes from the semantic cache; nothing is forwarded."""

    def __init__(self, hit: CacheHit) -> None:
        super().__init__("cache hit")
        self.hit = hit


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
        cache: SemanticCache | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.encoder = encoder
        self.rng = rng
        self.cache = cache
        self.sticky = StickyRoutes(clock)
        self.health = EndpointHealth(clock)

    async def plan(
        self, state: StreamState, chat: ChatRequest, runtime: RouterRuntime
    ) -> RoutePlan:
        """Raises Blocked when the guard or the PII policy stops the request, Cached when the
        cache answers it."""
        config = runtime.config
        cacheable = self.cache_scope(state, chat, runtime)
        if cacheable is not None:
            await self.cache_exact(state, cacheable)
        text = routing_text(chat, config.conversations)
        keyword = None
        if chat.model == AUTO_MODEL and text:
            with state.step("keyword"):
                keyword = match_keywords(text, runtime.keyword_rules)
        need_category = chat.model == AUTO_MODEL and keyword is None
        need_tools = runtime.tools is not None and wants_selection(chat.body, config.tools)
        guard = config.guard.enabled and not (keyword is not None and keyword.skip_guard)
        inspection = await self.inspect(
            state,
            chat,
            text if (need_category or need_tools) else None,
            runtime,
            guard,
            cacheable[1] if cacheable else None,
        )
        signals = inspection.routing
        store_under = None
        if cacheable is not None and inspection.cache_query is not None:
            store_under = await self.cache_lookup(state, cacheable, inspection.cache_query, config)

        evidence = CategoryEvidence(keyword=keyword)
        if signals is not None and need_category:
            evidence = CategoryEvidence(
                example_scores=runtime.examples.scores(signals.embedding),
                classifier=signals.category,
            )
        with state.step("classify"):
            decision = decide_route(chat.model, evidence, config)
            decision = self.stick(chat, state.headers, decision, runtime)

        messages = chat.messages
        headers: dict[str, str] = {}
        with state.step("pii"):
            decision, messages, pii_headers = self.apply_pii_policy(
                state, chat, decision, inspection, runtime
            )
            headers.update(pii_headers)
        # Only now is the request sure to reach a backend: nothing the guard or the PII policy
        # blocked is ever stored. A redacted request is not either: its answer was written for
        # placeholders, not for the client's text.
        if pii_headers.get(PII_ACTION) != "redact":
            state.cache_entry = store_under

        model = config.model(decision.model)
        assert model is not None  # decide_route and the PII policy only return configured models
        category = config.category(decision.category) if decision.category else None
        body = {**chat.body, "model": decision.model, "messages": messages}
        headers = {**decision_headers(decision), **headers}
        if state.cache is not None:
            headers[CACHE] = state.cache
        body, reasoning = apply_reasoning(body, model, category, config.reasoning_families)
        if reasoning:
            headers[REASONING] = reasoning
        prompted, prompt_action = apply_system_prompt(body["messages"], category)
        if prompt_action:
            body["messages"] = prompted
            headers[SYSTEM_PROMPT] = prompt_action
        if need_tools and signals is not None and runtime.tools is not None:
            with state.step("tools"):
                tools = await select_tools(
                    chat.body, signals.embedding, text, runtime.tools, config.tools, self.encoder
                )
            if tools is not None:
                body["tools"] = tools
                headers[TOOLS_SELECTED] = ",".join(t["function"]["name"] for t in tools)
        endpoint = pick_endpoint(model, self.rng, self.health)
        return RoutePlan(decision, endpoint, body if body != chat.body else None, headers)

    async def inspect(
        self,
        state: StreamState,
        chat: ChatRequest,
        text: str | None,
        runtime: RouterRuntime,
        guard: bool,
        cache_text: str | None = None,
    ) -> Inspection:
        """One Triton call for routing, guard, PII and the cache; the guard blocks here."""
        config = runtime.config
        plan = plan_inspection(chat, text, config, guard, cache_text)
        signals: list[TextSignals] | None = None
        if plan.texts:
            try:
                with state.step("signals"):
                    signals = await self.encoder.signals(plan.texts)
            except SignalError as error:
                state.signal_error = str(error)
        if signals is None:
            # The rules need no model: they still hold while Triton is unavailable.
            verdict = request_verdict([], plan.rule_hits, config.guard) if guard else None
            if verdict is not None and verdict.attack:
                raise Blocked("jailbreak", verdict)
            if guard and config.guard.fail_closed:
                raise Blocked("guard_unavailable", GuardVerdict(True, None, 0.0, "unavailable"))
            return Inspection(None, None, {})
        with state.step("guard"):
            inspection = evaluate(plan, signals, config, guard)
        verdict = inspection.guard
        if verdict is not None:
            state.guard = {
                "attack": verdict.attack,
                "label": verdict.label,
                "score": round(verdict.score, 4),
                "source": verdict.source,
                "windows": len(plan.windows),
            }
            if verdict.attack:
                raise Blocked("jailbreak", verdict)
        return inspection

    def cache_scope(
        self, state: StreamState, chat: ChatRequest, runtime: RouterRuntime
    ) -> tuple[CacheScope, str] | None:
        """The scope and query text when this request may use the cache."""
        config = runtime.config
        if self.cache is None or not config.cache.enabled:
            return None
        scope = scope_for(chat.body, state.headers, config.cache, runtime.guard_policy)
        text = query_text(chat.body)
        if scope is None or not text or not should_store_request(chat.body, config.cache):
            state.cache = "bypass"
            return None
        return scope, text

    async def cache_exact(self, state: StreamState, cacheable: tuple[CacheScope, str]) -> None:
        """Raises Cached when this very request was answered before: before any Triton call,
        so a repeated request costs no encoder pass. Only answers to requests that passed
        the guard under the same policy are stored (see `CacheScope.exact_key`)."""
        assert self.cache is not None
        scope, text = cacheable
        with state.step("cache_exact"):
            hit = await self.cache.lookup_exact(scope, text)
        if hit is not None:
            state.cache = "hit"
            raise Cached(hit)

    async def cache_lookup(
        self,
        state: StreamState,
        cacheable: tuple[CacheScope, str],
        signals: TextSignals,
        config: RouterConfig,
    ) -> tuple[CacheScope, str, Any]:
        """Raises Cached on a hit; otherwise returns what to store the answer under."""
        assert self.cache is not None
        scope, text = cacheable
        top = signals.top_category()
        category = top[0] if top and top[1] >= config.classifier.threshold else None
        with state.step("cache"):
            hit = await self.cache.lookup(scope, text, signals.embedding, category)
        if hit is not None:
            state.cache = "hit"
            raise Cached(hit)
        state.cache = "miss"
        return scope, text, signals.embedding

    def apply_pii_policy(
        self,
        state: StreamState,
        chat: ChatRequest,
        decision: RoutingDecision,
        inspection: Inspection,
        runtime: RouterRuntime,
    ) -> tuple[RoutingDecision, list[dict[str, Any]], dict[str, str]]:
        types = {e.type for entities in inspection.pii.values() for e in entities}
        if not types:
            return decision, chat.messages, {}
        outcome = pii_outcome(decision, types, runtime.config, chat.model != AUTO_MODEL)
        state.pii = {
            "types": sorted(types),
            "action": outcome.action,
            "denied": list(outcome.denied),
        }
        headers = {PII_TYPES: ",".join(sorted(types)), PII_ACTION: outcome.action}
        if outcome.action == "block":
            raise Blocked("pii", None, outcome.denied)
        if outcome.action == "reroute":
            decision = RoutingDecision(
                outcome.model, decision.path, decision.category, decision.confidence
            )
            return decision, chat.messages, headers
        if outcome.action == "redact":
            values = [
                (e.type, chat_text[e.start : e.end])
                for index, entities in inspection.pii.items()
                for chat_text in [message_text(chat.messages[index])]
                for e in entities
                if e.type in outcome.denied
            ]
            redaction = Redaction()
            messages = redact_messages(chat.messages, values, redaction)
            model = runtime.config.model(decision.model)
            if model is not None and model.pii_policy.restore:
                state.redaction = redaction
            return decision, messages, headers
        return decision, chat.messages, headers

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
        tenant = tenant_key(headers, runtime.config.cache.tenant_header) or ANONYMOUS
        key = conversation_key(chat, tenant)
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
