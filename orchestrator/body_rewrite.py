"""Forwarded-body changes: the chosen model written into the JSON the backend receives."""

from __future__ import annotations

import json
from typing import Any


def with_model(body: dict[str, Any], model: str) -> bytes:
    return json.dumps({**body, "model": model}, ensure_ascii=False).encode()
