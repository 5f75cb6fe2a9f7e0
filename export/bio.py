"""Character spans <-> BIO token labels, using the fast tokenizer's offsets."""

from __future__ import annotations

from collections.abc import Sequence

from export.labels import PII_BIO_LABELS

IGNORE = -100


def align_spans(
    offsets: Sequence[tuple[int, int]],
    special: Sequence[int],
    spans: Sequence[tuple[int, int, str]],
    labels: Sequence[str] = PII_BIO_LABELS,
) -> list[int]:
    """Label ids per token: B- on the first token touching a span, I- on the rest, else O.

    Special tokens ([CLS], [SEP], padding) get IGNORE so they never count in the loss.
    """
    index = {name: i for i, name in enumerate(labels)}
    out = [IGNORE if flag else index["O"] for flag in special]
    for start, end, kind in spans:
        first = True
        for i, (s, e) in enumerate(offsets):
            if special[i] or e <= start or s >= end or e == s:
                continue
            out[i] = index[f"{'B' if first else 'I'}-{kind}"]
            first = False
    return out
