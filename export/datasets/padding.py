"""Attacks surrounded by harmless text, as the router's guard windows see them.

The router checks long messages in windows of about 120 words, so an attack hidden behind
padding reaches the guard as a window that is part padding, part attack. Trained only on
whole attacks, the guard head lets many of those windows through (81% blocked against 94%
unpadded, bench/guard_quality.py). Training gets such windows built from its own rows: a
training attack cut at a random point with ordinary training questions before or after it,
labelled as the attack; and windows of ordinary questions alone, labelled benign, so
"long and mixed" does not become a sign of an attack.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from export.datasets import Example
from export.labels import GUARD_LABELS

SEED = 53
BENIGN = GUARD_LABELS.index("benign")
# Words per built window: below the training truncation (128 tokens), so the attack part
# is never cut off, and close to the router's window once padding fills the rest.
WINDOW_WORDS = 90


def _filler(pool: Sequence[str], words: int, rng: random.Random) -> str:
    out: list[str] = []
    while len(out) < words:
        out += rng.choice(pool).split()
    return " ".join(out[:words])


def padded_windows(
    attacks: Sequence[Example],
    ordinary: Sequence[Example],
    attack_rows: int,
    benign_rows: int,
    seed: int = SEED,
) -> list[Example]:
    """Windows for the training split only; `ordinary` must come from training too."""
    rng = random.Random(seed)
    pool = [e.text for e in ordinary]
    if not attacks or not pool:
        return []
    out = []
    for _ in range(attack_rows):
        attack = rng.choice(attacks)
        words = attack.text.split()
        keep = rng.randint(8, WINDOW_WORDS - 20)
        pad = rng.randint(20, WINDOW_WORDS - min(keep, len(words)))
        if rng.random() < 0.5:  # padding, then the attack's opening words
            text = _filler(pool, pad, rng) + " " + " ".join(words[:keep])
        else:  # the attack's closing words, then padding
            text = " ".join(words[-keep:]) + " " + _filler(pool, pad, rng)
        out.append(Example(text, f"padded_{attack.source}", guard=attack.guard))
    for _ in range(benign_rows):
        text = _filler(pool, rng.randint(40, WINDOW_WORDS), rng)
        out.append(Example(text, "padded_ordinary", guard=BENIGN))
    return out
