"""`python manage.py import_researchmap PATH --organization KEY` or
`python manage.py import_researchmap --api --permalink P [--permalink Q …] --organization KEY`:
draft seeds from researchmap V2 data (docs/researchmap.md).

The file is an institution's researchmap export (one JSON document: one researcher or many;
or JSON Lines). `--api` fetches the researchers from the researchmap WebAPI with the client
credentials of the settings (RESEARCHMAP_API_URL, RESEARCHMAP_CLIENT_ID,
RESEARCHMAP_PRIVATE_KEY / _FILE); missing credentials stop the command before any request.

The import runs in this process and is recorded like an upload (the IP office reviews its
drafts on /seeds/researchmap/<id>/). Every record that could not be read is printed as
`unreadable record N researcher TYPE ID: reason` on stderr and the others are imported; the
exit status is then 1. A file that cannot be read at all, missing settings or a refused client
write nothing (exit 1).
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from profiles import links
from profiles.models import Organization, ResearchmapImport
from profiles.services.imports.researchmap import (
    MAX_BYTES,
    researchmap_import_create,
    researchmap_import_run,
)
from profiles.services.imports.researchmap.api import (
    ResearchmapAuthError,
    ResearchmapClient,
    ResearchmapNotConfigured,
    fetch_researchers,
)


class Command(BaseCommand):
    help = "Import researchmap V2 data (a JSON / JSON Lines file, or the WebAPI) as draft seeds."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="researchmap JSON or JSON Lines file")
        parser.add_argument(
            "--organization", required=True, help="key of the university or institute"
        )
        parser.add_argument(
            "--api", action="store_true", help="fetch the researchers from the researchmap WebAPI"
        )
        parser.add_argument(
            "--permalink",
            action="append",
            default=[],
            help="researchmap permalink of a researcher (repeat for several; with --api)",
        )

    def handle(self, *args, path, organization, api, permalink, **options):
        org = Organization.objects.filter(key=organization).first()
        if org is None:
            raise CommandError(f"no organisation with key {organization!r}")
        if api == bool(path):
            raise CommandError("give either a PATH or --api with --permalink")
        initial_errors: list[dict] = []
        if api:
            permalinks = [links.normalize_researchmap_id(p) for p in permalink]
            if not permalinks:
                raise CommandError("--api needs at least one --permalink")
            bad = [p for p in permalinks if not links.is_researchmap_id(p)]
            if bad:
                raise CommandError(
                    "not researchmap permalinks (3-20 letters, digits, _ - .): " + ", ".join(bad)
                )
            try:
                client = ResearchmapClient.from_settings()
                content, initial_errors = fetch_researchers(client, permalinks)
            except (ResearchmapNotConfigured, ResearchmapAuthError) as exc:
                raise CommandError(f"{exc} Nothing was imported.") from exc
            if not content:
                self._print_errors(initial_errors)
                raise CommandError("no researcher could be fetched; nothing was imported")
            source, label = ResearchmapImport.Source.API, " ".join(permalinks)
        else:
            file = Path(path)
            try:
                if file.stat().st_size > MAX_BYTES:
                    raise CommandError(f"{path}: larger than {MAX_BYTES // (1024 * 1024)} MB")
                content = file.read_bytes()
            except OSError as exc:
                raise CommandError(f"{path}: cannot be read: {exc}") from exc
            source, label = ResearchmapImport.Source.FILE, file.name
        try:
            imp = researchmap_import_create(
                org=org,
                by=None,
                source=source,
                content=content,
                label=label,
                initial_errors=initial_errors,
                run_in_background=False,
            )
        except (ValidationError, PermissionDenied) as exc:
            messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            raise CommandError(f"{label}: {' '.join(messages)} Nothing was imported.") from exc
        imp = researchmap_import_run(import_id=imp.id)
        if imp.status != ResearchmapImport.Status.DONE:
            raise CommandError(f"import #{imp.pk} failed: {imp.error}")
        report = imp.report
        self._print_errors(report.get("errors", []))
        counts = report.get("counts", {})
        self.stdout.write(
            f"import #{imp.pk}: {report.get('researchers', 0)} researcher(s); drafts "
            f"{counts.get('created', 0)} created, {counts.get('updated', 0)} updated, "
            f"{counts.get('unchanged', 0)} unchanged, {counts.get('held', 0)} with changes "
            f"waiting for review; {len(report.get('skipped', []))} achievement(s) not drafted"
        )
        errors = report.get("errors", [])
        if errors:
            raise CommandError(
                f"{len(errors)} record(s) could not be read; the others were imported.",
                returncode=1,
            )
        self.stdout.write(self.style.SUCCESS(f"review the drafts at /seeds/researchmap/{imp.pk}/"))

    def _print_errors(self, errors: list[dict]) -> None:
        for e in errors:
            where = " ".join(str(x) for x in (e.get("researcher"), e.get("type"), e.get("id")) if x)
            field = f" {e['field']}" if e.get("field") else ""
            self.stderr.write(
                f"unreadable record {e.get('record', 0)} {where}{field}: {e['reason']}"
            )
