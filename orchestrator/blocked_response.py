"""What a client receives when the guard blocks its request: an answer an SDK can handle."""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass

from orchestrator.cache.sse import replay_as_sse
from orchestrator.config import GuardConfig
from orchestrator.openai_errors import RequestError


@dataclass(frozen=True)
class BlockedAnswer:
    status: int
    body: bytes
    content_type: str


def blocked_answer(reason: str, model: str, stream: bool, config: GuardConfig) -> BlockedAnswer:
    """By config: a 403 `content_filter` error, or a completion whose finish_reason is
    `content_filter` (as SSE ending with [DONE] for a streaming client)."""
    if config.action == "error":
        message = f"The request was blocked by the router's {reason} filter."
        error = RequestError(403, message, "content_filter")
        return BlockedAnswer(403, error.body(), "application/json")
    completion = {
        "id": f"chatcmpl-{uuid.uuid4().hex[:24]}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": config.refusal_message},
                "finish_reason": "content_filter",
            }
        ],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
    }
    if stream:
        return BlockedAnswer(200, replay_as_sse(completion), "text/event-stream")
    return BlockedAnswer(200, json.dumps(completion).encode(), "application/json")
