"""Tool auto-selection: the tools most similar to the request, from a database embedded once.

A tool's score is the cosine similarity of its text to the query plus `lexical_weight` times
its BM25 match (orchestrator/tool_lexical.py), which separates near-duplicate tools the
embedding cannot; `threshold` applies to the cosine alone, so it keeps its meaning.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from orchestrator.config import ToolSelection
from orchestrator.tool_lexical import LexicalIndex, Terms, bm25


class Embedder(Protocol):
    async def embed(self, texts: list[str]) -> np.ndarray: ...


@dataclass(frozen=True)
class ToolIndex:
    tools: tuple[dict[str, Any], ...]  # OpenAI `{"type": "function", "function": {...}}`
    vectors: np.ndarray
    terms: tuple[Terms, ...]  # word counts of each tool's text, for BM25
    lexical: LexicalIndex

    @classmethod
    def of(
        cls,
        tools: Sequence[dict[str, Any]],
        vectors: np.ndarray,
        texts: Sequence[str] | None = None,
    ) -> ToolIndex:
        """The index with its BM25 side built from `texts` (default: each tool's tool_text)."""
        texts = [tool_text(t) for t in tools] if texts is None else texts
        terms = tuple(Terms.of(text) for text in texts)
        return cls(tuple(tools), vectors, terms, LexicalIndex.build(terms))

    @cached_property
    def rows(self) -> dict[str, int]:
        """Function name -> row (the last definition of a repeated name)."""
        return {t["function"]["name"]: i for i, t in enumerate(self.tools)}

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
    # Off the event loop: tokenising a large database takes more than a millisecond.
    return await asyncio.to_thread(ToolIndex.of, tools, vectors.astype(np.float32), texts)


def top_tools(
    query: np.ndarray,
    query_text: str,
    index: ToolIndex,
    k: int,
    threshold: float,
    lexical_weight: float,
) -> list[tuple[int, float]]:
    """The k best database rows for a query: (row, score), see `rank`."""
    lexical = index.lexical.scores(query_text) if lexical_weight else None
    return rank(cosines(query, index.vectors), lexical, index.tools, k, threshold, lexical_weight)


def cosines(query: np.ndarray, vectors: np.ndarray) -> np.ndarray:
    """Cosine similarity to each (L2-normalised) tool vector."""
    if not len(vectors):
        return np.zeros(0, dtype=np.float32)
    return vectors @ (query / max(float(np.linalg.norm(query)), 1e-12))


def rank(
    cosine: np.ndarray,
    lexical: np.ndarray | None,
    tools: Sequence[dict[str, Any]],
    k: int,
    threshold: float,
    lexical_weight: float,
) -> list[tuple[int, float]]:
    """The k best (row, cosine + lexical_weight * lexical) with cosine >= threshold and
    distinct function names.

    A name appears once: two definitions of one function would waste a slot and give the
    model two schemas for one name.
    """
    scores = cosine if lexical is None else cosine + lexical_weight * lexical
    scores = np.where(cosine >= threshold, scores, -np.inf)
    chosen: list[tuple[int, float]] = []
    names: set[str] = set()
    for i in _best_first(scores, 4 * k):
        if scores[i] == -np.inf or len(chosen) == k:
            break
        name = tools[i]["function"]["name"]
        if name not in names:
            names.add(name)
            chosen.append((i, float(scores[i])))
    return chosen


def _best_first(scores: np.ndarray, head: int) -> Iterator[int]:
    """Row indices by descending score (ties by row); the `head` best are sorted first, and
    the rest only when repeated names used those up."""
    if head >= len(scores):
        parts = [np.arange(len(scores))]
    else:
        partition = np.argpartition(-scores, head)
        parts = [partition[:head], partition[head:]]
    for part in parts:
        yield from (int(i) for i in part[np.lexsort((part, -scores[part]))])


def wants_selection(body: dict[str, Any], config: ToolSelection) -> bool:
    """tool_choice "auto" with no tools, or with more than the request limit."""
    if not config.enabled or body.get("tool_choice") != "auto":
        return False
    tools = body.get("tools")
    return not tools or (isinstance(tools, list) and len(tools) > config.max_request_tools)


async def select_tools(
    body: dict[str, Any],
    query: np.ndarray,
    query_text: str,
    index: ToolIndex,
    config: ToolSelection,
    encoder: Embedder,
) -> list[dict[str, Any]] | None:
    """The tools to forward, or None to leave the request's tools alone.

    With no tools, candidates come from the database. With too many, the request's own tools
    are ranked (their vectors come from the database by name, else one batched Triton call;
    BM25 statistics come from the request's tools, which are the candidates to tell apart).
    """
    requested = body.get("tools")
    weight = config.lexical_weight
    if not requested:
        chosen = top_tools(query, query_text, index, config.top_k, config.threshold, weight)
        return [index.tools[i] for i, _ in chosen] or None
    tools = [as_openai_tool(t) for t in requested if isinstance(t, dict)]
    if not tools:
        return None
    names = [t["function"]["name"] for t in tools]
    missing = [t for t, name in zip(tools, names, strict=True) if name not in index.rows]
    fresh_rows: dict[str, tuple[np.ndarray, Terms]] = {}
    if missing:
        texts = [tool_text(t) for t in missing]
        # Tokenising many tools takes milliseconds: a thread, while Triton embeds them.
        vectors, terms = await asyncio.gather(
            encoder.embed(texts), asyncio.to_thread(lambda: [Terms.of(t) for t in texts])
        )
        fresh_rows = {
            t["function"]["name"]: (row, term)
            for t, row, term in zip(missing, vectors, terms, strict=True)
        }

    def row(name: str) -> tuple[np.ndarray, Terms]:
        if name in fresh_rows:
            return fresh_rows[name]
        i = index.rows[name]
        return index.vectors[i], index.terms[i]

    found = [row(name) for name in names]
    cosine = cosines(query, np.stack([vector for vector, _ in found]))
    lexical = bm25(query_text, [term for _, term in found]) if weight else None
    chosen = rank(cosine, lexical, tools, config.top_k, -1.0, weight)
    return [tools[i] for i, _ in chosen]
