"""The outbox's own periodic task: `outbox.tasks.relay` (beat), a backstop for the relay loop
(`manage.py outbox_relay`): it sends what is due and forgets old finished rows."""

from __future__ import annotations

from celery import shared_task

from .options import task_options


@shared_task(**task_options("outbox.tasks.relay"))
def relay() -> dict:
    from .relay import prune, relay_once

    result = relay_once()
    result["pruned"] = prune()
    return result
