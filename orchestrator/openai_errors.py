"""OpenAI-shaped error bodies, so SDK clients raise a typed error with a useful message."""

from __future__ import annotations

import json
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestError(Exception):
    """A request the router answers itself with a 4xx instead of forwarding."""

    status: int
    message: str
    code: str
    type: str = "invalid_request_error"
    param: str | None = None

    def body(self) -> bytes:
        error = {"message": self.message, "type": self.type, "code": self.code, "param": self.param}
        return json.dumps({"error": error}).encode()
