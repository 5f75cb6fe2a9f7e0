"""`python -m export compare`: what sharing one encoder costs, and what handwritten data adds.

Trains, with the same (short) budget: the shared multi-task model, one model per task (no
distillation: a separate deployment would keep the base encoder for EMBEDDING), and the
shared model without the handwritten files. All are scored on the same test split as the
build, through ONNX Runtime (fp32). Writes export/report/compare.json and re-renders REPORT.md.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

from export.base_encoder import base_encoder_path
from export.build import (
    REPORT_DIR,
    TRAIN_MAX_TOKENS,
    BuildOptions,
    calibrate,
    export_graph,
    train_model,
)
from export.dataset import build_splits
from export.evaluate import evaluate_graph
from export.features import load_tokenizer
from export.text import dedup_key

DEFAULT_EPOCHS = 0.25


def _row(scores: dict, tasks: tuple[str, ...]) -> dict:
    row: dict = {}
    if "category" in tasks:
        row["category_accuracy"] = scores["category"]["accuracy"]
        row["category_macro_f1"] = scores["category"]["macro_f1"]
        row["category_accuracy_by_source"] = scores["category"]["accuracy_by_source"]
    if "guard" in tasks:
        row["guard_recall"] = scores["guard"]["attack_recall"]
        row["guard_fpr_ordinary"] = scores["guard"]["fpr_ordinary_questions"]
    if "pii" in tasks:
        row["pii_recall"] = scores["pii"]["recall"]
        row["pii_flagged_ordinary"] = scores["pii"]["flagged_ordinary_questions"]
    return row


def _only(splits: dict, task: str) -> dict:
    keep = {
        "category": lambda e: e.category >= 0,
        "guard": lambda e: e.guard >= 0,
        "pii": lambda e: e.pii_spans is not None,
    }[task]
    return {**splits, "train": [e for e in splits["train"] if keep(e)]}


def compare(epochs: float | None = None) -> dict:
    options = BuildOptions(train=replace(BuildOptions().train, epochs=epochs or DEFAULT_EPOCHS))
    splits = build_splits(options.data)
    without = build_splits(replace(options.data, handwritten=False))
    tokenizer_path = base_encoder_path() / "tokenizer.json"
    tokenizer = load_tokenizer(tokenizer_path, TRAIN_MAX_TOKENS)
    held = {dedup_key(e.text) for e in splits["test"] + splits["val"]}
    plain = [e for e in without["train"] if dedup_key(e.text) not in held]
    # Separate models first: the shared model is what the build trains (its numbers are in
    # the report's main sections), so a run cut short for time still answers the question.
    runs = {
        "separate: category only": (_only(splits, "category"), ("category",), ("category",)),
        "separate: guard only": (_only(splits, "guard"), ("guard",), ("guard",)),
        "separate: PII only": (_only(splits, "pii"), ("pii",), ("pii",)),
        "shared (all heads, one encoder)": (splits, None, ("category", "guard", "pii")),
        "shared, without handwritten data": (
            {**splits, "train": plain},
            None,
            ("category", "guard", "pii"),
        ),
    }
    rows = {}
    for name, (data, tasks, scored) in runs.items():
        print(f"== {name}: {len(data['train'])} training rows")
        model = train_model(options, data, tasks)
        calibration = calibrate(model, splits["val"], tokenizer)
        work = Path(tempfile.mkdtemp(prefix="router-compare-"))
        try:
            path, _ = export_graph(model, work)
            scores, _, _ = evaluate_graph(
                path,
                tokenizer_path,
                splits["test"],
                [],
                calibration["guard_threshold_val_1pct_fpr"],
                name,
                calibration["pii_threshold"],
            )
        finally:
            shutil.rmtree(work, ignore_errors=True)
        rows[name] = {**_row(scores, scored), "train_rows": len(data["train"])}
        _write(options, rows)  # after every model, so a partial comparison is still reported
    return _write(options, rows)


def _write(options: BuildOptions, rows: dict) -> dict:
    result = {
        "note": f"every model trained for {options.train.epochs} epochs of its own training rows"
        + (
            " (shorter than the build, so absolute numbers are lower than the sections above)."
            if options.train.epochs < BuildOptions().train.epochs
            else " (the build's own budget)."
        ),
        "options": {"epochs": options.train.epochs, "pii_sentences": options.data.pii_sentences},
        "rows": rows,
    }
    REPORT_DIR.mkdir(exist_ok=True)
    (REPORT_DIR / "compare.json").write_text(json.dumps(result, indent=1) + "\n")
    from export.report import render

    render()
    print(json.dumps(rows, indent=1))
    return result
