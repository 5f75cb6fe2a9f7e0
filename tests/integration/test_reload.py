"""Hot reload through the real stack: a changed map re-routes, an invalid file changes nothing."""

from __future__ import annotations

import time

import httpx
import pytest
import yaml

from stack.local import LocalStack

pytestmark = pytest.mark.integration


def routed_model(base_url: str, question: str) -> str:
    body = {"model": "auto", "messages": [{"role": "user", "content": question}]}
    response = httpx.post(f"{base_url}/v1/chat/completions", json=body, timeout=30)
    assert response.status_code == 200
    return response.headers["x-selected-model"]


def wait_for_model(base_url: str, question: str, expected: str, timeout: float = 20) -> str:
    deadline = time.monotonic() + timeout
    model = routed_model(base_url, question)
    while model != expected and time.monotonic() < deadline:
        time.sleep(0.3)
        model = routed_model(base_url, question)
    return model


def test_reload_changes_routing_and_rejects_invalid(stack: LocalStack, base_url: str) -> None:
    question = "Write a limerick about a sleepy owl."
    original = stack.config_path.read_text()
    assert routed_model(base_url, question) == "creative-model"
    try:
        changed = yaml.safe_load(original)
        creative = next(c for c in changed["categories"] if c["name"] == "creative_writing")
        creative["model_scores"] = [{"model": "general-model", "score": 1.0}]
        stack.config_path.write_text(yaml.safe_dump(changed))
        assert wait_for_model(base_url, question, "general-model") == "general-model"

        stack.config_path.write_text("default_model: [this is not valid\n")
        time.sleep(3)  # several watch intervals
        assert routed_model(base_url, question) == "general-model"
        log = (stack.workdir / "orchestrator.log").read_text()
        assert "config reload rejected" in log
    finally:
        stack.config_path.write_text(original)
        assert wait_for_model(base_url, question, "creative-model") == "creative-model"
