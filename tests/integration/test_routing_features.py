"""Routing features through Envoy; the fake backend echoes the body it received."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest
import yaml

from stack.local import LocalStack
from stack.processes import free_port

pytestmark = pytest.mark.integration


def send(base_url: str, messages: list[dict[str, Any]], **extra: Any) -> httpx.Response:
    body = {"model": "auto", "messages": messages, **extra}
    response = httpx.post(f"{base_url}/v1/chat/completions", json=body, timeout=30)
    assert response.status_code == 200, response.text
    return response


def user(text: str) -> list[dict[str, str]]:
    return [{"role": "user", "content": text}]


def test_keyword_rule_decides_without_classification(base_url: str) -> None:
    response = send(base_url, user("SELECT name FROM users WHERE age > 30"))
    assert response.headers["x-selected-model"] == "code-model"
    assert response.headers["x-router-decision-path"] == "keyword"
    assert response.json()["router_echo"]["model"] == "code-model"


def test_reasoning_field_for_the_model_family(base_url: str) -> None:
    response = send(base_url, user("Solve the equation 5x - 3 = 12 for x."))
    assert response.headers["x-selected-model"] == "math-model"
    assert response.headers["x-router-reasoning"] == "on"
    assert response.json()["router_echo"]["chat_template_kwargs"] == {"enable_thinking": True}


def test_clients_explicit_reasoning_choice_is_kept(base_url: str) -> None:
    response = send(
        base_url,
        user("Solve the equation 5x - 3 = 12 for x."),
        chat_template_kwargs={"enable_thinking": False},
    )
    assert response.headers["x-router-reasoning"] == "client"
    assert response.json()["router_echo"]["chat_template_kwargs"] == {"enable_thinking": False}


def test_system_prompt_inserted_for_category(base_url: str) -> None:
    messages = [
        {"role": "system", "content": "Answer in English."},
        *user("Write a short poem about the sea."),
    ]
    response = send(base_url, messages)
    assert response.headers["x-selected-model"] == "creative-model"
    assert response.headers["x-router-system-prompt"] == "inserted"
    echoed = response.json()["router_echo"]["messages"]
    assert echoed[0]["role"] == "system" and echoed[0]["content"].startswith(
        "You are a creative writing"
    )
    assert echoed[1:] == messages


def test_tools_selected_for_tool_choice_auto(base_url: str) -> None:
    response = send(
        base_url, user("What's the weather like in Paris tomorrow?"), tool_choice="auto"
    )
    names = [t["function"]["name"] for t in response.json()["router_echo"]["tools"]]
    assert names[0] == "get_weather"
    assert response.headers["x-router-tools-selected"].split(",") == names
    plain = send(base_url, user("What's the weather like in Paris tomorrow?"))
    assert "tools" not in plain.json()["router_echo"]


def test_conversation_stays_on_its_model(base_url: str) -> None:
    first = send(base_url, user("What is the integral of x squared from 0 to 3?"))
    assert first.headers["x-selected-model"] == "math-model"
    turns = [
        *user("What is the integral of x squared from 0 to 3?"),
        {"role": "assistant", "content": "9"},
        *user("Now please write me a short and funny poem about the number nine."),
    ]
    second = send(base_url, turns)
    assert second.headers["x-selected-model"] == "math-model"
    assert second.headers["x-router-decision-path"] == "sticky"
    fresh = send(
        base_url, user("Now please write me a short and funny poem about the number nine.")
    )
    assert fresh.headers["x-selected-model"] == "creative-model"


def test_failed_endpoint_is_skipped_then_retried(stack: LocalStack, base_url: str) -> None:
    original = stack.config_path.read_text()
    config = yaml.safe_load(original)
    general = next(m for m in config["models"] if m["name"] == "general-model")
    general["endpoints"][0]["weight"] = 1
    general["endpoints"].insert(
        0, {"name": "dead", "address": "127.0.0.1", "port": free_port(), "weight": 1000}
    )
    config["endpoint_health"] = {"failures_to_trip": 1, "cooldown_s": 60}
    try:
        stack.config_path.write_text(yaml.safe_dump(config))
        deadline = time.monotonic() + 20
        statuses: list[int] = []
        while time.monotonic() < deadline and 503 not in statuses:
            statuses.append(ask_general(base_url))
            time.sleep(0.2)
        assert 503 in statuses, "the dead endpoint was never tried"
        after = [ask_general(base_url) for _ in range(10)]
        assert after == [200] * 10
    finally:
        stack.config_path.write_text(original)
        time.sleep(2.5)


def ask_general(base_url: str) -> int:
    body = {"model": "general-model", "messages": user("hello")}
    return httpx.post(f"{base_url}/v1/chat/completions", json=body, timeout=30).status_code
