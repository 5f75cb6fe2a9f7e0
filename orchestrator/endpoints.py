"""Choosing one of a model's endpoints: by weight, skipping ones that failed recently."""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from orchestrator.config import Endpoint, EndpointHealthConfig, ModelConfig


class EndpointHealth:
    """Passive health from response codes: `failures_to_trip` failures in a row put an
    endpoint in cool-down; after `cooldown_s` it is tried again, and a success clears it."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.failures: dict[str, int] = {}
        self.down_until: dict[str, float] = {}

    def healthy(self, endpoint: Endpoint) -> bool:
        return self.down_until.get(endpoint.destination, 0.0) <= self.clock()

    def record(self, destination: str, ok: bool, config: EndpointHealthConfig) -> None:
        if ok:
            self.failures.pop(destination, None)
            self.down_until.pop(destination, None)
            return
        count = self.failures.get(destination, 0) + 1
        self.failures[destination] = count
        if count >= config.failures_to_trip:
            self.down_until[destination] = self.clock() + config.cooldown_s


def pick_endpoint(
    model: ModelConfig, rng: random.Random, health: EndpointHealth | None = None
) -> Endpoint:
    """Weighted choice among healthy endpoints; if none is healthy, among all of them."""
    candidates = model.endpoints
    if health is not None and len(candidates) > 1:
        candidates = [e for e in model.endpoints if health.healthy(e)] or model.endpoints
    if len(candidates) == 1:
        return candidates[0]
    return rng.choices(candidates, weights=[e.weight for e in candidates])[0]
