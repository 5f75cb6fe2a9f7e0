"""Signals from Triton: one gRPC call per batch of texts; no model ever runs in this process."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from dataclasses import dataclass, field

import numpy as np
from tritonclient.grpc import InferInput, InferRequestedOutput
from tritonclient.grpc.aio import InferenceServerClient
from tritonclient.utils import InferenceServerException

from orchestrator import metrics

log = logging.getLogger(__name__)

MAX_BATCH = 64
EMBEDDING = "EMBEDDING"
CATEGORY_PROBS = "CATEGORY_PROBS"
GUARD_PROBS = "GUARD_PROBS"
PII_SPANS = "PII_SPANS"


class SignalError(RuntimeError):
    """Triton could not answer; callers degrade (default model) rather than fail the request."""


@dataclass(frozen=True)
class ModelHeads:
    """What the served model can say, read from its Triton config (outputs and label order)."""

    outputs: frozenset[str] = frozenset({EMBEDDING})
    category_labels: tuple[str, ...] = ()
    guard_labels: tuple[str, ...] = ()
    pii_labels: tuple[str, ...] = ()

    @classmethod
    def from_model_config(cls, config: dict) -> ModelHeads:
        params = {k: v.get("string_value", "") for k, v in config.get("parameters", {}).items()}

        def labels(key: str) -> tuple[str, ...]:
            return tuple(x.strip() for x in params.get(key, "").split(",") if x.strip())

        return cls(
            outputs=frozenset(o["name"] for o in config.get("output", [])),
            category_labels=labels("category_labels"),
            guard_labels=labels("guard_labels"),
            pii_labels=labels("pii_labels"),
        )


@dataclass(frozen=True)
class PiiSpan:
    type: str
    start: int
    end: int
    score: float
    source: str = "model"


@dataclass(frozen=True)
class TextSignals:
    """Everything one encoder pass says about one text."""

    embedding: np.ndarray
    category: dict[str, float] = field(default_factory=dict)
    guard: dict[str, float] = field(default_factory=dict)
    pii: tuple[PiiSpan, ...] = ()

    def top_category(self) -> tuple[str, float] | None:
        if not self.category:
            return None
        name = max(self.category, key=lambda k: self.category[k])
        return name, self.category[name]


class EncoderClient:
    """The router's view of the `router_encoder` model served by Triton."""

    def __init__(self, url: str, model: str, timeout_s: float) -> None:
        self.url = url
        self.model = model
        self.timeout_s = timeout_s
        self.heads = ModelHeads()
        self._client = InferenceServerClient(url)

    async def wait_ready(self, timeout_s: float) -> None:
        log.info("waiting up to %.0f s for Triton model %r at %s", timeout_s, self.model, self.url)
        deadline = time.monotonic() + timeout_s
        last_error = "not ready"
        while time.monotonic() < deadline:
            try:
                if await self._client.is_model_ready(self.model):
                    await self.refresh_heads()
                    return
            except InferenceServerException as error:
                last_error = str(error)
            await asyncio.sleep(0.25)
        raise SignalError(f"Triton model {self.model!r} at {self.url} not ready: {last_error}")

    async def ready(self) -> bool:
        try:
            return bool(await self._client.is_model_ready(self.model))
        except InferenceServerException:
            return False

    async def refresh_heads(self) -> ModelHeads:
        try:
            response = await self._client.get_model_config(self.model, as_json=True)
        except InferenceServerException as error:
            raise SignalError(f"cannot read the config of {self.model!r}: {error}") from error
        self.heads = ModelHeads.from_model_config(response["config"])
        return self.heads

    async def embed(self, texts: list[str]) -> np.ndarray:
        """L2-normalised sentence embeddings, shape (len(texts), dim)."""
        parts = [(await self._infer(chunk, [EMBEDDING]))[EMBEDDING] for chunk in _chunks(texts)]
        return np.concatenate(parts) if parts else np.zeros((0, 0), dtype=np.float32)

    async def signals(self, texts: list[str]) -> list[TextSignals]:
        """Every head the served model has, for each text, from one encoder pass per batch."""
        heads = self.heads
        wanted = [
            name
            for name in (EMBEDDING, CATEGORY_PROBS, GUARD_PROBS, PII_SPANS)
            if name in heads.outputs
        ]
        result: list[TextSignals] = []
        for chunk in _chunks(texts):
            arrays = await self._infer(chunk, wanted)
            for i in range(len(chunk)):
                result.append(_text_signals(arrays, i, heads))
        return result

    async def _infer(self, texts: list[str], outputs: list[str]) -> dict[str, np.ndarray]:
        data = np.array([[t.encode("utf-8")] for t in texts], dtype=np.object_)
        request = InferInput("TEXT", list(data.shape), "BYTES")
        request.set_data_from_numpy(data)
        metrics.TRITON_BATCH.observe(len(texts))
        started = time.perf_counter()
        try:
            result = await self._client.infer(
                self.model,
                [request],
                outputs=[InferRequestedOutput(name) for name in outputs],
                client_timeout=self.timeout_s,
            )
        except InferenceServerException as error:
            metrics.TRITON_ERRORS.inc()
            raise SignalError(f"Triton inference failed: {error}") from error
        finally:
            metrics.TRITON_LATENCY.observe(time.perf_counter() - started)
        arrays = {}
        for name in outputs:
            array = result.as_numpy(name)
            if array is None:
                raise SignalError(f"Triton answered without {name}")
            arrays[name] = array
        return arrays

    async def close(self) -> None:
        await self._client.close()


def _chunks(texts: list[str]) -> list[list[str]]:
    return [texts[i : i + MAX_BATCH] for i in range(0, len(texts), MAX_BATCH)]


def _labelled(values: np.ndarray, labels: tuple[str, ...]) -> dict[str, float]:
    if len(labels) != len(values):
        raise SignalError(f"model returned {len(values)} scores for {len(labels)} labels")
    return {label: float(v) for label, v in zip(labels, values, strict=True)}


def _text_signals(arrays: dict[str, np.ndarray], i: int, heads: ModelHeads) -> TextSignals:
    pii: tuple[PiiSpan, ...] = ()
    if PII_SPANS in arrays:
        raw = arrays[PII_SPANS].reshape(-1)[i]
        items = json.loads(raw.decode() if isinstance(raw, bytes) else raw)
        pii = tuple(
            PiiSpan(s["type"], int(s["start"]), int(s["end"]), float(s["score"])) for s in items
        )
    return TextSignals(
        embedding=arrays[EMBEDDING][i],
        category=_labelled(arrays[CATEGORY_PROBS][i], heads.category_labels)
        if CATEGORY_PROBS in arrays
        else {},
        guard=_labelled(arrays[GUARD_PROBS][i], heads.guard_labels)
        if GUARD_PROBS in arrays
        else {},
        pii=pii,
    )
