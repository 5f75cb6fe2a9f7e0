"""Keyword rules, top-2 voting, reasoning, system prompts, tools, sticky conversations and
endpoint health: the decision functions on parsed data."""

from __future__ import annotations

import random

import numpy as np
import pytest

from orchestrator.chat_request import parse_chat_request
from orchestrator.config import (
    Category,
    Conversations,
    EndpointHealthConfig,
    KeywordRule,
    ModelConfig,
    ReasoningFamily,
    RouterConfig,
    ToolSelection,
    parse_config,
)
from orchestrator.conversations import StickyRoutes, conversation_key, routing_text
from orchestrator.endpoints import EndpointHealth, pick_endpoint
from orchestrator.keyword_rules import compile_rules, match_keywords
from orchestrator.reasoning import apply_reasoning
from orchestrator.routing import CategoryEvidence, DecisionPath, decide_route
from orchestrator.system_prompt import apply_system_prompt
from orchestrator.tool_selection import (
    ToolIndex,
    select_tools,
    tool_text,
    top_tools,
    wants_selection,
)
from tests.conftest import KeywordEncoder, config_dict


def rule(**fields: object) -> KeywordRule:
    return KeywordRule.model_validate(
        {"name": "r", "keywords": ["x"], "category": "math", **fields}
    )


def test_keyword_operators_case_and_regex() -> None:
    rules = compile_rules(
        [
            rule(
                name="sql",
                keywords=["SELECT", "FROM"],
                operator="all",
                case_sensitive=True,
                model="coder",
                category=None,
            ),
            rule(name="urgent", keywords=[r"\burgent\b|asap"], regex=True),
            rule(name="no-greeting", keywords=["hello", "hi"], operator="none", category="poetry"),
        ]
    )
    assert match_keywords("SELECT a FROM t", rules).rule == "sql"  # type: ignore[union-attr]
    assert match_keywords("select a from t", rules).rule == "no-greeting"  # type: ignore[union-attr]
    assert match_keywords("this is URGENT", rules).rule == "urgent"  # type: ignore[union-attr]
    assert match_keywords("hello there", rules) is None
    assert (
        match_keywords("this", compile_rules([rule(keywords=["hi"])])) is None
    )  # whole words only


def test_keyword_rule_validation() -> None:
    with pytest.raises(ValueError, match="exactly one of category or model"):
        rule(model="coder")
    with pytest.raises(ValueError, match="invalid regex"):
        rule(keywords=["("], regex=True)
    data = config_dict() | {
        "keyword_rules": [{"name": "k", "keywords": ["a"], "category": "ghost"}]
    }
    with pytest.raises(ValueError, match=r"keyword_rules\[0\]\.category"):
        parse_config(data)


def test_keyword_decides_first_and_order_is_configurable(router_config: RouterConfig) -> None:
    evidence = CategoryEvidence(
        keyword=match_keywords("x", compile_rules([rule(category="poetry")])),
        example_scores={"math": 0.99},
    )
    decision = decide_route("auto", evidence, router_config)
    assert (decision.model, decision.path) == ("poet", DecisionPath.KEYWORD)
    reordered = parse_config(config_dict() | {"routing": {"order": ["examples", "keyword"]}})
    assert decide_route("auto", evidence, reordered).path == DecisionPath.EXAMPLES


def test_per_route_example_threshold() -> None:
    data = config_dict()
    data["categories"][1]["threshold"] = 0.3
    config = parse_config(data)
    decision = decide_route(
        "auto", CategoryEvidence(example_scores={"poetry": 0.4, "math": 0.5}), config
    )
    assert (decision.model, decision.category) == ("poet", "poetry")


