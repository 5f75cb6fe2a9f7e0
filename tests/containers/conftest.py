"""The compose stack (compose.yaml) started through a Docker-API engine, for tests/containers.

`make test-containers` builds the images (deploy/images/build.sh), starts the podman API
service (deploy/podman/service.sh) and points DOCKER_HOST at it. Here the stack is started
with the compose CLI (docker-compose v1 or podman-compose; the compose v2 plugin that
testcontainers' DockerCompose needs does not exist on our machines) under a project name of
its own, with free loopback ports, and always taken down again: containers, network and
volumes. Everything that cannot run here is a skip that says why.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "compose.yaml"
IMAGES = (
    "localhost/semantic-router:dev",
    "localhost/semantic-router-triton:dev",
    "localhost/semantic-router-prometheus:dev",
)
SERVICES = ("triton", "fake-backends", "milvus", "orchestrator", "envoy", "prometheus")
UP_TIMEOUT_S = 600


@dataclass(frozen=True)
class Stack:
    project: str
    base_url: str  # Envoy's listener
    prometheus_url: str
    compose: tuple[str, ...]
    env: dict[str, str]

    def run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*self.compose, *args], env=self.env, capture_output=True, text=True, timeout=timeout
        )


def engine_unavailable() -> str | None:
    """Why no Docker-API engine can run containers here, or None."""
    try:
        from testcontainers.core.docker_client import DockerClient

        client = DockerClient().client
        client.ping()
    except Exception as error:  # whatever fails to reach an engine means: cannot run here
        host = os.environ.get("DOCKER_HOST", "the default Docker socket")
        return (
            f"no Docker API engine answers at {host} ({type(error).__name__}); "
            "`make test-containers` starts podman's"
        )
    missing = [image for image in IMAGES if not client.images.list(name=image)]
    if missing:
        return f"images {', '.join(missing)} are not built; `deploy/images/build.sh` builds them"
    return None


def compose_command() -> tuple[str, ...] | None:
    for name in ("docker-compose", "podman-compose"):
        if path := shutil.which(name):
            return (path, "-f", str(COMPOSE_FILE))
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# What compose.yaml sets in the orchestrator's environment for the config's ${...} references.
CONTAINER_ENVIRONMENT = {
    "ROUTER_EXTPROC_HOST": "0.0.0.0",
    "ROUTER_TRITON_URL": "triton:8001",
    "ROUTER_BACKEND_HOST": "fake-backends",
}


def write_config(target: Path) -> Path:
    """The default config folder, with what a container deployment changes: metrics on all
    interfaces (Prometheus scrapes them) and the semantic cache in the milvus service."""
    from orchestrator.config import expand_environment

    shutil.copytree(ROOT / "config", target)
    config_file = target / "config.yaml"
    config = yaml.safe_load(expand_environment(config_file.read_text(), CONTAINER_ENVIRONMENT))
    config.setdefault("metrics", {})["host"] = "0.0.0.0"
    cache = config.setdefault("cache", {})
    cache.update(enabled=True, backend="milvus")
    cache.setdefault("milvus", {})["uri"] = "http://milvus:19530"
    config_file.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True))
    target.chmod(0o755)
    for path in target.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return target


def wait_for_router(base_url: str, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base_url}/v1/models", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    raise TimeoutError(f"the stack did not answer {base_url}/v1/models in {timeout_s:.0f} s")


def leftovers(project: str) -> list[str]:
    """Containers and networks of the project that still exist."""
    from testcontainers.core.docker_client import DockerClient

    client = DockerClient().client
    label = f"com.docker.compose.project={project}"
    containers = [c.name for c in client.containers.list(all=True, filters={"label": label})]
    networks = [n.name for n in client.networks.list() if n.name.startswith(f"{project}_")]
    return containers + networks


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    reason = engine_unavailable()
    if reason:
        pytest.skip(reason)
    compose = compose_command()
    if compose is None:
        pytest.skip("no compose CLI (docker-compose v1 or podman-compose) on PATH")
    project = f"routertest{os.getpid()}"
    router_port, prometheus_port = free_port(), free_port()
    env = {
        **os.environ,
        "COMPOSE_PROJECT_NAME": project,
        "ROUTER_PORT": str(router_port),
        "ROUTER_PROMETHEUS_PORT": str(prometheus_port),
        "ROUTER_CONFIG_DIR": str(write_config(tmp_path_factory.mktemp("stack") / "config")),
    }
    stack = Stack(
        project=project,
        base_url=f"http://127.0.0.1:{router_port}",
        prometheus_url=f"http://127.0.0.1:{prometheus_port}",
        compose=(*compose, "-p", project),
        env=env,
    )
    try:
        started = time.monotonic()
        up = stack.run("up", "-d", timeout=UP_TIMEOUT_S)
        if up.returncode != 0:
            pytest.fail(f"compose up failed:\n{up.stderr[-4000:]}\n{logs(stack)}")
        try:
            wait_for_router(stack.base_url, UP_TIMEOUT_S - (time.monotonic() - started))
        except TimeoutError as error:
            pytest.fail(f"{error}\n{logs(stack)}")
        yield stack
    finally:
        down = stack.run("down", "-v", "--remove-orphans", "-t", "5", timeout=300)
        left = leftovers(project)
        if down.returncode != 0 or left:
            pytest.fail(f"compose down left {left}: {down.stderr[-2000:]}")


def logs(stack: Stack) -> str:
    result = stack.run("logs", "--no-color", "--tail", "40")
    return result.stdout[-8000:]
