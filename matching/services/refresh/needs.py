"""Seed and organisation rankings of needs (MatchScore, with each pair's calibrated relevance,
and OrganizationRanking) and the proposals chosen among them: only pairs at or above the
relevance floor, under capacity and exposure constraints. A need may get 0 to
MATCHING_PROPOSALS_PER_NEED proposals; one with none is "no good match yet"
(`matching.coverage`)."""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from matching.engine.aggregation import organisation_links
from matching.engine.assignment import Candidate, assign
from matching.engine.explain import match_explanation
from matching.engine.relevance import relevance_of_contributions, worth_proposing
from matching.models import (
    MatchScore,
    OrganizationRanking,
    Proposal,
)
from matching.models.results import ProposalStatus
from profiles.models import Need, Seed

from ..corpus import COMMITTED, Corpus, need_row  # noqa: F401 (Corpus: type of `corpus`)
from ..embedding import get_embedder, matchable, vectors_load
from ..relevance import calibration_for, relevance_floor
from ..search_index import current_corpus
from ..weights import active_weights

# --- Seed and organisation rankings of needs ------------------------------------------------


def needs_score(*, need_ids: list[int], corpus: Corpus | None = None) -> list[int]:
    """Recompute MatchScore and OrganizationRanking of these needs; returns the ids scored.

    Needs that are no longer matchable (archived, no vector) lose their rows. Without a
    `corpus` the newest published seed index is used (a need changed, not the seeds).
    """
    model_id = corpus.model_id if corpus else get_embedder().model_id
    needs = list(matchable("need").filter(id__in=need_ids))
    vectors = vectors_load(kind="need", ids=[n.id for n in needs], model_id=model_id)
    needs = [n for n in needs if n.id in vectors]
    gone = set(need_ids) - {n.id for n in needs}
    if gone:
        with transaction.atomic():
            MatchScore.objects.filter(need_id__in=gone).delete()
            OrganizationRanking.objects.filter(need_id__in=gone).delete()
            Proposal.objects.filter(need_id__in=gone, status=ProposalStatus.PROPOSED).delete()
    if not needs:
        return []
    corpus = corpus or current_corpus(model_id=model_id, seeds_changed=False)
    keep = settings.MATCHING_SCORES_PER_NEED
    rankings = corpus.rank([need_row(n, vectors[n.id]) for n in needs], k=max(keep, 200))
    seed_ids = corpus.seeds.ids
    calibration = calibration_for(model_id, seeds=len(corpus.seeds))
    scores, orgs = [], []
    for need, ranking in zip(needs, rankings, strict=True):
        relevance = relevance_of_contributions(calibration, ranking.contributions, corpus.weights)
        scores += [
            MatchScore(
                need_id=need.id,
                seed_id=int(seed_ids[row]),
                score=float(ranking.scores[i]),
                rank=i + 1,
                signals=ranking.signals_of(i),
                defaults=ranking.defaults_of(i),
                relevance=None if relevance is None else float(relevance[i]),
                model_id=model_id,
            )
            for i, row in enumerate(ranking.rows[:keep].tolist())
        ]
        orgs += [
            OrganizationRanking(
                need_id=need.id,
                organization_id=link.org_id,
                score=link.score,
                rank=r + 1,
                signals={"best_seed": int(seed_ids[link.seed_row]), "model_id": model_id},
            )
            for r, link in enumerate(organisation_links(ranking, corpus.seeds))
        ]
    # The corpus may be a published index a few seconds old: rows of seeds deleted since are
    # dropped (and the ranks closed up) instead of failing the insert.
    alive = set(
        Seed.objects.filter(id__in={ms.seed_id for ms in scores}).values_list("id", flat=True)
    )
    if len(alive) < len({ms.seed_id for ms in scores}):
        kept, rank = [], {}
        for ms in scores:
            if ms.seed_id in alive:
                rank[ms.need_id] = rank.get(ms.need_id, 0) + 1
                ms.rank = rank[ms.need_id]
                kept.append(ms)
        scores = kept
    # One transaction for the chunk: the needs locked in id order (two deliveries of the same
    # chunk serialise instead of racing on the unique constraints), then one delete and one
    # multi-row insert per table instead of four statements per need.
    ids = [n.id for n in needs]
    with transaction.atomic():
        list(Need.objects.select_for_update().filter(id__in=ids).order_by("id").values("id"))
        MatchScore.objects.filter(need_id__in=ids).delete()
        MatchScore.objects.bulk_create(scores, batch_size=2000)
        OrganizationRanking.objects.filter(need_id__in=ids).delete()
        OrganizationRanking.objects.bulk_create(orgs, batch_size=2000)
    return ids


