"""Semantic search of research seeds: free text (Japanese or English) → ranked seeds the caller
may see, with filters, each signal's contribution and the terms the query shares with the
seed's PUBLIC text.

The query is embedded as a query (a need without structured fields beyond the filters) and
scored by the same engine as the matcher, so search and proposals agree. The query text is
the only thing a request ever embeds.

The seeds come from the shared index (`matching.services.search_index`): one version per
corpus state, built and published by a worker, memory-mapped by every web process, which only
reads a small pointer file to notice a new version. Seeds without a vector of the active model
(just published or imported, their embedding still queued) are not in the semantic index yet:
they are found by a lexical fallback (their title, summary or keywords contain a term of the
query), listed apart, and the results say how many seeds are still being processed.

Per query: the index (or, with structured filters, an exact product over the rows that pass
them) gives the CANDIDATES nearest seeds; the engine scores those exactly as the matcher
would, and each gets its calibrated relevance and band (strong / possible / weak, from the
model's calibration; none when it is uncalibrated); the list stops below the relevance floor
unless the caller asks for weaker matches, and says how many it left out; the best are then
read through `seeds_visible_to(user)`, so a result is always a row the caller may see,
whatever the age of the index, and sorted (score, TRL or newest) for paging. Below CANDIDATES
seeds every seed is scored. A caller whose own organisation is not approved but has searchable
seeds (only possible after its approval was withdrawn) sees rows outside the public corpus, so
that rare search builds its corpus from its visible rows' stored vectors directly.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np

from matching.engine.relevance import relevance_of_contributions, worth_proposing
from matching.engine.scoring import NeedRow, score_needs
from matching.engine.text import detect_language, shared_terms, terms
from matching.models import EmbeddingVector
from profiles.access import org_of
from profiles.choices import ApprovalStatus, PublicationStatus
from profiles.models import Seed
from profiles.selectors.catalog import seeds_visible_to

from .corpus import Corpus
from .embedding import get_embedder, vectors_load
from .relevance import calibration_for, relevance_band, relevance_floor
from .search_index import pending_seeds, published_index, reset_loaded

MAX_LIMIT = 100
# Orders of a result list: the matcher's score (default), the seed's TRL, the newest first.
SORTS = ("score", "trl", "newest")
# Seeds scored exactly per query (nearest by cosine first). The fused score adds at most a few
# points of structured signals to the semantic z-score, so a seed outside the 500 nearest of
# 100k practically never reaches a top 20.
CANDIDATES = 500
# Seeds not in the semantic index yet that the lexical fallback lists at most.
LEXICAL_LIMIT = 10
# Query vectors kept per process (a text searched again, the next page of the same search).
QUERY_CACHE = 1024


@dataclass
class SearchHit:
    seed: Seed
    score: float
    signals: dict[str, float] = field(default_factory=dict)
    shared_terms: list[str] = field(default_factory=list)
    relevance: float | None = None  # calibrated, None when the model is uncalibrated
    band: str | None = None  # strong / possible / weak
    defaults: list[str] = field(default_factory=list)  # signals that took an unknown's default


@dataclass
class SearchResults:
    hits: list[SearchHit]  # sorted, at most MAX_LIMIT
    weaker: int = 0  # candidates below the floor left out (0 when weaker ones are included)
    calibrated: bool = False
    # Seeds not in the semantic index yet: how many (as of the index's version), and the
    # visible ones whose public text contains a term of the query (lexical fallback).
    pending: int = 0
    lexical: list[Seed] = field(default_factory=list)


# --- The corpus a search reads ----------------------------------------------------------------


@dataclass
class _View:
    """What a search reads: the engine corpus and the filter masks over its rows."""

    corpus: Corpus
    field_mask: object  # callable(text) -> bool array
    has_mode: object  # callable(mode) -> bool array
    published: object = None  # the published version (None for a corpus built here)

    def __len__(self) -> int:
        return len(self.corpus.seeds)


def reset_search_cache() -> None:
    """Forget the loaded index versions and query vectors (tests; a process that switched
    databases)."""
    reset_loaded()
    _query_vector.cache_clear()


@functools.lru_cache(maxsize=QUERY_CACHE)
def _query_vector(model_id: str, text: str) -> np.ndarray:
    """The search text's vector (the only embedding a request does), kept per process."""
    vector = get_embedder().embed_queries([text])[0]
    vector.setflags(write=False)
    return vector


def _public_view(model_id: str) -> _View | None:
    published = published_index(model_id=model_id)
    if published is None:
        return None
    return _View(
        corpus=published.corpus(),
        field_mask=published.field_mask,
        has_mode=published.has_mode,
        published=published,
    )


