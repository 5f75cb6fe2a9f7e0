"""Scopes (who may see an answer) and the store policy (which answers are kept)."""

from __future__ import annotations

from typing import Any

import pytest

from orchestrator.cache import (
    CacheConfig,
    query_text,
    scope_for,
    should_store_request,
    should_store_response,
)
from tests.cache.conftest import completion

CONFIG = CacheConfig()


def chat(*messages: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"model": "auto", "messages": list(messages), **fields}


def user(text: Any) -> dict[str, Any]:
    return {"role": "user", "content": text}


def test_tenant_key_is_a_hash_of_the_configured_header() -> None:
    scope = scope_for(chat(user("q")), {"authorization": "Bearer secret"}, CONFIG)
    assert scope is not None
    assert "secret" not in repr(scope) and len(scope.tenant) == 64
    other = scope_for(chat(user("q")), {"authorization": "Bearer other"}, CONFIG)
    assert other is not None and other.key != scope.key
    by_team = CacheConfig(tenant_header="X-Team")
    team_a = scope_for(chat(user("q")), {"x-team": "a", "authorization": "1"}, by_team)
    team_a2 = scope_for(chat(user("q")), {"x-team": "a", "authorization": "2"}, by_team)
    assert team_a is not None and team_a2 is not None and team_a.key == team_a2.key


def test_no_tenant_header_bypasses_the_cache_unless_anonymous_is_allowed() -> None:
    assert scope_for(chat(user("q")), {}, CONFIG) is None
    assert scope_for(chat(user("q")), {}, CacheConfig(allow_anonymous=True)) is not None


def test_scope_covers_earlier_turns_system_prompt_model_and_parameters() -> None:
    headers = {"authorization": "k"}
    base = scope_for(chat(user("q")), headers, CONFIG)
    same_question_other_text = scope_for(chat(user("another question")), headers, CONFIG)
    assert base is not None and same_question_other_text is not None
    assert base.key == same_question_other_text.key  # the query itself is not the scope
    variants = [
        chat({"role": "system", "content": "be terse"}, user("q")),
        chat(user("hi"), {"role": "assistant", "content": "hello"}, user("q")),
        {**chat(user("q")), "model": "code-model"},
        chat(user("q"), max_tokens=5),
    ]
    keys = {s.key for s in (scope_for(v, headers, CONFIG) for v in variants) if s is not None}
    assert len(keys) == len(variants) and base.key not in keys
    streaming = scope_for(chat(user("q"), stream=True), headers, CONFIG)
    assert streaming is not None and streaming.key == base.key  # replayed in either form


def test_query_text_is_the_last_user_message() -> None:
    body = chat(user("first"), {"role": "assistant", "content": "a"}, user([
        {"type": "text", "text": "second"}
    ]))  # fmt: skip
    assert query_text(body) == "second"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (chat(user("q"), temperature=0), True),
        (chat(user("q")), True),  # no temperature = 1.0 = the default limit
        (chat(user("q"), temperature=1.5), False),
        (chat(user("q"), n=3), False),
        (chat(user("q"), n=1), True),
        (chat(user("q"), tools=[{"type": "function"}]), False),
        (chat(user([{"type": "image_url", "image_url": {"url": "x"}}])), False),
        (chat(user("q"), {"role": "assistant", "content": "prefill"}), False),
        (chat({"role": "system", "content": "s"}), False),
    ],
)
def test_which_requests_may_use_the_cache(body: dict[str, Any], expected: bool) -> None:
    assert should_store_request(body, CONFIG) is expected


def test_missing_temperature_counts_as_one() -> None:
    assert not should_store_request(chat(user("q")), CacheConfig(max_temperature=0.5))


def test_which_answers_are_kept() -> None:
    assert should_store_response(completion("ok"))
    assert not should_store_response(completion("ok"), status=500)
    assert not should_store_response(completion("cut"), status=199)
    assert not should_store_response(completion("cut", finish_reason="length"))
    assert not should_store_response(completion("   "))
    two = completion("a")
    two["choices"].append(dict(two["choices"][0], index=1))
    assert not should_store_response(two)
    calls = completion("")
    calls["choices"][0]["message"]["tool_calls"] = [{"id": "c"}]
    assert not should_store_response(calls)
    assert not should_store_response({"error": {"message": "x"}})
    assert not should_store_response(None)
