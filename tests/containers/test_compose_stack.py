"""The routing scenario against the compose.yaml services, through a Docker-API engine.

Skipped, with the reason, where no engine answers (no Docker daemon and no podman service)
or no compose CLI is installed; the same scenario always runs as local processes in
tests/integration.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import openai
import pytest

ROOT = Path(__file__).resolve().parents[2]
PORT = int(os.environ.get("ROUTER_PORT", "18801"))

pytestmark = pytest.mark.containers


def engine_unavailable() -> str | None:
    try:
        from testcontainers.core.docker_client import DockerClient

        DockerClient().client.ping()
    except Exception as error:  # any failure to reach an engine means: cannot run here
        host = os.environ.get("DOCKER_HOST", "the default Docker socket")
        return f"no Docker API engine answers at {host} ({type(error).__name__})"
    return None


def compose_command() -> list[str] | None:
    for name in ("docker-compose", "podman-compose"):
        if path := shutil.which(name):
            return [path, "-f", str(ROOT / "compose.yaml")]
    return None


@pytest.fixture(scope="module")
def compose_stack() -> Iterator[str]:
    reason = engine_unavailable()
    if reason:
        pytest.skip(reason)
    compose = compose_command()
    if compose is None:
        pytest.skip("no compose CLI (docker-compose v1 or podman-compose) on PATH")
    env = {**os.environ, "ROUTER_PORT": str(PORT)}
    subprocess.run([*compose, "up", "-d", "--build"], check=True, env=env, timeout=1800)
    base_url = f"http://127.0.0.1:{PORT}"
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base_url}/v1/models", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(2)
        else:
            pytest.fail("compose stack did not answer /v1/models in 300 s")
        yield base_url
    finally:
        subprocess.run([*compose, "down", "-v", "--remove-orphans"], env=env, timeout=300)


@pytest.mark.parametrize(
    ("question", "model"),
    [("What is 17 times 24?", "math-model"), ("What is the capital of France?", "general-model")],
)
def test_compose_stack_routes_by_category(compose_stack: str, question: str, model: str) -> None:
    client = openai.OpenAI(base_url=f"{compose_stack}/v1", api_key="unused", max_retries=0)
    completion = client.chat.completions.create(
        model="auto", messages=[{"role": "user", "content": question}]
    )
    assert completion.model == model
