"""Token usage from a backend's answer, JSON or SSE, without parsing more than needed."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Usage:
    prompt_tokens: int
    completion_tokens: int


def usage_from_completion(payload: Any) -> Usage | None:
    usage = payload.get("usage") if isinstance(payload, dict) else None
    if not isinstance(usage, dict):
        return None
    prompt, completion = usage.get("prompt_tokens"), usage.get("completion_tokens")
    if isinstance(prompt, int) and isinstance(completion, int):
        return Usage(prompt, completion)
    return None


def usage_from_json_body(body: bytes) -> Usage | None:
    try:
        return usage_from_completion(json.loads(body))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None


def usage_from_sse(chunk: bytes) -> Usage | None:
    """The usage object of the last SSE event in `chunk` that has one (include_usage)."""
    if b'"usage"' not in chunk:
        return None
    found = None
    for line in chunk.split(b"\n"):
        line = line.strip()
        if line.startswith(b"data:") and b'"usage"' in line:
            found = usage_from_json_body(line[5:].strip()) or found
    return found
