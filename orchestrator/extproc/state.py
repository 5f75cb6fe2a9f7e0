"""What one HTTP request's ext_proc stream remembers between phases."""

from __future__ import annotations

from dataclasses import dataclass, field

from envoy.service.ext_proc.v3.external_processor_pb2 import HttpHeaders

from orchestrator.routing import RoutingDecision


def header_map(headers: HttpHeaders) -> dict[str, str]:
    """Envoy sends values in `raw_value` (bytes) or `value`; names arrive lower-case."""
    result: dict[str, str] = {}
    for header in headers.headers.headers:
        value = header.raw_value.decode("utf-8", "replace") if header.raw_value else header.value
        result[header.key.lower()] = value
    return result


@dataclass
class StreamState:
    method: str = ""
    path: str = ""
    request_id: str = ""
    accepts_event_stream: bool = False
    decision: RoutingDecision | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def remember(self, headers: dict[str, str]) -> None:
        self.headers = headers
        self.method = headers.get(":method", "")
        self.path = headers.get(":path", "").split("?", 1)[0]
        self.request_id = headers.get("x-request-id", "")
        self.accepts_event_stream = "text/event-stream" in headers.get("accept", "")
