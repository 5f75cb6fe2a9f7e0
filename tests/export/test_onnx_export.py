from __future__ import annotations

from pathlib import Path

import numpy as np
import onnxruntime as ort
import torch
from transformers import BertConfig, BertModel

from export.multitask import OUTPUT_NAMES, Heads, MultiTaskGraph
from export.onnx_io import export_onnx, max_abs_difference


def _tiny_graph() -> MultiTaskGraph:
    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=2000,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
    )
    graph = MultiTaskGraph(BertModel(config, add_pooling_layer=False), Heads(32, 14, 4, 23)).eval()
    graph.category_temperature.fill_(1.7)
    return graph


def test_tiny_multitask_graph_matches_torch(tmp_path: Path) -> None:
    graph = _tiny_graph()
    path = tmp_path / "tiny.onnx"
    export_onnx(graph, OUTPUT_NAMES, path, 2000, {"PII_LOGITS": {0: "batch", 1: "seq"}})
    assert max_abs_difference(graph, path, 2000) < 1e-4
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    assert [o.name for o in session.get_outputs()] == OUTPUT_NAMES
    ids = np.random.default_rng(0).integers(1000, 2000, (2, 9))
    emb, cat, guard, pii = session.run(
        None, {"input_ids": ids, "attention_mask": np.ones_like(ids)}
    )
    assert emb.shape == (2, 32) and np.allclose(np.linalg.norm(emb, axis=1), 1, atol=1e-5)
    assert cat.shape == (2, 14) and np.allclose(cat.sum(1), 1, atol=1e-5)
    assert guard.shape == (2, 4) and pii.shape == (2, 9, 23)
