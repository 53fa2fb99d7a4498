"""Pages: readiness of universities (the public list and one university with its comparison
against the region and the country: public, the policy's 見える化, see
`profiles.access.readiness_filter`), the university's own readiness editor, and the fair-price
estimator (members).

Thin views: forms validate, `profiles.services.readiness` / `estimator` compute and write,
`profiles.selectors.readiness` reads (scoped to the caller).
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from profiles.access import org_of
from profiles.choices import ACADEMIC_KINDS, Region
from profiles.forms import EstimateForm, ReadinessForm, TrackRecordForm
from profiles.models import ReadinessProfile, TrackRecord
from profiles.selectors.readiness import (
    ORDERINGS,
    cross_appointment_researchers,
    readiness_comparison,
    readiness_for,
    readiness_history,
    readiness_list,
)
from profiles.selectors.readiness_rules import (
    DAYS_TO_CONTRACT_THRESHOLD,
    INDIRECT_RATE_THRESHOLD,
    PILLARS,
)
from profiles.services.estimator import estimate_price, estimate_standard
from profiles.services.readiness import (
    PROFILE_EDITABLE_FIELDS,
    TRACK_RECORD_FIELDS,
    can_edit_readiness,
    current_fiscal_year,
    readiness_update,
    track_record_delete,
    track_record_upsert,
)

ORDERING_LABELS = {
    "score": _("総合レディネス"),
    "average_income": _("共同研究1件あたりの受入額"),
    "large_share": _("大型共同研究の割合"),
    "indirect_rate": _("間接経費率"),
    "days_to_contract": _("契約までの日数 (短い順)"),
    "name": _("名称"),
}


def _chart(rows) -> dict:
    """Geometry of the comparison chart: per metric, three horizontal bars (this organisation,
    region median, national median) scaled to the largest of the three."""
    label_w, bar_w, bar_h, gap, group_gap = 210, 330, 12, 3, 16
    groups = []
    y = 8
    for row in rows:
        values = [row.value, row.region_median, row.national_median]
        # Levels and the overall score have a fixed scale; the rest scale to the largest value.
        fixed = {"level": 5.0, "score": 1.0}.get(row.unit)
        top = fixed or max((v for v in values if v is not None), default=0) or 1
        bars = []
        for i, (kind, v) in enumerate(zip(("self", "region", "national"), values, strict=True)):
            bars.append(
                {
                    "kind": kind,
                    "value": v,
                    "y": y + i * (bar_h + gap),
                    "width": 0 if v is None else max(1, round(bar_w * v / top)),
                }
            )
        groups.append({"row": row, "y": y, "label_y": y + bar_h + 4, "bars": bars})
        y += 3 * (bar_h + gap) + group_gap
    return {
        "groups": groups,
        "height": y,
        "width": label_w + bar_w + 120,
        "label_w": label_w,
        "bar_h": bar_h,
    }


def readiness_list_view(request: HttpRequest) -> HttpResponse:
    region = request.GET.get("region") or ""
    kind = request.GET.get("kind") or ""
    ordering = request.GET.get("ordering") or "score"
    if region not in Region.values:
        region = ""
    if kind not in ACADEMIC_KINDS:
        kind = ""
    if ordering not in ORDERINGS:
        ordering = "score"
    try:
        min_score = float(request.GET["min_score"]) if request.GET.get("min_score") else None
    except ValueError:
        min_score = None
    rows = readiness_list(
        user=request.user,
        region=region or None,
        kind=kind or None,
        min_score=min_score,
        ordering=ordering,
    )
    return render(
        request,
        "readiness/list.html",
        {
            "rows": rows,
            "pillars": PILLARS,
            "regions": Region.choices,
            "kinds": [(k.value, k.label) for k in ACADEMIC_KINDS],
            "orderings": [(k, ORDERING_LABELS.get(k, k)) for k in ORDERING_LABELS],
            "region": region,
            "kind": kind,
            "ordering": ordering,
            "min_score": request.GET.get("min_score", ""),
            "nav_active": "readiness",
        },
    )


def readiness_detail_view(request: HttpRequest, org_id: int) -> HttpResponse:
    assessment = readiness_for(user=request.user, org_id=org_id)
    if assessment is None:
        raise Http404
    comparison = readiness_comparison(user=request.user, assessment=assessment)
    org = assessment.organization
    can_edit = can_edit_readiness(org=org, user=request.user)
    return render(
        request,
        "readiness/detail.html",
        {
            "a": assessment,
            "org": org,
            "comparison": comparison,
            "chart": _chart(comparison),
            "history": readiness_history(org=org)[:20],
            "can_edit": can_edit,
            "cross_appointment_researchers": cross_appointment_researchers(
                user=request.user, org=org
            ),
            "rules": _rules(),
            # Whether the university's rates give a fair-price estimate, and what is missing.
            "standard_estimate": estimate_standard(org=org),
            "nav_active": "readiness",
        },
    )


def _rules() -> dict:
    return {
        "indirect": INDIRECT_RATE_THRESHOLD,
        "days": DAYS_TO_CONTRACT_THRESHOLD,
    }


def _own_academic_org(request: HttpRequest):
    org = org_of(request.user)
    if org is None or org.kind not in ACADEMIC_KINDS:
        raise PermissionDenied
    return org


@login_required
def readiness_edit_view(request: HttpRequest) -> HttpResponse:
    org = _own_academic_org(request)
    profile = ReadinessProfile.objects.filter(organization=org).first()
    form = ReadinessForm(instance=profile)
    record_form = TrackRecordForm(initial={"fiscal_year": current_fiscal_year() - 1})
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "profile":
                form = ReadinessForm(request.POST, instance=profile)
                if form.is_valid():
                    data = {f: form.cleaned_data[f] for f in PROFILE_EDITABLE_FIELDS}
                    readiness_update(org=org, by=request.user, data=data)
                    messages.success(request, _("連携体制を保存しました。"))
                    return redirect("readiness_edit")
            elif action == "track_record":
                record_form = TrackRecordForm(request.POST)
                # The uniqueness of (organisation, year) is the service's upsert, not an error.
                record_form.validate_unique = lambda: None
                if record_form.is_valid():
                    data = {f: record_form.cleaned_data[f] for f in TRACK_RECORD_FIELDS}
                    track_record_upsert(
                        org=org,
                        by=request.user,
                        fiscal_year=record_form.cleaned_data["fiscal_year"],
                        data=data,
                    )
                    messages.success(request, _("年度別実績を保存しました。"))
                    return redirect("readiness_edit")
            elif action == "delete_year":
                track_record_delete(
                    org=org, by=request.user, fiscal_year=int(request.POST.get("fiscal_year", 0))
                )
                messages.success(request, _("年度別実績を削除しました。"))
                return redirect("readiness_edit")
        except ValidationError as exc:
            target = record_form if action == "track_record" else form
            for field, errors in exc.message_dict.items():
                target.add_error(field if field in target.fields else None, errors)
        except ValueError:
            raise Http404 from None
    return render(
        request,
        "readiness/edit.html",
        {
            "org": org,
            "form": form,
            "record_form": record_form,
            "records": TrackRecord.objects.filter(organization=org),
            "history": readiness_history(org=org)[:20],
            "profile": profile,
            "standard_estimate": estimate_standard(org=org),
            "nav_active": "readiness",
        },
    )


@login_required
def readiness_estimate_view(request: HttpRequest) -> HttpResponse:
    initial = {}
    if request.GET.get("organization"):
        initial["organization"] = request.GET.get("organization")
    data = request.POST if request.method == "POST" else None
    form = EstimateForm(data, user=request.user, initial=initial)
    estimate = None
    estimate_can_fill = False
    if form.is_valid():
        need = form.cleaned_data.get("need")
        try:
            estimate = estimate_price(
                org=form.cleaned_data["organization"],
                direct_costs_yen=form.cleaned_data["direct_costs_yen"],
                faculty_person_months=form.cleaned_data["faculty_person_months"] or Decimal(0),
                postdoc_person_months=form.cleaned_data["postdoc_person_months"] or Decimal(0),
                student_person_months=form.cleaned_data["student_person_months"] or Decimal(0),
                budget_min_yen=need.budget_min_yen if need else None,
                budget_max_yen=need.budget_max_yen if need else None,
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        # The university's own members fill in the rates an estimate is missing.
        estimate_can_fill = can_edit_readiness(
            org=form.cleaned_data["organization"], user=request.user
        )
    return render(
        request,
        "readiness/estimate.html",
        {
            "form": form,
            "estimate": estimate,
            "estimate_can_fill": estimate_can_fill,
            "nav_active": "readiness",
            "list_url": reverse("readiness_list"),
        },
    )
