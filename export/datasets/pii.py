"""PII data: presidio-evaluator + faker sentences with entity spans, and PII-free negatives."""

from __future__ import annotations

import hashlib
import io
import logging
import re
import warnings
from contextlib import redirect_stdout

from export.datasets import DATA_DIR, Example, Span
from export.labels import GUARD_LABELS, PII_TYPES

SEED = 41
BENIGN = GUARD_LABELS.index("benign")
# presidio-evaluator's own types that we keep under another name; the rest become "O".
TYPE_ALIASES = {"LOCATION": "GPE"}
# Parts of one postal address: presidio-evaluator labels a whole `{{address}}` (street, city,
# country, postcode) as one STREET_ADDRESS, but a template built from parts labels its city
# and country GPE and its number and street as separate STREET_ADDRESS spans.
ADDRESS_PARTS = {"STREET_ADDRESS", "GPE"}
ADDRESS_GLUE = re.compile(r"[\s,]*")


def merge_address_parts(text: str, spans: list[Span]) -> list[Span]:
    """One postal address is one STREET_ADDRESS entity however its template was written, so the
    model is not taught two labels for the same text: runs of STREET_ADDRESS and GPE spans
    separated only by spaces, commas or newlines become one STREET_ADDRESS span when the run
    holds a street part. A city on its own ("a flat in Leeds") stays GPE."""
    merged: list[Span] = []
    run: list[Span] = []

    def close() -> None:
        if len(run) > 1 and any(kind == "STREET_ADDRESS" for *_, kind in run):
            merged.append((run[0][0], run[-1][1], "STREET_ADDRESS"))
        else:
            merged.extend(run)
        run.clear()

    for span in sorted(spans):
        start, _, kind = span
        joins = (
            run
            and kind in ADDRESS_PARTS
            and ADDRESS_GLUE.fullmatch(text[run[-1][1] : start]) is not None
        )
        if not joins:
            close()
        if kind in ADDRESS_PARTS:
            run.append(span)
        else:
            merged.append(span)
    close()
    return sorted(merged)


def _template_split(template: str, seed: int) -> str:
    """Whole templates are held out, so test sentences never reuse a training sentence frame."""
    digest = hashlib.sha256(f"{seed}:{template}".encode()).digest()
    u = int.from_bytes(digest[:8], "big") / 2**64
    return "test" if u < 0.2 else "val" if u < 0.3 else "train"


def extra_templates() -> list[str]:
    lines = (DATA_DIR / "handwritten_pii_templates.txt").read_text().splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


def generated_splits(count: int, seed: int = SEED) -> dict[str, list[Example]]:
    from presidio_evaluator.data_generator import PresidioSentenceFaker

    logging.getLogger("presidio-evaluator").setLevel(logging.ERROR)
    with warnings.catch_warnings(), redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        base = PresidioSentenceFaker("en_US", lower_case_ratio=0.05, random_seed=seed)
        templates = list(base._sentence_templates) + extra_templates()
        out: dict[str, list[Example]] = {"train": [], "val": [], "test": []}
        for split in out:
            chosen = [t for t in templates if _template_split(t, seed) == split]
            faker = PresidioSentenceFaker(
                "en_US",
                lower_case_ratio=0.05,
                sentence_templates=chosen,
                random_seed=seed + len(split),
            )
            share = {"train": 0.7, "val": 0.1, "test": 0.2}[split]
            for sample in faker.generate_new_fake_sentences(max(50, int(count * share))):
                spans: list[Span] = []
                for span in sample.spans:
                    kind = TYPE_ALIASES.get(span.entity_type, span.entity_type)
                    if kind in PII_TYPES:
                        spans.append((span.start_position, span.end_position, kind))
                # Some templates hold a literal backslash-n; a real newline plus a space keeps
                # every offset and stops "\\nName" from tokenizing as one word.
                text = sample.full_text.replace("\\n", "\n ")
                spans = merge_address_parts(text, spans)
                out[split].append(Example(text, "presidio", guard=BENIGN, pii_spans=tuple(spans)))
    return out


def negative_rows() -> list[str]:
    lines = (DATA_DIR / "handwritten_pii_negatives.txt").read_text().splitlines()
    return [
        line.replace("\\n", "\n") for line in lines if line.strip() and not line.startswith("#")
    ]
