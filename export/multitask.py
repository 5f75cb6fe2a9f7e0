"""The one graph the router serves: shared encoder -> embedding, category, guard and PII heads."""

from __future__ import annotations

import torch
from torch import nn

from export.encoder_graph import mean_pool

OUTPUT_NAMES = ["EMBEDDING", "CATEGORY_PROBS", "GUARD_PROBS", "PII_LOGITS"]


class Heads(nn.Module):
    def __init__(self, hidden: int, categories: int, guard: int, pii: int, dropout: float = 0.1):
        super().__init__()
        self.dropout = nn.Dropout(dropout)
        self.category = nn.Linear(hidden, categories)
        self.guard = nn.Linear(hidden, guard)
        self.pii = nn.Linear(hidden, pii)


class MultiTaskGraph(nn.Module):
    """One encoder forward; the heads read the mean-pooled state and the token states.

    Temperatures (fitted on the validation split) are buffers, so the exported probabilities
    are already calibrated.
    """

    def __init__(self, encoder: nn.Module, heads: Heads) -> None:
        super().__init__()
        self.encoder = encoder
        self.heads = heads
        self.register_buffer("category_temperature", torch.ones(()))
        self.register_buffer("guard_temperature", torch.ones(()))

    def logits(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        pooled = mean_pool(hidden, attention_mask)
        embedding = nn.functional.normalize(pooled, dim=-1)
        pooled = self.heads.dropout(pooled)
        return (
            embedding,
            self.heads.category(pooled),
            self.heads.guard(pooled),
            self.heads.pii(self.heads.dropout(hidden)),
        )

    def forward(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
        embedding, category, guard, pii = self.logits(input_ids, attention_mask)
        return (
            embedding,
            torch.softmax(category / self.category_temperature, dim=-1),
            torch.softmax(guard / self.guard_temperature, dim=-1),
            pii,
        )
