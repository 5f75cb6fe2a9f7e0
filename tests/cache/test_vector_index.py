"""The bucketed index agrees with brute force, before and after splits and removals."""

from __future__ import annotations

import numpy as np

from orchestrator.cache.vector_index import VectorIndex


def unit_rows(n: int, dim: int, seed: int) -> np.ndarray:
    rows = np.random.default_rng(seed).standard_normal((n, dim)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def brute(rows: dict[int, np.ndarray], query: np.ndarray, limit: int) -> list[int]:
    ids = sorted(rows, key=lambda i: -float(rows[i] @ query))
    return ids[:limit]


def test_probing_every_bucket_is_exact_after_splits_and_removals() -> None:
    data = unit_rows(600, 16, seed=1)
    index = VectorIndex(16, max_bucket=32, probes=10_000)
    rows = {i: data[i] for i in range(600)}
    for i, row in rows.items():
        index.add(i, row)
    for i in range(0, 600, 3):
        index.remove(i)
        del rows[i]
    assert len(index) == len(rows)
    assert len(index._buckets) > 10  # it did split
    for query in unit_rows(20, 16, seed=2):
        found = [i for i, _ in index.search(query, 5, -1.0)]
        assert found == brute(rows, query, 5)


def test_min_score_and_limit() -> None:
    index = VectorIndex(4)
    index.add(1, np.array([1, 0, 0, 0], dtype=np.float32))
    index.add(2, np.array([0.8, 0.6, 0, 0], dtype=np.float32))
    index.add(3, np.array([0, 1, 0, 0], dtype=np.float32))
    query = np.array([1, 0, 0, 0], dtype=np.float32)
    assert [i for i, _ in index.search(query, 5, 0.7)] == [1, 2]
    assert [i for i, _ in index.search(query, 1, 0.0)] == [1]


def test_few_probes_still_find_close_neighbours() -> None:
    """With 8 probes out of many buckets, a near-duplicate (cosine >= 0.9) is still found."""
    dim = 32
    centres = unit_rows(50, dim, seed=3)
    rng = np.random.default_rng(4)
    data = centres[rng.integers(0, 50, 5000)] + 0.5 * unit_rows(5000, dim, seed=5)
    data /= np.linalg.norm(data, axis=1, keepdims=True)
    index = VectorIndex(dim, max_bucket=128, probes=8)
    for i, row in enumerate(data):
        index.add(i, row)
    assert len(index._buckets) > 20
    targets = rng.integers(0, 5000, 200)
    noise = 0.3 * unit_rows(200, dim, seed=6)
    queries = data[targets] + noise
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    found = sum(
        int(t) in [i for i, _ in index.search(q, 5, 0.8)]
        for t, q in zip(targets, queries, strict=True)
    )
    assert found >= 190
