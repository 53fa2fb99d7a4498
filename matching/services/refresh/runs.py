"""Runs: the incremental refresh of one subject after it was (re-)embedded, the full rebuild
(`match_all`) in chunks, and the periodic stale sweep."""

from __future__ import annotations

import logging
from datetime import timedelta

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from matching.engine.index import build_index
from matching.models import (
    EmbeddingVector,
    MatchRun,
    MatchScore,
    OrganizationRanking,
    PartnershipProposal,
    Proposal,
)
from matching.models.results import ProposalStatus
from outbox.dispatch import enqueue
from profiles.models import Need, Venture

from ..corpus import Corpus
from ..embedding import get_embedder, matchable, vectors_embed, vectors_embed_all, vectors_load
from ..notices import match_run_failed_notify
from .investors import investor_matches_refresh
from .needs import needs_score, proposals_assign
from .partners import partnerships_refresh

logger = logging.getLogger(__name__)


# --- Incremental refresh of one subject -------------------------------------------------------


def needs_near_seed(seed_id: int, model_id: str, limit: int) -> list[int]:
    """Needs the seed could enter the ranking of: the nearest needs by vector, plus those that
    currently list it."""
    listed = set(MatchScore.objects.filter(seed_id=seed_id).values_list("need_id", flat=True))
    vector = vectors_load(kind="seed", ids=[seed_id], model_id=model_id).get(seed_id)
    if vector is None:
        return sorted(listed)
    need_vectors = vectors_load(kind="need", model_id=model_id)
    if not need_vectors:
        return sorted(listed)
    ids = np.array(list(need_vectors), dtype=np.int64)
    matrix = np.vstack([need_vectors[i] for i in ids.tolist()])
    found, _ = build_index(ids, matrix).search(vector.reshape(1, -1), min(limit, len(ids)))
    return sorted(listed | {int(i) for i in found[0].tolist() if i >= 0})


def subject_refresh(*, kind: str, object_id: int) -> dict:
    """Refresh the matches that depend on one seed, need, investor or venture."""
    model_id = get_embedder().model_id
    if kind == "need":
        company = (
            Need.objects.filter(id=object_id).values_list("organization_id", flat=True).first()
        )
        needs_score(need_ids=[object_id])
        proposals_assign(need_ids=[object_id])
        if company is not None:
            partnerships_refresh(company_ids=[company])
        return {"needs": 1}
    if kind == "seed":
        if not matchable("seed").filter(id=object_id).exists():
            MatchScore.objects.filter(seed_id=object_id).delete()
            Proposal.objects.filter(seed_id=object_id, status=ProposalStatus.PROPOSED).delete()
        limit = settings.MATCHING_INCREMENTAL_NEEDS
        need_ids = needs_near_seed(object_id, model_id, limit)
        if need_ids:
            corpus = Corpus(model_id)
            needs_score(need_ids=need_ids, corpus=corpus)
            proposals_assign(need_ids=need_ids)
            companies = set(
                Need.objects.filter(id__in=need_ids).values_list("organization_id", flat=True)
            )
            partnerships_refresh(company_ids=sorted(companies))
        # A seed linked to a venture changes that venture's investor ranking.
        ventures = list(Venture.objects.filter(seeds__id=object_id).values_list("id", flat=True))
        if ventures:
            investor_matches_refresh(venture_ids=ventures)
        return {"needs": len(need_ids)}
    if kind == "investor":
        return {"ventures": investor_matches_refresh()}
    if kind == "venture":
        return {"ventures": investor_matches_refresh(venture_ids=[object_id])}
    raise ValueError(f"unknown subject kind {kind!r}")


def subject_embed(*, kind: str, object_id: int) -> bool:
    """Embed one row if its vector is missing or stale; True when it was (re-)embedded."""
    return bool(vectors_embed(kind=kind, ids=[object_id]))


# --- Full rebuild -------------------------------------------------------------------------------


def chunked(ids: list[int], size: int) -> list[list[int]]:
    return [ids[i : i + size] for i in range(0, len(ids), size)] or [[]]


def match_run_start(*, run: MatchRun) -> list[list[int]]:
    """Embed whatever is stale, then split the needs into chunks (recorded on the run)."""
    MatchRun.objects.filter(pk=run.pk).update(
        status=MatchRun.Status.RUNNING, started_at=timezone.now(), done_chunks=0
    )
    vectors_embed_all()
    need_ids = list(matchable("need").values_list("id", flat=True))
    chunks = chunked(need_ids, settings.MATCHING_CHUNK_SIZE)
    MatchRun.objects.filter(pk=run.pk).update(total_chunks=len(chunks))
    run.refresh_from_db()
    return chunks


def match_run_fail(*, run_id: int, error: str) -> None:
    """Mark the run failed (once) and tell the coordinators."""
    with transaction.atomic():
        updated = (
            MatchRun.objects.filter(pk=run_id)
            .exclude(status=MatchRun.Status.FAILED)
            .update(status=MatchRun.Status.FAILED, error=error[:2000], finished_at=timezone.now())
        )
        if updated:
            match_run_failed_notify(run_id=run_id)


