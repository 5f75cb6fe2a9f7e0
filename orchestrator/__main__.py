"""`python -m orchestrator serve|classify ...`."""

from __future__ import annotations

import os

# The router's matrix products are tiny (one query against a few hundred examples or cache
# entries); BLAS thread pools only add wake-up latency to them (p99 8 ms -> 0.1 ms measured
# with one thread, bench/RESULTS.md). Set before numpy is imported.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import argparse  # noqa: E402
import logging  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

from orchestrator.config import ConfigError  # noqa: E402

DEFAULT_CONFIG = Path(__file__).resolve().parent.parent / "config" / "config.yaml"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m orchestrator")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the ext_proc server for Envoy")
    serve.add_argument("--config", type=Path, default=DEFAULT_CONFIG)
    classify = sub.add_parser("classify", help="signals for each JSON line ({'text': ...}) of FILE")
    classify.add_argument("file", type=Path)
    classify.add_argument("--config", type=Path, default=DEFAULT_CONFIG)
    classify.add_argument("--output", type=Path, help="write here instead of stdout")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        if args.command == "serve":
            from orchestrator.app import serve as run_server
            from orchestrator.config import load_config
            from orchestrator.event_loop import run

            config = load_config(args.config)
            run(run_server(args.config, config), config.server.event_loop)
        elif args.command == "classify":
            return run_classify(args.file, args.config, args.output)
    except ConfigError as error:
        print(f"config error: {error}", file=sys.stderr)
        return 2
    return 0


def run_classify(file: Path, config_path: Path, output: Path | None) -> int:
    import tempfile

    from orchestrator.classify_cli import classify
    from orchestrator.config import load_config
    from orchestrator.event_loop import run

    config = load_config(config_path)
    loop_name = config.server.event_loop
    with tempfile.TemporaryDirectory() as workdir:
        if output is None:
            count = run(classify(file, config, sys.stdout, Path(workdir)), loop_name)
        else:
            with output.open("w", encoding="utf-8") as out:
                count = run(classify(file, config, out, Path(workdir)), loop_name)
    print(f"classified {count} texts", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
