"""Deterministic, duplicate-safe train/validation/test assignment.

A row's split is a hash of its dedup key and the seed, so every copy of a question (or a
near-copy with the same first words) lands in the same split: nothing leaks from training
into validation or test, and re-running the build gives the same splits.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import TypeVar

from export.text import dedup_key, normalize

T = TypeVar("T")
SPLITS = ("train", "val", "test")


def split_of(text: str, seed: int, val: float, test: float) -> str:
    digest = hashlib.sha256(f"{seed}:{dedup_key(text)}".encode()).digest()
    u = int.from_bytes(digest[:8], "big") / 2**64
    if u < test:
        return "test"
    if u < test + val:
        return "val"
    return "train"


def assign(
    rows: Iterable[T],
    text_of: Callable[[T], str],
    seed: int,
    val: float = 0.1,
    test: float = 0.2,
) -> dict[str, list[T]]:
    """Split rows by the hash of their dedup key; drop exact (normalised) repeats.

    Rows that only share their opening words (MMLU history passages with several questions)
    are all kept, in one split.
    """
    out: dict[str, list[T]] = {name: [] for name in SPLITS}
    seen: set[str] = set()
    for row in rows:
        text = text_of(row)
        if normalize(text) in seen:
            continue
        seen.add(normalize(text))
        out[split_of(text, seed, val, test)].append(row)
    return out


def overlap(a: Iterable[str], b: Iterable[str]) -> set[str]:
    """Dedup keys present in both collections (must be empty between splits)."""
    return {dedup_key(t) for t in a} & {dedup_key(t) for t in b}
