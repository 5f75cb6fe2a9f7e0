"""Multi-turn routing: which text to classify, and keeping a conversation on one model.

A conversation is keyed by the tenant (`orchestrator.tenant`, the key the semantic cache
uses too), its system prompt and its first user message: these stay the same on every turn
the client sends, so no id has to be invented or stored client side. The table is bounded
(LRU over `max_entries`, entries expire after `ttl_s`) and lives in one router process;
replicas behind a load balancer each keep their own.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import OrderedDict
from collections.abc import Callable

from orchestrator.chat_request import ChatRequest, message_text
from orchestrator.config import Conversations


def conversation_key(chat: ChatRequest, tenant: str) -> str | None:
    """The same on every turn of a conversation (None without a user message). Two
    conversations that open with the same system prompt and first message share a key; they
    were routed alike on their first turn anyway."""
    users = [m for m in chat.messages if m["role"] == "user"]
    if not users:
        return None
    anchor = [
        [m["role"], message_text(m)] for m in chat.messages if m["role"] in ("system", "developer")
    ]
    anchor.append(["user", message_text(users[0])])
    digest = hashlib.sha256(json.dumps([tenant, anchor]).encode()).hexdigest()
    return digest[:32]


def routing_text(chat: ChatRequest, config: Conversations) -> str:
    """The last user message, with earlier user turns prepended when it is too short to stand
    alone ("and in Python?")."""
    users = [message_text(m) for m in chat.messages if m["role"] == "user"]
    if not users:
        return ""
    last = users[-1]
    if len(last.split()) > config.short_message_words or config.context_turns == 0:
        return last
    context = users[-1 - config.context_turns : -1]
    return "\n".join([*context, last])


class StickyRoutes:
    """conversation key -> model, bounded by size and age."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.entries: OrderedDict[str, tuple[str, float]] = OrderedDict()

    def get(self, key: str, config: Conversations) -> str | None:
        entry = self.entries.get(key)
        if entry is None:
            return None
        model, stored = entry
        if self.clock() - stored > config.ttl_s:
            del self.entries[key]
            return None
        self.entries.move_to_end(key)
        return model

    def put(self, key: str, model: str, config: Conversations) -> None:
        self.entries[key] = (model, self.clock())
        self.entries.move_to_end(key)
        while len(self.entries) > config.max_entries:
            self.entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self.entries)
