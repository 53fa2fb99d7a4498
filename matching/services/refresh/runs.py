"""Runs: the incremental refresh of one subject after it was (re-)embedded, the full rebuild
(`match_all`) as a resumable state machine in chunks, and the periodic stale sweep."""

from __future__ import annotations

import logging
from datetime import timedelta

import numpy as np
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from config.db import analyze
from matching.engine.index import build_index
from matching.models import (
    EmbeddingVector,
    MatchRun,
    MatchRunChunk,
    MatchScore,
    OrganizationRanking,
    PartnershipProposal,
    Proposal,
)
from matching.models.results import ProposalStatus
from outbox.dispatch import enqueue
from outbox.models import OutboxMessage
from profiles.models import Need, Venture

from ..embedding import (
    SUBJECTS,
    get_embedder,
    matchable,
    stale_ids,
    vectors_embed,
    vectors_embed_all,
    vectors_load,
)
from ..notices import match_run_failed_notify
from ..search_index import current_corpus, index_publish, version_corpus
from .investors import investor_matches_refresh
from .needs import needs_score, proposals_assign
from .partners import partnerships_refresh

logger = logging.getLogger(__name__)


# Attempts of a refresh whose rows vanished while it ran (see `with_fresh_rows`).
VANISHED_ATTEMPTS = 3


def with_fresh_rows(work):
    """Run `work()`; when a row it read vanished before its writes committed (a seed deleted
    while being scored: the foreign key fails the commit with an IntegrityError), run it again
    on the rows as they are now, which no longer include that row. Every refresh step
    recomputes from stored rows, so running it again is safe."""
    for attempt in range(1, VANISHED_ATTEMPTS + 1):
        try:
            return work()
        except IntegrityError as exc:
            if attempt == VANISHED_ATTEMPTS:
                raise
            logger.info("a row vanished during a refresh (%s); reading the rows again", exc)


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
    """Refresh the matches that depend on one seed, need, investor or venture (again on fresh
    rows when one vanished meanwhile)."""
    return with_fresh_rows(lambda: _subject_refresh(kind=kind, object_id=object_id))


def _subject_refresh(*, kind: str, object_id: int) -> dict:
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
            corpus = current_corpus(model_id=model_id)
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


# --- Full rebuild: a state machine of steps that may run twice ------------------------------


RUN_STEPS = (
    "matching.tasks.rebuild_all",
    "matching.tasks.match_all_chunk",
    "matching.tasks.finish_run",
    "matching.tasks.embed_chunk",
)


def chunked(ids: list[int], size: int) -> list[list[int]]:
    return [ids[i : i + size] for i in range(0, len(ids), size)] or [[]]


def _alive(run_id: int) -> None:
    """A sign of life of the run (the sweep resumes runs that stay silent)."""
    MatchRun.objects.filter(pk=run_id).update(progress_at=timezone.now())


def _send_missing_chunks(run: MatchRun) -> list[int]:
    """Send every chunk not yet done (inside the caller's transaction: the outbox rows commit
    with it). When none is left, move on to the finish (an embedding fan-out ends)."""
    numbers = list(
        run.chunks.filter(done_at__isnull=True).order_by("number").values_list("number", flat=True)
    )
    fan_out = run.kind == MatchRun.Kind.REEMBED
    task = "matching.tasks.embed_chunk" if fan_out else "matching.tasks.match_all_chunk"
    for number in numbers:
        enqueue(task, run.pk, number)
    if not numbers and fan_out:
        from ..fanout import fan_out_finish

        fan_out_finish(run)
    elif not numbers:
        MatchRun.objects.filter(pk=run.pk).update(phase=MatchRun.Phase.FINISH)
        enqueue("matching.tasks.finish_run", run.pk)
    return numbers


def match_run_start(*, run_id: int, send: bool = True) -> list[int]:
    """Step 1 (`rebuild_all`): embed what is stale, then record the chunks of needs and send
    them, in one transaction. Returns the chunk numbers sent.

    Delivered again after the chunks were recorded, it sends the chunks not yet done (their
    first messages may be lost); on an ended run it does nothing.
    """
    with transaction.atomic():
        run = MatchRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.status in (MatchRun.Status.DONE, MatchRun.Status.FAILED):
            return []
        if run.phase != MatchRun.Phase.START:
            if run.phase == MatchRun.Phase.FINISH:
                if send:
                    enqueue("matching.tasks.finish_run", run.pk)
                return []
            return _send_missing_chunks(run) if send else []
        now = timezone.now()
        MatchRun.objects.filter(pk=run_id).update(
            status=MatchRun.Status.RUNNING, started_at=run.started_at or now, progress_at=now
        )
    # Idempotent (content hashes) and committed batch by batch: a crash here loses at most a
    # batch, and the step delivered again continues from what is stored.
    vectors_embed_all(on_batch=lambda: _alive(run_id))
    need_ids = list(matchable("need").values_list("id", flat=True))
    # The seed corpus of the whole run, built once (or found published) and read by every chunk
    # from the shared index directory.
    published = index_publish(model_id=get_embedder().model_id, wait=True)
    with transaction.atomic():
        run = MatchRun.objects.select_for_update().get(pk=run_id)
        if run.status != MatchRun.Status.RUNNING or run.phase != MatchRun.Phase.START:
            return []  # another delivery got here first
        if not run.corpus_version:
            run.corpus_version = published["version"]
            MatchRun.objects.filter(pk=run_id).update(corpus_version=run.corpus_version)
        if not run.chunks.exists():
            MatchRunChunk.objects.bulk_create(
                MatchRunChunk(run=run, number=number, need_ids=ids)
                for number, ids in enumerate(chunked(need_ids, settings.MATCHING_CHUNK_SIZE))
            )
        total = run.chunks.count()
        MatchRun.objects.filter(pk=run_id).update(
            phase=MatchRun.Phase.SCORE,
            total_chunks=total,
            done_chunks=run.chunks.filter(done_at__isnull=False).count(),
            progress_at=timezone.now(),
        )
        run.phase = MatchRun.Phase.SCORE
        if not send:
            return list(range(total))
        return _send_missing_chunks(run)


