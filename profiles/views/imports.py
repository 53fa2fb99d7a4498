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

from profiles.access import request_org, require_org
from profiles.choices import (
    ACADEMIC_KINDS,
    OrgKind,
)
from profiles.forms import CsvUploadForm
from profiles.models import ImportJob, Need, Seed
from profiles.services import imports
from profiles.services.imports.jobs import import_job_create, import_job_progress


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


CSV_COLUMNS = [
    ("key", _("キー (英数字。既存のキーなら更新、なければ新規。省略時はタイトルで照合)")),
    ("title", _("タイトル (必須)")),
    ("summary", _("公開概要 (必須)")),
    ("confidential_details", _("非公開の詳細")),
    ("keywords", _("キーワード (; または 、 区切り)")),
    ("field", _("研究分野")),
    ("trl", _("TRL (1〜9)")),
    ("collaboration_modes", _("連携形態 (joint_research; license など)")),
    ("language", _("言語 (ja / en)")),
    ("capacity", _("受入可能数 (0〜100)")),
    ("researchers", _("研究者 (氏名|所属|researchmap ID|yes/no を ; 区切り)")),
    ("patents", _("特許 (出願番号|登録番号|名称|yes/no を ; 区切り)")),
]


NEED_CSV_COLUMNS = [
    ("key", _("キー (英数字。既存のキーなら更新、なければ新規。省略時はタイトルで照合)")),
    ("title", _("タイトル (必須)")),
    ("description", _("公開説明 (必須)")),
    ("confidential_details", _("非公開の詳細")),
    ("keywords", _("キーワード (; または 、 区切り)")),
    ("field", _("分野")),
    ("collaboration_modes", _("連携形態 (joint_research; license など)")),
    ("budget_min_yen", _("予算下限 (円)")),
    ("budget_max_yen", _("予算上限 (円)")),
    ("duration_months", _("期間 (月)")),
    ("trl_min", _("期待TRL (下限)")),
    ("trl_max", _("期待TRL (上限)")),
    ("preferred_regions", _("希望地域 (kanto; kinki など)")),
    ("is_anonymous", _("社名を非公開 (yes / no)")),
    ("language", _("言語 (ja / en)")),
]


def _csv_context(kind_name: str) -> dict:
    return {
        "kind": kind_name,
        "nav_active": "import" if kind_name == "seed" else "needs",
        "columns": CSV_COLUMNS if kind_name == "seed" else NEED_CSV_COLUMNS,
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


@login_required
def seed_import(request: HttpRequest) -> HttpResponse:
    return _csv_import_page(request, "seed")


@login_required
def need_import(request: HttpRequest) -> HttpResponse:
    return _csv_import_page(request, "need")


def _own_import_job(request: HttpRequest, pk: int):
    """A job of the caller's organisation, or 404 (another organisation's job does not exist)."""

    org = request_org(request)
    if org is None:
        raise Http404
    return get_object_or_404(ImportJob.objects.filter(organization=org), pk=pk)


@login_required
def import_job_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress of a background import (polling the JSON below), then its report."""

    job = _own_import_job(request, pk)
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
            rows[entry["row"]] = {
                "line": entry["row"],
                "key": entry.get("key", ""),
                "title": entry.get("title", ""),
                "action": {"created": "create", "updated": "update"}.get(action, "unchanged"),
                "errors": [],
                "changes": [_field_label(n, model) for n in entry.get("changed", [])]
                if action == "updated"
                else [],
            }
    file_errors: list[str] = []
    for error in _report_part(report, "errors"):
        line, column = error.get("row", 0), error.get("column", "")
        if line <= 1:  # the file itself or its header row
            file_errors.append(
                f"{_field_label(column, model)}: {error['message']}" if column else error["message"]
            )
            continue
        row = rows.setdefault(
            line,
            {"line": line, "key": "", "title": "", "action": "error", "errors": [], "changes": []},
        )
        row["action"] = "error"
        row["errors"].append(
            {"column": _field_label(column, model) if column else "", "message": error["message"]}
        )
    ordered = [rows[n] for n in sorted(rows)]
    summary = {
        action: sum(1 for r in ordered if r["action"] == action)
        for action in ("create", "update", "unchanged", "error")
    }
    return ordered, file_errors, summary
