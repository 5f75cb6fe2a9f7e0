"""The guard verdict from the guard head's probabilities and the configured labels."""

from __future__ import annotations

from dataclasses import dataclass

from orchestrator.config import GuardConfig


@dataclass(frozen=True)
class GuardVerdict:
    attack: bool
    label: str | None
    score: float


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
