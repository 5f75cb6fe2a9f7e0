"""Which requests may use the cache and which answers may be kept.

A request the cache would not store is not served from it either: a client asking for three
choices, tools, or a hot temperature expects something a single stored answer is not.
"""

from __future__ import annotations

from typing import Any

from orchestrator.cache.config import CacheConfig
from orchestrator.cache.scope import query_index

# The answer may depend on something outside the text: tools run by the client, audio, ...
TOOL_FIELDS = ("tools", "functions", "tool_choice", "function_call")
OPENAI_DEFAULT_TEMPERATURE = 1.0


def uncacheable_reason(body: dict[str, Any], config: CacheConfig) -> str | None:
    """Why this request must bypass the cache (for the log), or None when it may use it."""
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        return "no messages"
    i = query_index(messages)
    if i is None:
        return "no user message"
    if i != len(messages) - 1:
        return "the last message is not the user's"
    content = messages[i].get("content")
    if isinstance(content, list) and any(
        not isinstance(p, dict) or p.get("type") != "text" for p in content
    ):
        return "the query has non-text parts"
    if body.get("n", 1) not in (1, None):
        return "n > 1"
    if any(body.get(name) for name in TOOL_FIELDS):
        return "tools"
    if "audio" in (body.get("modalities") or []):
        return "audio output"
    temperature = body.get("temperature")
    if temperature is None:
        temperature = OPENAI_DEFAULT_TEMPERATURE
    if not isinstance(temperature, int | float) or temperature > config.max_temperature:
        return f"temperature above {config.max_temperature}"
    return None


def should_store_request(body: dict[str, Any], config: CacheConfig) -> bool:
    """True when the request may be answered from, and its answer stored in, the cache."""
    return uncacheable_reason(body, config) is None


def should_store_response(completion: dict[str, Any] | None, status: int = 200) -> bool:
    """A complete, single, plain-text answer that came back with a 2xx status.

    `finish_reason` must be `stop`: a truncated, filtered or tool-calling answer is not one
    to repeat to the next client.
    """
    if not 200 <= status < 300 or not isinstance(completion, dict) or "error" in completion:
        return False
    if completion.get("object") != "chat.completion":
        return False
    choices = completion.get("choices")
    if not isinstance(choices, list) or len(choices) != 1 or not isinstance(choices[0], dict):
        return False
    choice = choices[0]
    message = choice.get("message")
    if choice.get("finish_reason") != "stop" or not isinstance(message, dict):
        return False
    if message.get("tool_calls") or message.get("function_call"):
        return False
    content = message.get("content")
    return isinstance(content, str) and bool(content.strip())
