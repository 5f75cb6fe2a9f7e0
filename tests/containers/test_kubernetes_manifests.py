"""deploy/kubernetes, checked offline: every object against the Kubernetes API schemas
(kubernetes-validate ships them), the router config in the ConfigMap against the router's own
config model, and the wiring between objects (selectors, named ports, probes, images)."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest
import yaml

from orchestrator.config import parse_config

ROOT = Path(__file__).resolve().parents[2]
KUBE = ROOT / "deploy" / "kubernetes"
KUBERNETES_VERSION = "1.31"


def kustomization(folder: Path = KUBE) -> dict[str, Any]:
    return yaml.safe_load((folder / "kustomization.yaml").read_text())


def objects() -> list[dict[str, Any]]:
    docs = []
    for name in kustomization()["resources"]:
        docs += [d for d in yaml.safe_load_all((KUBE / name).read_text()) if d]
    return docs


def find(kind: str, name: str) -> dict[str, Any]:
    return next(o for o in objects() if o["kind"] == kind and o["metadata"]["name"] == name)


def container(deployment: str) -> dict[str, Any]:
    return find("Deployment", deployment)["spec"]["template"]["spec"]["containers"][0]


def router_config_data() -> dict[str, Any]:
    return yaml.safe_load(find("ConfigMap", "router-config")["data"]["config.yaml"])


def test_kustomization_lists_every_manifest() -> None:
    listed = set(kustomization()["resources"])
    on_disk = {p.name for p in KUBE.glob("*.yaml")} - {"kustomization.yaml"}
    assert listed == on_disk


@pytest.mark.parametrize(
    "obj",
    [
        *objects(),
        *yaml.safe_load_all((KUBE / "gpu" / "triton-gpu.yaml").read_text()),
    ],
    ids=lambda o: f"{o['kind']}/{o['metadata']['name']}",
)
def test_objects_match_the_kubernetes_schema(obj: dict[str, Any]) -> None:
    validate = pytest.importorskip(
        "kubernetes_validate", reason="kubernetes-validate (dev dependency) is not installed"
    ).validate
    if obj["kind"] == "Deployment" and "selector" not in obj["spec"]:  # a strategic patch
        obj = {**obj, "spec": {**obj["spec"], "selector": {"matchLabels": {"a": "b"}}}}
        obj["spec"]["template"].setdefault("metadata", {"labels": {"a": "b"}})
        for c in obj["spec"]["template"]["spec"]["containers"]:
            c.setdefault("image", "patched")
    validate(obj, KUBERNETES_VERSION, strict=True)


def test_configmap_holds_a_valid_router_config(monkeypatch: pytest.MonkeyPatch) -> None:
    # Endpoints name in-cluster Services, which do not resolve here.
    monkeypatch.setattr(socket, "gethostbyname", lambda host: "10.0.0.1")
    config = parse_config(router_config_data(), "router-config")
    assert config.api.host == config.metrics.host == config.server.extproc_host == "0.0.0.0"
    assert config.triton.url == "triton:8001"
    assert config.cache.backend == "milvus"
    assert config.cache.milvus.uri == "http://milvus:19530"


def test_orchestrator_probes_hit_the_api_port_of_the_config() -> None:
    config = router_config_data()
    spec = container("orchestrator")
    ports = {p["name"]: p["containerPort"] for p in spec["ports"]}
    assert ports == {
        "extproc": config["server"]["extproc_port"],
        "api": config["api"]["port"],
        "metrics": config["metrics"]["port"],
    }
    assert ports["api"] == 8080
    assert spec["livenessProbe"]["httpGet"] == {"path": "/health", "port": "api"}
    assert spec["readinessProbe"]["httpGet"] == {"path": "/ready", "port": "api"}
    mounts = {m["name"]: m["mountPath"] for m in spec["volumeMounts"]}
    assert spec["args"][-1] == f"{mounts['config']}/config.yaml"
    volumes = find("Deployment", "orchestrator")["spec"]["template"]["spec"]["volumes"]
    config_volume = next(v for v in volumes if v["name"] == "config")
    # A whole-folder ConfigMap volume (no subPath), so that updates reach the pod for reload.
    assert config_volume["configMap"]["name"] == "router-config"
    assert "subPath" not in next(m for m in spec["volumeMounts"] if m["name"] == "config")


def test_router_replicas_sit_behind_envoy_through_a_headless_service() -> None:
    assert find("Deployment", "orchestrator")["spec"]["replicas"] >= 2
    service = find("Service", "orchestrator")
    assert service["spec"]["clusterIP"] == "None"  # Envoy's STRICT_DNS sees every pod
    envoy_command = " ".join(container("envoy")["args"])
    assert "--extproc orchestrator:50051" in envoy_command


def test_services_select_pods_and_name_their_ports() -> None:
    deployments = {o["metadata"]["name"]: o for o in objects() if o["kind"] == "Deployment"}
    for service in (o for o in objects() if o["kind"] == "Service"):
        selector = service["spec"]["selector"]
        matches = [
            d
            for d in deployments.values()
            if selector.items() <= d["spec"]["template"]["metadata"]["labels"].items()
        ]
        assert len(matches) == 1, service["metadata"]["name"]
        pod_ports = {
            p["name"]
            for c in matches[0]["spec"]["template"]["spec"]["containers"]
            for p in c.get("ports", [])
        }
        for port in service["spec"]["ports"]:
            assert port["targetPort"] in pod_ports, (service["metadata"]["name"], port)


def test_config_endpoints_name_services_that_exist() -> None:
    services = {o["metadata"]["name"]: o for o in objects() if o["kind"] == "Service"}
    for model in router_config_data()["models"]:
        for endpoint in model["endpoints"]:
            ports = [p["port"] for p in services[endpoint["address"]]["spec"]["ports"]]
            assert endpoint["port"] in ports, endpoint
    triton_host, _, triton_port = router_config_data()["triton"]["url"].partition(":")
    assert int(triton_port) in [p["port"] for p in services[triton_host]["spec"]["ports"]]


def test_every_image_is_one_the_build_script_makes() -> None:
    images = {
        c["image"]
        for o in objects()
        if o["kind"] == "Deployment"
        for c in o["spec"]["template"]["spec"]["containers"]
    }
    assert images == {i["name"] for i in kustomization()["images"]}
    assert images <= {"localhost/semantic-router", "localhost/semantic-router-triton"}


def test_gpu_overlay_puts_triton_on_a_gpu() -> None:
    overlay = kustomization(KUBE / "gpu")
    assert overlay["resources"] == [".."]
    patch = yaml.safe_load((KUBE / "gpu" / overlay["patches"][0]["path"]).read_text())
    assert (patch["kind"], patch["metadata"]["name"]) == ("Deployment", "triton")
    triton = patch["spec"]["template"]["spec"]["containers"][0]
    assert triton["resources"]["limits"]["nvidia.com/gpu"] == 1
    assert "--model-config-name=gpu" in triton["args"]
