"""OpenAI-shaped error bodies, so SDK clients raise a typed error with a useful message."""

from __future__ import annotations

import json
from dataclasses import dataclass


@dataclass
class RequestError(Exception):
    """A request the router answers itself with a 4xx instead of forwarding."""

    status: int
    message: str
    code: str
    type: str = "invalid_request_error"
    param: str | None = None

    def payload(self) -> dict[str, dict[str, str | None]]:
        error = {"message": self.message, "type": self.type, "code": self.code, "param": self.param}
        return {"error": error}

    def body(self) -> bytes:
        return json.dumps(self.payload()).encode()
