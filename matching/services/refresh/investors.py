"""Investor rankings of ventures (InvestorMatch)."""

from __future__ import annotations

import numpy as np
from django.conf import settings
from django.db import transaction

from matching.engine.investors import InvestorSet, VentureRow, rank_investors
from matching.models import (
    EmbeddingVector,
    InvestorMatch,
)
from profiles.models import Venture

from ..embedding import get_embedder, matchable, vectors_load
from ..notices import deal_flow_notify
from ..weights import active_investor_weights

# --- Investors ----------------------------------------------------------------------------------


def reference_vectors(model_id: str, limit: int = 5000) -> np.ndarray:
    """Vectors of the platform's seeds, needs and ventures: the backdrop investors are centred on."""
    qs = EmbeddingVector.objects.filter(
        model_id=model_id, kind__in=["seed", "need", "venture"]
    ).order_by("id")[:limit]
    rows = [np.frombuffer(bytes(b), dtype="<f4") for b in qs.values_list("vector", flat=True)]
    return np.vstack(rows).astype(np.float32) if rows else np.zeros((0, 0), np.float32)


def investor_matches_refresh(*, venture_ids: list[int] | None = None) -> int:
    """Rank every matchable investor for these ventures (all by default)."""
    model_id = get_embedder().model_id
    investors = list(matchable("investor"))
    inv_vectors = vectors_load(kind="investor", ids=[i.id for i in investors], model_id=model_id)
    investors = [i for i in investors if i.id in inv_vectors]
    ventures_qs = matchable("venture").prefetch_related("seeds")
    if venture_ids is not None:
        ventures_qs = ventures_qs.filter(id__in=venture_ids)
        gone = set(venture_ids) - set(ventures_qs.values_list("id", flat=True))
        InvestorMatch.objects.filter(venture_id__in=gone).delete()
    ventures = list(ventures_qs)
    ven_vectors = vectors_load(kind="venture", ids=[v.id for v in ventures], model_id=model_id)
    ventures = [v for v in ventures if v.id in ven_vectors]
    if not ventures:
        return 0
    linked = {s.id for v in ventures for s in v.seeds.all()}
    seed_vectors = vectors_load(kind="seed", ids=list(linked), model_id=model_id)
    dim = next(iter(ven_vectors.values())).shape[0]
    inv_set = InvestorSet(
        ids=np.array([i.id for i in investors], dtype=np.int64),
        vectors=np.vstack([inv_vectors[i.id] for i in investors])
        if investors
        else np.zeros((0, dim), "f4"),
        stages=[frozenset(i.stages or []) for i in investors],
        regions=[frozenset(i.regions or []) for i in investors],
    )
    rows = [
        VentureRow(
            id=v.id,
            vector=ven_vectors[v.id],
            seed_vectors=np.array(
                [seed_vectors[s.id] for s in v.seeds.all() if s.id in seed_vectors],
                dtype=np.float32,
            ).reshape(-1, dim),
            stage=v.stage,
            region=v.organization.region,
        )
        for v in ventures
    ]
    reference = reference_vectors(model_id)
    if reference.size == 0 or reference.shape[1] != dim:
        reference = np.zeros((0, dim), np.float32)
    rankings = rank_investors(rows, inv_set, reference, active_investor_weights())
    limit = settings.MATCHING_INVESTORS_PER_VENTURE
    for venture, ranking in zip(ventures, rankings, strict=True):
        matches = [
            InvestorMatch(
                venture_id=venture.id,
                investor_id=int(inv_set.ids[row]),
                score=float(ranking.scores[i]),
                rank=i + 1,
                signals=ranking.signals_of(i),
            )
            for i, row in enumerate(ranking.rows[:limit].tolist())
        ]
        with transaction.atomic():
            Venture.objects.select_for_update().filter(id=venture.id).first()
            InvestorMatch.objects.filter(venture_id=venture.id).delete()
            InvestorMatch.objects.bulk_create(matches)
            deal_flow_notify(venture_id=venture.id, matches=matches)
    return len(ventures)
