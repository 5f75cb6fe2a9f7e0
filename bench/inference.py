"""Triton latency and throughput for router_encoder per batch size, dynamic batching on and
off, per ONNX file in the served version (fp32 / int8 when both exist), and what one router
request costs in encoder passes.

Each variant runs on a temporary model repository (the shipped config.pbtxt, edited; the
latest version's files linked), on the wheel-shipped Triton (stack.triton) on free ports.
Texts are ~64-token prompts (bench/prompts.py). "Sequential" sends one request of `b` texts
at a time; "concurrent" has 16 clients each sending single-text requests, where dynamic
batching can merge them.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from tritonclient.grpc import InferInput, InferRequestedOutput
from tritonclient.grpc.aio import InferenceServerClient

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.prompts import SIZES, prompt
from bench.report import append, load, percentiles, table
from export.category_neighbours import BANK_FILE
from export.repository import MODEL_NAME, REPOSITORY, latest_version_dir
from stack.triton import TritonServer

OUTPUTS = ("EMBEDDING", "CATEGORY_PROBS", "GUARD_PROBS", "PII_SPANS")


def variant_repository(
    target: Path,
    dynamic: bool = True,
    onnx_file: str = "model.onnx",
    version: str | None = None,
    edit: Callable[[str], str] | None = None,
) -> Path:
    """A model repository with one version (the latest, or `version`) and an edited config
    (`edit` rewrites the config text last)."""
    latest = REPOSITORY / MODEL_NAME / version if version else latest_version_dir()
    assert latest is not None and latest.is_dir(), f"no router_encoder version {version or ''}"
    model_dir = target / MODEL_NAME
    version = model_dir / latest.name
    version.mkdir(parents=True)
    for item in latest.iterdir():
        if item.is_file():
            (version / item.name).symlink_to(item.resolve())
    config = (REPOSITORY / MODEL_NAME / "config.pbtxt").read_text()
    if not dynamic:
        config = re.sub(r"dynamic_batching\s*\{[^}]*\}\n?", "", config)
    config = re.sub(
        r'(key: "onnx_file", value: \{ string_value: ")[^"]*(")', rf"\g<1>{onnx_file}\2", config
    )
    (model_dir / "config.pbtxt").write_text(edit(config) if edit else config)
    return target


def request(texts: list[str]) -> list[InferInput]:
    data = np.array([[t.encode()] for t in texts], dtype=np.object_)
    item = InferInput("TEXT", list(data.shape), "BYTES")
    item.set_data_from_numpy(data)
    return [item]


async def measure(url: str, batches: list[int], iterations: int, clients: int) -> list[list]:
    client = InferenceServerClient(url)
    outputs = [InferRequestedOutput(n) for n in OUTPUTS]
    rows = []
    try:
        for _ in range(5):  # warm-up
            await client.infer(MODEL_NAME, request([prompt("typical", 0)]), outputs=outputs)
        for b in batches:
            n = max(5, iterations // b)
            times = []
            for i in range(n):
                texts = [prompt("typical", i * b + j) for j in range(b)]
                started = time.perf_counter()
                await client.infer(MODEL_NAME, request(texts), outputs=outputs)
                times.append((time.perf_counter() - started) * 1000)
            p = percentiles(times)
            rate = b * n / (sum(times) / 1000)
            rows.append([f"sequential, {b} texts/request", n, p["p50"], p["p99"], rate])
        count = iterations
        times = []
        queue = iter(range(count))

        async def worker() -> None:
            for i in queue:
                started = time.perf_counter()
                await client.infer(MODEL_NAME, request([prompt("typical", i)]), outputs=outputs)
                times.append((time.perf_counter() - started) * 1000)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(clients)))
        wall = time.perf_counter() - started
        p = percentiles(times)
        rows.append([f"{clients} clients, 1 text/request", count, p["p50"], p["p99"], count / wall])
    finally:
        await client.close()
    return rows


def encoder_passes() -> str:
    """Texts one routed request sends to Triton (orchestrator.inspection), by prompt size."""
    from orchestrator.chat_request import parse_chat_request
    from orchestrator.config import load_config
    from orchestrator.conversations import routing_text
    from orchestrator.inspection import plan_inspection

    config = load_config(Path(__file__).resolve().parents[1] / "config" / "config.yaml")
    rows = []
    for size in SIZES:
        for system in (False, True):
            messages = [{"role": "user", "content": prompt(size, 7)}]
            if system:
                messages.insert(0, {"role": "system", "content": "You are a helpful assistant."})
            body = {"model": "auto", "messages": messages, "temperature": 0}
            chat = parse_chat_request(json.dumps(body).encode())
            text = routing_text(chat, config.conversations)
            plan = plan_inspection(chat, text, config, True, text)
            rows.append(
                [
                    f"{size} (~{SIZES[size]} tok)" + (" + system message" if system else ""),
                    len(plan.texts),
                    -(-len(plan.texts) // 64),
                ]
            )
    note = (
        "One routed request = one Triton call carrying every distinct text (routing text, cache "
        "query, guard/PII windows of each message; duplicates sent once); tool selection reuses "
        "the routing embedding (an extra call only for request tools not in the database)."
    )
    return note + "\n\n" + table(["request", "texts (encoder rows)", "Triton calls"], rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--batches", nargs="+", type=int, default=[1, 4, 16, 64])
    parser.add_argument("--iterations", type=int, default=256, help="texts per batch size")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--no-append", action="store_true")
    args = parser.parse_args()
    load_start = load()
    latest = latest_version_dir()
    assert latest is not None
    manifest = json.loads((latest / "manifest.json").read_text())
    # Encoder graphs only: the category bank (category_bank.onnx) is run by the served one.
    onnx_files = sorted(p.name for p in latest.glob("*.onnx") if p.name != BANK_FILE)
    sections = [
        f"router_encoder version {latest.name} ({manifest.get('kind')}, precision "
        f"{manifest.get('precision', 'fp32')}); ONNX files: {', '.join(onnx_files)}."
        + (
            ""
            if len(onnx_files) > 1
            else f" The version holds one graph, the served {manifest.get('precision', 'fp32')}"
            " one (the fp32/int8 comparison is in export/REPORT.md)."
        )
        + " Texts ~64 tokens; latency ms at the client (gRPC, all four outputs)."
    ]
    rows = []
    for onnx_file in onnx_files:
        for dynamic in (True, False):
            workdir = Path(tempfile.mkdtemp(prefix="bench-inference-"))
            try:
                repository = variant_repository(workdir / "repo", dynamic, onnx_file)
                server = TritonServer(log_path=workdir / "triton.log", repository=repository)
                server.start(timeout=180, wait_for=(MODEL_NAME,))
                try:
                    result = asyncio.run(
                        measure(server.grpc_url, args.batches, args.iterations, args.clients)
                    )
                finally:
                    server.stop()
            finally:
                shutil.rmtree(workdir, ignore_errors=True)
            label = f"{onnx_file}, dynamic batching {'on' if dynamic else 'off'}"
            for r in result:
                rows.append([label, r[0], r[1], f"{r[2]:.2f}", f"{r[3]:.2f}", f"{r[4]:.0f}"])
            print(f"  {label}: done", file=sys.stderr, flush=True)
    sections.append(table(["variant", "load", "requests", "p50 ms", "p99 ms", "texts/s"], rows))
    sections.append(encoder_passes())
    body = "\n\n".join(sections)
    print(body)
    if not args.no_append:
        append("Triton inference (bench/inference.py)", body, load_start)


if __name__ == "__main__":
    main()
