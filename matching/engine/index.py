"""Vector retrieval behind one interface: exact NumPy search for small sets, hnswlib above.

`build_index(ids, vectors)` returns a `VectorIndex` whose `search(queries, k)` gives, for each
query row, the ids and inner-product scores of its k nearest vectors (cosine on L2-normalised
vectors), best first, padded with id -1 and score -inf when the index holds fewer than k items.
Pure code: no Django, no database.
"""

from __future__ import annotations

import os
from typing import Protocol

import numpy as np

# Below this many vectors an exact matrix product is both fast enough (a 50k x 384 float32
# matrix is 77 MB and one query costs ~2 ms) and exact; above it an HNSW graph wins.
AUTO_EXACT_THRESHOLD = 50_000

# HNSW defaults, measured on clustered 384-d data (docs/benchmark.md): at 1M vectors an M=16 /
# ef_construction=100 graph stalled at recall@50 0.89 even with ef=256, while M=32 /
# ef_construction=100 reached 0.95 at ef=256 and 0.97 at ef=512 (p95 1.5 ms) and still built in
# ~400 s on two cores. ef at query time is max(ef_search, k).
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 100
HNSW_EF_SEARCH = 512

# Query batches smaller than this are searched on the calling thread (no thread start-up or
# BLAS thread synchronisation for a single need's search).
SMALL_BATCH = 16

# Exact search processes queries in blocks so the (queries x items) score matrix stays bounded.
EXACT_QUERY_BLOCK_BYTES = 64 * 1024 * 1024


class VectorIndex(Protocol):
    kind: str
    dim: int

    def __len__(self) -> int: ...

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]: ...


def _as_matrix(vectors: np.ndarray, name: str) -> np.ndarray:
    array = np.asarray(vectors, dtype=np.float32)
    if array.ndim == 1:
        array = array.reshape(1, -1)
    if array.ndim != 2:
        raise ValueError(f"{name} must be a 2-d array (n, dim), got shape {array.shape}")
    return np.ascontiguousarray(array)


def _as_ids(ids: np.ndarray, n: int) -> np.ndarray:
    array = np.asarray(ids, dtype=np.int64).reshape(-1)
    if array.shape[0] != n:
        raise ValueError(f"ids has {array.shape[0]} entries but vectors has {n} rows")
    return array


