"""Investors ranked for a university spin-off (and, read the other way, a venture's deal flow).

The semantic signal compares the venture (query) and the public texts of its linked seeds with
each investor's thesis and fields (passages). A thesis written in general terms ("university
deep tech", in Japanese) is similar to every Japanese venture: a hub. So each investor's
similarity is centred on its mean similarity to a reference set (all seeds, needs and ventures
of the platform), which removes both that hubness and the language offset of an English thesis
(CSLS-style centring, as in cross-lingual retrieval). Structured signals: the venture's stage
is among the investor's stages, and the venture's region among the investor's regions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

DEFAULT_INVESTOR_WEIGHTS: dict[str, float] = {
    "semantic": 1.0,
    "seeds": 0.3,  # share of the linked seeds' similarity in the semantic signal
    "stage": 0.5,
    "region": 0.2,
}
MIN_STD = 0.01


@dataclass
class VentureRow:
    id: int
    vector: np.ndarray  # query role
    seed_vectors: np.ndarray  # (m, dim) passages of the linked seeds, m may be 0
    stage: str = ""
    region: str = ""


@dataclass
class InvestorSet:
    ids: np.ndarray
    vectors: np.ndarray  # passages
    stages: list[frozenset[str]]
    regions: list[frozenset[str]]

    def __len__(self) -> int:
        return int(self.ids.shape[0])


@dataclass
class InvestorRanking:
    venture_id: int
    rows: np.ndarray
    scores: np.ndarray
    contributions: dict[str, np.ndarray]

    def signals_of(self, i: int) -> dict[str, float]:
        return {name: round(float(v[i]), 4) for name, v in self.contributions.items()}


def investor_weights(overrides: Mapping[str, float] | None = None) -> dict[str, float]:
    weights = dict(DEFAULT_INVESTOR_WEIGHTS)
    weights.update({k: float(v) for k, v in (overrides or {}).items()})
    return weights


def rank_investors(
    ventures: Sequence[VentureRow],
    investors: InvestorSet,
    reference: np.ndarray,
    weights: Mapping[str, float],
) -> list[InvestorRanking]:
    """All investors for each venture, best first."""
    if len(investors) == 0:
        return [InvestorRanking(v.id, np.zeros(0, int), np.zeros(0), {}) for v in ventures]
    inv = investors.vectors
    centre = (reference @ inv.T).mean(axis=0) if len(reference) else np.zeros(len(investors))
    share = float(weights.get("seeds", 0.0))
    out = []
    for venture in ventures:
        sims = inv @ np.asarray(venture.vector, dtype=np.float32)
        if share and len(venture.seed_vectors):
            seed_sims = (np.asarray(venture.seed_vectors) @ inv.T).mean(axis=0)
            sims = (1 - share) * sims + share * seed_sims
        centred = sims - centre
        semantic = (centred - centred.mean()) / max(float(centred.std()), MIN_STD)
        stage = np.array([1.0 if not st or venture.stage in st else 0.0 for st in investors.stages])
        region = np.array(
            [1.0 if not rg or venture.region in rg else 0.0 for rg in investors.regions]
        )
        contrib = {
            "semantic": weights["semantic"] * semantic,
            "stage": weights["stage"] * stage,
            "region": weights["region"] * region,
        }
        total = contrib["semantic"] + contrib["stage"] + contrib["region"]
        order = np.argsort(-total, kind="stable")
        out.append(
            InvestorRanking(
                venture.id, order, total[order], {k: v[order] for k, v in contrib.items()}
            )
        )
    return out
