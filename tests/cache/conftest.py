"""Cache test fixtures: a fake clock, small deterministic vectors, and a real milvus-lite
server on loopback (started once per session, stopped afterwards)."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from orchestrator.cache import CacheConfig, SemanticCache

DIM = 8


class FakeClock:
    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def vec(*components: float) -> np.ndarray:
    """A DIM-dimensional vector from its leading components (not normalised on purpose)."""
    array = np.zeros(DIM, dtype=np.float32)
    array[: len(components)] = components
    return array


def near(base: np.ndarray, cosine: float) -> np.ndarray:
    """A unit vector at the given cosine similarity from `base` (rotated towards the last axis)."""
    unit = base / np.linalg.norm(base)
    other = np.zeros(DIM, dtype=np.float32)
    other[-1] = 1.0
    other -= unit * float(other @ unit)
    other /= np.linalg.norm(other)
    return (cosine * unit + np.sqrt(1 - cosine**2) * other).astype(np.float32)


def completion(content: str, finish_reason: str = "stop") -> dict[str, Any]:
    return {
        "id": "chatcmpl-original",
        "object": "chat.completion",
        "created": 1,
        "model": "math-model",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "logprobs": None,
                "finish_reason": finish_reason,
            }
        ],
        "usage": {"prompt_tokens": 5, "completion_tokens": 3, "total_tokens": 8},
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_listening(port: int, process: subprocess.Popen[bytes], timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"milvus-lite exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"milvus-lite did not listen on {port} within {timeout_s}s")


def start_milvus(data_dir: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "milvus_lite", "server", "--data-dir", str(data_dir)),
            *("--host", "127.0.0.1", "--port", str(port)),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_listening(port, process, 60)
    except RuntimeError:
        stop_milvus(process)
        raise
    return process, f"http://127.0.0.1:{port}"


def stop_milvus(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)  # the server's graceful path
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def milvus_uri(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    pytest.importorskip("milvus_lite")
    pytest.importorskip("pymilvus")
    process, uri = start_milvus(tmp_path_factory.mktemp("milvus"))
    yield uri
    stop_milvus(process)


MakeCache = Callable[..., Awaitable[SemanticCache]]


@pytest.fixture(params=["memory", "milvus"])
async def make_cache(request: pytest.FixtureRequest, clock: FakeClock) -> AsyncIterator[MakeCache]:
    """Builds started caches on the parametrised backend; every cache of one test shares one
    Milvus collection (as replicas do), a fresh one per test."""
    backend = request.param
    settings: dict[str, Any] = {"enabled": True, "backend": backend, "embedding_dim": DIM}
    if backend == "milvus":
        uri = request.getfixturevalue("milvus_uri")
        collection = f"t_{uuid.uuid4().hex[:12]}"
        settings["milvus"] = {"uri": uri, "collection": collection, "bounds_check_every": 1}
        settings["timeout_s"] = 5.0
    caches: list[SemanticCache] = []

    async def make(**overrides: Any) -> SemanticCache:
        cache = SemanticCache(CacheConfig(**(settings | overrides)), clock=clock)
        await cache.start()
        caches.append(cache)
        return cache

    yield make
    for cache in caches:
        await cache.close()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()
