"""Routing features against the issue-6 targets: keyword fast-path cost and tool selection
accuracy on BFCL simple_python.

Keyword path: in-process, the work the router does for a request that a keyword rule decides
(routing text, `match_keywords`, `decide_route`), many iterations, p50/p99; also the cost the
keyword step adds to a request that does not match. Tool selection: all 400 functions of
bench/data/bfcl/BFCL_v4_simple_python.json in a ToolIndex (orchestrator.tool_selection,
embedded through a Triton started here), each question's expected function (possible_answer)
in the top 3 and top 1 of `top_tools` for the question's embedding.
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
from orchestrator.tool_selection import build_tool_index, top_tools
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


def bfcl() -> tuple[list[dict], list[str], list[str]]:
    """(functions, question texts, expected function names), in file order."""
    rows = [json.loads(line) for line in (BFCL / "BFCL_v4_simple_python.json").open()]
    answers_path = BFCL / "possible_answer" / "BFCL_v4_simple_python.json"
    answers = {json.loads(line)["id"]: json.loads(line) for line in answers_path.open()}
    functions = [f for r in rows for f in r["function"]]
    questions, expected = [], []
    for r in rows:
        turns = r["question"][0]
        questions.append(" ".join(m["content"] for m in turns if m["role"] == "user"))
        expected.append(next(iter(answers[r["id"]]["ground_truth"][0])))
    return functions, questions, expected


async def tool_accuracy(workdir: Path, version: str | None) -> str:
    functions, questions, expected = bfcl()
    database = workdir / "bfcl_tools.json"
    database.write_text(json.dumps(functions))
    config = load_config(ROOT / "config" / "config.yaml")
    repository = variant_repository(workdir / "repo", version=version) if version else None
    server = TritonServer(
        log_path=workdir / "triton.log", **({"repository": repository} if repository else {})
    )
    server.start(timeout=180, wait_for=(config.triton.model,))
    encoder = EncoderClient(server.grpc_url, config.triton.model, 60.0)
    try:
        await encoder.wait_ready(60)
        started = time.perf_counter()
        index = await build_tool_index(database, encoder)
        build_s = time.perf_counter() - started
        queries = await encoder.embed(questions)
    finally:
        await encoder.close()
        server.stop()
    names = [t["function"]["name"] for t in index.tools]
    top1 = top3 = 0
    misses = []
    select_ms = []
    for query, want, question in zip(queries, expected, questions, strict=True):
        started = time.perf_counter()
        chosen = top_tools(query, index.vectors, 3, -1.0)
        select_ms.append((time.perf_counter() - started) * 1000)
        got = [names[i] for i, _ in chosen]
        top1 += got[0] == want
        top3 += want in got
        if want not in got:
            misses.append(f"- `{want}` not in {got}: {question[:90]!r}")
    n = len(questions)
    p = percentiles(select_ms)
    rows = [[n, len(index), len(set(names)), f"{100 * top1 / n:.1f}%", f"{100 * top3 / n:.1f}%"]]
    text = table(
        ["questions", "tools in index", "distinct names", "top-1", "top-3 (target >= 95%)"], rows
    )
    text += (
        f"\n\nIndex built in {build_s:.1f} s (one embed of {len(index)} tool texts through "
        f"Triton); ranking 400 tools per query p50 {p['p50']:.3f} ms, p99 {p['p99']:.3f} ms "
        "(threshold ignored: the ranking is what is measured)."
    )
    text += f"\n\nMisses (first 10 of {len(misses)}):\n" + "\n".join(misses[:10])
    return text


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
        f"Tool selection on BFCL simple_python (router_encoder version {served}):",
        asyncio.run(tool_accuracy(workdir, args.version)),
    ]
    body = "\n\n".join(sections)
    print(body)
    if not args.no_append:
        append("Routing features (bench/routing_features.py)", body, load_start)


if __name__ == "__main__":
    np.set_printoptions(precision=3)
    main()
