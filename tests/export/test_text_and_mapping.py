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


def test_address_parts_merge_into_one_street_address() -> None:
    from export.datasets.pii import merge_address_parts

    text = "Ana\n 825 Antonio Vázquez 94\n Suite 919\n Vilaflor\n Spain 02226 sent it. I live in Leeds."

    def at(part: str, kind: str) -> tuple[int, int, str]:
        start = text.index(part)
        return (start, start + len(part), kind)

    spans = [
        at("Ana", "PERSON"),
        at("825", "STREET_ADDRESS"),
        at("Antonio Vázquez 94", "STREET_ADDRESS"),
        at("Suite 919", "STREET_ADDRESS"),
        at("Vilaflor", "GPE"),
        at("Spain", "GPE"),
        at("02226", "STREET_ADDRESS"),
        at("Leeds", "GPE"),
    ]
    address = (text.index("825"), text.index("02226") + 5, "STREET_ADDRESS")
    assert merge_address_parts(text, spans) == [at("Ana", "PERSON"), address, at("Leeds", "GPE")]
    # A city and country with no street part stay places; so does "street in <city>".
    places = "I work in Vilaflor, Spain."
    assert merge_address_parts(places, [(10, 18, "GPE"), (20, 25, "GPE")]) == [
        (10, 18, "GPE"),
        (20, 25, "GPE"),
    ]
    street = "Otakaari 17 street in Espoo"
    assert merge_address_parts(street, [(0, 11, "STREET_ADDRESS"), (22, 27, "GPE")]) == [
        (0, 11, "STREET_ADDRESS"),
        (22, 27, "GPE"),
    ]
