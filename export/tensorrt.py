"""TensorRT: ONNX Runtime TensorRT execution-provider settings when `tensorrt` is importable."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

TRT_OPTIONS_FILE = "tensorrt_ep.json"


def write_tensorrt_settings(target_dir: Path) -> Path | None:
    """Write EP options beside the model, or print why not (this machine has no GPU)."""
    if importlib.util.find_spec("tensorrt") is None:
        print("tensorrt not importable: skipping the TensorRT engine / EP settings")
        return None
    options = {
        "provider": "TensorrtExecutionProvider",
        "options": {
            "trt_fp16_enable": True,
            "trt_engine_cache_enable": True,
            "trt_engine_cache_path": "trt_cache",
            "trt_profile_min_shapes": "input_ids:1x1,attention_mask:1x1",
            "trt_profile_opt_shapes": "input_ids:16x64,attention_mask:16x64",
            "trt_profile_max_shapes": "input_ids:64x256,attention_mask:64x256",
        },
        "fallback": ["CUDAExecutionProvider", "CPUExecutionProvider"],
    }
    path = target_dir / TRT_OPTIONS_FILE
    path.write_text(json.dumps(options, indent=2) + "\n")
    print(f"tensorrt found: wrote ONNX Runtime TensorRT EP settings to {path}")
    return path
