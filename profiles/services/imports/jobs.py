"""CSV imports that run in the background: a member confirms a previewed file, the page creates
an `ImportJob` and follows it; the Celery task `profiles.tasks.run_import_job` runs the import.

The import stays one transaction (all rows or none), so progress cannot be written to the
database while it runs: a row updated inside that transaction is invisible to the page until
the commit and vanishes on a rollback. What is recorded where, honestly:

- on the job row, in their own short transactions: the total number of rows (counted when the
  job is created), the phase (pending → running → done | failed), the report, the error;
- in Django's cache, during the import: the number of rows handled so far (every
  `PROGRESS_EVERY` rows). The page reads it while the job runs. With the default local-memory
  cache this is only seen when the web and the import share a process (eager mode); across
  processes the cache must be shared (Redis: `REDIS_URL`, see config/settings.py).

A finished job keeps its report and drops the stored file (it may hold confidential details).

Running twice is harmless: the run locks the job row for the whole import and commits the job's
"done" in the same transaction as the imported rows, so a second delivery waits, then finds
the job finished and does nothing.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from outbox.dispatch import enqueue
from profiles import access
from profiles.models import ImportJob, Organization
from profiles.signals import send_import_job_failed

from .csv import csv_count_rows, csv_import_needs, csv_import_seeds
from .csv_format import ImportReport

logger = logging.getLogger(__name__)

PROGRESS_TTL = 6 * 3600
# Longer than the task's hard time limit (profiles.tasks.run_import_job): such a job is lost.
STUCK_AFTER = timedelta(minutes=15)
SERVICES = {ImportJob.Kind.SEEDS: csv_import_seeds, ImportJob.Kind.NEEDS: csv_import_needs}


def _progress_key(job_id: int) -> str:
    return f"profiles:import-job:{job_id}:processed"


def _decode(content: bytes | str) -> str:
    if isinstance(content, str):
        text = content
    else:
        for encoding in ("utf-8-sig", "cp932"):
            try:
                text = content.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ValidationError(
                {"file": [_("文字コードを判別できません。UTF-8 で保存してください。")]}
            )
    if "\x00" in text:
        raise ValidationError({"file": [_("NUL 文字を含めることはできません。")]})
    return text


def _enqueue(job_id: int) -> None:
    # An outbox row in the caller's transaction: the job and the request to run it commit
    # together, and a broker outage only delays the run (outbox/relay.py).
    enqueue("profiles.tasks.run_import_job", job_id)


@transaction.atomic
def import_job_create(
    *, org: Organization, by, kind: str, content: bytes | str, file_name: str = ""
) -> ImportJob:
    """Store the file on a new pending job and enqueue its run with it (one transaction)."""
    access.require_member(org=org, by=by)
    if kind not in SERVICES:
        raise ValidationError({"kind": [_("不明な値です: %(values)s") % {"values": kind}]})
    text = _decode(content)
    job = ImportJob.objects.create(
        organization=org,
        user=by if getattr(by, "is_authenticated", False) else None,
        kind=kind,
        file_name=(file_name or "")[:200],
        content=text,
        total_rows=csv_count_rows(text),
    )
    _enqueue(job.id)
    return job


def _finish_failed(job_id: int, message: str, report: dict | None = None) -> None:
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.is_finished:
            return
        job.status = ImportJob.Status.FAILED
        job.error = str(message)
        if report is not None:
            job.report = report
        job.finished_at = timezone.now()
        job.content = ""
        job.save(update_fields=["status", "error", "report", "finished_at", "content"])
        send_import_job_failed(job_id=job.pk)


def import_job_run(*, job_id: int) -> ImportJob | None:
    """Run one job's import; a finished (or missing) job is left alone."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.is_finished:
            return job
        job.status = ImportJob.Status.RUNNING
        job.started_at = job.started_at or timezone.now()
        job.attempts += 1
        job.save(update_fields=["status", "started_at", "attempts"])

    def progress(processed: int, total: int) -> None:
        try:
            cache.set(_progress_key(job_id), processed, PROGRESS_TTL)
        except Exception:  # a cache outage must not fail the import
            logger.warning("could not record the progress of import job %s", job_id)

    try:
        with transaction.atomic():
            job = (
                ImportJob.objects.select_for_update(of=("self",))
                .select_related("organization", "user")
                .get(pk=job_id)
            )
            if job.is_finished:  # another delivery finished it while this one waited
                return job
            report: ImportReport = SERVICES[job.kind](
                org=job.organization,
                by=job.user,
                file=job.content,
                dry_run=False,
                progress=progress,
            )
            job.report = report.to_dict()
            job.processed_rows = job.total_rows
            job.finished_at = timezone.now()
            if report.committed:
                job.status = ImportJob.Status.DONE
                job.error = ""
            else:
                job.status = ImportJob.Status.FAILED
                job.error = _("エラーがあるため、何も書き込みませんでした。")
            job.content = ""  # the file may hold confidential details: keep only the report
            fields = ["report", "processed_rows", "finished_at", "status", "error", "content"]
            job.save(update_fields=fields)
    except (OperationalError, InterfaceError):
        raise  # the database may come back: the task retries
    except PermissionDenied as exc:
        _finish_failed(job_id, str(exc) or _("この組織のメンバーのみが編集できます。"))
    except Exception as exc:
        # SoftTimeLimitExceeded and anything unexpected: nothing was written (the transaction
        # rolled back); the job says it failed instead of running forever.
        logger.exception("import job %s failed", job_id)
        _finish_failed(
            job_id, _("取り込みに失敗しました (%(reason)s)。") % {"reason": type(exc).__name__}
        )
    finally:
        try:
            cache.delete(_progress_key(job_id))
        except Exception:
            pass
    return ImportJob.objects.filter(pk=job_id).first()


