"""Routing features against the issue-6 targets: keyword fast-path cost and tool selection
accuracy on BFCL simple_python.

Keyword path: in-process, the work the router does for a request that a keyword rule decides
(routing text, `match_keywords`, `decide_route`), many iterations, p50/p99; also the cost the
keyword step adds to a request that does not match. Tool selection: all 400 functions of
bench/data/bfcl/BFCL_v4_simple_python.json in a ToolIndex (orchestrator.tool_selection,
embedded through a Triton started here), each question's expected function (possible_answer)
in the top 3 and top 1 of `top_tools` for the question (embedding and text), with
`tools.lexical_weight` from config/config.yaml and with 0 (cosine alone). The same settings,
untouched, on BFCL `multiple` (a check that they were not fitted to simple_python): all its
functions pooled in one index, and each question against its own 2-4 functions ranked as the
router ranks a request's tools.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.inference import variant_repository
from bench.report import ROOT, append, load, percentiles, table
from export.repository import latest_version_dir
from orchestrator.chat_request import parse_chat_request
from orchestrator.config import load_config
from orchestrator.conversations import routing_text
from orchestrator.keyword_rules import compile_rules, match_keywords
from orchestrator.routing import CategoryEvidence, decide_route
from orchestrator.signals import EncoderClient
from orchestrator.tool_lexical import bm25
from orchestrator.tool_selection import ToolIndex, build_tool_index, cosines, rank, top_tools
from stack.triton import TritonServer

BFCL = Path(__file__).resolve().parent / "data" / "bfcl"
MATCHING = (
    "My report is slow. Can you explain what SELECT name, total FROM orders JOIN customers ON "
    "orders.customer_id = customers.id WHERE total > 100 ORDER BY total DESC does, and how "
    "to add an index so that it runs faster on a table with ten million rows?"
)
NOT_MATCHING = (
    "My report is slow. Can you explain why a query that joins orders and customers and sorts "
    "by the total takes so long, and how to add an index so that it runs faster on a table "
    "with ten million rows?"
)


def keyword_cost(iterations: int) -> str:
    config = load_config(ROOT / "config" / "config.yaml")
    rules = compile_rules(config.keyword_rules)
    rows = []
    for label, text in (("matching (decided by rule)", MATCHING), ("not matching", NOT_MATCHING)):
        body = {"model": "auto", "messages": [{"role": "user", "content": text}]}
        chat = parse_chat_request(json.dumps(body).encode())
        timings = []
        decision = None
        for _ in range(iterations):
            started = time.perf_counter_ns()
            routed = routing_text(chat, config.conversations)
            keyword = match_keywords(routed, rules)
            if keyword is not None:
                decision = decide_route(chat.model, CategoryEvidence(keyword=keyword), config)
            timings.append((time.perf_counter_ns() - started) / 1e6)
        p = percentiles(timings)
        outcome = f"{decision.path} -> {decision.model}" if decision else "falls through"
        rows.append([label, iterations, f"{p['p50']:.4f}", f"{p['p99']:.4f}", outcome])
    return (
        f"{len(rules)} keyword rule(s) from config/config.yaml; routing text + match_keywords "
        "(+ decide_route when a rule matches), in-process.\n\n"
        + table(["request", "iterations", "p50 ms", "p99 ms", "decision"], rows)
    )


def bfcl(name: str) -> tuple[list[dict], list[str], list[str], list[list[int]]]:
    """(functions, question texts, expected function names, each question's function rows)."""
    rows = [json.loads(line) for line in (BFCL / f"BFCL_v4_{name}.json").open()]
    answers_path = BFCL / "possible_answer" / f"BFCL_v4_{name}.json"
    answers = {json.loads(line)["id"]: json.loads(line) for line in answers_path.open()}
    functions, questions, expected, offered = [], [], [], []
    for r in rows:
        offered.append(list(range(len(functions), len(functions) + len(r["function"]))))
        functions += r["function"]
        turns = r["question"][0]
        questions.append(" ".join(m["content"] for m in turns if m["role"] == "user"))
        expected.append(next(iter(answers[r["id"]]["ground_truth"][0])))
    return functions, questions, expected, offered


class Embedded:
    """A BFCL file's tool index and question embeddings."""

    def __init__(self, name: str, index: ToolIndex, queries: np.ndarray, build_s: float) -> None:
        _, self.questions, self.expected, self.offered = bfcl(name)
        self.name, self.index, self.queries, self.build_s = name, index, queries, build_s
        self.names = [t["function"]["name"] for t in index.tools]


async def embed_files(workdir: Path, version: str | None, names: list[str]) -> list[Embedded]:
    config = load_config(ROOT / "config" / "config.yaml")
    repository = variant_repository(workdir / "repo", version=version) if version else None
    server = TritonServer(
        log_path=workdir / "triton.log", **({"repository": repository} if repository else {})
    )
    server.start(timeout=180, wait_for=(config.triton.model,))
    encoder = EncoderClient(server.grpc_url, config.triton.model, 60.0)
    embedded = []
    try:
        await encoder.wait_ready(60)
        for name in names:
            functions, questions, _, _ = bfcl(name)
            database = workdir / f"{name}_tools.json"
            database.write_text(json.dumps(functions))
            started = time.perf_counter()
            index = await build_tool_index(database, encoder)
            build_s = time.perf_counter() - started
            embedded.append(Embedded(name, index, await encoder.embed(questions), build_s))
    finally:
        await encoder.close()
        server.stop()
    return embedded


def pooled(data: Embedded, weight: float) -> tuple[float, float, list[str], list[float]]:
    """Top-1, top-3 (%), misses and per-query ranking times (ms) over the whole index."""
    top1 = top3 = 0
    misses, select_ms = [], []
    for query, text, want in zip(data.queries, data.questions, data.expected, strict=True):
        started = time.perf_counter()
        chosen = top_tools(query, text, data.index, 3, -1.0, weight)
        select_ms.append((time.perf_counter() - started) * 1000)
        got = [data.names[i] for i, _ in chosen]
        top1 += got[0] == want
        top3 += want in got
        if want not in got:
            misses.append(f"- `{want}` not in {got}: {text[:90]!r}")
    n = len(data.questions)
    return 100 * top1 / n, 100 * top3 / n, misses, select_ms


def offered_top1(data: Embedded, weight: float) -> float:
    """Top-1 (%) of each question among its own functions, ranked as a request's tools are
    (BM25 statistics of those functions only)."""
    right = 0
    for query, text, want, rows in zip(
        data.queries, data.questions, data.expected, data.offered, strict=True
    ):
        lexical = bm25(text, [data.index.terms[i] for i in rows]) if weight else None
        cosine = cosines(query, data.index.vectors[rows])
        chosen = rank(cosine, lexical, [data.index.tools[i] for i in rows], 1, -1.0, weight)
        right += data.names[rows[chosen[0][0]]] == want
    return 100 * right / len(data.questions)


async def tool_accuracy(workdir: Path, version: str | None) -> str:
    weight = load_config(ROOT / "config" / "config.yaml").tools.lexical_weight
    simple, multiple = await embed_files(workdir, version, ["simple_python", "multiple"])
    rows, misses, timings = [], [], {}
    for data in (simple, multiple):
        distinct = len(set(data.names))
        for w in dict.fromkeys((0.0, weight)):
            top1, top3, missed, select_ms = pooled(data, w)
            label = f"{w:g}" + (" (config)" if w == weight else " (cosine only)")
            size = f"{len(data.index)} ({distinct} names)"
            scores = [f"{top1:.1f}%", f"{top3:.1f}%"]
            rows.append([data.name, len(data.questions), size, label, *scores])
            if data is simple:
                timings[w] = percentiles(select_ms)
                misses = missed
    text = table(
        ["file", "questions", "tools in index", "lexical_weight", "top-1", "top-3 (target >= 95%)"],
        rows,
    )
    offered = [f"{w:g}: {offered_top1(multiple, w):.1f}%" for w in dict.fromkeys((0.0, weight))]
    sizes = sorted({len(r) for r in multiple.offered})
    text += (
        f"\n\n`multiple`, each question against only its own {sizes[0]}-{sizes[-1]} functions "
        f"(ranked as a request's tools), top-1 by lexical_weight: {', '.join(offered)}."
    )
    p0, p = timings[0.0], timings[weight]
    text += (
        f"\n\nIndex built in {simple.build_s:.1f} s (one embed of {len(simple.index)} tool texts "
        f"through Triton, BM25 postings in a thread); ranking {len(simple.index)} tools per query "
        f"(cosine, BM25 of the query, top 3 with distinct names) p50 {p['p50']:.3f} ms, "
        f"p99 {p['p99']:.3f} ms; cosine only p50 {p0['p50']:.3f} ms, p99 {p0['p99']:.3f} ms "
        "(threshold ignored: the ranking is what is measured)."
    )
    text += f"\n\nsimple_python misses at lexical_weight {weight:g} ({len(misses)}):\n"
    return text + "\n".join(misses)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--iterations", type=int, default=20_000)
    parser.add_argument(
        "--version", help="router_encoder version to embed with (default: the latest)"
    )
    parser.add_argument("--no-append", action="store_true")
    args = parser.parse_args()
    load_start = load()
    sections = ["Keyword fast path (target < 0.2 ms):", keyword_cost(args.iterations)]
    workdir = Path(tempfile.mkdtemp(prefix="bench-routing-"))
    served = args.version or (latest.name if (latest := latest_version_dir()) else "?")
    sections += [
        f"Tool selection on BFCL simple_python, and multiple (router_encoder version {served}):",
        asyncio.run(tool_accuracy(workdir, args.version)),
    ]
    body = "\n\n".join(sections)
    print(body)
    if not args.no_append:
        append("Routing features (bench/routing_features.py)", body, load_start)


if __name__ == "__main__":
    np.set_printoptions(precision=3)
    main()
