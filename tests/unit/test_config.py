from pathlib import Path

import pytest

from orchestrator.__main__ import DEFAULT_CONFIG
from orchestrator.config import ConfigError, load_config, parse_config
from tests.conftest import config_dict


def test_default_config_loads() -> None:
    config = load_config(DEFAULT_CONFIG)
    assert config.default_model == "general-model"
    assert {c.name for c in config.categories} >= {"math", "creative_writing", "code"}


def test_unknown_default_model_names_the_field() -> None:
    data = config_dict() | {"default_model": "nope"}
    with pytest.raises(ConfigError, match="default_model: 'nope' is not one of models"):
        parse_config(data)


def test_model_score_referencing_unknown_model_names_the_path() -> None:
    data = config_dict()
    data["categories"][1]["model_scores"][0]["model"] = "ghost"
    with pytest.raises(ConfigError, match=r"categories\[1\]\.model_scores\[0\]\.model: 'ghost'"):
        parse_config(data)


def test_wrong_type_and_unknown_key_are_reported_with_location() -> None:
    data = config_dict()
    data["models"][0]["endpoints"][0]["port"] = "http"
    data["surprise"] = 1
    with pytest.raises(ConfigError) as caught:
        parse_config(data)
    assert "models.0.endpoints.0.port" in str(caught.value)
    assert "surprise" in str(caught.value)


def test_duplicate_and_reserved_model_names_rejected() -> None:
    data = config_dict()
    data["models"].append(data["models"][0])
    with pytest.raises(ConfigError, match="duplicate names"):
        parse_config(data)
    data = config_dict()
    data["models"][0]["name"] = "auto"
    data["categories"][0]["model_scores"][0]["model"] = "auto"
    with pytest.raises(ConfigError, match="reserved"):
        parse_config(data)


def test_host_names_are_resolved_once_at_load() -> None:
    data = config_dict()
    data["models"][0]["endpoints"][0]["address"] = "localhost"
    config = parse_config(data)
    assert config.models[0].endpoints[0].destination == "127.0.0.1:9101"


def test_unresolvable_host_is_a_config_error() -> None:
    data = config_dict()
    data["models"][0]["endpoints"][0]["address"] = "no-such-host.invalid"
    with pytest.raises(ConfigError, match="cannot resolve host"):
        parse_config(data)


def test_unreadable_and_invalid_yaml_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("models: [unclosed")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(bad)


def test_environment_references_expand_with_defaults() -> None:
    from orchestrator.config import expand_environment

    text = "a: ${HOST:-127.0.0.1}\nb: ${PORT}\nc: ${EMPTY:-}"
    assert expand_environment(text, {"PORT": "80"}) == "a: 127.0.0.1\nb: 80\nc: "
    assert expand_environment(text, {"PORT": "80", "HOST": "triton"}).startswith("a: triton")
    with pytest.raises(ConfigError, match="PORT is not set"):
        expand_environment(text, {})


def test_default_config_follows_compose_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROUTER_TRITON_URL", "triton:8001")
    monkeypatch.setenv("ROUTER_BACKEND_HOST", "localhost")
    config = load_config(DEFAULT_CONFIG)
    assert config.triton.url == "triton:8001"
    assert config.models[0].endpoints[0].address == "localhost"


def test_event_loop_is_uvloop_by_default_and_checked() -> None:
    assert parse_config(config_dict()).server.event_loop == "uvloop"
    data = config_dict()
    data["server"] = {"event_loop": "trio"}
    with pytest.raises(ConfigError, match=r"server\.event_loop"):
        parse_config(data)
