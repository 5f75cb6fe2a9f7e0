"""The per-scope index agrees with brute force: exact while small, HNSW (approximate) once
large, across promotion, deletions, slot reuse, background builds and shrinking."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from orchestrator.cache.exact_index import ExactIndex
from orchestrator.cache.hnsw_index import HnswIndex
from orchestrator.cache.vector_index import VectorIndex


def unit_rows(n: int, dim: int, seed: int) -> np.ndarray:
    rows = np.random.default_rng(seed).standard_normal((n, dim)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def brute(rows: dict[int, np.ndarray], query: np.ndarray, limit: int) -> list[int]:
    ids = sorted(rows, key=lambda i: -float(rows[i] @ query))
    return ids[:limit]


def recall_at_1(index: ExactIndex | HnswIndex | VectorIndex, rows: dict[int, np.ndarray]) -> float:
    queries = unit_rows(200, next(iter(rows.values())).shape[0], seed=99)
    hits = [index.search(q, 1, -1.0)[0][0] == brute(rows, q, 1)[0] for q in queries]
    return float(np.mean(hits))


def test_exact_index_is_brute_force_after_removals_and_shrinking() -> None:
    data = unit_rows(600, 16, seed=1)
    index = ExactIndex(16)
    rows = {i: data[i] for i in range(600)}
    for i, row in rows.items():
        index.add(i, row)
    grown = index.capacity
    for i in range(600):
        if i % 7:
            index.remove(i)
            del rows[i]
    assert len(index) == len(rows) and index.capacity < grown  # the matrix shrank
    for query in unit_rows(20, 16, seed=2):
        assert [i for i, _ in index.search(query, 5, -1.0)] == brute(rows, query, 5)


@pytest.mark.parametrize("kind", [ExactIndex, HnswIndex])
def test_min_score_and_limit(kind: type) -> None:
    index = kind(4)
    index.add(1, np.array([1, 0, 0, 0], dtype=np.float32))
    index.add(2, np.array([0.8, 0.6, 0, 0], dtype=np.float32))
    index.add(3, np.array([0, 1, 0, 0], dtype=np.float32))
    query = np.array([1, 0, 0, 0], dtype=np.float32)
    assert [i for i, _ in index.search(query, 5, 0.7)] == [1, 2]
    assert [i for i, _ in index.search(query, 1, 0.0)] == [1]
    scores = [s for _, s in index.search(query, 5, -1.0)]
    assert scores == pytest.approx([1.0, 0.8, 0.0], abs=1e-6)


def test_hnsw_finds_the_true_nearest_neighbour() -> None:
    data = unit_rows(3000, 32, seed=3)
    index = HnswIndex(32)
    index.add_many(list(range(3000)), data)
    assert recall_at_1(index, dict(enumerate(data))) >= 0.97


def test_hnsw_deleted_entries_never_come_back_and_their_slots_are_reused() -> None:
    data = unit_rows(2000, 32, seed=4)
    index = HnswIndex(32, capacity=1000)
    index.add_many(list(range(1000)), data[:1000])
    rows = {i: data[i] for i in range(1000)}
    for i in range(0, 1000, 2):
        index.remove(i)
        del rows[i]
    for query in data[:1000:2]:  # each removed row's own vector
        assert all(i % 2 for i, _ in index.search(query, 5, -1.0))
    index.add_many(list(range(1000, 1500)), data[1000:1500])
    rows |= {i: data[i] for i in range(1000, 1500)}
    assert index.capacity == 1000  # the 500 new rows took the deleted slots
    assert len(index) == 1000
    assert recall_at_1(index, rows) >= 0.95


def test_scope_is_exact_until_the_limit_then_hnsw_then_exact_again() -> None:
    data = unit_rows(400, 16, seed=5)
    index = VectorIndex(16, exact_limit=100)
    rows = {}
    for i in range(400):
        index.add(i, data[i])
        rows[i] = data[i]
        assert index.kind == ("exact" if i < 100 else "hnsw")
    assert recall_at_1(index, rows) >= 0.95
    for i in range(351):
        index.remove(i)
        del rows[i]
    assert index.kind == "exact" and len(index) == 49  # at half the limit it scans again
    for query in unit_rows(20, 16, seed=6):
        assert [i for i, _ in index.search(query, 5, -1.0)] == brute(rows, query, 5)


def test_a_mostly_empty_graph_is_rebuilt_smaller() -> None:
    data = unit_rows(3000, 16, seed=7)
    index = VectorIndex(16, exact_limit=64)
    for i in range(3000):
        index.add(i, data[i])
    big = index.capacity
    rows = {i: data[i] for i in range(2400, 3000)}
    for i in range(2400):
        index.remove(i)
    assert index.kind == "hnsw" and len(index) == 600
    assert index.capacity < big / 2 and index.capacity <= 4 * 600
    assert recall_at_1(index, rows) >= 0.95


def test_background_build_replays_what_changed_while_it_ran() -> None:
    """Rows added and removed while the graph is built on another thread are all accounted
    for once it is adopted."""
    data = unit_rows(1500, 16, seed=8)
    with ThreadPoolExecutor(1) as builder:
        index = VectorIndex(16, exact_limit=200, builder=builder)
        rows = {}
        for i in range(1500):
            index.add(i, data[i])
            rows[i] = data[i]
            if i % 3 == 0 and i > 150:
                index.remove(i - 100)
                del rows[i - 100]
        index.finish_build()
    assert index.kind == "hnsw" and not index.building
    assert len(index) == len(rows)
    removed = [i for i in range(1500) if i not in rows]
    assert len(removed) > 400
    for query in data[removed]:  # removed rows are never found, even by their own vector
        assert all(i in rows for i, _ in index.search(query, 5, -1.0))
    assert recall_at_1(index, rows) >= 0.95
