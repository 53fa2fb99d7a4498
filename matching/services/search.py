"""Semantic search of research seeds: free text (Japanese or English) → ranked seeds the caller
may see, with filters, each signal's contribution and the terms the query shares with the
seed's PUBLIC text.

The query is embedded as a query (a need without structured fields beyond the filters) and
scored by the same engine as the matcher, so search and proposals agree.

At scale (100k seeds) loading every vector and building a corpus per query takes seconds, so
each process keeps the corpus of PUBLIC seeds (published, of an approved organisation, with a
vector of the active model) in memory: the engine arrays, the vector index and the language
offsets. One aggregate query per search checks its version (counts, id sums and latest
`updated_at` of those seeds, of organisations and of the seed vectors, plus the weights); a
change rebuilds it. Capacity (committed proposals), readiness and the need-based language
offsets are refreshed in place when committed proposals change, and at least every
SOFT_REFRESH_SECONDS. Outside a transaction the version is checked at most every
CHECK_SECONDS per process.

Per query: the index (or, with structured filters, an exact product over the rows that pass
them) gives the CANDIDATES nearest seeds; the engine scores those exactly as the matcher
would, and each gets its calibrated relevance and band (strong / possible / weak, from the
model's calibration; none when it is uncalibrated); the list stops below the relevance floor
unless the caller asks for weaker matches, and says how many it left out; the best are then
read through `seeds_visible_to(user)`, so a result is always a row the caller may see,
whatever the state of the cache, and sorted (score, TRL or newest) for paging. Below CANDIDATES seeds every seed is
scored, as before. A caller whose own organisation is not approved but has searchable seeds
(only possible after its approval was withdrawn) sees rows outside the public corpus, so that
rare search builds its corpus from its visible rows directly.
"""

from __future__ import annotations

import copy
import dataclasses
import threading
import time
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.db import connection
from django.db.models import Count

from matching.engine.relevance import relevance_of_contributions, worth_proposing
from matching.engine.scoring import NeedRow, score_needs
from matching.engine.text import detect_language, shared_terms
from matching.models import EmbeddingVector, Proposal
from profiles.access import org_of
from profiles.choices import ApprovalStatus, PublicationStatus
from profiles.models import Organization, Seed
from profiles.selectors.catalog import seeds_visible_to
from profiles.selectors.readiness import readiness_scores

from .corpus import COMMITTED, Corpus
from .embedding import get_embedder, vectors_embed, vectors_load
from .relevance import calibration_for, relevance_band, relevance_floor
from .weights import active_weights

MAX_LIMIT = 100
# Orders of a result list: the matcher's score (default), the seed's TRL, the newest first.
SORTS = ("score", "trl", "newest")
# Visible seeds without a stored vector (just published, embedding not run yet) are embedded
# on the fly up to this many per corpus build; the rest wait for their task.
EMBED_ON_THE_FLY = 32
# Seeds scored exactly per query (nearest by cosine first). The fused score adds at most a few
# points of structured signals to the semantic z-score, so a seed outside the 500 nearest of
# 100k practically never reaches a top 20.
CANDIDATES = 500
# Up to this many seeds the corpus uses the exact index: one query costs ~10 ms at 100k x 384
# and nothing is built, whereas an HNSW graph of 100k seeds takes tens of seconds to build, a
# price every change of the corpus would pay again (docs/matching.md, "Search at scale").
EXACT_UP_TO = 300_000
# After a version check a process trusts its corpus this many seconds (setting
# MATCHING_SEARCH_CHECK_SECONDS) outside a transaction: the check scans the published seeds and
# their vectors (~150 ms at 100k on a busy two-core machine), so a burst of searches pays it
# once. A new seed may then take that long to be found; a withdrawn one never shows, since
# every hit is read through the caller's visibility.
CHECK_SECONDS = 2.0
# Capacity, readiness and language offsets are re-read at least this often.
SOFT_REFRESH_SECONDS = 300


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


# --- The per-process corpus of public seeds --------------------------------------------------


