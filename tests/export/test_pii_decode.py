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


def test_decode_drops_low_scores_and_handles_no_pii(tokenizer: Tokenizer) -> None:
    enc = tokenizer.encode("How do I sort a list?")
    assert SERVED.decode_pii(_logits(["O"] * len(enc.ids)), enc.offsets, enc.tokens, LABELS) == []
    tags = ["O"] * len(enc.ids)
    tags[2] = "B-PERSON"
    weak = _logits(tags, confidence=0.05)
    assert SERVED.decode_pii(weak, enc.offsets, enc.tokens, LABELS, min_score=0.5) == []


def test_stray_i_tag_starts_a_span(tokenizer: Tokenizer) -> None:
    text = "meet Paris"
    enc = tokenizer.encode(text)
    tags = ["O", "O", "I-GPE", "O"]
    spans = SERVED.decode_pii(_logits(tags), enc.offsets, enc.tokens, LABELS)
    assert [(s["type"], text[s["start"] : s["end"]]) for s in spans] == [("GPE", "Paris")]
