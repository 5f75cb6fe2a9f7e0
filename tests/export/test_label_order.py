from __future__ import annotations

from pathlib import Path

import pytest

from export.labels import CATEGORY_LABELS, GUARD_LABELS, PII_TYPES
from export.triton_config import CONFIG_PATH, check_labels, config_outputs

HEADS = {"category": CATEGORY_LABELS, "guard": GUARD_LABELS, "pii": PII_TYPES}


@pytest.mark.parametrize("path", [CONFIG_PATH, CONFIG_PATH.parent / "configs" / "gpu.pbtxt"])
def test_configs_match_trained_label_order(path: Path) -> None:
    check_labels(HEADS, path)
    assert config_outputs(path) == ["EMBEDDING", "CATEGORY_PROBS", "GUARD_PROBS", "PII_SPANS"]


def test_swapped_labels_are_rejected(tmp_path: Path) -> None:
    text = CONFIG_PATH.read_text().replace("benign,jailbreak", "jailbreak,benign")
    bad = tmp_path / "config.pbtxt"
    bad.write_text(text)
    with pytest.raises(ValueError, match="guard_labels"):
        check_labels(HEADS, bad)
