"""BM25 over tool texts: the word-level evidence that sentence embeddings blur.

Near-duplicate tools (`get_prime_factors`, `prime_factorize`, `number_analysis.prime_factors`)
sit almost on top of each other in embedding space, while the question usually repeats words
of the right tool's name or description. Scores are divided by the best tool's, so they lie
in [0, 1] whatever the query's length and one weight mixes them with cosine similarity.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

K1 = 1.2  # BM25 term-frequency saturation (the usual default)
B = 0.75  # BM25 length normalisation (the usual default)
_CAMEL = re.compile(r"([a-z0-9])([A-Z])")
_WORD = re.compile(r"[a-z][a-z0-9]+")


def words(text: str) -> list[str]:
    """Lower-case words of 2+ characters starting with a letter; snake_case, dotted and
    camelCase names split apart.

    Bare numbers are left out (in a question they are argument values, not what the tool
    does). No stop-word list or stemming: IDF already discounts common words, and neither
    moved BFCL accuracy beyond noise.
    """
    return _WORD.findall(_CAMEL.sub(r"\1 \2", text).lower())


@dataclass(frozen=True)
class Terms:
    """A tool text's word counts, computed once per tool and reused by name."""

    counts: dict[str, int]
    length: int

    @classmethod
    def of(cls, text: str) -> Terms:
        found = words(text)
        return cls(dict(Counter(found)), len(found))


def _idf(n: int, df: int) -> float:
    return math.log(1 + (n - df + 0.5) / (df + 0.5))


def _length_norms(docs: Sequence[Terms]) -> list[float]:
    average = max(sum(d.length for d in docs) / max(len(docs), 1), 1e-9)
    return [K1 * (1 - B + B * d.length / average) for d in docs]


def _relative(scores: np.ndarray) -> np.ndarray:
    best = float(scores.max()) if len(scores) else 0.0
    return scores / best if best > 0 else scores


@dataclass(frozen=True)
class LexicalIndex:
    """Postings with precomputed BM25 weights, for a database queried many times: a query
    costs one tokenisation and one vector add per distinct matching word."""

    size: int
    postings: dict[str, tuple[np.ndarray, np.ndarray]]  # word -> (tool rows, BM25 weights)

    @classmethod
    def build(cls, docs: Sequence[Terms]) -> LexicalIndex:
        n = len(docs)
        frequency = Counter(word for doc in docs for word in doc.counts)
        rows: dict[str, list[int]] = {}
        weights: dict[str, list[float]] = {}
        for i, (doc, norm) in enumerate(zip(docs, _length_norms(docs), strict=True)):
            for word, count in doc.counts.items():
                rows.setdefault(word, []).append(i)
                weight = _idf(n, frequency[word]) * count * (K1 + 1) / (count + norm)
                weights.setdefault(word, []).append(weight)
        postings = {
            word: (np.array(rows[word], dtype=np.intp), np.array(weights[word], dtype=np.float32))
            for word in rows
        }
        return cls(n, postings)

    def scores(self, query: str) -> np.ndarray:
        total = np.zeros(self.size, dtype=np.float32)
        for word in set(words(query)):
            posting = self.postings.get(word)
            if posting is not None:
                total[posting[0]] += posting[1]
        return _relative(total)


def bm25(query: str, docs: Sequence[Terms]) -> np.ndarray:
    """The same scores as `LexicalIndex.build(docs).scores(query)` without building postings:
    cheaper for a request's own tools, which are scored once."""
    wanted = set(words(query))
    matches = [(i, doc, wanted.intersection(doc.counts)) for i, doc in enumerate(docs)]
    frequency = Counter(word for _, _, found in matches for word in found)
    idf = {word: _idf(len(docs), df) for word, df in frequency.items()}
    total = [0.0] * len(docs)
    norms = _length_norms(docs)
    for i, doc, found in matches:
        for word in found:
            count = doc.counts[word]
            total[i] += idf[word] * count * (K1 + 1) / (count + norms[i])
    return _relative(np.array(total, dtype=np.float32))
