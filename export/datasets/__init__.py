"""Training examples for the shared encoder: one row may carry labels for several heads."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

Span = tuple[int, int, str]


@dataclass(frozen=True)
class Example:
    """A text and the heads it supervises; -1 / None means "no label for that head".

    `pii_spans == ()` is a real label (no PII anywhere), unlike None (not supervised).
    """

    text: str
    source: str
    category: int = -1
    guard: int = -1
    pii_spans: tuple[Span, ...] | None = None
