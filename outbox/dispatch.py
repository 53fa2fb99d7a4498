"""`enqueue(task_name, *args)`: ask for a Celery task, by name, as part of the current
transaction.

Services never import task modules (tasks import services, one way): they name the task. The
task is looked up in the Celery app's registry, which imports every installed app's `tasks`
module on first use; an unknown name raises at once.

With a broker, the request is a row of the transactional outbox (`OutboxMessage`) written in
the caller's transaction: it commits or rolls back with the change, and enqueueing is one
database insert. Once the transaction commits, the rows are handed to the broker straight
away (at most `OUTBOX_SEND_ON_COMMIT` of them, with the short connection timeout); what the
broker does not take, the relay (outbox/relay.py) sends later, until it does. A process that
found the broker down does not try again on commit for `OUTBOX_BREAKER_SECONDS`: requests do
not wait on a dead broker.

Without a broker (`CELERY_TASK_ALWAYS_EAGER`, the embedded default and most tests) the task
runs in-process after the commit, as before, and no row is written.
"""

from __future__ import annotations

import logging
import threading

from celery import current_app
from django.db import transaction

from .broker import eager

logger = logging.getLogger(__name__)

_local = threading.local()


def task_named(name: str):
    """The registered Celery task `name` (importing the apps' task modules when needed)."""
    app = current_app
    if name not in app.tasks:
        app.loader.import_default_modules()
    return app.tasks[name]


def enqueue(task_name: str, *args) -> None:
    """Run `task_name(*args)` in the background once the current transaction commits (now,
    outside one). Arguments must be JSON values (ids, kinds)."""
    task = task_named(task_name)
    if eager():
        transaction.on_commit(lambda: task.delay(*args), robust=True)
        return
    from .models import OutboxMessage

    message = OutboxMessage.objects.create(task_name=task_name, args=list(args))
    pending = getattr(_local, "ids", None)
    if pending is None:
        pending = _local.ids = []
    pending.append(message.pk)
    transaction.on_commit(_send_committed, robust=True)


def _send_committed() -> None:
    # One callback per enqueue; the first one after a commit takes every id gathered so far.
    # Ids of a rolled-back transaction may be among them: their rows do not exist.
    ids = getattr(_local, "ids", None)
    if not ids:
        return
    _local.ids = []
    from .relay import send_now

    send_now(ids)
