"""Combining the token classifier's spans with the validators', type by type."""

from __future__ import annotations

from collections.abc import Iterable

from orchestrator.config import PiiConfig
from orchestrator.pii_validators import PiiEntity, find_validated
from orchestrator.signals import PiiSpan


def overlaps(a: PiiEntity, b: PiiEntity) -> bool:
    return a.start < b.end and b.start < a.end


def combine(text: str, model_spans: Iterable[PiiSpan], config: PiiConfig) -> list[PiiEntity]:
    """Per type, `source` says who must find a span: the model, a validator, either or both.

    Model spans below `min_score`, or with fewer than two letters or digits (a stray "." the
    tagger marked), are ignored. Where both found the same place, one entity is kept with
    source "model+validator".
    """
    model = [
        PiiEntity(s.type, s.start, s.end, s.score, "model")
        for s in model_spans
        if s.score >= config.min_score and sum(c.isalnum() for c in text[s.start : s.end]) >= 2
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


def dedupe(entities: list[PiiEntity]) -> list[PiiEntity]:
    """Overlapping windows report a span twice; keep the highest-scoring one per place."""
    kept: list[PiiEntity] = []
    for entity in sorted(entities, key=lambda e: -e.score):
        if not any(k.type == entity.type and overlaps(k, entity) for k in kept):
            kept.append(entity)
    return kept
