"""One researchmap import run: store the data, read it in the background, write the drafts.

`researchmap_import_create` checks the file (size, text encoding, JSON) and stores it on a new
pending `ResearchmapImport`; a file that cannot be read at all is refused there, with a clear
message, and nothing is written. `researchmap_import_run` (the Celery task
`profiles.tasks.run_researchmap_import`, or the command in-process) reads every researcher and
achievement, reports each record it cannot read with the reason, and writes the others in one
transaction:

- a new research project or patent family becomes a **draft** seed (`seed_create`: drafts are
  never published by the importer);
- a known one (its researchmap achievement id was imported before) updates the same seed,
  field by field, three ways: a field researchmap did not change is left alone; a field the
  office has not touched (its value is still the one last imported) takes the new value while
  the seed is a draft; a field the office edited by hand, and every field of a published seed,
  keeps its value and the new researchmap value waits in `ImportedSeed.pending` for the office
  to take or leave (`review.py`);
- a seed the office discarded is not brought back.

The run locks the import row and the organisation (one import of an organisation at a time)
and commits "done" with the rows it wrote, so a second delivery of the task does nothing.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from outbox.dispatch import enqueue
from profiles import access
from profiles.models import (
    Organization,
    ResearchmapImport,
)

from .format import FileFormatError, read_documents
from .importer import Importer, require_academic

logger = logging.getLogger(__name__)

MAX_BYTES = 20 * 1024 * 1024
STUCK_AFTER = timedelta(minutes=15)


def decode_upload(content: bytes | str) -> str:
    """UTF-8 (with or without BOM) text without NUL characters, or a ValidationError."""
    if isinstance(content, bytes):
        if len(content) > MAX_BYTES:
            raise ValidationError({"file": [_("ファイルが大きすぎます (20 MB まで)。")]})
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValidationError(
                {
                    "file": [
                        _("UTF-8 のテキストではありません。researchmap の JSON を選んでください。")
                    ]
                }
            ) from exc
    if len(content.encode("utf-8")) > MAX_BYTES:
        raise ValidationError({"file": [_("ファイルが大きすぎます (20 MB まで)。")]})
    if "\x00" in content:
        raise ValidationError({"file": [_("NUL 文字を含めることはできません。")]})
    return content


def check_file(content: bytes | str) -> tuple[str, int]:
    """The text of an importable file and its number of documents; a ValidationError naming
    the reason (not JSON, not UTF-8, too large, empty) when nothing of it could be read."""
    text = decode_upload(content)
    try:
        documents, _problems = read_documents(text)
    except FileFormatError as exc:
        raise ValidationError({"file": [str(exc)]}) from exc
    return text, len(documents)


@transaction.atomic
def researchmap_import_create(
    *,
    org: Organization,
    by,
    source: str,
    content: bytes | str,
    label: str = "",
    initial_errors: list[dict] | None = None,
    run_in_background: bool = True,
) -> ResearchmapImport:
    """Store researchmap data on a new pending import (and enqueue its run once this
    transaction commits, unless the caller runs it itself)."""
    access.require_member(org=org, by=by)
    require_academic(org)
    text, count = check_file(content)
    imp = ResearchmapImport.objects.create(
        organization=org,
        user=by if getattr(by, "is_authenticated", False) else None,
        source=source,
        label=(label or "")[:300],
        content=text,
        total_records=count,
        report={"errors": list(initial_errors or [])},
    )
    if run_in_background:
        enqueue("profiles.tasks.run_researchmap_import", imp.id)
    return imp


def _fail(import_id: int, message: str) -> None:
    with transaction.atomic():
        imp = ResearchmapImport.objects.select_for_update().filter(pk=import_id).first()
        if imp is None or imp.is_finished:
            return
        imp.status = ResearchmapImport.Status.FAILED
        imp.error = str(message)
        imp.finished_at = timezone.now()
        imp.content = ""
        imp.save(update_fields=["status", "error", "finished_at", "content"])


def researchmap_import_run(*, import_id: int) -> ResearchmapImport | None:
    """Run one import (a finished or missing one is left alone)."""
    with transaction.atomic():
        imp = ResearchmapImport.objects.select_for_update().filter(pk=import_id).first()
        if imp is None or imp.is_finished:
            return imp
        imp.status = ResearchmapImport.Status.RUNNING
        imp.started_at = imp.started_at or timezone.now()
        imp.attempts += 1
        imp.save(update_fields=["status", "started_at", "attempts"])
    try:
        with transaction.atomic():
            imp = (
                ResearchmapImport.objects.select_for_update(of=("self",))
                .select_related("organization", "user")
                .get(pk=import_id)
            )
            if imp.is_finished:
                return imp
            # One import of an organisation at a time: they share the achievement keys.
            Organization.objects.select_for_update().filter(pk=imp.organization_id).first()
            # The importer speaks the source language, so that the reasons it writes into
            # the report are msgids, shown in the language of whoever reads the report.
            with translation.override(settings.LANGUAGE_CODE):
                imp.report = Importer(imp).run()
            imp.status = ResearchmapImport.Status.DONE
            imp.error = ""
            imp.finished_at = timezone.now()
            imp.content = ""
            imp.save(update_fields=["report", "status", "error", "finished_at", "content"])
    except (OperationalError, InterfaceError):
        raise  # the database may come back: the task retries
    except FileFormatError as exc:
        _fail(import_id, str(exc))
    except PermissionDenied as exc:
        _fail(import_id, str(exc) or _("この組織のメンバーのみが編集できます。"))
    except Exception as exc:
        logger.exception("researchmap import %s failed", import_id)
        _fail(
            import_id, _("取り込みに失敗しました (%(reason)s)。") % {"reason": type(exc).__name__}
        )
    return ResearchmapImport.objects.filter(pk=import_id).first()


def researchmap_imports_sweep(*, stuck_after: timedelta = STUCK_AFTER) -> dict[str, int]:
    """Runs a lost worker left: running past the task's time limit fails; pending that long is
    enqueued again (the run is idempotent)."""
    cutoff = timezone.now() - stuck_after
    failed = requeued = 0
    for import_id in ResearchmapImport.objects.filter(
        status=ResearchmapImport.Status.RUNNING, started_at__lt=cutoff
    ).values_list("id", flat=True):
        _fail(import_id, _("処理が時間内に終わらなかったため中止しました。"))
        failed += 1
    for import_id in ResearchmapImport.objects.filter(
        status=ResearchmapImport.Status.PENDING, created_at__lt=cutoff
    ).values_list("id", flat=True):
        enqueue("profiles.tasks.run_researchmap_import", import_id)
        requeued += 1
    return {"researchmap_failed": failed, "researchmap_requeued": requeued}
