"""The cache's section of the router config (`cache:`), validated like the rest of it."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Similarity = Annotated[float, Field(ge=0.0, le=1.0)]


class MilvusCacheConfig(BaseModel):
    """Where the shared cache lives when several router replicas use one Milvus."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    uri: str = "http://127.0.0.1:19530"
    token: str = ""
    collection: str = "semantic_cache"
    # Bounds are enforced by scanning the collection, so not on every store.
    bounds_check_every: Annotated[int, Field(ge=1)] = 64


class CacheConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = False
    backend: Literal["memory", "milvus"] = "memory"
    # Cosine similarity a cached query needs; a category's own value wins when classified.
    # 0.68: with the substitution rule (verify.py) the check alone refuses every look-alike of
    # the tuning splits, so the threshold only trades paraphrase hits against unmeasured
    # topic neighbours; 0.68 is the highest value with >= 90% paraphrase hits on every split
    # (bench/cache_quality.py: holdout4 92.5% at 0.68, 89.2% at 0.70, 76.7% at 0.8).
    similarity_threshold: Similarity = 0.68
    category_thresholds: dict[str, Similarity] = {}
    # The look-alike check (verify.py); off only to measure what it is worth.
    verify: bool = True
    # Nearest neighbours checked: the closest may be a look-alike while the next is not.
    candidates: Annotated[int, Field(ge=1, le=64)] = 5
    embedding_dim: Annotated[int, Field(ge=1)] = 384
    ttl_s: Annotated[float, Field(gt=0)] = 3600.0
    max_entries: Annotated[int, Field(ge=1)] = 100_000
    max_bytes: Annotated[int, Field(ge=1024)] = 512 * 1024 * 1024
    max_entry_bytes: Annotated[int, Field(ge=256)] = 256 * 1024
    # The tenant key is a hash of this header's value (an API key by default).
    tenant_header: str = "authorization"
    # Requests without the tenant header share one anonymous tenant only if allowed.
    allow_anonymous: bool = False
    # Requests hotter than this are not served from or stored in the cache. A request that
    # names no temperature counts as 1.0, the OpenAI default.
    max_temperature: Annotated[float, Field(ge=0.0)] = 1.0
    # A backend slower than this is a miss (lookup) or a skipped store.
    timeout_s: Annotated[float, Field(gt=0)] = 0.25
    milvus: MilvusCacheConfig = MilvusCacheConfig()

    @field_validator("tenant_header")
    @classmethod
    def _lower_case(cls, name: str) -> str:
        # Envoy hands header names over in lower case.
        return name.strip().lower()

    def threshold_for(self, category: str | None) -> float:
        if category is not None and category in self.category_thresholds:
            return self.category_thresholds[category]
        return self.similarity_threshold
