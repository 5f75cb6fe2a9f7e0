"""Operating the stack: metrics, decision log, classification API, gRPC health."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import grpc
import httpx
import pytest
import yaml
from grpc_health.v1 import health_pb2, health_pb2_grpc

from orchestrator.__main__ import DEFAULT_CONFIG
from stack.local import LocalStack, load_stack_config
from stack.processes import ManagedProcess, free_port, port_open

pytestmark = pytest.mark.integration


def api_url(stack: LocalStack) -> str:
    return f"http://127.0.0.1:{stack.config['api']['port']}"


def metric_value(stack: LocalStack, name: str, labels: str = "") -> float:
    text = httpx.get(f"http://127.0.0.1:{stack.config['metrics']['port']}/metrics", timeout=5).text
    pattern = (
        re.compile(rf"^{re.escape(name)}{{?{re.escape(labels)}}}? ([0-9.e+-]+)$", re.M)
        if labels
        else re.compile(rf"^{re.escape(name)} ([0-9.e+-]+)$", re.M)
    )
    match = pattern.search(text)
    return float(match.group(1)) if match else 0.0


def ask(base_url: str, question: str, **extra: object) -> httpx.Response:
    body = {"model": "auto", "messages": [{"role": "user", "content": question}], **extra}
    return httpx.post(f"{base_url}/v1/chat/completions", json=body, timeout=30)


def test_metrics_move_after_requests(stack: LocalStack, base_url: str) -> None:
    requests = 'model="math-model"'
    before = {
        "requests": metric_value(stack, "llm_model_requests_total", requests),
        "tokens": metric_value(stack, "llm_model_prompt_tokens_total", requests),
        "signals": metric_value(stack, "router_step_latency_seconds_count", 'step="signals"'),
        "triton": metric_value(stack, "router_triton_request_latency_seconds_count"),
        "latency": metric_value(stack, "llm_model_completion_latency_seconds_count", requests),
    }
    assert ask(base_url, "What is 31 times 3?").headers["x-selected-model"] == "math-model"
    time.sleep(0.2)  # the response phase finishes after the client has its answer
    assert metric_value(stack, "llm_model_requests_total", requests) == before["requests"] + 1
    assert metric_value(stack, "llm_model_prompt_tokens_total", requests) > before["tokens"]
    assert (
        metric_value(stack, "router_step_latency_seconds_count", 'step="signals"')
        == before["signals"] + 1
    )
    assert (
        metric_value(stack, "router_triton_request_latency_seconds_count") >= before["triton"] + 1
    )
    assert (
        metric_value(stack, "llm_model_completion_latency_seconds_count", requests)
        == before["latency"] + 1
    )


def test_bad_request_counts_as_error(stack: LocalStack, base_url: str) -> None:
    labels = 'model="unknown",reason="invalid_value"'
    before = metric_value(stack, "llm_request_errors_total", labels)
    response = httpx.post(
        f"{base_url}/v1/chat/completions", json={"model": "auto", "messages": "x"}, timeout=10
    )
    assert response.status_code == 400
    time.sleep(0.2)
    assert metric_value(stack, "llm_request_errors_total", labels) == before + 1


def test_decision_log_line_is_complete(stack: LocalStack, base_url: str) -> None:
    response = ask(base_url, "Write a haiku about snow.", stream=False)
    request_id = response.headers["x-router-request-id"]
    log = stack.workdir / "orchestrator.log"
    line = None
    for _ in range(50):
        line = next(
            (x for x in log.read_text().splitlines() if request_id in x and x.startswith("{")), None
        )
        if line:
            break
        time.sleep(0.1)
    assert line is not None, "no decision-log line for the request"
    record = json.loads(line)
    assert record["request_id"] == request_id
    assert record["model"] == "creative-model" and record["requested_model"] == "auto"
    assert record["path_decided"] == "examples" and record["category"] == "creative_writing"
    assert record["endpoint"] == "creative-1" and record["upstream_status"] == 200
    assert record["prompt_tokens"] > 0 and record["completion_tokens"] > 0
    assert {"parse", "signals", "classify", "total"} <= set(record["timings_ms"])
    assert "prompt" not in record  # include_prompt is off by default


def test_envoy_access_log_times_each_router_phase(stack: LocalStack, base_url: str) -> None:
    routed = ask(base_url, "Write a haiku about rain.", temperature=0.7)
    request_id = routed.headers["x-router-request-id"]
    log = stack.workdir / "envoy.log"
    record = None
    for _ in range(50):  # Envoy flushes its access log about once a second
        lines = [x for x in log.read_text().splitlines() if x.startswith("{")]
        record = next((json.loads(x) for x in lines if request_id in x), None)
        if record:
            break
        time.sleep(0.1)
    assert record is not None, f"no access-log line for the request: {log.read_text()[-3000:]}"
    assert record["status"] == 200 and record["model"] == routed.headers["x-selected-model"]
    assert record["upstream"] and record["method"] == "POST"
    phases = record["ext_proc"]
    for key in ("request_header_latency_us", "request_body_total_latency_us"):
        assert phases[key] > 0, key
    assert phases["response_header_latency_us"] > 0
    assert phases["received_immediate_response"] is False
    assert phases["request_body_total_latency_us"] < record["duration_ms"] * 1000


def test_orchestrator_runs_on_the_configured_event_loop(stack: LocalStack) -> None:
    started = [
        line
        for line in (stack.workdir / "orchestrator.log").read_text().splitlines()
        if "ext_proc on " in line
    ]
    assert started and started[0].endswith("event loop uvloop"), started


def sigterm_log(config: dict, workdir: Path, started: Callable[[str], bool]) -> str:
    """Start an orchestrator on `config`, send SIGTERM once its log says `started`, and
    return the log after it exited 0."""
    config_path = workdir / "router-config.yaml"
    config_path.write_text(yaml.safe_dump(config))
    argv = [sys.executable, "-m", "orchestrator", "serve", "--config", str(config_path)]
    router = ManagedProcess("orchestrator", argv, workdir / "orchestrator.log").start()
    try:
        router.wait_until(lambda: started(router.log_tail()), 120)
        assert router.process is not None
        router.process.send_signal(signal.SIGTERM)
        assert router.process.wait(timeout=20) == 0, router.log_tail()
        return router.log_tail()
    finally:
        router.stop()


def test_orchestrator_stops_cleanly_on_sigterm(stack: LocalStack, tmp_path: Path) -> None:
    """Compose and Kubernetes stop containers with SIGTERM: the event loop's signal handler
    must run the shutdown path and exit 0, also when the signal lands while the servers start
    (their ports open before start-up ends), not leave the process to be killed."""
    config = yaml.safe_load(stack.config_path.read_text())
    config["server"]["extproc_port"] = free_port()
    config["api"]["port"] = free_port()
    config["metrics"]["port"] = free_port()
    log = sigterm_log(config, tmp_path, lambda _: port_open(config["server"]["extproc_port"]))
    assert "shutting down" in log


def test_orchestrator_stops_on_sigterm_while_waiting_for_triton(tmp_path: Path) -> None:
    config = load_stack_config(DEFAULT_CONFIG)
    config["triton"] = {"url": f"127.0.0.1:{free_port()}", "startup_timeout_s": 120}  # no one
    config["server"]["extproc_port"] = free_port()
    log = sigterm_log(config, tmp_path, lambda log: "waiting up to" in log)
    assert "stopped while waiting for Triton" in log


def test_classification_api(stack: LocalStack) -> None:
    url = api_url(stack)
    intent = httpx.post(
        f"{url}/api/v1/classify/intent", json={"text": "Solve 3x + 7 = 22"}, timeout=10
    ).json()
    assert intent["recommended_model"] == "math-model"
    assert intent["processing_time_ms"] > 0
    security = httpx.post(
        f"{url}/api/v1/classify/security", json={"text": "hello"}, timeout=10
    ).json()
    assert {"is_jailbreak", "risk_score", "detection_types", "scores"} <= set(security)
    pii = httpx.post(f"{url}/api/v1/classify/pii", json={"text": "hello"}, timeout=10).json()
    assert {"has_pii", "entities"} <= set(pii)
    combined = httpx.post(
        f"{url}/api/v1/classify/combined", json={"text": "hello"}, timeout=10
    ).json()
    assert set(combined) >= {"intent", "pii", "security"}
    batch = httpx.post(
        f"{url}/api/v1/classify/batch",
        json={"texts": ["a poem please", "integral of x"]},
        timeout=10,
    ).json()
    assert batch["total_count"] == 2 and len(batch["results"]) == 2


@pytest.mark.parametrize(
    ("path", "body", "status", "code"),
    [
        ("intent", {"text": ""}, 422, "invalid_value"),
        ("intent", {}, 422, "invalid_value"),
        ("intent", {"text": "x" * 20_001}, 413, "text_too_long"),
        ("batch", {"texts": ["a"] * 65}, 413, "batch_too_large"),
        ("batch", {"texts": []}, 422, "invalid_value"),
    ],
)
def test_api_limits_are_clear_4xx(
    stack: LocalStack, path: str, body: dict, status: int, code: str
) -> None:
    response = httpx.post(f"{api_url(stack)}/api/v1/classify/{path}", json=body, timeout=10)
    assert response.status_code == status
    assert response.json()["error"]["code"] == code


def test_health_ready_config_and_docs(stack: LocalStack) -> None:
    url = api_url(stack)
    assert httpx.get(f"{url}/health").json() == {"status": "healthy"}
    assert httpx.get(f"{url}/ready").status_code == 200
    config = httpx.get(f"{url}/config").json()
    assert config["default_model"] == "general-model"
    assert "/api/v1/classify/batch" in httpx.get(f"{url}/openapi.json").json()["paths"]
    assert "swagger" in httpx.get(f"{url}/docs").text.lower()


def test_grpc_health_on_the_extproc_port(stack: LocalStack) -> None:
    port = stack.config["server"]["extproc_port"]
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        for service in ("", "envoy.service.ext_proc.v3.ExternalProcessor"):
            reply = stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=5)
            assert reply.status == health_pb2.HealthCheckResponse.SERVING


def test_schemathesis_finds_no_server_errors(stack: LocalStack) -> None:
    result = subprocess.run(
        [
            sys.executable, "-m", "schemathesis.cli", "run", f"{api_url(stack)}/openapi.json",
            "--checks", "not_a_server_error", "--max-examples", "15", "--phases", "examples,fuzzing",
            "--no-color", "--seed", "1",
        ],
        capture_output=True, text=True, timeout=240,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]


def envoy_counter(stack: LocalStack, name: str) -> int:
    url = f"http://127.0.0.1:{stack.envoy_admin_port}/stats?filter=^{re.escape(name)}$"
    match = re.search(rf"^{re.escape(name)}: (\d+)$", httpx.get(url, timeout=5).text, re.M)
    return int(match.group(1)) if match else 0


def test_envoy_drops_idle_backend_connections_before_the_backend_does(
    stack: LocalStack, base_url: str
) -> None:
    """uvicorn closes keep-alive connections after 5 s idle; Envoy reusing one then got 503 UC."""
    counter = "cluster.llm_backends.upstream_cx_idle_timeout"
    before = envoy_counter(stack, counter)
    assert ask(base_url, "Name one prime number between 10 and 20.").status_code == 200
    time.sleep(4.5)  # past Envoy's idle timeout, short of uvicorn's 5 s
    assert envoy_counter(stack, counter) > before
