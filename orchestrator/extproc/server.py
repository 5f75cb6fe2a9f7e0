"""The gRPC stream loop: it dispatches phases to the processor and knows nothing of routing."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator

import grpc
from envoy.service.ext_proc.v3 import external_processor_pb2_grpc
from envoy.service.ext_proc.v3.external_processor_pb2 import ProcessingRequest, ProcessingResponse

from orchestrator.extproc import mutations
from orchestrator.extproc.processor import Processor
from orchestrator.extproc.state import StreamState
from orchestrator.openai_errors import RequestError

log = logging.getLogger(__name__)

INTERNAL_ERROR = RequestError(
    500, "The router failed to process this request.", "router_error", type="server_error"
)


REQUEST_PHASES = frozenset({"request_headers", "request_body"})


class ExternalProcessor(external_processor_pb2_grpc.ExternalProcessorServicer):
    def __init__(self, processor: Processor, tracer: object = None) -> None:
        self.processor = processor
        self.tracer = tracer
        self.handlers = {
            "request_headers": processor.request_headers,
            "request_body": processor.request_body,
            "response_headers": processor.response_headers,
            "response_body": processor.response_body,
        }

    async def Process(
        self,
        request_iterator: AsyncIterator[ProcessingRequest],
        context: grpc.aio.ServicerContext,
    ) -> AsyncIterator[ProcessingResponse]:
        state = StreamState(tracer=self.tracer)
        try:
            async for request in request_iterator:
                phase = request.WhichOneof("request")
                handler = self.handlers.get(phase or "")
                if handler is None:
                    log.warning("unexpected ext_proc phase %s; check envoy processing_mode", phase)
                    yield mutations.immediate_response(500, INTERNAL_ERROR.body())
                    return
                started = time.perf_counter()
                try:
                    response = await handler(state, getattr(request, phase))
                except Exception:
                    log.exception("handler %s failed (request_id=%s)", phase, state.request_id)
                    response = mutations.immediate_response(500, INTERNAL_ERROR.body())
                if phase in REQUEST_PHASES:
                    state.router_seconds += time.perf_counter() - started
                yield response
                if response.WhichOneof("response") == "immediate_response":
                    return
        finally:
            try:
                self.processor.finish(state)
            except Exception:
                log.exception("finishing request %s failed", state.request_id)
