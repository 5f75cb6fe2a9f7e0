"""Envoy's JSON access log (envoy/envoy.yaml): per request, how long each ext_proc call took.

The `ext_proc` field is the ext_proc filter's own record, timed by Envoy around each call to
the router, so it splits the router's added time by phase without trusting the router's
clock."""

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


def read_access_log(path: Path) -> dict[str, dict[str, Any]]:
    """The JSON lines of an Envoy log file (its own log lines are skipped), by request id."""
    records: dict[str, dict[str, Any]] = {}
    with contextlib.suppress(OSError):
        for line in path.read_text(errors="replace").splitlines():
            if line.startswith("{"):
                with contextlib.suppress(ValueError):
                    record = json.loads(line)
                    records[str(record.get("request_id", ""))] = record
    return records


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
