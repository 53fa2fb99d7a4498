"""Celery tasks of the profiles app: each takes an id and calls one service.

`run_import_job(job_id)`: the background CSV import of a confirmed upload;
`run_researchmap_import(import_id)`: a researchmap import (docs/researchmap.md). A job is not
lost when a worker dies mid-import (its transaction rolls back; the message stays in the broker
and is delivered again); a redelivery of a finished job, or of a job that vanished, does
nothing (see profiles.services.imports.jobs). Options (acks_late, reject_on_worker_lost,
limits, retries of errors that can pass): `outbox.options.task_options`.
"""

from __future__ import annotations

from celery import shared_task

from outbox.options import task_options


@shared_task(**task_options("profiles.tasks.run_import_job"))
def run_import_job(job_id: int) -> str:
    from profiles.services.imports.jobs import import_job_run

    job = import_job_run(job_id=job_id)
    return job.status if job is not None else "missing"


@shared_task(**task_options("profiles.tasks.run_researchmap_import"))
def run_researchmap_import(import_id: int) -> str:
    """A researchmap import (file or WebAPI data already stored on the row): drafts written
    in one transaction with the run's "done"; a redelivery of a finished run does nothing."""
    from profiles.services.imports.researchmap import researchmap_import_run

    imp = researchmap_import_run(import_id=import_id)
    return imp.status if imp is not None else "missing"


@shared_task(**task_options("profiles.tasks.sweep_import_jobs"))
def sweep_import_jobs() -> dict:
    """Periodic (beat): fail jobs a lost worker left running, re-enqueue lost pending ones
    (CSV import jobs and researchmap imports)."""
    from profiles.services.imports.jobs import import_jobs_sweep
    from profiles.services.imports.researchmap import researchmap_imports_sweep

    return {**import_jobs_sweep(), **researchmap_imports_sweep()}


# E-mails also retry SMTP failures (OSError: connection refused, timeouts, SMTPException).
def _mail_options(name: str) -> dict:
    return task_options(name, retry_on=(OSError,)) | {"retry_backoff": 5, "max_retries": 8}


@shared_task(**_mail_options("profiles.tasks.send_invitation_email"))
def send_invitation_email(invitation_id: int) -> bool:
    """The invitation e-mail (SMTP errors are OSErrors: retried with backoff)."""
    from profiles.services.accounts import invitation_email_send

    return invitation_email_send(invitation_id=invitation_id)


@shared_task(**_mail_options("profiles.tasks.send_password_reset_email"))
def send_password_reset_email(user_id: int) -> bool:
    from profiles.services.accounts import password_reset_email_send

    return password_reset_email_send(user_id=user_id)
