"""Guard and PII quality through the request path's own functions, on held-out data.

The export report scores the heads alone; this runs what a request meets: windows over
every message, NFKC folding, the pattern rules, the guard threshold from config/config.yaml,
and for PII the model's spans combined with the checksum/format validators. Data: the TEST
split that `export` holds out (same seeds), plus each held-out attack hidden after ~600
words of benign padding, and bench/data/guard_holdout.jsonl: 200 attacks and 120 benign
look-alikes written on 2026-11-22 by a helper session that saw neither the training data
nor the guard code (two of the training file `handwritten_guard_train.jsonl`'s rows that
came close to it were removed from that file, not from this one).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import random
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.report import ROOT, append, load, table
from export.build import BuildOptions
from export.dataset import build_splits
from export.labels import GUARD_LABELS
from export.metrics import rate_threshold
from orchestrator.chat_request import parse_chat_request
from orchestrator.config import RouterConfig, load_config
from orchestrator.inspection import evaluate, plan_inspection
from orchestrator.signals import EncoderClient
from stack.triton import TritonServer

ORDINARY = {"mmlu", "gsm8k", "mt_bench"}
HOLDOUT = Path(__file__).with_name("data") / "guard_holdout.jsonl"
BATCH = 32


def chat(text: str):
    body = {"model": "auto", "messages": [{"role": "user", "content": text}]}
    return parse_chat_request(json.dumps(body).encode())


async def inspect_all(texts: list[str], encoder: EncoderClient, config: RouterConfig) -> list:
    """(guard verdict, PII entities) per text, exactly as the router computes them."""
    results = []
    for text in texts:
        request = chat(text)
        plan = plan_inspection(request, None, config, guard=True)
        signals = await encoder.signals(plan.texts) if plan.texts else []
        inspection = evaluate(plan, signals, config, guard=True)
        results.append((inspection.guard, inspection.pii.get(0, [])))
    return results


def long_benign(ordinary: list, count: int, words: int = 600) -> list[str]:
    """Long harmless messages (ordinary questions run together): what the padding looks like
    without the attack, so the windows' false positives on long text are measured too."""
    rng = random.Random(5)
    texts = []
    for _ in range(count):
        joined = " ".join(rng.choice(ordinary).text for _ in range(words // 8)).split()
        texts.append(" ".join(joined[:words]))
    return texts


def padded(attack: str, filler: str) -> str:
    words = filler.split()
    return " ".join((words * (600 // max(1, len(words)) + 1))[:600]) + " " + attack


async def measure(config: RouterConfig, url: str, limit: int | None, split: str) -> str:
    """`limit` caps each group; None takes every row (a prefix of the split is not a
    sample: its first 1,000 ordinary rows are MMLU only, from 9 of the 14 categories).
    `split` "val" is for designing the request path: it leaves the test split and the
    independent set unread."""
    test = build_splits(BuildOptions().data)[split]
    benign = GUARD_LABELS.index("benign")
    attacks = [e for e in test if e.guard not in (-1, benign)][:limit]
    ordinary = [e for e in test if e.source in ORDINARY][:limit]
    instructions = [e for e in test if e.source == "instructions"][:limit]
    pii = [e for e in test if e.pii_spans][:limit]
    filler = " ".join(e.text for e in ordinary[:20])
    independent = [json.loads(line) for line in HOLDOUT.open()] if split == "test" else []
    by_label = {
        label: [r["text"] for r in independent if r["label"] == label]
        for label in ("jailbreak", "prompt_injection", "harmful", "benign")
    }
    encoder = EncoderClient(url, config.triton.model, 60)
    await encoder.wait_ready(120)
    groups = {
        "held-out attacks": [e.text for e in attacks],
        "same attacks after ~600 words of padding": [padded(e.text, filler) for e in attacks],
        "~600 words of ordinary questions, no attack": long_benign(ordinary, 100),
        "ordinary questions (MMLU, GSM8K, MT-Bench)": [e.text for e in ordinary],
        "benign instructions (held-out templates)": [e.text for e in instructions],
        "PII sentences (held-out templates)": [e.text for e in pii],
        **{f"independent set: {label}": texts for label, texts in by_label.items() if texts},
    }
    verdicts = {name: await inspect_all(texts, encoder, config) for name, texts in groups.items()}
    await encoder.close()

    rows = []
    for name, results in verdicts.items():
        blocked = sum(1 for verdict, _ in results if verdict is not None and verdict.attack)
        by_rule = sum(
            1 for v, _ in results if v is not None and v.attack and v.source.startswith("rule")
        )
        flagged = sum(1 for _, entities in results if entities)
        rows.append(
            [
                name,
                len(results),
                f"{blocked / len(results):.1%}",
                by_rule,
                f"{flagged / len(results):.1%}",
            ]
        )
    found = total = 0
    by_type: dict[str, list[int]] = {}
    for example, (_, entities) in zip(
        pii, verdicts["PII sentences (held-out templates)"], strict=True
    ):
        for start, end, kind in example.pii_spans or ():
            hit = any(e.type == kind and e.start < end and start < e.end for e in entities)
            found += hit
            total += 1
            by_type.setdefault(kind, [0, 0])
            by_type[kind][0] += hit
            by_type[kind][1] += 1
    recall_rows = [[k, n, f"{h / n:.1%}"] for k, (h, n) in sorted(by_type.items())]
    return "\n\n".join(
        [
            f"Split: {split}. Guard threshold {config.guard.threshold}, labels "
            f"{config.guard.labels}, rules "
            f"{'on' if config.guard.rules else 'off'}; window {config.guard.window_words} words.",
            table(["texts", "n", "blocked", "of them by a rule", "PII flagged"], rows),
            f"PII entity recall (model + validators, type match, overlapping characters): "
            f"**{found / max(1, total):.1%}** of {total} entities",
            table(["type", "entities", "recall"], recall_rows),
        ]
    )


async def fit_threshold(config: RouterConfig, url: str, max_fpr: float) -> str:
    """The guard threshold from the VALIDATION split's ordinary questions through the request
    path (windows, folding, rules): the export fits its threshold on the head alone, and the
    request path's windows over a long question give a false positive more chances."""
    val = build_splits(BuildOptions().data)["val"]
    benign = GUARD_LABELS.index("benign")
    ordinary = [e.text for e in val if e.source in ORDINARY]
    attacks = [e.text for e in val if e.guard not in (-1, benign)]
    encoder = EncoderClient(url, config.triton.model, 60)
    await encoder.wait_ready(120)
    # The request path drops model spans below `pii.min_score`: fit it from all of them.
    unfiltered = config.model_copy(update={"pii": config.pii.model_copy(update={"min_score": 0})})

    def guard_scores(results: list) -> np.ndarray:
        # a rule hit blocks whatever the threshold: score it above every threshold
        return np.array(
            [(v.score if v.source == "classifier" else 2.0) if v else 0.0 for v, _ in results]
        )

    ordinary_results = await inspect_all(ordinary, encoder, unfiltered)
    benign_scores = guard_scores(ordinary_results)
    attack_scores = guard_scores(await inspect_all(attacks, encoder, config))
    await encoder.close()
    # PII: a question is flagged by its best model span (a validator's span counts whatever
    # `pii.min_score` says), so the same fit gives the min_score for at most 1.5% flagged
    pii_scores = np.array(
        [
            max((2.0 if "validator" in e.source else e.score for e in entities), default=0.0)
            for _, entities in ordinary_results
        ]
    )
    pii_fitted = math.ceil(rate_threshold(pii_scores, 0.015) * 1e4) / 1e4
    # rounded up, so the printed value is one that keeps the rate
    fitted = math.ceil(rate_threshold(benign_scores, max_fpr) * 1e4) / 1e4
    rows = [
        [f"{t:.4f}", f"{(benign_scores >= t).mean():.2%}", f"{(attack_scores >= t).mean():.1%}"]
        for t in sorted({fitted, config.guard.threshold, 0.1, 0.2, 0.3, 0.5})
    ]
    return "\n\n".join(
        [
            f"{len(ordinary)} ordinary validation questions (MMLU, GSM8K, MT-Bench) and "
            f"{len(attacks)} validation attacks through the request path; threshold for at most "
            f"{max_fpr:.2%} of the questions blocked: **{fitted:.4f}** (config has "
            f"{config.guard.threshold}).",
            table(
                [
                    "threshold",
                    "ordinary validation questions blocked",
                    "validation attacks blocked",
                ],
                rows,
            ),
            f"PII: `pii.min_score` for at most 1.50% of them flagged: **{pii_fitted:.4f}** "
            f"(config has {config.pii.min_score}; flagged at the config's value: "
            f"{(pii_scores >= max(config.pii.min_score, 1e-9)).mean():.2%}, at 0: "
            f"{(pii_scores > 0).mean():.2%}, at the fitted one: "
            f"{(pii_scores >= pii_fitted).mean():.2%}).",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--limit", type=int, default=0, help="texts per group at most (0: every test row)"
    )
    parser.add_argument("--no-append", action="store_true")
    parser.add_argument(
        "--split",
        choices=("test", "val"),
        default="test",
        help="val: design against the validation split (skips the independent set)",
    )
    parser.add_argument(
        "--fit-threshold",
        type=float,
        metavar="MAX_FPR",
        help="instead: fit the guard threshold on the validation split (e.g. 0.0075)",
    )
    args = parser.parse_args()
    started = load()
    config = load_config(ROOT / "config" / "config.yaml")
    with tempfile.TemporaryDirectory() as tmp:
        server = TritonServer(log_path=Path(tmp) / "triton.log")
        server.start(wait_for=(config.triton.model,))
        try:
            if args.fit_threshold is not None:
                work = fit_threshold(config, server.grpc_url, args.fit_threshold)
            else:
                work = measure(config, server.grpc_url, args.limit or None, args.split)
            body = asyncio.run(work)
        finally:
            server.stop()
    print(body)
    if not args.no_append:
        title = "Guard and PII through the request path (bench/guard_quality.py)"
        if args.fit_threshold is not None:
            title = "Guard threshold fitted through the request path (bench/guard_quality.py)"
        append(title, body, started)


if __name__ == "__main__":
    main()
