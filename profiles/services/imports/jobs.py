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
  processes the cache must be shared (Redis: `REDIS_URL`, see config/settings/).

A finished job keeps its report and drops the stored file (it may hold confidential details).

Running twice is harmless: the run locks the job row for the whole import and commits the job's
"done" in the same transaction as the imported rows, so a second delivery waits, then finds
the job finished and does nothing.
"""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from outbox.dispatch import enqueue
from profiles import access
from profiles.deferred import N_, Text, render_message
from profiles.models import ImportJob, Organization
from profiles.signals import send_import_job_failed

from .catalog import SECTIONS, CatalogReport, catalog_import
from .csv import csv_count_rows, csv_import_needs, csv_import_seeds
from .csv_format import ImportReport

logger = logging.getLogger(__name__)

PROGRESS_TTL = 6 * 3600
# Longer than the task's hard time limit (profiles.tasks.run_import_job): such a job is lost.
STUCK_AFTER = timedelta(minutes=15)
# A catalogue file may be larger than a spreadsheet (the whole platform's data).
MAX_CATALOG_BYTES = 20 * 1024 * 1024


def catalog_parse(content: bytes | str) -> Any:
    """A catalogue file's JSON; ValidationError (on `file`) when it is not JSON."""
    if isinstance(content, bytes) and len(content) > MAX_CATALOG_BYTES:
        raise ValidationError({"file": [_("ファイルが大きすぎます (20 MB まで)。")]})
    try:
        return json.loads(_decode(content))
    except json.JSONDecodeError as exc:
        raise ValidationError(
            {"file": [_("JSON として読めません: %(reason)s") % {"reason": exc.msg}]}
        ) from None


def catalog_import_file(*, org=None, by, file, dry_run: bool, progress=None):
    """A catalogue job's run: the catalog/1 import of the stored file, embedding the rows it
    changes (the platform is live). Coordinators only."""
    access.require_coordinator_user(by)
    try:
        data = catalog_parse(file)
    except ValidationError as exc:
        report = CatalogReport(dry_run=dry_run)
        for message in exc.messages:
            report.error("format", "", message)
        return report
    return catalog_import(data=data, embed=True, dry_run=dry_run)


def _catalog_records(text: str) -> int:
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return 0
    if not isinstance(data, dict):
        return 0
    return sum(len(data.get(s) or []) for s in SECTIONS if isinstance(data.get(s), list))


SERVICES = {
    ImportJob.Kind.SEEDS: csv_import_seeds,
    ImportJob.Kind.NEEDS: csv_import_needs,
    ImportJob.Kind.CATALOG: catalog_import_file,
}


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
    *, org: Organization | None, by, kind: str, content: bytes | str, file_name: str = ""
) -> ImportJob:
    """Store the file on a new pending job and enqueue its run with it (one transaction).
    A CSV job belongs to an organisation (its members); a catalogue job (`kind="catalog"`) to
    the platform (coordinators; `org` is None)."""
    if kind == ImportJob.Kind.CATALOG:
        access.require_coordinator_user(by)
        org = None
    else:
        access.require_member(org=org, by=by)
    if kind not in SERVICES:
        raise ValidationError({"kind": [_("不明な値です: %(values)s") % {"values": kind}]})
    text = _decode(content)
    total = _catalog_records(text) if kind == ImportJob.Kind.CATALOG else csv_count_rows(text)
    job = ImportJob.objects.create(
        organization=org,
        user=by if getattr(by, "is_authenticated", False) else None,
        kind=kind,
        file_name=(file_name or "")[:200],
        content=text,
        total_rows=total,
    )
    _enqueue(job.id)
    return job


def _error_fields(job: ImportJob, message: Text | str) -> None:
    """The job's error: `error` in the platform's language (the admin), and its stored form in
    the report, so the job page shows it in its reader's language."""
    text = message if isinstance(message, Text) else Text(str(message))
    job.error = render_message(text.stored, language=settings.LANGUAGE_CODE)
    job.report = {**(job.report or {}), "error": text.stored}


def _finish_failed(job_id: int, message: Text | str, report: dict | None = None) -> None:
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.is_finished:
            return
        job.status = ImportJob.Status.FAILED
        if report is not None:
            job.report = report
        _error_fields(job, message)
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
            report: ImportReport | CatalogReport = SERVICES[job.kind](
                org=job.organization,
                by=job.user,
                file=job.content,
                dry_run=False,
                progress=progress,
            )
            job.report = report.to_stored()
            job.processed_rows = job.total_rows
            job.finished_at = timezone.now()
            if report.committed:
                job.status = ImportJob.Status.DONE
                job.error = ""
            else:
                job.status = ImportJob.Status.FAILED
                _error_fields(job, Text(N_("エラーがあるため、何も書き込みませんでした。")))
            job.content = ""  # the file may hold confidential details: keep only the report
            fields = ["report", "processed_rows", "finished_at", "status", "error", "content"]
            job.save(update_fields=fields)
    except (OperationalError, InterfaceError):
        raise  # the database may come back: the task retries
    except PermissionDenied as exc:
        _finish_failed(job_id, str(exc) or Text(N_("この組織のメンバーのみが編集できます。")))
    except Exception as exc:
        # SoftTimeLimitExceeded and anything unexpected: nothing was written (the transaction
        # rolled back); the job says it failed instead of running forever.
        logger.exception("import job %s failed", job_id)
        _finish_failed(
            job_id, Text(N_("取り込みに失敗しました (%(reason)s)。"), reason=type(exc).__name__)
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
        _finish_failed(job_id, Text(N_("処理が時間内に終わらなかったため中止しました。")))
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
        # Stored to be shown in the reader's language (older jobs: a fixed message, looked up).
        "error": (
            render_message(report["error"])
            if report.get("error")
            else (_(job.error) if job.error else "")
        ),
        "finished": job.is_finished,
    }
