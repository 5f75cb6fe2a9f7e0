"""Per-category system prompt injection: `insert` before the client's, or `replace` them."""

from __future__ import annotations

from typing import Any

from orchestrator.config import Category

SYSTEM_ROLES = ("system", "developer")


def apply_system_prompt(
    messages: list[dict[str, Any]], category: Category | None
) -> tuple[list[dict[str, Any]], str | None]:
    """(messages, "inserted" | "replaced" | None)."""
    if category is None or not category.system_prompt:
        return messages, None
    prompt = {"role": "system", "content": category.system_prompt}
    if category.system_prompt_mode == "replace":
        kept = [m for m in messages if m.get("role") not in SYSTEM_ROLES]
        return [prompt, *kept], "replaced"
    return [prompt, *messages], "inserted"
