"""Everything a request needs that is derived from the config, built once per config version.

A reload builds a new runtime and swaps one reference, so a request in flight keeps the
snapshot it started with.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from orchestrator.config import RouterConfig
from orchestrator.example_routes import ExampleIndex
from orchestrator.signals import EncoderClient


@dataclass(frozen=True)
class RouterRuntime:
    config: RouterConfig
    examples: ExampleIndex


async def build_runtime(config: RouterConfig, encoder: EncoderClient) -> RouterRuntime:
    """Embed every example utterance once, through Triton, in batches."""
    labels = [c.name for c in config.categories for _ in c.examples]
    texts = [text for c in config.categories for text in c.examples]
    vectors = await encoder.embed(texts) if texts else np.zeros((0, 1), dtype=np.float32)
    return RouterRuntime(config, ExampleIndex(labels, vectors, config.example_routing.top_k))
