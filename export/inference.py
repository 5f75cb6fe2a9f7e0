"""Running an exported graph with ONNX Runtime over many texts, batched by length."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from tokenizers import Tokenizer
from tqdm import tqdm

from export.labels import PII_TYPES
from export.served_model import load_model_module


@dataclass
class Predictions:
    embedding: np.ndarray
    category: np.ndarray
    guard: np.ndarray
    pii_spans: list[list[dict]] = field(default_factory=list)


def session(path: Path, threads: int = 2):
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.intra_op_num_threads = threads
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


# Feeds (input_ids, attention_mask) -> the graph's outputs in OUTPUT_NAMES order.
Runner = Callable[[dict[str, np.ndarray]], Sequence[np.ndarray]]


def _onnx_runner(path: Path) -> Runner:
    sess = session(path)
    return lambda feeds: sess.run(None, feeds)


def predict(
    graph: Path | Runner,
    tokenizer_path: Path,
    texts: Sequence[str],
    max_tokens: int = 256,
    batch_size: int = 32,
    desc: str = "onnx",
    pii_threshold: float = 0.5,
) -> Predictions:
    """`graph` is an exported ONNX file, or a runner (the torch model on a GPU, for sweeps)."""
    served = load_model_module()
    labels = served.bio_labels(",".join(PII_TYPES))
    tokenizer = Tokenizer.from_file(str(tokenizer_path))
    tokenizer.enable_truncation(max_length=max_tokens)
    tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
    run = graph if callable(graph) else _onnx_runner(graph)
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    embedding = np.zeros((len(texts), 384), dtype=np.float32)
    category: np.ndarray | None = None
    guard: np.ndarray | None = None
    spans: list[list[dict]] = [[] for _ in texts]
    for start in tqdm(range(0, len(order), batch_size), desc=desc, unit="batch"):
        rows = order[start : start + batch_size]
        encodings = tokenizer.encode_batch([texts[i] for i in rows])
        feeds = {
            "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
        }
        emb, cat, grd, pii = run(feeds)
        if category is None or guard is None:
            category = np.zeros((len(texts), cat.shape[1]), dtype=np.float32)
            guard = np.zeros((len(texts), grd.shape[1]), dtype=np.float32)
        embedding[rows], category[rows], guard[rows] = emb, cat, grd
        for j, i in enumerate(rows):
            spans[i] = served.decode_pii(
                pii[j], encodings[j].offsets, encodings[j].tokens, labels, pii_threshold
            )
    assert category is not None and guard is not None
    return Predictions(embedding, category, guard, spans)
