"""Pages of the cases app: the case library (search by text, field and scheme; one case)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from .models import Scheme
from .selectors import case_fields, case_get, cases_search


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
