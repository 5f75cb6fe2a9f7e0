"""Streamed answers are rebuilt for storage; cached answers replay as SSE or JSON."""

from __future__ import annotations

import json
from typing import Any

from orchestrator.cache import completion_from_sse, replay_as_json, replay_as_sse
from tests.cache.conftest import completion


def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "id": "chatcmpl-up",
        "object": "chat.completion.chunk",
        "created": 7,
        "model": "math-model",
        "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}],
        **extra,
    }


def sse(*events: dict[str, Any] | str, newline: str = "\n") -> bytes:
    parts = [f"data: {e if isinstance(e, str) else json.dumps(e)}" for e in events]
    return (newline * 2).join(parts).encode() + (newline * 2).encode()


UPSTREAM = [
    chunk({"role": "assistant", "content": ""}),
    chunk({"content": "17 × 24 "}),
    chunk({"content": "= 408"}),
    chunk({}, "stop"),
    {**chunk({}), "choices": [], "usage": {"prompt_tokens": 9, "total_tokens": 14}},
    "[DONE]",
]


def test_rebuilds_a_completion_from_chunks() -> None:
    rebuilt = completion_from_sse(sse(*UPSTREAM))
    assert rebuilt is not None
    assert rebuilt["object"] == "chat.completion"
    assert rebuilt["model"] == "math-model"
    assert rebuilt["choices"][0]["message"] == {"role": "assistant", "content": "17 × 24 = 408"}
    assert rebuilt["choices"][0]["finish_reason"] == "stop"
    assert rebuilt["usage"]["total_tokens"] == 14


def test_rebuild_tolerates_crlf_comments_and_split_events() -> None:
    raw = b": keep-alive\r\n\r\n" + sse(*UPSTREAM, newline="\r\n")
    rebuilt = completion_from_sse(raw)
    assert rebuilt is not None and rebuilt["choices"][0]["message"]["content"] == "17 × 24 = 408"


def test_incomplete_or_failed_streams_are_not_rebuilt() -> None:
    assert completion_from_sse(sse(*UPSTREAM[:-1])) is None  # no [DONE]
    assert completion_from_sse(sse(UPSTREAM[0], {"error": {"message": "x"}}, "[DONE]")) is None
    assert completion_from_sse(b"data: {not json\n\ndata: [DONE]\n\n") is None
    assert completion_from_sse(b"") is None


def test_tool_call_deltas_are_merged() -> None:
    call = {"index": 0, "id": "call_1", "function": {"name": "add", "arguments": '{"a":'}}
    rest = {"index": 0, "function": {"arguments": " 1}"}}
    raw = sse(chunk({"tool_calls": [call]}), chunk({"tool_calls": [rest]}, "tool_calls"), "[DONE]")
    rebuilt = completion_from_sse(raw)
    assert rebuilt is not None
    calls = rebuilt["choices"][0]["message"]["tool_calls"]
    assert calls[0]["id"] == "call_1" and calls[0]["function"]["arguments"] == '{"a": 1}'


def _events(raw: bytes) -> list[str]:
    return [line[6:] for line in raw.decode().split("\n\n") if line.startswith("data: ")]


def test_replay_as_sse_streams_the_cached_answer_and_ends_with_done() -> None:
    original = completion("408")
    raw = replay_as_sse(original, include_usage=True)
    events = _events(raw)
    assert events[-1] == "[DONE]"
    chunks = [json.loads(e) for e in events[:-1]]
    assert all(c["object"] == "chat.completion.chunk" for c in chunks)
    assert len({c["id"] for c in chunks}) == 1 and chunks[0]["id"] != original["id"]
    assert chunks[-1]["usage"] == original["usage"]
    assert chunks[-2]["choices"][0]["finish_reason"] == "stop"
    again = completion_from_sse(raw)
    assert again is not None and again["choices"][0]["message"]["content"] == "408"
    assert "usage" not in json.loads(_events(replay_as_sse(original))[-2])


def test_replay_as_json_has_a_fresh_id_and_created() -> None:
    original = completion("408")
    replayed = json.loads(replay_as_json(original))
    assert replayed["id"] != original["id"] and replayed["created"] > original["created"]
    assert replayed["choices"] == original["choices"]
    assert json.loads(replay_as_json(original))["id"] != replayed["id"]
    assert original["id"] == "chatcmpl-original"  # the stored answer is untouched


def test_stream_stored_replays_as_json_and_json_stored_replays_as_stream() -> None:
    from_stream = completion_from_sse(sse(*UPSTREAM))
    assert from_stream is not None
    as_json = json.loads(replay_as_json(from_stream))
    assert as_json["object"] == "chat.completion"
    assert as_json["choices"][0]["message"]["content"] == "17 × 24 = 408"
    round_trip = completion_from_sse(replay_as_sse(as_json))
    assert round_trip is not None
    assert round_trip["choices"][0]["message"] == as_json["choices"][0]["message"]
