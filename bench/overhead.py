"""Router overhead: the same OpenAI requests through Envoy straight to a fake backend and
through Envoy + router (all features on), alternating, in one run.

Starts the whole stack (stack.local.LocalStack: Triton, fake backends, orchestrator, Envoy on
free ports) plus a second Envoy without the ext_proc filter that sends everything to the
`general-model` fake backend. Routed requests use `"model": "auto"`, direct ones
`"model": "general-model"`; otherwise the bodies are the same.

"All features on": guard and PII on every message, classification (keyword rules, example
routes, the classifier head), and — alternating request by request, since the cache policy
never serves tool requests — either tool auto-selection (`tool_choice: "auto"`, no tools)
or a cache lookup that misses (temperature 0, a unique request number in each prompt; the
answer is then stored). Router-added latency = routed percentile - direct percentile.

Also: CPU per process (psutil, child processes included), the cache-hit path, RSS of the
orchestrator and Triton (with its Python-backend stubs) at two request-count checkpoints,
and the orchestrator's own step timings from its Prometheus metrics.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
import tempfile
import time
import urllib.request
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import numpy as np
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.direct_envoy import start_direct_envoy
from bench.prompts import SIZES, prompt
from bench.report import PLOTS, ROOT, append, load, percentiles, table
from bench.request_logs import (
    COLUMNS,
    STEP_COLUMNS,
    matched,
    phase_p50s,
    read_json_lines,
    step_p50s,
)
from stack.local import LocalStack, load_stack_config, with_free_ports

DIRECT_MODEL = "general-model"
Sample = tuple[float, int, str]  # latency ms, HTTP status, kind ("tools" / "cache")


@dataclass
class Cell:
    """One (prompt size, concurrency) measurement for one path."""

    samples: list[Sample] = field(default_factory=list)
    wall_s: float = 0.0
    cpu_s: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    cache: Counter[str] = field(default_factory=Counter)
    paths: Counter[str] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)  # "status: error body" -> count
    request_ids: list[str] = field(default_factory=list)  # the router's x-router-request-id

    def ms(self, kind: str | None = None) -> list[float]:
        return [m for m, status, k in self.samples if status == 200 and kind in (None, k)]

    @property
    def errors(self) -> int:
        return sum(1 for _, status, _ in self.samples if status != 200)


class Processes:
    """CPU seconds and RSS per stack process, each including its children (Triton's stubs)."""

    def __init__(self, pids: dict[str, int]) -> None:
        self.procs = {name: psutil.Process(pid) for name, pid in pids.items()}

    def tree(self, name: str) -> list[psutil.Process]:
        root = self.procs[name]
        if name == "bench-client":  # the stack's processes are this one's children
            return [root]
        try:
            return [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def cpu(self, client_first: bool = False) -> dict[str, float]:
        """User + system seconds of each tree; children that exited and were reaped (a Triton
        stub replaced when a new model version loads) count through the root's children_*.

        Walking the trees costs this process milliseconds: a cell reads its own times last
        before it starts and first after it ends (`client_first`), so that cost stays out."""
        out: dict[str, float] = {}
        names = sorted(self.procs, key=lambda n: (n == "bench-client") != client_first)
        for name in names:
            root = self.procs[name]
            total = 0.0
            for proc in self.tree(name):
                with contextlib.suppress(psutil.NoSuchProcess):
                    times = proc.cpu_times()
                    total += times.user + times.system
                    if proc is root and name != "bench-client":
                        total += times.children_user + times.children_system
            out[name] = total
        return out

    def rss_mb(self, name: str) -> float:
        total = 0
        for proc in self.tree(name):
            with contextlib.suppress(psutil.NoSuchProcess):
                total += proc.memory_info().rss
        return total / 2**20


@contextlib.contextmanager
def measured(cell: Cell, processes: Processes) -> Iterator[None]:
    before, started = processes.cpu(), time.perf_counter()
    yield
    cell.wall_s += time.perf_counter() - started
    for name, value in processes.cpu(client_first=True).items():
        cell.cpu_s[name] += value - before[name]


class Client:
    def __init__(self, routed_url: str, direct_url: str) -> None:
        self.urls = {"routed": routed_url, "direct": direct_url}
        self.session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=0, force_close=False),
            timeout=aiohttp.ClientTimeout(total=60),
        )
        self.number = 0

    def body(self, path: str, size: str, kind: str) -> dict[str, Any]:
        self.number += 1
        body: dict[str, Any] = {
            "model": "auto" if path == "routed" else DIRECT_MODEL,
            "messages": [{"role": "user", "content": prompt(size, self.number)}],
        }
        if kind == "tools":
            body.update(tool_choice="auto", temperature=0.7)
        else:
            body["temperature"] = 0.0
        return body

    async def send(self, path: str, body: dict[str, Any], cell: Cell | None, kind: str) -> None:
        started = time.perf_counter()
        status = 0
        try:
            async with self.session.post(
                self.urls[path] + "/v1/chat/completions", json=body
            ) as response:
                payload = await response.read()
                status = response.status
                if cell is not None and status != 200:
                    cell.failures[f"{status}: {payload[:160].decode(errors='replace')}"] += 1
                if cell is not None:
                    cell.cache[response.headers.get("x-router-cache", "-")] += 1
                    cell.paths[response.headers.get("x-router-decision-path", "-")] += 1
                    if request_id := response.headers.get("x-router-request-id"):
                        cell.request_ids.append(request_id)
        except (aiohttp.ClientError, TimeoutError) as error:
            status = -1
            if cell is not None:
                cell.failures[f"no response: {error!r}"[:200]] += 1
        if cell is not None:
            cell.samples.append(((time.perf_counter() - started) * 1000, status, kind))

    async def run(self, path: str, size: str, count: int, concurrency: int, cell: Cell) -> None:
        kinds = [("tools", "cache")[i % 2] for i in range(count)]
        bodies = [(self.body(path, size, kind), kind) for kind in kinds]
        queue = iter(bodies)

        async def worker() -> None:
            for body, kind in queue:
                await self.send(path, body, cell, kind)

        await asyncio.gather(*(worker() for _ in range(concurrency)))

    async def close(self) -> None:
        await self.session.close()


