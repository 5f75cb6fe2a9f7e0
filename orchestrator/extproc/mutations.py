"""Building ext_proc ProcessingResponses: the one place that knows the protobuf shapes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from envoy.config.core.v3.base_pb2 import HeaderValue, HeaderValueOption
from envoy.extensions.filters.http.ext_proc.v3.processing_mode_pb2 import ProcessingMode
from envoy.service.ext_proc.v3.external_processor_pb2 import (
    BodyMutation,
    BodyResponse,
    CommonResponse,
    HeaderMutation,
    HeadersResponse,
    ImmediateResponse,
    ProcessingResponse,
)
from envoy.type.v3.http_status_pb2 import HttpStatus

JSON = "application/json"


def header_mutation(
    set_headers: Mapping[str, str] | None = None, remove: Iterable[str] = ()
) -> HeaderMutation:
    return HeaderMutation(
        set_headers=[
            HeaderValueOption(
                header=HeaderValue(key=key, raw_value=value.encode()),
                append_action=HeaderValueOption.OVERWRITE_IF_EXISTS_OR_ADD,
            )
            for key, value in (set_headers or {}).items()
        ],
        remove_headers=list(remove),
    )


def request_headers_response(
    mutation: HeaderMutation | None = None,
    clear_route_cache: bool = False,
    skip_body: bool = False,
) -> ProcessingResponse:
    common = CommonResponse(header_mutation=mutation, clear_route_cache=clear_route_cache)
    response = ProcessingResponse(request_headers=HeadersResponse(response=common))
    if skip_body:
        response.mode_override.CopyFrom(
            ProcessingMode(
                request_body_mode=ProcessingMode.NONE,
                response_header_mode=ProcessingMode.SKIP,
            )
        )
    return response


def request_body_response(
    mutation: HeaderMutation | None = None, body: bytes | None = None
) -> ProcessingResponse:
    common = CommonResponse(header_mutation=mutation, clear_route_cache=True)
    if body is not None:
        common.body_mutation.CopyFrom(BodyMutation(body=body))
    return ProcessingResponse(request_body=BodyResponse(response=common))


BUFFERED = ProcessingMode.BUFFERED
STREAMED = ProcessingMode.STREAMED


def response_headers_response(
    mutation: HeaderMutation | None = None, body_mode: int | None = None
) -> ProcessingResponse:
    """`body_mode` asks Envoy to send this response's body too (whole, or chunk by chunk)."""
    response = ProcessingResponse(
        response_headers=HeadersResponse(response=CommonResponse(header_mutation=mutation))
    )
    if body_mode is not None:
        response.mode_override.CopyFrom(ProcessingMode(response_body_mode=body_mode))
    return response


def response_body_response(
    body: bytes | None = None, set_headers: Mapping[str, str] | None = None
) -> ProcessingResponse:
    common = CommonResponse()
    if body is not None:
        common.body_mutation.CopyFrom(BodyMutation(body=body))
    if set_headers:
        common.header_mutation.CopyFrom(header_mutation(set_headers))
    return ProcessingResponse(response_body=BodyResponse(response=common))


def immediate_response(
    status: int,
    body: bytes,
    headers: Mapping[str, str] | None = None,
    content_type: str = JSON,
) -> ProcessingResponse:
    return ProcessingResponse(
        immediate_response=ImmediateResponse(
            status=HttpStatus(code=status),
            headers=header_mutation({"content-type": content_type, **(headers or {})}),
            body=body,
        )
    )
