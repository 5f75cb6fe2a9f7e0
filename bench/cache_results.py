"""Shared by the cache benchmarks: append a dated, reproducible entry to bench/RESULTS.md."""

from __future__ import annotations

import datetime
import os
import platform
import shlex
import sys
from pathlib import Path

RESULTS = Path(__file__).with_name("RESULTS.md")


def machine() -> str:
    model = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"nproc={os.cpu_count()}, CPU: {model}, load average: {os.getloadavg()[0]:.2f}"


def append(title: str, body: str) -> None:
    command = " ".join(shlex.quote(a) for a in [".venv/bin/python", *sys.argv])
    stamp = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    entry = f"\n## {title} — {stamp}\n\n- machine: {machine()}\n- command: `{command}`\n\n{body}\n"
    with RESULTS.open("a") as out:
        out.write(entry)