def match_run_chunk(*, run_id: int, need_ids: list[int]) -> bool:
    """Score one chunk of needs and count it; the chunk that completes the run finishes it.
    Returns True when this call finished the run.

    A chunk delivered twice re-scores the same needs (same rows) and counts once more, capped
    at the total; the run finishes once, under the row lock.
    """
    if need_ids:
        needs_score(need_ids=need_ids)
    with transaction.atomic():
        run = MatchRun.objects.select_for_update().get(pk=run_id)
        if run.status != MatchRun.Status.RUNNING:
            return False
        run.done_chunks = min(run.total_chunks, run.done_chunks + 1)
        run.save(update_fields=["done_chunks"])
        last = run.done_chunks >= run.total_chunks
    if last:
        match_run_finish(run_id=run_id)
    return last


def match_run_finish(*, run_id: int) -> MatchRun:
    """After every chunk: clean rows of subjects that left, then proposals, partnerships and
    investor matches over everything."""
    live_needs = matchable("need").values_list("id", flat=True)
    live_seeds = matchable("seed").values_list("id", flat=True)
    MatchScore.objects.exclude(need_id__in=live_needs).delete()
    MatchScore.objects.exclude(seed_id__in=live_seeds).delete()
    OrganizationRanking.objects.exclude(need_id__in=live_needs).delete()
    Proposal.objects.filter(status=ProposalStatus.PROPOSED).filter(
        ~Q(need_id__in=live_needs) | ~Q(seed_id__in=live_seeds)
    ).delete()
    quality = proposals_assign()
    live_companies = set(matchable("need").values_list("organization_id", flat=True))
    PartnershipProposal.objects.filter(status=ProposalStatus.PROPOSED).exclude(
        company_id__in=live_companies
    ).delete()
    partnerships_refresh(company_ids=sorted(live_companies))
    investor_matches_refresh()
    MatchRun.objects.filter(pk=run_id).update(
        status=MatchRun.Status.DONE, finished_at=timezone.now(), done_chunks=F("total_chunks")
    )
    logger.info("match run %s done; assignment %s", run_id, quality)
    return MatchRun.objects.get(pk=run_id)


def match_all(*, sync: bool, by=None) -> MatchRun:
    """Rebuild every ranking. `sync`: in this process, chunk after chunk (the same code the
    Celery tasks run); otherwise enqueue `rebuild_all`, which fans the chunks out to workers."""
    embedder = get_embedder()
    run = MatchRun.objects.create(
        kind=MatchRun.Kind.FULL, model_id=embedder.model_id, created_by=by
    )
    if not sync:
        enqueue("matching.tasks.rebuild_all", run.id)
        return run
    try:
        for chunk in match_run_start(run=run):
            match_run_chunk(run_id=run.id, need_ids=chunk)
    except Exception as exc:
        match_run_fail(run_id=run.pk, error=str(exc))
        raise
    run.refresh_from_db()
    return run


def stale_refresh() -> dict:
    """The periodic sweep: embed what is stale, refresh the subjects that changed, and rebuild
    everything when the stored scores belong to another model (the model was switched)."""
    embedder = get_embedder()
    running = MatchRun.objects.filter(
        kind=MatchRun.Kind.FULL,
        status__in=[MatchRun.Status.PENDING, MatchRun.Status.RUNNING],
        created_at__gte=timezone.now() - timedelta(hours=2),
    ).first()
    if running is not None:
        return {"rebuild": running.id, "already_running": True}
    if MatchScore.objects.exclude(model_id=embedder.model_id).exists():
        run = match_all(sync=False)
        return {"rebuild": run.id}
    changed = {kind: [] for kind in ("seed", "need", "investor", "venture")}
    for kind in changed:
        changed[kind] = vectors_embed(kind=kind, embedder=embedder, return_ids=True)
    # Needs that have a vector but no scores (their refresh was lost), when there are seeds.
    unscored: list[int] = []
    if EmbeddingVector.objects.filter(kind="seed", model_id=embedder.model_id).exists():
        with_vector = EmbeddingVector.objects.filter(
            kind="need", model_id=embedder.model_id
        ).values_list("object_id", flat=True)
        unscored = list(
            matchable("need")
            .filter(id__in=with_vector)
            .exclude(match_scores__isnull=False)
            .values_list("id", flat=True)
        )
    need_ids = sorted(set(changed["need"]) | set(unscored))
    if len(changed["seed"]) + len(need_ids) > settings.MATCHING_SWEEP_REBUILD_ABOVE:
        # Many changes (a bulk import): one chunked rebuild beats many incremental refreshes.
        run = match_all(sync=False)
        return {"rebuild": run.id}
    for need_id in need_ids:
        subject_refresh(kind="need", object_id=need_id)
    for seed_id in changed["seed"]:
        subject_refresh(kind="seed", object_id=seed_id)
    if changed["investor"]:
        investor_matches_refresh()
    elif changed["venture"]:
        investor_matches_refresh(venture_ids=changed["venture"])
    return {kind: len(ids) for kind, ids in changed.items()} | {"unscored_needs": len(unscored)}
