"""CSV import of seeds and needs: upload → preview (dry run) → confirm → background job, and
the job's progress page."""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from profiles.access import is_coordinator, request_org, require_org
from profiles.choices import (
    ACADEMIC_KINDS,
    OrgKind,
)
from profiles.deferred import render_message
from profiles.forms import CsvUploadForm
from profiles.models import ImportJob, Need, Seed
from profiles.services import imports
from profiles.services.imports.jobs import import_job_create, import_job_progress
from profiles.views.catalog import catalog_preview


@dataclass(frozen=True)
class CsvKind:
    """What differs between the CSV import of seeds and of needs."""

    model: type
    org_kinds: tuple
    service: str  # function of profiles.services.imports
    job_kind: str  # ImportJob.Kind
    page: str  # URL name of the import page
    done: str  # URL name of the list the imported rows land in
    session_key: str


CSV_KINDS = {
    "seed": CsvKind(
        model=Seed,
        org_kinds=ACADEMIC_KINDS,
        service="csv_import_seeds",
        job_kind="seeds",
        page="seed_import",
        done="seed_list",
        session_key="seed_csv_upload",
    ),
    "need": CsvKind(
        model=Need,
        org_kinds=(OrgKind.COMPANY,),
        service="csv_import_needs",
        job_kind="needs",
        page="need_import",
        done="need_list",
        session_key="need_csv_upload",
    ),
}


CSV_KIND_OF_JOB = {kind.job_kind: name for name, kind in CSV_KINDS.items()}


def _csv_context(kind_name: str) -> dict:
    return {
        "kind": kind_name,
        "nav_active": "import" if kind_name == "seed" else "needs",
        # Generated from the parser's own column definitions (csv_columns.SEED_FORMAT / …).
        "columns": imports.column_help(kind_name),
        "clear_marker": imports.CLEAR_MARKER,
        "template_url": reverse(f"{CSV_KINDS[kind_name].page}_template"),
    }


