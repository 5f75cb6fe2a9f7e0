"""Scores for each head on held-out examples (pure numpy: unit-testable without a model)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np

ORDINARY_SOURCES = ("mmlu", "gsm8k", "mt_bench")


def classification(
    probs: np.ndarray, gold: np.ndarray, labels: Sequence[str], sources: Sequence[str]
) -> dict:
    pred = probs.argmax(1)
    k = len(labels)
    confusion = np.zeros((k, k), dtype=np.int64)
    for g, p in zip(gold, pred, strict=True):
        confusion[g, p] += 1
    per_class = {}
    for i, name in enumerate(labels):
        tp = confusion[i, i]
        precision = tp / max(1, confusion[:, i].sum())
        recall = tp / max(1, confusion[i].sum())
        f1 = 2 * precision * recall / max(1e-12, precision + recall)
        per_class[name] = {
            "precision": round(float(precision), 4),
            "recall": round(float(recall), 4),
            "f1": round(float(f1), 4),
            "support": int(confusion[i].sum()),
        }
    by_source: dict[str, list[bool]] = {}
    for s, g, p in zip(sources, gold, pred, strict=True):
        by_source.setdefault(s, []).append(bool(g == p))
    weakest = sorted(per_class, key=lambda n: per_class[n]["f1"])[:3]
    return {
        "n": len(gold),
        "accuracy": round(float((pred == gold).mean()), 4),
        "macro_f1": round(float(np.mean([c["f1"] for c in per_class.values()])), 4),
        "per_class": per_class,
        "weakest": weakest,
        "accuracy_by_source": {s: round(float(np.mean(v)), 4) for s, v in by_source.items()},
        "n_by_source": {s: len(v) for s, v in by_source.items()},
        "confusion": confusion.tolist(),
        "labels": list(labels),
    }


def attack_scores(guard_probs: np.ndarray, benign_index: int = 0) -> np.ndarray:
    return 1.0 - guard_probs[:, benign_index]


def rate_threshold(scores: np.ndarray, max_rate: float) -> float:
    """Lowest threshold that at most `max_rate` of `scores` reach (0.5 when there are none)."""
    ordered = np.sort(scores)
    if len(ordered) == 0:
        return 0.5
    allowed = int(np.floor(max_rate * len(ordered)))
    return float(ordered[len(ordered) - allowed - 1] + 1e-6)


def guard_threshold(scores: np.ndarray, ordinary: np.ndarray, max_fpr: float = 0.01) -> float:
    """Lowest threshold whose false-positive rate on ordinary questions stays <= max_fpr."""
    return rate_threshold(scores[ordinary], max_fpr)


def guard(
    probs: np.ndarray,
    gold: np.ndarray,
    labels: Sequence[str],
    sources: Sequence[str],
    threshold: float,
) -> dict:
    scores = attack_scores(probs)
    flagged = scores >= threshold
    attack = gold != 0
    ordinary = np.array([s in ORDINARY_SOURCES for s in sources]) & ~attack
    hard = ~np.array([s in ORDINARY_SOURCES for s in sources]) & ~attack
    per_label = {
        name: round(float(flagged[gold == i].mean()), 4) if (gold == i).any() else None
        for i, name in enumerate(labels)
        if i
    }
    attack_sources = Counter(s for s, a in zip(sources, attack, strict=True) if a)
    by_source = {
        s: round(float(flagged[np.array(sources) == s][attack[np.array(sources) == s]].mean()), 4)
        for s in attack_sources
    }
    return {
        "threshold": round(threshold, 6),
        "attack_recall": round(float(flagged[attack].mean()), 4),
        "attack_recall_by_label": per_label,
        "attack_recall_by_source": by_source,
        "fpr_ordinary_questions": round(float(flagged[ordinary].mean()), 4),
        "fpr_hard_benign": round(float(flagged[hard].mean()), 4) if hard.any() else None,
        "n_attacks": int(attack.sum()),
        "n_ordinary": int(ordinary.sum()),
        "n_hard_benign": int(hard.sum()),
        "recall_at_0.5": round(float((scores[attack] >= 0.5).mean()), 4),
        "fpr_ordinary_at_0.5": round(float((scores[ordinary] >= 0.5).mean()), 4),
    }


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def pii(
    predicted: Sequence[Sequence[dict]],
    gold: Sequence[Sequence[tuple[int, int, str]]],
    types: Sequence[str],
) -> dict:
    """Entity recall/precision: same type and overlapping characters (exact match reported too)."""
    found = Counter[str]()
    exact = Counter[str]()
    total = Counter[str]()
    correct_pred = 0
    n_pred = 0
    for pred, spans in zip(predicted, gold, strict=True):
        for start, end, kind in spans:
            total[kind] += 1
            hits = [
                p
                for p in pred
                if p["type"] == kind and _overlaps((start, end), (p["start"], p["end"]))
            ]
            found[kind] += bool(hits)
            exact[kind] += any(p["start"] == start and p["end"] == end for p in hits)
        for p in pred:
            n_pred += 1
            correct_pred += any(
                kind == p["type"] and _overlaps((s, e), (p["start"], p["end"]))
                for s, e, kind in spans
            )
    n = sum(total.values())
    return {
        "entities": n,
        "recall": round(sum(found.values()) / max(1, n), 4),
        "exact_recall": round(sum(exact.values()) / max(1, n), 4),
        "precision": round(correct_pred / max(1, n_pred), 4),
        "recall_by_type": {t: round(found[t] / total[t], 4) for t in types if total[t]},
        "support_by_type": {t: total[t] for t in types if total[t]},
    }


def flagged_rate(predicted: Sequence[Sequence[dict]]) -> float:
    return round(float(np.mean([bool(p) for p in predicted])), 4) if predicted else 0.0
