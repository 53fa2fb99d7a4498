"""Celery tasks of the matcher: each takes ids, calls one service, and is safe to run twice.

- `embed_subject(kind, id)`: after a seed/need/investor profile/venture is saved (the domain's
  `catalog_row_changed` signal, connected in matching/receivers.py); embeds it if its text or
  the model changed, then enqueues `refresh_matches_for`.
- `refresh_matches_for(kind, id)`: the incremental refresh of what depends on that row.
- `rebuild_all(run_id)`: embeds everything stale and fans the needs out in chunks
  (`match_all_chunk`); the chunk that completes the run computes proposals, partnerships and
  investor matches. Progress is MatchRun.done_chunks / total_chunks.
- `refresh_stale()`: the periodic sweep (CELERY_BEAT_SCHEDULE).
- `learn_weights()`: refit the scoring weights from admin-confirmed feedback.

Retries: only errors that can pass (database or broker connection), with exponential backoff
and a cap. The embedder is loaded once per worker process (worker_process_init), never per
task. Without a broker (CELERY_TASK_ALWAYS_EAGER) the same tasks run in-process.
"""

from __future__ import annotations

import logging

from celery import group, shared_task
from celery.signals import worker_process_init
from django.db import InterfaceError, OperationalError, transaction
from kombu.exceptions import OperationalError as KombuOperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

TRANSIENT = (
    OperationalError,
    InterfaceError,
    KombuOperationalError,
    RedisConnectionError,
    RedisTimeoutError,
    ConnectionError,
    TimeoutError,
)
COMMON = {
    "acks_late": True,
    "autoretry_for": TRANSIENT,
    "retry_backoff": 2,
    "retry_backoff_max": 120,
    "retry_jitter": True,
    "max_retries": 5,
}


@worker_process_init.connect
def _load_model(**_kwargs) -> None:
    # Load the embedder when the worker process starts, not inside the first task's time limit.
    try:
        from matching.services.embedding import get_embedder

        get_embedder()
    except Exception:  # a broken model must surface in the tasks' errors, not kill the worker
        logger.exception("could not load the embedder at worker start")


@shared_task(soft_time_limit=120, time_limit=150, **COMMON)
def embed_subject(kind: str, object_id: int) -> bool:
    from matching.services.refresh import subject_embed

    changed = subject_embed(kind=kind, object_id=object_id)
    # Refresh even when nothing changed: an archive or a capacity change alters matches
    # without changing the embedded text.
    transaction.on_commit(lambda: refresh_matches_for.delay(kind, object_id))
    return changed


@shared_task(soft_time_limit=300, time_limit=360, **COMMON)
def refresh_matches_for(kind: str, object_id: int) -> dict:
    from matching.services.refresh import subject_refresh

    return subject_refresh(kind=kind, object_id=object_id)


@shared_task(soft_time_limit=1800, time_limit=1900, **COMMON)
def rebuild_all(run_id: int) -> int:
    from matching.models import MatchRun
    from matching.services.refresh import match_run_fail, match_run_start

    run = MatchRun.objects.get(pk=run_id)
    started = run.status == MatchRun.Status.RUNNING and run.total_chunks > 0
    if started or run.status in (MatchRun.Status.DONE, MatchRun.Status.FAILED):
        return 0  # a duplicate delivery: the chunks are already out, or the run ended
    try:
        chunks = match_run_start(run=run)
    except TRANSIENT:
        raise
    except Exception as exc:
        match_run_fail(run_id=run_id, error=f"{type(exc).__name__}: {exc}")
        raise
    group(match_all_chunk.s(run_id, chunk) for chunk in chunks).apply_async()
    return len(chunks)


@shared_task(soft_time_limit=900, time_limit=960, **COMMON)
def match_all_chunk(run_id: int, need_ids: list[int]) -> bool:
    from matching.services.refresh import match_run_chunk, match_run_fail

    try:
        return match_run_chunk(run_id=run_id, need_ids=list(need_ids))
    except TRANSIENT:
        raise  # retried by Celery
    except Exception as exc:
        # A bug, not a hiccup: show it on the run instead of leaving it "running" forever.
        match_run_fail(run_id=run_id, error=f"{type(exc).__name__}: {exc}")
        raise


@shared_task(soft_time_limit=1800, time_limit=1900, **COMMON)
def refresh_stale() -> dict:
    from matching.services.refresh import stale_refresh

    return stale_refresh()


@shared_task(soft_time_limit=300, time_limit=360, **COMMON)
def learn_weights() -> dict | None:
    from matching.services.evaluation import weights_learn

    return weights_learn()


@shared_task(soft_time_limit=300, time_limit=360, **COMMON)
def notify_review_queue() -> dict:
    """Daily (beat): tell coordinators how many proposals wait for review."""
    from matching.services.notices import review_queue_notify

    return review_queue_notify()


@shared_task(soft_time_limit=600, time_limit=660, **COMMON)
def notify_weekly_needs() -> int:
    """Weekly (beat): tell universities of the needs published in their fields."""
    from matching.services.notices import weekly_needs_notify

    return weekly_needs_notify()
