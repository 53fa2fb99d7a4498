"""A lexical signal: scikit-learn TF-IDF over character n-grams (works for Japanese without a
tokenizer). Used as the TF-IDF-only baseline and, when its weight is above zero, fused into the
score; `docs/matching.md` has the measurements that set its default weight."""

from __future__ import annotations

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer


class CharTfidf:
    def __init__(self, ngram_range: tuple[int, int] = (2, 3)) -> None:
        self._vectorizer = TfidfVectorizer(
            analyzer="char_wb", ngram_range=ngram_range, sublinear_tf=True, min_df=1
        )
        self._matrix = None

    def fit(self, passages: list[str]) -> CharTfidf:
        self._matrix = self._vectorizer.fit_transform(passages or [""])
        return self

    def similarities(self, queries: list[str], rows: np.ndarray | None = None) -> np.ndarray:
        """Cosine similarity of each query to the fitted passages (or to `rows` of them)."""
        q = self._vectorizer.transform(queries)
        m = self._matrix if rows is None else self._matrix[rows]
        return np.asarray((q @ m.T).todense(), dtype=np.float32)
