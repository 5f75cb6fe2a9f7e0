"""Everything a request needs that is derived from the config, built once per config version.

A reload builds a new runtime and swaps one reference, so a request in flight keeps the
snapshot it started with.
"""

from __future__ import annotations

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
    )
