"""The headers that carry a routing decision to Envoy (request) and to the client (response)."""

from __future__ import annotations

from orchestrator.routing import RoutingDecision

DESTINATION = "x-router-destination"
SELECTED_MODEL = "x-selected-model"
CATEGORY = "x-router-category"
CONFIDENCE = "x-router-confidence"
DECISION_PATH = "x-router-decision-path"
# Why a request was blocked: `jailbreak` or `pii`, with the guard's score, label and source.
BLOCKED = "x-router-blocked"
GUARD_SCORE = "x-router-guard-score"
GUARD_LABEL = "x-router-guard-label"
GUARD_SOURCE = "x-router-guard-source"
# Returned to the client so it can find the request's line in the decision log.
REQUEST_ID = "x-router-request-id"

ROUTER_PREFIX = "x-router-"
ROUTER_OWNED = frozenset({DESTINATION, SELECTED_MODEL})


def is_router_owned(name: str) -> bool:
    """Headers only the router may set; a client's copy is removed so it can't steer Envoy."""
    name = name.lower()
    return name in ROUTER_OWNED or name.startswith(ROUTER_PREFIX)


def decision_headers(decision: RoutingDecision) -> dict[str, str]:
    headers = {SELECTED_MODEL: decision.model, DECISION_PATH: decision.path.value}
    if decision.category is not None:
        headers[CATEGORY] = decision.category
    if decision.confidence is not None:
        headers[CONFIDENCE] = f"{decision.confidence:.4f}"
    return headers
