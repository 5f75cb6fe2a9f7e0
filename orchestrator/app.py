"""Start the orchestrator: load config, wait for Triton, build the runtime, serve ext_proc."""

from __future__ import annotations

import asyncio
import logging
import random
import signal
from pathlib import Path

import grpc
from envoy.service.ext_proc.v3 import external_processor_pb2_grpc

from orchestrator.config import RouterConfig, load_config
from orchestrator.extproc.processor import Processor, RuntimeHolder
from orchestrator.extproc.server import ExternalProcessor
from orchestrator.runtime import build_runtime
from orchestrator.signals import EncoderClient

log = logging.getLogger("orchestrator")


async def start_extproc_server(
    config: RouterConfig, encoder: EncoderClient, port: int | None = None
) -> tuple[grpc.aio.Server, int]:
    """Build the runtime (embedding examples through Triton), then listen; returns the port."""
    runtime = await build_runtime(config, encoder)
    processor = Processor(RuntimeHolder(runtime), encoder, random.Random())
    server = grpc.aio.server()
    external_processor_pb2_grpc.add_ExternalProcessorServicer_to_server(
        ExternalProcessor(processor), server
    )
    bound = server.add_insecure_port(
        f"{config.server.extproc_host}:{config.server.extproc_port if port is None else port}"
    )
    await server.start()
    return server, bound


async def serve(config_path: Path) -> None:
    config = load_config(config_path)
    encoder = EncoderClient(config.triton.url, config.triton.model, config.triton.timeout_s)
    await encoder.wait_ready(config.triton.startup_timeout_s)
    server, port = await start_extproc_server(config, encoder)
    log.info("ext_proc listening on %s:%d", config.server.extproc_host, port)

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    log.info("shutting down")
    await server.stop(grace=5)
    await encoder.close()
