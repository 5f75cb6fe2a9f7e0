"""Publishing a model version into the Triton repository without Triton ever seeing half of it."""

from __future__ import annotations

import json
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent / "model_repository"
MODEL_NAME = "router_encoder"
TRITON_MODEL_SOURCE = Path(__file__).resolve().parent / "triton_model" / "model.py"


def versions(model_dir: Path) -> list[int]:
    if not model_dir.is_dir():
        return []
    return sorted(int(p.name) for p in model_dir.iterdir() if p.is_dir() and p.name.isdigit())


def latest_version_dir(repository: Path = REPOSITORY, model: str = MODEL_NAME) -> Path | None:
    found = versions(repository / model)
    return repository / model / str(found[-1]) if found else None


def publish_version(
    files: dict[str, Path],
    manifest: dict,
    repository: Path = REPOSITORY,
    model: str = MODEL_NAME,
    keep: int = 2,
) -> Path:
    """Write a new numbered version next to the old ones; Triton's poll picks it up.

    The version is assembled in a temporary folder and renamed into place, so a polling
    Triton never loads a version with missing files. Only the newest `keep` versions stay.
    """
    model_dir = repository / model
    model_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=model_dir))
    staging.chmod(0o755)
    for name, source in {"model.py": TRITON_MODEL_SOURCE, **files}.items():
        shutil.copy2(source, staging / name)
    manifest = {**manifest, "exported_at": datetime.now(UTC).isoformat(timespec="seconds")}
    (staging / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    number = (versions(model_dir) or [0])[-1] + 1
    target = model_dir / str(number)
    staging.rename(target)
    for old in versions(model_dir)[:-keep]:
        shutil.rmtree(model_dir / str(old), ignore_errors=True)
    return target
