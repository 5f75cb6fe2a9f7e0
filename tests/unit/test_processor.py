"""The phase handlers, called directly (no gRPC): what each phase answers Envoy."""

from __future__ import annotations

import random

import pytest
from envoy.extensions.filters.http.ext_proc.v3.processing_mode_pb2 import ProcessingMode

from orchestrator.config import RouterConfig
from orchestrator.extproc.processor import Processor, RuntimeHolder
from orchestrator.extproc.state import StreamState
from orchestrator.runtime import build_runtime
from tests.conftest import KeywordEncoder
from tests.extproc_messages import (
    chat_body,
    immediate,
    mutated_body,
    removed_headers,
    request_headers,
    set_headers,
)


async def make_processor(config: RouterConfig, encoder: KeywordEncoder) -> Processor:
    runtime = await build_runtime(config, encoder)  # type: ignore[arg-type]
    return Processor(RuntimeHolder(runtime), encoder, random.Random(0))  # type: ignore[arg-type]


@pytest.fixture
async def processor(router_config: RouterConfig) -> Processor:
    return await make_processor(router_config, KeywordEncoder())


async def test_examples_embedded_once_at_build(router_config: RouterConfig) -> None:
    encoder = KeywordEncoder()
    await make_processor(router_config, encoder)
    assert encoder.calls == [["sum", "poem", "python"]]


async def test_auto_request_is_rewritten_and_routed(processor: Processor) -> None:
    state = StreamState()
    await processor.request_headers(state, request_headers())
    response = await processor.request_body(state, chat_body("write a haiku", temperature=0.2))
    headers = set_headers(response)
    assert headers["x-router-destination"] == "127.0.0.1:9102"
    assert headers["x-selected-model"] == "poet"
    assert headers["x-router-category"] == "poetry"
    assert headers["x-router-decision-path"] == "examples"
    assert float(headers["x-router-confidence"]) == pytest.approx(1.0)
    body = mutated_body(response)
    assert body is not None
    assert body["model"] == "poet" and body["temperature"] == 0.2
    assert int(headers["content-length"]) == len(response.request_body.response.body_mutation.body)
    assert response.request_body.response.clear_route_cache


async def test_decision_comes_back_on_response_headers(processor: Processor) -> None:
    state = StreamState()
    await processor.request_headers(state, request_headers())
    await processor.request_body(state, chat_body("what is the integral of x"))
    response = await processor.response_headers(state, request_headers())
    headers = set_headers(response)
    assert headers["x-selected-model"] == "math-model"
    assert headers["x-router-category"] == "math"
    assert "x-router-destination" not in headers


async def test_explicit_model_keeps_body_and_skips_signals(router_config: RouterConfig) -> None:
    encoder = KeywordEncoder()
    processor = await make_processor(router_config, encoder)
    state = StreamState()
    response = await processor.request_body(state, chat_body("write a haiku", model="coder"))
    assert mutated_body(response) is None
    assert set_headers(response)["x-router-destination"] == "127.0.0.1:9103"
    assert len(encoder.calls) == 1  # only the examples at build time


async def test_unknown_model_is_immediate_404(processor: Processor) -> None:
    status, body = immediate(await processor.request_body(StreamState(), chat_body(model="gpt-x")))
    assert status == 404
    assert body["error"]["code"] == "model_not_found"


async def test_malformed_body_is_immediate_400(processor: Processor) -> None:
    from envoy.service.ext_proc.v3.external_processor_pb2 import HttpBody

    response = await processor.request_body(
        StreamState(), HttpBody(body=b"{oops", end_of_stream=True)
    )
    status, body = immediate(response)
    assert status == 400
    assert body["error"]["code"] == "invalid_json"


async def test_triton_failure_falls_back_to_default_model(router_config: RouterConfig) -> None:
    processor = await make_processor(router_config, KeywordEncoder())
    processor.router.encoder = KeywordEncoder(fail=True)  # type: ignore[assignment]
    response = await processor.request_body(StreamState(), chat_body("write a haiku"))
    headers = set_headers(response)
    assert headers["x-selected-model"] == "general"
    assert headers["x-router-decision-path"] == "default"


async def test_spoofed_routing_headers_are_removed(processor: Processor) -> None:
    spoof = {"x-router-destination": "10.0.0.1:80", "x-selected-model": "coder", "x-router-x": "1"}
    response = await processor.request_headers(StreamState(), request_headers(extra=spoof))
    assert sorted(removed_headers(response)) == sorted(spoof)


async def test_other_paths_pass_through_to_default_backend(processor: Processor) -> None:
    spoof = {"x-router-destination": "10.0.0.1:80"}
    state = StreamState()
    response = await processor.request_headers(
        state, request_headers(path="/v1/embeddings", extra=spoof)
    )
    assert set_headers(response) == {"x-router-destination": "127.0.0.1:9104"}
    assert removed_headers(response) == ["x-router-destination"]
    assert response.mode_override.request_body_mode == ProcessingMode.NONE
    assert response.mode_override.response_header_mode == ProcessingMode.SKIP


async def test_models_list_answered_by_router(processor: Processor) -> None:
    status, body = immediate(
        await processor.request_headers(StreamState(), request_headers("GET", "/v1/models"))
    )
    assert status == 200
    assert [m["id"] for m in body["data"]] == ["auto", "math-model", "poet", "coder", "general"]


async def test_oversize_content_length_and_missing_body_rejected_early(
    processor: Processor,
) -> None:
    too_big = request_headers(extra={"content-length": str(10**9)})
    status, body = immediate(await processor.request_headers(StreamState(), too_big))
    assert (status, body["error"]["code"]) == (413, "request_too_large")
    status, body = immediate(
        await processor.request_headers(StreamState(), request_headers(end_of_stream=True))
    )
    assert (status, body["error"]["code"]) == (400, "body_required")


async def test_oversize_buffered_body_rejected(
    processor: Processor, router_config: RouterConfig
) -> None:
    response = await processor.request_body(
        StreamState(), chat_body("x" * (router_config.server.max_body_bytes + 1))
    )
    assert immediate(response)[0] == 413


async def test_one_encoder_pass_feeds_examples_and_classifier(router_config: RouterConfig) -> None:
    encoder = KeywordEncoder(classifier={"refactor": ("code", 0.9)})
    processor = await make_processor(router_config, encoder)
    response = await processor.request_body(StreamState(), chat_body("refactor this class"))
    headers = set_headers(response)
    assert headers["x-selected-model"] == "coder"
    assert headers["x-router-decision-path"] == "classifier"
    assert encoder.calls[1:] == [["refactor this class"]]
