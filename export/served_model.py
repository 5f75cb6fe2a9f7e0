"""Import the Triton model.py outside Triton, so evaluation and tests use the served decoding."""

from __future__ import annotations

import importlib.util
import sys
import types
from pathlib import Path

from export.repository import TRITON_MODEL_SOURCE


def load_model_module(path: Path = TRITON_MODEL_SOURCE) -> types.ModuleType:
    if "triton_python_backend_utils" not in sys.modules:
        sys.modules["triton_python_backend_utils"] = types.ModuleType("triton_python_backend_utils")
    spec = importlib.util.spec_from_file_location("router_triton_model", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
