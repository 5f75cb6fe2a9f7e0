"""One encoder pass over everything a request needs checked: routing text, guard windows, PII.

Every message in a checked role is split into windows; all texts go to Triton together, so
a short single-message request still costs one encoder pass, and identical texts (the
routing text is usually the last user message) are sent once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from orchestrator.chat_request import ChatRequest, message_text
from orchestrator.config import RouterConfig
from orchestrator.guard import GuardVerdict, request_verdict
from orchestrator.guard_rules import RuleHit, rule_hits
from orchestrator.pii_detection import combine
from orchestrator.pii_validators import PiiEntity
from orchestrator.signals import PiiSpan, TextSignals
from orchestrator.text_windows import edge_windows, normalised, windows


@dataclass(frozen=True)
class Window:
    message: int  # index into chat.messages
    offset: int  # character offset of the window in the message text
    text: str
    for_pii: bool  # False for the normalised copy, whose offsets differ from the message


@dataclass
class InspectionPlan:
    texts: list[str] = field(default_factory=list)
    routing_index: int | None = None
    cache_index: int | None = None
    windows: list[tuple[Window, int]] = field(default_factory=list)  # window, index in texts
    rule_hits: list[RuleHit] = field(default_factory=list)
    message_texts: dict[int, str] = field(default_factory=dict)

    def add(self, text: str) -> int:
        if text in self.texts:
            return self.texts.index(text)
        self.texts.append(text)
        return len(self.texts) - 1


@dataclass(frozen=True)
class Inspection:
    routing: TextSignals | None
    guard: GuardVerdict | None
    pii: dict[int, list[PiiEntity]]  # message index -> entities
    cache_query: TextSignals | None = None


def plan_inspection(
    chat: ChatRequest,
    routing_text: str | None,
    config: RouterConfig,
    guard: bool,
    cache_text: str | None = None,
) -> InspectionPlan:
    plan = InspectionPlan()
    if routing_text:
        plan.routing_index = plan.add(routing_text)
    if cache_text:
        plan.cache_index = plan.add(cache_text)
    guard_roles = set(config.guard.roles) if guard and config.guard.enabled else set()
    pii_roles = set(config.pii.roles) if config.pii.enabled else set()
    g = config.guard
    for i, message in enumerate(chat.messages):
        role = message["role"]
        if role not in guard_roles and role not in pii_roles:
            continue
        text = message_text(message)
        if not text.strip():
            continue
        plan.message_texts[i] = text
        regular = windows(text, g.window_words, g.window_overlap, g.max_windows)
        for start, end in regular:
            window = Window(i, start, text[start:end], for_pii=role in pii_roles)
            plan.windows.append((window, plan.add(window.text)))
        if role in guard_roles:
            for start, end in edge_windows(text, g.window_words, regular):
                window = Window(i, start, text[start:end], for_pii=False)
                plan.windows.append((window, plan.add(window.text)))
            folded = normalised(text)
            plan.rule_hits.extend(rule_hits(folded, raw=text))
            if folded != text:  # invisible or look-alike characters: check what they hide
                spans = windows(folded, g.window_words, g.window_overlap, g.max_windows)
                for start, end in spans + edge_windows(folded, g.window_words, spans):
                    window = Window(i, start, folded[start:end], for_pii=False)
                    plan.windows.append((window, plan.add(window.text)))
    return plan


def evaluate(
    plan: InspectionPlan, signals: list[TextSignals], config: RouterConfig, guard: bool
) -> Inspection:
    routing = signals[plan.routing_index] if plan.routing_index is not None else None
    verdict = None
    if guard and config.guard.enabled:
        scores = [signals[index].guard for _, index in plan.windows]
        verdict = request_verdict(scores, plan.rule_hits, config.guard)
    pii: dict[int, list[PiiEntity]] = {}
    if config.pii.enabled:
        spans: dict[int, list[PiiSpan]] = {}
        for window, index in plan.windows:
            if window.for_pii:
                shifted = [
                    PiiSpan(s.type, s.start + window.offset, s.end + window.offset, s.score)
                    for s in signals[index].pii
                ]
                spans.setdefault(window.message, []).extend(shifted)
        for message, text in plan.message_texts.items():
            found = combine(text, spans.get(message, []), config.pii)
            if found:
                pii[message] = found
    cache_query = signals[plan.cache_index] if plan.cache_index is not None else None
    return Inspection(routing, verdict, pii, cache_query)
