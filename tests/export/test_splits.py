from __future__ import annotations

from export.dataset import drop_leaks
from export.datasets import Example
from export.datasets.category import gsm8k_splits, mmlu_splits
from export.splits import assign, overlap


def test_duplicates_land_in_one_split_and_repeats_are_dropped() -> None:
    rows = [f"question number {i} about something" for i in range(300)]
    rows += ["Question number 7 about   something", "question number 7 about something"]
    parts = assign(rows, str, seed=1)
    assert sum(len(v) for v in parts.values()) == 300  # normalised repeats are gone
    homes = [name for name, v in parts.items() if any("number 7 " in t.lower() for t in v)]
    assert len(homes) == 1
    assert 0 < len(parts["test"]) < 120


def test_splits_are_deterministic() -> None:
    rows = [f"row {i}" for i in range(100)]
    assert assign(rows, str, seed=3) == assign(rows, str, seed=3)


def test_drop_leaks_prefers_test() -> None:
    a = Example("same text here", "x")
    splits = {"train": [a, Example("only train", "x")], "val": [a], "test": [a]}
    out = drop_leaks(splits)
    assert [e.text for e in out["test"]] == ["same text here"]
    assert out["val"] == [] and [e.text for e in out["train"]] == ["only train"]


def test_real_category_splits_do_not_overlap() -> None:
    for parts in (mmlu_splits(), gsm8k_splits()):
        train = [e.text for e in parts["train"]]
        assert not overlap(train, [e.text for e in parts["test"]])
        assert not overlap(train, [e.text for e in parts["val"]])
        assert all("Answer:" not in e.text for e in parts["test"])
