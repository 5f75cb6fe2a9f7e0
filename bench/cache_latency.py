"""In-memory semantic cache lookup latency at 100,000 entries, embedding excluded.

The cache is filled through the backend (a store would also check for duplicates, which is
not what is measured here) and its index builds are waited for, then `SemanticCache.lookup`
is timed end to end: scope key, the hand-over to the index worker thread, vector search
(exact scan for small scopes, HNSW above `EXACT_LIMIT` entries), verification of the
candidates, JSON decoding of a hit, the timeout wrapper. `SemanticCache.lookup_exact` (the
exact-key fast path, tried before any embedding) is timed the same way on repeated queries.
Vectors are synthetic 384-d unit vectors drawn around 2,000 topic centres (sentence
embeddings cluster by topic); half the queries are near-duplicates of a stored entry (cosine
~0.9, expected hits), half fresh (expected misses). Two layouts: every entry in one scope (one
tenant, single-turn chats: the worst case for the index) and entries spread over 1,000 scopes.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.report import append, load
from orchestrator.cache import CacheConfig, CacheScope, SemanticCache
from orchestrator.cache.backend import NewEntry
from orchestrator.cache.memory import MemoryBackend

DIM = 384
ANSWER = (
    '{"object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant",'
    '"content":"An answer of a few sentences, as most cached answers are."},'
    '"finish_reason":"stop"}]}'
)


def unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=-1, keepdims=True)).astype(np.float32)


def corpus(n: int, rng: np.random.Generator) -> np.ndarray:
    centres = unit(rng.standard_normal((2000, DIM)))
    return unit(centres[rng.integers(0, 2000, n)] + 0.08 * rng.standard_normal((n, DIM)))


async def measure(entries: int, scopes: int, lookups: int, seed: int) -> dict[str, float]:
    rng = np.random.default_rng(seed)
    config = CacheConfig(enabled=True, max_entries=entries, max_bytes=2**34, ttl_s=1e9)
    backend = MemoryBackend(config)
    cache = SemanticCache(config, backend)
    data = corpus(entries, rng)
    scope_of = [CacheScope("tenant", "auto", f"conversation-{i % scopes}") for i in range(entries)]
    now = time.time()
    started = time.perf_counter()
    for i in range(entries):
        text = f"stored question {i}"
        exact_key = scope_of[i].exact_key(text)
        await backend.insert(NewEntry(scope_of[i].key, text, data[i], ANSWER, exact_key), now)
    await backend.wait_for_index_builds()
    fill_s = time.perf_counter() - started
    kinds = sorted({backend.store.index(s.key).kind for s in scope_of[:scopes]})  # type: ignore[union-attr]
    targets = rng.integers(0, entries, lookups)
    near = unit(data[targets] + 0.025 * rng.standard_normal((lookups, DIM)))
    fresh = corpus(lookups, rng)
    timings, found = [], 0
    for i in range(lookups):
        target = int(targets[i])
        is_near = i % 2 == 0
        query = near[i] if is_near else fresh[i]
        text = f"stored question {target}" if is_near else "a new question"
        t0 = time.perf_counter()
        hit = await cache.lookup(scope_of[target], text, query, None)
        timings.append(time.perf_counter() - t0)
        found += int(is_near and hit is not None and hit.cached_query == text)
    exact_timings = []
    for target in targets:
        text = f"stored question {target}"
        t0 = time.perf_counter()
        hit = await cache.lookup_exact(scope_of[target], text)
        exact_timings.append(time.perf_counter() - t0)
        assert hit is not None and hit.cached_query == text
    exact_ms = np.array(exact_timings) * 1e3
    await cache.close()
    ms = np.array(timings) * 1e3
    return {
        "index": "/".join(kinds),
        "exact_p50": float(np.percentile(exact_ms, 50)),
        "exact_p99": float(np.percentile(exact_ms, 99)),
        "fill_s": fill_s,
        "p50": float(np.percentile(ms, 50)),
        "p99": float(np.percentile(ms, 99)),
        "max": float(ms.max()),
        "recall": found / ((lookups + 1) // 2),
        "cos": float(np.mean(np.sum(near * data[targets], axis=1))),
    }


async def main() -> None:
    started = load()
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--lookups", type=int, default=2_000)
    parser.add_argument("--no-append", action="store_true")
    args = parser.parse_args()
    lines = [
        f"{args.entries:,} entries, {args.lookups:,} timed lookups per layout; "
        "latency of SemanticCache.lookup (embedding excluded).",
        "",
        "| layout | index | p50 ms | p99 ms | max ms | near-duplicate recall | exact-key p50 ms "
        "| exact-key p99 ms | fill + build s |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for label, scopes in (("one scope", 1), ("1,000 scopes", 1000)):
        r = await measure(args.entries, scopes, args.lookups, seed=7)
        lines.append(
            f"| {label} | {r['index']} | {r['p50']:.3f} | {r['p99']:.3f} | {r['max']:.3f} | "
            f"{100 * r['recall']:.1f}% (mean cos {r['cos']:.3f}) | {r['exact_p50']:.3f} | "
            f"{r['exact_p99']:.3f} | {r['fill_s']:.1f} |"
        )
    table = "\n".join(lines)
    print(table)
    if not args.no_append:
        append("Semantic cache lookup latency (bench/cache_latency.py)", table, started)


if __name__ == "__main__":
    asyncio.run(main())