class _Candidates:
    """The index interface `score_needs` expects, answering with rows chosen beforehand."""

    def __init__(self, rows: np.ndarray, sims: np.ndarray) -> None:
        self.rows, self.sims = rows, sims

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        ids = np.full((1, k), -1, dtype=np.int64)
        scores = np.full((1, k), -np.inf, dtype=np.float32)
        n = min(k, len(self.rows))
        ids[0, :n], scores[0, :n] = self.rows[:n], self.sims[:n]
        return ids, scores


def _filter_mask(cached: _View, *, field, region, trl_min, trl_max, mode) -> np.ndarray | None:
    """Rows passing the structured filters, or None without filters."""
    seeds = cached.corpus.seeds
    mask = np.ones(len(seeds), dtype=bool)
    if field:
        mask &= cached.field_mask(field)
    if region:
        mask &= seeds.regions == region
    if trl_min is not None:
        mask &= ~np.isnan(seeds.trl) & (np.nan_to_num(seeds.trl, nan=-1) >= trl_min)
    if trl_max is not None:
        mask &= ~np.isnan(seeds.trl) & (np.nan_to_num(seeds.trl, nan=99) <= trl_max)
    if mode:
        mask &= cached.has_mode(mode)
    filtered = bool(field or region or trl_min is not None or trl_max is not None or mode)
    return mask if filtered else None


def _rank(cached: _View, query: NeedRow, mask: np.ndarray | None):
    corpus = cached.corpus
    seeds = corpus.seeds
    index = corpus.index
    if mask is not None and len(seeds) > CANDIDATES:
        rows = np.flatnonzero(mask)
        sims = seeds.vectors @ np.asarray(query.vector, dtype=np.float32)
        sims = sims[rows]
        if len(rows) > CANDIDATES:
            top = np.argpartition(-sims, CANDIDATES)[:CANDIDATES]
            rows, sims = rows[top], sims[top]
        order = np.argsort(-sims, kind="stable")
        index = _Candidates(rows[order], sims[order])
    return score_needs(
        [query],
        seeds,
        corpus.weights,
        k=min(len(seeds), CANDIDATES),
        index=index,
        lexical=corpus.lexical,
        candidates=CANDIDATES,
        correct_language=corpus.correct_language,
        offsets_table=corpus.offsets_table,
    )[0]


def _own_rows_outside_public(user, model_id: str) -> bool:
    org = org_of(user)
    if org is None or org.approval_status == ApprovalStatus.APPROVED:
        return False
    own = Seed.objects.filter(organization=org, status=PublicationStatus.PUBLISHED)
    return EmbeddingVector.objects.filter(
        kind="seed", model_id=model_id, object_id__in=own.values("id")
    ).exists()


def _corpus_of_visible(user, model_id: str) -> _View:
    visible = seeds_visible_to(user=user).filter(status=PublicationStatus.PUBLISHED)
    ids = list(visible.values_list("id", flat=True))
    vectors = vectors_load(kind="seed", ids=ids, model_id=model_id)
    corpus = Corpus(model_id, vectors=vectors, queryset=visible)
    fields = np.array([(s.field or "").lower() for s in corpus.seed_objs], dtype=str).reshape(-1)
    modes = corpus.seeds.modes
    return _View(
        corpus=corpus,
        field_mask=lambda text: np.char.find(fields, text.lower()) >= 0,
        has_mode=lambda mode: np.array([mode in m for m in modes], dtype=bool),
    )


def _lexical_fallback(user, waiting: list[tuple[int, str]], text: str, **filters) -> list[Seed]:
    """Visible published seeds among `waiting` ((id, lower-cased public text) of seeds not in
    the semantic index yet, newest first) whose text contains a term of the query; the terms
    are matched in memory, the few matches read through the caller's visibility."""
    if not waiting:
        return []
    words = [w.lower() for w in terms(text)[:5]] or [text[:50].lower()]
    matched = [i for i, haystack in waiting if any(w in haystack for w in words)][:50]
    if not matched:
        return []
    qs = seeds_visible_to(user=user).filter(status=PublicationStatus.PUBLISHED, id__in=matched)
    if filters.get("field"):
        qs = qs.filter(field__icontains=filters["field"])
    if filters.get("region"):
        qs = qs.filter(organization__region=filters["region"])
    if filters.get("trl_min") is not None:
        qs = qs.filter(trl__gte=filters["trl_min"])
    if filters.get("trl_max") is not None:
        qs = qs.filter(trl__lte=filters["trl_max"])
    if filters.get("mode"):
        qs = qs.filter(collaboration_modes__icontains=filters["mode"])
    return list(qs.select_related("organization").order_by("-updated_at", "-id")[:LEXICAL_LIMIT])


