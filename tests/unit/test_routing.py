import pytest

from orchestrator.config import Category, RouterConfig
from orchestrator.example_routes import CategoryMatch
from orchestrator.openai_errors import RequestError
from orchestrator.routing import DecisionPath, best_model, decide_route


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
    decision = decide_route("auto", CategoryMatch("poetry", 0.9), router_config)
    assert (decision.model, decision.path, decision.category) == (
        "poet",
        DecisionPath.EXAMPLES,
        "poetry",
    )
    assert decision.confidence == pytest.approx(0.9)


def test_auto_below_threshold_or_without_signal_uses_default(router_config: RouterConfig) -> None:
    low = decide_route("auto", CategoryMatch("poetry", 0.69), router_config)
    assert (low.model, low.path, low.category) == ("general", DecisionPath.DEFAULT, None)
    none = decide_route("auto", None, router_config)
    assert (none.model, none.path) == ("general", DecisionPath.DEFAULT)


def test_explicit_known_model_passes(router_config: RouterConfig) -> None:
    decision = decide_route("coder", CategoryMatch("poetry", 0.99), router_config)
    assert (decision.model, decision.path) == ("coder", DecisionPath.EXPLICIT)


def test_unknown_model_is_404_listing_available_models(router_config: RouterConfig) -> None:
    with pytest.raises(RequestError) as caught:
        decide_route("gpt-17", None, router_config)
    assert caught.value.status == 404
    assert caught.value.code == "model_not_found"
    assert "auto, math-model, poet, coder, general" in caught.value.message
