"""Building ext_proc messages the way Envoy sends them, and reading the responses back."""

from __future__ import annotations

import json
from typing import Any

from envoy.config.core.v3.base_pb2 import HeaderMap, HeaderValue
from envoy.service.ext_proc.v3.external_processor_pb2 import (
    HttpBody,
    HttpHeaders,
    ProcessingRequest,
    ProcessingResponse,
)


def request_headers(
    method: str = "POST",
    path: str = "/v1/chat/completions",
    extra: dict[str, str] | None = None,
    end_of_stream: bool = False,
) -> HttpHeaders:
    pairs = {":method": method, ":path": path, "x-request-id": "req-1", **(extra or {})}
    return HttpHeaders(
        headers=HeaderMap(
            headers=[HeaderValue(key=k, raw_value=v.encode()) for k, v in pairs.items()]
        ),
        end_of_stream=end_of_stream,
    )


def chat_body(content: str = "hello", model: str = "auto", **extra: Any) -> HttpBody:
    payload = {"model": model, "messages": [{"role": "user", "content": content}], **extra}
    return HttpBody(body=json.dumps(payload).encode(), end_of_stream=True)


def as_request(message: HttpHeaders | HttpBody, phase: str) -> ProcessingRequest:
    return ProcessingRequest(**{phase: message})


def set_headers(response: ProcessingResponse) -> dict[str, str]:
    phase = response.WhichOneof("response")
    if phase == "immediate_response":
        mutation = response.immediate_response.headers
    else:
        mutation = getattr(response, phase).response.header_mutation
    return {h.header.key: h.header.raw_value.decode() for h in mutation.set_headers}


def removed_headers(response: ProcessingResponse) -> list[str]:
    phase = response.WhichOneof("response")
    return list(getattr(response, phase).response.header_mutation.remove_headers)


def mutated_body(response: ProcessingResponse) -> dict[str, Any] | None:
    common = response.request_body.response
    return json.loads(common.body_mutation.body) if common.HasField("body_mutation") else None


def immediate(response: ProcessingResponse) -> tuple[int, dict[str, Any]]:
    assert response.WhichOneof("response") == "immediate_response", response
    reply = response.immediate_response
    return reply.status.code, json.loads(reply.body)
