"""The guard verdict over every checked window of a request."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from orchestrator.config import GuardConfig
from orchestrator.guard_rules import RuleHit


@dataclass(frozen=True)
class GuardVerdict:
    attack: bool
    label: str | None
    score: float
    source: str = "classifier"  # or "rule:<name>"


def guard_verdict(scores: dict[str, float], config: GuardConfig) -> GuardVerdict:
    """Attack when the probability of any enabled label reaches the threshold.

    The head is a softmax over benign and the attack labels, so the probability that a text
    is some enabled kind of attack is the sum of those labels' probabilities; the label
    reported is the likeliest of them. Disabling a label moves its mass to "not an attack".
    """
    enabled = {label: p for label, p in scores.items() if label in config.labels}
    if not enabled:
        return GuardVerdict(False, None, 0.0)
    label = max(enabled, key=lambda name: enabled[name])
    score = float(sum(enabled.values()))
    return GuardVerdict(score >= config.threshold, label, score)


def request_verdict(
    window_scores: Iterable[dict[str, float]], hits: Iterable[RuleHit], config: GuardConfig
) -> GuardVerdict:
    """The worst window decides; an enabled rule hit is an attack whatever the scores say."""
    verdicts = [guard_verdict(scores, config) for scores in window_scores]
    worst = max(verdicts, key=lambda v: v.score, default=GuardVerdict(False, None, 0.0))
    if config.rules:
        for hit in hits:
            if hit.label in config.labels:
                return GuardVerdict(True, hit.label, max(worst.score, 1.0), f"rule:{hit.rule}")
    return worst
