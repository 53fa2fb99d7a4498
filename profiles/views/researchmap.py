"""researchmap import pages of an IP office: upload an export, review the drafts of one import
(their source, the researchmap changes waiting for a decision, bulk publish or discard), and
the report of the records that could not be read (page and CSV)."""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from profiles.access import require_org
from profiles.choices import ACADEMIC_KINDS
from profiles.deferred import render_message
from profiles.forms import ResearchmapUploadForm, apply_service_errors
from profiles.models import ResearchmapImport, Seed
from profiles.selectors.researchmap import (
    import_entries,
    imported_seeds_of,
    researchmap_imports_of,
)
from profiles.services.imports.csv_columns import csv_safe_cell
from profiles.services.imports.researchmap import (
    MERGED_FIELDS,
    imported_seed_leave,
    imported_seed_take,
    researchmap_drafts_discard,
    researchmap_drafts_publish,
    researchmap_import_create,
    seed_values,
)

FIELD_LABELS = {
    **{name: Seed._meta.get_field(name).verbose_name for name in MERGED_FIELDS[:6]},
    "researchers": _("研究者"),
    "patents": _("特許"),
}
REPORT_COLUMNS = ["kind", "record", "researcher", "type", "id", "field", "title", "reason"]


def _own_import(request: HttpRequest, pk: int) -> ResearchmapImport:
    return get_object_or_404(researchmap_imports_of(user=request.user), pk=pk)


@login_required
def researchmap_import_page(request: HttpRequest) -> HttpResponse:
    """Upload an export; the import runs in the background and its review page follows it."""
    org = require_org(request, *ACADEMIC_KINDS)
    form = ResearchmapUploadForm()
    if request.method == "POST":
        form = ResearchmapUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                imp = researchmap_import_create(
                    org=org,
                    by=request.user,
                    source=ResearchmapImport.Source.FILE,
                    content=form.cleaned_data["file"],
                    label=request.FILES["file"].name,
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                return redirect("researchmap_review", pk=imp.pk)
    return render(
        request,
        "profiles/researchmap_import.html",
        {
            "form": form,
            "imports": researchmap_imports_of(user=request.user)[:20],
            "nav_active": "researchmap",
        },
    )


@login_required
def researchmap_review(request: HttpRequest, pk: int) -> HttpResponse:
    require_org(request, *ACADEMIC_KINDS)
    imp = _own_import(request, pk)
    entries = list(import_entries(imp)) if imp.is_finished else []
    differences = []
    for entry in entries:
        imported = entry.imported_seed
        if imported.seed is None or not imported.pending:
            continue
        current = seed_values(imported.seed)
        differences.append(
            {
                "imported": imported,
                "rows": [
                    {
                        "field": name,
                        "label": FIELD_LABELS[name],
                        "current": current[name],
                        "new": imported.pending[name],
                    }
                    for name in MERGED_FIELDS
                    if name in imported.pending
                ],
            }
        )
    report = imp.report or {}
    return render(
        request,
        "profiles/researchmap_review.html",
        {
            "imp": imp,
            "entries": entries,
            "differences": differences,
            "report": report,
            "counts": report.get("counts", {}),
            "errors": report.get("errors", []),
            "skipped": report.get("skipped", []),
            "nav_active": "researchmap",
        },
    )


@login_required
@require_POST
def researchmap_bulk(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish or discard the chosen seeds of this import."""
    org = require_org(request, *ACADEMIC_KINDS)
    imp = _own_import(request, pk)
    of_this_import = set(
        imp.entries.filter(imported_seed__seed__isnull=False).values_list(
            "imported_seed__seed_id", flat=True
        )
    )
    chosen = [
        int(i)
        for i in request.POST.getlist("seed")
        if i.isdigit() and len(i) <= 18 and int(i) in of_this_import
    ]
    action = request.POST.get("action")
    if not chosen:
        messages.error(request, _("シーズを選んでください。"))
    elif action == "publish":
        done, refused = researchmap_drafts_publish(org=org, by=request.user, seed_ids=chosen)
        if done:
            messages.success(
                request,
                ngettext("%(n)d 件を公開しました。", "%(n)d 件を公開しました。", done)
                % {"n": done},
            )
        for message in refused:
            messages.error(request, message)
    elif action == "discard":
        done, refused = researchmap_drafts_discard(org=org, by=request.user, seed_ids=chosen)
        if done:
            messages.success(
                request,
                ngettext(
                    "%(n)d 件の下書きを破棄しました。", "%(n)d 件の下書きを破棄しました。", done
                )
                % {"n": done},
            )
        for message in refused:
            messages.error(request, message)
    else:
        raise Http404
    return redirect("researchmap_review", pk=imp.pk)


@login_required
@require_POST
def researchmap_difference(request: HttpRequest, pk: int, imported_pk: int) -> HttpResponse:
    """Take or leave researchmap's new values of one seed (some fields, or all)."""
    require_org(request, *ACADEMIC_KINDS)
    imp = _own_import(request, pk)
    imported = get_object_or_404(imported_seeds_of(user=request.user), pk=imported_pk)
    fields = [f for f in request.POST.getlist("field") if f in MERGED_FIELDS] or None
    decision = request.POST.get("decision")
    try:
        if decision == "take":
            names = imported_seed_take(imported=imported, by=request.user, fields=fields)
            message = _("researchmap の値を取り込みました: %(fields)s")
        elif decision == "leave":
            names = imported_seed_leave(imported=imported, by=request.user, fields=fields)
            message = _("現在の値のままにしました: %(fields)s")
        else:
            raise Http404
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        if names:
            labels = "、".join(str(FIELD_LABELS[n]) for n in names)
            messages.success(request, message % {"fields": labels})
    return redirect(reverse("researchmap_review", args=[imp.pk]) + "#differences")


@login_required
def researchmap_report_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """Every record of the import that could not be read (kind "error") and every achievement
    read but not made into a draft (kind "skipped"), with the reason; UTF-8 with BOM."""
    require_org(request, *ACADEMIC_KINDS)
    imp = _own_import(request, pk)
    report = imp.report or {}
    buf = io.StringIO()
    buf.write("\ufeff")
    writer = csv.writer(buf)
    writer.writerow(REPORT_COLUMNS)
    for kind, rows in (("error", report.get("errors", [])), ("skipped", report.get("skipped", []))):
        for row in rows:
            # The reason in the reader's language (stored as a deferred message).
            row = {**row, "reason": render_message(row.get("reason_text") or row.get("reason"))}
            writer.writerow(
                [csv_safe_cell(kind)] + [csv_safe_cell(row.get(c, "")) for c in REPORT_COLUMNS[1:]]
            )
    response = HttpResponse(buf.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="researchmap-import-{imp.pk}.csv"'
    return response
