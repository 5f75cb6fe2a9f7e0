"""Training options of the shared model, swept on a GPU machine; the build itself trains on CPU.

A CPU build takes ~14 minutes here, a GPU run of the same training ~20 s, so the options in
`export/build.py` were chosen with this script. Three steps, because the GPU machine has
neither the PII sentence generator nor the base-encoder wheel:

    .venv/bin/python bench/training_sweep.py prepare DIR     # here: splits + base encoder
    python3 bench/training_sweep.py run DIR OUT [NAME ...]   # there: train, calibrate, score
    .venv/bin/python bench/training_sweep.py table OUT/*.jsonl

`prepare` pickles the build's splits and copies the base encoder with its weights in fp16
(the machine's transfer limit is 64 MiB; `run` turns them back into fp32). `run` trains each
named option set as `python -m export build` would (BuildOptions with the named fields
replaced), calibrates on validation the same way, and scores validation and test with the
torch model (fp32, the served PII decoding). Choose on validation: test is what is reported.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import pickle
import shutil
import sys
import time
from dataclasses import asdict, replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

# The options the build used before this sweep; every named set below is relative to them.
BEFORE = {
    "frozen_layers": 3,
    "encoder_lr": 8e-5,
    "head_lr": 2e-3,
    "pii_weight": 3.0,
    "guard_weight": 1.0,
}
SETS: dict[str, dict] = {
    "before": {},
    "guard3": {"guard_weight": 3.0},
    "cat2": {"category_weight": 2.0},
    "frozen0": {"frozen_layers": 0},
    "frozen1": {"frozen_layers": 1},
    "epochs3": {"epochs": 3.0},
    "lr2e-4": {"encoder_lr": 2e-4},
    "lr3e-4": {"encoder_lr": 3e-4},
    "lr2e-4_frozen2": {"encoder_lr": 2e-4, "frozen_layers": 2},
    "lr2e-4_frozen1": {"encoder_lr": 2e-4, "frozen_layers": 1},
    "lr2e-4_pii5": {"encoder_lr": 2e-4, "pii_weight": 5.0},
    "lr2e-4_guard2": {"encoder_lr": 2e-4, "guard_weight": 2.0},
    "lr3e-4_frozen2_pii5": {"encoder_lr": 3e-4, "frozen_layers": 2, "pii_weight": 5.0},
    "lr3e-4_frozen2_pii5_guard2": {
        "encoder_lr": 3e-4,
        "frozen_layers": 2,
        "pii_weight": 5.0,
        "guard_weight": 2.0,
    },
    "lr3e-4_frozen2_pii5_head5e-3": {
        "encoder_lr": 3e-4,
        "frozen_layers": 2,
        "pii_weight": 5.0,
        "head_lr": 5e-3,
    },
    "chosen": {  # = BuildOptions() since 2026-11-22
        "encoder_lr": 3e-4,
        "frozen_layers": 2,
        "pii_weight": 5.0,
        "guard_weight": 2.0,
        "head_lr": 5e-3,
    },
}
COLUMNS = [
    ("val_category", "val cat"),
    ("val_guard_recall", "val guard recall"),
    ("val_pii_recall", "val PII recall"),
    ("test_category", "test cat"),
    ("test_guard_recall", "test guard recall"),
    ("test_guard_fpr", "test guard FPR"),
    ("test_pii_recall", "test PII recall"),
    ("test_pii_flagged", "test PII flagged"),
    ("embedding_cos_base", "cos to base emb."),
]


def prepare(folder: Path) -> None:
    from safetensors.torch import load_file, save_file

    from export.base_encoder import base_encoder_path
    from export.build import BuildOptions
    from export.dataset import build_splits

    folder.mkdir(parents=True, exist_ok=True)
    splits = build_splits(BuildOptions().data)
    with gzip.open(folder / "splits.pkl.gz", "wb") as handle:
        pickle.dump({k: [asdict(e) for e in v] for k, v in splits.items()}, handle)
    source, target = base_encoder_path(), folder / "base"
    target.mkdir(exist_ok=True)
    state = load_file(str(source / "model.safetensors"))
    save_file({k: v.half() for k, v in state.items()}, str(target / "model16.safetensors"))
    for name in ("config.json", "tokenizer.json", "tokenizer_config.json", "vocab.txt"):
        shutil.copy2(source / name, target / name)
    print({k: len(v) for k, v in splits.items()}, "->", folder)


def _fp32_base(folder: Path) -> Path:
    from safetensors.torch import load_file, save_file

    target = Path("/tmp/router-sweep-base")
    target.mkdir(exist_ok=True)
    state = load_file(str(folder / "base" / "model16.safetensors"))
    save_file({k: v.float() for k, v in state.items()}, str(target / "model.safetensors"))
    for path in (folder / "base").iterdir():
        if path.suffix != ".safetensors":
            shutil.copy2(path, target / path.name)
    return target


def _load_splits(folder: Path) -> dict:
    from export.datasets import Example

    with gzip.open(folder / "splits.pkl.gz", "rb") as handle:
        raw = pickle.load(handle)

    def example(row: dict) -> Example:
        spans = row["pii_spans"]
        return Example(**{**row, "pii_spans": None if spans is None else tuple(map(tuple, spans))})

    return {k: [example(r) for r in v] for k, v in raw.items()}


def run(folder: Path, out: Path, names: list[str], every: int = 1, seed: int | None = None) -> None:
    import torch

    os.environ["ROUTER_BASE_ENCODER"] = str(_fp32_base(folder))
    from export.base_encoder import base_encoder_path
    from export.build import BuildOptions, calibrate, train_model, untrained_model
    from export.evaluate import score
    from export.features import load_tokenizer
    from export.inference import predict

    device = "cuda" if torch.cuda.is_available() else "cpu"
    splits = {k: v[::every] for k, v in _load_splits(folder).items()}
    tokenizer_path = base_encoder_path() / "tokenizer.json"
    out.mkdir(parents=True, exist_ok=True)
    base_embedding: np.ndarray | None = None
    for name in names:
        started = time.perf_counter()
        fields = {**BEFORE, **SETS[name], **({} if seed is None else {"seed": seed})}
        options = BuildOptions(train=replace(BuildOptions().train, **fields))
        model = train_model(options, splits, device=device)
        calibration = calibrate(model, splits["val"], load_tokenizer(tokenizer_path, 128))

        @torch.no_grad()
        def runner(feeds: dict[str, np.ndarray], model=model) -> list[np.ndarray]:
            tensors = [
                torch.from_numpy(feeds[k]).to(device) for k in ("input_ids", "attention_mask")
            ]
            return [t.float().cpu().numpy() for t in model.eval()(*tensors)]

        row: dict = {"name": name, "options": asdict(options), "device": device}
        for split in ("val", "test"):
            examples = splits[split]
            pred = predict(
                runner,
                tokenizer_path,
                [e.text for e in examples],
                desc=split,
                pii_threshold=calibration["pii_threshold"],
            )
            scores = score(pred, examples, calibration["guard_threshold_val_1pct_fpr"])
            if split == "test":
                tuned = pred.embedding[::10]
            row[f"{split}_category"] = scores["category"]["accuracy"]
            row[f"{split}_guard_recall"] = scores["guard"]["attack_recall"]
            row[f"{split}_guard_fpr"] = scores["guard"]["fpr_ordinary_questions"]
            row[f"{split}_pii_recall"] = scores["pii"]["recall"]
            row[f"{split}_pii_flagged"] = scores["pii"]["flagged_ordinary_questions"]
        if base_embedding is None:
            base = untrained_model().to(device)
            sample = [e.text for e in splits["test"][::10]]
            base_embedding = predict(
                lambda f, m=base: runner(f, m), tokenizer_path, sample, desc="base"
            ).embedding
        row["embedding_cos_base"] = round(float((tuned * base_embedding).sum(1).mean()), 4)
        row["seconds"] = round(time.perf_counter() - started, 1)
        print(json.dumps(row), flush=True)
        with (out / "training_sweep.jsonl").open("a") as handle:
            handle.write(json.dumps(row) + "\n")


def table(paths: list[Path]) -> str:
    rows = [json.loads(line) for p in paths for line in p.read_text().splitlines() if line]
    lines = [
        "| options | seed | " + " | ".join(title for _, title in COLUMNS) + " |",
        "|---|---|" + "---|" * len(COLUMNS),
    ]
    for row in rows:
        cells = [
            f"{row[k]:.4f}" if k == "embedding_cos_base" else f"{100 * row[k]:.1f}%"
            for k, _ in COLUMNS
        ]
        lines.append(
            f"| {row['name']} | {row['options']['train']['seed']} | " + " | ".join(cells) + " |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("prepare").add_argument("folder", type=Path)
    run_parser = sub.add_parser("run")
    run_parser.add_argument("folder", type=Path)
    run_parser.add_argument("out", type=Path)
    run_parser.add_argument(
        "names", nargs="*", help=f"option sets (default: all): {', '.join(SETS)}"
    )
    run_parser.add_argument("--every", type=int, default=1, help="every Nth row (smoke test)")
    run_parser.add_argument("--seed", type=int, default=None, help="override every set's seed")
    sub.add_parser("table").add_argument("paths", type=Path, nargs="+")
    args = parser.parse_args()
    if args.command == "prepare":
        prepare(args.folder)
    elif args.command == "run":
        names = args.names or list(SETS)
        if unknown := set(names) - set(SETS):
            parser.error(f"unknown option sets {sorted(unknown)}; known: {', '.join(SETS)}")
        run(args.folder, args.out, names, args.every, args.seed)
    else:
        print(table(args.paths))


if __name__ == "__main__":
    main()
