"""Which model answers a request: plain functions over parsed data, testable without gRPC."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from orchestrator.config import Category, RouterConfig
from orchestrator.example_routes import CategoryMatch
from orchestrator.openai_errors import RequestError

AUTO_MODEL = "auto"


class DecisionPath(StrEnum):
    """What decided the model; reported in the `x-router-decision-path` header."""

    EXPLICIT = "explicit"
    EXAMPLES = "examples"
    DEFAULT = "default"


@dataclass(frozen=True)
class RoutingDecision:
    model: str
    path: DecisionPath
    category: str | None = None
    confidence: float | None = None


def best_model(category: Category) -> str:
    """Highest score wins; on a tie the model listed first."""
    ranked = sorted(enumerate(category.model_scores), key=lambda item: (-item[1].score, item[0]))
    return ranked[0][1].model


def unknown_model_error(requested: str, config: RouterConfig) -> RequestError:
    available = ", ".join([AUTO_MODEL, *(m.name for m in config.models)])
    return RequestError(
        404,
        f"The model '{requested}' does not exist. Available models: {available}.",
        "model_not_found",
        param="model",
    )


def decide_route(
    requested: str, match: CategoryMatch | None, config: RouterConfig
) -> RoutingDecision:
    """Explicit known model passes; `auto` follows the best category above the threshold."""
    if requested != AUTO_MODEL:
        if config.model(requested) is None:
            raise unknown_model_error(requested, config)
        return RoutingDecision(model=requested, path=DecisionPath.EXPLICIT)
    categories = {c.name: c for c in config.categories}
    if (
        match is not None
        and match.category in categories
        and match.score >= config.example_routing.threshold
    ):
        return RoutingDecision(
            model=best_model(categories[match.category]),
            path=DecisionPath.EXAMPLES,
            category=match.category,
            confidence=match.score,
        )
    return RoutingDecision(model=config.default_model, path=DecisionPath.DEFAULT)
