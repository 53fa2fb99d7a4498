"""Partner search (company R&D): free text in Japanese or English with filters, results in
relevance bands (strong / possible / weak) down to the relevance floor, with a link to the
weaker ones, sorted and paged. Each hit links to the seed's page, "express interest" (companies)
and the watchlist; the search itself can be saved (matching/views/engagement.py)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from matching.forms import SearchForm
from matching.services.search import search
from profiles.access import require_org
from profiles.choices import OrgKind

PER_PAGE = 10


@login_required
def partner_search(request: HttpRequest) -> HttpResponse:
    require_org(request)
    form = SearchForm(request.GET or None)
    results = page = None  # no search yet (a search with no hit has an empty page)
    query = weaker_query = ""
    save_params: list[tuple[str, str]] = []
    if form.is_bound and form.is_valid() and form.cleaned_data["q"]:
        d = form.cleaned_data
        results = search(
            user=request.user,
            text=d["q"],
            field=d["field"] or None,
            region=d["region"] or None,
            trl_min=d["trl_min"],
            trl_max=d["trl_max"],
            mode=d["mode"] or None,
            include_weak=d["weak"],
            sort=d["sort"] or "score",
        )
        page = Paginator(results.hits, PER_PAGE).get_page(request.GET.get("page"))
        params = {k: v for k, v in request.GET.items() if k not in ("page", "weak") and v}
        if d["weak"]:
            params["weak"] = "1"
        query = urlencode(params)
        weaker_query = urlencode({**params, "weak": "1"})
        save_params = [
            (k, str(d[k]))
            for k in ("q", "field", "region", "trl_min", "trl_max", "mode")
            if d.get(k) not in (None, "")
        ]
    return render(
        request,
        "matching/search.html",
        {
            "form": form,
            "results": results,
            "page": page,
            "query": query,
            "weaker_query": weaker_query,
            "save_params": save_params,
            "is_company": request.org.kind == OrgKind.COMPANY,
            "nav_active": "search",
        },
    )
