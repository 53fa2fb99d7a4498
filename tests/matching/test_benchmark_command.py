"""benchmark_matching: a tiny smoke run of the command and the benchmark's own measurements.

The full benchmark (10k-1M seeds) is run by hand, never here: see docs/benchmark.md.
"""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from benchmarks.matching import numpy_rematch, numpy_topk, recall_at_k
from benchmarks.synthetic import make_space, sample_vectors
from matching.engine.index import build_index


def test_benchmark_command_prints_every_figure_for_a_tiny_run(hashing_embedder):
    out = io.StringIO()

    call_command(
        "benchmark_matching",
        "--sizes",
        "2000",
        "--needs",
        "20",
        "--queries",
        "20",
        "--quick",
        stdout=out,
    )

    text = out.getvalue()
    report = json.loads(text.strip().splitlines()[-1])
    assert report["embedding"]["model_id"].startswith("hashing")
    assert report["embedding"]["texts_per_s"] > 0
    (size,) = report["sizes"]
    assert size["seeds"] == 2000 and size["auto_kind"] == "exact"
    assert size["retrieval"]["recall"] == 1.0
    assert 0.9 <= size["hnsw"]["recall"] <= 1.0
    assert 0 < size["retrieval"]["p50_ms"] <= size["retrieval"]["p95_ms"]
    assert size["rematch"]["seconds"] > 0
    assert size["baseline"]["p95_ms"] > 0 and size["baseline"]["extrapolated"] is False
    assert size["peak_rss_mib"] > 0
    assert size["ratios"]["hnsw_p95"] > 0 and size["crossover"]["rematch_exact_s"] > 0
    for heading in ("## Embedding", "## 2,000 seeds", "## Summary", "NumPy baseline", "crossover"):
        assert heading in text


def test_benchmark_command_rejects_bad_sizes_with_a_message():
    with pytest.raises(CommandError, match="--sizes"):
        call_command("benchmark_matching", "--sizes", "ten", stdout=io.StringIO())


def test_synthetic_vectors_are_clustered_not_uniform():
    space = make_space(64, topics=50, seed=1)
    vectors = sample_vectors(space, 2000, rng=np.random.default_rng(1))

    nearest = np.sort(vectors[:100] @ vectors.T, axis=1)[:, -2]  # -1 is the vector itself
    random_pairs = np.einsum("ij,ij->i", vectors[:1000], vectors[1000:])

    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert nearest.mean() > 0.7
    assert abs(random_pairs.mean()) < 0.2


def test_numpy_baseline_finds_the_same_top_k_as_exact_search():
    rng = np.random.default_rng(2)
    vectors = rng.standard_normal((300, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    exact_ids, _ = build_index(np.arange(300), vectors, kind="exact").search(vectors[:3], 5)

    for q, expected in zip(vectors[:3], exact_ids, strict=True):
        assert numpy_topk(vectors, q, 5).tolist() == expected.tolist()
    assert numpy_rematch(vectors, vectors[:3], 5).tolist() == exact_ids.tolist()


def test_recall_counts_the_exact_neighbours_found_and_ignores_padding():
    exact = np.array([[1, 2, 3, 4], [5, 6, -1, -1]])
    approx = np.array([[1, 2, 9, 8], [6, 5, -1, -1]])

    assert recall_at_k(approx, exact) == pytest.approx(4 / 6)