def scrape(port: int) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    from prometheus_client.parser import text_string_to_metric_families

    text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
    values: dict[tuple[str, tuple[tuple[str, str], ...]], float] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            values[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return values


def step_means(before: dict, after: dict) -> list[tuple[str, float, float]]:
    """(step, mean ms, calls) per router step between two scrapes."""
    rows = []
    for (name, labels), value in after.items():
        if name != "router_step_latency_seconds_sum":
            continue
        count_key = ("router_step_latency_seconds_count", labels)
        calls = after.get(count_key, 0) - before.get(count_key, 0)
        if calls:
            total = value - before.get((name, labels), 0.0)
            rows.append((dict(labels)["step"], 1000 * total / calls, calls))
    for name, label in (
        ("llm_model_routing_latency_seconds", "routing (total)"),
        ("router_triton_request_latency_seconds", "triton round trip"),
        ("router_triton_batch_size", "texts per Triton call"),
    ):
        calls = after.get((name + "_count", ()), 0) - before.get((name + "_count", ()), 0)
        if calls:
            total = after[(name + "_sum", ())] - before.get((name + "_sum", ()), 0)
            scale = 1 if name == "router_triton_batch_size" else 1000
            rows.append((label, scale * total / calls, calls))
    errors = after.get(("router_triton_errors_total", ()), 0.0)
    errors -= before.get(("router_triton_errors_total", ()), 0.0)
    rows.append(("Triton errors/timeouts (request degraded to default model)", 0.0, errors))
    return sorted(rows, key=lambda r: -r[1])


def fmt(value: float) -> str:
    return f"{value:.2f}"


async def latency_cells(
    client: Client, processes: Processes, args: argparse.Namespace
) -> dict[tuple[str, int, str], Cell]:
    cells: dict[tuple[str, int, str], Cell] = defaultdict(Cell)
    for size in args.sizes:
        for concurrency in [1, *args.concurrency]:
            count = args.requests if concurrency == 1 else args.concurrent_requests
            if size == "long":
                count = max(2 * concurrency, count // 2)
            rounds = args.rounds if concurrency > 1 else count // 2
            per_round = max(2, count // rounds)
            for r in range(rounds):  # alternate direct and routed, first one then the other
                order = ("direct", "routed") if r % 2 == 0 else ("routed", "direct")
                for path in order:
                    cell = cells[(size, concurrency, path)]
                    with measured(cell, processes):
                        await client.run(path, size, per_round, concurrency, cell)
            print(f"  {size} c={concurrency}: done", file=sys.stderr, flush=True)
    return cells


def errors_note(lines: list[str]) -> str:
    """The failed requests under a table, one line each; nothing when there were none."""
    if not lines:
        return ""
    return "\n\nErrors (status and the start of the body):\n" + "\n".join(lines)


def cell_table(cells: dict[tuple[str, int, str], Cell]) -> str:
    rows = []
    for (size, concurrency, path), routed in cells.items():
        if path != "routed":
            continue
        direct = cells[(size, concurrency, "direct")]
        r, d = percentiles(routed.ms()), percentiles(direct.ms())
        rows.append(
            [
                f"{size} (~{SIZES[size]} tok)",
                "seq" if concurrency == 1 else concurrency,
                len(routed.samples),
                *(fmt(d[p]) for p in ("p50", "p95", "p99")),
                *(fmt(r[p]) for p in ("p50", "p95", "p99")),
                *(fmt(r[p] - d[p]) for p in ("p50", "p95", "p99")),
                f"{len(direct.samples) / direct.wall_s:.0f}",
                f"{len(routed.samples) / routed.wall_s:.0f}",
                f"{direct.errors}/{routed.errors}",
                " ".join(f"{k}:{v}" for k, v in sorted(routed.cache.items())),
                " ".join(f"{k}:{v}" for k, v in sorted(routed.paths.items())),
            ]
        )
    failures = [
        f"- {size} c={concurrency} {path}: {n} x {what}"
        for (size, concurrency, path), cell in cells.items()
        for what, n in cell.failures.items()
    ]
    header = [
        "prompt",
        "conc",
        "n/path",
        "direct p50",
        "p95",
        "p99",
        "routed p50",
        "p95",
        "p99",
        "added p50",
        "p95",
        "p99",
        "direct req/s",
        "routed req/s",
        "errors d/r",
        "x-router-cache",
        "x-router-decision-path",
    ]
    return table(header, rows) + errors_note(failures)


def kind_table(cells: dict[tuple[str, int, str], Cell]) -> str:
    rows = []
    for (size, concurrency, path), routed in cells.items():
        if path != "routed" or concurrency != 1:
            continue
        direct = cells[(size, concurrency, "direct")]
        for kind, label in (("tools", "tools (cache bypassed)"), ("cache", "cache miss + store")):
            r, d = percentiles(routed.ms(kind)), percentiles(direct.ms(kind))
            rows.append(
                [
                    f"{size}",
                    label,
                    *(fmt(r[p] - d[p]) for p in ("p50", "p95", "p99")),
                ]
            )
    return table(["prompt", "routed request kind", "added p50", "p95", "p99"], rows)


def log_table(
    cells: dict[tuple[str, int, str], Cell],
    log: dict[str, dict[str, Any]],
    columns: list[str],
    p50s: Callable[[list[dict[str, Any]]], list[str]],
) -> str:
    """Per routed cell, the p50s that `p50s` reads from the cell's log lines (by request id)."""
    rows = []
    for (size, concurrency, path), cell in cells.items():
        records = matched(log, cell.request_ids)
        if path == "routed" and records:
            conc = "seq" if concurrency == 1 else concurrency
            rows.append([size, conc, len(records), *p50s(records)])
    return table(["prompt", "conc", "requests", *columns], rows)


def cpu_table(cells: dict[tuple[str, int, str], Cell], names: list[str]) -> str:
    rows = []
    for (size, concurrency, path), cell in cells.items():
        if not cell.samples:
            continue
        rows.append(
            [
                size,
                "seq" if concurrency == 1 else concurrency,
                path,
                *(f"{100 * cell.cpu_s[n] / cell.wall_s:.0f}%" for n in names),
                *(f"{1000 * cell.cpu_s[n] / len(cell.samples):.2f}" for n in names),
            ]
        )
    header = ["prompt", "conc", "path", *(f"{n} CPU" for n in names)]
    header += [f"{n} CPU ms/req" for n in names]
    return table(header, rows)


async def settle(processes: Processes, limit_s: float = 30.0) -> float:
    """Wait until the stack is idle (under 10% of a core for half a second): the long-prompt
    cells leave Triton computing batches whose clients gave up, and a measurement taken then
    would time that leftover work, not the path. Returns the seconds waited."""
    started = time.perf_counter()
    while time.perf_counter() - started < limit_s:
        before = processes.cpu()
        await asyncio.sleep(0.5)
        after = processes.cpu()
        busy = sum(after[n] - before[n] for n in after if n != "bench-client")
        if busy < 0.05:
            break
    return time.perf_counter() - started


async def cache_hits(client: Client, backend_url: str, count: int) -> str:
    """A repeated temperature-0 question: a hit through Envoy vs the backend on its own."""
    text = "What is the boiling point of water at sea level in degrees Celsius?"
    routed = {"model": "auto", "messages": [{"role": "user", "content": text}], "temperature": 0}
    direct = {**routed, "model": DIRECT_MODEL}
    await client.send("routed", routed, None, "cache")  # miss: stored when the answer returns
    await asyncio.sleep(1.0)
    cells = {"routed": Cell(), "direct": Cell(), "backend": Cell()}
    client.urls["backend"] = backend_url
    for _ in range(count):
        for path, body in (("routed", routed), ("direct", direct), ("backend", direct)):
            await client.send(path, body, cells[path], "cache")
    # Back to back, the processes on the path never go idle between requests: on this VM a
    # few idle milliseconds cost each hop a wake-up, and a hit has more hops than the direct
    # path (Envoy -> router -> Envoy twice).
    for path, body in (("routed", routed), ("direct", direct)):
        cells[f"{path} b2b"] = Cell()
        for _ in range(count):
            await client.send(path, body, cells[f"{path} b2b"], "cache")
    rows = []
    for path, label in (
        ("routed", "cache hit through Envoy + router"),
        ("direct", "Envoy -> fake backend (no router)"),
        ("backend", "fake backend alone (no Envoy)"),
        ("routed b2b", "cache hit through Envoy + router, back to back"),
        ("direct b2b", "Envoy -> fake backend (no router), back to back"),
    ):
        p = percentiles(cells[path].ms())
        cache = " ".join(f"{k}:{v}" for k, v in sorted(cells[path].cache.items()))
        rows.append([label, count, *(fmt(p[q]) for q in ("p50", "p95", "p99")), cache])
    return table(["path", "n", "p50 ms", "p95 ms", "p99 ms", "x-router-cache"], rows)


async def memory(
    client: Client,
    processes: Processes,
    checkpoints: list[int],
    served_before: int,
    metrics_port: int,
) -> str:
    """RSS after N routed requests in total (short prompts, concurrency 32, mixed kinds), with
    the semantic cache's entry count: every cache-miss request stores its answer, so the cache
    grows with the requests until `cache.max_entries`."""

    def entries() -> str:
        return f"{scrape(metrics_port).get(('llm_cache_entries_total', ()), 0):,.0f}"

    rows = []
    failures: Counter[str] = Counter()
    served = served_before
    rows.append(["before", served, fmt(processes.rss_mb("orchestrator")), "", entries()])
    rows[-1].append(fmt(processes.rss_mb("triton")))
    for target in checkpoints:
        if target > served:
            cell = Cell()
            started = time.perf_counter()
            await client.run("routed", "short", target - served, 32, cell)
            served = target
            print(f"  memory: {served} routed requests", file=sys.stderr, flush=True)
            rate = f"{len(cell.samples) / (time.perf_counter() - started):.0f} req/s, "
            rate += f"{cell.errors} errors"
            failures.update(cell.failures)
        else:
            rate = "(already served)"
        rows.append(
            [
                f"after {target:,}",
                served,
                fmt(processes.rss_mb("orchestrator")),
                rate,
                entries(),
                fmt(processes.rss_mb("triton")),
            ]
        )
    header = ["checkpoint", "routed requests", "orchestrator RSS MB", "phase", "cache entries"]
    header.append("Triton RSS MB")
    return table(header, rows) + errors_note([f"- {n} x {what}" for what, n in failures.items()])


def cache_fill_mb(entries: int, scopes: int) -> float:
    """RSS a fresh process gains holding `entries` entries spread over `scopes` scopes."""
    from orchestrator.cache import CacheConfig, SemanticCache
    from orchestrator.cache.backend import NewEntry

    answer = '{"object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant",'
    answer += '"content":"' + "An answer of a few sentences. " * 8 + '"},"finish_reason":"stop"}]}'
    rng = np.random.default_rng(3)
    proc = psutil.Process()
    before = proc.memory_info().rss
    cache = SemanticCache(
        CacheConfig(enabled=True, max_entries=entries, max_bytes=2**34, ttl_s=1e9)
    )

    async def fill() -> None:
        now = time.time()
        for start in range(0, entries, 1000):
            rows = rng.standard_normal((1000, 384)).astype(np.float32)
            rows /= np.linalg.norm(rows, axis=1, keepdims=True)
            for i in range(1000):
                key = f"tenant:auto:{(start + i) % scopes}"
                question = f"(#{start + i}) a stored question of about ten words here"
                exact = f"{start + i:040x}"  # the exact-key index costs what a real key does
                entry = NewEntry(key, question, rows[i], answer, exact)
                await cache.backend.insert(entry, now)
        await cache.backend.wait_for_index_builds()  # type: ignore[attr-defined]

    asyncio.run(fill())
    return (proc.memory_info().rss - before) / 2**20


def cache_memory(entries: int) -> str:
    """The cache's RSS at `entries` entries, each layout in a fresh process."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    rows = []
    for label, scopes in (
        ("one scope (single-turn chats, one tenant)", 1),
        ("1,000 scopes", 1000),
        ("one scope per entry (every entry its own conversation)", entries),
    ):
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(1, mp_context=context) as pool:
            grown = pool.submit(cache_fill_mb, entries, scopes).result()
        rows.append([label, f"{entries:,}", f"{grown:.0f}", f"{1024 * grown / entries:.1f}"])
    return "Semantic cache memory (memory backend, in a fresh process per layout):\n\n" + table(
        ["layout", "entries", "RSS added MB", "KB/entry"], rows
    )


def plot(cells: dict[tuple[str, int, str], Cell], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    keys = [k for k in (("typical", 1), ("typical", 32)) if (*k, "routed") in cells]
    keys = keys or [(size, c) for size, c, path in cells if path == "routed"][:2]
    if not keys:
        return
    fig, axes = plt.subplots(1, len(keys), figsize=(6 * len(keys), 4), squeeze=False)
    for ax, (size, concurrency) in zip(axes[0], keys, strict=True):
        for p, style in (("direct", "--"), ("routed", "-")):
            ms = np.sort(cells[(size, concurrency, p)].ms())
            ax.plot(ms, np.arange(1, len(ms) + 1) / len(ms), style, label=p)
        ax.set_xscale("log")
        ax.set_xlabel("end-to-end latency (ms, log)")
        ax.set_ylabel("fraction of requests")
        conc = "sequential" if concurrency == 1 else f"concurrency {concurrency}"
        ax.set_title(f"~{SIZES[size]}-token prompt, {conc}")
        ax.grid(alpha=0.3)
        ax.legend()
    fig.tight_layout()
    path.parent.mkdir(exist_ok=True)
    fig.savefig(path, dpi=110)


async def run(args: argparse.Namespace) -> str:
    config = with_free_ports(load_stack_config(ROOT / "config" / "config.yaml"))
    workdir = Path(tempfile.mkdtemp(prefix="bench-overhead-"))
    stack = LocalStack(config, workdir)
    direct_envoy = None
    try:
        stack.start()
        backend_port = next(
            e["port"] for m in config["models"] if m["name"] == DIRECT_MODEL for e in m["endpoints"]
        )
        direct_envoy, direct_port = start_direct_envoy(workdir, backend_port)
        triton, fakes, router, envoy = stack.children
        pids = {
            "orchestrator": router.process.pid,
            "triton": triton.process.process.pid,
            "envoy": envoy.process.process.pid,
            "envoy-direct": direct_envoy.process.pid,
            "fake-backends": fakes.process.pid,
            "bench-client": psutil.Process().pid,
        }
        processes = Processes(pids)
        client = Client(stack.base_url, f"http://127.0.0.1:{direct_port}")
        metrics_port = int(config["metrics"]["port"])
        try:
            for path in ("direct", "routed"):  # warm-up: connections, caches, ORT arenas
                await client.run(path, "typical", 40, 4, Cell())
            before = scrape(metrics_port)
            cells = await latency_cells(client, processes, args)
            after = scrape(metrics_port)
            served = sum(len(c.samples) for k, c in cells.items() if k[2] == "routed") + 40
            waited = await settle(processes)
            hits = await cache_hits(client, f"http://127.0.0.1:{backend_port}", args.hits)
            mem = await memory(client, processes, args.memory, served, metrics_port)
        finally:
            await client.close()
        names = list(pids)
        steps = table(
            ["step", "mean ms", "observations"],
            [[s, f"{ms:.3f}", int(n)] for s, ms, n in step_means(before, after)],
        )
        plot(cells, PLOTS / "latency_cdf.png")
        phases = log_table(cells, read_json_lines(envoy.log_path), COLUMNS, phase_p50s)
        decisions = read_json_lines(router.log_path)
        router_steps = log_table(cells, decisions, STEP_COLUMNS, step_p50s)
        cache_mem = cache_memory(args.cache_entries) if args.cache_entries else ""
    finally:
        if direct_envoy is not None:
            direct_envoy.stop()
        stack.stop()
    model = sorted(p.name for p in (ROOT / "model_repository" / "router_encoder").iterdir())
    return "\n\n".join(
        [
            f"Model repository versions: {', '.join(v for v in model if v.isdigit())} "
            "(Triton serves the latest). Latencies in ms, measured by an aiohttp client on "
            "the same machine (it competes for the 2 cores). Routed requests alternate "
            "tool selection and cache miss+store; 'added' = routed - direct percentile.",
            cell_table(cells),
            "Router-added latency by request kind (sequential):",
            kind_table(cells),
            "Envoy's view of each routed request (its access log, envoy/envoy.yaml): how long "
            "each ext_proc call to the router took, the upstream's service time and the whole "
            "request, in ms; the request-body call holds the Triton call and the routing:",
            phases,
            "Inside the router (its decision log, same requests): each step's time, in ms; "
            "`signals` is the Triton call, `total` the router's time in the request phases:",
            router_steps,
            "CPU per process while each cell ran (100% = one core; children included):",
            cpu_table(cells, names),
            "Orchestrator step timings over all latency cells (its Prometheus metrics):",
            steps,
            "Cache hit path (same question, temperature 0, sequential: interleaved request by "
            "request, then each path back to back; started after "
            f"{waited:.1f} s waiting for the stack to go idle):",
            hits,
            "Memory (RSS; Triton includes its Python-backend stub processes):",
            mem,
            cache_mem,
            "Plot: bench/plots/latency_cdf.png",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", nargs="+", default=list(SIZES), choices=list(SIZES))
    parser.add_argument("--concurrency", nargs="*", type=int, default=[8, 32, 64])
    parser.add_argument("--requests", type=int, default=300, help="per sequential cell/path")
    parser.add_argument("--concurrent-requests", type=int, default=640, help="per cell/path")
    parser.add_argument("--rounds", type=int, default=4, help="direct/routed alternations")
    parser.add_argument("--hits", type=int, default=200)
    parser.add_argument(
        "--memory", nargs="*", type=int, default=[10_000, 20_000], help="RSS checkpoints"
    )
    parser.add_argument("--cache-entries", type=int, default=100_000)
    parser.add_argument("--no-append", action="store_true")
    args = parser.parse_args()
    load_start = load()
    body = asyncio.run(run(args))
    print(body)
    if not args.no_append:
        append("Router overhead (bench/overhead.py)", body, load_start)


if __name__ == "__main__":
    main()