def _csv_import_page(request: HttpRequest, kind_name: str) -> HttpResponse:
    """Upload → preview (a dry run: every change and every row error, nothing written) →
    confirm (the same file, kept in the session, becomes a background job that imports it
    all-or-nothing; the page follows the job)."""

    kind = CSV_KINDS[kind_name]
    org = require_org(request, *kind.org_kinds)
    context = {
        "form": CsvUploadForm(),
        **_csv_context(kind_name),
        "recent_jobs": ImportJob.objects.filter(organization=org, kind=kind.job_kind).defer(
            "content"
        )[:5],
    }
    if request.method == "POST" and request.POST.get("step") == "confirm":
        stored = request.session.get(kind.session_key)
        if not stored or stored.get("token") != request.POST.get("token"):
            messages.error(request, _("確認の期限が切れました。もう一度アップロードしてください。"))
            return redirect(kind.page)
        try:
            job = import_job_create(
                org=org,
                by=request.user,
                kind=kind.job_kind,
                content=base64.b64decode(stored["data"]),
                file_name=stored.get("name", ""),
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect(kind.page)
        del request.session[kind.session_key]
        return redirect("import_job", pk=job.pk)
    if request.method == "POST":
        form = CsvUploadForm(request.POST, request.FILES)
        context["form"] = form
        if form.is_valid():
            raw = form.cleaned_data["file"]
            service = getattr(imports, kind.service)
            report = service(org=org, by=request.user, file=raw, dry_run=True)
            rows, file_errors, summary = preview_rows(report, model=kind.model)
            token = secrets.token_urlsafe(16)
            name = (request.FILES["file"].name or "")[:200]
            request.session[kind.session_key] = {
                "token": token,
                "name": name,
                "data": base64.b64encode(raw).decode("ascii"),
            }
            context.update(
                form=CsvUploadForm(),
                report=report,
                rows=rows,
                file_errors=file_errors,
                summary=summary,
                has_errors=bool(report.errors),
                token=token,
                file_name=name,
            )
    return render(request, "profiles/seed_import.html", context)


def _csv_template(request: HttpRequest, kind_name: str) -> HttpResponse:
    """The import template: the header and one example row, UTF-8 with a BOM (Excel)."""
    require_org(request, *CSV_KINDS[kind_name].org_kinds)
    body = "\ufeff" + imports.template_csv(kind_name)
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    name = "seeds-template.csv" if kind_name == "seed" else "needs-template.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def seed_import_template(request: HttpRequest) -> HttpResponse:
    return _csv_template(request, "seed")


@login_required
def need_import_template(request: HttpRequest) -> HttpResponse:
    return _csv_template(request, "need")


@login_required
def seed_import(request: HttpRequest) -> HttpResponse:
    return _csv_import_page(request, "seed")


@login_required
def need_import(request: HttpRequest) -> HttpResponse:
    return _csv_import_page(request, "need")


def _own_import_job(request: HttpRequest, pk: int):
    """A job of the caller's organisation, or a catalogue job for a coordinator; else 404
    (another organisation's job does not exist)."""

    org = request_org(request)
    if org is not None:
        return get_object_or_404(ImportJob.objects.filter(organization=org), pk=pk)
    if is_coordinator(request.user):
        return get_object_or_404(
            ImportJob.objects.filter(kind=ImportJob.Kind.CATALOG, organization=None), pk=pk
        )
    raise Http404


@login_required
def import_job_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress of a background import (polling the JSON below), then its report."""

    job = _own_import_job(request, pk)
    if job.kind == ImportJob.Kind.CATALOG:
        context = {
            "job": job,
            "state": import_job_progress(job),
            "kind": "catalog",
            "import_url": reverse("console_catalog"),
            "nav_active": "console_catalog",
        }
        if job.is_finished:
            context.update(catalog_preview(job.report or {}))
        return render(request, "console/catalog_job.html", context)
    kind_name = CSV_KIND_OF_JOB[job.kind]
    kind = CSV_KINDS[kind_name]
    context = {
        **_csv_context(kind_name),
        "job": job,
        "state": import_job_progress(job),
        "list_url": reverse(kind.done),
        "import_url": reverse(kind.page),
    }
    if job.is_finished:
        rows, file_errors, summary = preview_rows(job.report or {}, model=kind.model)
        context.update(rows=rows, file_errors=file_errors, summary=summary)
    return render(request, "profiles/import_job.html", context)


def import_job_api(request: HttpRequest, pk: int) -> HttpResponse:
    """GET /api/import-jobs/<id>/: the job's phase and progress, for the job page's bar."""

    if request.method != "GET":
        return JsonResponse({"detail": "method not allowed"}, status=405)
    if not request.user.is_authenticated:
        return JsonResponse({"detail": str(_("ログインしてください。"))}, status=403)
    try:
        job = _own_import_job(request, pk)
    except Http404:
        return JsonResponse({"detail": str(_("見つかりません。"))}, status=404)
    return JsonResponse(import_job_progress(job))


def _field_label(name: str, model: type = Seed) -> str:
    if name in ("researchers", "patents"):
        return str({"researchers": _("研究者"), "patents": _("特許")}[name])
    try:
        return str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:  # a column the model does not have: show its name
        return name


def _report_part(report, name: str) -> list:
    """A list of an import report: the ImportReport of a preview, or the dict a job stored."""
    if isinstance(report, dict):
        return report.get(name) or []
    return getattr(report, name, []) or []


def preview_rows(report, *, model: type = Seed) -> tuple[list[dict], list[str], dict]:
    """The import report as one row per CSV line (action, errors, changed fields), the
    file-level errors, and the count of rows per action. The changed fields are the ones the
    import itself compared (`updated[i]["changed"]`), so the preview shows what it writes."""
    rows: dict[int, dict] = {}
    for action in ("created", "updated", "unchanged"):
        for entry in _report_part(report, action):
            cleared = entry.get("cleared", [])
            rows[entry["row"]] = {
                "line": entry["row"],
                "key": entry.get("key", ""),
                "title": entry.get("title", ""),
                "action": {"created": "create", "updated": "update"}.get(action, "unchanged"),
                "errors": [],
                "changes": [
                    _field_label(n, model) for n in entry.get("changed", []) if n not in cleared
                ]
                if action == "updated"
                else [],
                # Emptied on purpose by the clear marker, and left as they are by blank cells.
                "cleared": [_field_label(n, model) for n in cleared],
                "kept": [_field_label(n, model) for n in entry.get("kept", [])],
            }
    file_errors: list[str] = []
    for error in _report_part(report, "errors"):
        line, column = error.get("row", 0), error.get("column", "")
        # In the reader's language (a job's report was written by a worker, maybe in another).
        message = render_message(error.get("text") or error.get("message", ""))
        if line <= 1:  # the file itself or its header row
            file_errors.append(f"{_field_label(column, model)}: {message}" if column else message)
            continue
        row = rows.setdefault(
            line,
            {
                "line": line,
                "key": "",
                "title": "",
                "action": "error",
                "errors": [],
                "changes": [],
                "cleared": [],
                "kept": [],
            },
        )
        row["action"] = "error"
        row["errors"].append(
            {"column": _field_label(column, model) if column else "", "message": message}
        )
    ordered = [rows[n] for n in sorted(rows)]
    summary = {
        action: sum(1 for r in ordered if r["action"] == action)
        for action in ("create", "update", "unchanged", "error")
    }
    return ordered, file_errors, summary
