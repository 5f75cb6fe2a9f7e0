"""Triton Python-backend model: tokenize once, run the exported encoder graph once.

Tokenization lives here (not in the orchestrator) so a request costs one round trip and the
router's event loop never does CPU work. Every graph output named in config.pbtxt becomes a
Triton output of the same name; the PII head's token logits (PII_LOGITS) are decoded here,
with the tokenizer's character offsets, into PII_SPANS: one JSON list per text of
{"type", "start", "end", "score"} with character offsets into the input text. When the version
holds a category bank (the training questions' embeddings, written by the export),
CATEGORY_PROBS is the head's distribution mixed with a vote of the nearest training questions
(see `mix_category`).
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
        self.pii_labels = bio_labels(params.get("pii_labels", ""))
        self.pii_threshold = pii_threshold(version_dir, params.get("pii_threshold", "calibrated"))
        self.config_outputs = [o["name"] for o in config.get("output", [])]
        onnx_file = params.get("onnx_file", "model.onnx")
        threads = int(os.environ.get("ROUTER_ORT_THREADS", params.get("intra_op_threads", "0")))

        self.tokenizer = Tokenizer.from_file(str(version_dir / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=self.max_tokens)
        self.tokenizer.no_padding()  # each length group is padded on its own (_run)

        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        if threads > 0:
            options.intra_op_num_threads = threads
        # Spinning intra-op workers burn a core between parallel sections; with several
        # instances on a small CPU they steal it from the other instance (config.pbtxt).
        spinning = params.get("allow_spinning", "1").strip()
        options.add_session_config_entry("session.intra_op.allow_spinning", spinning)
        wanted = params.get("ort_providers", "CPUExecutionProvider").split(",")
        available = set(ort.get_available_providers())
        providers = [p.strip() for p in wanted if p.strip() in available] or [
            "CPUExecutionProvider"
        ]
        self.session = ort.InferenceSession(
            str(version_dir / onnx_file), options, providers=providers
        )
        self.input_names = {i.name for i in self.session.get_inputs()}
        self.output_names = [o.name for o in self.session.get_outputs()]
        self.neighbours = load_neighbours(
            version_dir, params.get("category_neighbours", "calibrated"), options
        )

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
        """Texts of similar length run together. Padded to the longest text of one batch, a
        long prompt's short texts (edge sentences, routing text) cost as much as its longest
        window: one ~512-token request's eight texts took 280 ms as one batch and 110 ms in
        length groups (ONNX Runtime, 2 threads, 2026-11-22; bench/RESULTS.md)."""
        encodings = self.tokenizer.encode_batch(texts)
        parts: list[dict[str, np.ndarray]] = []
        order: list[int] = []
        for group in length_groups([len(e.ids) for e in encodings]):
            parts.append(self._run_group([encodings[i] for i in group]))
            order.extend(group)
        inverse = np.argsort(np.array(order))
        return {name: np.concatenate([p[name] for p in parts])[inverse] for name in parts[0]}

    def _run_group(self, encodings: list) -> dict[str, np.ndarray]:
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(encodings), width), dtype=np.int64)
        mask = np.zeros((len(encodings), width), dtype=np.int64)
        for row, encoding in enumerate(encodings):
            ids[row, : len(encoding.ids)] = encoding.ids
            mask[row, : len(encoding.ids)] = encoding.attention_mask
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self.input_names:
            feeds["token_type_ids"] = np.zeros_like(ids)
        values = self.session.run(self.output_names, feeds)
        outputs = dict(zip(self.output_names, values, strict=True))
        wanted = self.config_outputs or list(outputs)
        result = {name: outputs[name] for name in wanted if name in outputs}
        if self.neighbours is not None and "CATEGORY_PROBS" in result and "EMBEDDING" in outputs:
            result["CATEGORY_PROBS"] = self.neighbours.mix(
                outputs["CATEGORY_PROBS"], outputs["EMBEDDING"]
            )
        if "PII_SPANS" in wanted and "PII_LOGITS" in outputs:
            spans = [
                json.dumps(
                    decode_pii(
                        outputs["PII_LOGITS"][i],
                        encodings[i].offsets,
                        encodings[i].tokens,
                        self.pii_labels,
                        self.pii_threshold,
                    )
                )
                for i in range(len(encodings))
            ]
            result["PII_SPANS"] = np.array(spans, dtype=object).reshape(-1, 1)
        return result


def length_groups(lengths: list[int]) -> list[list[int]]:
    """Indices grouped by token length, shortest first: a group ends before a text more than
    twice as long as its shortest, so padding at most doubles a text's cost."""
    groups: list[list[int]] = []
    for index in sorted(range(len(lengths)), key=lambda i: lengths[i]):
        if groups and lengths[index] <= 2 * lengths[groups[-1][0]]:
            groups[-1].append(index)
        else:
            groups.append([index])
    return groups


def pii_threshold(version_dir: Path, setting: str) -> float:
    """The entity-probability threshold: a number from config.pbtxt, or `calibrated` for the
    one the export fitted on the validation split (written to the version's manifest)."""
    if setting.strip() != "calibrated":
        return float(setting)
    manifest = version_dir / "manifest.json"
    if manifest.is_file():
        value = json.loads(manifest.read_text()).get("calibration", {}).get("pii_threshold")
        if value is not None:
            return float(value)
    return 0.5


CATEGORY_BANK = "category_bank.onnx"


