"""Whether a cached query may answer a new one that the embedding says is close.

Sentence embeddings place "What is 17 × 24?" and "What is 17 × 23?" almost on top of each
other: they encode topic and wording, not the few tokens that change the answer. So a hit
needs cosine similarity above the threshold *and* this check, which compares what the two
queries pin down exactly and refuses the hit on any difference:

- numbers: the multiset of numbers (digits, number words, "dozen", ordinals from "second"
  on), and the arithmetic operators (plus, times, half, double, ...) when both queries
  contain numbers; order counts for non-commutative ones ("10 - 3" vs "3 - 10");
- negation: one query negated (not, n't, never, without, except, sugar-free, ...) and the
  other not;
- named things: capitalised words not at a sentence start, acronyms, letter-digit tokens
  (2FA, GPT-4), quoted terms, and known lower-case names (countries, cities, languages,
  units, months, ...), with known aliases resolved (JS = JavaScript, Go = Golang). Each must
  appear in the other query, except a unit when the other query names no unit at all ("what
  year" / "when" is a rewording, "hours" / "minutes" is not); their order must agree unless
  the query joins them symmetrically ("A and B", "between", "vs"), and what follows a
  direction word must agree ("from Paris to London" vs "from London to Paris");
- opposites: one query leans to one pole of an opposite pair (enable/disable, on/off,
  increase|raise|grow / decrease|reduce|lower, before/after, hot|warm / cold|cool, max/min,
  more/fewer, over/under, read/write, ...; a pole may have several words, and comparative
  and superlative forms count: warmest/coldest) and the other to the other pole, or both
  name the pair in swapped order around a direction word ("uppercase to lowercase"), or one
  adds a negating prefix to the other's word (install/uninstall, legal/illegal).

It is deliberately one-sided: a paraphrase it refuses is a miss (the backend answers),
while a look-alike it lets through is a wrong answer. It is a pure function of two strings,
with no model, so it costs microseconds and its verdicts are explainable (`mismatch`).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from orchestrator.cache.lexicon import (
    ALIASES,
    DIRECTION_MARKERS,
    GAZETTEER,
    INFIX_SYMBOLS,
    NEGATING_PREFIXES,
    NEGATING_SUFFIXES,
    NEGATIONS,
    NON_COMMUTATIVE,
    OPERATOR_WORDS,
    OPPOSITE_PREFIXES,
    OPPOSITES,
    ORDINALS,
    SCALES,
    TENS_WORDS,
    UNIT_WORDS,
    UNITS,
)

TOKEN = re.compile(
    r"[A-Za-z][A-Za-z0-9]*(?:['.\-][A-Za-z0-9]+)*(?:\+\+|#)?"  # words, GPT-4, c++, c#
    r"|\d+(?:,\d{3})*(?:\.\d+)?[A-Za-z]*"  # 17, 1,000, 3.5, 3rd, 2FA
    r"|[+\-*/×÷^%]"
)
QUOTED = re.compile(r"(?<![A-Za-z])['\"`“‘]([^'\"`”’]{1,60})['\"`”’](?![A-Za-z])")
SENTENCE_END = frozenset(".?!:;\n")
SYMMETRIC = frozenset({"and", "or", "between", "vs", "versus", "with", "compare", "both", "&"})
SKIPPABLE = frozenset({"the", "a", "an", "my", "your", "our", "their", "its"})
ORDINAL_SUFFIXES = ("st", "nd", "rd", "th")

_NUMBER_WORDS = {w: i for i, w in enumerate(UNIT_WORDS)} | {
    w: 20 + 10 * i for i, w in enumerate(TENS_WORDS)
}
_ORDINAL_VALUES = {w: i + 1 for i, w in enumerate(ORDINALS) if w != "first"}


def _inflections(word: str) -> set[str]:
    forms = {word, word + "s", word + "es", word + "d", word + "ed", word + "ing", word + "ly"}
    if word.endswith("e"):
        forms |= {word[:-1] + "ing", word[:-1] + "ion", word[:-1] + "ions"}
        forms |= {word + "r", word + "st"}  # larger, latest
    if word.endswith("y"):
        forms |= {word[:-1] + "ies", word[:-1] + "ied", word[:-1] + "ier", word[:-1] + "iest"}
    if len(word) > 2:
        forms |= {word + word[-1] + "ed", word + word[-1] + "ing"}
        forms |= {word + "er", word + "est", word + word[-1] + "er", word + word[-1] + "est"}
    return forms


_OPPOSITE_SIDES: dict[str, list[tuple[int, int]]] = {}
for _pair, _poles in enumerate(OPPOSITES):
    for _side, _pole in enumerate(_poles):
        for _form in {f for word in _pole.split() for f in _inflections(word)}:
            _OPPOSITE_SIDES.setdefault(_form, []).append((_pair, _side))


@dataclass(frozen=True)
class Signature:
    """What a query pins down exactly (see the module docstring)."""

    words: frozenset[str]
    numbers: tuple[float, ...]
    operators: frozenset[str]
    negated: bool
    entities: tuple[str, ...]  # in order of appearance, without repeats, aliases resolved
    units: frozenset[str]  # the entities that are units
    opposites: dict[int, tuple[int, int, int]]  # pair -> (side 0 count, side 1 count, first)
    directions: Counter[tuple[str, str]]
    directions_marked: bool  # any direction word at all (to, into, from, than)
    symmetric: bool
    plain_words: Counter[str]  # everything but the named things, to recognise a pure swap


def same_meaning(cached_query: str, new_query: str) -> bool:
    """True when nothing the check compares differs between the two queries."""
    return mismatch(cached_query, new_query) is None


def mismatch(a: str, b: str) -> str | None:
    """The first difference found (for logs and tests), or None."""
    sa, sb = signature(a), signature(b)
    if Counter(sa.numbers) != Counter(sb.numbers):
        return "numbers"
    if sa.numbers and sb.numbers:
        if sa.operators != sb.operators:
            return "operators"
        if sa.operators & NON_COMMUTATIVE and sa.numbers != sb.numbers:
            return "operand order"
    if sa.negated != sb.negated:
        return "negation"
    if _unmatched(sa, sb) or _unmatched(sb, sa):
        return "entities"
    if _order_differs(sa, sb):
        return "entity order"
    for marker in {m for m, _ in sa.directions} & {m for m, _ in sb.directions}:
        if _marked(sa.directions, marker) != _marked(sb.directions, marker):
            return "direction"
    for pair in sa.opposites.keys() & sb.opposites.keys():
        (a0, a1, a_first), (b0, b1, b_first) = sa.opposites[pair], sb.opposites[pair]
        if (a0 - b0) * (a1 - b1) < 0:  # one leans to a side the other leans away from
            return "opposites"
        if min(a0, a1, b0, b1) > 0 and a_first != b_first and sa.directions_marked:
            return "opposites"  # "uppercase to lowercase" vs "lowercase to uppercase"
    if _prefixed_opposite(sa.words, sb.words) or _prefixed_opposite(sb.words, sa.words):
        return "opposites"
    if _opposite_prefixes(sa.words, sb.words) or _opposite_prefixes(sb.words, sa.words):
        return "opposites"
    return None


@lru_cache(maxsize=8192)
def signature(text: str) -> Signature:
    text = text.replace("’", "'").replace("‘", "'")
    matches = list(TOKEN.finditer(text))
    raw = [m.group(0) for m in matches]
    lower = [_normal(t) for t in raw]
    numbers = _numbers(lower)
    quoted = {_normal(w) for q in QUOTED.findall(text) for w in TOKEN.findall(q)}
    entities: list[str] = []
    for i, (token, word) in enumerate(zip(raw, lower, strict=True)):
        starts = _starts_sentence(text, matches[i].start())
        name = _unit_base(ALIASES.get(word, word))
        if name not in entities and (word in quoted or _is_entity(token, word, starts)):
            entities.append(name)
    operators = _operators(lower)
    opposites: dict[int, tuple[int, int, int]] = {}
    for word in lower:
        for pair, side in _OPPOSITE_SIDES.get(word, ()):
            zero, one, first = opposites.get(pair, (0, 0, side))
            opposites[pair] = (zero + (side == 0), one + (side == 1), first)
    return Signature(
        words=frozenset(lower) | {ALIASES.get(w, _unit_base(w)) for w in lower},
        numbers=tuple(numbers),
        operators=frozenset(operators),
        negated=any(
            w in NEGATIONS or w.endswith("n't") or w.endswith(NEGATING_SUFFIXES) for w in lower
        ),
        entities=tuple(entities),
        units=frozenset(e for e in entities if e in UNITS),
        opposites=opposites,
        directions=_directions(lower, set(entities)),
        directions_marked=any(w in DIRECTION_MARKERS for w in lower),
        plain_words=Counter(w for w in lower if w not in entities),
        symmetric=any(w in SYMMETRIC for w in lower) or "," in text,
    )


def _normal(token: str) -> str:
    word = token.lower()
    for suffix in ("'s", "'"):
        if word.endswith(suffix) and len(word) > len(suffix):
            return word[: -len(suffix)]
    return word


def _unit_base(word: str) -> str:
    """One name for a unit's singular and plural ("hours" and "hour" are the same unit)."""
    for suffix in ("s", "es"):
        if word.endswith(suffix) and word[: -len(suffix)] in UNITS:
            return word[: -len(suffix)]
    return word


