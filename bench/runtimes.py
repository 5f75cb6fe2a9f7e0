"""One encoder, two CPU runtimes: ONNX Runtime int8 (what Triton serves) against TorchScript
with oneDNN fusion in bf16, which uses AMX where the CPU has it.

Both run the same graph, all-MiniLM-L6-v2 with mean pooling (`export.encoder_graph`), from
the base weights. The served version has no torch weights, so the trained heads are left out;
they are small next to the encoder. Sizes are batch × tokens, one thread pool of `--threads`,
alternating the runtimes call by call. Also printed: what the CPU offers (AMX, VNNI), the ISA
oneDNN reports, and how far the bf16 embedding is from fp32.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.report import append, load, percentiles, table
from export.base_encoder import base_encoder_path
from export.encoder_graph import EmbeddingGraph
from export.onnx_io import export_onnx
from export.quantize import quantize_int8

CPU_FLAGS = ("amx_bf16", "amx_int8", "avx512_bf16", "avx512_vnni", "avx512bw")


def cpu_flags() -> str:
    try:
        words = set(Path("/proc/cpuinfo").read_text().split())
    except OSError:
        return "unknown"
    return ", ".join(f for f in CPU_FLAGS if f in words) or "none of " + ", ".join(CPU_FLAGS)


def alternate(runs: dict[str, Callable[[], object]], iterations: int) -> dict[str, float]:
    for run in runs.values():  # warm-up: arenas, oneDNN primitives, first-call compilation
        for _ in range(3):
            run()
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(iterations):
        for name, run in runs.items():
            started = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - started)
    return {name: percentiles(values)["p50"] * 1000 for name, values in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--batches", type=int, nargs="+", default=[1, 4, 16, 32])
    parser.add_argument("--tokens", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--iterations",
        type=int,
        default=40,
        help="calls per runtime at batch 1-7; divided by batch // 4 above (at least 5)",
    )
    parser.add_argument("--no-append", action="store_true")
    args = parser.parse_args()
    load_start = load()

    import onnxruntime as ort
    import torch

    torch.set_num_threads(args.threads)
    torch.jit.enable_onednn_fusion(True)
    from transformers import AutoModel

    def encoder() -> torch.nn.Module:
        return AutoModel.from_pretrained(str(base_encoder_path()), attn_implementation="eager")

    fp32 = EmbeddingGraph(encoder()).eval()
    bf16 = EmbeddingGraph(encoder()).eval().to(torch.bfloat16)
    vocab = fp32.encoder.config.vocab_size

    work = Path(tempfile.mkdtemp(prefix="bench-runtimes-"))
    export_onnx(fp32, ["EMBEDDING"], work / "fp32.onnx", vocab)
    int8_path = quantize_int8(work / "fp32.onnx", work / "int8.onnx")
    options = ort.SessionOptions()
    options.intra_op_num_threads = args.threads
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    session = ort.InferenceSession(str(int8_path), options, providers=["CPUExecutionProvider"])

    rng = np.random.default_rng(0)
    example = torch.from_numpy(rng.integers(1000, vocab, (1, args.tokens)))
    with torch.no_grad():  # one trace for every size: shapes stay dynamic
        traced = torch.jit.freeze(
            torch.jit.trace(bf16, (example, torch.ones_like(example)), strict=False)
        )

    rows = []
    worst_cosine = 1.0
    for batch in args.batches:
        ids = rng.integers(1000, vocab, (batch, args.tokens))
        mask = np.ones_like(ids)
        tids, tmask = torch.from_numpy(ids), torch.from_numpy(mask)
        feeds = {"input_ids": ids, "attention_mask": mask}

        def torchscript(tids: torch.Tensor = tids, tmask: torch.Tensor = tmask) -> object:
            with torch.no_grad():
                return traced(tids, tmask)

        def onnxruntime(feeds: dict[str, np.ndarray] = feeds) -> object:
            return session.run(None, feeds)

        with torch.no_grad():
            reference = fp32(tids, tmask)
            got = torchscript().float()
        worst_cosine = min(worst_cosine, float((reference * got).sum(-1).min()))
        p50 = alternate(
            {"ort": onnxruntime, "ts": torchscript}, max(5, args.iterations // max(1, batch // 4))
        )
        rows.append(
            [
                f"{batch} × {args.tokens}",
                f"{p50['ort']:.2f}",
                f"{p50['ort'] / batch:.2f}",
                f"{p50['ts']:.2f}",
                f"{p50['ts'] / batch:.2f}",
            ]
        )

    shutil.rmtree(work, ignore_errors=True)
    isa = onednn_isa()
    body = "\n\n".join(
        [
            f"CPU flags: {cpu_flags()}. oneDNN: {isa}. Threads: {args.threads}. Graph: "
            "all-MiniLM-L6-v2 + mean pooling, base weights, no heads. p50 ms per call "
            "(and per text), the runtimes alternating call by call.",
            table(
                [
                    "batch × tokens",
                    "ONNX Runtime int8",
                    "per text",
                    "TorchScript + oneDNN bf16",
                    "per text",
                ],
                rows,
            ),
            f"bf16 embedding against fp32: lowest cosine {worst_cosine:.5f} over every row.",
        ]
    )
    print(body)
    if not args.no_append:
        append("CPU runtimes for the encoder (bench/runtimes.py)", body, load_start)


def onednn_isa() -> str:
    """The implementation oneDNN picks for a bf16 matmul, from its verbose line in a child
    process (AMX shows as `amx`): `torch.backends.cpu.get_cpu_capability()` only names the
    vector level of PyTorch's own kernels."""
    code = (
        "import torch; layer = torch.nn.Linear(384, 384).to(torch.bfloat16)\n"
        "with torch.no_grad(): layer(torch.ones(8, 384, dtype=torch.bfloat16))"
    )
    env = {**os.environ, "ONEDNN_VERBOSE": "1"}
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    for line in result.stdout.splitlines():
        parts = line.split(",")
        if "exec" in parts and len(parts) > 6:
            return parts[6]
    return "no oneDNN matmul line"


if __name__ == "__main__":
    main()
