"""Pages of the cases app: the case library (search by text, field and scheme; one case) and
the public national KPI dashboard with its CSV export."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from .models import Scheme
from .selectors import case_fields, case_get, cases_search, kpi_csv, kpi_figures, kpi_years


def cases_list_view(request: HttpRequest) -> HttpResponse:
    q = (request.GET.get("q") or "").strip()[:500]
    field = (request.GET.get("field") or "").strip()[:100]
    scheme = request.GET.get("scheme") or ""
    if scheme not in Scheme.values:
        scheme = ""
    matches = cases_search(q=q or None, field_name=field or None, scheme=scheme or None)
    return render(
        request,
        "cases/list.html",
        {
            "matches": matches,
            "q": q,
            "field": field,
            "scheme": scheme,
            "schemes": Scheme.choices,
            "fields": case_fields(),
            "nav_active": "cases",
        },
    )


def cases_detail_view(request: HttpRequest, slug: str) -> HttpResponse:
    case = case_get(slug=slug)
    if case is None:
        raise Http404
    return render(request, "cases/detail.html", {"case": case, "nav_active": "cases"})


def _fiscal_year(request: HttpRequest) -> int | None:
    raw = request.GET.get("fiscal_year") or ""
    if raw.isdigit() and 1990 <= int(raw) <= 2100:
        return int(raw)
    return None


def kpi_dashboard_view(request: HttpRequest) -> HttpResponse:
    fy = _fiscal_year(request)
    rows = kpi_figures(fiscal_year=fy)
    all_years = kpi_years(kpi_figures()) if fy is not None else kpi_years(rows)
    for r in rows:
        # Width of the progress bar against the national baseline (capped at 100 %).
        r.bar_percent = min(100.0, (r.progress or 0) * 100)
    return render(
        request,
        "cases/kpi.html",
        {"rows": rows, "years": kpi_years(rows), "all_years": all_years, "fiscal_year": fy},
    )


def kpi_csv_view(request: HttpRequest) -> HttpResponse:
    fy = _fiscal_year(request)
    body = kpi_csv(kpi_figures(fiscal_year=fy))
    # A BOM so that Excel opens the UTF-8 Japanese headers correctly.
    response = HttpResponse("\ufeff" + body, content_type="text/csv; charset=utf-8")
    name = f"sangaku-kpi-fy{fy}.csv" if fy else "sangaku-kpi.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


urlpatterns = [
    path("cases/", cases_list_view, name="cases_list"),
    path("cases/<slug:slug>/", cases_detail_view, name="cases_detail"),
    path("kpi/", kpi_dashboard_view, name="kpi_dashboard"),
    path("kpi/export.csv", kpi_csv_view, name="kpi_csv"),
]
