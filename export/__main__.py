"""`python -m export ...`: build the models the router serves from Triton."""

from __future__ import annotations

import argparse
import json
import sys

from export.repository import latest_version_dir


def _built_version_exists() -> bool:
    """A multitask version (not the bare embedder) is already in the repository."""
    latest = latest_version_dir()
    if latest is None or not (latest / "manifest.json").is_file():
        return False
    return json.loads((latest / "manifest.json").read_text()).get("kind") == "multitask"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m export", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    embedder = sub.add_parser("embedder", help="export the base sentence encoder (no heads)")
    embedder.add_argument("--if-missing", action="store_true", help="skip if a version exists")
    build = sub.add_parser("build", help="data -> train -> ONNX -> int8 -> publish (cached)")
    build.add_argument("--full", action="store_true", help="train longer (more data, epochs)")
    build.add_argument(
        "--if-missing", action="store_true", help="skip if a multitask version exists"
    )
    build.add_argument("--no-cache", action="store_true", help="ignore the model cache")
    build.add_argument("--epochs", type=float, default=None, help="override the epoch count")
    build.add_argument(
        "--pii-sentences", type=int, default=None, help="override the PII sample size"
    )
    compare = sub.add_parser(
        "compare", help="shared vs separate models, with/without handwritten data"
    )
    compare.add_argument("--epochs", type=float, default=None)
    sub.add_parser("bench-triton", help="latency through the local Triton; updates REPORT.md")
    sub.add_parser("latency", help="re-measure ONNX Runtime latency of the served version")
    sub.add_parser(
        "neighbours",
        help="give the latest version its category bank (training-question embeddings) and "
        "fit the head/neighbour mix on validation, in place",
    )
    sub.add_parser("report", help="re-render export/REPORT.md from export/report/*.json")
    args = parser.parse_args(argv)

    if args.command == "embedder":
        if args.if_missing and latest_version_dir() is not None:
            print(f"model present: {latest_version_dir()}")
            return 0
        from export.embedder import export_embedder

        print(f"exported {export_embedder()}")
    elif args.command == "build":
        if args.if_missing and _built_version_exists():
            print(f"model present: {latest_version_dir()}")
            return 0
        from dataclasses import replace

        from export.build import BuildOptions, build

        options = BuildOptions.full() if args.full else BuildOptions()
        if args.epochs is not None:
            options = replace(options, train=replace(options.train, epochs=args.epochs))
        if args.pii_sentences is not None:
            options = replace(options, data=replace(options.data, pii_sentences=args.pii_sentences))
        build(options, use_cache=not args.no_cache)
    elif args.command == "compare":
        from export.compare import compare as run_compare

        run_compare(args.epochs)
    elif args.command == "bench-triton":
        from export.triton_bench import bench

        bench()
    elif args.command == "latency":
        from export.latency import remeasure

        print(remeasure())
    elif args.command == "neighbours":
        from export.category_neighbours import refit_version
        from export.report import REPORT_DIR, render

        latest = latest_version_dir()
        if latest is None or not _built_version_exists():
            print("no multitask version to fit: run `make models` first", file=sys.stderr)
            return 1
        print(json.dumps(refit_version(latest, REPORT_DIR), indent=1))
        print(render())
    elif args.command == "report":
        from export.report import render

        print(render())
    return 0


if __name__ == "__main__":
    sys.exit(main())