def search_seeds(
    *,
    user,
    text: str,
    field: str | None = None,
    region: str | None = None,
    trl_min: int | None = None,
    trl_max: int | None = None,
    mode: str | None = None,
    limit: int = 20,
    include_weak: bool = True,
) -> list[SearchHit]:
    """Published seeds visible to `user`, best first, after the filters (weaker matches
    included unless `include_weak` is off: see `search`)."""
    return search(
        user=user,
        text=text,
        field=field,
        region=region,
        trl_min=trl_min,
        trl_max=trl_max,
        mode=mode,
        limit=limit,
        include_weak=include_weak,
    ).hits


def search(
    *,
    user,
    text: str,
    field: str | None = None,
    region: str | None = None,
    trl_min: int | None = None,
    trl_max: int | None = None,
    mode: str | None = None,
    limit: int = MAX_LIMIT,
    include_weak: bool = False,
    sort: str = "score",
) -> SearchResults:
    """Published seeds visible to `user` for a free-text query, after the filters: the best
    `limit` by score at or above the relevance floor (all of them with `include_weak`), then
    ordered by `sort` (score, trl, newest), with how many weaker candidates were left out."""
    text = (text or "").strip()
    limit = max(1, min(int(limit or 20), MAX_LIMIT))
    sort = sort if sort in SORTS else "score"
    if not text or not getattr(user, "is_authenticated", False):
        return SearchResults([])
    embedder = get_embedder()
    filters = dict(field=field, region=region, trl_min=trl_min, trl_max=trl_max, mode=mode)
    if _own_rows_outside_public(user, embedder.model_id):
        cached = _corpus_of_visible(user, embedder.model_id)
    else:
        cached = _public_view(embedder.model_id)
    # No version published yet: every matchable seed is still waiting. A corpus built here
    # (an unapproved organisation's member) holds every visible seed with a vector.
    if cached is not None and cached.published is None:
        pending, waiting = 0, []
    else:
        published = cached.published if cached is not None else None
        pending, waiting = pending_seeds(model_id=embedder.model_id, published=published)
    lexical = _lexical_fallback(user, waiting, text, **filters)
    if cached is None or not len(cached):
        return SearchResults([], pending=max(pending, len(lexical)), lexical=lexical)
    query = NeedRow(
        id=0,
        vector=_query_vector(embedder.model_id, text),
        language=detect_language(text),
        modes=frozenset([mode]) if mode else frozenset(),
        trl_min=trl_min,
        trl_max=trl_max,
        preferred_regions=frozenset([region]) if region else frozenset(),
        text=text,
    )
    mask = _filter_mask(cached, **filters)
    ranking = _rank(cached, query, mask)
    calibration = calibration_for(embedder.model_id, seeds=len(cached))
    relevance = relevance_of_contributions(
        calibration, ranking.contributions, cached.corpus.weights
    )
    floor = relevance_floor()
    seed_ids = cached.corpus.seeds.ids
    ordered, weaker = [], 0
    for i, row in enumerate(ranking.rows.tolist()):
        if mask is not None and not mask[row]:
            continue
        value = None if relevance is None else float(relevance[i])
        if not include_weak and not worth_proposing(value, floor):
            weaker += 1
            continue
        ordered.append((i, int(seed_ids[row]), value))
    visible = seeds_visible_to(user=user).filter(status=PublicationStatus.PUBLISHED)
    hits: list[SearchHit] = []
    batch = limit + 5  # a few spare for rows withdrawn since the corpus was read
    for start in range(0, len(ordered), batch):
        if len(hits) >= limit:
            break
        chunk = ordered[start : start + batch]
        seeds = visible.prefetch_related(None).in_bulk([seed_id for _, seed_id, _ in chunk])
        for i, seed_id, value in chunk:
            seed = seeds.get(seed_id)
            if seed is None:  # no longer visible (archived, organisation withdrawn)
                continue
            hits.append(
                SearchHit(
                    seed=seed,
                    score=float(ranking.scores[i]),
                    signals=ranking.signals_of(i),
                    shared_terms=shared_terms(text, seed.embedding_text(), [], seed.keywords or []),
                    relevance=value,
                    band=relevance_band(value),
                    defaults=ranking.defaults_of(i),
                )
            )
            if len(hits) >= limit:
                break
    if sort == "trl":
        hits.sort(key=lambda h: (h.seed.trl is None, -(h.seed.trl or 0)))
    elif sort == "newest":
        hits.sort(key=lambda h: h.seed.published_at or h.seed.created_at, reverse=True)
    return SearchResults(
        hits,
        weaker=weaker,
        calibrated=calibration is not None,
        pending=max(pending, len(lexical)),
        lexical=lexical,
    )