def test_top2_vote_picks_a_model_both_categories_like() -> None:
    data = config_dict()
    data["categories"][0]["model_scores"] = [
        {"model": "math-model", "score": 1.0},
        {"model": "coder", "score": 0.8},
    ]
    data["categories"][2]["model_scores"] = [{"model": "coder", "score": 1.0}]
    config = parse_config(data)
    evidence = CategoryEvidence(classifier={"math": 0.35, "code": 0.33, "poetry": 0.32})
    decision = decide_route("auto", evidence, config)
    assert (decision.model, decision.path, decision.category) == (
        "coder",
        DecisionPath.TOP2,
        "math",
    )
    assert decision.confidence == pytest.approx(0.35 * 0.8 + 0.33)
    default_policy = parse_config(data | {"routing": {"low_confidence": "default"}})
    assert decide_route("auto", evidence, default_policy).path == DecisionPath.DEFAULT


def test_top2_below_minimum_falls_to_default(router_config: RouterConfig) -> None:
    evidence = CategoryEvidence(classifier={"math": 0.2, "code": 0.2, "a": 0.2, "b": 0.2, "c": 0.2})
    assert decide_route("auto", evidence, router_config).path == DecisionPath.DEFAULT


FAMILIES = {
    "qwen3": ReasoningFamily(type="chat_template_kwargs", parameter="enable_thinking"),
    "deepseek": ReasoningFamily(type="chat_template_kwargs", parameter="thinking"),
    "gpt-oss": ReasoningFamily(type="reasoning_effort", parameter="reasoning_effort"),
}


def model(family: str | None) -> ModelConfig:
    return ModelConfig.model_validate(
        {
            "name": "m",
            "reasoning_family": family,
            "endpoints": [{"name": "e", "address": "127.0.0.1", "port": 1}],
        }
    )


def category(**fields: object) -> Category:
    return Category.model_validate({"name": "c", "model_scores": [{"model": "m"}], **fields})


def test_reasoning_fields_per_family_and_client_choice_respected() -> None:
    thinking = category(use_reasoning=True, reasoning_effort="high")
    body = {"model": "m", "messages": []}
    assert apply_reasoning(body, model("qwen3"), thinking, FAMILIES) == (
        {**body, "chat_template_kwargs": {"enable_thinking": True}},
        "on",
    )
    assert apply_reasoning(body, model("deepseek"), category(), FAMILIES) == (
        {**body, "chat_template_kwargs": {"thinking": False}},
        "off",
    )
    assert apply_reasoning(body, model("gpt-oss"), thinking, FAMILIES) == (
        {**body, "reasoning_effort": "high"},
        "on",
    )
    assert apply_reasoning(body, model("gpt-oss"), category(), FAMILIES) == (body, "off")
    client = {**body, "chat_template_kwargs": {"enable_thinking": False}}
    assert apply_reasoning(client, model("qwen3"), thinking, FAMILIES) == (client, "client")
    assert apply_reasoning(body, model(None), thinking, FAMILIES) == (body, None)


def test_system_prompt_insert_and_replace() -> None:
    messages = [{"role": "system", "content": "client"}, {"role": "user", "content": "q"}]
    inserted, action = apply_system_prompt(messages, category(system_prompt="router"))
    assert action == "inserted"
    assert [m["content"] for m in inserted] == ["router", "client", "q"]
    replaced, action = apply_system_prompt(
        messages, category(system_prompt="router", system_prompt_mode="replace")
    )
    assert action == "replaced"
    assert [m["content"] for m in replaced] == ["router", "q"]
    assert apply_system_prompt(messages, category()) == (messages, None)


def tool(name: str, description: str) -> dict:
    return {
        "type": "function",
        "function": {"name": name, "description": description, "parameters": {}},
    }


