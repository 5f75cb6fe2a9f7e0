import pytest

from orchestrator.config import Category, RouterConfig
from orchestrator.openai_errors import RequestError
from orchestrator.routing import CategoryEvidence, DecisionPath, best_model, decide_route


def test_best_model_highest_score_then_first_listed() -> None:
    category = Category.model_validate(
        {
            "name": "c",
            "model_scores": [
                {"model": "a", "score": 0.5},
                {"model": "b", "score": 0.9},
                {"model": "c", "score": 0.9},
            ],
        }
    )
    assert best_model(category) == "b"


def test_auto_above_threshold_follows_category(router_config: RouterConfig) -> None:
    decision = decide_route("auto", CategoryEvidence(example_scores={"poetry": 0.9}), router_config)
    assert (decision.model, decision.path, decision.category) == (
        "poet",
        DecisionPath.EXAMPLES,
        "poetry",
    )
    assert decision.confidence == pytest.approx(0.9)


def test_auto_below_threshold_or_without_signal_uses_default(router_config: RouterConfig) -> None:
    low = decide_route("auto", CategoryEvidence(example_scores={"poetry": 0.69}), router_config)
    assert (low.model, low.path, low.category) == ("general", DecisionPath.DEFAULT, None)
    none = decide_route("auto", CategoryEvidence(), router_config)
    assert (none.model, none.path) == ("general", DecisionPath.DEFAULT)


def test_explicit_known_model_passes(router_config: RouterConfig) -> None:
    decision = decide_route(
        "coder", CategoryEvidence(example_scores={"poetry": 0.99}), router_config
    )
    assert (decision.model, decision.path) == ("coder", DecisionPath.EXPLICIT)


def test_unknown_model_is_404_listing_available_models(router_config: RouterConfig) -> None:
    with pytest.raises(RequestError) as caught:
        decide_route("gpt-17", CategoryEvidence(), router_config)
    assert caught.value.status == 404
    assert caught.value.code == "model_not_found"
    assert "auto, math-model, poet, coder, general" in caught.value.message


def test_classifier_routes_when_examples_are_below_threshold(router_config: RouterConfig) -> None:
    evidence = CategoryEvidence(
        example_scores={"poetry": 0.3}, classifier={"code": 0.8, "other": 0.2}
    )
    decision = decide_route("auto", evidence, router_config)
    assert (decision.model, decision.path, decision.category) == (
        "coder",
        DecisionPath.CLASSIFIER,
        "code",
    )


def test_examples_take_precedence_over_classifier(router_config: RouterConfig) -> None:
    evidence = CategoryEvidence(example_scores={"poetry": 0.9}, classifier={"code": 0.99})
    assert decide_route("auto", evidence, router_config).model == "poet"


def test_classified_category_without_route_keeps_label_and_uses_default(
    router_config: RouterConfig,
) -> None:
    decision = decide_route("auto", CategoryEvidence(classifier={"history": 0.95}), router_config)
    assert (decision.model, decision.path, decision.category) == (
        "general",
        DecisionPath.CLASSIFIER,
        "history",
    )


def test_low_classifier_confidence_uses_default(router_config: RouterConfig) -> None:
    decision = decide_route("auto", CategoryEvidence(classifier={"code": 0.49}), router_config)
    assert (decision.model, decision.path, decision.category) == (
        "general",
        DecisionPath.DEFAULT,
        None,
    )
