"""Bulk data as files: the coordinators' catalogue pages (import a catalog/1 JSON file with the
same preview → confirm → background job → report as the CSV import; export the whole
catalogue), and an organisation's export of its own seeds or needs (CSV in the import's
columns, or catalog/1 JSON)."""

from __future__ import annotations

import base64
import csv
import io
import json
import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from profiles.access import require_coordinator, require_org
from profiles.choices import ACADEMIC_KINDS, OrgKind
from profiles.deferred import render_message
from profiles.forms import CatalogUploadForm
from profiles.models import ImportJob
from profiles.services import exports
from profiles.services.imports import NEED_EXPORT_COLUMNS, SEED_EXPORT_COLUMNS, csv_safe_cell
from profiles.services.imports.catalog import SECTIONS
from profiles.services.imports.jobs import catalog_import_file, import_job_create

SESSION_KEY = "catalog_upload"

SECTION_LABELS = {
    "organizations": _("組織"),
    "seeds": _("研究シーズ"),
    "needs": _("企業ニーズ"),
    "investors": _("投資家"),
    "ventures": _("大学発ベンチャー"),
}


def catalog_preview(report) -> dict:
    """A catalogue report (a preview's CatalogReport, or the dict a job stored) as the page
    shows it: counts per section, one row per record, and the errors in the reader's
    language."""
    stored = report if isinstance(report, dict) else report.to_stored()
    counts = stored.get("counts") or {}
    sections = [
        {
            "code": section,
            "label": SECTION_LABELS[section],
            **(counts.get(section) or {"created": 0, "updated": 0, "unchanged": 0}),
        }
        for section in SECTIONS
    ]
    rows = [
        {**row, "section_label": SECTION_LABELS.get(row.get("section"), row.get("section"))}
        for row in stored.get("rows") or []
    ]
    errors = [
        {
            "section": SECTION_LABELS.get(e.get("section"), e.get("section")),
            "key": e.get("key", ""),
            "message": render_message(e.get("text") or e.get("message", "")),
        }
        for e in stored.get("errors") or []
    ]
    summary = {
        action: sum(s[action] for s in sections) for action in ("created", "updated", "unchanged")
    }
    summary["error"] = len(errors)
    return {
        "sections": sections,
        "catalog_rows": rows,
        "catalog_errors": errors,
        "summary": summary,
    }


@login_required
def console_catalog(request: HttpRequest) -> HttpResponse:
    """Upload → preview (a dry run, rolled back) → confirm (a background job) for catalog/1."""
    require_coordinator(request)
    context: dict = {
        "form": CatalogUploadForm(),
        "recent_jobs": ImportJob.objects.filter(kind=ImportJob.Kind.CATALOG).defer("content")[:5],
        "nav_active": "console_catalog",
    }
    if request.method == "POST" and request.POST.get("step") == "confirm":
        stored = request.session.get(SESSION_KEY)
        if not stored or stored.get("token") != request.POST.get("token"):
            messages.error(request, _("確認の期限が切れました。もう一度アップロードしてください。"))
            return redirect("console_catalog")
        try:
            job = import_job_create(
                org=None,
                by=request.user,
                kind=ImportJob.Kind.CATALOG,
                content=base64.b64decode(stored["data"]),
                file_name=stored.get("name", ""),
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect("console_catalog")
        del request.session[SESSION_KEY]
        return redirect("import_job", pk=job.pk)
    if request.method == "POST":
        form = CatalogUploadForm(request.POST, request.FILES)
        context["form"] = form
        if form.is_valid():
            raw = form.cleaned_data["file"]
            report = catalog_import_file(by=request.user, file=raw, dry_run=True)
            token = secrets.token_urlsafe(16)
            name = (request.FILES["file"].name or "")[:200]
            request.session[SESSION_KEY] = {
                "token": token,
                "name": name,
                "data": base64.b64encode(raw).decode("ascii"),
            }
            context.update(
                form=CatalogUploadForm(),
                report=report,
                **catalog_preview(report),
                has_errors=bool(report.errors),
                token=token,
                file_name=name,
            )
    return render(request, "console/catalog.html", context)


@login_required
def console_catalog_export(request: HttpRequest) -> HttpResponse:
    """The whole public catalogue as catalog/1 JSON (docs/catalog.md)."""
    require_coordinator(request)
    document = exports.catalog_export(by=request.user)
    body = json.dumps(document, ensure_ascii=False, indent=1)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="sangaku-catalog-{stamp}.json"'
    return response


# --- An organisation's own seeds / needs ------------------------------------------------------

OWN_KINDS = {
    "seeds": (ACADEMIC_KINDS, SEED_EXPORT_COLUMNS),
    "needs": ((OrgKind.COMPANY,), NEED_EXPORT_COLUMNS),
}


def _own_export(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    org_kinds, columns = OWN_KINDS[kind]
    org = require_org(request, *org_kinds)
    stamp = timezone.localdate().isoformat()
    if fmt == "json":
        document = exports.own_catalog_export(
            org=org, by=request.user, kind=kind, path=request.path
        )
        body = json.dumps(document, ensure_ascii=False, indent=1)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
    else:
        buf = io.StringIO()
        buf.write("\ufeff")  # Excel opens UTF-8 with a BOM correctly
        writer = csv.writer(buf)
        writer.writerow(columns)
        rows = exports.own_csv_rows(org=org, by=request.user, kind=kind, path=request.path)
        writer.writerows([csv_safe_cell(c) for c in row] for row in rows)
        response = HttpResponse(buf.getvalue(), content_type="text/csv; charset=utf-8")
    name = f"{org.key}-{kind}-{stamp}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def seed_export_csv(request: HttpRequest) -> HttpResponse:
    return _own_export(request, "seeds", "csv")


@login_required
def seed_export_json(request: HttpRequest) -> HttpResponse:
    return _own_export(request, "seeds", "json")


@login_required
def need_export_csv(request: HttpRequest) -> HttpResponse:
    return _own_export(request, "needs", "csv")


@login_required
def need_export_json(request: HttpRequest) -> HttpResponse:
    return _own_export(request, "needs", "json")
