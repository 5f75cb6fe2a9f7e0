"""The ext_proc servicer over a real in-process gRPC channel, as Envoy drives it."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator

import grpc
import pytest
from envoy.service.ext_proc.v3 import external_processor_pb2_grpc
from envoy.service.ext_proc.v3.external_processor_pb2 import HttpTrailers, ProcessingRequest

from orchestrator.config import RouterConfig
from orchestrator.extproc.processor import Processor, RuntimeHolder
from orchestrator.extproc.server import ExternalProcessor
from orchestrator.runtime import build_runtime
from tests.conftest import KeywordEncoder
from tests.extproc_messages import as_request, chat_body, immediate, request_headers, set_headers


@pytest.fixture
async def channel(router_config: RouterConfig) -> AsyncIterator[grpc.aio.Channel]:
    encoder = KeywordEncoder()
    runtime = await build_runtime(router_config, encoder)  # type: ignore[arg-type]
    processor = Processor(RuntimeHolder(runtime), encoder, random.Random(0))  # type: ignore[arg-type]
    server = grpc.aio.server()
    external_processor_pb2_grpc.add_ExternalProcessorServicer_to_server(
        ExternalProcessor(processor), server
    )
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
        yield channel
    await server.stop(grace=None)


async def exchange(channel: grpc.aio.Channel, requests: list[ProcessingRequest]) -> list:
    stub = external_processor_pb2_grpc.ExternalProcessorStub(channel)

    async def send() -> AsyncIterator[ProcessingRequest]:
        for request in requests:
            yield request

    return [response async for response in stub.Process(send())]


async def test_full_request_lifecycle_on_one_stream(channel: grpc.aio.Channel) -> None:
    responses = await exchange(
        channel,
        [
            as_request(
                request_headers(extra={"x-router-destination": "6.6.6.6:1"}), "request_headers"
            ),
            as_request(chat_body("please sum these"), "request_body"),
            as_request(request_headers(), "response_headers"),
        ],
    )
    phases = [r.WhichOneof("response") for r in responses]
    assert phases == ["request_headers", "request_body", "response_headers"]
    assert list(responses[0].request_headers.response.header_mutation.remove_headers) == [
        "x-router-destination"
    ]
    assert set_headers(responses[1])["x-router-destination"] == "127.0.0.1:9101"
    assert set_headers(responses[2])["x-selected-model"] == "math-model"


async def test_streams_do_not_share_state(channel: grpc.aio.Channel) -> None:
    first = await exchange(
        channel,
        [
            as_request(request_headers(), "request_headers"),
            as_request(chat_body("a python question"), "request_body"),
        ],
    )
    second = await exchange(
        channel,
        [
            as_request(request_headers("POST", "/v1/completions"), "request_headers"),
        ],
    )
    assert set_headers(first[1])["x-selected-model"] == "coder"
    assert "x-selected-model" not in set_headers(second[0])


async def test_immediate_response_ends_the_stream(channel: grpc.aio.Channel) -> None:
    responses = await exchange(
        channel,
        [
            as_request(request_headers("GET", "/v1/models"), "request_headers"),
        ],
    )
    assert len(responses) == 1
    assert immediate(responses[0])[0] == 200


async def test_unexpected_phase_is_answered_not_hung(channel: grpc.aio.Channel) -> None:
    responses = await exchange(channel, [ProcessingRequest(request_trailers=HttpTrailers())])
    status, body = immediate(responses[0])
    assert status == 500
    assert body["error"]["code"] == "router_error"
