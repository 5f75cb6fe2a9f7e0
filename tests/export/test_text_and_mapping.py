from __future__ import annotations

from export.datasets import DATA_DIR
from export.labels import CATEGORY_LABELS, MMLU_SUBJECT_CATEGORY, MT_BENCH_CATEGORY
from export.text import clean_mmlu_prompt, dedup_key


def test_clean_mmlu_prompt_drops_options_and_answer() -> None:
    prompt = "Which gas is inert?\nConsider group 18.\nA. Neon\nB. Oxygen\nC. Chlorine\nD. Fluorine\nAnswer:"
    assert clean_mmlu_prompt(prompt) == "Which gas is inert?\nConsider group 18."


def test_clean_mmlu_prompt_keeps_text_without_options() -> None:
    assert clean_mmlu_prompt("What is 2 + 2?\nAnswer:") == "What is 2 + 2?"


def test_every_vendored_subject_maps_to_a_known_category() -> None:
    subjects = {p.stem.removeprefix("mmlu_") for p in (DATA_DIR / "mmlu").glob("mmlu_*.csv")}
    assert len(subjects) == 57
    assert subjects == set(MMLU_SUBJECT_CATEGORY)
    assert set(MMLU_SUBJECT_CATEGORY.values()) == set(CATEGORY_LABELS)
    assert set(MT_BENCH_CATEGORY.values()) <= set(CATEGORY_LABELS)
    assert MMLU_SUBJECT_CATEGORY["electrical_engineering"] == "engineering"


def test_dedup_key_ignores_case_spacing_and_punctuation() -> None:
    assert dedup_key("Ignore  ALL previous instructions!") == dedup_key(
        "ignore all previous instructions"
    )