# --- Proposals under constraints ------------------------------------------------------------


def proposal_explanation(*, need: Need, seed: Seed, score: MatchScore, weights: dict) -> dict:
    """The stored explanation of a proposal: each signal's contribution and value, the terms
    the PUBLIC texts share, the signals that only took a default, the relevance."""
    explanation = match_explanation(
        need_text=need.embedding_text(),
        seed_text=seed.embedding_text(),
        need_keywords=need.keywords or [],
        seed_keywords=seed.keywords or [],
        signals=score.signals,
    )
    explanation["values"] = {
        k: round(v / weights[k], 4) if weights.get(k) else 0.0 for k, v in score.signals.items()
    }
    explanation["weights"] = weights
    explanation["defaults"] = list(score.defaults or [])
    explanation["relevance"] = score.relevance
    return explanation


def candidates_per_need() -> int:
    """How deep in each need's ranking the assignment looks for proposals."""
    return max(settings.MATCHING_PROPOSALS_PER_NEED * 5, 20)


def _open(p: Proposal) -> bool:
    """A proposal the matcher may still re-choose or delete: proposed by the matcher, not yet
    reviewed, and not a company's own request."""
    return p.status == ProposalStatus.PROPOSED and p.requested_at is None


def proposals_assign(*, need_ids: list[int] | None = None) -> dict:
    """Choose the proposals of these needs (all matchable needs by default) with the
    constrained assignment among the pairs at or above the relevance floor, and upsert them.
    Returns the quality figures of the assignment."""
    if need_ids is None:
        need_ids = list(matchable("need").values_list("id", flat=True))
    need_ids = sorted(set(need_ids))
    per_need = settings.MATCHING_PROPOSALS_PER_NEED
    floor = relevance_floor()
    existing = defaultdict(dict)
    for p in Proposal.objects.filter(need_id__in=need_ids).select_related("seed"):
        existing[p.need_id][p.seed_id] = p
    slots = {}
    for need_id in need_ids:
        committed = sum(1 for p in existing[need_id].values() if p.status in COMMITTED)
        slots[need_id] = max(0, per_need - committed)
    rows = (
        MatchScore.objects.filter(need_id__in=need_ids, rank__lte=candidates_per_need())
        .annotate(seed_org=F("seed__organization_id"))
        .order_by("need_id", "rank")
    )
    candidates, by_pair = [], {}
    for ms in rows:
        if ms.seed_id in existing[ms.need_id]:
            continue  # already decided (approved/suppressed/requested…) or re-chosen below
        if not worth_proposing(ms.relevance, floor):
            continue
        candidates.append(Candidate(ms.need_id, ms.seed_id, ms.seed_org, ms.score))
        by_pair[(ms.need_id, ms.seed_id)] = ms
    # Open proposals compete again on equal terms (and drop out below the floor): their scores
    # in one query.
    open_pairs = [
        (need_id, seed_id)
        for need_id in need_ids
        for seed_id, p in existing[need_id].items()
        if _open(p)
    ]
    open_scores = {}
    if open_pairs:
        open_needs = {n for n, _ in open_pairs}
        for ms in MatchScore.objects.filter(
            need_id__in=open_needs, seed_id__in={s for _, s in open_pairs}
        ):
            open_scores[(ms.need_id, ms.seed_id)] = ms
    for need_id in need_ids:
        for seed_id, p in existing[need_id].items():
            if _open(p):
                ms = open_scores.get((need_id, seed_id))
                if ms is not None and worth_proposing(ms.relevance, floor):
                    candidates.append(Candidate(need_id, seed_id, p.seed.organization_id, ms.score))
                    by_pair[(need_id, seed_id)] = ms
    seed_ids = {c.seed_id for c in candidates}
    capacity = dict(Seed.objects.filter(id__in=seed_ids).values_list("id", "capacity"))
    spent = defaultdict(int)
    for seed_id, need_id, status in Proposal.objects.filter(seed_id__in=seed_ids).values_list(
        "seed_id", "need_id", "status"
    ):
        if status in COMMITTED or (status == ProposalStatus.PROPOSED and need_id not in slots):
            spent[seed_id] += 1
    left = {s: max(0, capacity.get(s, 0) - spent[s]) for s in seed_ids}
    # Proposals organisations hold on needs outside this set (exposure across the platform).
    org_load = defaultdict(int)
    for org_id in (
        Proposal.objects.exclude(need_id__in=need_ids)
        .filter(status__in=[ProposalStatus.PROPOSED, *COMMITTED])
        .values_list("seed__organization_id", flat=True)
    ):
        org_load[org_id] += 1
    # One order for the same candidates, however they were found: the min-cost flow breaks
    # ties between equally good assignments by edge order, and a rebuild's finish that runs
    # again (resumed after a crash) finds some of its proposals already written.
    candidates.sort(key=lambda c: (c.need_id, -c.score, c.seed_id))
    result = assign(
        candidates,
        slots,
        left,
        org_load=org_load,
        fair_share=settings.MATCHING_EXPOSURE_FAIR_SHARE,
        exposure_penalty=settings.MATCHING_EXPOSURE_PENALTY,
    )
    weights = active_weights()
    chosen_pairs = {
        (need_id, c.seed_id): c for need_id in need_ids for c in result.chosen.get(need_id, [])
    }
    # Only the rows of the chosen pairs are read in full (for their explanations).
    needs = {n.id: n for n in Need.objects.filter(id__in={n for n, _ in chosen_pairs})}
    seeds = {s.id: s for s in Seed.objects.filter(id__in={s for _, s in chosen_pairs})}
    # One transaction: the needs locked in id order, one delete of the open proposals no longer
    # chosen, the existing chosen rows read once, one insert and one update for the rest.
    with transaction.atomic():
        list(Need.objects.select_for_update().filter(id__in=need_ids).order_by("id").values("id"))
        dropped = Proposal.objects.filter(
            need_id__in=need_ids, status=ProposalStatus.PROPOSED, requested_at__isnull=True
        )
        keep = [
            p.pk
            for p in dropped.only("pk", "need_id", "seed_id")
            if (p.need_id, p.seed_id) in chosen_pairs
        ]
        dropped.exclude(pk__in=keep).delete()
        current = {
            (p.need_id, p.seed_id): p
            for p in Proposal.objects.filter(
                need_id__in={n for n, _ in chosen_pairs}, seed_id__in={s for _, s in chosen_pairs}
            )
        }
        new, changed = [], []
        for (need_id, seed_id), c in sorted(chosen_pairs.items()):
            ms = by_pair[(need_id, seed_id)]
            explanation = proposal_explanation(
                need=needs[need_id], seed=seeds[seed_id], score=ms, weights=weights
            )
            obj = current.get((need_id, seed_id))
            if obj is None:
                new.append(
                    Proposal(
                        need_id=need_id,
                        seed_id=seed_id,
                        score=c.score,
                        relevance=ms.relevance,
                        signals=ms.signals,
                        explanation=explanation,
                        model_id=ms.model_id,
                    )
                )
            elif _open(obj):
                obj.score, obj.signals, obj.explanation = c.score, ms.signals, explanation
                obj.relevance, obj.model_id = ms.relevance, ms.model_id
                obj.updated_at = timezone.now()
                changed.append(obj)
        Proposal.objects.bulk_create(new, batch_size=1000)
        Proposal.objects.bulk_update(
            changed,
            ["score", "relevance", "signals", "explanation", "model_id", "updated_at"],
            batch_size=500,
        )
    return {
        "assigned_score": round(result.total_score, 4),
        "unconstrained_score": round(result.unconstrained_score, 4),
        "quality_ratio": round(result.quality_ratio, 4),
        "proposals": sum(len(v) for v in result.chosen.values()),
    }
