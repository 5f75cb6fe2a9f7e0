"""Start the orchestrator: load config, wait for Triton, build the runtime, serve everything.

One asyncio loop serves Envoy's ext_proc stream (gRPC, with the gRPC health service), the
classification API (FastAPI via uvicorn) and the config watcher; metrics are served by the
Prometheus client's own thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import signal
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grpc
from envoy.service.ext_proc.v3 import external_processor_pb2_grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_health.v1.health import aio as health_aio

from orchestrator import metrics
from orchestrator.cache import SemanticCache
from orchestrator.config import RouterConfig
from orchestrator.decision_log import DecisionLog
from orchestrator.extproc.processor import Processor, RuntimeHolder
from orchestrator.extproc.server import ExternalProcessor
from orchestrator.reload import ConfigReloader
from orchestrator.runtime import build_runtime
from orchestrator.signals import EncoderClient
from orchestrator.tracing import make_tracer

log = logging.getLogger("orchestrator")
EXTPROC_SERVICE = "envoy.service.ext_proc.v3.ExternalProcessor"


@dataclass
class Orchestrator:
    """Everything one running orchestrator owns, so start-up and shutdown are symmetric."""

    config: RouterConfig
    encoder: EncoderClient
    runtimes: RuntimeHolder
    grpc_server: grpc.aio.Server
    extproc_port: int
    decision_log: DecisionLog | None
    cache: SemanticCache | None = None
    tasks: list[asyncio.Task[Any]] = field(default_factory=list)
    api_server: Any = None

    async def stop(self) -> None:
        if self.api_server is not None:
            self.api_server.should_exit = True
        for task in self.tasks:
            task.cancel()
        for task in self.tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        await self.grpc_server.stop(grace=5)
        await self.encoder.close()
        if self.decision_log is not None:
            self.decision_log.close()
        if self.cache is not None:
            await self.cache.close()


async def start_orchestrator(
    config: RouterConfig,
    encoder: EncoderClient,
    config_path: Path | None = None,
    extproc_port: int | None = None,
    tracer: Any = None,
) -> Orchestrator:
    """Build the runtime (embedding examples through Triton), then listen on every port."""
    runtimes = RuntimeHolder(await build_runtime(config, encoder))
    decision_log = DecisionLog(config.decision_log) if config.decision_log.enabled else None
    cache = None
    if config.cache.enabled:
        cache = SemanticCache(config.cache)
        await cache.start()
    processor = Processor(runtimes, encoder, random.Random(), decision_log, cache)
    server = grpc.aio.server()
    external_processor_pb2_grpc.add_ExternalProcessorServicer_to_server(
        ExternalProcessor(processor, tracer or make_tracer(config.tracing)), server
    )
    health = health_aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health, server)
    port = config.server.extproc_port if extproc_port is None else extproc_port
    bound = server.add_insecure_port(f"{config.server.extproc_host}:{port}")
    await server.start()
    for service in ("", EXTPROC_SERVICE):
        await health.set(service, health_pb2.HealthCheckResponse.SERVING)

    orchestrator = Orchestrator(config, encoder, runtimes, server, bound, decision_log, cache)
    if config.api.enabled:
        orchestrator.api_server, task = await start_api(config, runtimes, encoder)
        orchestrator.tasks.append(task)
    if config_path is not None and config.reload.watch:
        reloader = ConfigReloader(config_path, runtimes, encoder, config.reload.interval_s)
        orchestrator.tasks.append(asyncio.create_task(reloader.run()))
    return orchestrator


async def start_api(
    config: RouterConfig, runtimes: RuntimeHolder, encoder: EncoderClient
) -> tuple[Any, asyncio.Task[Any]]:
    import uvicorn

    from orchestrator.api import create_api

    server = uvicorn.Server(
        uvicorn.Config(
            create_api(runtimes, encoder),
            host=config.api.host,
            port=config.api.port,
            log_level="warning",
            lifespan="off",
        )
    )
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()  # raises the bind error
        await asyncio.sleep(0.01)
    return server, task


def start_metrics_server(config: RouterConfig) -> None:
    if config.metrics.enabled:
        from prometheus_client import start_http_server

        start_http_server(config.metrics.port, config.metrics.host, registry=metrics.REGISTRY)


async def serve(config_path: Path, config: RouterConfig) -> None:
    """`config` is `config_path` as loaded before the loop started (it names the loop); the
    path is kept for hot reload."""
    # Handlers first: a SIGTERM while waiting for Triton or while the servers start (their
    # ports already open) must end the process through a clean path, not kill it.
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    encoder = EncoderClient(config.triton.url, config.triton.model, config.triton.timeout_s)
    waiting = asyncio.create_task(encoder.wait_ready(config.triton.startup_timeout_s))
    stopping = asyncio.create_task(stop.wait())
    await asyncio.wait({waiting, stopping}, return_when=asyncio.FIRST_COMPLETED)
    if not waiting.done():
        waiting.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await waiting
        await encoder.close()
        log.info("stopped while waiting for Triton")
        return
    stopping.cancel()
    waiting.result()  # raises if Triton never became ready
    start_metrics_server(config)
    orchestrator = await start_orchestrator(config, encoder, config_path)
    log.info(
        "ext_proc on %s:%d, API on %s:%d, metrics on %s:%d, event loop %s",
        config.server.extproc_host,
        orchestrator.extproc_port,
        config.api.host,
        config.api.port,
        config.metrics.host,
        config.metrics.port,
        type(loop).__module__,
    )

    await stop.wait()
    log.info("shutting down")
    await orchestrator.stop()
