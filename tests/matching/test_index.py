"""Vector index: exact top-k, HNSW recall against exact, padding, id mapping, auto choice."""

from __future__ import annotations

import numpy as np
import pytest

from matching.engine.index import ExactIndex, HnswIndex, build_index


def _normalise(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def _clustered(n: int, dim: int, *, centres: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    c = _normalise(rng.standard_normal((centres, dim)))
    items = _normalise(c[rng.integers(0, centres, n)] + 0.08 * rng.standard_normal((n, dim)))
    queries = _normalise(c[rng.integers(0, centres, 50)] + 0.08 * rng.standard_normal((50, dim)))
    return items, queries


def test_exact_index_returns_the_true_top_k_in_order():
    rng = np.random.default_rng(0)
    vectors = _normalise(rng.standard_normal((300, 16)))
    queries = _normalise(rng.standard_normal((7, 16)))
    ids = np.arange(1000, 1300, dtype=np.int64)
    index = build_index(ids, vectors, kind="exact")

    got_ids, got_scores = index.search(queries, 10)

    full = queries @ vectors.T
    expected = np.argsort(-full, axis=1)[:, :10]
    assert got_ids.shape == (7, 10) and got_scores.shape == (7, 10)
    np.testing.assert_array_equal(got_ids, ids[expected])
    np.testing.assert_allclose(got_scores, np.take_along_axis(full, expected, axis=1), rtol=1e-5)
    assert np.all(np.diff(got_scores, axis=1) <= 0)


def test_exact_index_processes_queries_in_blocks_without_changing_results(monkeypatch):
    rng = np.random.default_rng(1)
    vectors = _normalise(rng.standard_normal((200, 8)))
    queries = _normalise(rng.standard_normal((25, 8)))
    index = ExactIndex(np.arange(200), vectors)
    whole = index.search(queries, 5)
    # 4 bytes x 200 items x 3 queries per block: forces nine blocks.
    monkeypatch.setattr("matching.engine.index.EXACT_QUERY_BLOCK_BYTES", 4 * 200 * 3)
    blocked = index.search(queries, 5)
    np.testing.assert_array_equal(whole[0], blocked[0])


def test_hnsw_recall_at_10_against_exact_is_at_least_095_on_clustered_vectors():
    vectors, queries = _clustered(4000, 64, centres=80, seed=2)
    ids = np.arange(4000, dtype=np.int64) * 3 + 7
    exact = build_index(ids, vectors, kind="exact")
    approx = build_index(ids, vectors, kind="hnsw", M=16, ef_construction=100, ef_search=64)

    exact_ids, _ = exact.search(queries, 10)
    approx_ids, approx_scores = approx.search(queries, 10)

    hits = sum(len(set(a) & set(e)) for a, e in zip(approx_ids, exact_ids, strict=True))
    recall = hits / exact_ids.size
    assert recall >= 0.95, recall
    # Scores are inner products (hnswlib "ip" distances converted back), best first.
    rows = np.searchsorted(ids, approx_ids)
    expected_scores = np.einsum("qd,qkd->qk", queries, vectors[rows])
    np.testing.assert_allclose(approx_scores, expected_scores, atol=1e-4)
    assert np.all(np.diff(approx_scores, axis=1) <= 1e-6)


@pytest.mark.parametrize("kind", ["exact", "hnsw"])
def test_fewer_items_than_k_are_padded_with_minus_one(kind):
    rng = np.random.default_rng(3)
    vectors = _normalise(rng.standard_normal((3, 8)))
    index = build_index(np.array([11, 22, 33]), vectors, kind=kind)

    ids, scores = index.search(vectors[:2], 5)

    assert ids.shape == (2, 5)
    assert ids[0, 0] == 11 and ids[1, 0] == 22
    assert sorted(ids[0, :3].tolist()) == [11, 22, 33]
    assert ids[:, 3:].tolist() == [[-1, -1], [-1, -1]]
    assert np.all(np.isneginf(scores[:, 3:]))


@pytest.mark.parametrize("kind", ["exact", "hnsw"])
def test_an_empty_index_answers_with_padding_only(kind):
    index = build_index(np.zeros(0, dtype=np.int64), np.zeros((0, 8), dtype=np.float32), kind=kind)

    ids, _ = index.search(np.ones((2, 8), dtype=np.float32), 3)

    assert len(index) == 0
    assert ids.tolist() == [[-1, -1, -1], [-1, -1, -1]]


@pytest.mark.parametrize("kind", ["exact", "hnsw"])
def test_search_returns_the_callers_ids_not_row_positions(kind):
    rng = np.random.default_rng(4)
    vectors = _normalise(rng.standard_normal((50, 12)))
    ids = rng.permutation(np.arange(10_000, 10_050, dtype=np.int64))
    index = build_index(ids, vectors, kind=kind)

    got, _ = index.search(vectors[[5, 17, 42]], 1)

    assert got[:, 0].tolist() == [ids[5], ids[17], ids[42]]


def test_a_single_query_vector_is_accepted_as_one_row():
    vectors = _normalise(np.eye(4, dtype=np.float32))
    index = build_index(np.arange(4), vectors, kind="exact")

    ids, _ = index.search(vectors[2], 2)

    assert ids.shape == (1, 2) and ids[0, 0] == 2


def test_auto_picks_exact_below_the_threshold_and_hnsw_at_or_above_it():
    rng = np.random.default_rng(5)
    vectors = _normalise(rng.standard_normal((100, 8)))
    ids = np.arange(100)

    small = build_index(ids, vectors, kind="auto", exact_threshold=101)
    large = build_index(ids, vectors, kind="auto", exact_threshold=100)

    assert isinstance(small, ExactIndex) and small.kind == "exact"
    assert isinstance(large, HnswIndex) and large.kind == "hnsw"
    assert len(small) == len(large) == 100


def test_mismatched_ids_dimensions_and_kinds_are_rejected_with_a_message():
    vectors = np.zeros((4, 8), dtype=np.float32)
    with pytest.raises(ValueError, match="ids has 3 entries"):
        build_index(np.arange(3), vectors)
    with pytest.raises(ValueError, match="unknown index kind"):
        build_index(np.arange(4), vectors, kind="faiss-gpu")
    index = build_index(np.arange(4), vectors, kind="exact")
    with pytest.raises(ValueError, match="dimension 5"):
        index.search(np.zeros((1, 5), dtype=np.float32), 2)
