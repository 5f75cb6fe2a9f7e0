"""Classification results as the API and the CLI report them, built from one encoder pass."""

from __future__ import annotations

from typing import Any

from orchestrator.config import RouterConfig
from orchestrator.guard import GuardVerdict, guard_verdict, request_verdict
from orchestrator.guard_rules import rule_hits
from orchestrator.pii_detection import combine
from orchestrator.routing import CategoryEvidence, decide_route
from orchestrator.runtime import RouterRuntime
from orchestrator.signals import TextSignals
from orchestrator.text_windows import normalised


def rounded(scores: dict[str, float]) -> dict[str, float]:
    return {k: round(v, 6) for k, v in scores.items()}


def pii_entities(signals: TextSignals, text: str | None = None) -> list[dict[str, Any]]:
    entities = []
    for span in signals.pii:
        entity: dict[str, Any] = {
            "type": span.type,
            "start": span.start,
            "end": span.end,
            "score": span.score,
            "source": span.source,
        }
        if text is not None:
            entity["value"] = text[span.start : span.end]
        entities.append(entity)
    return entities


def intent_result(signals: TextSignals, runtime: RouterRuntime) -> dict[str, Any]:
    top = signals.top_category()
    evidence = CategoryEvidence(
        example_scores=runtime.examples.scores(signals.embedding), classifier=signals.category
    )
    decision = decide_route("auto", evidence, runtime.config)
    return {
        "category": top[0] if top else None,
        "confidence": round(top[1], 6) if top else None,
        "probabilities": rounded(signals.category),
        "recommended_model": decision.model,
        "routing_decision": {
            "path": decision.path.value,
            "category": decision.category,
            "confidence": decision.confidence,
        },
    }


def security_result(signals: TextSignals, config: RouterConfig) -> dict[str, Any]:
    verdict = guard_verdict(signals.guard, config.guard)
    return {
        "is_jailbreak": verdict.attack,
        "risk_score": round(verdict.score, 6),
        "label": verdict.label,
        "detection_types": [
            label
            for label, p in signals.guard.items()
            if label in config.guard.labels and p >= config.guard.threshold
        ],
        "scores": rounded(signals.guard),
    }


def text_verdict(signals: TextSignals, text: str, config: RouterConfig) -> GuardVerdict:
    """The guard's verdict on one text, the classifier's score plus the rules."""
    return request_verdict([signals.guard], rule_hits(normalised(text), raw=text), config.guard)


def checked_pii(signals: TextSignals, text: str, config: RouterConfig) -> list[dict[str, Any]]:
    """PII as the request path sees it: model spans combined with the validators."""
    return [
        {"type": e.type, "start": e.start, "end": e.end, "score": e.score, "source": e.source}
        for e in combine(text, signals.pii, config.pii)
    ]


def cli_record(signals: TextSignals, text: str, config: RouterConfig) -> dict[str, Any]:
    """The `classify` CLI's line: a stable, documented format used to measure accuracy."""
    top = signals.top_category()
    verdict = text_verdict(signals, text, config)
    return {
        "category": top[0] if top else None,
        "confidence": round(top[1], 6) if top else None,
        "probabilities": rounded(signals.category),
        "jailbreak": verdict.attack,
        "guard_label": verdict.label,
        "guard_score": round(verdict.score, 6),
        "guard_source": verdict.source,
        "guard": rounded(signals.guard),
        "pii": checked_pii(signals, text, config),
    }
