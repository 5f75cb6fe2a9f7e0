"""Everything a request needs that is derived from the config, built once per config version.

A reload builds a new runtime and swaps one reference, so a request in flight keeps the
snapshot it started with.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from orchestrator.config import ConfigError, RouterConfig
from orchestrator.example_routes import ExampleIndex
from orchestrator.keyword_rules import CompiledRule, compile_rules
from orchestrator.signals import EncoderClient
from orchestrator.tool_selection import ToolIndex, build_tool_index


@dataclass(frozen=True)
class RouterRuntime:
    config: RouterConfig
    examples: ExampleIndex
    keyword_rules: tuple[CompiledRule, ...] = ()
    tools: ToolIndex | None = None
    guard_policy: str = ""  # see guard_policy()


async def build_runtime(config: RouterConfig, encoder: EncoderClient) -> RouterRuntime:
    """Compile keyword rules; embed example utterances and the tools database once (Triton)."""
    labels = [c.name for c in config.categories for _ in c.examples]
    texts = [text for c in config.categories for text in c.examples]
    vectors = await encoder.embed(texts) if texts else np.zeros((0, 1), dtype=np.float32)
    tools = None
    if config.tools.enabled and config.tools.database:
        try:
            tools = await build_tool_index(Path(config.tools.database), encoder)
        except (OSError, ValueError) as error:
            raise ConfigError(f"tools.database: {error}") from None
    return RouterRuntime(
        config,
        ExampleIndex(labels, vectors, config.example_routing.top_k),
        compile_rules(config.keyword_rules),
        tools,
        guard_policy(config),
    )


def guard_policy(config: RouterConfig) -> str:
    """Fingerprint of what decides whether a request may reach a backend: the guard, the PII
    settings and policies, and the keyword rules (which can skip the guard).

    An exact cache hit is served before the guard runs; keyed by this, it only stands for a
    request that passed the guard as configured now, so a reload that tightens it takes
    effect at once instead of after the cache's TTL.
    """
    decisive = {
        "guard": config.guard.model_dump(mode="json"),
        "pii": config.pii.model_dump(mode="json"),
        "pii_policies": {m.name: m.pii_policy.model_dump(mode="json") for m in config.models},
        "keyword_rules": [r.model_dump(mode="json") for r in config.keyword_rules],
    }
    text = json.dumps(decisive, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]
