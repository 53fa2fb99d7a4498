"""CSV import (and export helpers) of an organisation's seeds or needs: the same services the
API and pages use, inside one transaction, all rows or none; a dry run reports exactly what the
commit step would do."""

from __future__ import annotations

import csv
import io

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation

from profiles import access
from profiles.choices import (
    ACADEMIC_KINDS,
    OrgKind,
)
from profiles.deferred import N_, Text, from_validation_error
from profiles.models import Need, Organization, Seed
from profiles.services import catalog as svc
from profiles.signals import bulk_changes

from .csv_columns import NEED_FORMAT, SEED_FORMAT
from .csv_format import (
    PROGRESS_EVERY,
    ImportReport,
    ParsedRow,
    Progress,
    _read_csv,
    missing_required,
    parse_need_row,
    parse_seed_row,
)
from .values import (
    FieldError,
)

# --- CSV import of seeds and needs ---------------------------------------------------------


def _seed_differs(seed: Seed, data: dict) -> list[str]:
    """The names of the fields (and related lists) the row would change."""
    changed = [n for n in svc.SEED_FIELDS if n in data and getattr(seed, n) != data[n]]
    if "researchers" in data:
        current = [
            {f: getattr(r, f) for f in svc.RESEARCHER_FIELDS} for r in seed.researchers.all()
        ]
        if current != data["researchers"]:
            changed.append("researchers")
    if "patents" in data:
        current = [{f: getattr(p, f) for f in svc.PATENT_FIELDS} for p in seed.patents.all()]
        if current != data["patents"]:
            changed.append("patents")
    return changed


def _need_differs(need: Need, data: dict) -> list[str]:
    return [n for n in svc.NEED_FIELDS if n in data and getattr(need, n) != data[n]]


def _service_errors(report: ImportReport, number: int, exc: ValidationError) -> None:
    """A service's refusal, message by message, stored to be shown in its reader's language
    (the services ran in the source language, see `_csv_import`)."""
    if hasattr(exc, "error_dict"):
        for column, errors in exc.error_dict.items():
            for error in errors:
                for stored in from_validation_error(error):
                    report.error(number, column, stored)
    else:
        for stored in from_validation_error(exc):
            report.error(number, "", stored)


def _csv_import(
    *,
    org: Organization,
    by,
    file,
    dry_run: bool,
    model,
    columns,
    parse,
    differs,
    create,
    update,
    progress: Progress | None = None,
    progress_every: int = PROGRESS_EVERY,
) -> ImportReport:
    report = ImportReport(dry_run=dry_run)
    rows = _read_csv(file, report, {c.name: c.headers for c in columns})
    if rows is None:
        return report
    total = len(rows)
    if progress is not None:
        progress(0, total)
    parsed: list[tuple[int, ParsedRow]] = []
    seen_keys: dict[str, int] = {}
    for number, raw in rows:
        try:
            row = parse(raw)
        except FieldError as exc:
            report.error(number, exc.field, exc.text)
            continue
        key = row.data.get("key")
        if key:
            if key in seen_keys:
                report.error(
                    number,
                    "key",
                    Text(N_("キーが %(row)d 行目と重複しています。"), row=seen_keys[key]),
                )
                continue
            seen_keys[key] = number
        parsed.append((number, row))

    own = model.objects.filter(organization=org)
    # The services speak the source language here, so that what they refuse is stored as a
    # msgid and shown later in whoever reads the report's language (`profiles.deferred`).
    with transaction.atomic(), bulk_changes(), translation.override(settings.LANGUAGE_CODE):
        for done, (number, row) in enumerate(parsed, start=1):
            if progress is not None and done % progress_every == 0:
                # Rows refused by the parser above count as processed: they are reported.
                progress(done + total - len(parsed), total)
            data = row.data
            key = data.get("key")
            if key:
                existing = model.objects.filter(key=key).first()
                if existing is not None and existing.organization_id != org.id:
                    report.error(number, "key", Text(N_("このキーは他の組織で使われています。")))
                    continue
            else:
                # Without a key, a row with the title of an existing row updates that row.
                matches = list(own.filter(title=data["title"])[:2])
                if len(matches) > 1:
                    report.error(
                        number,
                        "title",
                        Text(N_("同じタイトルが複数あります。キーを指定してください。")),
                    )
                    continue
                existing = matches[0] if matches else None
            entry = {
                "row": number,
                "key": key or (existing.key if existing else ""),
                "title": data["title"],
            }
            if existing is None:
                missing = missing_required(row, columns)
                for column in missing:
                    report.error(number, column, Text(N_("必須です。")))
                if missing:
                    continue
            else:
                # What the file says about fields it does not change: emptied on purpose, or
                # left as they are by a blank cell.
                if row.cleared:
                    entry["cleared"] = list(row.cleared)
                if row.kept:
                    entry["kept"] = list(row.kept)
            try:
                with transaction.atomic():
                    if existing is None:
                        obj = create(org=org, by=by, data=data)
                        entry["key"] = obj.key
                        report.created.append(entry)
                    elif changed := differs(existing, data):
                        update(existing, by, data)
                        report.updated.append({**entry, "changed": changed})
                    else:
                        report.unchanged.append(entry)
            except ValidationError as exc:
                _service_errors(report, number, exc)
        if progress is not None:
            progress(total, total)
        if dry_run or report.errors:
            transaction.set_rollback(True)
        else:
            report.committed = True
    if not report.committed:
        # A dry run invented keys for new rows; they are not reserved, so do not show them.
        for entry in report.created:
            if not any(entry["row"] == n and r.data.get("key") for n, r in parsed):
                entry["key"] = ""
    report.errors.sort(key=lambda e: (e["row"], e["column"]))
    return report


