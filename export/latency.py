"""Latency of one 64-token request through ONNX Runtime on a fixed number of threads."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from export.inference import session

SAMPLE_TEXT = (
    "My name is Jane Doe and my card 4111 1111 1111 1111 was charged twice; can you explain "
    "how the chargeback process works for a small online business, what documents I need, "
    "and how long a bank usually takes to decide? Please keep the answer short and list the "
    "steps in order."
)


def sample_ids(tokens: int = 64) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    ids = rng.integers(1000, 30000, size=(1, tokens), dtype=np.int64)
    ids[0, 0], ids[0, -1] = 101, 102
    return {"input_ids": ids, "attention_mask": np.ones_like(ids)}


def measure(onnx_path: Path, threads: int = 2, runs: int = 200, tokens: int = 64) -> dict:
    sess = session(onnx_path, threads)
    feeds = sample_ids(tokens)
    for _ in range(20):
        sess.run(None, feeds)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        sess.run(None, feeds)
        times.append((time.perf_counter() - start) * 1000)
    return {
        "threads": threads,
        "tokens": tokens,
        "p50_ms": round(float(np.percentile(times, 50)), 3),
        "p90_ms": round(float(np.percentile(times, 90)), 3),
        "min_ms": round(float(np.min(times)), 3),
    }


def remeasure() -> dict:
    """fp32 and int8 latency of the latest published version (int8 re-quantized if fp32 is
    served), written to export/report/latency.json for REPORT.md."""
    import json
    import os
    import tempfile

    from export.quantize import quantize_int8
    from export.report import REPORT_DIR, render
    from export.repository import latest_version_dir

    version = latest_version_dir()
    if version is None:
        raise FileNotFoundError("no published version")
    manifest = json.loads((version / "manifest.json").read_text())
    served = version / "model.onnx"
    with tempfile.TemporaryDirectory() as tmp:
        if manifest.get("precision") == "int8":
            int8, fp32 = served, None
        else:
            fp32, int8 = served, quantize_int8(served, Path(tmp) / "int8.onnx")
        result = {
            "version": version.name,
            "load_average": round(os.getloadavg()[0], 2),
            "cpus": os.cpu_count(),
            "fp32": measure(fp32) if fp32 else None,
            "int8": measure(int8),
        }
    (REPORT_DIR / "latency.json").write_text(json.dumps(result, indent=1) + "\n")
    render()
    return result
