"""WordNet's antonyms as a lookup: is a word one query has the opposite of the other's?

The hand-written poles in lexicon.py cover the opposites users swap most; WordNet (3.0,
vendored in data/wordnet_antonyms.tsv with its licence) covers the long tail the lexicon
missed on held-out pairs (promote/demote, concave/convex, widen/narrow). verify.py compares
only words that one query has in place of the other's (same neighbours), so a paraphrase
is not refused for an antonym it holds in another construction.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).with_name("data") / "wordnet_antonyms.tsv"

# Inflection endings stripped to find a lemma: (ending, replacement).
ENDINGS = (
    ("ies", "y"), ("ied", "y"), ("ier", "y"), ("iest", "y"), ("ing", ""), ("ing", "e"),
    ("ed", ""), ("ed", "e"), ("es", ""), ("s", ""), ("er", ""), ("er", "e"), ("est", ""),
    ("est", "e"), ("ly", ""), ("d", ""),
)  # fmt: skip


def _read_poles() -> dict[str, frozenset[tuple[int, int]]]:
    """lemma -> {(pair number, side)}."""
    found: dict[str, set[tuple[int, int]]] = {}
    pair = 0
    for line in DATA.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        for side, words in enumerate(line.split("\t")):
            for word in words.split():
                found.setdefault(word, set()).add((pair, side))
        pair += 1
    return {word: frozenset(sides) for word, sides in found.items()}


def lemmas(word: str) -> set[str]:
    """The word and what it is with one inflection removed (loosened -> loosen, wider ->
    wide, hottest -> hot)."""
    forms = {word}
    for ending, replacement in ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            stem = word[: -len(ending)]
            forms.add(stem + replacement)
            if len(stem) > 3 and stem[-1] == stem[-2]:
                forms.add(stem[:-1])  # hottest -> hot, stopped -> stop
    return forms


# Read at import (about 65 ms here), like the lexicon's tables: never on a request's event loop.
POLES = _read_poles()


@lru_cache(maxsize=16384)
def sides(word: str) -> frozenset[tuple[int, int]]:
    return frozenset(s for form in lemmas(word) for s in POLES.get(form, ()))


def are_antonyms(a: str, b: str) -> bool:
    """True when the two words sit on opposite sides of one WordNet pair."""
    b_sides = sides(b)
    return bool(b_sides) and any((pair, 1 - side) in b_sides for pair, side in sides(a))
