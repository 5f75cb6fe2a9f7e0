"""`python -m export bench-triton`: one 64-token request at a time through the local Triton.

Starts the wheel-shipped Triton on model_repository (stack.triton), sends the same text
repeatedly over gRPC and reads Triton's own compute statistics (tokenize + ONNX + PII decode
inside model.py). Writes export/report/triton.json and re-renders REPORT.md.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
import urllib.request
from pathlib import Path

import numpy as np

from export.build import REPORT_DIR
from export.latency import SAMPLE_TEXT
from export.repository import MODEL_NAME, latest_version_dir


def _wait_ready(port: int, timeout: float = 180.0) -> None:
    url = f"http://127.0.0.1:{port}/v2/models/{MODEL_NAME}/ready"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"{MODEL_NAME} not ready on port {port}")


def bench(requests: int = 200) -> dict:
    import tritonclient.grpc as grpcclient

    from stack.triton import TritonServer

    log = Path(tempfile.gettempdir()) / "router-bench-triton.log"
    server = TritonServer(log_path=log).start()
    try:
        _wait_ready(server.http_port)
        client = grpcclient.InferenceServerClient(server.grpc_url)
        text = np.array([[SAMPLE_TEXT.encode()]], dtype=object)
        inputs = [grpcclient.InferInput("TEXT", [1, 1], "BYTES")]
        inputs[0].set_data_from_numpy(text)
        outputs = [
            grpcclient.InferRequestedOutput(n)
            for n in ("EMBEDDING", "CATEGORY_PROBS", "GUARD_PROBS", "PII_SPANS")
        ]
        for _ in range(20):
            client.infer(MODEL_NAME, inputs, outputs=outputs)
        before = client.get_inference_statistics(MODEL_NAME, as_json=True)
        times = []
        for _ in range(requests):
            start = time.perf_counter()
            result = client.infer(MODEL_NAME, inputs, outputs=outputs)
            times.append((time.perf_counter() - start) * 1000)
        after = client.get_inference_statistics(MODEL_NAME, as_json=True)
        spans = result.as_numpy("PII_SPANS")[0][0]
        config = client.get_model_config(MODEL_NAME, as_json=True)["config"]
    finally:
        server.stop()

    def compute_ns(stats: dict) -> tuple[int, int]:
        s = stats["model_stats"][-1]["inference_stats"]["compute_infer"]
        return int(s["ns"]), int(s["count"])

    (ns1, c1), (ns0, c0) = compute_ns(after), compute_ns(before)
    version = latest_version_dir()
    manifest = json.loads((version / "manifest.json").read_text()) if version else {}
    from tokenizers import Tokenizer

    tokens = None
    if version:
        tokenizer = Tokenizer.from_file(str(version / "tokenizer.json"))
        tokenizer.no_padding()  # the shipped tokenizer.json pads to 128; model.py does not
        tokens = len(tokenizer.encode(SAMPLE_TEXT).ids)
    result_json = {
        "requests": requests,
        "load_average": round(os.getloadavg()[0], 2),
        "tokens": tokens,
        "precision": manifest.get("precision"),
        "version": version.name if version else None,
        "client_p50_ms": round(float(np.percentile(times, 50)), 3),
        "client_p90_ms": round(float(np.percentile(times, 90)), 3),
        "compute_mean_ms": round((ns1 - ns0) / max(1, c1 - c0) / 1e6, 3),
        "sample_pii_spans": json.loads(spans),
        "config_labels": {
            k: v["string_value"]
            for k, v in config.get("parameters", {}).items()
            if k.endswith("_labels")
        },
    }
    REPORT_DIR.mkdir(exist_ok=True)
    (REPORT_DIR / "triton.json").write_text(json.dumps(result_json, indent=1) + "\n")
    from export.report import render

    render()
    print(json.dumps(result_json, indent=1))
    return result_json
