"""Sending outbox rows to the broker, and recording what the workers finished.

A row's life: `pending` (written with the change) → `sent` (the broker accepted it, under the
broker's current epoch) → `done` or `failed` (a worker finished the task; `failed` once its
retries are spent). The relay (`relay_once`, looped by `manage.py outbox_relay` and run by
the beat task `outbox.tasks.relay`) sends:

- every `pending` row, oldest first, until the broker accepts it (a dead broker is tried
  again on the next pass; nothing is dropped);
- every `sent` row recorded under another broker epoch: the broker lost its data (Redis
  restarted without saving), so the message is gone; the task runs again with the same id.

Rows are locked with SKIP LOCKED while they are sent, so two relays (or a relay and the
on-commit send) never send the same row twice at once. Tasks are safe to run twice, which
covers the remaining window (a task that was running when the broker lost its copy).
"""

from __future__ import annotations

import logging
import time
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from .broker import BROKER_ERRORS, broker_connection, broker_epoch
from .models import OutboxMessage

logger = logging.getLogger(__name__)

# Monotonic time until which this process skips the on-commit send (the broker was down).
_breaker_until = 0.0


def _publish(
    rows: list[OutboxMessage], conn, epoch: str
) -> tuple[dict[str, int], BaseException | None]:
    """Send `rows` (locked by the caller) on `conn`; record what happened to each. A broker
    error stops the batch; it is returned (not raised, which would roll back the record of
    the rows already sent)."""
    from .dispatch import task_named

    now = timezone.now()
    sent: list[int] = []
    unknown: list[int] = []
    error: BaseException | None = None
    for row in rows:
        try:
            task = task_named(row.task_name)
        except KeyError:
            unknown.append(row.pk)
            continue
        try:
            task.apply_async(
                args=list(row.args), task_id=str(row.task_id), connection=conn, retry=False
            )
        except BROKER_ERRORS as exc:
            error = exc
            OutboxMessage.objects.filter(pk=row.pk).update(
                attempts=F("attempts") + 1, last_error=f"{type(exc).__name__}: {exc}"[:500]
            )
            break
        sent.append(row.pk)
    if sent:
        # A worker may already have finished one of them (it waited for this row lock, or, on
        # SQLite, did not): never move a finished row back to `sent`.
        OutboxMessage.objects.filter(
            pk__in=sent, status__in=[OutboxMessage.Status.PENDING, OutboxMessage.Status.SENT]
        ).update(
            status=OutboxMessage.Status.SENT,
            sent_at=now,
            broker_epoch=epoch,
            attempts=F("attempts") + 1,
            last_error="",
        )
    if unknown:
        OutboxMessage.objects.filter(pk__in=unknown).update(
            status=OutboxMessage.Status.FAILED,
            finished_at=now,
            last_error="unknown task name",
        )
    return {"sent": len(sent), "unknown": len(unknown)}, error


def send_now(ids: list[int]) -> None:
    """The on-commit send of rows just written; whatever fails is left to the relay."""
    global _breaker_until
    if time.monotonic() < _breaker_until:
        return
    ids = ids[: settings.OUTBOX_SEND_ON_COMMIT]
    try:
        with broker_connection() as conn:
            epoch = broker_epoch(conn)
            with transaction.atomic():
                rows = list(
                    OutboxMessage.objects.select_for_update(skip_locked=True)
                    .filter(pk__in=ids, status=OutboxMessage.Status.PENDING)
                    .order_by("id")
                )
                _, error = _publish(rows, conn, epoch)
        if error is not None:
            raise error
    except BROKER_ERRORS as exc:
        _breaker_until = time.monotonic() + settings.OUTBOX_BREAKER_SECONDS
        logger.warning(
            "broker unavailable (%s); %d task(s) left to the outbox relay",
            type(exc).__name__,
            len(ids),
        )


def relay_once(*, limit: int | None = None) -> dict[str, int | str]:
    """One pass of the relay: send what is due. Returns counts (and `error` when the broker
    could not be reached; the rows stay due)."""
    limit = limit or settings.OUTBOX_RELAY_BATCH
    try:
        with broker_connection() as conn:
            epoch = broker_epoch(conn)
            with transaction.atomic():
                lost = Q(status=OutboxMessage.Status.SENT) & ~Q(broker_epoch=epoch)
                due = Q(status=OutboxMessage.Status.PENDING, next_attempt_at__lte=timezone.now())
                rows = list(
                    OutboxMessage.objects.select_for_update(skip_locked=True)
                    .filter(due | lost)
                    .order_by("id")[:limit]
                )
                resent = sum(1 for r in rows if r.status == OutboxMessage.Status.SENT)
                result, error = _publish(rows, conn, epoch)
    except BROKER_ERRORS as exc:
        return {"sent": 0, "resent": 0, "batch": 0, "error": type(exc).__name__}
    if resent:
        logger.warning("broker lost %d message(s) (new epoch); sending them again", resent)
    outcome: dict[str, int | str] = {"sent": result["sent"], "resent": resent, "batch": len(rows)}
    if error is not None:
        outcome["error"] = type(error).__name__
    return outcome


def reset_breaker() -> None:
    """Let this process try the on-commit send again at once (tests, after an outage)."""
    global _breaker_until
    _breaker_until = 0.0


# --- What the workers report back -------------------------------------------------------------


def mark_finished(task_id: str, *, failed: bool) -> None:
    """A worker finished the task with this id (success, or failure after its retries)."""
    try:
        key = uuid.UUID(str(task_id))
    except ValueError:
        return  # not one of ours (a beat task, or an id chosen by Celery)
    OutboxMessage.objects.filter(task_id=key).exclude(
        status__in=[OutboxMessage.Status.DONE, OutboxMessage.Status.FAILED]
    ).update(
        status=OutboxMessage.Status.FAILED if failed else OutboxMessage.Status.DONE,
        finished_at=timezone.now(),
    )


def prune(*, keep_days: int | None = None) -> int:
    """Forget finished rows older than OUTBOX_KEEP_DAYS."""
    days = settings.OUTBOX_KEEP_DAYS if keep_days is None else keep_days
    cutoff = timezone.now() - timedelta(days=days)
    deleted, _ = OutboxMessage.objects.filter(
        status__in=[OutboxMessage.Status.DONE, OutboxMessage.Status.FAILED],
        finished_at__lt=cutoff,
    ).delete()
    return deleted
