"""Semantic search of research seeds: free text (Japanese or English) → ranked seeds the caller
may see, with filters, each signal's contribution and the terms the query shares with the
seed's PUBLIC text.

The query is embedded as a query (a need without structured fields beyond the filters) and
scored by the same engine as the matcher, so search and proposals agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from matching.engine.scoring import NeedRow
from matching.engine.text import detect_language, shared_terms
from profiles.choices import PublicationStatus
from profiles.models import Seed
from profiles.selectors.catalog import seeds_visible_to

from .embedding import get_embedder, vectors_embed, vectors_load
from .refresh import Corpus

MAX_LIMIT = 100
# Visible seeds without a stored vector (just published, embedding not run yet) are embedded
# on the fly up to this many per search; the rest wait for their task.
EMBED_ON_THE_FLY = 32


@dataclass
class SearchHit:
    seed: Seed
    score: float
    signals: dict[str, float] = field(default_factory=dict)
    shared_terms: list[str] = field(default_factory=list)


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
) -> list[SearchHit]:
    """Published seeds visible to `user`, best first, after the filters."""
    text = (text or "").strip()
    limit = max(1, min(int(limit or 20), MAX_LIMIT))
    if not text:
        return []
    embedder = get_embedder()
    visible = seeds_visible_to(user=user).filter(status=PublicationStatus.PUBLISHED)
    ids = list(visible.values_list("id", flat=True))
    vectors = vectors_load(kind="seed", ids=ids, model_id=embedder.model_id)
    missing = [i for i in ids if i not in vectors][:EMBED_ON_THE_FLY]
    if missing:
        vectors_embed(kind="seed", ids=missing, embedder=embedder)
        vectors.update(vectors_load(kind="seed", ids=missing, model_id=embedder.model_id))
    corpus = Corpus(embedder.model_id, vectors=vectors, queryset=visible)
    if not len(corpus.seeds):
        return []
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
    ranking = corpus.rank([query], k=len(corpus.seeds))[0]
    by_id = {s.id: s for s in corpus.seed_objs}
    hits: list[SearchHit] = []
    for i, row in enumerate(ranking.rows.tolist()):
        seed = by_id[int(corpus.seeds.ids[row])]
        if field and field.lower() not in (seed.field or "").lower():
            continue
        if region and seed.organization.region != region:
            continue
        if trl_min is not None and (seed.trl is None or seed.trl < trl_min):
            continue
        if trl_max is not None and (seed.trl is None or seed.trl > trl_max):
            continue
        if mode and mode not in (seed.collaboration_modes or []):
            continue
        hits.append(
            SearchHit(
                seed=seed,
                score=float(ranking.scores[i]),
                signals=ranking.signals_of(i),
                shared_terms=shared_terms(text, seed.embedding_text(), [], seed.keywords or []),
            )
        )
        if len(hits) >= limit:
            break
    return hits
