"""Multi-task fine-tuning on CPU: category, guard and PII losses plus embedding distillation.

The lower layers stay frozen (shared with the teacher), the upper layers learn the heads, and
a cosine loss against the frozen upper layers keeps EMBEDDING close to all-MiniLM-L6-v2 so the
semantic cache and tool selection keep working.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn
from tqdm import tqdm

from export.bio import IGNORE
from export.encoder_graph import mean_pool
from export.features import Encoded, collate, length_batches
from export.multitask import MultiTaskGraph

TASKS = ("category", "guard", "pii")


@dataclass(frozen=True)
class TrainOptions:
    epochs: float = 1.5
    batch_size: int = 32
    # Chosen by bench/training_sweep.py on a GPU (bench/RESULTS.md, 2026-11-22): against the
    # earlier 8e-5 / 2e-3 / 3 frozen / PII x3 / guard x1, at equal epochs, validation guard
    # recall at 1% FPR rose from 85% to 97% and PII recall from 87% to 97%.
    frozen_layers: int = 2
    encoder_lr: float = 3e-4
    head_lr: float = 5e-3
    distill_weight: float = 10.0
    # Token tags are sparse (most tokens are O, most rows carry no PII), so the PII loss gets
    # more weight than the sentence-level heads.
    pii_weight: float = 5.0
    category_weight: float = 1.0
    guard_weight: float = 2.0
    tasks: tuple[str, ...] = TASKS
    seed: int = 7
    # "cuda" for hyperparameter sweeps on a GPU machine (bench/training_sweep.py); the build
    # itself trains on CPU.
    device: str = "cpu"


class Teacher(nn.Module):
    """The base model's upper layers, frozen, run on the student's frozen lower-layer output."""

    def __init__(self, encoder: nn.Module, frozen_layers: int) -> None:
        super().__init__()
        self.layers = copy.deepcopy(encoder.encoder.layer[frozen_layers:]).eval()
        for p in self.layers.parameters():
            p.requires_grad = False

    @torch.no_grad()
    def forward(self, hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        additive = (1.0 - mask[:, None, None, :].to(hidden.dtype)) * torch.finfo(hidden.dtype).min
        for layer in self.layers:
            out = layer(hidden, attention_mask=additive)
            hidden = out[0] if isinstance(out, tuple) else out
        return nn.functional.normalize(mean_pool(hidden, mask), dim=-1)


def freeze_lower(model: MultiTaskGraph, frozen_layers: int) -> None:
    encoder = model.encoder
    for p in encoder.embeddings.parameters():
        p.requires_grad = False
    for layer in encoder.encoder.layer[:frozen_layers]:
        for p in layer.parameters():
            p.requires_grad = False


def _task_loss(logits: torch.Tensor, target: torch.Tensor, ignore: int) -> torch.Tensor | None:
    if not bool((target != ignore).any()):
        return None
    return nn.functional.cross_entropy(
        logits.reshape(-1, logits.shape[-1]), target.reshape(-1), ignore_index=ignore
    )


def train(model: MultiTaskGraph, data: Encoded, options: TrainOptions) -> dict[str, float]:
    torch.manual_seed(options.seed)
    rng = np.random.default_rng(options.seed)
    model.to(options.device)
    freeze_lower(model, options.frozen_layers)
    distill = options.distill_weight > 0
    teacher = Teacher(model.encoder, options.frozen_layers) if distill else None
    encoder_params = [p for p in model.encoder.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(
        [
            {"params": encoder_params, "lr": options.encoder_lr},
            {"params": list(model.heads.parameters()), "lr": options.head_lr},
        ],
        weight_decay=0.01,
    )
    per_epoch = math.ceil(len(data.ids) / options.batch_size)
    total = max(1, int(per_epoch * options.epochs))
    warmup = max(1, total // 20)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min((s + 1) / warmup, max(0.0, (total - s) / (total - warmup)))
    )
    model.train()
    sums = dict.fromkeys((*TASKS, "distill"), 0.0)
    batches: list[list[int]] = []
    with tqdm(total=total, desc="train", unit="batch") as bar:
        for step in range(total):
            if not batches:
                batches = length_batches(data, options.batch_size, rng)
            batch = {k: v.to(options.device) for k, v in collate(data, batches.pop()).items()}
            mask = batch["attention_mask"]
            out = model.encoder(
                input_ids=batch["input_ids"],
                attention_mask=mask,
                output_hidden_states=distill,
            )
            hidden = out.last_hidden_state
            pooled = mean_pool(hidden, mask)
            dropped = model.heads.dropout(pooled)
            losses: dict[str, torch.Tensor | None] = {
                "category": _task_loss(model.heads.category(dropped), batch["category"], -1),
                "guard": _task_loss(model.heads.guard(dropped), batch["guard"], -1),
                "pii": _task_loss(
                    model.heads.pii(model.heads.dropout(hidden)), batch["pii"], IGNORE
                ),
            }
            weights = {
                "category": options.category_weight,
                "guard": options.guard_weight,
                "pii": options.pii_weight,
            }
            terms = [weights[t] * value for t in options.tasks if (value := losses[t]) is not None]
            if teacher is not None:
                target = teacher(out.hidden_states[options.frozen_layers], mask)
                student = nn.functional.normalize(pooled, dim=-1)
                cosine = (1 - (student * target).sum(-1)).mean()
                terms.append(options.distill_weight * cosine)
                sums["distill"] += float(cosine.detach())
            if not terms:
                bar.update(1)
                continue
            loss = torch.stack([t for t in terms if t is not None]).sum()
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(encoder_params, 1.0)
            optimizer.step()
            schedule.step()
            for task in TASKS:
                value = losses[task]
                if value is not None:
                    sums[task] += float(value.detach())
            bar.update(1)
            if step % 20 == 0:
                bar.set_postfix(loss=f"{float(loss.detach()):.3f}")
    model.eval()
    return {f"mean_{k}_loss": v / total for k, v in sums.items()}