def _starts_sentence(text: str, start: int) -> bool:
    before = text[:start].rstrip(" \t\"'([*-")
    return not before or before[-1] in SENTENCE_END


def _is_entity(token: str, word: str, starts_sentence: bool) -> bool:
    if word in GAZETTEER or token.endswith(("++", "#")):
        return True
    if any(c.isdigit() for c in token) and any(c.isalpha() for c in token):
        return not (token[0].isdigit() and word.lstrip("0123456789,.") in ORDINAL_SUFFIXES)
    if not token[0].isalpha() or token == "I" or token.startswith("I'"):
        return False  # "I", "I'm", "I've"
    if any(c.isupper() for c in token[1:]):
        return True  # acronyms and inner capitals: API, iOS, OpenAI
    # A capital at a sentence start says nothing (known names were caught above).
    return token[0].isupper() and not starts_sentence


def _numbers(words: list[str]) -> list[float]:
    """Numbers in order: digits, runs of number words ("twenty four"), ordinals."""
    found: list[float] = []
    run: list[str] = []

    def close_run() -> None:
        if run and (len(run) > 1 or run[0] != "one"):  # a lone "one" is usually a pronoun
            found.append(_word_number(run))
        run.clear()

    for word in words:
        if word in _NUMBER_WORDS or word in SCALES or (run and word == "and"):
            run.append(word)
            continue
        close_run()
        if word in _ORDINAL_VALUES:
            found.append(float(_ORDINAL_VALUES[word]))
        elif word[0].isdigit():
            digits = word.rstrip("abcdefghijklmnopqrstuvwxyz")
            suffix = word[len(digits) :]
            if not suffix or suffix in ORDINAL_SUFFIXES:
                found.append(float(digits.replace(",", "")))
    close_run()
    return found


