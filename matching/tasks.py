"""Celery tasks of the matcher: each takes ids, calls one service, and is safe to run twice.

- `embed_subject(kind, id)`: after a seed/need/investor profile/venture is saved (the domain's
  `catalog_row_changed` signal, connected in matching/receivers.py); embeds it if its text or
  the model changed, then enqueues `refresh_matches_for`.
- `refresh_matches_for(kind, id)`: the incremental refresh of what depends on that row.
- The full rebuild, a state machine (matching/services/refresh/runs.py): `rebuild_all(run_id)`
  embeds everything stale, records the chunks of needs and sends them; `match_all_chunk(run_id,
  number)` scores one chunk; the chunk that leaves none undone sends `finish_run(run_id)`, which
  computes proposals, partnerships and investor matches. Any step may be delivered twice, and
  the stale sweep resumes a run that fell silent.
- `refresh_stale()`: the periodic sweep (CELERY_BEAT_SCHEDULE).
- `reassign_need(need_id)`: a declined proposal freed one of the need's slots; its proposals
  are chosen again.
- `seed_alerts(seed_id)`: after a seed's refresh, the saved-search and watchlist alerts;
  `seeds_alerts(seed_ids)`: the same for every seed of a bulk import, when its fan-out ends.
- `refresh_search_index(debounced)`: publish the shared search index of the current corpus
  version if it is not published yet (matching/services/search_index.py); periodic, and after
  changes (debounced: skipped when the newest version is younger than
  MATCHING_INDEX_DEBOUNCE_SECONDS).
- `embed_backlog(rows)` / `embed_chunk(run_id, number)`: embedding fanned out in chunks over
  every worker after a bulk change or a model switch (matching/services/fanout.py).
- `learn_weights()`: refit the scoring weights from admin-confirmed feedback.

Every task is declared with `outbox.options.task_options` (acks_late, reject_on_worker_lost,
soft < hard time limit < visibility timeout, retries of errors that can pass). A row that
vanished while a refresh used it (a seed deleted mid-scoring fails the commit with an
IntegrityError) makes the service read the rows again (`with_fresh_rows`); should that keep
failing, Celery retries the task later. The embedder is
loaded once per worker process (worker_process_init), never per task. Without a broker
(CELERY_TASK_ALWAYS_EAGER) the same tasks run in-process.
"""

from __future__ import annotations

import logging

from celery import shared_task
from celery.signals import worker_process_init
from django.db import IntegrityError

from outbox.dispatch import enqueue
from outbox.options import TRANSIENT, task_options

logger = logging.getLogger(__name__)


@worker_process_init.connect
def _load_model(**_kwargs) -> None:
    # Load the embedder when the worker process starts, not inside the first task's time limit.
    try:
        from matching.services.embedding import get_embedder

        get_embedder()
    except Exception:  # a broken model must surface in the tasks' errors, not kill the worker
        logger.exception("could not load the embedder at worker start")


@shared_task(**task_options("matching.tasks.embed_subject", retry_on=(IntegrityError,)))
def embed_subject(kind: str, object_id: int) -> bool:
    from matching.services.refresh import subject_embed

    changed = subject_embed(kind=kind, object_id=object_id)
    # Refresh even when nothing changed: an archive or a capacity change alters matches
    # without changing the embedded text.
    enqueue("matching.tasks.refresh_matches_for", kind, object_id)
    if kind == "seed":
        enqueue("matching.tasks.refresh_search_index", True)
    return changed


@shared_task(**task_options("matching.tasks.refresh_matches_for", retry_on=(IntegrityError,)))
def refresh_matches_for(kind: str, object_id: int) -> dict:
    from matching.services.refresh import subject_refresh

    result = subject_refresh(kind=kind, object_id=object_id)
    if kind == "seed":
        # Now that the seed has its vector: saved searches and watchlists it concerns.
        enqueue("matching.tasks.seed_alerts", object_id)
    return result


@shared_task(**task_options("matching.tasks.reassign_need", retry_on=(IntegrityError,)))
def reassign_need(need_id: int) -> dict:
    """A proposal of the need was declined (its slot is free): choose its proposals again, so
    the next relevant seed above the floor can be proposed."""
    from matching.services.refresh import proposals_assign

    return proposals_assign(need_ids=[need_id])


