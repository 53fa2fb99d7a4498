"""Embedding as fan-out: a bulk change (an import, a model switch) is embedded in chunks, one
Celery task per chunk, so every worker process on every machine takes a share.

`embedding_fan_out(rows=…)` records a `MatchRun` of kind REEMBED whose `MatchRunChunk` rows are
chunks of `MATCHING_EMBED_CHUNK` rows of one subject kind, and enqueues one
`matching.tasks.embed_chunk(run, number)` per chunk in the same transaction (the outbox sends
them after the commit). A second fan-out while one is running appends its rows as new chunks of
the running one. Each chunk embeds its rows (only those whose text or model changed), marks
itself done under the run's row lock and, when none is left, ends the run and asks for what
follows: the rows' incremental refreshes (a few rows) or one full rebuild (a bulk change).
While it runs, the shared search index is republished (debounced) so new seeds become
searchable chunk by chunk. Progress (done/total chunks) is the run's; the backlog and the
running fan-out are on /readyz and the coordinator's health page. The stale sweep resumes a
fan-out that fell silent like a rebuild (`match_runs_resume`).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from config.db import analyze
from matching.models import EmbeddingVector, MatchRun, MatchRunChunk
from outbox.dispatch import enqueue
from profiles.models import InvestorProfile, Need, Seed, Venture

from .embedding import SUBJECTS, get_embedder, stale_ids, vectors_embed

logger = logging.getLogger(__name__)

ACTIVE = (MatchRun.Status.PENDING, MatchRun.Status.RUNNING)


def active_fan_out() -> MatchRun | None:
    return MatchRun.objects.filter(kind=MatchRun.Kind.REEMBED, status__in=ACTIVE).first()


def embedding_fan_out(*, rows: list | None = None, by=None) -> MatchRun | None:
    """Embed `rows` ([kind, id] pairs; by default every row whose vector is missing or stale)
    in chunks over the workers. Returns the run (None when there is nothing to embed)."""
    if rows is None:
        embedder = get_embedder()
        rows = [(kind, i) for kind in SUBJECTS for i in stale_ids(kind=kind, embedder=embedder)]
    rows = [(str(kind), int(i)) for kind, i in rows if kind in SUBJECTS]
    if not rows:
        return None
    if len(rows) > settings.MATCHING_SWEEP_REBUILD_ABOVE:
        # A bulk write just changed the catalogue: the planner's statistics are stale.
        analyze(Seed, Need, Venture, InvestorProfile)
    size = settings.MATCHING_EMBED_CHUNK
    with transaction.atomic():
        run = (
            MatchRun.objects.select_for_update()
            .filter(kind=MatchRun.Kind.REEMBED, status__in=ACTIVE)
            .first()
        )
        if run is None:
            now = timezone.now()
            run = MatchRun.objects.create(
                kind=MatchRun.Kind.REEMBED,
                status=MatchRun.Status.RUNNING,
                phase=MatchRun.Phase.SCORE,
                model_id=get_embedder().model_id,
                created_by=by,
                started_at=now,
                progress_at=now,
            )
        queued = {
            (c.subject, i)
            for c in run.chunks.filter(done_at__isnull=True).only("subject", "need_ids")
            for i in c.need_ids
        }
        number = run.chunks.count()
        chunks = []
        for kind in SUBJECTS:
            ids = sorted({i for k, i in rows if k == kind and (k, i) not in queued})
            for start in range(0, len(ids), size):
                chunks.append(
                    MatchRunChunk(
                        run=run, number=number, subject=kind, need_ids=ids[start : start + size]
                    )
                )
                number += 1
        MatchRunChunk.objects.bulk_create(chunks)
        MatchRun.objects.filter(pk=run.pk).update(total_chunks=number, progress_at=timezone.now())
        for chunk in chunks:
            enqueue("matching.tasks.embed_chunk", run.pk, chunk.number)
    logger.info("embedding fan-out %s: %s rows in %s new chunk(s)", run.pk, len(rows), len(chunks))
    run.refresh_from_db()
    return run


def embed_chunk_run(*, run_id: int, number: int) -> bool:
    """Embed one chunk of a fan-out and mark it done; the chunk that leaves none ends the run and
    enqueues what follows. Safe to run twice. Returns True when it ended the run."""
    chunk = MatchRunChunk.objects.select_related("run").filter(run_id=run_id, number=number).first()
    if chunk is None or chunk.run.status not in ACTIVE:
        return False
    if chunk.done_at is None and chunk.need_ids:
        vectors_embed(kind=chunk.subject, ids=list(chunk.need_ids))
    with transaction.atomic():
        run = MatchRun.objects.select_for_update().get(pk=run_id)
        if run.status not in ACTIVE:
            return False
        now = timezone.now()
        MatchRunChunk.objects.filter(pk=chunk.pk, done_at__isnull=True).update(done_at=now)
        left = run.chunks.filter(done_at__isnull=True).count()
        MatchRun.objects.filter(pk=run_id).update(
            done_chunks=F("total_chunks") - left, progress_at=now
        )
        if left:
            # New vectors become searchable while the backlog drains (one build per interval).
            enqueue("matching.tasks.refresh_search_index", True)
            return False
        fan_out_finish(run)
    return True


def fan_out_finish(run: MatchRun) -> None:
    """End a fan-out whose chunks are all done (inside the caller's transaction, under the run's
    lock): publish the index, then refresh what the rows touch: each row when they are few, one
    chunked full rebuild (and one batch of seed alerts) when they are many."""
    from .refresh.runs import match_all

    now = timezone.now()
    MatchRun.objects.filter(pk=run.pk).update(
        status=MatchRun.Status.DONE,
        finished_at=now,
        progress_at=now,
        done_chunks=F("total_chunks"),
    )
    rows = [(c.subject, i) for c in run.chunks.all() for i in c.need_ids]
    if len(rows) > settings.MATCHING_SWEEP_REBUILD_ABOVE:
        analyze(EmbeddingVector)  # the vectors of every chunk are written now
    enqueue("matching.tasks.refresh_search_index", False)
    if len(rows) <= settings.MATCHING_SWEEP_REBUILD_ABOVE:
        for kind, object_id in rows:
            enqueue("matching.tasks.refresh_matches_for", kind, object_id)
        return
    seed_ids = [object_id for kind, object_id in rows if kind == "seed"]
    if seed_ids:
        # What the rows' refreshes would have enqueued one seed at a time (refresh_matches_for
        # → seed_alerts): the saved-search and watchlist alerts, once for the whole import.
        enqueue("matching.tasks.seeds_alerts", seed_ids)
    rebuilding = MatchRun.objects.filter(kind=MatchRun.Kind.FULL, status__in=ACTIVE).exists()
    if rebuilding:
        logger.info("fan-out %s done; a full rebuild is already running", run.pk)
        return
    match_all(sync=False)