def match_run_fail(*, run_id: int, error: str) -> None:
    """Mark the run failed (once; a finished run stays done) and tell the coordinators."""
    with transaction.atomic():
        updated = (
            MatchRun.objects.filter(pk=run_id)
            .exclude(status__in=[MatchRun.Status.DONE, MatchRun.Status.FAILED])
            .update(status=MatchRun.Status.FAILED, error=error[:2000], finished_at=timezone.now())
        )
        if updated:
            match_run_failed_notify(run_id=run_id)


def match_run_chunk(*, run_id: int, number: int, send: bool = True) -> bool:
    """Step 2 (`match_all_chunk`): score one chunk of needs and mark it done. Returns True
    when this call found no chunk left (and sent the finish).

    The end of scoring is read from the chunk rows under the run's row lock, in the same
    transaction as this chunk's mark, so no crash between "last chunk scored" and "finish
    sent" can exist. A chunk delivered twice scores the same needs again (same rows) and
    finds itself already marked.
    """
    chunk = MatchRunChunk.objects.select_related("run").filter(run_id=run_id, number=number).first()
    if chunk is None or chunk.run.status != MatchRun.Status.RUNNING:
        return False  # the run vanished or ended
    if chunk.done_at is None and chunk.need_ids:
        corpus = None
        if chunk.run.corpus_version:
            corpus = version_corpus(
                model_id=chunk.run.model_id or get_embedder().model_id,
                version=chunk.run.corpus_version,
            )
        with_fresh_rows(lambda: needs_score(need_ids=list(chunk.need_ids), corpus=corpus))
    with transaction.atomic():
        run = MatchRun.objects.select_for_update().get(pk=run_id)
        if run.status != MatchRun.Status.RUNNING or run.phase != MatchRun.Phase.SCORE:
            return False
        now = timezone.now()
        MatchRunChunk.objects.filter(pk=chunk.pk, done_at__isnull=True).update(done_at=now)
        left = run.chunks.filter(done_at__isnull=True).count()
        fields = {"done_chunks": run.total_chunks - left, "progress_at": now}
        if left == 0:
            fields["phase"] = MatchRun.Phase.FINISH
            if send:
                enqueue("matching.tasks.finish_run", run_id)
        MatchRun.objects.filter(pk=run_id).update(**fields)
    return left == 0


def match_run_finish(*, run_id: int) -> MatchRun | None:
    """Step 3 (`finish_run`): clean rows of subjects that left, then proposals, partnerships
    and investor matches over everything. Each part recomputes from stored scores, so a finish
    cut short and run again ends with the same rows."""
    run = MatchRun.objects.filter(pk=run_id).first()
    if run is None or run.status != MatchRun.Status.RUNNING or run.phase != MatchRun.Phase.FINISH:
        return run  # vanished, ended, or not there yet
    with_fresh_rows(lambda: _finish(run_id))
    MatchRun.objects.filter(pk=run_id, status=MatchRun.Status.RUNNING).update(
        status=MatchRun.Status.DONE,
        finished_at=timezone.now(),
        progress_at=timezone.now(),
        done_chunks=F("total_chunks"),
    )
    return MatchRun.objects.get(pk=run_id)


def _finish(run_id: int) -> None:
    _alive(run_id)
    # Every chunk rewrote its needs' scores and rankings: plans below (and the pages after)
    # need statistics of the tables as they are now (config/db.py).
    analyze(MatchScore, OrganizationRanking, Proposal)
    live_needs = matchable("need").values_list("id", flat=True)
    live_seeds = matchable("seed").values_list("id", flat=True)
    MatchScore.objects.exclude(need_id__in=live_needs).delete()
    MatchScore.objects.exclude(seed_id__in=live_seeds).delete()
    OrganizationRanking.objects.exclude(need_id__in=live_needs).delete()
    Proposal.objects.filter(status=ProposalStatus.PROPOSED).filter(
        ~Q(need_id__in=live_needs) | ~Q(seed_id__in=live_seeds)
    ).delete()
    quality = proposals_assign()
    _alive(run_id)
    live_companies = set(matchable("need").values_list("organization_id", flat=True))
    PartnershipProposal.objects.filter(status=ProposalStatus.PROPOSED).exclude(
        company_id__in=live_companies
    ).delete()
    partnerships_refresh(company_ids=sorted(live_companies))
    _alive(run_id)
    investor_matches_refresh()
    logger.info("match run %s done; assignment %s", run_id, quality)


