"""Signals from Triton: one gRPC call per request, no model ever runs in this process."""

from __future__ import annotations

import asyncio
import time

import numpy as np
from tritonclient.grpc import InferInput, InferRequestedOutput
from tritonclient.grpc.aio import InferenceServerClient
from tritonclient.utils import InferenceServerException

MAX_BATCH = 64


class SignalError(RuntimeError):
    """Triton could not answer; callers degrade (default model) rather than fail the request."""


class EncoderClient:
    """The router's view of the `router_encoder` model served by Triton."""

    def __init__(self, url: str, model: str, timeout_s: float) -> None:
        self.url = url
        self.model = model
        self.timeout_s = timeout_s
        self._client = InferenceServerClient(url)

    async def wait_ready(self, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        last_error = "not ready"
        while time.monotonic() < deadline:
            try:
                if await self._client.is_model_ready(self.model):
                    return
            except InferenceServerException as error:
                last_error = str(error)
            await asyncio.sleep(0.25)
        raise SignalError(f"Triton model {self.model!r} at {self.url} not ready: {last_error}")

    async def embed(self, texts: list[str]) -> np.ndarray:
        """L2-normalised sentence embeddings, shape (len(texts), dim)."""
        chunks = [texts[i : i + MAX_BATCH] for i in range(0, len(texts), MAX_BATCH)]
        parts = [await self._infer(chunk, "EMBEDDING") for chunk in chunks]
        return np.concatenate(parts) if parts else np.zeros((0, 0), dtype=np.float32)

    async def _infer(self, texts: list[str], output: str) -> np.ndarray:
        data = np.array([[t.encode("utf-8")] for t in texts], dtype=np.object_)
        request = InferInput("TEXT", list(data.shape), "BYTES")
        request.set_data_from_numpy(data)
        try:
            result = await self._client.infer(
                self.model,
                [request],
                outputs=[InferRequestedOutput(output)],
                client_timeout=self.timeout_s,
            )
        except InferenceServerException as error:
            raise SignalError(f"Triton inference failed: {error}") from error
        array = result.as_numpy(output)
        if array is None:
            raise SignalError(f"Triton answered without {output}")
        return array

    async def close(self) -> None:
        await self._client.close()
