"""Routing by example utterances: the query embedding against each category's examples."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class CategoryMatch:
    category: str
    score: float


class ExampleIndex:
    """Cosine similarity to every example, aggregated per category as the mean of the top k.

    Top-k mean (as aurelio's semantic-router does) is steadier than the single nearest
    example: one odd example cannot capture queries on its own.
    """

    def __init__(self, labels: list[str], vectors: np.ndarray, top_k: int) -> None:
        if len(labels) != len(vectors):
            raise ValueError("one label per example vector")
        self.vectors = _normalise(vectors.astype(np.float32))
        self.top_k = top_k
        names = list(dict.fromkeys(labels))
        self.groups = [
            (name, np.array([i for i, lab in enumerate(labels) if lab == name])) for name in names
        ]

    def __len__(self) -> int:
        return len(self.vectors)

    def scores(self, query: np.ndarray) -> dict[str, float]:
        if not len(self.vectors):
            return {}
        similarities = self.vectors @ _normalise(query.astype(np.float32).reshape(1, -1))[0]
        result = {}
        for name, rows in self.groups:
            values = similarities[rows]
            k = min(self.top_k, len(values))
            result[name] = float(np.mean(np.partition(values, len(values) - k)[-k:]))
        return result

    def match(self, query: np.ndarray) -> CategoryMatch | None:
        scores = self.scores(query)
        if not scores:
            return None
        name = max(scores, key=lambda n: scores[n])
        return CategoryMatch(name, scores[name])


def _normalise(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.maximum(norms, 1e-12)
