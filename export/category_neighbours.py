"""The category bank: training questions' embeddings, voting with the head at serving time.

The head alone misses questions whose subject MMLU files elsewhere (nutrition under health,
marketing under other); their nearest training questions often carry the right label. On
version 13's test split the head scored 83.4%, the nearest-neighbour vote alone 83.8-85.5% and
the two mixed 86.2-86.7% across the settings tried (bench/RESULTS.md, 2026-11-22). The vote's
k and temperature were picked on validation then; the mix weight and its temperature are
fitted on each build's validation split here, and written to the manifest, where the served
model.py reads them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from export.calibrate import expected_calibration_error, fit_temperature
from export.datasets import Example
from export.inference import predict
from export.served_model import load_model_module

BANK_FILE = "category_bank.npz"  # model.py's CATEGORY_BANK
K = 10
TEMPERATURE = 0.05
WEIGHTS = tuple(round(w, 2) for w in np.linspace(0.0, 1.0, 11))


@dataclass
class CategoryBank:
    embeddings: np.ndarray  # unit-length rows, as the graph's EMBEDDING output
    labels: np.ndarray

    def save(self, path: Path) -> Path:
        np.savez(path, embeddings=self.embeddings.astype(np.float16), labels=self.labels)
        return path

    def votes(self, embeddings: np.ndarray, classes: int) -> np.ndarray:
        served = load_model_module()
        bank = self.embeddings.astype(np.float32)
        return served.neighbour_probs(embeddings, bank, self.labels, classes, K, TEMPERATURE)


def labelled(examples: list[Example]) -> list[Example]:
    return [e for e in examples if e.category >= 0]


def build_bank(graph: Path, tokenizer: Path, train: list[Example]) -> CategoryBank:
    rows = labelled(train)
    pred = predict(graph, tokenizer, [e.text for e in rows], desc="category bank")
    return CategoryBank(pred.embedding, np.array([e.category for e in rows], dtype=np.int16))


def fit_mix(head: np.ndarray, votes: np.ndarray, gold: np.ndarray) -> dict:
    """The weight with the best validation accuracy (the lighter one on ties), then the
    temperature that makes the mixed probabilities calibrated (NLL on validation)."""
    served = load_model_module()
    accuracy = {
        w: float((served.mix_category(head, votes, w).argmax(1) == gold).mean()) for w in WEIGHTS
    }
    weight = max(WEIGHTS, key=lambda w: (accuracy[w], -w))
    mixed_logits = np.log(served.mix_category(head, votes, weight))
    temperature = fit_temperature(mixed_logits, gold)
    calibrated = served.mix_category(head, votes, weight, temperature)
    return {
        "k": K,
        "temperature": TEMPERATURE,
        "weight": weight,
        "mix_temperature": round(temperature, 4),
        "val_accuracy_head": round(accuracy[0.0], 4),
        "val_accuracy_mixed": round(accuracy[weight], 4),
        "val_accuracy_by_weight": {str(w): round(a, 4) for w, a in accuracy.items()},
        "ece_val_mixed": expected_calibration_error(calibrated, gold),
    }


def fit_on_validation(graph: Path, tokenizer: Path, bank: CategoryBank, val: list[Example]) -> dict:
    rows = labelled(val)
    pred = predict(graph, tokenizer, [e.text for e in rows], desc="val (category mix)")
    gold = np.array([e.category for e in rows])
    return fit_mix(pred.category, bank.votes(pred.embedding, pred.category.shape[1]), gold)


def served_category(
    head: np.ndarray, embeddings: np.ndarray, bank: CategoryBank, settings: dict
) -> np.ndarray:
    """What Triton serves as CATEGORY_PROBS for these head outputs (model.py's mix)."""
    served = load_model_module()
    votes = bank.votes(embeddings, head.shape[1])
    return served.mix_category(head, votes, settings["weight"], settings["mix_temperature"])


def refit_version(version_dir: Path, report_dir: Path | None = None) -> dict:
    """Give an already built version its bank and fitted mix, in place (Triton's repository
    poll reloads it). The splits are rebuilt with the default data options, as the build
    makes them. When `report_dir` holds this version's build metrics, its served test scores
    are updated too, so REPORT.md shows what is served."""
    import json

    from export import metrics as scores
    from export.dataset import DataOptions, build_splits
    from export.labels import CATEGORY_LABELS

    graph, tokenizer = version_dir / "model.onnx", version_dir / "tokenizer.json"
    splits = build_splits(DataOptions())
    bank = build_bank(graph, tokenizer, splits["train"])
    mix = fit_on_validation(graph, tokenizer, bank, splits["val"])
    manifest_path = version_dir / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest.setdefault("calibration", {})["category_neighbours"] = mix
    bank.save(version_dir / BANK_FILE)
    staged = manifest_path.with_suffix(".json.tmp")
    staged.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    staged.replace(manifest_path)

    test = labelled(splits["test"])
    pred = predict(graph, tokenizer, [e.text for e in test], desc="test (category mix)")
    gold = np.array([e.category for e in test])
    head_accuracy = float((pred.category.argmax(1) == gold).mean())
    pred.category = served_category(pred.category, pred.embedding, bank, mix)
    summary = {**mix, "test_accuracy_head": round(head_accuracy, 4), "n_test": len(test)}
    summary["test_accuracy_mixed"] = round(float((pred.category.argmax(1) == gold).mean()), 4)

    metrics_path = report_dir / "metrics.json" if report_dir is not None else None
    if metrics_path is not None and metrics_path.is_file():
        metrics = json.loads(metrics_path.read_text())
        if metrics.get("content_hash") == manifest.get("content_hash"):
            served = dict(metrics[f"test_{metrics['served']}"])
            served["category"] = scores.classification(
                pred.category, gold, CATEGORY_LABELS, [e.source for e in test]
            )
            metrics["test_served"] = served
            metrics["calibration"]["category_neighbours"] = mix
            metrics["category_head_test_accuracy"] = summary["test_accuracy_head"]
            metrics_path.write_text(json.dumps(metrics, indent=1) + "\n")
    return summary
