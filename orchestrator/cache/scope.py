"""Which cached answers a request may see: same tenant, same model, same conversation so far.

The scope is part of the lookup key, not a filter applied afterwards, so an answer can never
cross tenants or conversations even when two queries are identical.

The exact key adds the query text and the guard policy to the scope: an exact hit is served
before the guard runs, so it may only stand for the very request that passed that guard.
"Normalised" text means outer whitespace stripped and nothing else: the guard's rules read
inner whitespace (a newline breaks "ignore ... previous instructions"), so folding it could
map a request the guard would block onto one it passed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from orchestrator.cache.config import CacheConfig
from orchestrator.chat_request import message_text
from orchestrator.tenant import ANONYMOUS, tenant_key

# Body fields that do not change the answer's content; everything else is part of the scope
# (max_tokens, response_format, seed, stop, ...), so differently-shaped answers never mix.
NEUTRAL_FIELDS = frozenset(
    {"messages", "model", "stream", "stream_options", "user", "metadata", "store", "n"}
)


@dataclass(frozen=True)
class CacheScope:
    tenant: str  # orchestrator.tenant.tenant_key of the request, or ANONYMOUS
    model: str  # the requested model, `auto` included
    context: str  # sha256 of every message but the query, plus the generation parameters
    # Fingerprint of the config that decided the request could reach a backend (guard, PII,
    # keyword rules); only in the exact key: semantic hits are looked up after the guard ran.
    policy: str = ""

    @property
    def key(self) -> str:
        """One opaque string the backends partition on."""
        return _digest(f"{self.tenant}\n{self.model}\n{self.context}")[:40]

    def exact_key(self, query: str) -> str:
        """The key of this very request: scope, guard policy and the query text."""
        return _digest(f"{self.key}\n{self.policy}\n{query.strip()}")[:40]


def query_index(messages: list[dict[str, Any]]) -> int | None:
    """Index of the last user message: the query. The rest of the messages is context."""
    for i in range(len(messages) - 1, -1, -1):
        if isinstance(messages[i], dict) and messages[i].get("role") == "user":
            return i
    return None


def query_text(body: dict[str, Any]) -> str:
    """The text that is embedded and verified (the same message `scope_for` leaves out)."""
    messages = body.get("messages") or []
    i = query_index(messages)
    return message_text(messages[i]) if i is not None else ""


def scope_for(
    body: dict[str, Any], headers: dict[str, str], config: CacheConfig, policy: str = ""
) -> CacheScope | None:
    """The request's scope, or None when it has no user message or no tenant (and anonymous
    requests are not allowed to share a cache)."""
    messages = body.get("messages") or []
    i = query_index(messages)
    if i is None:
        return None
    tenant = tenant_key(headers, config.tenant_header)
    if tenant is None:
        if not config.allow_anonymous:
            return None
        tenant = ANONYMOUS
    params = {k: v for k, v in body.items() if k not in NEUTRAL_FIELDS}
    context = [m for j, m in enumerate(messages) if j != i]
    return CacheScope(
        tenant=tenant,
        model=str(body.get("model") or "auto"),
        context=_digest(_canonical({"messages": context, "params": params})),
        policy=policy,
    )


def _canonical(value: object) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
