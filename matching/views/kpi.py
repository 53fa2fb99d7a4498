"""The public national KPI dashboard (見える化) and its CSV export: the platform's recorded
outcomes against the national baselines and targets."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from matching.outcomes import kpi_csv, kpi_figures, kpi_years


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
