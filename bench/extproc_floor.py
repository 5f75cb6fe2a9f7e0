"""The floor under the router: Envoy + a Python ext_proc that does no work at all.

The router's latency and throughput goals (issue 8) include Envoy, one Python gRPC stream per
request and the client on the same two cores. This script measures what that plumbing costs
before any routing, with the shipped Envoy config and the fake backend, alternating request
by request:

- direct: Envoy -> fake backend, no ext_proc (as in overhead.py);
- floor, forwarded: Envoy + a do-nothing ext_proc answering all four phases a routed request
  has (request headers, buffered body with the destination header set, response headers
  asking for the body, response body) -> fake backend;
- floor, answered: the same ext_proc answering at the body phase (two messages, no backend):
  the shape of a cache hit.

Then the same at concurrency (requests/s, CPU per request of each process). Subtracting the
floor from overhead.py's figures says how much is the router's own work.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.direct_envoy import start_direct_envoy
from bench.overhead import Processes
from bench.prompts import prompt
from bench.report import ROOT, append, load, percentiles, table
from bench.request_logs import COLUMNS, matched, phase_p50s, read_json_lines
from stack.envoy import EnvoyProxy
from stack.processes import ManagedProcess, free_port, port_open

ANSWER = "x-floor-answer"  # the client asks the do-nothing ext_proc to answer itself
MODEL = "floor-model"
PATHS = ("direct", "forwarded", "answered")
LABELS = {
    "direct": "Envoy -> fake backend (no ext_proc)",
    "forwarded": "Envoy + do-nothing ext_proc (4 messages) -> fake backend",
    "answered": "Envoy + do-nothing ext_proc answering at the body (2 messages)",
}


async def serve(port: int, backend_port: int) -> None:
    """The do-nothing ext_proc: the router's protobuf helpers, none of its work."""
    import grpc
    from envoy.service.ext_proc.v3 import external_processor_pb2_grpc

    from orchestrator.decision_headers import DESTINATION
    from orchestrator.extproc import mutations
    from orchestrator.extproc.mutations import BUFFERED

    destination = {DESTINATION: f"127.0.0.1:{backend_port}"}
    answer = b'{"object":"chat.completion","choices":[]}'

    class DoNothing(external_processor_pb2_grpc.ExternalProcessorServicer):
        async def Process(self, requests: AsyncIterator, context: object) -> AsyncIterator:
            answering = False
            async for request in requests:
                phase = request.WhichOneof("request")
                if phase == "request_headers":
                    names = {h.key for h in request.request_headers.headers.headers}
                    answering = ANSWER in names
                    yield mutations.request_headers_response(mutations.header_mutation())
                elif phase == "request_body" and answering:
                    yield mutations.immediate_response(200, answer)
                    return
                elif phase == "request_body":
                    mutation = mutations.header_mutation(destination)
                    yield mutations.request_body_response(mutation)
                elif phase == "response_headers":
                    mutation = mutations.header_mutation({"x-floor": "1"})
                    yield mutations.response_headers_response(mutation, body_mode=BUFFERED)
                else:
                    yield mutations.response_body_response()

    server = grpc.aio.server()
    external_processor_pb2_grpc.add_ExternalProcessorServicer_to_server(DoNothing(), server)
    server.add_insecure_port(f"127.0.0.1:{port}")
    await server.start()
    await server.wait_for_termination()


class Cells:
    """Latencies, request ids and failures of each path, for one load pattern."""

    def __init__(self) -> None:
        self.ms: dict[str, list[float]] = {p: [] for p in PATHS}
        self.request_ids: dict[str, list[str]] = {p: [] for p in PATHS}
        self.failures: Counter[str] = Counter()


async def send(session: aiohttp.ClientSession, url: str, path: str, cells: Cells, n: int) -> None:
    body = {"model": MODEL, "messages": [{"role": "user", "content": prompt("typical", n)}]}
    request_id = uuid.uuid4().hex  # Envoy keeps it, so its access log can be matched
    headers = {"x-request-id": request_id, **({ANSWER: "1"} if path == "answered" else {})}
    cells.request_ids[path].append(request_id)
    started = time.perf_counter()
    try:
        async with session.post(url, json=body, headers=headers) as response:
            await response.read()
            ok = response.status == 200
    except (aiohttp.ClientError, TimeoutError):
        ok = False
    cells.ms[path].append((time.perf_counter() - started) * 1000)
    cells.failures[path] += not ok


async def burst(
    session: aiohttp.ClientSession, url: str, path: str, cells: Cells, count: int, workers: int
) -> None:
    numbers = iter(range(count))

    async def worker() -> None:
        for i in numbers:
            await send(session, url, path, cells, i)

    await asyncio.gather(*(worker() for _ in range(workers)))


def phase_rows(cells: Cells, log: dict[str, dict], conc: str) -> list[list[object]]:
    rows: list[list[object]] = []
    for path in ("forwarded", "answered"):
        if records := matched(log, cells.request_ids[path]):
            rows.append([LABELS[path], conc, len(records), *phase_p50s(records)])
    return rows


