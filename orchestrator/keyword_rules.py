"""L1 keyword fast path: regex/keyword rules decided before any model call."""

from __future__ import annotations

import re
from dataclasses import dataclass

from orchestrator.config import KeywordRule


@dataclass(frozen=True)
class KeywordMatch:
    rule: str
    category: str | None
    model: str | None
    skip_guard: bool


@dataclass(frozen=True)
class CompiledRule:
    rule: KeywordRule
    patterns: tuple[re.Pattern[str], ...]
    alternation: re.Pattern[str]

    def matches(self, text: str) -> bool:
        if self.rule.operator == "any":
            return self.alternation.search(text) is not None
        if self.rule.operator == "none":
            return self.alternation.search(text) is None
        return all(p.search(text) for p in self.patterns)


def keyword_pattern(keyword: str) -> str:
    """A literal keyword matches as a whole word where it begins or ends with a word char."""
    escaped = re.escape(keyword)
    start = r"\b" if keyword[:1].isalnum() or keyword[:1] == "_" else ""
    end = r"\b" if keyword[-1:].isalnum() or keyword[-1:] == "_" else ""
    return f"{start}{escaped}{end}"


def compile_rules(rules: list[KeywordRule]) -> tuple[CompiledRule, ...]:
    compiled = []
    for rule in rules:
        flags = 0 if rule.case_sensitive else re.IGNORECASE
        sources = rule.keywords if rule.regex else [keyword_pattern(k) for k in rule.keywords]
        patterns = tuple(re.compile(s, flags) for s in sources)
        alternation = re.compile("|".join(f"(?:{s})" for s in sources), flags)
        compiled.append(CompiledRule(rule, patterns, alternation))
    return tuple(compiled)


def match_keywords(text: str, rules: tuple[CompiledRule, ...]) -> KeywordMatch | None:
    """The first rule, in config order, that matches."""
    for compiled in rules:
        if compiled.matches(text):
            rule = compiled.rule
            return KeywordMatch(rule.name, rule.category, rule.model, rule.skip_guard)
    return None
