"""Approximate inner-product search for large scopes: an hnswlib graph (HNSW).

A full scan of 100,000 x 384 float32 reads 150 MB per lookup and is memory-bound (~13 ms
p99 here); the graph visits a few hundred vectors instead. A neighbour the walk misses
costs a cache miss, never a wrong answer (hits are still thresholded and verified).

Removal marks the slot deleted and the next insert reuses it (`allow_replace_deleted`), so
the graph never holds more slots than the scope's peak size. Capacity grows by doubling;
the owner rebuilds a graph that became mostly empty (see vector_index.py).

hnswlib is not thread-safe between `add_items` and `knn_query`: an instance must be used
by one thread at a time (the cache's index worker), except while it is being built.

The module comes from `chroma-hnswlib`, a fork with the same API (`import hnswlib`) that
publishes manylinux wheels: upstream `hnswlib` 0.8.0 is a source-only package, which the
wheel-only image build (deploy/images) cannot install, and a source build defaults to
`-march=native`, which would tie an image to the CPU that built it.
"""

from __future__ import annotations

import hnswlib
import numpy as np

# On 100,000 clustered 384-d vectors (bench/cache_latency.py's corpus), recall@1 of the
# true nearest neighbour with M=16: ef_construction 64 -> 0.976, 128 -> 0.996 at ef=64 (the
# walk costs the same, ~0.67 ms p50 here; the build, off the request path, 1.7x more);
# ef=48 -> 0.989 at ~0.57 ms.
LINKS = 16
EF_CONSTRUCTION = 128
EF_SEARCH = 64
MIN_CAPACITY = 64


class HnswIndex:
    """Integer ids -> unit vectors, searched approximately."""

    def __init__(self, dim: int, capacity: int = MIN_CAPACITY, ef: int = EF_SEARCH) -> None:
        self._graph = hnswlib.Index(space="ip", dim=dim)
        self._graph.init_index(
            max_elements=max(capacity, MIN_CAPACITY),
            ef_construction=EF_CONSTRUCTION,
            M=LINKS,
            allow_replace_deleted=True,
        )
        self._ef = ef
        self._graph.set_ef(ef)
        self._live: set[int] = set()

    def __len__(self) -> int:
        return len(self._live)

    def __contains__(self, item: int) -> bool:
        return item in self._live

    @property
    def capacity(self) -> int:
        return int(self._graph.get_max_elements())

    def ids(self) -> list[int]:
        return list(self._live)

    def vectors(self, items: list[int]) -> np.ndarray:
        if not items:
            return np.empty((0, self._graph.dim), dtype=np.float32)
        return np.asarray(self._graph.get_items(items), dtype=np.float32)

    def add(self, item: int, vector: np.ndarray) -> None:
        self.add_many([item], vector.reshape(1, -1))

    def add_many(self, items: list[int], vectors: np.ndarray) -> HnswIndex:
        """Insert rows (reusing deleted slots first); returns self so a build can be chained."""
        if not items:
            return self
        used = int(self._graph.get_current_count())  # live and deleted slots
        free_deleted = used - len(self._live)
        needed = used + max(0, len(items) - free_deleted)
        if needed > self.capacity:
            self._graph.resize_index(max(needed, 2 * self.capacity))
        self._graph.add_items(
            np.asarray(vectors, dtype=np.float32), items, num_threads=1, replace_deleted=True
        )
        self._live.update(items)
        return self

    def remove(self, item: int) -> None:
        if item in self._live:
            self._live.discard(item)
            self._graph.mark_deleted(item)

    def search(self, query: np.ndarray, limit: int, min_score: float) -> list[tuple[int, float]]:
        """Up to `limit` (id, score) pairs with score >= min_score, best first."""
        k = min(limit, len(self._live))
        while k > 0:
            self._graph.set_ef(max(self._ef, k))
            try:
                labels, distances = self._graph.knn_query(query, k=k, num_threads=1)
            except RuntimeError:  # the walk found fewer than k live nodes (many deletions)
                k //= 2
                continue
            scores = 1.0 - distances[0]  # hnswlib's "ip" distance is 1 - <a, b>
            return [
                (int(label), float(score))
                for label, score in zip(labels[0], scores, strict=True)
                if score >= min_score
            ]
        return []