def match_all(*, sync: bool, by=None) -> MatchRun:
    """Rebuild every ranking. `sync`: in this process, step after step (the same code the
    Celery tasks run); otherwise enqueue `rebuild_all`, which fans the chunks out to workers."""
    embedder = get_embedder()
    run = MatchRun.objects.create(
        kind=MatchRun.Kind.FULL, model_id=embedder.model_id, created_by=by
    )
    if not sync:
        enqueue("matching.tasks.rebuild_all", run.id)
        return run
    try:
        for number in match_run_start(run_id=run.id, send=False):
            match_run_chunk(run_id=run.id, number=number, send=False)
        match_run_finish(run_id=run.id)
    except Exception as exc:
        match_run_fail(run_id=run.pk, error=str(exc))
        raise
    run.refresh_from_db()
    return run


def match_runs_resume(*, stalled_after: float | None = None) -> list[int]:
    """Resume full rebuilds silent for MATCHING_RUN_STALL_SECONDS from their phase: start
    again (pending, start), send the chunks not done (score), or the finish (finish). Their
    lost messages are not needed: every step is safe to receive twice. Returns the run ids."""
    seconds = settings.MATCHING_RUN_STALL_SECONDS if stalled_after is None else stalled_after
    cutoff = timezone.now() - timedelta(seconds=seconds)
    silent = MatchRun.objects.filter(
        kind__in=[MatchRun.Kind.FULL, MatchRun.Kind.REEMBED],
        status__in=[MatchRun.Status.PENDING, MatchRun.Status.RUNNING],
    ).filter(Q(progress_at__lt=cutoff) | Q(progress_at__isnull=True, created_at__lt=cutoff))
    # A step whose message the outbox still holds (the broker is down) is not lost: the relay
    # sends it once the broker is back, and sending more would add nothing.
    waiting = set(
        OutboxMessage.objects.filter(
            task_name__in=RUN_STEPS, status=OutboxMessage.Status.PENDING
        ).values_list("args__0", flat=True)
    )
    resumed = []
    for run_id in silent.exclude(pk__in=[i for i in waiting if isinstance(i, int)]).values_list(
        "id", flat=True
    ):
        with transaction.atomic():
            run = MatchRun.objects.select_for_update().get(pk=run_id)
            last = run.progress_at or run.created_at
            if run.status not in (MatchRun.Status.PENDING, MatchRun.Status.RUNNING) or (
                last >= cutoff
            ):
                continue  # it moved while we looked
            if run.resumes >= settings.MATCHING_RUN_MAX_RESUMES:
                match_run_fail(
                    run_id=run.pk,
                    error=f"stalled: resumed {run.resumes} times without finishing",
                )
                logger.error("match run %s failed: stalled after %s resumes", run.pk, run.resumes)
                continue
            MatchRun.objects.filter(pk=run.pk).update(
                resumes=F("resumes") + 1, progress_at=timezone.now()
            )
            if run.phase == MatchRun.Phase.START:
                enqueue("matching.tasks.rebuild_all", run.pk)
                what = "start"
            elif run.phase == MatchRun.Phase.SCORE:
                what = f"{len(_send_missing_chunks(run))} chunk(s)"
            else:
                enqueue("matching.tasks.finish_run", run.pk)
                what = "finish"
        logger.warning("match run %s was silent since %s; resumed (%s)", run.pk, last, what)
        resumed.append(run.pk)
    return resumed


def stale_refresh() -> dict:
    """The periodic sweep: resume rebuilds that fell silent, embed what is stale, refresh the
    subjects that changed, and rebuild everything when the stored scores belong to another
    model (the model was switched)."""
    embedder = get_embedder()
    resumed = match_runs_resume()
    running = MatchRun.objects.filter(
        kind=MatchRun.Kind.FULL,
        status__in=[MatchRun.Status.PENDING, MatchRun.Status.RUNNING],
    ).first()
    if running is not None:
        return {"rebuild": running.id, "already_running": True, "resumed": resumed}
    from ..fanout import active_fan_out, embedding_fan_out

    fanning = active_fan_out()
    if fanning is not None:
        return {"fan_out": fanning.id, "already_running": True, "resumed": resumed}
    stale = {kind: stale_ids(kind=kind, embedder=embedder) for kind in SUBJECTS}
    if sum(map(len, stale.values())) > settings.MATCHING_SWEEP_REBUILD_ABOVE:
        # A bulk change or a model switch: embedded in chunks over every worker, and the
        # fan-out's end starts the rebuild.
        run = embedding_fan_out(rows=[(k, i) for k, ids in stale.items() for i in ids])
        return {"fan_out": run.id if run else None}
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
