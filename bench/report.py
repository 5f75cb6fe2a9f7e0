"""Shared by the bench scripts: machine line, load average, percentiles, RESULTS.md entries."""

from __future__ import annotations

import datetime
import os
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

RESULTS = Path(__file__).with_name("RESULTS.md")
PLOTS = Path(__file__).with_name("plots")
ROOT = Path(__file__).resolve().parent.parent


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f}"


def machine() -> str:
    return f"nproc={os.cpu_count()}, CPU: {cpu_model()}"


def percentiles(values_ms: Sequence[float]) -> dict[str, float]:
    if not len(values_ms):
        return {"p50": float("nan"), "p95": float("nan"), "p99": float("nan")}
    array = np.asarray(values_ms, dtype=float)
    return {f"p{q}": float(np.percentile(array, q)) for q in (50, 95, 99)}


def command() -> str:
    return " ".join(shlex.quote(a) for a in [".venv/bin/python", *sys.argv])


def append(title: str, body: str, load_start: str) -> None:
    """One dated entry: machine, load average (1/5/15 min) at start and end, exact command."""
    stamp = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    entry = (
        f"\n## {title} — {stamp}\n\n- machine: {machine()}\n"
        f"- load average (1/5/15 min): start {load_start}, end {load()}\n"
        f"- command: `{command()}`\n\n{body}\n"
    )
    with RESULTS.open("a") as out:
        out.write(entry)


def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)
