"""`make run`: the stack on loopback until Ctrl-C or SIGTERM, then every child is stopped."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path

from stack.local import ROOT, LocalStack, load_stack_config, loopback_endpoints


def banner(stack: LocalStack) -> str:
    models = ", ".join(sorted({k.rsplit("@", 1)[0] for k in loopback_endpoints(stack.config)}))
    triton = stack.triton
    assert triton is not None
    return f"""
Semantic router is up (logs in {stack.workdir}):
  OpenAI API (Envoy)    http://127.0.0.1:{stack.envoy_port}/v1
  Envoy admin           http://127.0.0.1:{stack.envoy_admin_port}
  orchestrator ext_proc 127.0.0.1:{stack.config.get("server", {}).get("extproc_port", 50051)}
  classification API    http://127.0.0.1:{stack.config.get("api", {}).get("port", 8080)}/docs
  metrics               http://127.0.0.1:{stack.config.get("metrics", {}).get("port", 9190)}/metrics
  Triton                grpc 127.0.0.1:{triton.grpc_port}, http 127.0.0.1:{triton.http_port}
  fake backends         {models or "(none)"}

Try:
  curl -i http://127.0.0.1:{stack.envoy_port}/v1/chat/completions \\
    -H 'content-type: application/json' \\
    -d '{{"model": "auto", "messages": [{{"role": "user", "content": "What is 17 x 24?"}}]}}'

Ctrl-C stops everything.
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m stack.run", description=__doc__)
    parser.add_argument("--config", type=Path, default=ROOT / "config" / "config.yaml")
    parser.add_argument("--port", type=int, default=8801, help="Envoy listener port")
    parser.add_argument("--admin-port", type=int, default=9901)
    parser.add_argument("--triton-http-port", type=int, default=8000)
    parser.add_argument("--no-fake-backends", action="store_true")
    parser.add_argument("--workdir", type=Path, default=ROOT / ".build" / "run")
    args = parser.parse_args(argv)

    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    config = load_stack_config(args.config)
    stack = LocalStack(
        config,
        args.workdir,
        envoy_port=args.port,
        envoy_admin_port=args.admin_port,
        fake_backends=not args.no_fake_backends,
        triton_http_port=args.triton_http_port,
    )
    print(f"starting Triton, backends, orchestrator and Envoy from {args.config} ...", flush=True)
    try:
        stack.start()
        print(banner(stack), flush=True)
        while not stop.wait(1.0):
            for child in stack.children:
                process = getattr(child, "process", child)
                if hasattr(process, "alive") and not process.alive():
                    print(f"{process.name} exited; log: {process.log_path}", file=sys.stderr)
                    stop.set()
    finally:
        print("stopping ...", flush=True)
        stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
