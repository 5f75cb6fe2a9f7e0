"""Redaction: typed placeholders in what the backend sees, original values back in the answer.

Values are replaced wherever they occur in the forwarded messages (not only at the detected
offsets), so a name repeated in an earlier turn is redacted too. The same value always gets
the same placeholder within a request, which keeps the conversation coherent for the model.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

PLACEHOLDER = re.compile(r"<([A-Z_]+)_(\d+)>")
MAX_PLACEHOLDER = 40


@dataclass
class Redaction:
    originals: dict[str, str] = field(default_factory=dict)  # placeholder -> value

    def placeholder(self, pii_type: str, value: str) -> str:
        for placeholder, original in self.originals.items():
            if original == value and placeholder.startswith(f"<{pii_type}_"):
                return placeholder
        count = sum(1 for p in self.originals if p.startswith(f"<{pii_type}_")) + 1
        placeholder = f"<{pii_type}_{count}>"
        self.originals[placeholder] = value
        return placeholder

    def restore(self, text: str) -> str:
        return PLACEHOLDER.sub(lambda m: self.originals.get(m.group(0), m.group(0)), text)


def redact_text(text: str, values: list[tuple[str, str]], redaction: Redaction) -> str:
    for pii_type, value in sorted(values, key=lambda item: -len(item[1])):
        if value.strip():
            text = text.replace(value, redaction.placeholder(pii_type, value))
    return text


def redact_messages(
    messages: list[dict[str, Any]], values: list[tuple[str, str]], redaction: Redaction
) -> list[dict[str, Any]]:
    redacted = []
    for message in messages:
        content = message.get("content")
        if isinstance(content, str):
            message = {**message, "content": redact_text(content, values, redaction)}
        elif isinstance(content, list):
            parts = [
                {**part, "text": redact_text(part["text"], values, redaction)}
                if isinstance(part, dict) and isinstance(part.get("text"), str)
                else part
                for part in content
            ]
            message = {**message, "content": parts}
        redacted.append(message)
    return redacted


def restore_completion(body: bytes, redaction: Redaction) -> bytes | None:
    """The JSON answer with placeholders replaced in every message; None if not JSON."""
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    for choice in payload.get("choices") or []:
        message = choice.get("message") or {}
        if isinstance(message.get("content"), str):
            message["content"] = redaction.restore(message["content"])
    return json.dumps(payload, ensure_ascii=False).encode()


class SseRestorer:
    """Restores placeholders in a streamed answer, chunk by chunk.

    A placeholder can be split across deltas ("<EMAIL" + "_ADDRESS_1>") and an event across
    network chunks, so incomplete events and a trailing partial placeholder are held back
    (at most a few dozen characters) until the rest arrives.
    """

    def __init__(self, redaction: Redaction) -> None:
        self.redaction = redaction
        self.buffer = b""
        self.pending: dict[int, str] = {}

    def feed(self, chunk: bytes, end: bool = False) -> bytes:
        self.buffer += chunk
        events = self.buffer.split(b"\n\n")
        self.buffer = b"" if end else events.pop()
        out = [self._event(e, end) for e in events if e.strip()]
        if end and self.buffer:
            out.append(self.buffer)
        return b"".join(out)

    def _event(self, event: bytes, end: bool) -> bytes:
        lines = event.decode("utf-8", "replace").split("\n")
        data = "\n".join(line[5:].lstrip() for line in lines if line.startswith("data:"))
        if not data or data == "[DONE]":
            return self._flush() + event + b"\n\n"
        try:
            payload = json.loads(data)
        except json.JSONDecodeError:
            return event + b"\n\n"
        for choice in payload.get("choices") or []:
            delta = choice.get("delta") or {}
            index = choice.get("index", 0)
            text = self.pending.pop(index, "") + (delta.get("content") or "")
            if not text:
                continue
            finished = end or choice.get("finish_reason") is not None
            text, held = (text, "") if finished else split_partial(text)
            if held:
                self.pending[index] = held
            delta["content"] = self.redaction.restore(text)
            choice["delta"] = delta
        return f"data: {json.dumps(payload, ensure_ascii=False)}\n\n".encode()

    def _flush(self) -> bytes:
        if not self.pending:
            return b""
        text = "".join(self.redaction.restore(t) for t in self.pending.values())
        self.pending.clear()
        chunk = {
            "object": "chat.completion.chunk",
            "choices": [{"index": 0, "delta": {"content": text}}],
        }
        return f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode()


def split_partial(text: str) -> tuple[str, str]:
    """(text safe to emit, a trailing fragment that may be the start of a placeholder)."""
    start = text.rfind("<")
    if start == -1 or ">" in text[start:] or len(text) - start > MAX_PLACEHOLDER:
        return text, ""
    if not re.fullmatch(r"<[A-Z_0-9]*", text[start:]):
        return text, ""
    return text[:start], text[start:]