@dataclass
class SearchCorpus:
    key: tuple
    soft_key: tuple
    refreshed: float
    corpus: Corpus
    capacity: np.ndarray  # seed capacity per row (capacity_left is capacity - committed)
    fields: np.ndarray  # lower-cased research field per row (str)
    mode_masks: dict[str, np.ndarray] = field(default_factory=dict)
    checked: float = 0.0  # monotonic time of the last version check that found it current

    def __len__(self) -> int:
        return len(self.corpus.seeds)

    def has_mode(self, mode: str) -> np.ndarray:
        mask = self.mode_masks.get(mode)
        if mask is None:
            mask = np.array([mode in m for m in self.corpus.seeds.modes], dtype=bool)
            self.mode_masks[mode] = mask
        return mask


_lock = threading.Lock()
_cache: dict[str, SearchCorpus] = {}


def reset_search_cache() -> None:
    """Forget the cached corpora (tests; a process that switched databases)."""
    with _lock:
        _cache.clear()


def _public_seeds():
    return Seed.objects.filter(
        status=PublicationStatus.PUBLISHED,
        organization__approval_status=ApprovalStatus.APPROVED,
    ).select_related("organization")


def _versions(model_id: str) -> tuple[tuple, tuple]:
    """(hard, soft) version of the public corpus in one query: a change of `hard` rebuilds it,
    a change of `soft` re-reads capacity, readiness and language offsets. The database, the
    model and the weights are part of `hard`."""
    q = connection.ops.quote_name
    seed, org = q(Seed._meta.db_table), q(Organization._meta.db_table)
    vec, prop = q(EmbeddingVector._meta.db_table), q(Proposal._meta.db_table)
    committed = ", ".join(["%s"] * len(COMMITTED))
    # Single-row derived tables: each table is scanned once, on any backend.
    sql = f"""
        SELECT * FROM
          (SELECT COUNT(*), SUM(id), MAX(updated_at) FROM {seed} WHERE status = %s) s,
          (SELECT MAX(updated_at) FROM {org}) o,
          (SELECT COUNT(*), MAX(updated_at) FROM {vec} WHERE model_id = %s AND kind = 'seed') v,
          (SELECT COUNT(*), MAX(updated_at) FROM {prop} WHERE status IN ({committed})) p
    """
    params = [
        PublicationStatus.PUBLISHED.value,
        model_id,
        *[str(s) for s in COMMITTED],
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = tuple(str(v) for v in cursor.fetchone())
    weights = tuple(sorted(active_weights().items()))
    hard = (connection.alias, connection.settings_dict.get("NAME"), model_id, weights, *row[:6])
    return hard, row[6:]


def _corpus_build(model_id: str, key: tuple, soft_key: tuple) -> SearchCorpus:
    embedder = get_embedder()
    queryset = _public_seeds()
    vectors = vectors_load(kind="seed", model_id=model_id)
    missing = [i for i in queryset.values_list("id", flat=True) if i not in vectors]
    missing = missing[:EMBED_ON_THE_FLY]
    if missing and vectors_embed(kind="seed", ids=missing, embedder=embedder):
        key, soft_key = _versions(model_id)  # our own writes are part of this build
        vectors.update(vectors_load(kind="seed", ids=missing, model_id=model_id))
    kind = "exact" if len(vectors) <= EXACT_UP_TO else "hnsw"
    corpus = Corpus(model_id, vectors=vectors, queryset=queryset, index_kind=kind)
    capacity = np.array(
        [s.capacity for s in corpus.seed_objs], dtype=corpus.seeds.capacity_left.dtype
    )
    fields = np.array([(s.field or "").lower() for s in corpus.seed_objs], dtype=str)
    corpus.seed_objs = []  # hits are read again through the caller's visibility
    return SearchCorpus(
        key=key,
        soft_key=soft_key,
        refreshed=time.monotonic(),
        corpus=corpus,
        capacity=capacity,
        fields=fields.reshape(-1),
    )


def _soft_refresh(cached: SearchCorpus, soft_key: tuple) -> SearchCorpus:
    """Re-read what changes without the text changing: capacity left, readiness, offsets."""
    corpus = cached.corpus
    seeds = corpus.seeds
    committed = dict(
        Proposal.objects.filter(status__in=COMMITTED)
        .order_by()
        .values("seed_id")
        .annotate(n=Count("id"))
        .values_list("seed_id", "n")
    )
    used = np.array([committed.get(int(i), 0) for i in seeds.ids], dtype=cached.capacity.dtype)
    readiness = readiness_scores(org_ids=set(seeds.org_ids.tolist()))
    fresh = dataclasses.replace(
        seeds,
        capacity_left=cached.capacity - used,
        readiness=np.array(
            [readiness.get(int(o), np.nan) for o in seeds.org_ids.tolist()], dtype=float
        ),
    )
    replacement = copy.copy(corpus)  # shares the vectors, the index and the lexical model
    replacement.seeds = fresh
    replacement.offsets_table = replacement._language_table(None)
    return dataclasses.replace(
        cached, soft_key=soft_key, refreshed=time.monotonic(), corpus=replacement
    )


def _check_interval() -> float:
    return float(getattr(settings, "MATCHING_SEARCH_CHECK_SECONDS", CHECK_SECONDS))


def search_corpus(*, model_id: str | None = None) -> SearchCorpus:
    """The current corpus of public seeds for the active model, (re)built when stale."""
    model_id = model_id or get_embedder().model_id
    cached = _cache.get(model_id)
    now = time.monotonic()
    if (
        cached is not None
        and not connection.in_atomic_block  # a transaction may hold its own fresh writes
        and now - cached.checked < _check_interval()
        and now - cached.refreshed < SOFT_REFRESH_SECONDS
    ):
        return cached
    key, soft = _versions(model_id)
    if cached is not None and cached.key == key:
        if cached.soft_key == soft and now - cached.refreshed < SOFT_REFRESH_SECONDS:
            cached.checked = now
            return cached
    with _lock:
        cached = _cache.get(model_id)
        if cached is None or cached.key != key:
            cached = _corpus_build(model_id, key, soft)
        elif cached.soft_key != soft or now - cached.refreshed >= SOFT_REFRESH_SECONDS:
            cached = _soft_refresh(cached, soft)
        cached.checked = time.monotonic()
        _cache[model_id] = cached
    return cached


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


def _filter_mask(
    cached: SearchCorpus, *, field, region, trl_min, trl_max, mode
) -> np.ndarray | None:
    """Rows passing the structured filters, or None without filters."""
    seeds = cached.corpus.seeds
    mask = np.ones(len(seeds), dtype=bool)
    if field:
        mask &= np.char.find(cached.fields, field.lower()) >= 0
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


def _rank(cached: SearchCorpus, query: NeedRow, mask: np.ndarray | None):
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


def _corpus_of_visible(user, model_id: str) -> SearchCorpus:
    visible = seeds_visible_to(user=user).filter(status=PublicationStatus.PUBLISHED)
    ids = list(visible.values_list("id", flat=True))
    vectors = vectors_load(kind="seed", ids=ids, model_id=model_id)
    corpus = Corpus(model_id, vectors=vectors, queryset=visible)
    fields = np.array([(s.field or "").lower() for s in corpus.seed_objs], dtype=str)
    return SearchCorpus(
        key=(),
        soft_key=(),
        refreshed=time.monotonic(),
        corpus=corpus,
        capacity=np.zeros(0),
        fields=fields.reshape(-1),
    )


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
    if _own_rows_outside_public(user, embedder.model_id):
        cached = _corpus_of_visible(user, embedder.model_id)
    else:
        cached = search_corpus(model_id=embedder.model_id)
    if not len(cached):
        return SearchResults([])
    query = NeedRow(
        id=0,
        vector=embedder.embed_queries([text])[0],
        language=detect_language(text),
        modes=frozenset([mode]) if mode else frozenset(),
        trl_min=trl_min,
        trl_max=trl_max,
        preferred_regions=frozenset([region]) if region else frozenset(),
        text=text,
    )
    mask = _filter_mask(
        cached, field=field, region=region, trl_min=trl_min, trl_max=trl_max, mode=mode
    )
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
    return SearchResults(hits, weaker=weaker, calibrated=calibration is not None)
