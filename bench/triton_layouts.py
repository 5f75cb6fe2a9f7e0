"""How Triton should spend the CPU: instances x ONNX Runtime threads x spinning.

Each layout runs the latest router_encoder version on a temporary repository (the shipped
config.pbtxt with instance_group count, intra_op_threads and allow_spinning rewritten) on the
wheel-shipped Triton. Measured on Triton alone, over gRPC: one ~64-token text at a time
(latency), one long request's windows at a time (8 texts of ~120 words, what a ~512-token
prompt costs), and 16 clients sending single texts (throughput); CPU is Triton's, stubs
included, per request.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import tritonclient.grpc as grpcclient

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.inference import OUTPUTS, request, variant_repository
from bench.overhead import Processes
from bench.prompts import prompt
from bench.report import append, load, table
from export.repository import MODEL_NAME
from stack.triton import TritonServer

LAYOUTS = {  # name: (instances, threads per instance, spinning)
    "1 x 2 threads, spinning": (1, 2, True),
    "1 x 2 threads, no spinning": (1, 2, False),
    "2 x 1 thread": (2, 1, False),
    "2 x 2 threads, spinning": (2, 2, True),
    "2 x 2 threads, no spinning": (2, 2, False),
}


def layout_config(instances: int, threads: int, spinning: bool):
    def edit(config: str) -> str:
        config = re.sub(
            r"instance_group \[.*?\]",
            f"instance_group [ {{ count: {instances}, kind: KIND_CPU }} ]",
            config,
        )
        config = re.sub(
            r'(key: "intra_op_threads", value: \{ string_value: ")[^"]*(")',
            rf"\g<1>{threads}\2",
            config,
        )
        config = re.sub(r'parameters: \{ key: "allow_spinning".*\n', "", config)
        return config + (
            f'parameters: {{ key: "allow_spinning", value: {{ string_value: '
            f'"{1 if spinning else 0}" }} }}\n'
        )

    return edit


def measure(url: str, triton: Processes, requests: int, clients: int) -> list[str]:
    def cpu() -> float:
        return triton.cpu()["triton"]

    outputs = [grpcclient.InferRequestedOutput(n) for n in OUTPUTS]
    one = request([prompt("typical", 0)])
    windows = request([" ".join(prompt("long", i).split()[:120]) for i in range(8)])
    client = grpcclient.InferenceServerClient(url)
    for _ in range(5):
        client.infer(MODEL_NAME, one, outputs=outputs)
        client.infer(MODEL_NAME, windows, outputs=outputs)
    cells = []
    for inputs, count in ((one, requests), (windows, max(5, requests // 8))):
        before, times = cpu(), []
        for _ in range(count):
            start = time.perf_counter()
            client.infer(MODEL_NAME, inputs, outputs=outputs)
            times.append(1000 * (time.perf_counter() - start))
        cpu_ms = 1000 * (cpu() - before) / count
        cells += [f"{np.percentile(times, 50):.1f}", f"{cpu_ms:.1f}"]

    def worker() -> None:
        own = grpcclient.InferenceServerClient(url)
        for _ in range(requests // 4):
            own.infer(MODEL_NAME, one, outputs=outputs)

    before, started = cpu(), time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    served = clients * (requests // 4)
    wall = time.perf_counter() - started
    cells += [f"{served / wall:.0f}", f"{1000 * (cpu() - before) / served:.1f}"]
    return cells


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=160, help="sequential requests per cell")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--layouts", nargs="*", choices=list(LAYOUTS), default=list(LAYOUTS))
    parser.add_argument("--no-append", action="store_true")
    args = parser.parse_args()
    started = load()
    rows = []
    for name in args.layouts:
        with tempfile.TemporaryDirectory() as tmp:
            repository = variant_repository(Path(tmp) / "repo", edit=layout_config(*LAYOUTS[name]))
            server = TritonServer(log_path=Path(tmp) / "triton.log", repository=repository)
            server.start(wait_for=(MODEL_NAME,))
            try:
                assert server.process is not None and server.process.process is not None
                triton = Processes({"triton": server.process.process.pid})
                rows.append([name, *measure(server.grpc_url, triton, args.requests, args.clients)])
            finally:
                server.stop()
        print(rows[-1], flush=True)
    body = table(
        [
            "layout",
            "1 text p50 ms",
            "CPU ms",
            "8 windows p50 ms",
            "CPU ms",
            f"{args.clients} clients req/s",
            "CPU ms/req",
        ],
        rows,
    )
    print(body)
    if not args.no_append:
        append("Triton layouts (bench/triton_layouts.py)", body, started)


if __name__ == "__main__":
    main()
