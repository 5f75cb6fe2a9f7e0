"""One real stack per test session: Triton, fake backends, orchestrator and Envoy on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from export.repository import latest_version_dir
from orchestrator.config import read_config_data
from stack.local import ROOT, LocalStack, with_free_ports


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    if latest_version_dir() is None:
        pytest.fail("model_repository has no router_encoder version: run `make models` first")
    config = with_free_ports(read_config_data(ROOT / "config" / "config.yaml"))
    workdir: Path = tmp_path_factory.mktemp("stack")
    local = LocalStack(config, workdir).start()
    try:
        yield local
    finally:
        local.stop()


@pytest.fixture(scope="session")
def base_url(stack: LocalStack) -> str:
    return stack.base_url