def _empty_result(n_queries: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    return (
        np.full((n_queries, k), -1, dtype=np.int64),
        np.full((n_queries, k), -np.inf, dtype=np.float32),
    )


class ExactIndex:
    """Brute-force inner product: one float32 matrix product per block of queries.

    `vectors` may be a read-only `np.memmap` (a file shared by every process that maps it):
    nothing is copied, the pages are read from the page cache."""

    kind = "exact"

    def __init__(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        self.vectors = _as_matrix(vectors, "vectors")
        self.ids = _as_ids(ids, self.vectors.shape[0])
        self.dim = self.vectors.shape[1]

    def __len__(self) -> int:
        return self.vectors.shape[0]

    def _scores(self, queries: np.ndarray) -> np.ndarray:
        if queries.shape[0] >= SMALL_BATCH:
            return queries @ self.vectors.T
        # A few queries: a single-threaded einsum loop. Multi-threaded BLAS is faster only on
        # an idle machine; on a busy one its threads wait for each other's time slices (a
        # 2,000-vector product measured 8 ms instead of 0.2 ms on two loaded cores).
        return np.stack([np.einsum("ij,j->i", self.vectors, q) for q in queries])

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        queries = _as_matrix(queries, "queries")
        if queries.shape[1] != self.dim:
            raise ValueError(f"queries have dimension {queries.shape[1]}, index has {self.dim}")
        k = int(k)
        if k <= 0:
            raise ValueError("k must be positive")
        n_queries, n_items = queries.shape[0], len(self)
        out_ids, out_scores = _empty_result(n_queries, k)
        if n_items == 0 or n_queries == 0:
            return out_ids, out_scores
        kk = min(k, n_items)
        block = max(1, EXACT_QUERY_BLOCK_BYTES // (4 * n_items))
        for start in range(0, n_queries, block):
            stop = min(start + block, n_queries)
            scores = self._scores(queries[start:stop])
            if kk < n_items:
                top = np.argpartition(scores, n_items - kk, axis=1)[:, n_items - kk :]
            else:
                top = np.broadcast_to(np.arange(n_items), (stop - start, n_items))
            top_scores = np.take_along_axis(scores, top, axis=1)
            order = np.argsort(-top_scores, axis=1, kind="stable")
            top = np.take_along_axis(top, order, axis=1)
            out_ids[start:stop, :kk] = self.ids[top]
            out_scores[start:stop, :kk] = np.take_along_axis(top_scores, order, axis=1)
        return out_ids, out_scores


class HnswIndex:
    """Approximate inner-product search on an hnswlib graph ("ip" space, normalised vectors)."""

    kind = "hnsw"

    def __init__(
        self,
        ids: np.ndarray,
        vectors: np.ndarray,
        *,
        M: int = HNSW_M,
        ef_construction: int = HNSW_EF_CONSTRUCTION,
        ef_search: int = HNSW_EF_SEARCH,
        num_threads: int | None = None,
        seed: int = 100,
    ) -> None:
        import hnswlib

        vectors = _as_matrix(vectors, "vectors")
        self.ids = _as_ids(ids, vectors.shape[0])
        self.dim = vectors.shape[1]
        self.ef_search = int(ef_search)
        self.num_threads = num_threads or os.cpu_count() or 1
        self._n = vectors.shape[0]
        self._index = hnswlib.Index(space="ip", dim=self.dim)
        self._index.init_index(
            max_elements=max(1, self._n),
            M=int(M),
            ef_construction=int(ef_construction),
            random_seed=seed,
        )
        if self._n:
            # Labels are row positions; self.ids maps them back, so any int64 id is fine.
            self._index.add_items(vectors, np.arange(self._n), num_threads=self.num_threads)

    def __len__(self) -> int:
        return self._n

    def save(self, path: str) -> None:
        """Write the graph to `path` (hnswlib's own format; ids are stored by the caller)."""
        self._index.save_index(str(path))

    @classmethod
    def load(
        cls,
        path: str,
        ids: np.ndarray,
        dim: int,
        *,
        ef_search: int = HNSW_EF_SEARCH,
        num_threads: int | None = None,
    ) -> HnswIndex:
        """A graph written by `save`. hnswlib reads the whole file into memory (it has no
        memory-mapped mode), so each process that loads it holds a copy."""
        import hnswlib

        self = cls.__new__(cls)
        self.ids = _as_ids(ids, len(ids))
        self.dim = int(dim)
        self.ef_search = int(ef_search)
        self.num_threads = num_threads or os.cpu_count() or 1
        self._n = len(self.ids)
        self._index = hnswlib.Index(space="ip", dim=self.dim)
        self._index.load_index(str(path), max_elements=max(1, self._n))
        return self

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        queries = _as_matrix(queries, "queries")
        if queries.shape[1] != self.dim:
            raise ValueError(f"queries have dimension {queries.shape[1]}, index has {self.dim}")
        k = int(k)
        if k <= 0:
            raise ValueError("k must be positive")
        n_queries = queries.shape[0]
        out_ids, out_scores = _empty_result(n_queries, k)
        if self._n == 0 or n_queries == 0:
            return out_ids, out_scores
        kk = min(k, self._n)
        self._index.set_ef(max(self.ef_search, kk))
        # Starting threads costs more than a handful of queries take: small batches run inline.
        threads = 1 if n_queries < SMALL_BATCH else self.num_threads
        labels, distances = self._index.knn_query(queries, k=kk, num_threads=threads)
        out_ids[:, :kk] = self.ids[labels.astype(np.int64)]
        # hnswlib's "ip" distance is 1 - <q, v>.
        out_scores[:, :kk] = 1.0 - distances
        return out_ids, out_scores


def build_index(
    ids: np.ndarray,
    vectors: np.ndarray,
    *,
    kind: str = "auto",
    exact_threshold: int = AUTO_EXACT_THRESHOLD,
    **hnsw_options,
) -> VectorIndex:
    """Index `vectors` (rows L2-normalised, float32) under `ids` (int64, one per row).

    kind: "exact" (NumPy), "hnsw" (hnswlib) or "auto" (exact below `exact_threshold` vectors).
    Extra keyword options (M, ef_construction, ef_search, num_threads) go to HnswIndex.
    """
    vectors = _as_matrix(vectors, "vectors")
    n = vectors.shape[0]
    if kind == "auto":
        kind = "exact" if n < exact_threshold else "hnsw"
    if kind == "exact":
        return ExactIndex(ids, vectors)
    if kind == "hnsw":
        return HnswIndex(ids, vectors, **hnsw_options)
    raise ValueError(f'unknown index kind "{kind}" (expected "auto", "exact" or "hnsw")')
