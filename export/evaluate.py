"""Scores of an exported graph on the held-out test split, through ONNX Runtime."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from export import metrics
from export.datasets import Example
from export.inference import Predictions, predict
from export.labels import CATEGORY_LABELS, GUARD_LABELS, PII_TYPES


def category_scores(probs: np.ndarray, examples: Sequence[Example]) -> dict:
    """Category metrics over the rows that carry a category label."""
    rows = [i for i, e in enumerate(examples) if e.category >= 0]
    return metrics.classification(
        probs[rows],
        np.array([examples[i].category for i in rows]),
        CATEGORY_LABELS,
        [examples[i].source for i in rows],
    )


def score(pred: Predictions, examples: Sequence[Example], guard_threshold: float) -> dict:
    """Metrics per head; rows a head has no label for are left out of that head's score."""
    guard_rows = [i for i, e in enumerate(examples) if e.guard >= 0]
    pii_rows = [i for i, e in enumerate(examples) if e.source == "presidio"]
    ordinary = [i for i, e in enumerate(examples) if e.source in metrics.ORDINARY_SOURCES]
    return {
        "category": category_scores(pred.category, examples),
        "guard": {
            **metrics.guard(
                pred.guard[guard_rows],
                np.array([examples[i].guard for i in guard_rows]),
                GUARD_LABELS,
                [examples[i].source for i in guard_rows],
                guard_threshold,
            ),
            "classes": metrics.classification(
                pred.guard[guard_rows],
                np.array([examples[i].guard for i in guard_rows]),
                GUARD_LABELS,
                [examples[i].source for i in guard_rows],
            ),
        },
        "pii": {
            **metrics.pii(
                [pred.pii_spans[i] for i in pii_rows],
                [examples[i].pii_spans or () for i in pii_rows],
                PII_TYPES,
            ),
            "flagged_ordinary_questions": metrics.flagged_rate(
                [pred.pii_spans[i] for i in ordinary]
            ),
            "n_ordinary_questions": len(ordinary),
        },
    }


def evaluate_graph(
    onnx_path: Path,
    tokenizer_path: Path,
    examples: Sequence[Example],
    extra_texts: Sequence[str],
    guard_threshold: float,
    desc: str,
    pii_threshold: float = 0.5,
) -> tuple[dict, Predictions, np.ndarray]:
    """Scores on `examples` and the embeddings of `extra_texts` from the same pass."""
    texts = [e.text for e in examples] + list(extra_texts)
    pred = predict(onnx_path, tokenizer_path, texts, desc=desc, pii_threshold=pii_threshold)
    n = len(examples)
    head = Predictions(pred.embedding[:n], pred.category[:n], pred.guard[:n], pred.pii_spans[:n])
    return score(head, examples, guard_threshold), head, pred.embedding[n:]


def category_only(pred: Predictions, examples: Sequence[Example], keep: Sequence[str]) -> dict:
    rows = [i for i, e in enumerate(examples) if e.category >= 0 and e.source in keep]
    return metrics.classification(
        pred.category[rows],
        np.array([examples[i].category for i in rows]),
        CATEGORY_LABELS,
        [examples[i].source for i in rows],
    )
