"""End to end: the openai SDK -> real Envoy -> orchestrator -> real Triton -> fake backends."""

from __future__ import annotations

import json

import httpx
import openai
import pytest

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def client(base_url: str) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{base_url}/v1", api_key="unused", max_retries=0, timeout=30)


@pytest.mark.parametrize(
    ("question", "model", "category", "path"),
    [
        ("What is 17 times 24?", "math-model", "math", "examples"),
        ("Write a short poem about autumn rain.", "creative-model", "creative_writing", "examples"),
        ("How do I reverse a list in Python?", "code-model", "code", "examples"),
        # No example route fits; the trained classifier says "other", which has no route.
        ("What is the capital of France?", "general-model", "other", "classifier"),
    ],
)
def test_auto_routes_by_category(
    client: openai.OpenAI, question: str, model: str, category: str, path: str
) -> None:
    raw = client.chat.completions.with_raw_response.create(
        model="auto", messages=[{"role": "user", "content": question}]
    )
    completion = raw.parse()
    assert completion.model == model
    assert completion.choices[0].message.content == f"[{model}] answered: {question}"
    assert raw.headers["x-selected-model"] == model
    assert raw.headers["x-router-category"] == category
    assert raw.headers["x-router-decision-path"] == path
    echoed = completion.model_extra["router_echo"]  # type: ignore[index]
    assert echoed["model"] == model
    assert echoed["messages"][-1] == {"role": "user", "content": question}


def test_streaming_is_routed_and_complete(client: openai.OpenAI) -> None:
    stream = client.chat.completions.create(
        model="auto",
        stream=True,
        messages=[{"role": "user", "content": "Compose a haiku about the moon."}],
    )
    chunks = list(stream)
    assert {c.model for c in chunks} == {"creative-model"}
    text = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert text == "[creative-model] answered: Compose a haiku about the moon."
    assert chunks[-1].choices[0].finish_reason == "stop"


def test_explicit_model_is_honoured(client: openai.OpenAI) -> None:
    completion = client.chat.completions.create(
        model="code-model", messages=[{"role": "user", "content": "Write a poem about rain."}]
    )
    assert completion.model == "code-model"


def test_models_endpoint_lists_auto_and_configured_models(client: openai.OpenAI) -> None:
    ids = [m.id for m in client.models.list()]
    assert ids == ["auto", "math-model", "creative-model", "code-model", "general-model"]


def test_unknown_model_is_404_naming_available_models(client: openai.OpenAI) -> None:
    with pytest.raises(openai.NotFoundError) as caught:
        client.chat.completions.create(model="gpt-99", messages=[{"role": "user", "content": "hi"}])
    assert "Available models: auto, math-model" in str(caught.value)
    assert caught.value.code == "model_not_found"


def test_missing_messages_is_400(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        client.chat.completions.create(model="auto", messages=[])
    assert caught.value.param == "messages"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (b"{this is not json", 400, "invalid_json"),
        (json.dumps({"model": "auto", "messages": "hello"}).encode(), 400, "invalid_value"),
        (
            json.dumps({"model": 7, "messages": [{"role": "user", "content": "x"}]}).encode(),
            400,
            "invalid_value",
        ),
        (
            json.dumps(
                {"model": "auto", "messages": [{"role": "user", "content": "x" * 2_000_000}]}
            ).encode(),
            413,
            "request_too_large",
        ),
        (b"", 400, "body_required"),
    ],
)
def test_bad_requests_get_openai_errors(base_url: str, body: bytes, status: int, code: str) -> None:
    response = httpx.post(
        f"{base_url}/v1/chat/completions",
        content=body,
        headers={"content-type": "application/json"},
        timeout=30,
    )
    assert response.status_code == status
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"]


def test_chunked_oversize_body_gets_openai_error(base_url: str) -> None:
    def chunks():  # no content-length: Envoy's buffer limit or the router must stop it
        yield b'{"model": "auto", "messages": [{"role": "user", "content": "'
        for _ in range(100):
            yield b"y" * 100_000
        yield b'"}]}'

    response = httpx.post(f"{base_url}/v1/chat/completions", content=chunks(), timeout=30)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "request_too_large"


def test_spoofed_destination_and_model_headers_are_ignored(base_url: str, stack) -> None:
    code_port = next(
        e["port"]
        for m in stack.config["models"]
        if m["name"] == "code-model"
        for e in m["endpoints"]
    )
    response = httpx.post(
        f"{base_url}/v1/chat/completions",
        json={
            "model": "auto",
            "messages": [{"role": "user", "content": "What is the capital of France?"}],
        },
        headers={
            "x-router-destination": f"127.0.0.1:{code_port}",
            "x-selected-model": "code-model",
        },
        timeout=30,
    )
    assert response.status_code == 200
    assert response.headers["x-fake-backend"] == "general-model"
    assert response.json()["router_echo"]["model"] == "general-model"


def test_other_paths_pass_through_untouched(base_url: str) -> None:
    body = b'{"input": "unchanged \\u00e9", "model": "whatever"}'
    response = httpx.post(
        f"{base_url}/v1/embeddings?x=1",
        content=body,
        headers={"x-router-destination": "127.0.0.2:1"},
        timeout=30,
    )
    assert response.status_code == 200
    assert response.headers["x-fake-backend"] == "general-model"
    assert response.json() == {"path": "/v1/embeddings", "method": "POST", "body": body.decode()}
    assert "x-selected-model" not in response.headers
