import json

import numpy as np
import pytest

from orchestrator.config import GuardConfig
from orchestrator.guard import guard_verdict
from orchestrator.signals import ModelHeads, SignalError, _text_signals

MODEL_CONFIG = {
    "output": [{"name": n} for n in ("EMBEDDING", "CATEGORY_PROBS", "GUARD_PROBS", "PII_SPANS")],
    "parameters": {
        "category_labels": {"string_value": "math, law"},
        "guard_labels": {"string_value": "benign,jailbreak,harmful"},
        "pii_labels": {"string_value": "PERSON"},
        "max_tokens": {"string_value": "256"},
    },
}


def test_heads_read_from_triton_model_config() -> None:
    heads = ModelHeads.from_model_config(MODEL_CONFIG)
    assert heads.category_labels == ("math", "law")
    assert heads.guard_labels == ("benign", "jailbreak", "harmful")
    assert "PII_SPANS" in heads.outputs


def test_text_signals_labels_scores_and_parses_spans() -> None:
    heads = ModelHeads.from_model_config(MODEL_CONFIG)
    spans = json.dumps([{"type": "PERSON", "start": 3, "end": 8, "score": 0.97}]).encode()
    arrays = {
        "EMBEDDING": np.ones((1, 4), dtype=np.float32),
        "CATEGORY_PROBS": np.array([[0.2, 0.8]], dtype=np.float32),
        "GUARD_PROBS": np.array([[0.1, 0.7, 0.2]], dtype=np.float32),
        "PII_SPANS": np.array([[spans]], dtype=object),
    }
    signals = _text_signals(arrays, 0, heads)
    assert signals.top_category() == ("law", pytest.approx(0.8))
    assert signals.guard["jailbreak"] == pytest.approx(0.7)
    assert [(s.type, s.start, s.end, s.source) for s in signals.pii] == [("PERSON", 3, 8, "model")]


def test_label_count_mismatch_is_a_signal_error() -> None:
    heads = ModelHeads.from_model_config(MODEL_CONFIG)
    arrays = {"EMBEDDING": np.ones((1, 4)), "CATEGORY_PROBS": np.ones((1, 3))}
    with pytest.raises(SignalError, match="3 scores for 2 labels"):
        _text_signals(arrays, 0, heads)


def test_guard_sums_enabled_attack_labels() -> None:
    scores = {"benign": 0.4, "jailbreak": 0.35, "prompt_injection": 0.25}
    verdict = guard_verdict(scores, GuardConfig(threshold=0.5))
    assert verdict.attack and verdict.label == "jailbreak"
    assert verdict.score == pytest.approx(0.6)
    only_injection = guard_verdict(scores, GuardConfig(threshold=0.5, labels=["prompt_injection"]))
    assert not only_injection.attack
    assert guard_verdict({}, GuardConfig()).label is None
