"""Which model answers a request: plain functions over parsed data, testable without gRPC."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from orchestrator.config import Category, RouterConfig
from orchestrator.example_routes import CategoryMatch
from orchestrator.keyword_rules import KeywordMatch
from orchestrator.openai_errors import RequestError

AUTO_MODEL = "auto"


class DecisionPath(StrEnum):
    """What decided the model; reported in the `x-router-decision-path` header."""

    EXPLICIT = "explicit"
    KEYWORD = "keyword"
    EXAMPLES = "examples"
    CLASSIFIER = "classifier"
    TOP2 = "top2"
    STICKY = "sticky"
    DEFAULT = "default"


@dataclass(frozen=True)
class RoutingDecision:
    model: str
    path: DecisionPath
    category: str | None = None
    confidence: float | None = None


@dataclass(frozen=True)
class CategoryEvidence:
    """What the signals say about the category, from each method that ran."""

    keyword: KeywordMatch | None = None
    example_scores: dict[str, float] = field(default_factory=dict)
    classifier: dict[str, float] = field(default_factory=dict)

    @property
    def classifier_top(self) -> CategoryMatch | None:
        if not self.classifier:
            return None
        name = max(self.classifier, key=lambda k: self.classifier[k])
        return CategoryMatch(name, self.classifier[name])


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
    requested: str, evidence: CategoryEvidence, config: RouterConfig
) -> RoutingDecision:
    """An explicit, known model passes. For `auto`, the methods in `routing.order` are asked in
    turn and the first confident one decides; if none is, the low-confidence policy does."""
    if requested != AUTO_MODEL:
        if config.model(requested) is None:
            raise unknown_model_error(requested, config)
        return RoutingDecision(model=requested, path=DecisionPath.EXPLICIT)
    methods = {"keyword": by_keyword, "examples": by_examples, "classifier": by_classifier}
    for method in config.routing.order:
        decision = methods[method](evidence, config)
        if decision is not None:
            return decision
    if config.routing.low_confidence == "top2":
        decision = by_top2_vote(evidence, config)
        if decision is not None:
            return decision
    return RoutingDecision(model=config.default_model, path=DecisionPath.DEFAULT)


def by_keyword(evidence: CategoryEvidence, config: RouterConfig) -> RoutingDecision | None:
    match = evidence.keyword
    if match is None:
        return None
    if match.model is not None:
        return RoutingDecision(match.model, DecisionPath.KEYWORD, match.category, 1.0)
    category = config.category(match.category or "")
    assert category is not None  # validated at config load
    return RoutingDecision(best_model(category), DecisionPath.KEYWORD, category.name, 1.0)


def by_examples(evidence: CategoryEvidence, config: RouterConfig) -> RoutingDecision | None:
    """The best-scoring category among those at or above their own threshold."""
    passing = []
    for name, score in evidence.example_scores.items():
        category = config.category(name)
        if category is None:
            continue
        threshold = (
            category.threshold
            if category.threshold is not None
            else config.example_routing.threshold
        )
        if score >= threshold:
            passing.append((score, category))
    if not passing:
        return None
    score, category = max(passing, key=lambda item: item[0])
    return RoutingDecision(best_model(category), DecisionPath.EXAMPLES, category.name, score)


def by_classifier(evidence: CategoryEvidence, config: RouterConfig) -> RoutingDecision | None:
    """A confident class keeps its label even without a route (it then goes to the default)."""
    top = evidence.classifier_top
    if top is None or top.score < config.classifier.threshold:
        return None
    category = config.category(top.category)
    model = best_model(category) if category else config.default_model
    return RoutingDecision(model, DecisionPath.CLASSIFIER, top.category, top.score)


def by_top2_vote(evidence: CategoryEvidence, config: RouterConfig) -> RoutingDecision | None:
    """Low confidence: let the two likeliest categories vote for a model.

    vote(m) = sum over the top two categories c of p(c) * score(c, m) / max score in c.
    A question torn between physics (0.40) and math (0.35) goes to a model that serves both
    when its vote reaches `top2_min_score`, where entropy alone (the vLLM router's signal)
    would only say "uncertain". Categories without a route vote for the default model.
    """
    ranked = sorted(evidence.classifier.items(), key=lambda item: -item[1])[:2]
    if len(ranked) < 2:
        return None
    votes: dict[str, float] = {}
    for name, probability in ranked:
        category = config.category(name)
        if category is None:
            votes[config.default_model] = votes.get(config.default_model, 0.0) + probability
            continue
        top_score = max(s.score for s in category.model_scores) or 1.0
        for entry in category.model_scores:
            votes[entry.model] = votes.get(entry.model, 0.0) + probability * entry.score / top_score
    model = max(votes, key=lambda m: votes[m])
    if votes[model] < config.routing.top2_min_score:
        return None
    return RoutingDecision(model, DecisionPath.TOP2, ranked[0][0], votes[model])
