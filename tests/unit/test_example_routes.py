import numpy as np
import pytest

from orchestrator.example_routes import ExampleIndex


def test_top_k_mean_aggregates_per_category() -> None:
    vectors = np.array([[1, 0], [0.8, 0.6], [0, 1]], dtype=np.float32)
    index = ExampleIndex(["a", "a", "b"], vectors, top_k=2)
    scores = index.scores(np.array([1.0, 0.0]))
    assert scores["a"] == pytest.approx((1.0 + 0.8) / 2)
    assert scores["b"] == pytest.approx(0.0)
    match = index.match(np.array([0.1, 1.0]))
    assert match is not None and match.category == "b"


def test_top_k_larger_than_examples_uses_all() -> None:
    index = ExampleIndex(["a"], np.array([[2.0, 0.0]]), top_k=5)
    assert index.scores(np.array([3.0, 0.0]))["a"] == pytest.approx(1.0)


def test_empty_index_matches_nothing() -> None:
    index = ExampleIndex([], np.zeros((0, 4), dtype=np.float32), top_k=3)
    assert len(index) == 0
    assert index.match(np.ones(4)) is None


def test_labels_must_match_vectors() -> None:
    with pytest.raises(ValueError):
        ExampleIndex(["a", "b"], np.ones((1, 2)), top_k=1)
