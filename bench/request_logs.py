"""Per-request JSON logs joined by request id: Envoy's access log and the router's decision log.

Envoy's access log (envoy/envoy.yaml) carries the ext_proc filter's own record, timed by Envoy
around each call to the router, so it splits the router's added time by phase without
trusting the router's clock; the decision log then splits the request-body call by step."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from bench.report import percentiles

PHASES = (
    ("request_header_latency_us", "request headers"),
    ("request_body_total_latency_us", "request body"),
    ("response_header_latency_us", "response headers"),
    ("response_body_total_latency_us", "response body"),
)
COLUMNS = [f"{label} p50 ms" for _, label in PHASES] + ["upstream p50 ms", "Envoy total p50 ms"]


STEPS = ("parse", "signals", "guard", "cache", "classify", "tools", "total")
STEP_COLUMNS = [f"{step} p50 ms" for step in STEPS]


def read_json_lines(path: Path) -> dict[str, dict[str, Any]]:
    """The JSON lines of a process's log file (other log lines are skipped), by request id."""
    records: dict[str, dict[str, Any]] = {}
    with contextlib.suppress(OSError):
        for line in path.read_text(errors="replace").splitlines():
            if line.startswith("{"):
                with contextlib.suppress(ValueError):
                    record = json.loads(line)
                    records[str(record.get("request_id", ""))] = record
    return records


def matched(log: dict[str, dict[str, Any]], request_ids: Iterable[str]) -> list[dict[str, Any]]:
    """The log lines of these requests (a line not flushed yet is left out)."""
    return [log[i] for i in request_ids if i in log]


def phase_p50s(records: Iterable[dict[str, Any]]) -> list[str]:
    """p50 of each ext_proc phase, of the upstream's service time and of the whole request, in
    ms ("-" where no request had that phase)."""
    records = list(records)
    cells = []
    for key, _ in PHASES:
        values = [r["ext_proc"][key] / 1000 for r in records if key in (r.get("ext_proc") or {})]
        cells.append(_p50(values))
    cells.append(_p50([float(r["upstream_ms"]) for r in records if r.get("upstream_ms")]))
    cells.append(_p50([float(r["duration_ms"]) for r in records if "duration_ms" in r]))
    return cells


def _p50(values: list[float]) -> str:
    return f"{percentiles(values)['p50']:.2f}" if values else "-"


def step_p50s(records: Iterable[dict[str, Any]]) -> list[str]:
    """p50 of each router step in the decision log's `timings_ms` ("-" where no request had
    that step; `total` is the router's time in the request phases)."""
    records = list(records)
    return [
        _p50([r["timings_ms"][step] for r in records if step in (r.get("timings_ms") or {})])
        for step in STEPS
    ]
