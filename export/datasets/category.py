"""Category data: MMLU (57 subjects -> 14 categories), GSM8K, MT-Bench, handwritten rows."""

from __future__ import annotations

import csv
import json
import random
from collections import defaultdict

from export.datasets import DATA_DIR, Example
from export.labels import CATEGORY_LABELS, GUARD_LABELS, MMLU_SUBJECT_CATEGORY, MT_BENCH_CATEGORY
from export.splits import assign
from export.text import clean_mmlu_prompt

BENIGN = GUARD_LABELS.index("benign")
SEED = 13
# Caps keep the three largest subjects from drowning the rest (train only) and keep the
# test split from being mostly law; both are fixed before any result is looked at.
TRAIN_CAP_PER_SUBJECT = 450
TEST_CAP_PER_CATEGORY = 160
GSM8K_SAMPLE = 1200


def _example(text: str, category: str, source: str) -> Example:
    return Example(
        text, source, category=CATEGORY_LABELS.index(category), guard=BENIGN, pii_spans=()
    )


def mmlu_rows() -> list[tuple[str, str]]:
    rows = []
    for subject in sorted(MMLU_SUBJECT_CATEGORY):
        with (DATA_DIR / "mmlu" / f"mmlu_{subject}.csv").open(newline="") as handle:
            for record in csv.DictReader(handle):
                rows.append((clean_mmlu_prompt(record["prompt"]), subject))
    return [(text, subject) for text, subject in rows if text]


def mmlu_splits(seed: int = SEED) -> dict[str, list[Example]]:
    rows = mmlu_rows()
    parts = assign(rows, lambda r: r[0], seed)
    rng = random.Random(seed)
    out: dict[str, list[Example]] = {}
    by_subject: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for row in parts["train"]:
        by_subject[row[1]].append(row)
    train = []
    for subject in sorted(by_subject):
        chosen = by_subject[subject]
        if len(chosen) > TRAIN_CAP_PER_SUBJECT:
            chosen = rng.sample(chosen, TRAIN_CAP_PER_SUBJECT)
        train += chosen
    out["train"] = [_example(t, MMLU_SUBJECT_CATEGORY[s], "mmlu") for t, s in train]
    out["val"] = [_example(t, MMLU_SUBJECT_CATEGORY[s], "mmlu") for t, s in parts["val"]]
    by_category: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for row in parts["test"]:
        by_category[MMLU_SUBJECT_CATEGORY[row[1]]].append(row)
    test = []
    for category in sorted(by_category):
        chosen = by_category[category]
        if len(chosen) > TEST_CAP_PER_CATEGORY:
            chosen = rng.sample(chosen, TEST_CAP_PER_CATEGORY)
        test += chosen
    out["test"] = [_example(t, MMLU_SUBJECT_CATEGORY[s], "mmlu") for t, s in test]
    return out


def gsm8k_splits(seed: int = SEED) -> dict[str, list[Example]]:
    path = DATA_DIR / "gsm8k" / "train_questions.jsonl"
    questions = [json.loads(line)["question"] for line in path.open()]
    questions = random.Random(seed).sample(questions, GSM8K_SAMPLE)
    parts = assign(questions, str, seed, val=0.1, test=0.15)
    return {k: [_example(q, "math", "gsm8k") for q in v] for k, v in parts.items()}


def mt_bench_splits(seed: int = SEED) -> dict[str, list[Example]]:
    rows = []
    for line in (DATA_DIR / "mt_bench" / "question.jsonl").open():
        record = json.loads(line)
        if record["category"] in MT_BENCH_CATEGORY:
            rows.append((record["turns"][0], MT_BENCH_CATEGORY[record["category"]]))
    parts = assign(rows, lambda r: r[0], seed, val=0.2, test=0.3)
    return {k: [_example(t, c, "mt_bench") for t, c in v] for k, v in parts.items()}


def handwritten_splits(seed: int = SEED) -> dict[str, list[Example]]:
    path = DATA_DIR / "handwritten_category.jsonl"
    rows = [json.loads(line) for line in path.open()]
    parts = assign(rows, lambda r: r["text"], seed, val=0.2, test=0.3)
    return {
        k: [_example(r["text"], r["category"], "handwritten") for r in v] for k, v in parts.items()
    }