def csv_import_seeds(
    *, org: Organization, by, file, dry_run: bool, progress: Progress | None = None
) -> ImportReport:
    """Import the organisation's seeds from CSV (see docs/foundation.md for the columns).

    New rows are drafts; existing rows (same key, or same title when no key is given) are
    updated in place and keep their status. All rows or none.

    `progress(processed, total)` is called with the number of data rows handled so far, every
    `PROGRESS_EVERY` rows and at the end. It runs inside the import's transaction: it must not
    write to the database (what it writes would vanish on a rollback and be invisible to
    other connections until the commit); the background job keeps the count in the cache.
    """
    access.require_member(org=org, by=by)
    if org.kind not in ACADEMIC_KINDS:
        report = ImportReport(dry_run=dry_run)
        report.error(0, "", Text(N_("研究シーズを登録できるのは大学・研究機関のみです。")))
        return report
    return _csv_import(
        org=org,
        by=by,
        file=file,
        dry_run=dry_run,
        model=Seed,
        columns=SEED_FORMAT,
        parse=parse_seed_row,
        differs=_seed_differs,
        create=svc.seed_create,
        update=lambda obj, by, data: svc.seed_update(seed=obj, by=by, data=data),
        progress=progress,
    )


def csv_import_needs(
    *, org: Organization, by, file, dry_run: bool, progress: Progress | None = None
) -> ImportReport:
    """Import the company's needs from CSV (same rules as `csv_import_seeds`)."""
    access.require_member(org=org, by=by)
    if org.kind != OrgKind.COMPANY:
        report = ImportReport(dry_run=dry_run)
        report.error(0, "", Text(N_("企業ニーズを登録できるのは企業のみです。")))
        return report
    return _csv_import(
        org=org,
        by=by,
        file=file,
        dry_run=dry_run,
        model=Need,
        columns=NEED_FORMAT,
        parse=parse_need_row,
        differs=_need_differs,
        create=svc.need_create,
        update=lambda obj, by, data: svc.need_update(need=obj, by=by, data=data),
        progress=progress,
    )


def csv_count_rows(file) -> int:
    """The number of non-blank data rows of a CSV file (0 when it cannot be read), as the import
    counts them: the total a progress bar counts towards, known before the import starts."""
    raw = file.encode("utf-8") if isinstance(file, str) else bytes(file)
    for encoding in ("utf-8-sig", "cp932"):
        try:
            rows = list(csv.reader(io.StringIO(raw.decode(encoding), newline="")))
        except (UnicodeDecodeError, csv.Error):
            continue
        return sum(1 for cells in rows[1:] if any(c.strip() for c in cells))
    return 0
