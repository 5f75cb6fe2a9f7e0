"""Combining the token classifier's spans with the validators', type by type."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from orchestrator.config import PiiConfig
from orchestrator.pii_validators import PiiEntity, find_validated
from orchestrator.signals import PiiSpan

# A tagged e-mail address holds an "@" (or a spelled-out "(at)"/"[at]"): the tagger also puts
# EMAIL_ADDRESS on bare names ("Felipe", "Hilario" on the validation split), and every e-mail
# address in the PII sentences has one. Addresses the tagger misses, the validator finds.
MODEL_SHAPES = {"EMAIL_ADDRESS": re.compile(r"@|[(\[]at[)\]]", re.IGNORECASE)}
# How far a span is widened to the edges of the words it cuts (see whole_words).
MAX_WIDEN = 24


def overlaps(a: PiiEntity, b: PiiEntity) -> bool:
    return a.start < b.end and b.start < a.end


def combine(text: str, model_spans: Iterable[PiiSpan], config: PiiConfig) -> list[PiiEntity]:
    """Per type, `source` says who must find a span: the model, a validator, either or both.

    Model spans below `min_score`, with fewer than two letters or digits (a stray "." the
    tagger marked), or without their type's shape (MODEL_SHAPES) are ignored; the rest are
    widened to whole words. Where both found the same place, one entity is kept with source
    "model+validator".
    """
    model = [
        PiiEntity(s.type, *whole_words(text, s.start, s.end), s.score, "model")
        for s in model_spans
        if s.score >= config.min_score
        and sum(c.isalnum() for c in text[s.start : s.end]) >= 2
        and (s.type not in MODEL_SHAPES or MODEL_SHAPES[s.type].search(text[s.start : s.end]))
    ]
    validated = find_validated(text)

    def rule(pii_type: str) -> str:
        return config.types[pii_type].source if pii_type in config.types else "model"

    result: list[PiiEntity] = []
    for entity in model:
        source = rule(entity.type)
        agreed = any(v.type == entity.type and overlaps(v, entity) for v in validated)
        if source == "model" or (source == "either" and not agreed):
            result.append(entity)
    for entity in validated:
        source = rule(entity.type)
        agreed = any(m.type == entity.type and overlaps(m, entity) for m in model)
        if source == "model" or (source == "both" and not agreed):
            continue
        label = "model+validator" if agreed else "validator"
        result.append(PiiEntity(entity.type, entity.start, entity.end, entity.score, label))
    return sorted(dedupe(result), key=lambda e: (e.start, e.end))


def whole_words(text: str, start: int, end: int) -> tuple[int, int]:
    """The span widened to the edges of the words it cuts.

    The tagger labels word pieces, and tags names from a later piece on ("olomé de Las" of
    "Bartolomé de Las Casas", "karno" of "Sukarno", validation split): redacted as tagged,
    the first piece would stay readable. Wide (CJK) characters are not separated by spaces,
    so a span never grows over them, and at most MAX_WIDEN characters on either side.
    """
    floor, ceiling = max(0, start - MAX_WIDEN), min(len(text), end + MAX_WIDEN)
    while start > floor and in_word(text[start - 1]) and in_word(text[start]):
        start -= 1
    while end < ceiling and in_word(text[end]) and in_word(text[end - 1]):
        end += 1
    return start, end


def in_word(char: str) -> bool:
    return char.isalnum() and unicodedata.east_asian_width(char) not in ("W", "F")


def dedupe(entities: list[PiiEntity]) -> list[PiiEntity]:
    """Overlapping windows report a span twice; keep the highest-scoring one per place."""
    kept: list[PiiEntity] = []
    for entity in sorted(entities, key=lambda e: -e.score):
        if not any(k.type == entity.type and overlaps(k, entity) for k in kept):
            kept.append(entity)
    return kept
