"""Streaming and cached answers: rebuild a completion from SSE chunks, replay one as SSE or JSON.

A cached answer is stored once, as a `chat.completion` dict, whichever way it arrived, and
replayed in the form the new client asked for. Replays carry a fresh id and `created`, so two
clients never see the same completion id.
"""

from __future__ import annotations

import copy
import json
import time
import uuid
from typing import Any

DONE = "[DONE]"


def completion_from_sse(raw: bytes) -> dict[str, Any] | None:
    """The `chat.completion` the chunks describe, or None when the stream is not a complete
    OpenAI chat stream (no `[DONE]`, an error event, unparsable data)."""
    events = _data_events(raw)
    if not events or events[-1] != DONE:
        return None
    chunks = []
    for data in events[:-1]:
        try:
            chunk = json.loads(data)
        except json.JSONDecodeError:
            return None
        if not isinstance(chunk, dict) or "error" in chunk:
            return None
        chunks.append(chunk)
    if not chunks or any(c.get("object") != "chat.completion.chunk" for c in chunks):
        return None
    choices: dict[int, dict[str, Any]] = {}
    for chunk in chunks:
        for delta_choice in chunk.get("choices") or []:
            index = delta_choice.get("index", 0)
            choice = choices.setdefault(index, _empty_choice(index))
            _apply_delta(choice, delta_choice)
    first = chunks[0]
    completion: dict[str, Any] = {
        "id": first.get("id", ""),
        "object": "chat.completion",
        "created": first.get("created", 0),
        "model": first.get("model", ""),
        "choices": [choices[i] for i in sorted(choices)],
    }
    if first.get("system_fingerprint") is not None:
        completion["system_fingerprint"] = first["system_fingerprint"]
    usage = next((c["usage"] for c in reversed(chunks) if c.get("usage")), None)
    if usage is not None:
        completion["usage"] = usage
    return completion


def replay_as_json(completion: dict[str, Any]) -> bytes:
    return json.dumps(_fresh(completion), ensure_ascii=False).encode("utf-8")


def replay_as_sse(completion: dict[str, Any], include_usage: bool = False) -> bytes:
    """The answer as OpenAI streams it: a role chunk, a content chunk, a finish chunk per
    choice, an optional usage chunk (when the client set `stream_options.include_usage`),
    then `data: [DONE]`."""
    fresh = _fresh(completion)
    head = {"id": fresh["id"], "object": "chat.completion.chunk", "created": fresh["created"]}
    head["model"] = fresh.get("model", "")
    if "system_fingerprint" in fresh:
        head["system_fingerprint"] = fresh["system_fingerprint"]
    chunks: list[dict[str, Any]] = []
    for choice in fresh.get("choices") or []:
        index = choice.get("index", 0)
        message = choice.get("message") or {}
        delta: dict[str, Any] = {"role": message.get("role", "assistant"), "content": ""}
        chunks.append({**head, "choices": [_chunk_choice(index, delta)]})
        if message.get("content"):
            chunks.append(
                {**head, "choices": [_chunk_choice(index, {"content": message["content"]})]}
            )
        end = _chunk_choice(index, {}, choice.get("finish_reason", "stop"))
        chunks.append({**head, "choices": [end]})
    if include_usage and "usage" in fresh:
        chunks.append({**head, "choices": [], "usage": fresh["usage"]})
    lines = [f"data: {json.dumps(c, ensure_ascii=False)}\n\n" for c in chunks]
    lines.append(f"data: {DONE}\n\n")
    return "".join(lines).encode("utf-8")


def _data_events(raw: bytes) -> list[str]:
    """The `data` of each server-sent event; comments and other fields are ignored."""
    text = raw.decode("utf-8", "replace").replace("\r\n", "\n").replace("\r", "\n")
    events = []
    for block in text.split("\n\n"):
        data = [
            line[5:].removeprefix(" ") for line in block.split("\n") if line.startswith("data:")
        ]
        if data:
            events.append("\n".join(data))
    return events


def _empty_choice(index: int) -> dict[str, Any]:
    return {
        "index": index,
        "message": {"role": "assistant", "content": ""},
        "logprobs": None,
        "finish_reason": None,
    }


def _apply_delta(choice: dict[str, Any], delta_choice: dict[str, Any]) -> None:
    message = choice["message"]
    delta = delta_choice.get("delta") or {}
    if delta.get("role"):
        message["role"] = delta["role"]
    if isinstance(delta.get("content"), str):
        message["content"] += delta["content"]
    if delta.get("refusal"):
        message["refusal"] = message.get("refusal", "") + delta["refusal"]
    for call in delta.get("tool_calls") or []:
        calls = message.setdefault("tool_calls", [])
        while len(calls) <= call.get("index", 0):
            calls.append({"id": "", "type": "function", "function": {"name": "", "arguments": ""}})
        target = calls[call.get("index", 0)]
        target["id"] = call.get("id") or target["id"]
        function = call.get("function") or {}
        target["function"]["name"] += function.get("name") or ""
        target["function"]["arguments"] += function.get("arguments") or ""
    if delta_choice.get("finish_reason"):
        choice["finish_reason"] = delta_choice["finish_reason"]


def _chunk_choice(index: int, delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
    return {"index": index, "delta": delta, "logprobs": None, "finish_reason": finish}


def _fresh(completion: dict[str, Any]) -> dict[str, Any]:
    fresh = copy.deepcopy(completion)
    fresh["id"] = f"chatcmpl-{uuid.uuid4().hex}"
    fresh["created"] = int(time.time())
    fresh["object"] = "chat.completion"
    return fresh
