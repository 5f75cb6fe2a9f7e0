"""The category bank: the served vote and mix (model.py) and the fit the export makes."""

from __future__ import annotations

import json

import numpy as np

from export.category_neighbours import BANK_FILE, bank_votes, fit_mix, write_bank
from export.served_model import load_model_module

SERVED = load_model_module()


def _unit(rows: list[list[float]]) -> np.ndarray:
    matrix = np.array(rows, dtype=np.float32)
    return matrix / np.linalg.norm(matrix, axis=1, keepdims=True)


BANK = _unit([[1, 0, 0], [0.9, 0.1, 0], [0, 1, 0], [0, 0.9, 0.1], [0, 0, 1]])
BANK_LABELS = np.array([0, 0, 1, 1, 2])


def test_the_nearest_questions_vote_for_their_category(tmp_path) -> None:
    bank = write_bank(BANK, BANK_LABELS, tmp_path / BANK_FILE, k=2)
    votes = bank_votes(bank, _unit([[1, 0.05, 0], [0, 0.1, 1]]), 3)
    assert votes.shape == (2, 3)
    assert np.allclose(votes.sum(1), 1.0)
    assert votes[0].argmax() == 0 and votes[0, 0] > 0.99
    # The second query's two nearest are the category-2 row and a category-1 row.
    assert votes[1].argmax() == 2 and votes[1, 1] > 0.0 and votes[1, 0] == 0.0


def test_the_int8_bank_ranks_as_the_exact_cosines_do(tmp_path) -> None:
    rng = np.random.default_rng(1)
    rows = _unit(rng.standard_normal((500, 16)).tolist())
    queries = _unit(rng.standard_normal((20, 16)).tolist())
    bank = write_bank(rows, np.arange(500) % 7, tmp_path / BANK_FILE, k=5)
    from export.inference import session

    sims, labels = session(bank).run(["top_sims", "top_labels"], {"EMBEDDING": queries})
    exact = queries @ rows.T
    best = np.sort(exact, axis=1)[:, ::-1][:, :5]
    assert np.abs(sims - best).max() < 0.03
    # The top label belongs to a row whose exact cosine is within quantization error of the best.
    for i in range(len(queries)):
        close = np.flatnonzero(exact[i] >= best[i, 0] - 0.03) % 7
        assert labels[i, 0] in close


def test_a_bank_smaller_than_k_votes_with_every_row(tmp_path) -> None:
    bank = write_bank(BANK, BANK_LABELS, tmp_path / BANK_FILE, k=50)
    votes = bank_votes(bank, _unit([[1, 1, 1]]), 3)
    assert np.all(votes > 0.0)


def test_the_mix_moves_from_the_head_to_the_vote_with_its_weight() -> None:
    head = np.array([[0.7, 0.2, 0.1]])
    votes = np.array([[0.0, 1.0, 0.0]])
    assert SERVED.mix_category(head, votes, 0.0).argmax() == 0
    assert SERVED.mix_category(head, votes, 1.0).argmax() == 1
    mixed = SERVED.mix_category(head, votes, 0.5)
    assert mixed.dtype == np.float32 and np.isclose(mixed.sum(), 1.0)
    # A higher temperature flattens the distribution without changing its order.
    flatter = SERVED.mix_category(head, votes, 0.5, temperature=3.0)
    assert flatter.max() < mixed.max() and flatter.argmax() == mixed.argmax()


def test_fit_picks_the_weight_that_helps_on_validation() -> None:
    rng = np.random.default_rng(0)
    gold = rng.integers(0, 4, 400)
    head = np.full((400, 4), 0.25)
    head[np.arange(400), (gold + 1) % 4] = 0.4  # the head is always wrong
    head /= head.sum(1, keepdims=True)
    votes = np.full((400, 4), 0.05)
    votes[np.arange(400), gold] = 0.85  # the vote is right
    fitted = fit_mix(head, votes, gold)
    assert fitted["weight"] > 0.0
    assert fitted["val_accuracy_mixed"] == 1.0 and fitted["val_accuracy_head"] == 0.0
    # When the vote is noise, the head keeps (nearly) all the weight.
    noise = rng.dirichlet(np.ones(4), 400)
    right = np.full((400, 4), 0.1)
    right[np.arange(400), gold] = 0.7
    assert fit_mix(right, noise, gold)["weight"] <= 0.3


def test_the_export_writes_the_bank_file_the_served_model_reads() -> None:
    assert BANK_FILE == SERVED.CATEGORY_BANK


def test_a_version_with_a_bank_serves_the_mix_and_off_serves_the_head(tmp_path) -> None:
    assert SERVED.load_neighbours(tmp_path, "calibrated") is None
    write_bank(BANK, BANK_LABELS, tmp_path / BANK_FILE, k=2)
    assert SERVED.load_neighbours(tmp_path, "calibrated") is None  # no manifest entry yet
    settings = {"k": 2, "temperature": 0.05, "weight": 1.0, "mix_temperature": 1.0}
    (tmp_path / "manifest.json").write_text(
        json.dumps({"calibration": {"category_neighbours": settings}})
    )
    neighbours = SERVED.load_neighbours(tmp_path, "calibrated")
    assert neighbours is not None
    head = np.array([[0.9, 0.05, 0.05]], dtype=np.float32)
    assert neighbours.mix(head, _unit([[0, 1, 0]])).argmax() == 1
    assert SERVED.load_neighbours(tmp_path, "off") is None
