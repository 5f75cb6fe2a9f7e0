"""Triton Python-backend model: tokenize once, run the exported encoder graph once.

Tokenization lives here (not in the orchestrator) so a request costs one round trip and the
router's event loop never does CPU work. Every graph output becomes a Triton output of the
same name, so new heads need a new ONNX file and config, not new code.
"""

from __future__ import annotations

import json
import os
import site
import sys
from pathlib import Path

# The Python-backend stub starts an isolated interpreter that ignores PYTHONPATH; the local
# launcher names the router's virtual environment here instead (unset in container images).
# It goes first on the path: the stub is built against numpy 1.x and garbles tensors when the
# base interpreter's numpy 2 is imported instead.
for _path in reversed(os.environ.get("ROUTER_MODEL_SITE_PACKAGES", "").split(os.pathsep)):
    if _path:
        sys.path.insert(0, _path)
        site.addsitedir(_path)

import numpy as np  # noqa: E402
import onnxruntime as ort  # noqa: E402
import triton_python_backend_utils as pb_utils  # noqa: E402
from tokenizers import Tokenizer  # noqa: E402


class TritonPythonModel:
    def initialize(self, args: dict) -> None:
        version_dir = Path(args["model_repository"]) / args["model_version"]
        config = json.loads(args["model_config"])
        params = {k: v["string_value"] for k, v in config.get("parameters", {}).items()}
        self.max_tokens = int(params.get("max_tokens", "256"))
        onnx_file = params.get("onnx_file", "model.onnx")
        threads = int(os.environ.get("ROUTER_ORT_THREADS", params.get("intra_op_threads", "0")))

        self.tokenizer = Tokenizer.from_file(str(version_dir / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=self.max_tokens)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")

        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        if threads > 0:
            options.intra_op_num_threads = threads
        self.session = ort.InferenceSession(
            str(version_dir / onnx_file), options, providers=["CPUExecutionProvider"]
        )
        self.input_names = {i.name for i in self.session.get_inputs()}
        self.output_names = [o.name for o in self.session.get_outputs()]

    def execute(self, requests: list) -> list:
        texts: list[str] = []
        counts: list[int] = []
        for request in requests:
            rows = pb_utils.get_input_tensor_by_name(request, "TEXT").as_numpy().reshape(-1)
            decoded = [row.decode("utf-8", "replace") for row in rows]
            texts.extend(decoded)
            counts.append(len(decoded))

        outputs = self._run(texts)
        responses = []
        start = 0
        for count in counts:
            tensors = [
                pb_utils.Tensor(name, np.ascontiguousarray(value[start : start + count]))
                for name, value in outputs.items()
            ]
            responses.append(pb_utils.InferenceResponse(output_tensors=tensors))
            start += count
        return responses

    def _run(self, texts: list[str]) -> dict[str, np.ndarray]:
        encodings = self.tokenizer.encode_batch(texts)
        feeds = {
            "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
        }
        if "token_type_ids" in self.input_names:
            feeds["token_type_ids"] = np.zeros_like(feeds["input_ids"])
        values = self.session.run(self.output_names, feeds)
        return dict(zip(self.output_names, values, strict=True))
