"""The serving requirements, pinned to the versions installed in the running environment.

Serving needs pyproject's dependencies plus the `stack` extra (Triton and Envoy binaries),
never the `export` extra (no torch). The images install exactly the versions that the tests
ran with in .venv: this walks the installed distributions from those requirements (extras
and markers included) and prints `name==version` for the whole closure.

    .venv/bin/python deploy/images/requirements.py stack > requirements.txt
"""

from __future__ import annotations

import sys
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = {"torch", "torchvision", "transformers"}


def serving_requirements(extras: list[str], pyproject: Path = ROOT / "pyproject.toml") -> list[str]:
    project = tomllib.loads(pyproject.read_text())["project"]
    optional = project.get("optional-dependencies", {})
    unknown = [extra for extra in extras if extra not in optional]
    if unknown:
        raise SystemExit(f"pyproject.toml has no extra {', '.join(unknown)}")
    requirements = list(project["dependencies"])
    for extra in extras:
        requirements += optional[extra]
    return requirements


def pinned_closure(requirements: list[str]) -> dict[str, str]:
    """{distribution name: installed version} for the requirements and all they pull in."""
    pins: dict[str, str] = {}
    seen: set[tuple[str, str]] = set()
    queue = [Requirement(text) for text in requirements]
    while queue:
        requirement = queue.pop()
        name = canonicalize_name(requirement.name)
        extras = ("", *sorted(requirement.extras))
        if all((name, extra) in seen for extra in extras):
            continue
        seen.update((name, extra) for extra in extras)
        try:
            distribution = metadata.distribution(name)
        except metadata.PackageNotFoundError as error:
            raise SystemExit(f"{requirement} is not installed in {sys.prefix}") from error
        if not requirement.specifier.contains(distribution.version, prereleases=True):
            # The image follows the tested environment, not the declared range; say so.
            print(f"note: {name} {distribution.version} is outside {requirement}", file=sys.stderr)
        pins[name] = distribution.version
        for text in distribution.requires or []:
            child = Requirement(text)
            if child.marker is None or any(child.marker.evaluate({"extra": e}) for e in extras):
                queue.append(child)
    forbidden = FORBIDDEN & set(pins)
    if forbidden:
        raise SystemExit(f"serving must not need {', '.join(sorted(forbidden))}")
    return dict(sorted(pins.items()))


if __name__ == "__main__":
    pins = pinned_closure(serving_requirements(sys.argv[1:]))
    print("\n".join(f"{name}=={version}" for name, version in pins.items()))
