"""The shipped Envoy config, and the variants the launcher renders, pass `envoy --mode validate`."""

from pathlib import Path

import yaml

from stack.envoy import ENVOY_CONFIG, render_config, validate


def test_shipped_config_validates() -> None:
    result = validate(ENVOY_CONFIG)
    assert result.returncode == 0, result.stderr[-2000:]


def test_container_rendering_validates_and_uses_dns(tmp_path: Path) -> None:
    config = render_config(8801, 9901, 50051, listen_address="0.0.0.0", extproc_host="orchestrator")
    cluster = next(
        c for c in config["static_resources"]["clusters"] if c["name"] == "router_extproc"
    )
    assert cluster["type"] == "STRICT_DNS"
    path = tmp_path / "envoy.yaml"
    path.write_text(yaml.safe_dump(config))
    result = validate(path)
    assert result.returncode == 0, result.stderr[-2000:]


def test_broken_config_fails_validation(tmp_path: Path) -> None:
    config = yaml.safe_load(ENVOY_CONFIG.read_text())
    config["static_resources"]["clusters"][0]["lb_policy"] = "NOT_A_POLICY"
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(config))
    assert validate(path).returncode != 0
