"""Which model may see the PII a request carries, and what to do when the chosen one may not."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from orchestrator.config import RouterConfig
from orchestrator.routing import RoutingDecision


@dataclass(frozen=True)
class PiiOutcome:
    action: Literal["allow", "reroute", "redact", "block"]
    model: str
    denied: tuple[str, ...] = ()  # the found types the originally chosen model may not see


def allowed_everything(config: RouterConfig, model: str, types: set[str]) -> bool:
    found = config.model(model)
    return found is not None and all(found.pii_policy.allows(t) for t in types)


def pii_outcome(
    decision: RoutingDecision, types: set[str], config: RouterConfig, explicit: bool
) -> PiiOutcome:
    """Rerouting tries the category's models best-first, then the default model; a request
    for an explicit model is blocked rather than silently moved, unless the config allows."""
    model = config.model(decision.model)
    assert model is not None
    denied = tuple(sorted(t for t in types if not model.pii_policy.allows(t)))
    if not denied:
        return PiiOutcome("allow", decision.model)
    policy = model.pii_policy
    if policy.on_violation == "redact":
        return PiiOutcome("redact", decision.model, denied)
    if policy.on_violation == "block" or (explicit and not config.pii.allow_explicit_reroute):
        return PiiOutcome("block", decision.model, denied)
    category = config.category(decision.category) if decision.category else None
    ranked = (
        [s.model for s in sorted(category.model_scores, key=lambda s: -s.score)] if category else []
    )
    for candidate in [*ranked, config.default_model]:
        if candidate != decision.model and allowed_everything(config, candidate, types):
            return PiiOutcome("reroute", candidate, denied)
    return PiiOutcome("block", decision.model, denied)
