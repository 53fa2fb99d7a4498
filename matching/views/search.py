"""Partner search (company R&D): free text in Japanese or English with filters."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from matching.forms import SearchForm
from matching.services.search import search_seeds
from profiles.access import require_org


@login_required
def partner_search(request: HttpRequest) -> HttpResponse:
    require_org(request)
    form = SearchForm(request.GET or None)
    results = None  # no search yet (a search with no hit is an empty list)
    if form.is_bound and form.is_valid() and form.cleaned_data["q"]:
        d = form.cleaned_data
        hits = search_seeds(
            user=request.user,
            text=d["q"],
            field=d["field"] or None,
            region=d["region"] or None,
            trl_min=d["trl_min"],
            trl_max=d["trl_max"],
            mode=d["mode"] or None,
            limit=20,
        )
        results = hits
    return render(
        request,
        "matching/search.html",
        {"form": form, "results": results, "nav_active": "search"},
    )
