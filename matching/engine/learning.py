"""Scoring weights learned from admin-confirmed feedback (scikit-learn LogisticRegression).

Each labelled proposal gives its stored signal values (contribution / weight used) and a label:
1 when the admin approved it and both sides were interested (or it was introduced), 0 when the
admin suppressed it or a side declined it as not aligned. With fewer than `min_labels` labels,
or only one class, nothing is learned and the defaults stay in force.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from sklearn.linear_model import LogisticRegression


def learn_weights(
    features: Sequence[Mapping[str, float]],
    labels: Sequence[int],
    *,
    base: Mapping[str, float],
    min_labels: int = 30,
) -> dict[str, float] | None:
    """New weights with the semantic weight kept at its base value, or None.

    Coefficients are rescaled so the semantic signal keeps its weight (the scale of the score
    stays comparable); negative coefficients become 0 (a signal can be switched off by
    feedback, never inverted).
    """
    if len(labels) < min_labels or len(set(labels)) < 2:
        return None
    names = [name for name in base if any(name in f for f in features)]
    if "semantic" not in names:
        return None
    x = np.array([[float(f.get(name, 0.0)) for name in names] for f in features])
    model = LogisticRegression(C=1.0, max_iter=1000)
    model.fit(x, np.asarray(labels, dtype=int))
    coef = dict(zip(names, model.coef_[0].tolist(), strict=True))
    if coef["semantic"] <= 0:
        return None
    scale = float(base["semantic"]) / coef["semantic"]
    learned = dict(base)
    for name in names:
        learned[name] = round(max(0.0, coef[name] * scale), 4)
    return learned
