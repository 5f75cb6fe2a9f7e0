"""Temperature scaling on the validation split: probabilities that mean what they say."""

from __future__ import annotations

import itertools

import numpy as np


def _nll(logits: np.ndarray, gold: np.ndarray, temperature: float) -> float:
    z = logits / temperature
    z = z - z.max(1, keepdims=True)
    log_probs = z - np.log(np.exp(z).sum(1, keepdims=True))
    return float(-log_probs[np.arange(len(gold)), gold].mean())


def fit_temperature(logits: np.ndarray, gold: np.ndarray) -> float:
    grid = np.exp(np.linspace(np.log(0.25), np.log(8.0), 121))
    return float(min(grid, key=lambda t: _nll(logits, gold, float(t))))


def expected_calibration_error(probs: np.ndarray, gold: np.ndarray, bins: int = 15) -> float:
    confidence = probs.max(1)
    correct = probs.argmax(1) == gold
    edges = np.linspace(0, 1, bins + 1)
    error = 0.0
    for lo, hi in itertools.pairwise(edges):
        inside = (confidence > lo) & (confidence <= hi)
        if inside.any():
            error += inside.mean() * abs(correct[inside].mean() - confidence[inside].mean())
    return round(float(error), 4)
