"""Turning benchmark rows into text that looks like a user's question."""

from __future__ import annotations

import re

_OPTION = re.compile(r"^\s*[A-D][.)]\s")
_ANSWER = re.compile(r"\n?\s*Answer:\s*$")
_SPACES = re.compile(r"\s+")
_WORDS = re.compile(r"[a-z0-9]+")


def clean_mmlu_prompt(prompt: str) -> str:
    """Drop the A-D options and the trailing `Answer:` so only the question is left."""
    text = _ANSWER.sub("", prompt.rstrip())
    lines = text.split("\n")
    cut = len(lines)
    # Options are the last four lines "A. ..", "B. .." ...; drop from the first option on.
    for i in range(len(lines) - 1, -1, -1):
        if _OPTION.match(lines[i]):
            cut = i
        elif cut != len(lines):
            break
    return "\n".join(lines[:cut]).strip()


def normalize(text: str) -> str:
    """Collapse case and spacing so trivial variants count as duplicates."""
    return _SPACES.sub(" ", text.strip().lower())


def dedup_key(text: str, words: int = 24) -> str:
    """The first words, lower-cased, without punctuation: near-duplicates share a key."""
    return " ".join(_WORDS.findall(text.lower())[:words])