def _word_number(words: list[str]) -> float:
    total, current = 0, 0
    for word in words:
        if word in _NUMBER_WORDS:
            current += _NUMBER_WORDS[word]
        elif word == "hundred":
            current = max(current, 1) * 100
        elif word in SCALES:
            total += max(current, 1) * SCALES[word]
            current = 0
    return float(total + current)


def _is_number(word: str) -> bool:
    return word[0].isdigit() or word in _NUMBER_WORDS


def _operators(words: list[str]) -> set[str]:
    found = set()
    for i, word in enumerate(words):
        if word in INFIX_SYMBOLS and 0 < i < len(words) - 1:
            if _is_number(words[i - 1]) and _is_number(words[i + 1]):
                found.add(INFIX_SYMBOLS[word])
        elif word in OPERATOR_WORDS:
            if word == "square" and i + 1 < len(words) and words[i + 1] == "root":
                continue
            found.add(OPERATOR_WORDS[word])
    return found


def _directions(words: list[str], entities: set[str]) -> Counter[tuple[str, str]]:
    """(direction, the named thing right after it): "to miles", "from paris", "than rome"."""
    found: Counter[tuple[str, str]] = Counter()
    for i, word in enumerate(words):
        if word not in DIRECTION_MARKERS:
            continue
        j = i + 1
        while j < len(words) and words[j] in SKIPPABLE:
            j += 1
        if j < len(words) and (words[j] in entities or _is_number(words[j])):
            found[(DIRECTION_MARKERS[word], words[j])] += 1
    return found


def _marked(directions: Counter[tuple[str, str]], marker: str) -> Counter[str]:
    return Counter({target: n for (m, target), n in directions.items() if m == marker})


def _unmatched(a: Signature, b: Signature) -> bool:
    """A named thing of `a` that `b` lacks; a unit counts only when `b` names units too."""
    return any(e not in b.words and (e not in UNITS or b.units) for e in a.entities)


def _order_differs(a: Signature, b: Signature) -> bool:
    """The same words around the same named things, in another order: who did what to whom.
    A reworded query ("Germany's GDP") or a symmetric one ("A and B") is not a swap."""
    if a.symmetric or b.symmetric or a.plain_words != b.plain_words:
        return False
    shared = set(a.entities) & set(b.entities)
    if len(shared) < 2:
        return False
    return [e for e in a.entities if e in shared] != [e for e in b.entities if e in shared]


def _opposite_prefixes(words: frozenset[str], other: frozenset[str]) -> bool:
    """`words` has over-/up-/hyper-... + a stem, `other` the opposite prefix + the same stem."""
    for word in words - other:
        for pair in OPPOSITE_PREFIXES:
            for prefix, opposite in (pair, pair[::-1]):
                stem = word[len(prefix) :]
                if word.startswith(prefix) and len(stem) >= 3:
                    twin = opposite + stem
                    if twin in other and twin not in words:
                        return True
    return False


def _prefixed_opposite(words: frozenset[str], other: frozenset[str]) -> bool:
    """`other` has un-/dis-/il-... + a word of `words` that `words` lacks (install/uninstall)."""
    for word in other - words:
        for prefix in NEGATING_PREFIXES:
            base = word[len(prefix) :]
            if word.startswith(prefix) and len(base) >= 4 and base in words and base not in other:
                return True
    return False