async def test_tool_selection_from_database_and_from_too_many_request_tools() -> None:
    index = ToolIndex.of(
        (tool("sum_numbers", "add"), tool("write_poem", "poem"), tool("run_python", "python")),
        np.eye(3, dtype=np.float32),
    )
    config = ToolSelection(enabled=True, database="x", top_k=2, threshold=0.5, max_request_tools=2)
    query = np.array([0.0, 1.0, 0.0], dtype=np.float32)
    body = {"tool_choice": "auto"}
    assert wants_selection(body, config)
    chosen = await select_tools(body, query, "a poem", index, config, KeywordEncoder())
    assert [t["function"]["name"] for t in chosen or []] == ["write_poem"]
    many = {
        "tool_choice": "auto",
        "tools": [tool("run_python", "x"), tool("write_poem", "x"), tool("haiku_poem", "poem")],
    }
    assert wants_selection(many, config)
    encoder = KeywordEncoder()
    chosen = await select_tools(many, query, "a poem", index, config, encoder)
    assert [t["function"]["name"] for t in chosen or []] == ["write_poem", "haiku_poem"]
    assert len(encoder.calls) == 1  # only the tool missing from the database was embedded
    assert not wants_selection({"tool_choice": "none"}, config)
    assert not wants_selection({"tool_choice": "auto", "tools": [tool("a", "b")]}, config)


def test_tool_text_and_threshold() -> None:
    text = tool_text(tool("get_weather.now", "Weather for a city"), ["forecast"])
    assert text.startswith("get weather now. Weather for a city. forecast")
    index = ToolIndex.of([tool("a", "b")], np.array([[0.1, 1.0]]))
    assert top_tools(np.array([1.0, 0.0]), "b", index, 3, 0.5, 0.3) == []


def chat(*turns: str, system: str | None = None):
    import json

    messages = [{"role": "system", "content": system}] if system else []
    for i, turn in enumerate(turns):
        messages.append({"role": "user" if i % 2 == 0 else "assistant", "content": turn})
    return parse_chat_request(json.dumps({"model": "auto", "messages": messages}).encode())


def test_conversation_key_and_routing_text() -> None:
    first = chat("solve x + 1 = 2")
    later = chat("solve x + 1 = 2", "x = 1", "and in python?")
    other = chat("solve x + 1 = 2", "x = 1", "thanks", system="be brief")
    assert conversation_key(first, "t") == conversation_key(later, "t")
    assert conversation_key(later, "t") != conversation_key(later, "u")
    assert conversation_key(other, "t") != conversation_key(later, "t")
    assert routing_text(later, Conversations()) == "solve x + 1 = 2\nand in python?"
    long_turn = chat(
        "a", "b", "please write a long explanation of how binary search trees stay balanced"
    )
    assert routing_text(long_turn, Conversations()).startswith("please")


def test_sticky_routes_expire_and_stay_bounded() -> None:
    now = [0.0]
    routes = StickyRoutes(clock=lambda: now[0])
    config = Conversations(ttl_s=10, max_entries=2)
    routes.put("a", "m1", config)
    routes.put("b", "m2", config)
    assert routes.get("a", config) == "m1"  # refreshes a
    routes.put("c", "m3", config)  # evicts b, the least recently used
    assert routes.get("b", config) is None and len(routes) == 2
    now[0] = 11
    assert routes.get("a", config) is None


def test_endpoint_health_cooldown_and_recovery() -> None:
    now = [0.0]
    health = EndpointHealth(clock=lambda: now[0])
    config = EndpointHealthConfig(failures_to_trip=2, cooldown_s=30)
    model_config = ModelConfig.model_validate(
        {
            "name": "m",
            "endpoints": [
                {"name": "a", "address": "127.0.0.1", "port": 1, "weight": 100},
                {"name": "b", "address": "127.0.0.1", "port": 2, "weight": 1},
            ],
        }
    )
    rng = random.Random(0)
    health.record("127.0.0.1:1", False, config)
    assert health.healthy(model_config.endpoints[0])  # one failure is not enough
    health.record("127.0.0.1:1", False, config)
    assert {pick_endpoint(model_config, rng, health).name for _ in range(50)} == {"b"}
    now[0] = 31
    assert "a" in {pick_endpoint(model_config, rng, health).name for _ in range(50)}
    health.record("127.0.0.1:2", False, config)
    health.record("127.0.0.1:2", False, config)
    health.record("127.0.0.1:1", False, config)
    health.record("127.0.0.1:1", False, config)
    assert pick_endpoint(model_config, rng, health).name in {"a", "b"}  # all down: still answers
