"""The whole product on loopback: Triton, fake backends, the orchestrator and Envoy.

Used by `make run` (fixed ports from the config) and by the integration tests (free ports,
rewritten into a copy of the config), so both exercise the same start-up path.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from orchestrator.config import read_config_data
from stack.envoy import EnvoyProxy
from stack.processes import ManagedProcess, free_port, port_open
from stack.triton import DEFAULT_REPOSITORY, TritonServer

ROOT = Path(__file__).resolve().parent.parent


def load_stack_config(path: Path) -> dict[str, Any]:
    """The config as data, with file references made absolute so a copy can live elsewhere."""
    config = read_config_data(path)
    assert isinstance(config, dict), f"{path}: not a YAML mapping"
    tools = config.get("tools") or {}
    if tools.get("database") and not Path(tools["database"]).is_absolute():
        tools["database"] = str((path.parent / tools["database"]).resolve())
    return config


def loopback_endpoints(config: dict[str, Any]) -> dict[str, int]:
    """Models whose endpoints are on this machine, with their ports: what fakes can serve."""
    served: dict[str, int] = {}
    for model in config.get("models", []):
        for endpoint in model.get("endpoints", []):
            if endpoint.get("address") in ("127.0.0.1", "localhost"):
                served[f"{model['name']}@{endpoint['port']}"] = int(endpoint["port"])
    return served


def with_free_ports(config: dict[str, Any]) -> dict[str, Any]:
    """A copy whose loopback endpoints and ext_proc port are moved to free ports."""
    config = yaml.safe_load(yaml.safe_dump(config))
    for model in config["models"]:
        for endpoint in model["endpoints"]:
            if endpoint.get("address") in ("127.0.0.1", "localhost"):
                endpoint["port"] = free_port()
    config.setdefault("server", {})["extproc_port"] = free_port()
    config.setdefault("triton", {})["url"] = f"127.0.0.1:{free_port()}"
    config.setdefault("api", {})["port"] = free_port()
    config.setdefault("metrics", {})["port"] = free_port()
    return config


@dataclass
class LocalStack:
    config: dict[str, Any]
    workdir: Path
    envoy_port: int = 0
    envoy_admin_port: int = 0
    fake_backends: bool = True
    triton_http_port: int = 0
    repository: Path = DEFAULT_REPOSITORY
    triton: TritonServer | None = None
    children: list[Any] = field(default_factory=list)

    @property
    def config_path(self) -> Path:
        return self.workdir / "router-config.yaml"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.envoy_port}"

    def _triton_grpc_port(self) -> int:
        url = self.config.setdefault("triton", {}).get("url", "127.0.0.1:8001")
        return int(url.rsplit(":", 1)[1])

    def start(self) -> LocalStack:
        self.workdir.mkdir(parents=True, exist_ok=True)
        try:
            self._start_all()
        except BaseException:
            self.stop()
            raise
        return self

    def _start_all(self) -> None:
        self.triton = TritonServer(
            log_path=self.workdir / "triton.log",
            repository=self.repository,
            grpc_port=self._triton_grpc_port(),
            http_port=self.triton_http_port,
        )
        self.children.append(self.triton)
        self.triton.start(wait_for=(self.config["triton"].get("model", "router_encoder"),))

        if self.fake_backends:
            served = loopback_endpoints(self.config)
            argv = [sys.executable, "-m", "stack.fake_backend"]
            for key, port in served.items():
                argv += ["--serve", f"{key.rsplit('@', 1)[0]}={port}"]
            fakes = ManagedProcess("fake-backends", argv, self.workdir / "fakes.log", cwd=ROOT)
            self.children.append(fakes.start())
            fakes.wait_until(lambda: all(port_open(p) for p in served.values()), 30)

        self.config_path.write_text(yaml.safe_dump(self.config, sort_keys=False))
        extproc_port = int(self.config.get("server", {}).get("extproc_port", 50051))
        router = ManagedProcess(
            "orchestrator",
            [sys.executable, "-m", "orchestrator", "serve", "--config", str(self.config_path)],
            self.workdir / "orchestrator.log",
            cwd=ROOT,
        )
        self.children.append(router.start())
        api_port = int(self.config.get("api", {}).get("port", 8080))
        router.wait_until(lambda: port_open(extproc_port) and port_open(api_port), 180)

        envoy = EnvoyProxy(
            self.workdir / "envoy.log",
            extproc_port=extproc_port,
            listen_port=self.envoy_port,
            admin_port=self.envoy_admin_port,
        )
        self.children.append(envoy)
        envoy.start()
        self.envoy_port = envoy.listen_port
        self.envoy_admin_port = envoy.admin_port

    def stop(self) -> None:
        for child in reversed(self.children):
            child.stop()
        self.children.clear()