@shared_task(**task_options("matching.tasks.seed_alerts", retry_on=(IntegrityError,)))
def seed_alerts(seed_id: int) -> dict:
    """A seed was published or changed: alert the saved searches it now matches above the
    relevance floor and the watchlists it is on (once per version of its public content)."""
    from matching.services.alerts import seed_alerts_send

    return seed_alerts_send(seed_id=seed_id)


@shared_task(**task_options("matching.tasks.seeds_alerts", retry_on=(IntegrityError,)))
def seeds_alerts(seed_ids: list) -> dict:
    """The seeds of a bulk import have their vectors (its fan-out ended): the same alerts as
    `seed_alerts`, each saved search run once for all of them."""
    from matching.services.alerts import seeds_alerts_send

    return seeds_alerts_send(seed_ids=seed_ids)


def _fail_run_on_bug(run_id: int, step):
    """Run one step; a bug (not a passing error, which Celery retries) fails the run with its
    message instead of leaving it running."""
    from matching.services.refresh import match_run_fail

    try:
        return step()
    except (*TRANSIENT, IntegrityError):
        raise  # retried by Celery
    except Exception as exc:
        match_run_fail(run_id=run_id, error=f"{type(exc).__name__}: {exc}")
        raise


@shared_task(**task_options("matching.tasks.rebuild_all", retry_on=(IntegrityError,)))
def rebuild_all(run_id: int) -> int:
    from matching.services.refresh import match_run_start

    return len(_fail_run_on_bug(run_id, lambda: match_run_start(run_id=run_id)))


@shared_task(**task_options("matching.tasks.match_all_chunk", retry_on=(IntegrityError,)))
def match_all_chunk(run_id: int, number: int) -> bool:
    from matching.services.refresh import match_run_chunk

    if not isinstance(number, int):
        # A message of the former format (a list of need ids): the run is resumed by the
        # sweep from its recorded chunks.
        logger.warning("match run %s: chunk message of an older format ignored", run_id)
        return False
    return _fail_run_on_bug(run_id, lambda: match_run_chunk(run_id=run_id, number=number))


@shared_task(**task_options("matching.tasks.finish_run", retry_on=(IntegrityError,)))
def finish_run(run_id: int) -> bool:
    from matching.services.refresh import match_run_finish

    run = _fail_run_on_bug(run_id, lambda: match_run_finish(run_id=run_id))
    return run is not None


@shared_task(**task_options("matching.tasks.refresh_stale"))
def refresh_stale() -> dict:
    from matching.services.refresh import stale_refresh

    return stale_refresh()


@shared_task(**task_options("matching.tasks.learn_weights"))
def learn_weights() -> dict | None:
    from matching.services.evaluation import weights_learn

    return weights_learn()


@shared_task(**task_options("matching.tasks.notify_review_queue"))
def notify_review_queue() -> dict:
    """Daily (beat): tell coordinators how many proposals wait for review."""
    from matching.services.notices import review_queue_notify

    return review_queue_notify()


@shared_task(**task_options("matching.tasks.notify_weekly_needs"))
def notify_weekly_needs() -> int:
    """Weekly (beat): tell universities of the needs published in their fields."""
    from matching.services.notices import weekly_needs_notify

    return weekly_needs_notify()


@shared_task(**task_options("matching.tasks.refresh_search_index"))
def refresh_search_index(debounced: bool = False) -> dict:
    from django.conf import settings

    from matching.services.search_index import index_publish
    from outbox.broker import eager

    # Without a broker (the embedded default) nothing runs periodically to catch a skipped
    # build, so only real workers debounce.
    interval = settings.MATCHING_INDEX_DEBOUNCE_SECONDS if debounced and not eager() else 0.0
    return index_publish(min_interval=interval)


@shared_task(**task_options("matching.tasks.embed_backlog"))
def embed_backlog(rows: list | None = None) -> int | None:
    from matching.services.fanout import embedding_fan_out

    run = embedding_fan_out(rows=rows)
    return run.pk if run is not None else None


@shared_task(**task_options("matching.tasks.embed_chunk", retry_on=(IntegrityError,)))
def embed_chunk(run_id: int, number: int) -> bool:
    from matching.services.fanout import embed_chunk_run

    return embed_chunk_run(run_id=run_id, number=number)
