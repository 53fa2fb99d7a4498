"""Celery tasks of the profiles app: each takes an id and calls one service.

`run_import_job(job_id)`: the background CSV import of a confirmed upload. A job is not lost
when a worker dies mid-import (its transaction rolls back; the message stays in the broker and
is delivered again); a redelivery of a finished job, or of a job that vanished, does nothing
(see profiles.services.imports.jobs). Options (acks_late, reject_on_worker_lost, limits,
retries of errors that can pass): `outbox.options.task_options`.
"""

from __future__ import annotations

from celery import shared_task

from outbox.options import task_options


@shared_task(**task_options("profiles.tasks.run_import_job"))
def run_import_job(job_id: int) -> str:
    from profiles.services.imports.jobs import import_job_run

    job = import_job_run(job_id=job_id)
    return job.status if job is not None else "missing"


@shared_task(**task_options("profiles.tasks.sweep_import_jobs"))
def sweep_import_jobs() -> dict:
    """Periodic (beat): fail jobs a lost worker left running, re-enqueue lost pending ones."""
    from profiles.services.imports.jobs import import_jobs_sweep

    return import_jobs_sweep()