def import_jobs_sweep(*, stuck_after: timedelta = STUCK_AFTER) -> dict[str, int]:
    """Jobs a lost worker left behind: a running job past the task's hard time limit can no
    longer finish (its transaction was rolled back), so it fails with a clear message; a job
    still pending after that long lost its message, so it is enqueued again (the run is
    idempotent)."""
    cutoff = timezone.now() - stuck_after
    failed = 0
    for job_id in ImportJob.objects.filter(
        status=ImportJob.Status.RUNNING, started_at__lt=cutoff
    ).values_list("id", flat=True):
        _finish_failed(job_id, _("処理が時間内に終わらなかったため中止しました。"))
        failed += 1
    requeued = 0
    for job_id in ImportJob.objects.filter(
        status=ImportJob.Status.PENDING, created_at__lt=cutoff
    ).values_list("id", flat=True):
        _enqueue(job_id)
        requeued += 1
    return {"failed": failed, "requeued": requeued}


def import_job_progress(job: ImportJob) -> dict:
    """What the job page shows: the phase, rows handled of the total, and the report counts."""
    processed = job.processed_rows
    if job.status == ImportJob.Status.RUNNING:
        try:
            processed = max(processed, int(cache.get(_progress_key(job.pk)) or 0))
        except Exception:
            pass
    total = job.total_rows
    if job.is_finished:
        fraction = 1.0
    else:
        fraction = min(processed / total, 1.0) if total else 0.0
    report = job.report or {}
    return {
        "id": job.pk,
        "kind": job.kind,
        "status": job.status,
        "status_label": str(job.get_status_display()),
        "total_rows": total,
        "processed_rows": min(processed, total) if total else processed,
        "progress": round(fraction, 4),
        "created": len(report.get("created", [])),
        "updated": len(report.get("updated", [])),
        "unchanged": len(report.get("unchanged", [])),
        "errors": len(report.get("errors", [])),
        # Stored in the default language; a fixed message is shown in the reader's language.
        "error": _(job.error) if job.error else "",
        "finished": job.is_finished,
    }
