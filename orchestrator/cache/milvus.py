"""The shared backend: one Milvus collection that several router replicas read and write.

Same semantics as the in-memory backend, with the bookkeeping in the rows themselves:
`expires_at` (TTL, filtered at search time and deleted in bounds checks), `last_used`
(LRU; a hit rewrites the row) and `size` (the byte bound). Bounds are
enforced by scanning (id, last_used, size) every `bounds_check_every` stores, so between
checks a collection may hold that many entries beyond `max_entries`.

The exact key is a scalar field of the row (`exact`, hex), not a dict in each replica: every
replica then sees every other's entries, and TTL, eviction and deletion hold for it with no
second bookkeeping. It costs one filtered query (a round trip) instead of a dict look-up,
still without an encoder pass. A collection created before the field existed keeps working
without exact hits (logged at start); drop it or name a new one to get them.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import Any

import numpy as np

from orchestrator.cache.backend import BackendStats, Candidate, NewEntry
from orchestrator.cache.config import CacheConfig

log = logging.getLogger(__name__)

MAX_TEXT = 65_535  # Milvus VARCHAR limit; longer queries/answers are not stored
SCAN_LIMIT = 16_384  # Milvus's largest query window


class MilvusBackend:
    def __init__(self, config: CacheConfig) -> None:
        from pymilvus import AsyncMilvusClient  # optional dependency: only this backend needs it

        self.config = config
        self.stats = BackendStats()
        self._collection = config.milvus.collection
        self._client = AsyncMilvusClient(
            uri=config.milvus.uri, token=config.milvus.token, timeout=config.timeout_s
        )
        self._stores_since_check = 0
        self._rows: dict[str, dict[str, Any]] = {}  # rows of the last search, for touch()
        self._has_exact = True

    async def start(self) -> None:
        """Create the collection if no replica has yet (idempotent), and load it."""
        self._has_exact = await asyncio.to_thread(self._ensure_collection)
        if not self._has_exact:
            log.warning(
                "cache: collection %s has no 'exact' field (created by an older version): "
                "exact-match hits are off; drop it or use a new collection name",
                self._collection,
            )
        await self._client.load_collection(self._collection)

    def _ensure_collection(self) -> bool:
        """Whether the collection has the `exact` field."""
        # The async client waits for index builds with an RPC milvus-lite lacks; the
        # synchronous client can create the index without waiting.
        from pymilvus import DataType, MilvusClient

        client = MilvusClient(
            uri=self.config.milvus.uri, token=self.config.milvus.token, timeout=10.0
        )
        try:
            if client.has_collection(self._collection):
                fields = client.describe_collection(self._collection)["fields"]
                return any(f["name"] == "exact" for f in fields)
            schema = MilvusClient.create_schema(auto_id=False)
            schema.add_field("id", DataType.VARCHAR, is_primary=True, max_length=64)
            schema.add_field("scope", DataType.VARCHAR, max_length=64)
            schema.add_field("vector", DataType.FLOAT_VECTOR, dim=self.config.embedding_dim)
            schema.add_field("query", DataType.VARCHAR, max_length=MAX_TEXT)
            schema.add_field("payload", DataType.VARCHAR, max_length=MAX_TEXT)
            schema.add_field("expires_at", DataType.DOUBLE)
            schema.add_field("last_used", DataType.DOUBLE)
            schema.add_field("size", DataType.INT64)
            schema.add_field("exact", DataType.VARCHAR, max_length=64)
            client.create_collection(self._collection, schema=schema)
            index = MilvusClient.prepare_index_params()
            index.add_index(field_name="vector", index_type="FLAT", metric_type="IP")
            client.create_index(self._collection, index, sync=False)
            return True
        finally:
            client.close()

    async def close(self) -> None:
        await self._client.close()

    async def search(
        self, scope_key: str, embedding: np.ndarray, min_similarity: float, limit: int, now: float
    ) -> list[Candidate]:
        results = await self._client.search(
            self._collection,
            data=[embedding.tolist()],
            filter=f'scope == "{scope_key}" and expires_at > {now!r}',
            limit=limit,
            output_fields=self._fields(),
            search_params={"metric_type": "IP"},
        )
        candidates = []
        for hit in results[0] if results else []:
            similarity = float(hit["distance"])
            if similarity < min_similarity:
                continue
            row = self._remember(dict(hit["entity"], id=hit["id"]))
            candidates.append(Candidate(row["id"], row["query"], row["payload"], similarity))
        candidates.sort(key=lambda c: -c.similarity)
        return candidates

    async def get_exact(self, exact_key: str, now: float) -> Candidate | None:
        if not self._has_exact or not exact_key.isalnum():
            return None
        rows = await self._client.query(
            self._collection,
            filter=f'exact == "{exact_key}" and expires_at > {now!r}',
            output_fields=["id", *self._fields()],
            limit=1,
        )
        if not rows:
            return None
        row = self._remember(dict(rows[0]))
        return Candidate(row["id"], row["query"], row["payload"], 1.0)

    def _remember(self, row: dict[str, Any]) -> dict[str, Any]:
        """Keep a returned row, so touch() can rewrite it without reading it again."""
        if len(self._rows) >= 1024:
            self._rows.clear()
        self._rows[row["id"]] = row
        return row

    def _fields(self) -> list[str]:
        fields = ["scope", "vector", "query", "payload", "expires_at", "size"]
        return [*fields, "exact"] if self._has_exact else fields

    async def insert(self, entry: NewEntry, now: float) -> None:
        if len(entry.query_text) > MAX_TEXT or len(entry.payload) > MAX_TEXT:
            return
        row = {
            "id": uuid.uuid4().hex,
            "scope": entry.scope_key,
            "vector": entry.embedding.tolist(),
            "query": entry.query_text,
            "payload": entry.payload,
            "expires_at": now + self.config.ttl_s,
            "last_used": now,
            "size": entry.size,
        }
        if self._has_exact:
            row["exact"] = entry.exact_key
        await self._client.insert(self._collection, [row])
        self.stats.entries += 1  # exact again at the next bounds check
        self.stats.bytes += entry.size
        self._stores_since_check += 1
        if self._stores_since_check >= self.config.milvus.bounds_check_every:
            self._stores_since_check = 0
            await self.enforce_bounds(now)

    async def touch(self, entry_id: str, now: float) -> None:
        row = self._rows.pop(entry_id, None)
        if row is not None:
            await self._client.upsert(self._collection, [{**row, "last_used": now}])

    async def enforce_bounds(self, now: float) -> None:
        """Delete expired rows, then the least recently used until both bounds hold."""
        expired = await self._client.delete(self._collection, filter=f"expires_at <= {now!r}")
        self.stats.expirations += _count(expired)
        rows = await self._client.query(
            self._collection,
            filter="size >= 0",
            output_fields=["id", "last_used", "size"],
            limit=SCAN_LIMIT,
        )
        rows = sorted(rows, key=lambda r: r["last_used"])
        total = sum(int(r["size"]) for r in rows)
        count = len(rows)
        doomed = []
        for row in rows:
            if count <= self.config.max_entries and total <= self.config.max_bytes:
                break
            doomed.append(row["id"])
            count -= 1
            total -= int(row["size"])
        if doomed:
            await self._client.delete(self._collection, ids=doomed)
            self.stats.evictions += len(doomed)
        self.stats.entries = count
        self.stats.bytes = total


def _count(result: object) -> int:
    if isinstance(result, dict):
        return int(result.get("delete_count", 0))
    try:
        return len(result)  # type: ignore[arg-type]
    except TypeError:
        return 0
