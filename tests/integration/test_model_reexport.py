"""A re-exported model version is picked up by the running Triton; nothing restarts."""

from __future__ import annotations

import time

import httpx
import pytest

from export.repository import MODEL_NAME, latest_version_dir, publish_version
from stack.local import LocalStack

pytestmark = pytest.mark.integration


def served_versions(stack: LocalStack) -> list[str]:
    assert stack.triton is not None
    url = f"http://127.0.0.1:{stack.triton.http_port}/v2/models/{MODEL_NAME}"
    return httpx.get(url, timeout=5).json()["versions"]


def test_new_version_is_served_without_restart(stack: LocalStack, base_url: str) -> None:
    current = latest_version_dir(stack.repository)
    assert current is not None
    before = served_versions(stack)
    skip = {"model.py", "manifest.json"}
    files = {p.name: p.resolve() for p in current.iterdir() if p.is_file() and p.name not in skip}
    published = publish_version(files, {"kind": "test-reexport"}, repository=stack.repository)
    deadline = time.monotonic() + 60
    while served_versions(stack) != [published.name] and time.monotonic() < deadline:
        time.sleep(0.5)
    assert served_versions(stack) == [published.name] != before
    response = httpx.post(
        f"{base_url}/v1/chat/completions",
        json={"model": "auto", "messages": [{"role": "user", "content": "What is 12 times 12?"}]},
        timeout=30,
    )
    assert response.status_code == 200
    assert response.headers["x-selected-model"] == "math-model"