async def measure(
    args: argparse.Namespace, urls: dict[str, str], processes: Processes, envoy_log: Path
) -> str:
    session = aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=0), timeout=aiohttp.ClientTimeout(total=60)
    )
    try:
        warm = Cells()
        for path in PATHS:  # connections, Envoy's pools, the gRPC streams
            await burst(session, urls[path], path, warm, 4 * args.concurrency, args.concurrency)
        sequential = Cells()
        for i in range(args.requests):
            for path in PATHS:
                await send(session, urls[path], path, sequential, i)
        rows = []
        for path in PATHS:
            p = percentiles(sequential.ms[path])
            rows.append([LABELS[path], len(sequential.ms[path]), *(f"{p[q]:.2f}" for q in p)])
        out = [
            "Sequential, alternating request by request "
            f"({sum(sequential.failures.values())} failures):",
            table(["path", "n", "p50 ms", "p95 ms", "p99 ms"], rows),
        ]
        names = list(processes.procs)
        concurrent = Cells()
        wall = dict.fromkeys(PATHS, 0.0)
        cpu = {path: dict.fromkeys(names, 0.0) for path in PATHS}
        per_round = args.concurrent_requests // args.rounds
        for _ in range(args.rounds):  # alternated, so drift spreads over every path
            for path in PATHS:
                before, started = processes.cpu(), time.perf_counter()
                await burst(session, urls[path], path, concurrent, per_round, args.concurrency)
                wall[path] += time.perf_counter() - started
                after = processes.cpu(client_first=True)
                for name in names:
                    cpu[path][name] += after[name] - before[name]
        crows = []
        for path in PATHS:
            count = len(concurrent.ms[path])
            p = percentiles(concurrent.ms[path])
            crows.append(
                [
                    LABELS[path],
                    f"{count / wall[path]:.0f}",
                    f"{p['p50']:.1f}",
                    f"{p['p99']:.1f}",
                    concurrent.failures[path],
                    *(f"{1000 * cpu[path][n] / count:.2f}" for n in names),
                ]
            )
        out += [
            f"Concurrency {args.concurrency}, {per_round * args.rounds} requests per path in "
            f"{args.rounds} alternated rounds (CPU in ms per request; 1 core-second = 1000):",
            table(
                ["path", "req/s", "p50 ms", "p99 ms", "failures", *(f"{n} CPU" for n in names)],
                crows,
            ),
        ]
        await asyncio.sleep(1.5)  # Envoy flushes its access log about once a second
        log = read_json_lines(envoy_log)
        rows = phase_rows(sequential, log, "seq") + phase_rows(
            concurrent, log, str(args.concurrency)
        )
        out += [
            "Envoy's view (its access log): each ext_proc call to the do-nothing server, the "
            "upstream's service time and the whole request:",
            table(["path", "conc", "requests", *COLUMNS], rows),
        ]
        return "\n\n".join(out)
    finally:
        await session.close()


async def run(args: argparse.Namespace) -> str:
    workdir = Path(tempfile.mkdtemp(prefix="bench-floor-"))
    backend_port, extproc_port = free_port(), free_port()
    fakes = ManagedProcess(
        "fake-backend",
        [sys.executable, "-m", "stack.fake_backend", "--serve", f"{MODEL}={backend_port}"],
        workdir / "fakes.log",
        cwd=ROOT,
    ).start()
    serve_argv = ["serve", "--port", str(extproc_port), "--backend-port", str(backend_port)]
    noop = ManagedProcess(
        "noop-extproc", [sys.executable, __file__, *serve_argv], workdir / "noop.log", cwd=ROOT
    ).start()
    envoy = EnvoyProxy(workdir / "envoy.log", extproc_port=extproc_port)
    direct = None
    try:
        fakes.wait_until(lambda: port_open(backend_port), 30)
        noop.wait_until(lambda: port_open(extproc_port), 30)
        envoy.start()
        direct, direct_port = start_direct_envoy(workdir, backend_port)
        routed = envoy.base_url + "/v1/chat/completions"
        urls = {
            "direct": f"http://127.0.0.1:{direct_port}/v1/chat/completions",
            "forwarded": routed,
            "answered": routed,
        }
        assert envoy.process is not None
        children = {"ext_proc": noop, "envoy": envoy.process, "envoy-direct": direct}
        children["backend"] = fakes
        pids = {name: child.process.pid for name, child in children.items() if child.process}
        processes = Processes({**pids, "bench-client": os.getpid()})
        return await measure(args, urls, processes, envoy.log_path)
    finally:
        for child in (direct, envoy, noop, fakes):
            if child is not None:
                with contextlib.suppress(Exception):
                    child.stop()


def run_and_describe(args: argparse.Namespace) -> str:
    body = asyncio.run(run(args))
    return (
        "Latencies in ms from an aiohttp client on the same machine (it competes for the "
        "cores). The do-nothing ext_proc uses the router's own protobuf helpers "
        "(orchestrator/extproc/mutations.py) and the shipped Envoy config; what the router "
        "adds beyond this floor is its own work (parsing, Triton, cache, routing).\n\n" + body
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="command")
    server = sub.add_parser("serve", help="(internal) run the do-nothing ext_proc")
    server.add_argument("--port", type=int, required=True)
    server.add_argument("--backend-port", type=int, required=True)
    parser.add_argument("--requests", type=int, default=300, help="sequential, per path")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--concurrent-requests", type=int, default=640, help="per path")
    parser.add_argument("--rounds", type=int, default=4, help="alternations at concurrency")
    parser.add_argument("--no-append", action="store_true")
    args = parser.parse_args()
    if args.command == "serve":
        asyncio.run(serve(args.port, args.backend_port))
        return
    load_start = load()
    body = run_and_describe(args)
    print(body)
    if not args.no_append:
        append("Envoy + do-nothing ext_proc floor (bench/extproc_floor.py)", body, load_start)


if __name__ == "__main__":
    main()
