"""Nearest cached queries within one scope, in numpy, fast enough for the request path.

A scope's vectors live in buckets (contiguous float32 matrices, searched with one
matrix-vector product each). A scope starts with one bucket, so small scopes are searched
exactly. A bucket that grows past `max_bucket` rows is split in two with a few rounds of
2-means; a query then scans only the `probes` buckets whose centroids are nearest. At 100,000
entries in one scope that reads ~8 buckets of ~700 rows instead of 100,000 rows (~18 ms on
this machine for a full scan). A neighbour missed this way costs a cache miss, never a wrong
answer. Removal is O(dim): the last row of the bucket moves into the hole.
"""

from __future__ import annotations

import numpy as np

SPLIT_ROUNDS = 6


class _Bucket:
    __slots__ = ("ids", "matrix", "rows", "split_at")

    def __init__(self, dim: int, max_rows: int, capacity: int = 16) -> None:
        self.matrix = np.empty((capacity, dim), dtype=np.float32)
        self.ids: list[int] = []
        self.rows: dict[int, int] = {}
        self.split_at = max_rows

    def __len__(self) -> int:
        return len(self.ids)

    def add(self, item: int, vector: np.ndarray) -> None:
        n = len(self.ids)
        if n == len(self.matrix):
            grown = np.empty((2 * n, self.matrix.shape[1]), dtype=np.float32)
            grown[:n] = self.matrix
            self.matrix = grown
        self.matrix[n] = vector
        self.ids.append(item)
        self.rows[item] = n

    def remove(self, item: int) -> None:
        row = self.rows.pop(item)
        last = len(self.ids) - 1
        moved = self.ids.pop()
        if row != last:
            self.matrix[row] = self.matrix[last]
            self.ids[row] = moved
            self.rows[moved] = row

    def vectors(self) -> np.ndarray:
        return self.matrix[: len(self.ids)]


class VectorIndex:
    """Inner-product search over unit vectors with integer ids."""

    def __init__(self, dim: int, max_bucket: int = 1024, probes: int = 8) -> None:
        self.dim = dim
        self.max_bucket = max_bucket
        self.probes = probes
        self._buckets: list[_Bucket] = [_Bucket(dim, max_bucket)]
        self._centroids = np.zeros((1, dim), dtype=np.float32)
        self._where: dict[int, _Bucket] = {}

    def __len__(self) -> int:
        return len(self._where)

    def add(self, item: int, vector: np.ndarray) -> None:
        bucket = self._buckets[int(np.argmax(self._centroids @ vector))]
        bucket.add(item, vector)
        self._where[item] = bucket
        if len(bucket) > bucket.split_at:
            self._split(bucket)

    def remove(self, item: int) -> None:
        bucket = self._where.pop(item, None)
        if bucket is None:
            return
        bucket.remove(item)
        if not bucket and len(self._buckets) > 1:
            i = self._buckets.index(bucket)
            del self._buckets[i]
            self._centroids = np.delete(self._centroids, i, axis=0)

    def search(self, query: np.ndarray, limit: int, min_score: float) -> list[tuple[int, float]]:
        """Up to `limit` (id, score) pairs with score >= min_score, best first."""
        if len(self._buckets) <= self.probes:
            buckets = self._buckets
        else:
            nearest = np.argpartition(self._centroids @ query, -self.probes)[-self.probes :]
            buckets = [self._buckets[i] for i in nearest]
        found: list[tuple[int, float]] = []
        for bucket in buckets:
            if not bucket:
                continue
            scores = bucket.vectors() @ query
            for row in np.flatnonzero(scores >= min_score):
                found.append((bucket.ids[row], float(scores[row])))
        found.sort(key=lambda pair: -pair[1])
        return found[:limit]

    def _split(self, bucket: _Bucket) -> None:
        vectors = bucket.vectors()
        assignment = _two_means(vectors)
        if assignment.all() or not assignment.any():
            bucket.split_at *= 2  # cannot separate these rows; try again when it has doubled
            return
        i = self._buckets.index(bucket)
        halves = []
        for side in (False, True):
            half = _Bucket(self.dim, self.max_bucket, capacity=2 * self.max_bucket)
            for row in np.flatnonzero(assignment == side):
                item = bucket.ids[row]
                half.add(item, vectors[row])
                self._where[item] = half
            halves.append(half)
        self._buckets[i] = halves[0]
        self._buckets.append(halves[1])
        self._centroids[i] = _unit(halves[0].vectors().mean(axis=0))
        self._centroids = np.vstack([self._centroids, _unit(halves[1].vectors().mean(axis=0))])


def _two_means(vectors: np.ndarray) -> np.ndarray:
    """Boolean side of each row; deterministic seeds (first row, and the row least like it)."""
    first = vectors[0]
    second = vectors[int(np.argmin(vectors @ first))]
    centres = np.stack([first, second])
    side = np.zeros(len(vectors), dtype=bool)
    for _ in range(SPLIT_ROUNDS):
        side = np.argmax(vectors @ centres.T, axis=1).astype(bool)
        if side.all() or not side.any():
            break
        centres = np.stack([_unit(vectors[~side].mean(axis=0)), _unit(vectors[side].mean(axis=0))])
    return side


def _unit(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 0 else vector
