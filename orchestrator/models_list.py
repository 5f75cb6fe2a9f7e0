"""`GET /v1/models`, answered by the router: `auto` plus every configured model."""

from __future__ import annotations

import json

from orchestrator.config import RouterConfig
from orchestrator.routing import AUTO_MODEL

OWNER = "semantic-router"


def models_list_body(config: RouterConfig) -> bytes:
    ids = [AUTO_MODEL, *(m.name for m in config.models)]
    data = [{"id": name, "object": "model", "created": 0, "owned_by": OWNER} for name in ids]
    return json.dumps({"object": "list", "data": data}).encode()
