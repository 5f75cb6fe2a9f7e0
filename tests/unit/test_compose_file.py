"""compose.yaml wiring that can be checked without an engine (the engine test is separate)."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_compose_services_wired_to_each_other() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = compose["services"]
    assert set(services) == {"triton", "fake-backends", "orchestrator", "envoy"}
    assert services["orchestrator"]["environment"]["ROUTER_TRITON_URL"] == "triton:8001"
    assert services["envoy"]["ports"] == ["127.0.0.1:${ROUTER_PORT:-8801}:8801"]
    for name, service in services.items():
        assert service["image"] == "localhost/semantic-router:dev", name
        if name != "orchestrator":
            assert "healthcheck" in service, name
