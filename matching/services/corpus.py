"""The seed corpus: the engine arrays of the matchable seeds with their vector index, language
offsets and lexical model, built once per refresh and shared by every need it scores; and the
engine row of a need."""

from __future__ import annotations

import logging

import numpy as np
from django.conf import settings
from django.db.models import Count, Q

from matching.engine.index import build_index
from matching.engine.lexical import CharTfidf
from matching.engine.scoring import NeedRow, SeedSet, language_table, score_needs
from matching.engine.text import detect_language
from matching.models.results import ProposalStatus
from profiles.models import Need, Seed
from profiles.selectors.readiness import readiness_scores

from .embedding import matchable, vectors_load
from .weights import active_weights

logger = logging.getLogger(__name__)


# Proposals a seed's capacity is spent on: those a coordinator let through.
COMMITTED = (ProposalStatus.APPROVED, ProposalStatus.INTRODUCED)


# --- Loading the corpus ---------------------------------------------------------------------


def seed_corpus(
    model_id: str,
    vectors: dict[int, np.ndarray] | None = None,
    queryset=None,
) -> tuple[SeedSet, list[Seed]]:
    """Seeds (matchable ones, or `queryset`) that have a vector of `model_id` (or in
    `vectors`), as engine arrays."""
    qs = matchable("seed") if queryset is None else queryset
    seeds = list(
        qs.annotate(committed=Count("proposals", filter=Q(proposals__status__in=COMMITTED)))
    )
    if vectors is None:
        vectors = vectors_load(kind="seed", ids=[s.id for s in seeds], model_id=model_id)
    seeds = [s for s in seeds if s.id in vectors]
    readiness = readiness_scores(org_ids={s.organization_id for s in seeds})
    rows = []
    for s in seeds:
        text = s.embedding_text()
        rows.append(
            {
                "id": s.id,
                "org_id": s.organization_id,
                "language": detect_language(text),
                "trl": s.trl,
                "modes": s.collaboration_modes or [],
                "region": s.organization.region,
                "capacity_left": s.capacity - s.committed,
                "readiness": readiness.get(s.organization_id),
                "text": text,
            }
        )
    dim = next(iter(vectors.values())).shape[0] if vectors else 1
    matrix = np.vstack([vectors[s.id] for s in seeds]) if seeds else np.zeros((0, dim), "f4")
    return SeedSet.build(rows, matrix), seeds


def need_row(need: Need, vector: np.ndarray) -> NeedRow:
    text = need.embedding_text()
    return NeedRow(
        id=need.id,
        vector=vector,
        org_id=need.organization_id,
        language=detect_language(text),
        modes=frozenset(need.collaboration_modes or []),
        trl_min=need.trl_min,
        trl_max=need.trl_max,
        budget_max_yen=need.budget_max_yen or need.budget_min_yen,
        preferred_regions=frozenset(need.preferred_regions or []),
        text=text,
    )


def language_offsets_table(
    model_id: str, seeds: SeedSet, need_vectors: dict[int, np.ndarray] | None = None
) -> dict:
    """Language offsets over the platform's needs (a sample of them when there are many)."""
    if not len(seeds):
        return {}
    if need_vectors is None:
        ids = list(matchable("need").values_list("id", flat=True)[:500])
        need_vectors = vectors_load(kind="need", ids=ids, model_id=model_id)
    if not need_vectors:
        return {}
    needs = Need.objects.filter(id__in=list(need_vectors)).only(
        "id", "title", "description", "keywords", "field"
    )
    langs = {n.id: detect_language(n.embedding_text()) for n in needs}
    ids = [i for i in need_vectors if i in langs]
    if not ids:
        return {}
    matrix = np.vstack([need_vectors[i] for i in ids])
    return language_table(
        matrix, [langs[i] for i in ids], seeds, prior=settings.MATCHING_LANGUAGE_PRIOR
    )


class Corpus:
    """The seed corpus with its index (and lexical model when fused): built from the database
    (`Corpus(model_id)`), or taken from a published shared index (`Corpus.of(...)`, see
    `matching.services.search_index`), which a full rebuild does once per run."""

    version = ""  # the shared index version it came from ("" when built here)

    def __init__(
        self,
        model_id: str,
        *,
        vectors: dict[int, np.ndarray] | None = None,
        weights: dict[str, float] | None = None,
        correct_language: bool = True,
        need_vectors: dict[int, np.ndarray] | None = None,
        queryset=None,
        index_kind: str = "auto",
    ) -> None:
        self.model_id = model_id
        self.correct_language = correct_language
        self.seeds, self.seed_objs = seed_corpus(model_id, vectors, queryset)
        self.index = (
            build_index(
                np.arange(len(self.seeds), dtype=np.int64), self.seeds.vectors, kind=index_kind
            )
            if len(self.seeds)
            else None
        )
        self.weights = weights if weights is not None else active_weights()
        self.offsets_table = self._language_table(need_vectors)
        self.lexical = self._lexical()

    @classmethod
    def of(
        cls,
        model_id: str,
        seeds: SeedSet,
        *,
        index,
        offsets_table: dict,
        version: str = "",
        weights: dict[str, float] | None = None,
    ) -> Corpus:
        """A corpus over arrays built elsewhere (a published index), without database reads
        other than the weights."""
        self = cls.__new__(cls)
        self.model_id = model_id
        self.correct_language = True
        self.seeds, self.seed_objs = seeds, []
        self.index = index if len(seeds) else None
        self.weights = weights if weights is not None else active_weights()
        self.offsets_table = offsets_table
        self.version = version
        self.lexical = self._lexical()
        return self

    def _lexical(self):
        return (
            CharTfidf().fit(self.seeds.texts)
            if self.weights.get("lexical") and self.seeds.texts
            else None
        )

    def _language_table(self, need_vectors: dict[int, np.ndarray] | None) -> dict:
        return language_offsets_table(self.model_id, self.seeds, need_vectors)

    def rank(self, needs: list[NeedRow], k: int):
        return score_needs(
            needs,
            self.seeds,
            self.weights,
            k=k,
            index=self.index,
            lexical=self.lexical,
            correct_language=self.correct_language,
            offsets_table=self.offsets_table,
        )
