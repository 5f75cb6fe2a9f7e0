"""Label lists in config.pbtxt: the orchestrator trusts them, so the export checks them."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from export.repository import MODEL_NAME, REPOSITORY

CONFIG_PATH = REPOSITORY / MODEL_NAME / "config.pbtxt"
_PARAM = re.compile(
    r'parameters\s*:?\s*\{\s*key\s*:\s*"([^"]+)"\s*,?\s*value\s*:\s*\{\s*string_value\s*:\s*"([^"]*)"',
)
_OUTPUT = re.compile(r'name\s*:\s*"([A-Z_]+)"\s*,\s*data_type')


def config_parameters(path: Path = CONFIG_PATH) -> dict[str, str]:
    return dict(_PARAM.findall(path.read_text()))


def config_outputs(path: Path = CONFIG_PATH) -> list[str]:
    text = path.read_text()
    block = re.search(r"^output\s*\[(.*?)^\]", text, re.S | re.M)
    return _OUTPUT.findall(block.group(1)) if block else []


def check_labels(heads: dict[str, Sequence[str]], path: Path = CONFIG_PATH) -> None:
    """Raise if a head's label order differs from the config's `<head>_labels` parameter."""
    params = config_parameters(path)
    for head, labels in heads.items():
        key = f"{head}_labels"
        configured = [x.strip() for x in params.get(key, "").split(",") if x.strip()]
        if configured != list(labels):
            raise ValueError(f"{path}: {key} is {configured}, the trained head has {list(labels)}")
