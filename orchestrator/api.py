"""Classification API and health endpoints (FastAPI, in the orchestrator's process and loop).

Paths and payloads follow the vLLM Semantic Router's classification API so its clients work.
Errors use the OpenAI error shape, like the router's other answers.
"""

from __future__ import annotations

import time
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from orchestrator.classification import intent_result, pii_entities, security_result
from orchestrator.extproc.processor import RuntimeHolder
from orchestrator.openai_errors import RequestError
from orchestrator.signals import EncoderClient, SignalError, TextSignals

SECRET_WORDS = ("key", "token", "secret", "password", "authorization")


class TextRequest(BaseModel):
    text: str = Field(min_length=1, description="The text to classify")


class BatchRequest(BaseModel):
    texts: list[str] = Field(min_length=1, description="Texts to classify in one Triton batch")


def masked(value: Any) -> Any:
    """The config as JSON with values of secret-looking keys replaced."""
    if isinstance(value, dict):
        return {
            k: "***" if any(w in k.lower() for w in SECRET_WORDS) and v else masked(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [masked(v) for v in value]
    return value


def create_api(runtimes: RuntimeHolder, encoder: EncoderClient) -> FastAPI:
    app = FastAPI(
        title="Semantic router classification API",
        version="1.0",
        description="Category, PII and jailbreak signals from the router's encoder.",
    )

    @app.exception_handler(RequestError)
    async def request_error(_: Request, error: RequestError) -> JSONResponse:
        return JSONResponse(error.payload(), status_code=error.status)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, error: RequestValidationError) -> JSONResponse:
        first = error.errors()[0] if error.errors() else {"loc": (), "msg": "invalid request"}
        where = ".".join(str(p) for p in first["loc"] if p != "body")
        message = f"{where}: {first['msg']}" if where else str(first["msg"])
        return JSONResponse(
            RequestError(422, message, "invalid_value", param=where or None).payload(),
            status_code=422,
        )

    async def signals_for(texts: list[str]) -> list[TextSignals]:
        limits = runtimes.current.config.api
        if len(texts) > limits.max_batch:
            raise RequestError(
                413,
                f"At most {limits.max_batch} texts per batch.",
                "batch_too_large",
                param="texts",
            )
        for i, text in enumerate(texts):
            if len(text) > limits.max_text_chars:
                raise RequestError(
                    413,
                    f"Text {i} has {len(text)} characters; the limit is {limits.max_text_chars}.",
                    "text_too_long",
                    param="text",
                )
        try:
            return await encoder.signals(texts)
        except SignalError as error:
            raise RequestError(
                503, f"Classifier unavailable: {error}", "classifier_unavailable", "server_error"
            ) from None

    def combined(signals: TextSignals, text: str) -> dict[str, Any]:
        runtime = runtimes.current
        return {
            "intent": intent_result(signals, runtime),
            "pii": {"has_pii": bool(signals.pii), "entities": pii_entities(signals, text)},
            "security": security_result(signals, runtime.config),
        }

    @app.post("/api/v1/classify/intent")
    async def classify_intent(request: TextRequest) -> dict[str, Any]:
        started = time.perf_counter()
        (signals,) = await signals_for([request.text])
        return {**intent_result(signals, runtimes.current), "processing_time_ms": elapsed(started)}

    @app.post("/api/v1/classify/pii")
    async def classify_pii(request: TextRequest) -> dict[str, Any]:
        started = time.perf_counter()
        (signals,) = await signals_for([request.text])
        entities = pii_entities(signals, request.text)
        return {
            "has_pii": bool(entities),
            "entities": entities,
            "processing_time_ms": elapsed(started),
        }

    @app.post("/api/v1/classify/security")
    async def classify_security(request: TextRequest) -> dict[str, Any]:
        started = time.perf_counter()
        (signals,) = await signals_for([request.text])
        result = security_result(signals, runtimes.current.config)
        return {**result, "processing_time_ms": elapsed(started)}

    @app.post("/api/v1/classify/combined")
    async def classify_combined(request: TextRequest) -> dict[str, Any]:
        started = time.perf_counter()
        (signals,) = await signals_for([request.text])
        return {**combined(signals, request.text), "processing_time_ms": elapsed(started)}

    @app.post("/api/v1/classify/batch")
    async def classify_batch(request: BatchRequest) -> dict[str, Any]:
        started = time.perf_counter()
        results = await signals_for(request.texts)
        return {
            "results": [combined(s, t) for s, t in zip(results, request.texts, strict=True)],
            "total_count": len(results),
            "processing_time_ms": elapsed(started),
        }

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "healthy"}

    @app.get("/ready")
    async def ready() -> JSONResponse:
        if await encoder.ready():
            return JSONResponse({"status": "ready", "model": encoder.model})
        return JSONResponse(
            {"status": "not_ready", "reason": f"Triton model {encoder.model} not ready"},
            status_code=503,
        )

    @app.get("/config")
    async def active_config() -> dict[str, Any]:
        return masked(runtimes.current.config.model_dump(mode="json"))

    return app


def elapsed(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 3)
