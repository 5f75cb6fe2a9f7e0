"""One tenant key for the cache scope and sticky conversations."""

from __future__ import annotations

import json
import random

import pytest

from orchestrator.cache import CacheConfig, scope_for
from orchestrator.chat_request import parse_chat_request
from orchestrator.conversations import conversation_key
from orchestrator.tenant import ANONYMOUS, tenant_key

BODY = {"model": "auto", "messages": [{"role": "user", "content": "hello"}]}


def test_key_is_a_hash_of_the_named_header_and_never_the_credential() -> None:
    key = tenant_key({"authorization": "Bearer secret"}, "authorization")
    assert key is not None and len(key) == 64 and "secret" not in key
    assert key == tenant_key({"authorization": "Bearer secret", "x-team": "a"}, "authorization")
    assert key != tenant_key({"authorization": "Bearer other"}, "authorization")
    assert tenant_key({"x-team": "a", "authorization": "1"}, "x-team") == tenant_key(
        {"x-team": "a", "authorization": "2"}, "x-team"
    )
    # The header's name is part of the key: the same value under two headers is two tenants.
    assert tenant_key({"x-team": "a"}, "x-team") != tenant_key({"x-org": "a"}, "x-org")


@pytest.mark.parametrize("headers", [{}, {"authorization": ""}])
def test_no_header_means_no_tenant(headers: dict[str, str]) -> None:
    assert tenant_key(headers, "authorization") is None
    assert len(ANONYMOUS) != 64  # cannot collide with a digest


def test_cache_and_conversations_use_the_same_key() -> None:
    headers = {"x-team": "blue", "authorization": "Bearer k"}
    config = CacheConfig(tenant_header="x-team")
    scope = scope_for(BODY, headers, config)
    assert scope is not None and scope.tenant == tenant_key(headers, "x-team")
    chat = parse_chat_request(json.dumps(BODY).encode())
    assert conversation_key(chat, tenant_key(headers, "x-team") or ANONYMOUS) != (
        conversation_key(chat, tenant_key({"x-team": "red"}, "x-team") or ANONYMOUS)
    )


async def test_sticky_conversations_follow_the_configured_tenant_header() -> None:
    """Two teams behind one API key are two tenants for the sticky table too."""
    from orchestrator.config import parse_config
    from orchestrator.extproc.state import StreamState
    from orchestrator.request_router import RequestRouter
    from orchestrator.runtime import build_runtime
    from tests.conftest import KeywordEncoder, config_dict

    config = parse_config(config_dict() | {"cache": {"tenant_header": "x-team"}})
    encoder = KeywordEncoder()
    runtime = await build_runtime(config, encoder)  # type: ignore[arg-type]
    router = RequestRouter(encoder, random.Random(0))  # type: ignore[arg-type]
    first = {"model": "auto", "messages": [{"role": "user", "content": "write a poem"}]}
    later = {
        "model": "auto",
        "messages": [
            {"role": "user", "content": "write a poem"},
            {"role": "assistant", "content": "roses"},
            {
                "role": "user",
                "content": "and tell me a little more about the thing we just discussed",
            },
        ],
    }

    async def plan(body: dict, team: str) -> str:
        state = StreamState(headers={"x-team": team, "authorization": "Bearer shared"})
        chat = parse_chat_request(json.dumps(body).encode())
        return (await router.plan(state, chat, runtime)).decision.path.value

    assert await plan(first, "blue") == "examples"
    assert await plan(later, "blue") == "sticky"  # blue's conversation stays on the poet
    assert await plan(later, "red") != "sticky"  # red never started one, same API key
