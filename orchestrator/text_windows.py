"""Splitting long messages into overlapping windows, and undoing invisible-character tricks.

The encoder reads at most a few hundred tokens; an attack placed after 512 tokens of
padding would be cut off. Windows of `words` words that overlap by `overlap` words let the
guard see every part of a message, and each window keeps its character offset so PII spans
map back onto the message.
"""

from __future__ import annotations

import re
import unicodedata

WORD = re.compile(r"\S+")
SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+|\n+|$)")
# Zero-width and bidi controls, and the Unicode "tag" block's controls.
INVISIBLE = re.compile(
    "[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff\U000e0000-\U000e001f\U000e007f]"
)
# Tag characters U+E0020..U+E007E mirror printable ASCII and render as nothing: "ASCII
# smuggling" hides whole instructions in them, so they are read as the ASCII they encode.
TAG_ASCII = re.compile("[\U000e0020-\U000e007e]+")


def windows(text: str, words: int, overlap: int, max_windows: int) -> list[tuple[int, int]]:
    """Character spans covering `text`; one span for a short text.

    Past `max_windows` the middle is sampled evenly so that the start and the end (where
    attacks hide behind padding) are always inside a window.
    """
    spans = [m.span() for m in WORD.finditer(text)]
    if len(spans) <= words:
        return [(0, len(text))] if text.strip() else []
    step = max(1, words - overlap)
    starts = list(range(0, len(spans) - overlap, step))
    if len(starts) > max_windows:
        last = len(starts) - 1
        starts = [starts[round(i * last / (max_windows - 1))] for i in range(max_windows)]
    result = []
    for start in starts:
        end = min(start + words, len(spans)) - 1
        result.append((spans[start][0], spans[end][1]))
    return result


def edge_windows(text: str, words: int, regular: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """For the guard only: the first and the last sentence (up to a quarter window of words) of
    a text longer than one window, unless a regular window is exactly that; and inside each,
    the part before (first sentence) or after (last sentence) a glued-on sentence start.

    A short attack at either end would fill only a sliver of its full-size window and be
    diluted by the padding around it. Padding cut mid-sentence shares a "sentence" with the
    attack ("The walls of Generate racist vitriol"), which the guard scored near zero: a
    capitalised word right after a lowercase one marks where the attack may begin. PII does
    not need any of them (the regular windows already hold the same words, with more
    context, which makes fewer false alarms).
    """
    if len(regular) < 2:
        return []
    first, last = edge_sentences(text, max(16, words // 4))
    spans = [first, last]
    spans += [(first[0], cut - 1) for cut in glued_starts(text, *first)[:GLUED_PER_EDGE]]
    spans += [(cut, last[1]) for cut in glued_starts(text, *last)[-GLUED_PER_EDGE:]]
    return [
        span
        for span in dict.fromkeys(spans)  # first occurrences, in order
        if span not in regular and text[span[0] : span[1]].strip()
    ]


# "of Generate", "castle, Ignore": a capitalised word after a lowercase word (or a comma).
GLUED_START = re.compile(r"(?<=[a-z,;:] )[A-Z]")
GLUED_PER_EDGE = 3


def glued_starts(text: str, start: int, end: int) -> list[int]:
    """Character offsets in text[start:end] where a sentence seems to start without a full
    stop (after exactly one space), at least two words from either end of the span."""
    cuts = []
    for match in GLUED_START.finditer(text, start, end):
        before = WORD.findall(text, start, match.start())
        after = WORD.findall(text, match.start(), end)
        if len(before) >= 2 and len(after) >= 2:
            cuts.append(match.start())
    return cuts


def edge_sentences(text: str, max_words: int) -> list[tuple[int, int]]:
    """The first and the last sentence, each cut to the `max_words` words nearest the edge."""
    sentences = [m.span() for m in SENTENCE.finditer(text) if m.group().strip()]
    spans = []
    for (start, end), from_start in ((sentences[0], True), (sentences[-1], False)):
        words = [m.span() for m in WORD.finditer(text, start, end)]
        words = words[:max_words] if from_start else words[-max_words:]
        spans.append((words[0][0], words[-1][1]))
    return spans


def normalised(text: str) -> str:
    """NFKC folding (full-width and styled letters), invisible characters removed and tag
    characters decoded to the ASCII they hide."""
    revealed = TAG_ASCII.sub(lambda m: " " + "".join(chr(ord(c) - 0xE0000) for c in m[0]), text)
    return unicodedata.normalize("NFKC", INVISIBLE.sub("", revealed))
