"""ONNX export with dynamic batch/sequence axes, checked against the torch outputs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from torch import nn

OPSET = 17


def export_onnx(
    module: nn.Module,
    output_names: list[str],
    path: Path,
    vocab_size: int,
    output_axes: dict[str, dict[int, str]] | None = None,
) -> None:
    """`output_axes` overrides the default (batch only) for outputs with more dynamic axes."""
    module.eval()
    ids = torch.randint(1000, vocab_size, (2, 16))
    mask = torch.ones_like(ids)
    dynamic = {"input_ids": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "seq"}}
    for name in output_names:
        dynamic[name] = (output_axes or {}).get(name, {0: "batch"})
    with torch.no_grad():
        torch.onnx.export(
            module,
            (ids, mask),
            str(path),
            input_names=["input_ids", "attention_mask"],
            output_names=output_names,
            dynamic_axes=dynamic,
            opset_version=OPSET,
            dynamo=False,
        )


def max_abs_difference(module: nn.Module, path: Path, vocab_size: int, seed: int = 0) -> float:
    """Largest output difference between torch and ONNX Runtime on random padded inputs."""
    import onnxruntime as ort

    generator = torch.Generator().manual_seed(seed)
    ids = torch.randint(1000, vocab_size, (3, 37), generator=generator)
    mask = torch.ones_like(ids)
    mask[1, 20:] = 0
    mask[2, 5:] = 0
    with torch.no_grad():
        expected = module(ids, mask)
    expected = expected if isinstance(expected, tuple) else (expected,)
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    got = session.run(None, {"input_ids": ids.numpy(), "attention_mask": mask.numpy()})
    return max(float(np.max(np.abs(e.numpy() - g))) for e, g in zip(expected, got, strict=True))
