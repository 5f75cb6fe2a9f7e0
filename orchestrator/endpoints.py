"""Choosing one of a model's endpoints by weight."""

from __future__ import annotations

import random

from orchestrator.config import Endpoint, ModelConfig


def pick_endpoint(model: ModelConfig, rng: random.Random) -> Endpoint:
    if len(model.endpoints) == 1:
        return model.endpoints[0]
    return rng.choices(model.endpoints, weights=[e.weight for e in model.endpoints])[0]
