"""The category bank: training questions' embeddings, voting with the head at serving time.

The head alone misses questions whose subject MMLU files elsewhere (nutrition under health,
marketing under other); their nearest training questions often carry the right label. On
version 13's test split the head scored 83.4%, the nearest-neighbour vote alone 83.4-85.6% and
the two mixed 84.0-86.7% across the settings tried (bench/RESULTS.md, 2026-11-22). The vote's
k and temperature were picked on validation then; the mix weight and its temperature are
fitted on each build's validation split here, and written to the manifest, where the served
model.py reads them.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np

from export.calibrate import expected_calibration_error, fit_temperature
from export.datasets import Example
from export.inference import predict, session
from export.onnx_io import OPSET
from export.quantize import quantize_int8
from export.served_model import load_model_module

BANK_FILE = "category_bank.onnx"  # model.py's CATEGORY_BANK
K = 10
TEMPERATURE = 0.05
WEIGHTS = tuple(round(w, 2) for w in np.linspace(0.0, 1.0, 11))


def labelled(examples: list[Example]) -> list[Example]:
    return [e for e in examples if e.category >= 0]


def write_bank(embeddings: np.ndarray, labels: np.ndarray, target: Path, k: int = K) -> Path:
    """EMBEDDING (n, d) -> the k most similar bank rows' cosines and category ids, as a graph
    whose matrix is int8 with one scale per bank row (quantize_int8), 3.7 MB for 9,362 rows."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    k = min(k, len(labels))
    graph = helper.make_graph(
        [
            helper.make_node("MatMul", ["EMBEDDING", "bank_t"], ["sims"]),
            helper.make_node("TopK", ["sims", "k"], ["top_sims", "top_rows"], axis=1),
            helper.make_node("Gather", ["labels", "top_rows"], ["top_labels"], axis=0),
        ],
        "category_bank",
        [helper.make_tensor_value_info("EMBEDDING", TensorProto.FLOAT, ["n", embeddings.shape[1]])],
        [
            helper.make_tensor_value_info("top_sims", TensorProto.FLOAT, ["n", k]),
            helper.make_tensor_value_info("top_labels", TensorProto.INT64, ["n", k]),
        ],
        [
            numpy_helper.from_array(np.ascontiguousarray(embeddings.T, np.float32), "bank_t"),
            numpy_helper.from_array(np.array([k], dtype=np.int64), "k"),
            numpy_helper.from_array(np.asarray(labels, dtype=np.int64), "labels"),
        ],
    )
    # IR version 8 keeps the graph loadable by the ONNX Runtime builds Triton images ship.
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], ir_version=8)
    with tempfile.TemporaryDirectory() as folder:
        fp32 = Path(folder) / "bank_fp32.onnx"
        onnx.save(model, fp32)
        return quantize_int8(fp32, target)


def bank_votes(bank: Path, embeddings: np.ndarray, classes: int) -> np.ndarray:
    served = load_model_module()
    sims, labels = session(bank).run(["top_sims", "top_labels"], {"EMBEDDING": embeddings})
    return served.neighbour_vote(sims, labels, classes, TEMPERATURE)


def build_bank(graph: Path, tokenizer: Path, train: list[Example], target: Path) -> Path:
    rows = labelled(train)
    pred = predict(graph, tokenizer, [e.text for e in rows], desc="category bank")
    return write_bank(pred.embedding, np.array([e.category for e in rows]), target)


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


def fit_on_validation(graph: Path, tokenizer: Path, bank: Path, val: list[Example]) -> dict:
    rows = labelled(val)
    pred = predict(graph, tokenizer, [e.text for e in rows], desc="val (category mix)")
    gold = np.array([e.category for e in rows])
    return fit_mix(pred.category, bank_votes(bank, pred.embedding, pred.category.shape[1]), gold)


def served_category(
    head: np.ndarray, embeddings: np.ndarray, bank: Path, settings: dict
) -> np.ndarray:
    """What Triton serves as CATEGORY_PROBS for these head outputs: model.py's own mix."""
    return load_model_module().Neighbours(session(bank), settings).mix(head, embeddings)


def refit_version(version_dir: Path, report_dir: Path | None = None) -> dict:
    """Give an already built version its bank and fitted mix, in place (Triton's repository
    poll reloads it). The splits are rebuilt with the default data options, as the build
    makes them. When `report_dir` holds this version's build metrics, its served test scores
    are updated too, so REPORT.md shows what is served."""
    import json

    from export.dataset import DataOptions, build_splits
    from export.evaluate import category_scores

    graph, tokenizer = version_dir / "model.onnx", version_dir / "tokenizer.json"
    splits = build_splits(DataOptions())
    bank = build_bank(graph, tokenizer, splits["train"], version_dir / f".{BANK_FILE}.tmp")
    mix = fit_on_validation(graph, tokenizer, bank, splits["val"])
    manifest_path = version_dir / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest.setdefault("calibration", {})["category_neighbours"] = mix
    bank = bank.replace(version_dir / BANK_FILE)
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
            served["category"] = category_scores(pred.category, test)
            metrics["test_served"] = served
            metrics["calibration"]["category_neighbours"] = mix
            metrics_path.write_text(json.dumps(metrics, indent=1) + "\n")
    return summary
