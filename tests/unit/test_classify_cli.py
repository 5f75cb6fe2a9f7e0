import json

import numpy as np

from orchestrator.classification import cli_record
from orchestrator.classify_cli import read_texts
from orchestrator.config import RouterConfig
from orchestrator.signals import PiiSpan, TextSignals


def test_read_texts_keeps_order_and_reports_bad_lines() -> None:
    lines = ['{"text": "a"}', "", "not json", '{"txt": 1}', '{"text": "b", "id": 7}']
    items = read_texts(lines)
    assert items[0] == "a" and items[3] == "b"
    assert items[1] == {"error": "line 3: not JSON (Expecting value)"}
    assert items[2] == {"error": "line 4: no string field 'text'"}


def test_record_has_the_documented_fields(router_config: RouterConfig) -> None:
    signals = TextSignals(
        embedding=np.zeros(3),
        category={"math": 0.9, "law": 0.1},
        guard={"benign": 0.2, "jailbreak": 0.8},
        pii=(PiiSpan("EMAIL_ADDRESS", 4, 15, 0.99),),
    )
    record = cli_record(signals, router_config)
    assert list(record) == ["category", "confidence", "probabilities", "jailbreak", "guard", "pii"]
    assert record["category"] == "math" and record["jailbreak"] is True
    assert record["pii"] == [
        {"type": "EMAIL_ADDRESS", "start": 4, "end": 15, "score": 0.99, "source": "model"}
    ]
    json.dumps(record)
