"""An investor's deal flow: ventures ranked for its thesis."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from matching import selectors
from profiles.access import require_org
from profiles.choices import OrgKind


@login_required
def deal_flow(request: HttpRequest) -> HttpResponse:
    require_org(request, OrgKind.INVESTOR)
    matches = selectors.investor_deal_flow(user=request.user).prefetch_related("venture__seeds")
    page = Paginator(matches, 20).get_page(request.GET.get("page"))
    rows = [
        {"m": m, "signals": m.signals, "seeds": list(m.venture.seeds.all())[:3]}
        for m in page.object_list
    ]
    return render(
        request,
        "matching/deal_flow.html",
        {"page": page, "rows": rows, "nav_active": "dealflow"},
    )
