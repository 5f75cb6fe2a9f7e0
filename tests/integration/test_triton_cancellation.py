"""Triton drops requests the orchestrator has stopped waiting for, instead of computing them.

The encoder client's deadline (`triton.timeout_s`) cancels its gRPC call, and Triton removes a
cancelled request that is still queued. Under overload this keeps Triton's CPU for requests
someone still waits for. (A queue policy that rejects requests past a per-request timeout was
tried on top and changed nothing measurable: cancellation already does it.)"""

from __future__ import annotations

import asyncio
import time

import pytest
import tritonclient.grpc as grpcclient

from export.repository import MODEL_NAME
from orchestrator.signals import EncoderClient, SignalError
from stack.local import LocalStack

pytestmark = pytest.mark.integration

# Eight ~120-word windows per request: what one long prompt costs, ~0.3 s of encoder time here.
WINDOWS = [
    " ".join(f"word{i}{j} of a long benign paragraph about gardening" for j in range(15))
    for i in range(8)
]


def finished(url: str) -> tuple[int, int]:
    """(computed, rejected or failed) requests so far, from Triton's model statistics."""
    client = grpcclient.InferenceServerClient(url)
    stats = client.get_inference_statistics(MODEL_NAME, as_json=True)["model_stats"]
    counts = stats[0]["inference_stats"]
    return int(counts["success"].get("count", 0)), int(counts["fail"].get("count", 0))


def settled(url: str, total: int, timeout_s: float = 60) -> tuple[int, int]:
    """The counts once Triton has finished every request sent (the loop has nothing else to
    run by then)."""
    deadline = time.monotonic() + timeout_s
    while sum(finished(url)) < total and time.monotonic() < deadline:
        time.sleep(0.2)
    return finished(url)


async def test_requests_the_router_gave_up_on_are_not_computed(stack: LocalStack) -> None:
    assert stack.triton is not None
    url = stack.triton.grpc_url
    encoder = EncoderClient(url, MODEL_NAME, timeout_s=0.3)
    await encoder.wait_ready(30)
    computed, failed = finished(url)
    sent = 12
    results = await asyncio.gather(
        *(encoder.signals(WINDOWS) for _ in range(sent)), return_exceptions=True
    )
    await encoder.close()
    assert any(isinstance(r, SignalError) for r in results)  # the orchestrator gave up
    now_computed, now_failed = settled(url, computed + failed + sent)
    assert now_computed + now_failed >= computed + failed + sent
    # Requests still queued when the client's 0.3 s deadline cancelled them were dropped.
    assert now_failed > failed
    assert now_computed - computed < sent
