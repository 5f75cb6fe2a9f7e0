"""One real stack per test session: Triton, fake backends, orchestrator and Envoy on loopback."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from export.repository import MODEL_NAME, REPOSITORY, latest_version_dir
from stack.local import ROOT, LocalStack, load_stack_config, with_free_ports


def linked_repository(target: Path) -> Path:
    """A private model repository linking the built weights, so tests can publish versions."""
    latest = latest_version_dir()
    if latest is None:
        pytest.fail("model_repository has no router_encoder version: run `make models` first")
    model_dir = target / MODEL_NAME
    shutil.copytree(
        REPOSITORY / MODEL_NAME,
        model_dir,
        ignore=lambda d, names: [n for n in names if n.isdigit()],
    )
    version = model_dir / latest.name
    version.mkdir()
    for item in latest.iterdir():
        (version / item.name).symlink_to(item.resolve())
    return target


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    config = with_free_ports(load_stack_config(ROOT / "config" / "config.yaml"))
    workdir: Path = tmp_path_factory.mktemp("stack")
    repository = linked_repository(tmp_path_factory.mktemp("model_repository"))
    local = LocalStack(config, workdir, repository=repository).start()
    try:
        yield local
    finally:
        local.stop()


@pytest.fixture(scope="session")
def base_url(stack: LocalStack) -> str:
    return stack.base_url
