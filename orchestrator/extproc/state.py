"""What one HTTP request's ext_proc stream remembers between phases."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from envoy.service.ext_proc.v3.external_processor_pb2 import HttpHeaders

from orchestrator import metrics, tracing
from orchestrator.routing import RoutingDecision
from orchestrator.usage import Usage


def header_map(headers: HttpHeaders) -> dict[str, str]:
    """Envoy sends values in `raw_value` (bytes) or `value`; names arrive lower-case."""
    result: dict[str, str] = {}
    for header in headers.headers.headers:
        value = header.raw_value.decode("utf-8", "replace") if header.raw_value else header.value
        result[header.key.lower()] = value
    return result


@dataclass
class StreamState:
    """Per request: what the phases share, and what the decision log and metrics report."""

    method: str = ""
    path: str = ""
    request_id: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    routed: bool = False
    requested_model: str | None = None
    stream: bool = False
    prompt: str | None = None
    decision: RoutingDecision | None = None
    endpoint: str | None = None
    destination: str | None = None
    signal_error: str | None = None
    response_headers: dict[str, str] = field(default_factory=dict)
    error: str | None = None
    guard: dict[str, Any] | None = None
    pii: dict[str, Any] | None = None
    redaction: Any = None  # pii_redaction.Redaction when answers must be restored
    restorer: Any = None  # pii_redaction.SseRestorer for a streamed answer
    cache: str | None = None  # "hit", "miss" or "bypass"
    cache_entry: Any = None  # (scope, query text, embedding) to store the answer under
    captured: bytearray = field(default_factory=bytearray)  # streamed answer, for the cache
    upstream_status: int | None = None
    usage: Usage | None = None
    timings_ms: dict[str, float] = field(default_factory=dict)
    started: float = field(default_factory=time.perf_counter)
    forwarded_at: float | None = None
    first_chunk_at: float | None = None
    completed_at: float | None = None
    tracer: Any = None
    router_seconds: float = 0.0

    def remember(self, headers: dict[str, str]) -> None:
        self.headers = headers
        self.method = headers.get(":method", "")
        self.path = headers.get(":path", "").split("?", 1)[0]
        self.request_id = headers.get("x-request-id", "")

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        """Time a router step: decision log, `router_step_latency_seconds`, and a trace span."""
        start = time.perf_counter()
        with tracing.span(self.tracer, name, {"request_id": self.request_id}):
            try:
                yield
            finally:
                elapsed = time.perf_counter() - start
                self.timings_ms[name] = round(elapsed * 1000, 3)
                metrics.STEP_LATENCY.labels(name).observe(elapsed)
