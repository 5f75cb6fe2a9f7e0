"""Cheap rules that catch what a small classifier can miss.

They cover phrasings that are unambiguous whatever surrounds them, so they also hold after
padding or when only a fragment of a window shows the attack, plus characters that have no
business in a prompt (Unicode tag characters smuggle invisible ASCII instructions). Each
rule is narrow: "ignore case when sorting" or "kill a zombie process" match none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class RuleHit:
    rule: str
    label: str


RULES: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    (
        "ignore_previous_instructions",
        "prompt_injection",
        re.compile(
            r"\b(ignore|disregard|forget|override)\b[^.\n]{0,40}\b(all|any|the|your|previous|prior|"
            r"above|earlier|preceding)\b[^.\n]{0,30}\b(instructions?|rules|prompts?|guidelines|directives)\b",
            re.I,
        ),
    ),
    (
        "reveal_system_prompt",
        "prompt_injection",
        re.compile(
            r"\b(reveal|print|show|repeat|output|tell me)\b[^.\n]{0,40}\b(system prompt|hidden "
            r"(instructions|prompt)|initial instructions)\b",
            re.I,
        ),
    ),
    (
        "do_anything_now",
        "jailbreak",
        re.compile(
            r"(\b(?-i:DAN|STAN|DUDE|AIM)\b|\bdo anything now\b|\bdeveloper mode "
            r"(enabled|on|output)\b|\bjailbroken\b)(?=[^\n]{0,200}\b(no|without|free from|break|"
            r"ignore|rules|restrictions|filters?|polic(y|ies)|limits?)\b)",
            re.I,
        ),
    ),
    (
        "no_restrictions_persona",
        "jailbreak",
        re.compile(
            r"\b(you are|act as|pretend (to be|you are)|from now on,? you)\b[^.\n]{0,80}"
            r"\b(no|without|free of|not bound by)\b[^.\n]{0,30}"
            r"\b(restrictions|rules|filters|guidelines|limits|ethics)\b",
            re.I,
        ),
    ),
)

TAG_CHARACTERS = re.compile("[\U000e0000-\U000e007f]")


def rule_hits(text: str, raw: str | None = None) -> list[RuleHit]:
    """Rules over `text` (normally the folded text); the tag-character rule looks at `raw`,
    the text as sent, because folding decodes those characters away."""
    hits = [RuleHit(name, label) for name, label, pattern in RULES if pattern.search(text)]
    if TAG_CHARACTERS.search(text if raw is None else raw):
        hits.append(RuleHit("invisible_tag_characters", "prompt_injection"))
    return hits
