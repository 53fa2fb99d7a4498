"""`enqueue(task_name, *args)`: ask for a Celery task, by name, once the current transaction
commits.

Services never import task modules (tasks import services, one way): they name the task. The
task is looked up in the Celery app's registry, which imports every installed app's `tasks`
module on first use. Without a broker (`CELERY_TASK_ALWAYS_EAGER`) the task runs in-process
after the commit, as before.
"""

from __future__ import annotations

import logging

from celery import current_app
from django.db import transaction

logger = logging.getLogger(__name__)


def task_named(name: str):
    """The registered Celery task `name` (importing the apps' task modules when needed)."""
    app = current_app
    if name not in app.tasks:
        app.loader.import_default_modules()
    return app.tasks[name]


def enqueue(task_name: str, *args) -> None:
    """Send `task_name(*args)` after the current transaction commits (now, outside one).

    A broker failure is logged, never raised into the request that made the change: the
    periodic sweeps pick up what a lost message left undone.
    """

    def send() -> None:
        task_named(task_name).delay(*args)

    transaction.on_commit(send, robust=True)
