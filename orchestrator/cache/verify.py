"""Whether a cached query may answer a new one that the embedding says is close.

Sentence embeddings place "What is 17 × 24?" and "What is 17 × 23?" almost on top of each
other: they encode topic and wording, not the few tokens that change the answer. So a hit
needs cosine similarity above the threshold *and* this check, which compares what the two
queries pin down exactly and refuses the hit on any difference:

- numbers: the multiset of numbers (digits, number words also when hyphenated:
  "forty-three", "two-year-old", "dozen", ordinals from "second" on, a number glued to a word:
  2FA; one of a unit, "1 oz", is not counted, as "an ounce" is not), and the arithmetic
  operators (plus, times, half, double, split, ...) when both queries contain numbers;
  order counts for non-commutative ones ("10 - 3" vs "3 - 10");
- negation: how many negating words each query has (not, n't, never, without, w/o, except,
  sugar-free, ...): "visa-free" and "don't ... visa-free" differ;
- named things: capitalised words not at a sentence start, acronyms, letter-digit tokens
  (2FA, GPT-4), quoted terms, and known lower-case names (countries, cities, languages,
  units, months, ...), with known aliases resolved (JS = JavaScript, Go = Golang) and a
  shortened name before the same number matched (C-14 = carbon-14). Each must
  appear in the other query, except a unit when the other query names no unit at all ("what
  year" / "when" is a rewording, "hours" / "minutes" is not); their order must agree unless
  the query joins them symmetrically ("A and B", "between", "vs"), and what follows a
  direction word must agree ("from Paris to London" vs "from London to Paris");
- opposites: one query leans to one pole of an opposite pair (enable/disable, on/off,
  increase|raise|grow / decrease|reduce|lower, before/after, hot|warm / cold|cool, max/min,
  more/fewer, over/under, read/write, ...; a pole may have several words, and comparative
  and superlative forms count: warmest/coldest) and the other to the other pole, or both
  name the pair in swapped order around a direction word ("uppercase to lowercase"), or one
  adds a negating prefix to the other's word (install/uninstall, legal/illegal), or a word
  only one query has is a WordNet antonym of a word only the other has (tighten/loosen,
  promote/demote; data/wordnet_antonyms.tsv, with adjectives' similar words: huge/tiny);
- substitution: the two queries are the same words (articles and possessives aside) except
  one slot of at most three words, and each side of the slot holds a content word the other
  side does not have in another form ("side effects of [metformin]" / "... of [lisinopril]",
  "foods to [eat]" / "foods to [avoid]"). This is the shape of a look-alike whatever the kind
  of word swapped, so it needs no word list. It does not fire when the slot also rewords the
  question's frame (question words, auxiliaries, pronouns: "who wrote" / "who is the author
  of"), when the two sides share a word (a reordering: "ocean tides" / "tides in the sea"), or
  when a word is the other's inflection, alias, consonant-skeleton abbreviation (tbsp), the
  head of a compound (planes/airplanes; not dis-advantages), an acronym spelled out, or on
  the same pole of an opposite pair (allow/enable). A synonym swapped alone ("write" /
  "compose") is refused too: a miss.

It is deliberately one-sided: a paraphrase it refuses is a miss (the backend answers),
while a look-alike it lets through is a wrong answer. It is a pure function of two strings,
with no model, so it costs microseconds and its verdicts are explainable (`mismatch`).
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from orchestrator.cache.lexicon import (
    ALIASES,
    DIRECTION_MARKERS,
    FUNCTION_WORDS,
    GAZETTEER,
    INFIX_SYMBOLS,
    LIGHT_VERBS,
    NAME_DERIVATIONS,
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
from orchestrator.cache.wordnet import are_antonyms, lemmas, sides

TOKEN = re.compile(
    r"[A-Za-z][A-Za-z0-9]*(?:['.\-][A-Za-z0-9]+)*(?:\+\+|#)?"  # words, GPT-4, c++, c#
    r"|\d+(?:,\d{3})*(?:\.\d+)?[A-Za-z]*"  # 17, 1,000, 3.5, 3rd, 2FA
    r"|[+\-*/×÷^%]"
)
QUOTED = re.compile(r"(?<![A-Za-z])['\"`“‘]([^'\"`”’]{1,60})['\"`”’](?![A-Za-z])")
SENTENCE_END = frozenset(".?!:;\n")
SYMMETRIC = frozenset({"and", "or", "between", "vs", "versus", "with", "compare", "both", "&"})
SKIPPABLE = frozenset({"the", "a", "an", "my", "your", "our", "their", "its"})
# Prepositions and conjunctions: a swapped phrase may hold them ("in the morning" / "at night").
CONNECTIVES = frozenset(
    "to of in on at by for with from as about into onto over than and or".split()
)
ACRONYM_FILLERS = frozenset({"of", "and", "the", "for", "&"})
OPERATOR_NOUNS = frozenset({"difference", "sum", "product", "quotient", "remainder"})
# Spellings folded before tokenizing: "°F" is Fahrenheit, "401(k)" is "401k", and a known
# name glued to its version ("python3", "win11") is the name and the number.
DEGREES = re.compile(r"°\s*([FCfc])\b")
LETTER_IN_PARENS = re.compile(r"(\d)\(([a-z])\)")
GLUED_VERSION = re.compile(r"\b([A-Za-z]{2,})(\d{1,2})\b")
WITH_WITHOUT = re.compile(r"\b[Ww]/([Oo]\b)?")  # "w/o" is "without", "w/" is "with"
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
    negations: int  # negating words: "don't offer visa-free" negates twice
    entities: tuple[str, ...]  # in order of appearance, without repeats, aliases resolved
    units: frozenset[str]  # the entities that are units
    opposites: dict[int, tuple[int, int, int]]  # pair -> (side 0 count, side 1 count, first)
    directions: Counter[tuple[str, str]]
    directions_marked: bool  # any direction word at all (to, into, from, than)
    symmetric: bool
    plain_words: Counter[str]  # everything but the named things, to recognise a pure swap
    joined: frozenset[str]  # neighbours joined ("new york" -> "new-york"), to match aliases
    sequence: tuple[str, ...]  # every word in order, to spell out acronyms
    frame: tuple[str, ...]  # the sequence without articles and possessives, to find a swap
    acronyms: tuple[tuple[str, str], ...]  # (name, as written) for names in capitals: GDP
    content: frozenset[str]  # the words that are neither names nor function words


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
    if sa.negations != sb.negations:
        return "negation"
    only_a, only_b = _unmatched(sa, sb), _unmatched(sb, sa)
    if (only_a and only_b) or _adds_detail(only_a, sa, sb) or _adds_detail(only_b, sb, sa):
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
    if _small_edit(sa, sb) and _antonym_in_place(sa.sequence, sb.sequence):
        return "opposites"
    if _substitution(sa, sb):
        return "substitution"
    return None


@lru_cache(maxsize=8192)
def signature(text: str) -> Signature:
    text = text.replace("’", "'").replace("‘", "'")
    text = WITH_WITHOUT.sub(lambda m: "without" if m[1] else "with", text)
    text = DEGREES.sub(lambda m: " fahrenheit" if m[1] in "Ff" else " celsius", text)
    text = LETTER_IN_PARENS.sub(r"\1\2", text)
    text = GLUED_VERSION.sub(_unglue, text)
    matches = list(TOKEN.finditer(text))
    raw = [m.group(0) for m in matches]
    lower = [_normal(t) for t in raw]
    numbers = _numbers(lower)
    quoted = {_normal(w) for q in QUOTED.findall(text) for w in TOKEN.findall(q)}
    entities: list[str] = []
    acronyms: set[tuple[str, str]] = set()
    for i, (token, word) in enumerate(zip(raw, lower, strict=True)):
        # Only a capitalised word asks (and the look-back is linear in the text).
        starts = token[:1].isupper() and _starts_sentence(text, matches[i].start())
        name = _unit_base(ALIASES.get(word, word))
        if name not in entities and (word in quoted or _is_entity(token, word, starts)):
            entities.append(name)
            if 2 <= len(token) <= 6 and token.isalpha() and token.isupper():
                acronyms.add((name, word))
    operators = _operators(lower)
    opposites: dict[int, tuple[int, int, int]] = {}
    pieces = [p for w in lower for p in ([w, *w.split("-")] if "-" in w else [w])]
    for word in pieces:
        for pair, side in _OPPOSITE_SIDES.get(word, ()):
            zero, one, first = opposites.get(pair, (0, 0, side))
            opposites[pair] = (zero + (side == 0), one + (side == 1), first)
    return Signature(
        words=_word_forms(lower),
        joined=frozenset(f"{a}-{b}" for a, b in itertools.pairwise(lower)),
        numbers=tuple(numbers),
        operators=frozenset(operators),
        negations=sum(
            (w in NEGATIONS or w.endswith("n't") or w.endswith(NEGATING_SUFFIXES))
            and not _question_tag(lower, i)
            for i, w in enumerate(lower)
        ),
        entities=tuple(entities),
        units=frozenset(e for e in entities if e in UNITS),
        opposites=opposites,
        directions=_directions(lower, set(entities)),
        directions_marked=any(w in DIRECTION_MARKERS for w in lower),
        plain_words=Counter(w for w in lower if w not in entities),
        symmetric=any(w in SYMMETRIC for w in lower) or "," in text,
        sequence=tuple(lower),
        frame=tuple(w for w in lower if w not in SKIPPABLE),
        acronyms=tuple(sorted(acronyms)),
        content=frozenset(
            w for w in lower if w not in FUNCTION_WORDS and w not in entities and w.isalpha()
        ),
    )


def _substitution(a: Signature, b: Signature) -> bool:
    """The same query with one word or short phrase swapped for another ("side effects of
    [ibuprofen]" / "side effects of [acetaminophen]", "foods to [eat]" / "foods to [avoid]"):
    everything else identical, and the swapped spans each hold a content word that is not
    the other's inflection, alias or abbreviation. A paraphrase rewords more than one slot;
    one slot swapped is the shape of a look-alike (a synonym swapped alone is refused too: a
    miss, not a wrong answer)."""
    x, y = a.frame, b.frame
    shortest = min(len(x), len(y))
    start = 0
    while start < shortest and x[start] == y[start]:
        start += 1
    end = 0
    while end < shortest - start and x[-1 - end] == y[-1 - end]:
        end += 1
    span_a, span_b = x[start : len(x) - end], y[start : len(y) - end]
    if start + end < 2 or not (0 < len(span_a) <= 3 and 0 < len(span_b) <= 3):
        return False
    if _spelled(span_a, span_b) or _spelled(span_b, span_a):
        return False  # "GDP" / "gross domestic product"
    if any(w in FUNCTION_WORDS and w not in CONNECTIVES for w in (*span_a, *span_b)):
        return False  # the frame was reworded too ("who wrote" / "who is the author of")
    if any(_same_word(u, v) for u in span_a for v in span_b):
        return False  # reordered around a shared word ("ocean tides" / "tides in the sea")
    rest_a = [w for w in span_a if _content(w) and not any(_same_word(w, v) for v in span_b)]
    rest_b = [w for w in span_b if _content(w) and not any(_same_word(w, v) for v in span_a)]
    return bool(rest_a) and bool(rest_b)


def _content(word: str) -> bool:
    return (
        word.replace("-", "").isalpha()
        and word not in FUNCTION_WORDS
        and word not in LIGHT_VERBS
        and word not in _NUMBER_WORDS
    )


def _same_word(u: str, v: str) -> bool:
    """One word written another way: an inflection (planes/plane), an alias (JS/JavaScript),
    an abbreviation (tbsp/tablespoon) or the head of a compound (planes/airplanes)."""
    if u == v or ALIASES.get(u, u) == ALIASES.get(v, v) or lemmas(u) & lemmas(v):
        return True
    if set(_OPPOSITE_SIDES.get(u, ())) & set(_OPPOSITE_SIDES.get(v, ())) or sides(u) & sides(v):
        return True  # one pole of an opposite pair: allow/enable, huge/vast
    short, long = sorted((u, v), key=len)
    head = long[: len(long) - len(short)]
    compound = len(short) >= 4 and len(head) >= 3 and long.endswith(short)
    return _abbreviates(short, long) or (compound and not _opposing_prefix(head))


def _opposing_prefix(head: str) -> bool:
    """dis-advantages, non-profit, under-active: a prefix that changes the meaning."""
    return head.rstrip("-") in {p.rstrip("-") for pair in OPPOSITE_PREFIXES for p in pair} or (
        head.rstrip("-") in {p.rstrip("-") for p in NEGATING_PREFIXES}
    )


def _abbreviates(short: str, long: str) -> bool:
    """`short` is `long`'s consonant skeleton: its first letter, then only consonants, all in
    order in `long` (tbsp/tablespoon, ppl/people, pls/please, yrs/years)."""
    if not 2 <= len(short) < len(long) or short[0] != long[0]:
        return False
    if any(c in "aeiou" for c in short[1:]):
        return False
    rest = iter(long[1:])
    return all(c in rest for c in short[1:])


def _spelled(acronym_span: tuple[str, ...], words: tuple[str, ...]) -> bool:
    return len(acronym_span) == 1 and len(words) > 1 and bool(_spelling(acronym_span[0], words))


def _small_edit(a: Signature, b: Signature) -> bool:
    """At most two content words changed on each side: the shape of a look-alike, where an
    antonym swaps in place. A reworded query may hold an antonym in another construction
    ("speed up my slow computer" / "make a sluggish PC faster")."""
    return len(a.content - b.words) <= 2 and len(b.content - a.words) <= 2


def _antonym_in_place(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """A word only `a` has and a WordNet antonym only `b` has, with a neighbour in common
    ("I [tighten] a" / "I [loosen] a"): one swapped in for the other."""
    a_words, b_words = _pieces(a), _pieces(b)
    only_a, only_b = set(a_words) - set(b_words), set(b_words) - set(a_words)
    for x, x_near in _neighbours(a_words, only_a).items():
        for y, y_near in _neighbours(b_words, only_b).items():
            if x_near & y_near and are_antonyms(x, y):
                return True
    return False


def _pieces(words: tuple[str, ...]) -> list[str]:
    """The words in order, hyphenated ones split ("highest-paying" -> "highest", "paying")."""
    return [p for w in words for p in w.split("-") if p]


def _neighbours(words: list[str], wanted: set[str]) -> dict[str, set[str]]:
    near: dict[str, set[str]] = {}
    for i, word in enumerate(words):
        if word in wanted:
            before = words[i - 1] if i else "^"
            after = words[i + 1] if i + 1 < len(words) else "$"
            near.setdefault(word, set()).update({("<", before), (">", after)})
    return near


def _word_forms(lower: list[str]) -> frozenset[str]:
    """Each word, its alias or unit base, and the parts of a hyphenated word or alias
    ("new-york")."""
    forms = set(lower) | {ALIASES.get(w, _unit_base(w)) for w in lower}
    forms |= {part for w in list(forms) if "-" in w for part in w.split("-") if part}
    return frozenset(forms)


def _unglue(match: re.Match[str]) -> str:
    name = match[1].lower()
    known = name in GAZETTEER or name in ALIASES
    return f"{match[1]} {match[2]}" if known else match[0]


def _question_tag(words: list[str], i: int) -> bool:
    """ "... or not" closing a question asks yes or no; it negates nothing."""
    return words[i] == "not" and i == len(words) - 1 and i > 0 and words[i - 1] == "or"


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
    if token.isalpha() and token.islower():
        return word in GAZETTEER  # most words: none of the checks below can say yes
    if word in GAZETTEER or token.endswith(("++", "#")):
        return True
    if any(c.isdigit() for c in token) and any(c.isalpha() for c in token):
        suffix = word.lstrip("0123456789,.")
        return not (token[0].isdigit() and (suffix in ORDINAL_SUFFIXES or suffix == "k"))
    if not token[0].isalpha() or token == "I" or token.startswith("I'"):
        return False  # "I", "I'm", "I've"
    if word in ORDINALS:
        return False  # "the First World War": an ordinal, compared as a number
    if len(token) == 1:
        return False  # "big O", "plan B": a letter, not a name (C and R are in GAZETTEER)
    if any(c.isupper() for c in token[1:]):
        return True  # acronyms and inner capitals: API, iOS, OpenAI
    # A capital at a sentence start says nothing (known names were caught above).
    return token[0].isupper() and not starts_sentence


def _numbers(words: list[str]) -> list[float]:
    """Numbers in order: digits, runs of number words ("twenty four", "forty-three"),
    ordinals. One of a unit ("1 cup", "one ounce") is not counted: it says what "a cup" says."""
    words = [p for w in words for p in (w.split("-") if _hyphenated_number(w) else [w]) if p]
    found: list[float] = []
    run: list[str] = []

    def close_run() -> None:
        if run and (len(run) > 1 or run[0] != "one"):  # a lone "one" is usually a pronoun
            found.append(_word_number(run))
        run.clear()

    for i, word in enumerate(words):
        if word in _NUMBER_WORDS or word in SCALES or (run and word == "and"):
            run.append(word)
            continue
        close_run()
        if word in _ORDINAL_VALUES:
            found.append(float(_ORDINAL_VALUES[word]))
        elif word == "1" and i + 1 < len(words) and _unit_base(words[i + 1]) in UNITS:
            continue  # "1 oz" = "an ounce"
        elif word[0].isdigit():
            digits = word.rstrip("abcdefghijklmnopqrstuvwxyz")
            suffix = word[len(digits) :]
            if suffix == "k":  # 300k
                found.append(float(digits.replace(",", "")) * 1000)
            else:  # 17, 3rd, and a number glued to a word: 2FA (two-factor), 3D, 64bit
                found.append(float(digits.replace(",", "")))
    close_run()
    return found


def _hyphenated_number(word: str) -> bool:
    """ "forty-three", "two-year-old": number words joined by hyphens count as words."""
    return "-" in word and any(p in _NUMBER_WORDS or p in SCALES for p in word.split("-"))


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
            if word in OPERATOR_NOUNS and not _number_follows(words, i):
                continue  # "the difference between a Roth and a traditional 401(k)"
            found.add(OPERATOR_WORDS[word])
    return found


def _number_follows(words: list[str], i: int) -> bool:
    """ "difference between 17 and 4", "sum of 3 and 5": the noun names arithmetic."""
    j = i + 1 + (i + 1 < len(words) and words[i + 1] in {"between", "of"})
    return j < len(words) and _is_number(words[j])


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


def _unmatched(a: Signature, b: Signature) -> list[str]:
    """The named things of `a` that `b` lacks; a unit counts only when `b` names units too.
    Words of `a` that spell out an acronym of `b` ("United States" for "US") are named in `b`."""
    written = dict(a.acronyms)
    covered = {w for _, acronym in b.acronyms for w in _spelling(acronym, a.sequence)}
    return [
        e
        for e in a.entities
        if (e not in UNITS or b.units)
        and e not in covered
        and not _names(b, e)
        and not (e in written and _spelling(written[e], b.sequence))
    ]


def _names(b: Signature, name: str) -> bool:
    """Whether query `b` mentions `name`: the word itself in any case or hyphenation, or its
    adjective or demonym."""
    if name in b.words or name in b.joined:
        return True
    head, _, number = name.partition("-")
    if number[:1].isdigit():  # "C-14" / "carbon-14", "U-238" / "uranium-238"
        for word in b.words:
            other, _, same = word.partition("-")
            if same == number and (other.startswith(head) or head.startswith(other)):
                return True
    folded = name.replace("-", "")
    return any(
        word.replace("-", "") == folded or _derived(name, word) or _derived(word, name)
        for word in b.words
    )


def _derived(short: str, long: str) -> bool:
    """`long` is `short` with a name ending (Africa/African, Japan/Japanese, China/Chinese)."""
    if len(short) < 4 or len(long) <= len(short):
        return False
    for stem in (short, short[:-1] if short[-1] in "aey" else short):
        if long.startswith(stem) and long[len(stem) :] in NAME_DERIVATIONS:
            return True
    return False


def _spelling(acronym: str, words: tuple[str, ...]) -> set[str]:
    """The words of `words` whose initials spell `acronym` ("gross domestic product" for
    "gdp"), fillers between them allowed; empty when none do."""
    kept = [w for w in words if w not in ACRONYM_FILLERS and w[0].isalpha()]
    for start in range(len(kept) - len(acronym) + 1):
        run = kept[start : start + len(acronym)]
        if "".join(w[0] for w in run) == acronym and all(len(w) > 1 for w in run):
            return set(run)
    return set()


def _adds_detail(extra: list[str], a: Signature, b: Signature) -> bool:
    """`a` names things `b` lacks and otherwise says what `b` says: a narrower question
    ("install Docker on Ubuntu" / "install Docker"), not a rewording."""
    return bool(extra) and not b.content - a.words


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
