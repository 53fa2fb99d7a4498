"""Celery tasks of the profiles app: each takes an id and calls one service.

`run_import_job(job_id)`: the background CSV import of a confirmed upload;
`run_researchmap_import(import_id)`: a researchmap import (docs/researchmap.md). `acks_late` so a job
is not lost when a worker dies mid-import (its transaction rolls back; the redelivery runs it
again); a redelivery of a finished job does nothing (see profiles.services.imports.jobs).
Only errors that can pass (database connection) are retried.
"""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=2,
    retry_backoff_max=60,
    max_retries=5,
    soft_time_limit=540,
    time_limit=600,
)
def run_import_job(job_id: int) -> str:
    from profiles.services.imports.jobs import import_job_run

    job = import_job_run(job_id=job_id)
    return job.status if job is not None else "missing"


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=2,
    retry_backoff_max=60,
    max_retries=5,
    soft_time_limit=540,
    time_limit=600,
)
def run_researchmap_import(import_id: int) -> str:
    """A researchmap import (file or WebAPI data already stored on the row): drafts written
    in one transaction with the run's "done"; a redelivery of a finished run does nothing."""
    from profiles.services.imports.researchmap import researchmap_import_run

    imp = researchmap_import_run(import_id=import_id)
    return imp.status if imp is not None else "missing"


@shared_task(acks_late=True, soft_time_limit=120, time_limit=150)
def sweep_import_jobs() -> dict:
    """Periodic (beat): fail jobs a lost worker left running, re-enqueue lost pending ones
    (CSV import jobs and researchmap imports)."""
    from profiles.services.imports.jobs import import_jobs_sweep
    from profiles.services.imports.researchmap import researchmap_imports_sweep

    return {**import_jobs_sweep(), **researchmap_imports_sweep()}


MAIL_RETRY = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (OperationalError, InterfaceError, OSError),
    "retry_backoff": 5,
    "retry_backoff_max": 600,
    "max_retries": 8,
    "soft_time_limit": 60,
    "time_limit": 90,
}


@shared_task(**MAIL_RETRY)
def send_invitation_email(invitation_id: int) -> bool:
    """The invitation e-mail (SMTP errors are OSErrors: retried with backoff)."""
    from profiles.services.accounts import invitation_email_send

    return invitation_email_send(invitation_id=invitation_id)


@shared_task(**MAIL_RETRY)
def send_password_reset_email(user_id: int) -> bool:
    from profiles.services.accounts import password_reset_email_send

    return password_reset_email_send(user_id=user_id)
