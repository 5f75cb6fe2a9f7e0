"""OpenTelemetry spans per router step, when enabled; a no-op costing one branch otherwise.

The tracer travels with each request's state rather than living in a module global.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any

from orchestrator.config import TracingConfig


def make_tracer(config: TracingConfig, exporter: Any = None) -> Any:
    """A tracer exporting over OTLP (or to `exporter`, e.g. in-memory in tests); None if off."""
    if not config.enabled:
        return None
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor

    if exporter is None:
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter

        processor: Any = BatchSpanProcessor(
            OTLPSpanExporter(endpoint=config.otlp_endpoint, insecure=config.insecure)
        )
    else:
        processor = SimpleSpanProcessor(exporter)
    provider = TracerProvider(resource=Resource.create({"service.name": config.service_name}))
    provider.add_span_processor(processor)
    return provider.get_tracer("semantic-router")


@contextmanager
def _span(tracer: Any, name: str, attributes: Mapping[str, Any]) -> Iterator[None]:
    with tracer.start_as_current_span(f"router.{name}", attributes=dict(attributes)):
        yield


def span(tracer: Any, name: str, attributes: Mapping[str, Any]) -> AbstractContextManager[None]:
    if tracer is None:
        return nullcontext()
    return _span(tracer, name, attributes)
