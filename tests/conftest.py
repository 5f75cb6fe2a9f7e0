"""Shared test helpers: a small valid config and a deterministic encoder double for unit tests.

Integration tests (tests/integration) use the real Triton instead of the double.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from orchestrator.config import RouterConfig, parse_config

# Three orthogonal directions stand in for "math", "poetry" and "code" meanings.
KEYWORDS = {"math": ("sum", "integral", "equation"), "poem": ("poem", "haiku"), "code": ("python",)}


def config_dict() -> dict[str, Any]:
    return {
        "default_model": "general",
        "models": [
            {
                "name": "math-model",
                "endpoints": [{"name": "m1", "address": "127.0.0.1", "port": 9101}],
            },
            {"name": "poet", "endpoints": [{"name": "p1", "address": "127.0.0.1", "port": 9102}]},
            {"name": "coder", "endpoints": [{"name": "c1", "address": "127.0.0.1", "port": 9103}]},
            {
                "name": "general",
                "endpoints": [{"name": "g1", "address": "127.0.0.1", "port": 9104}],
            },
        ],
        "example_routing": {"threshold": 0.7, "top_k": 1},
        "categories": [
            {
                "name": "math",
                "model_scores": [{"model": "math-model", "score": 1}],
                "examples": ["sum"],
            },
            {
                "name": "poetry",
                "model_scores": [{"model": "poet", "score": 1}],
                "examples": ["poem"],
            },
            {
                "name": "code",
                "model_scores": [{"model": "coder", "score": 1}],
                "examples": ["python"],
            },
        ],
    }


@pytest.fixture
def router_config() -> RouterConfig:
    return parse_config(config_dict())


class KeywordEncoder:
    """Embeds text onto three axes by keywords; records every batch it was asked for.

    `classifier` maps a keyword to (label, probability) for a fake category head.
    """

    def __init__(
        self,
        fail: bool = False,
        classifier: dict[str, tuple[str, float]] | None = None,
        attacks: dict[str, str] | None = None,
        pii: dict[str, str] | None = None,
    ) -> None:
        self.calls: list[list[str]] = []
        self.fail = fail
        self.classifier = classifier or {}
        self.attacks = attacks or {}  # word -> guard label scored 0.95
        self.pii = pii or {}  # word -> PII type, reported as a model span

    async def signals(self, texts: list[str]) -> list:
        from orchestrator.signals import PiiSpan, TextSignals

        embeddings = await self.embed(texts)
        result = []
        for text, embedding in zip(texts, embeddings, strict=True):
            category = {}
            for word, (label, probability) in self.classifier.items():
                if word in text.lower():
                    category = {label: probability, "other": 1 - probability}
            guard = {"benign": 0.97, "jailbreak": 0.01, "prompt_injection": 0.01, "harmful": 0.01}
            for word, label in self.attacks.items():
                if word in text.lower():
                    guard = {k: (0.95 if k == label else 0.05 / 3) for k in guard}
            spans = tuple(
                PiiSpan(kind, text.find(word), text.find(word) + len(word), 0.9)
                for word, kind in self.pii.items()
                if word in text
            )
            result.append(
                TextSignals(embedding=embedding, category=category, guard=guard, pii=spans)
            )
        return result

    async def embed(self, texts: list[str]) -> np.ndarray:
        from orchestrator.signals import SignalError

        self.calls.append(list(texts))
        if self.fail:
            raise SignalError("triton down")
        rows = []
        for text in texts:
            lowered = text.lower()
            row = [float(any(w in lowered for w in words)) for words in KEYWORDS.values()]
            rows.append(row if any(row) else [0.1, 0.1, 0.1])
        return np.array(rows, dtype=np.float32)
