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
    CLASSIFIER = "classifier"
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


@dataclass(frozen=True)
class CategoryEvidence:
    """What the signals say about the category, from each method that ran."""

    examples: CategoryMatch | None = None
    classifier: CategoryMatch | None = None


def decide_route(
    requested: str, evidence: CategoryEvidence, config: RouterConfig
) -> RoutingDecision:
    """Explicit known model passes; for `auto`: example routes, then the classifier, then default.

    Example routes come first because they are the operator's own, specific statement; the
    classifier is the general fallback. A classified category without a route in the config
    keeps its label (for headers and metrics) and goes to the default model.
    """
    if requested != AUTO_MODEL:
        if config.model(requested) is None:
            raise unknown_model_error(requested, config)
        return RoutingDecision(model=requested, path=DecisionPath.EXPLICIT)
    categories = {c.name: c for c in config.categories}
    examples = evidence.examples
    if (
        examples is not None
        and examples.category in categories
        and examples.score >= config.example_routing.threshold
    ):
        return RoutingDecision(
            model=best_model(categories[examples.category]),
            path=DecisionPath.EXAMPLES,
            category=examples.category,
            confidence=examples.score,
        )
    classified = evidence.classifier
    if classified is not None and classified.score >= config.classifier.threshold:
        category = categories.get(classified.category)
        return RoutingDecision(
            model=best_model(category) if category else config.default_model,
            path=DecisionPath.CLASSIFIER,
            category=classified.category,
            confidence=classified.score,
        )
    return RoutingDecision(model=config.default_model, path=DecisionPath.DEFAULT)
