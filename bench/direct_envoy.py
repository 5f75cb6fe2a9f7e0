"""Envoy without the router: the shipped listener with the ext_proc filter removed and every
request routed to one fake backend, so `overhead.py` can subtract Envoy's own cost."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from stack.envoy import envoy_binary, render_config
from stack.processes import ManagedProcess, free_port

DIRECT_CLUSTER = "direct_backend"


def direct_config(listen_port: int, admin_port: int, backend_port: int) -> dict[str, Any]:
    config = render_config(listen_port, admin_port, extproc_port=free_port())
    listener = config["static_resources"]["listeners"][0]
    manager = listener["filter_chains"][0]["filters"][0]["typed_config"]
    manager["http_filters"] = [
        f for f in manager["http_filters"] if f["name"] != "envoy.filters.http.ext_proc"
    ]
    for host in manager["route_config"]["virtual_hosts"]:
        for route in host["routes"]:
            route["route"]["cluster"] = DIRECT_CLUSTER
    address = {"socket_address": {"address": "127.0.0.1", "port_value": backend_port}}
    config["static_resources"]["clusters"] = [
        {
            "name": DIRECT_CLUSTER,
            "type": "STATIC",
            "connect_timeout": "5s",
            "load_assignment": {
                "cluster_name": DIRECT_CLUSTER,
                "endpoints": [{"lb_endpoints": [{"endpoint": {"address": address}}]}],
            },
        }
    ]
    return config


def start_direct_envoy(workdir: Path, backend_port: int) -> tuple[ManagedProcess, int]:
    """Envoy -> fake backend on loopback; returns the process and its listener port."""
    listen, admin = free_port(), free_port()
    path = workdir / "envoy-direct.yaml"
    path.write_text(yaml.safe_dump(direct_config(listen, admin, backend_port), sort_keys=False))
    argv = [envoy_binary(), "-c", str(path), "--use-dynamic-base-id", "--log-level", "warn"]
    process = ManagedProcess("envoy-direct", argv, workdir / "envoy-direct.log").start()
    from stack.processes import port_open

    process.wait_until(lambda: port_open(listen), 60)
    return process, listen
