from __future__ import annotations

import numpy as np

from export import metrics
from export.calibrate import fit_temperature


def test_guard_threshold_keeps_false_positives_under_one_percent() -> None:
    rng = np.random.default_rng(0)
    scores = rng.random(1000)
    threshold = metrics.guard_threshold(scores, np.ones(1000, dtype=bool), 0.01)
    assert (scores >= threshold).mean() <= 0.01


def test_pii_recall_counts_type_and_overlap() -> None:
    gold = [[(0, 4, "PERSON"), (10, 20, "EMAIL_ADDRESS")]]
    pred = [
        [
            {"type": "PERSON", "start": 0, "end": 4, "score": 0.9},
            {"type": "GPE", "start": 10, "end": 12, "score": 0.9},
        ]
    ]
    scores = metrics.pii(pred, gold, ["PERSON", "EMAIL_ADDRESS"])
    assert scores["recall"] == 0.5 and scores["precision"] == 0.5


def test_temperature_recovers_overconfidence() -> None:
    rng = np.random.default_rng(1)
    gold = rng.integers(0, 3, 2000)
    logits = rng.normal(size=(2000, 3))
    logits[np.arange(2000), gold] += 1.0
    assert fit_temperature(logits * 4, gold) > 2.0


def test_pii_threshold_flags_at_most_one_percent_of_ordinary_questions() -> None:
    from export.build import pii_threshold

    rng = np.random.default_rng(2)
    highest = rng.beta(1, 8, 2000)  # each question's highest token entity probability
    threshold = pii_threshold(highest, 0.01)
    assert (highest >= threshold).mean() <= 0.01
    assert (highest >= threshold - 0.02).mean() > 0.01  # and not needlessly high
    assert pii_threshold(np.zeros(0)) == 0.5
