"""A built version keyed by what produced it, so a fresh clone on this machine reuses it."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

from export.category_neighbours import BANK_FILE

EXPORT_DIR = Path(__file__).resolve().parent
CACHED_FILES = (
    "model.onnx",
    "tokenizer.json",
    BANK_FILE,
    "manifest.json",
    "metrics.json",
)
# Modules that only read or present results; editing them does not change the model.
NOT_HASHED = {"cache.py", "compare.py", "report.py", "triton_bench.py", "__main__.py"}


def cache_root() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "semantic-router" / "models"


def content_hash(options: dict) -> str:
    """sha256 of the vendored data, the code that builds the model and the build options."""
    digest = hashlib.sha256(json.dumps(options, sort_keys=True).encode())
    files = [p for p in EXPORT_DIR.rglob("*") if p.is_file()]
    for path in sorted(files):
        rel = path.relative_to(EXPORT_DIR)
        if rel.parts[0] == "report" or "__pycache__" in rel.parts or str(rel) in NOT_HASHED:
            continue
        if (
            path.suffix not in (".py", ".csv", ".json", ".jsonl", ".txt", ".md")
            or rel.name == "REPORT.md"
        ):
            continue
        digest.update(str(rel).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:20]


def lookup(key: str) -> Path | None:
    folder = cache_root() / key
    return folder if all((folder / f).is_file() for f in CACHED_FILES) else None


def store(key: str, files: dict[str, Path]) -> Path:
    """Copy into a temporary folder and rename, so a half-written entry is never a hit."""
    root = cache_root()
    root.mkdir(parents=True, exist_ok=True)
    staging = root / f".{key}.tmp"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    for name, source in files.items():
        shutil.copy2(source, staging / name)
    target = root / key
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
    return target
