"""Brute-force inner-product search over one contiguous float32 matrix.

Used for small scopes: below a few thousand rows one matrix-vector product is as fast as a
graph walk, exact, and costs no index memory beyond the vectors. Removal is O(dim): the last
row moves into the hole. The matrix grows and shrinks by halves, so its slack stays bounded.
"""

from __future__ import annotations

import numpy as np

MIN_CAPACITY = 16


class ExactIndex:
    """Integer ids -> unit vectors; `search` scans every row."""

    __slots__ = ("_ids", "_matrix", "_rows")

    def __init__(self, dim: int, capacity: int = MIN_CAPACITY) -> None:
        self._matrix = np.empty((max(capacity, MIN_CAPACITY), dim), dtype=np.float32)
        self._ids: list[int] = []
        self._rows: dict[int, int] = {}

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, item: int) -> bool:
        return item in self._rows

    @property
    def capacity(self) -> int:
        return len(self._matrix)

    def ids(self) -> list[int]:
        return list(self._ids)

    def vectors(self, items: list[int]) -> np.ndarray:
        return self._matrix[[self._rows[i] for i in items]]

    def add(self, item: int, vector: np.ndarray) -> None:
        n = len(self._ids)
        if n == len(self._matrix):
            self._resize(2 * n)
        self._matrix[n] = vector
        self._ids.append(item)
        self._rows[item] = n

    def add_many(self, items: list[int], vectors: np.ndarray) -> None:
        for item, vector in zip(items, vectors, strict=True):
            self.add(item, vector)

    def remove(self, item: int) -> None:
        row = self._rows.pop(item, None)
        if row is None:
            return
        last = len(self._ids) - 1
        moved = self._ids.pop()
        if row != last:
            self._matrix[row] = self._matrix[last]
            self._ids[row] = moved
            self._rows[moved] = row
        if len(self._matrix) > MIN_CAPACITY and len(self._ids) < len(self._matrix) // 4:
            self._resize(len(self._matrix) // 2)

    def search(self, query: np.ndarray, limit: int, min_score: float) -> list[tuple[int, float]]:
        """Up to `limit` (id, score) pairs with score >= min_score, best first."""
        n = len(self._ids)
        if not n or limit <= 0:
            return []
        scores = self._matrix[:n] @ query
        if n > limit:
            top = np.argpartition(scores, n - limit)[n - limit :]
        else:
            top = np.arange(n)
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self._ids[r], float(scores[r])) for r in top if scores[r] >= min_score]

    def _resize(self, capacity: int) -> None:
        n = len(self._ids)
        matrix = np.empty((max(capacity, MIN_CAPACITY, n), self._matrix.shape[1]), np.float32)
        matrix[:n] = self._matrix[:n]
        self._matrix = matrix
