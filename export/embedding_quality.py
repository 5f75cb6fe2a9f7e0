"""Is EMBEDDING still all-MiniLM-L6-v2? Agreement with the base model and tool selection."""

from __future__ import annotations

import json
from collections.abc import Sequence

import numpy as np
import torch

from export.datasets import DATA_DIR
from export.encoder_graph import EmbeddingGraph


@torch.no_grad()
def base_embeddings(texts: Sequence[str], tokenizer_path: str, base_path: str) -> np.ndarray:
    from tokenizers import Tokenizer
    from transformers import AutoModel

    graph = EmbeddingGraph(AutoModel.from_pretrained(base_path)).eval()
    tokenizer = Tokenizer.from_file(tokenizer_path)
    tokenizer.enable_truncation(max_length=256)
    tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
    out = []
    for start in range(0, len(texts), 64):
        enc = tokenizer.encode_batch(list(texts[start : start + 64]))
        ids = torch.tensor([e.ids for e in enc])
        mask = torch.tensor([e.attention_mask for e in enc])
        out.append(graph(ids, mask).numpy())
    return np.concatenate(out)


def bfcl_tool_selection() -> tuple[list[str], list[list[str]], list[int]]:
    """BFCL `multiple`: each question, its offered functions, and the index of the right one."""
    answers = {}
    for line in (DATA_DIR / "bfcl" / "possible_answer" / "BFCL_v4_multiple.json").open():
        record = json.loads(line)
        answers[record["id"]] = next(iter(record["ground_truth"][0]))
    questions, options, gold = [], [], []
    for line in (DATA_DIR / "bfcl" / "BFCL_v4_multiple.json").open():
        record = json.loads(line)
        names = [f["name"] for f in record["function"]]
        if answers.get(record["id"]) not in names:
            continue
        questions.append(record["question"][0][0]["content"])
        options.append([f"{f['name']}: {f['description']}" for f in record["function"]])
        gold.append(names.index(answers[record["id"]]))
    return questions, options, gold


def tool_accuracy(
    question_emb: np.ndarray,
    option_emb: dict[str, np.ndarray],
    options: list[list[str]],
    gold: list[int],
) -> float:
    hits = 0
    for q, opts, g in zip(question_emb, options, gold, strict=True):
        scores = [float(q @ option_emb[o]) for o in opts]
        hits += int(np.argmax(scores) == g)
    return round(hits / max(1, len(gold)), 4)


def agreement(new: np.ndarray, base: np.ndarray) -> dict:
    cos = (new * base).sum(1)
    iu = np.triu_indices(len(new), 1)
    a, b = (new @ new.T)[iu], (base @ base.T)[iu]
    ra, rb = np.argsort(np.argsort(a)), np.argsort(np.argsort(b))
    spearman = float(np.corrcoef(ra, rb)[0, 1])
    return {
        "mean_cosine_to_base": round(float(cos.mean()), 4),
        "min_cosine_to_base": round(float(cos.min()), 4),
        "pairwise_similarity_spearman": round(spearman, 4),
        "n_texts": len(new),
    }
