"""Raw head logits from the torch model (for calibration on the validation split)."""

from __future__ import annotations

import numpy as np
import torch
from tqdm import tqdm

from export.features import Encoded, collate
from export.multitask import MultiTaskGraph


@torch.no_grad()
def head_logits(
    model: MultiTaskGraph, data: Encoded, batch_size: int = 64
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Category and guard logits, and each row's highest token entity probability (1 - P(O),
    [CLS] and [SEP] excluded): a text is flagged for PII exactly when that reaches the
    threshold, so the threshold can be fitted from it."""
    model.eval()
    device = next(model.parameters()).device
    order = sorted(range(len(data.ids)), key=lambda r: len(data.ids[r]))
    category = np.zeros((len(order), model.heads.category.out_features), dtype=np.float32)
    guard = np.zeros((len(order), model.heads.guard.out_features), dtype=np.float32)
    pii_max = np.zeros(len(order), dtype=np.float32)
    for start in tqdm(range(0, len(order), batch_size), desc="val logits", unit="batch"):
        rows = order[start : start + batch_size]
        batch = {k: v.to(device) for k, v in collate(data, rows).items()}
        _, cat, grd, pii = model.logits(batch["input_ids"], batch["attention_mask"])
        category[rows], guard[rows] = cat.cpu().numpy(), grd.cpu().numpy()
        entity = 1.0 - torch.softmax(pii, dim=-1)[..., 0]
        inner = batch["attention_mask"].clone()
        inner[:, 0] = 0  # [CLS]
        inner[torch.arange(len(rows)), batch["attention_mask"].sum(1) - 1] = 0  # [SEP]
        pii_max[rows] = (entity * inner).max(1).values.cpu().numpy()
    return category, guard, pii_max
