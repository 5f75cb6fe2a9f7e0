"""Reasoning mode in the forwarded body, in the form the chosen model's family understands."""

from __future__ import annotations

from typing import Any

from orchestrator.config import Category, ModelConfig, ReasoningFamily


def client_chose(body: dict[str, Any], family: ReasoningFamily) -> bool:
    if family.type == "chat_template_kwargs":
        kwargs = body.get("chat_template_kwargs")
        return isinstance(kwargs, dict) and family.parameter in kwargs
    return family.parameter in body


def apply_reasoning(
    body: dict[str, Any],
    model: ModelConfig,
    category: Category | None,
    families: dict[str, ReasoningFamily],
) -> tuple[dict[str, Any], str | None]:
    """(body, what happened: "on" | "off" | "client" | None when the model has no family).

    A client's explicit choice is kept. Template-switch families are set off explicitly when
    the category does not want reasoning (qwen3 thinks by default); effort families have no
    "off", so their field is left out.
    """
    family = families.get(model.reasoning_family) if model.reasoning_family else None
    if family is None:
        return body, None
    if client_chose(body, family):
        return body, "client"
    wanted = category is not None and category.use_reasoning
    if family.type == "chat_template_kwargs":
        kwargs = dict(body.get("chat_template_kwargs") or {})
        kwargs[family.parameter] = wanted
        return {**body, "chat_template_kwargs": kwargs}, "on" if wanted else "off"
    if not wanted:
        return body, "off"
    assert category is not None
    return {**body, family.parameter: category.reasoning_effort}, "on"
