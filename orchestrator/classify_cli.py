"""`python -m orchestrator classify FILE`: the router's signals for each line of a JSONL file.

This is how accuracy is measured from outside, so the output format is stable:
one JSON object per input line, in order, with `category`, `confidence`, `probabilities`,
`jailbreak`, `guard` and `pii` (or `error` for a line that has no usable `text`).
"""

from __future__ import annotations

import json
import sys
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TextIO

from orchestrator.classification import cli_record
from orchestrator.config import RouterConfig
from orchestrator.signals import EncoderClient, SignalError, TextSignals

BATCH = 32


def read_texts(lines: Iterable[str]) -> list[str | dict[str, str]]:
    """Each line's text, or an error record saying why the line cannot be classified."""
    items: list[str | dict[str, str]] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            items.append({"error": f"line {number}: not JSON ({error.msg})"})
            continue
        text = record.get("text") if isinstance(record, dict) else None
        if not isinstance(text, str):
            items.append({"error": f"line {number}: no string field 'text'"})
            continue
        items.append(text)
    return items


@asynccontextmanager
async def connected_encoder(config: RouterConfig, workdir: Path) -> AsyncIterator[EncoderClient]:
    """The configured Triton if it answers, otherwise a local one started for this run."""
    encoder = EncoderClient(config.triton.url, config.triton.model, config.triton.timeout_s * 10)
    try:
        await encoder.wait_ready(2.0)
        yield encoder
        return
    except SignalError:
        await encoder.close()
    from stack.triton import TritonServer

    print(f"no Triton at {config.triton.url}; starting a local one", file=sys.stderr)
    server = TritonServer(log_path=workdir / "classify-triton.log")
    server.start(timeout=config.triton.startup_timeout_s, wait_for=(config.triton.model,))
    encoder = EncoderClient(server.grpc_url, config.triton.model, config.triton.timeout_s * 10)
    try:
        await encoder.wait_ready(config.triton.startup_timeout_s)
        yield encoder
    finally:
        await encoder.close()
        server.stop()


async def classify(path: Path, config: RouterConfig, out: TextIO, workdir: Path) -> int:
    with path.open(encoding="utf-8") as handle:
        items = read_texts(handle)
    async with connected_encoder(config, workdir) as encoder:
        texts = [item for item in items if isinstance(item, str)]
        results: list[TextSignals] = []
        for start in range(0, len(texts), BATCH):
            results.extend(await encoder.signals(texts[start : start + BATCH]))
    answers = iter(results)
    for item in items:
        record = item if isinstance(item, dict) else cli_record(next(answers), item, config)
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return len(texts)
