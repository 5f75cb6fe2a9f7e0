"""Per-request Prometheus observations: the decision when it is made, the answer when done."""

from __future__ import annotations

from orchestrator import metrics
from orchestrator.config import ModelConfig
from orchestrator.extproc.state import StreamState
from orchestrator.routing import RoutingDecision


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
