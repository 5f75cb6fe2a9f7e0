from __future__ import annotations

import numpy as np
import pytest
from tokenizers import Tokenizer

from export.bio import IGNORE, align_spans
from export.labels import PII_BIO_LABELS, PII_TYPES
from export.served_model import load_model_module

SERVED = load_model_module()
LABELS = SERVED.bio_labels(",".join(PII_TYPES))


def _one_hot(ids: list[int]) -> np.ndarray:
    logits = np.full((len(ids), len(LABELS)), -5.0, dtype=np.float32)
    for i, label in enumerate(ids):
        logits[i, 0 if label == IGNORE else label] = 5.0
    return logits


def test_served_label_order_matches_training() -> None:
    assert tuple(LABELS) == PII_BIO_LABELS


def test_align_marks_first_token_b_and_rest_i(tokenizer: Tokenizer) -> None:
    text = "Call Johnathan Smithers at john.smithers@example.com today"
    start = text.index("Johnathan")
    end = start + len("Johnathan Smithers")
    email = text.index("john.")
    spans = [
        (start, end, "PERSON"),
        (email, email + len("john.smithers@example.com"), "EMAIL_ADDRESS"),
    ]
    enc = tokenizer.encode(text)
    labels = align_spans(enc.offsets, enc.special_tokens_mask, spans)
    names = [PII_BIO_LABELS[x] if x != IGNORE else None for x in labels]
    assert names[0] is None and names[-1] is None  # [CLS], [SEP]
    person = [n for n, (s, e) in zip(names, enc.offsets, strict=True) if start <= s < end]
    assert person[0] == "B-PERSON" and set(person[1:]) == {"I-PERSON"}
    assert names.count("B-EMAIL_ADDRESS") == 1
    assert names[1] == "O"


def test_generated_sample_round_trips_through_decoder(tokenizer: Tokenizer) -> None:
    pytest.importorskip("presidio_evaluator")
    from export.datasets.pii import generated_splits

    samples = generated_splits(60)["train"][:40]
    checked = 0
    for example in samples:
        enc = tokenizer.encode(example.text)
        labels = align_spans(enc.offsets, enc.special_tokens_mask, example.pii_spans or ())
        spans = SERVED.decode_pii(_one_hot(labels), enc.offsets, enc.tokens, LABELS)
        got = {(s["type"], s["start"], s["end"]) for s in spans}
        for start, end, kind in example.pii_spans or ():
            # Gold spans cover whole tokens here, so decoding gives their exact offsets back
            # (adjacent spans of one type may merge, as BIO cannot always separate them).
            assert any(k == kind and s <= start and e >= end for k, s, e in got), example.text
            checked += 1
    assert checked > 10