class Neighbours:
    """The category bank and the mix fitted for it on the validation split (manifest).

    The bank is a small ONNX graph written by the export: the training questions' embeddings
    as an int8 matrix, EMBEDDING @ bank^T, TopK, and the top rows' category ids. In ONNX
    Runtime it costs 0.6 ms per text after an encoder pass, against 2.2 ms for the same
    product in numpy with an fp32 bank, which the encoder's weights push out of the cache
    (2 threads, 2026-11-22, bench/RESULTS.md)."""

    def __init__(self, session, settings: dict) -> None:
        self.session = session
        self.temperature = float(settings["temperature"])
        self.weight = float(settings["weight"])
        self.mix_temperature = float(settings.get("mix_temperature", 1.0))

    def votes(self, embeddings: np.ndarray, classes: int) -> np.ndarray:
        sims, labels = self.session.run(
            ["top_sims", "top_labels"], {"EMBEDDING": np.asarray(embeddings, dtype=np.float32)}
        )
        return neighbour_vote(sims, labels, classes, self.temperature)

    def mix(self, head: np.ndarray, embeddings: np.ndarray) -> np.ndarray:
        votes = self.votes(embeddings, head.shape[1])
        return mix_category(head, votes, self.weight, self.mix_temperature)


def load_neighbours(
    version_dir: Path, setting: str, options: ort.SessionOptions | None = None
) -> Neighbours | None:
    """`calibrated` uses the version's bank with the mix in its manifest; `off` (or a version
    without a bank) serves the head alone."""
    manifest = version_dir / "manifest.json"
    bank = version_dir / CATEGORY_BANK
    if setting.strip() == "off" or not bank.is_file() or not manifest.is_file():
        return None
    settings = json.loads(manifest.read_text()).get("calibration", {}).get("category_neighbours")
    if not settings:
        return None
    session = ort.InferenceSession(str(bank), options, providers=["CPUExecutionProvider"])
    return Neighbours(session, settings)


def neighbour_vote(
    top_sims: np.ndarray, top_labels: np.ndarray, classes: int, temperature: float
) -> np.ndarray:
    """The k most similar bank questions (cosine: both sides are unit length) vote for their
    category with weight exp(similarity / temperature)."""
    weights = np.exp((top_sims - top_sims.max(1, keepdims=True)) / temperature)
    votes = np.zeros((len(top_sims), classes), dtype=np.float64)
    rows = np.repeat(np.arange(len(top_sims)), top_sims.shape[1])
    np.add.at(votes, (rows, top_labels.ravel()), weights.ravel())
    return votes / votes.sum(1, keepdims=True)


def mix_category(
    head: np.ndarray, votes: np.ndarray, weight: float, temperature: float = 1.0
) -> np.ndarray:
    """Weighted geometric mean of the head's probabilities and the neighbours' vote, then
    temperature-scaled. The floor on the vote keeps a category no neighbour named possible
    when the head is sure of it."""
    logits = (1.0 - weight) * np.log(np.asarray(head, dtype=np.float64) + 1e-6) + weight * np.log(
        votes + 1e-3
    )
    return softmax(logits / temperature).astype(np.float32)


def bio_labels(types_csv: str) -> list[str]:
    """The PII head's logit order: O, then B-/I- per type in config order."""
    types = [t.strip() for t in types_csv.split(",") if t.strip()]
    return ["O", *(f"{p}-{t}" for t in types for p in ("B", "I"))]


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(-1, keepdims=True))
    return shifted / shifted.sum(-1, keepdims=True)


def entity_probability(probs: np.ndarray) -> np.ndarray:
    """P(token is part of any entity) = 1 - P(O), per token: the score PII decisions use."""
    return 1.0 - probs[..., 0]


def decode_pii(
    logits: np.ndarray,
    offsets: list[tuple[int, int]],
    tokens: list[str],
    labels: list[str],
    threshold: float = 0.5,
) -> list[dict]:
    """Group BIO token tags into character spans.

    A token is inside an entity when 1 - P(O) >= threshold, so the threshold trades recall
    against false alarms on one calibrated scale (the export fits it on the validation split);
    its type is the type whose B- and I- probabilities sum highest, which keeps a token whose
    mass is split between two types from being lost to O. An I- token continues a span of the
    same type (a stray I- starts one, as most taggers do); a word piece ("##...") joins the open
    span of its word whatever its own score, so a span never ends inside a word. The score is
    the mean entity probability of the span's tokens that passed the threshold. Special and
    padding tokens have empty offsets and are skipped.
    """
    probs = softmax(logits)
    entity = entity_probability(probs)
    pairs = probs[:, 1:].reshape(len(probs), -1, 2)  # (tokens, types, B/I)
    types = pairs.sum(-1).argmax(-1)
    spans: list[dict] = []
    current: dict | None = None
    scores: list[float] = []

    def close() -> None:
        if current is not None:
            spans.append({**current, "score": round(float(np.mean(scores)), 4)})

    for i, (start, end) in enumerate(offsets):
        if i >= len(probs) or end <= start:
            continue
        score = float(entity[i])
        piece = tokens[i].startswith("##")
        kind = labels[1 + 2 * int(types[i])][2:] if 1 + 2 * int(types[i]) < len(labels) else ""
        inside = score >= threshold and bool(kind)
        begins = bool(pairs[i, types[i], 0] >= pairs[i, types[i], 1])
        if current is not None and (piece or (inside and not begins and kind == current["type"])):
            current["end"] = int(end)
            if inside:
                scores.append(score)
            continue
        close()
        current, scores = None, []
        if inside:
            current, scores = {"type": kind, "start": int(start), "end": int(end)}, [score]
    close()
    return spans
