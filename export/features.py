"""Tokenizing examples once into padded tensors for training and evaluation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from tokenizers import Tokenizer

from export.bio import IGNORE, align_spans
from export.datasets import Example


def load_tokenizer(path: Path, max_tokens: int) -> Tokenizer:
    tokenizer = Tokenizer.from_file(str(path))
    tokenizer.enable_truncation(max_length=max_tokens)
    tokenizer.no_padding()
    return tokenizer


@dataclass
class Encoded:
    ids: list[list[int]]
    category: np.ndarray
    guard: np.ndarray
    pii: list[list[int]]


def encode(tokenizer: Tokenizer, examples: Sequence[Example]) -> Encoded:
    encodings = tokenizer.encode_batch([e.text for e in examples])
    pii = []
    for example, enc in zip(examples, encodings, strict=True):
        if example.pii_spans is None:
            pii.append([IGNORE] * len(enc.ids))
        else:
            pii.append(align_spans(enc.offsets, enc.special_tokens_mask, example.pii_spans))
    return Encoded(
        ids=[e.ids for e in encodings],
        category=np.array([e.category for e in examples], dtype=np.int64),
        guard=np.array([e.guard for e in examples], dtype=np.int64),
        pii=pii,
    )


def collate(data: Encoded, rows: Sequence[int]) -> dict[str, torch.Tensor]:
    """Pad one batch to its longest row (not to max_tokens): most questions are short."""
    width = max(len(data.ids[r]) for r in rows)
    ids = torch.zeros((len(rows), width), dtype=torch.long)
    mask = torch.zeros_like(ids)
    pii = torch.full_like(ids, IGNORE)
    for i, r in enumerate(rows):
        n = len(data.ids[r])
        ids[i, :n] = torch.tensor(data.ids[r])
        mask[i, :n] = 1
        pii[i, :n] = torch.tensor(data.pii[r])
    return {
        "input_ids": ids,
        "attention_mask": mask,
        "category": torch.from_numpy(data.category[list(rows)]),
        "guard": torch.from_numpy(data.guard[list(rows)]),
        "pii": pii,
    }


def length_batches(
    data: Encoded, batch_size: int, rng: np.random.Generator, pool: int = 50
) -> list[list[int]]:
    """Shuffled batches of similar length: padding waste is the main CPU cost."""
    order = rng.permutation(len(data.ids))
    batches: list[list[int]] = []
    step = batch_size * pool
    for start in range(0, len(order), step):
        chunk = sorted(order[start : start + step].tolist(), key=lambda r: len(data.ids[r]))
        batches += [chunk[i : i + batch_size] for i in range(0, len(chunk), batch_size)]
    rng.shuffle(batches)
    return batches
