"""Tool auto-selection: the tools most similar to the request, from a database embedded once."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from orchestrator.config import ToolSelection


class Embedder(Protocol):
    async def embed(self, texts: list[str]) -> np.ndarray: ...


@dataclass(frozen=True)
class ToolIndex:
    tools: tuple[dict[str, Any], ...]  # OpenAI `{"type": "function", "function": {...}}`
    vectors: np.ndarray

    def __len__(self) -> int:
        return len(self.tools)


def as_openai_tool(entry: dict[str, Any]) -> dict[str, Any]:
    """Accepts `{"type": "function", "function": {...}}` or a bare function schema."""
    function = entry.get("function", entry)
    if not isinstance(function, dict) or not isinstance(function.get("name"), str):
        raise ValueError(f"tool entry without a function name: {str(entry)[:80]}")
    return {"type": "function", "function": function}


def tool_text(tool: dict[str, Any], tags: list[str] | None = None) -> str:
    """What a tool is about, as a sentence to embed: name words, description, tags, params."""
    function = tool["function"]
    name = function["name"].replace("_", " ").replace(".", " ")
    parameters = (function.get("parameters") or {}).get("properties") or {}
    details = "; ".join(
        f"{key}: {value.get('description', '')}"
        for key, value in parameters.items()
        if isinstance(value, dict)
    )
    parts = [name, function.get("description", ""), " ".join(tags or []), details]
    return ". ".join(p for p in parts if p)


def load_tools(path: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """Tools and their texts from a JSON list (or JSON lines); tags are kept out of the tools."""
    raw = path.read_text()
    try:
        entries = json.loads(raw)
    except json.JSONDecodeError:
        entries = [json.loads(line) for line in raw.splitlines() if line.strip()]
    if not isinstance(entries, list):
        raise ValueError(f"{path}: expected a JSON list of tool definitions")
    tools, texts = [], []
    for entry in entries:
        tool = as_openai_tool(entry)
        tools.append(tool)
        texts.append(tool_text(tool, entry.get("tags")))
    return tools, texts


async def build_tool_index(path: Path, encoder: Embedder) -> ToolIndex:
    tools, texts = load_tools(path)
    vectors = await encoder.embed(texts) if texts else np.zeros((0, 1), dtype=np.float32)
    return ToolIndex(tuple(tools), vectors.astype(np.float32))


def top_tools(
    query: np.ndarray, vectors: np.ndarray, k: int, threshold: float
) -> list[tuple[int, float]]:
    if not len(vectors):
        return []
    scores = vectors @ (query / max(float(np.linalg.norm(query)), 1e-12))
    order = np.argsort(-scores)[:k]
    return [(int(i), float(scores[i])) for i in order if scores[i] >= threshold]


def wants_selection(body: dict[str, Any], config: ToolSelection) -> bool:
    """tool_choice "auto" with no tools, or with more than the request limit."""
    if not config.enabled or body.get("tool_choice") != "auto":
        return False
    tools = body.get("tools")
    return not tools or (isinstance(tools, list) and len(tools) > config.max_request_tools)


async def select_tools(
    body: dict[str, Any],
    query: np.ndarray,
    index: ToolIndex,
    config: ToolSelection,
    encoder: Embedder,
) -> list[dict[str, Any]] | None:
    """The tools to forward, or None to leave the request's tools alone.

    With no tools, candidates come from the database. With too many, the request's own tools
    are ranked (their vectors come from the database by name, else one batched Triton call).
    """
    requested = body.get("tools")
    if not requested:
        chosen = top_tools(query, index.vectors, config.top_k, config.threshold)
        return [index.tools[i] for i, _ in chosen] or None
    tools = [as_openai_tool(t) for t in requested if isinstance(t, dict)]
    known = {t["function"]["name"]: i for i, t in enumerate(index.tools)}
    missing = [t for t in tools if t["function"]["name"] not in known]
    fresh_rows: dict[str, np.ndarray] = {}
    if missing:
        fresh = await encoder.embed([tool_text(t) for t in missing])
        fresh_rows = {t["function"]["name"]: row for t, row in zip(missing, fresh, strict=True)}
    vectors = np.stack(
        [
            index.vectors[known[name]] if name in known else fresh_rows[name]
            for name in (t["function"]["name"] for t in tools)
        ]
    )
    chosen = top_tools(query, vectors, config.top_k, -1.0)
    return [tools[i] for i, _ in chosen]
