"""One scope's nearest cached queries: an exact scan while small, an HNSW graph once large.

Most scopes are conversations with a handful of entries, and a graph per scope would cost
more memory and time than scanning them; a scope of single-turn chats from one tenant can
hold 100,000 entries, where a scan is ~13 ms. So a scope scans exactly (`ExactIndex`) up to
`exact_limit` rows, gets a graph (`HnswIndex`) above that, and goes back to a scan when it
shrinks to half the limit.

Building a graph takes ~1 ms per row on this machine, too long for the thread that answers
lookups, so it happens on the `builder` executor from a copy of the vectors while the old
index keeps serving. When the build is done, the next operation adopts it: deletions made
meanwhile are replayed, and rows added meanwhile are inserted (on the builder again when
there are many). A graph that became mostly empty slots is rebuilt smaller the same way, so
a scope's memory follows its live size.

Not thread-safe: one thread (the cache's index worker) calls every method.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Executor, Future, wait
from typing import Any

import numpy as np

from orchestrator.cache.exact_index import ExactIndex
from orchestrator.cache.hnsw_index import MIN_CAPACITY, HnswIndex

log = logging.getLogger(__name__)

EXACT_LIMIT = 2048  # rows: a scan of 2,048 x 384 takes ~0.3 ms, about one graph walk
CATCH_UP_INLINE = 16  # rows added during a build that adoption inserts itself (~4 ms each)


class InlineExecutor(Executor):
    """Runs each job at once on the caller's thread (tests; callers without a builder)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as error:
            future.set_exception(error)
        return future


class VectorIndex:
    """Inner-product search over unit vectors with integer ids."""

    def __init__(
        self, dim: int, exact_limit: int = EXACT_LIMIT, builder: Executor | None = None
    ) -> None:
        self.dim = dim
        self.exact_limit = exact_limit
        self._builder = builder if builder is not None else InlineExecutor()
        self._index: ExactIndex | HnswIndex = ExactIndex(dim)
        self._pending: Future[HnswIndex] | None = None
        self._pending_ids: set[int] = set()

    def __len__(self) -> int:
        return len(self._index)

    @property
    def kind(self) -> str:
        return "hnsw" if isinstance(self._index, HnswIndex) else "exact"

    @property
    def capacity(self) -> int:
        return self._index.capacity

    @property
    def building(self) -> bool:
        return self._pending is not None

    def add(self, item: int, vector: np.ndarray) -> None:
        self.adopt()
        self._index.add(item, vector)
        self._maybe_rebuild()

    def remove(self, item: int) -> None:
        self.adopt()
        self._index.remove(item)
        if isinstance(self._index, HnswIndex) and len(self._index) <= self.exact_limit // 2:
            self._to_exact()
        else:
            self._maybe_rebuild()

    def search(self, query: np.ndarray, limit: int, min_score: float) -> list[tuple[int, float]]:
        """Up to `limit` (id, score) pairs with score >= min_score, best first."""
        self.adopt()
        return self._index.search(query, limit, min_score)

    def adopt(self) -> None:
        """Switch to a finished build, after replaying what changed while it ran."""
        pending = self._pending
        if pending is None or not pending.done():
            return
        self._pending = None
        try:
            built = pending.result()
        except Exception as error:
            log.warning("cache: index build failed, the scope keeps its index: %r", error)
            return
        current = self._index
        for item in self._pending_ids:
            if item not in current:
                built.remove(item)
        added = [item for item in current.ids() if item not in self._pending_ids]
        if len(added) > CATCH_UP_INLINE:
            self._pending_ids = set(built.ids()) | set(added)
            self._pending = self._builder.submit(built.add_many, added, current.vectors(added))
            self.adopt()  # an inline builder has finished already
            return
        built.add_many(added, current.vectors(added))
        self._index = built

    def finish_build(self) -> None:
        """Block until a build in flight (and its catch-up) is adopted."""
        while self._pending is not None:
            wait([self._pending])
            self.adopt()

    def _maybe_rebuild(self) -> None:
        """Start a graph for a scope that outgrew the scan, or a smaller one for a graph that
        is mostly empty slots."""
        if self._pending is not None:
            return
        n = len(self._index)
        if isinstance(self._index, ExactIndex):
            if n <= self.exact_limit:
                return
        elif self._index.capacity <= max(4 * n, 2 * MIN_CAPACITY):
            return  # rebuilt at 2n slots, so a rebuild never triggers the next one
        ids = self._index.ids()
        self._pending_ids = set(ids)
        # The builder gets a copy of the vectors: the live index keeps changing meanwhile.
        self._pending = self._builder.submit(_build, self.dim, ids, self._index.vectors(ids))
        self.adopt()

    def _to_exact(self) -> None:
        self._pending = None  # a rebuild in flight is no longer wanted
        ids = self._index.ids()
        exact = ExactIndex(self.dim, capacity=2 * len(ids))
        exact.add_many(ids, self._index.vectors(ids))
        self._index = exact


def _build(dim: int, ids: list[int], vectors: np.ndarray) -> HnswIndex:
    return HnswIndex(dim, capacity=2 * len(ids)).add_many(ids, vectors)
