"""One structured JSON line per request: the raw material for audits and the feedback loop.

Lines go through a queue to a background thread, so writing never blocks the event loop.
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import queue
import sys
import time
from typing import Any

from orchestrator.config import DecisionLogConfig
from orchestrator.extproc.state import StreamState


def decision_record(state: StreamState, include_prompt: bool) -> dict[str, Any]:
    decision = state.decision
    record: dict[str, Any] = {
        "ts": round(time.time(), 3),
        "request_id": state.request_id,
        "method": state.method,
        "path": state.path,
        "requested_model": state.requested_model,
        "model": decision.model if decision else None,
        "category": decision.category if decision else None,
        "confidence": decision.confidence if decision else None,
        "path_decided": decision.path.value if decision else None,
        "endpoint": state.endpoint,
        "stream": state.stream,
        "guard": state.guard,
        "pii": state.pii,
        "cache": state.cache,
        "error": state.error,
        "upstream_status": state.upstream_status,
        "prompt_tokens": state.usage.prompt_tokens if state.usage else None,
        "completion_tokens": state.usage.completion_tokens if state.usage else None,
        "timings_ms": state.timings_ms,
    }
    if include_prompt:
        record["prompt"] = state.prompt
    return record


class DecisionLog:
    def __init__(self, config: DecisionLogConfig) -> None:
        self.config = config
        self.logger = logging.getLogger(f"orchestrator.decisions.{id(self)}")
        self.logger.propagate = False
        self.logger.setLevel(logging.INFO)
        if config.output == "stdout":
            target: logging.Handler = logging.StreamHandler(sys.stdout)
        else:
            target = logging.FileHandler(config.output, encoding="utf-8")
        target.setFormatter(logging.Formatter("%(message)s"))
        messages: queue.Queue[logging.LogRecord] = queue.Queue()
        self.logger.addHandler(logging.handlers.QueueHandler(messages))
        self.listener = logging.handlers.QueueListener(messages, target)
        self.listener.start()

    def write(self, state: StreamState) -> None:
        if self.config.enabled:
            record = decision_record(state, self.config.include_prompt)
            self.logger.info(json.dumps(record, ensure_ascii=False, default=str))

    def close(self) -> None:
        self.listener.stop()
