"""`python -m export ...`: build the models the router serves from Triton."""

from __future__ import annotations

import argparse
import sys

from export.repository import latest_version_dir


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m export", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    embedder = sub.add_parser("embedder", help="export the base sentence encoder (no heads)")
    embedder.add_argument("--if-missing", action="store_true", help="skip if a version exists")
    args = parser.parse_args(argv)

    if args.command == "embedder":
        if args.if_missing and latest_version_dir() is not None:
            print(f"model present: {latest_version_dir()}")
            return 0
        from export.embedder import export_embedder

        print(f"exported {export_embedder()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
