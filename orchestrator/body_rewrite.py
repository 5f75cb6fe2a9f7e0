"""Serialising the body forwarded to the backend after the router changed it."""

from __future__ import annotations

import json
from typing import Any


def with_body(body: dict[str, Any]) -> bytes:
    return json.dumps(body, ensure_ascii=False).encode()
