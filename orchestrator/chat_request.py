"""Parsing and validating an OpenAI chat-completions body before any routing work."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from orchestrator.openai_errors import RequestError

ROLES = frozenset({"system", "developer", "user", "assistant", "tool", "function"})


@dataclass(frozen=True)
class ChatRequest:
    body: dict[str, Any]
    model: str
    messages: list[dict[str, Any]]
    stream: bool

    def last_user_text(self) -> str:
        for message in reversed(self.messages):
            if message["role"] == "user":
                return message_text(message)
        return ""


def message_text(message: dict[str, Any]) -> str:
    """The text of a message whose content is a string or a list of content parts."""
    content = message.get("content")
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(
            part["text"]
            for part in content
            if isinstance(part, dict)
            and part.get("type") == "text"
            and isinstance(part.get("text"), str)
        )
    return ""


def invalid(message: str, param: str | None = None, code: str = "invalid_value") -> RequestError:
    return RequestError(400, message, code, param=param)


def parse_chat_request(raw: bytes) -> ChatRequest:
    try:
        body = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise invalid(f"Request body is not valid JSON: {error}", code="invalid_json") from None
    if not isinstance(body, dict):
        raise invalid("Request body must be a JSON object.", code="invalid_json")
    model = body.get("model")
    if not isinstance(model, str) or not model:
        raise invalid("'model' is required and must be a non-empty string.", "model")
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise invalid("'messages' is required and must be a non-empty array.", "messages")
    for i, message in enumerate(messages):
        _check_message(message, i)
    stream = body.get("stream", False)
    if not isinstance(stream, bool):
        raise invalid("'stream' must be a boolean.", "stream")
    return ChatRequest(body=body, model=model, messages=messages, stream=stream)


def _check_message(message: object, index: int) -> None:
    where = f"messages[{index}]"
    if not isinstance(message, dict):
        raise invalid(f"{where} must be an object.", where)
    role = message.get("role")
    if role not in ROLES:
        raise invalid(
            f"{where}.role must be one of {sorted(ROLES)}, got {role!r}.", f"{where}.role"
        )
    content = message.get("content")
    if content is not None and not isinstance(content, str | list):
        raise invalid(
            f"{where}.content must be a string, an array of parts or null.", f"{where}.content"
        )
    if isinstance(content, list):
        for j, part in enumerate(content):
            if not isinstance(part, dict) or not isinstance(part.get("type"), str):
                raise invalid(
                    f"{where}.content[{j}] must be an object with a 'type'.",
                    f"{where}.content[{j}]",
                )
