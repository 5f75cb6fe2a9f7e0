from __future__ import annotations

import numpy as np
from tokenizers import Tokenizer

from export.labels import PII_TYPES
from export.served_model import load_model_module

SERVED = load_model_module()
LABELS = SERVED.bio_labels(",".join(PII_TYPES))


def _logits(tags: list[str], confidence: float = 6.0) -> np.ndarray:
    out = np.zeros((len(tags), len(LABELS)), dtype=np.float32)
    for i, tag in enumerate(tags):
        out[i, LABELS.index(tag)] = confidence
    return out


def test_decode_joins_b_i_and_word_pieces(tokenizer: Tokenizer) -> None:
    text = "Email Zbigniew at zb@ex.com"
    enc = tokenizer.encode(text)
    tags = []
    for token, (s, _e) in zip(enc.tokens, enc.offsets, strict=True):
        if token in ("[CLS]", "[SEP]"):
            tags.append("O")
        elif s == text.index("Zbigniew"):
            tags.append("B-PERSON")
        elif s >= text.index("zb@"):
            tags.append("B-EMAIL_ADDRESS" if s == text.index("zb@") else "I-EMAIL_ADDRESS")
        else:
            tags.append("O")  # word pieces of Zbigniew are tagged O but must still join
    spans = SERVED.decode_pii(_logits(tags), enc.offsets, enc.tokens, LABELS)
    assert [(s["type"], text[s["start"] : s["end"]]) for s in spans] == [
        ("PERSON", "Zbigniew"),
        ("EMAIL_ADDRESS", "zb@ex.com"),
    ]
    assert all(0.5 < s["score"] <= 1 for s in spans)


def test_decode_threshold_and_no_pii(tokenizer: Tokenizer) -> None:
    enc = tokenizer.encode("How do I sort a list?")
    assert SERVED.decode_pii(_logits(["O"] * len(enc.ids)), enc.offsets, enc.tokens, LABELS) == []
    tags = ["O"] * len(enc.ids)
    tags[2] = "B-PERSON"
    assert SERVED.decode_pii(_logits(tags), enc.offsets, enc.tokens, LABELS, threshold=0.5)
    assert SERVED.decode_pii(_logits(tags), enc.offsets, enc.tokens, LABELS, threshold=1.1) == []


def _probs_to_logits(rows: list[dict[str, float]]) -> np.ndarray:
    out = np.full((len(rows), len(LABELS)), 1e-6, dtype=np.float64)
    for i, row in enumerate(rows):
        for tag, p in row.items():
            out[i, LABELS.index(tag)] = p
    return np.log(out / out.sum(1, keepdims=True)).astype(np.float32)


def test_threshold_is_on_entity_probability_and_types_sum_b_and_i(tokenizer: Tokenizer) -> None:
    text = "call Jordan now"
    enc = tokenizer.encode(text)
    assert enc.tokens[:5] == ["[CLS]", "call", "jordan", "now", "[SEP]"]
    # "jordan": O 0.4; PERSON's B+I (0.25 + 0.15) beats GPE's B (0.2) though B-GPE > each.
    unsure = {"O": 0.4, "B-PERSON": 0.25, "I-PERSON": 0.15, "B-GPE": 0.2}
    rows = [{"O": 1.0}, {"O": 0.99}, unsure, {"O": 0.97}] + [{"O": 1.0}] * (len(enc.ids) - 4)
    logits = _probs_to_logits(rows)
    caught = SERVED.decode_pii(logits, enc.offsets, enc.tokens, LABELS, threshold=0.5)
    assert [(s["type"], text[s["start"] : s["end"]]) for s in caught] == [("PERSON", "Jordan")]
    assert abs(caught[0]["score"] - 0.6) < 1e-3
    assert SERVED.decode_pii(logits, enc.offsets, enc.tokens, LABELS, threshold=0.7) == []
    assert abs(float(SERVED.entity_probability(SERVED.softmax(logits))[2]) - 0.6) < 1e-3


def test_threshold_comes_from_the_manifest_when_calibrated(tmp_path) -> None:
    assert SERVED.pii_threshold(tmp_path, "calibrated") == 0.5
    (tmp_path / "manifest.json").write_text('{"calibration": {"pii_threshold": 0.31}}')
    assert SERVED.pii_threshold(tmp_path, "calibrated") == 0.31
    assert SERVED.pii_threshold(tmp_path, "0.7") == 0.7


def test_stray_i_tag_starts_a_span(tokenizer: Tokenizer) -> None:
    text = "meet Paris"
    enc = tokenizer.encode(text)
    tags = ["O", "O", "I-GPE", "O"]
    spans = SERVED.decode_pii(_logits(tags), enc.offsets, enc.tokens, LABELS)
    assert [(s["type"], text[s["start"] : s["end"]]) for s in spans] == [("GPE", "Paris")]


def test_length_groups_keep_padding_under_double() -> None:
    assert SERVED.length_groups([256, 14, 133, 34, 131, 77, 132, 133]) == [
        [1],
        [3],
        [5, 4, 6, 2, 7],
        [0],
    ]
    assert SERVED.length_groups([64]) == [[0]]


class _EchoSession:
    """Stands in for ONNX Runtime: each row's outputs are made from its own tokens only, so a
    row padded differently or put back in the wrong place gives different numbers."""

    def __init__(self) -> None:
        self.widths: list[int] = []

    def run(self, names: list[str], feeds: dict[str, np.ndarray]) -> list[np.ndarray]:
        ids, mask = feeds["input_ids"], feeds["attention_mask"]
        self.widths.append(ids.shape[1])
        summary = (ids * mask).sum(1, keepdims=True).astype(np.float32)
        pii = np.zeros((*ids.shape, len(LABELS)), dtype=np.float32)
        pii[..., 0] = 6.0  # every token O
        return [np.repeat(summary, 4, axis=1), mask.sum(1, keepdims=True).astype(np.float32), pii]


def test_length_groups_run_apart_and_come_back_in_order(tokenizer: Tokenizer) -> None:
    model = SERVED.TritonPythonModel()
    model.tokenizer = tokenizer
    model.tokenizer.no_padding()
    model.session = _EchoSession()
    model.input_names = {"input_ids", "attention_mask"}
    model.output_names = ["GUARD_PROBS", "LENGTH", "PII_LOGITS"]
    model.config_outputs = ["GUARD_PROBS", "LENGTH", "PII_SPANS"]
    model.pii_labels, model.pii_threshold = LABELS, 0.5
    model.neighbours = None
    texts = ["word " * 100, "short one", "a bit longer text than that", "word " * 20]
    out = model._run(texts)
    for i, text in enumerate(texts):
        encoding = tokenizer.encode(text)
        assert out["LENGTH"][i, 0] == len(encoding.ids)
        assert out["GUARD_PROBS"][i, 0] == sum(encoding.ids)
        assert out["PII_SPANS"][i, 0] == "[]"
    assert len(model.session.widths) > 1 and max(model.session.widths) == len(
        tokenizer.encode(texts[0]).ids
    )
