"""Decision log records, usage parsing, config masking, reload and tracing, without gRPC."""

from __future__ import annotations

import asyncio
import random
from pathlib import Path

import yaml

from orchestrator.api import masked
from orchestrator.config import TracingConfig, load_config
from orchestrator.decision_log import decision_record
from orchestrator.extproc.processor import Processor, RuntimeHolder
from orchestrator.extproc.state import StreamState
from orchestrator.reload import ConfigReloader
from orchestrator.runtime import build_runtime
from orchestrator.tracing import make_tracer
from orchestrator.usage import Usage, usage_from_json_body, usage_from_sse
from tests.conftest import KeywordEncoder, config_dict
from tests.extproc_messages import chat_body, request_headers, set_headers

DECISION_FIELDS = {
    "ts", "request_id", "method", "path", "requested_model", "model", "category", "confidence",
    "path_decided", "endpoint", "stream", "guard", "pii", "cache", "error", "upstream_status",
    "prompt_tokens", "completion_tokens", "timings_ms",
}  # fmt: skip


def test_usage_from_json_and_sse() -> None:
    assert usage_from_json_body(
        b'{"usage": {"prompt_tokens": 3, "completion_tokens": 4}}'
    ) == Usage(3, 4)
    assert usage_from_json_body(b"not json") is None
    sse = b'data: {"choices": []}\n\ndata: {"choices": [], "usage": {"prompt_tokens": 1, "completion_tokens": 2}}\n\n'
    assert usage_from_sse(sse) == Usage(1, 2)
    assert usage_from_sse(b"data: [DONE]\n\n") is None


async def test_decision_record_is_complete_and_prompt_opt_in(router_config) -> None:
    encoder = KeywordEncoder()
    processor = Processor(
        RuntimeHolder(await build_runtime(router_config, encoder)), encoder, random.Random(0)
    )  # type: ignore[arg-type]
    state = StreamState()
    await processor.request_headers(state, request_headers())
    await processor.request_body(state, chat_body("write a haiku"))
    record = decision_record(state, include_prompt=False)
    assert set(record) == DECISION_FIELDS
    assert record["model"] == "poet" and record["path_decided"] == "examples"
    assert {"parse", "signals", "classify"} <= set(record["timings_ms"])
    assert decision_record(state, include_prompt=True)["prompt"] == "write a haiku"


def test_masked_config_hides_secret_values() -> None:
    config = {"api_key": "sk-123", "nested": [{"auth_token": "t", "name": "x"}], "password": ""}
    assert masked(config) == {
        "api_key": "***",
        "nested": [{"auth_token": "***", "name": "x"}],
        "password": "",
    }


def write(path: Path, data: dict) -> None:
    path.write_text(yaml.safe_dump(data))


async def test_reload_applies_valid_rejects_invalid_and_follows_symlink_swap(
    tmp_path: Path,
) -> None:
    encoder = KeywordEncoder()
    data = config_dict()
    first = tmp_path / "v1.yaml"
    write(first, data)
    link = tmp_path / "config.yaml"
    link.symlink_to(first)
    holder = RuntimeHolder(await build_runtime(load_config(link), encoder))  # type: ignore[arg-type]
    reloader = ConfigReloader(link, holder, encoder, interval_s=0.01)  # type: ignore[arg-type]
    assert not await reloader.check()  # unchanged

    data["categories"][1]["model_scores"][0]["model"] = "general"
    write(first, data)
    assert await reloader.check()
    assert holder.current.config.categories[1].model_scores[0].model == "general"

    before = holder.current
    first.write_text("default_model: ghost\nmodels: []\n")
    assert not await reloader.check()
    assert holder.current is before

    second = tmp_path / "v2.yaml"
    data["default_model"] = "coder"
    write(second, data)
    swap = tmp_path / "swap"
    swap.symlink_to(second)
    swap.replace(link)  # atomic rename, as Kubernetes swaps ConfigMap symlinks
    assert await reloader.check()
    assert holder.current.config.default_model == "coder"


async def test_reload_watcher_runs_in_the_background(tmp_path: Path) -> None:
    encoder = KeywordEncoder()
    path = tmp_path / "config.yaml"
    data = config_dict()
    write(path, data)
    holder = RuntimeHolder(await build_runtime(load_config(path), encoder))  # type: ignore[arg-type]
    task = asyncio.create_task(ConfigReloader(path, holder, encoder, interval_s=0.01).run())  # type: ignore[arg-type]
    data["default_model"] = "poet"
    write(path, data)
    for _ in range(200):
        if holder.current.config.default_model == "poet":
            break
        await asyncio.sleep(0.01)
    task.cancel()
    assert holder.current.config.default_model == "poet"


async def test_tracing_spans_per_step_when_enabled(router_config) -> None:
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    exporter = InMemorySpanExporter()
    tracer = make_tracer(TracingConfig(enabled=True), exporter)
    encoder = KeywordEncoder()
    processor = Processor(
        RuntimeHolder(await build_runtime(router_config, encoder)), encoder, random.Random(0)
    )  # type: ignore[arg-type]
    state = StreamState(tracer=tracer)
    await processor.request_headers(state, request_headers())
    response = await processor.request_body(state, chat_body("python question"))
    assert set_headers(response)["x-selected-model"] == "coder"
    assert [s.name for s in exporter.get_finished_spans()] == [
        "router.parse",
        "router.keyword",
        "router.signals",
        "router.guard",
        "router.classify",
        "router.pii",
    ]
    assert make_tracer(TracingConfig(enabled=False)) is None
