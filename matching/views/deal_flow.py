"""An investor's deal flow: ventures ranked for its thesis, each with "express interest" (or the
state of the interest already expressed)."""

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
    intros = {
        i.venture_id: i
        for i in selectors.investor_introductions_for(user=request.user).filter(
            investor__organization=request.org,
            venture_id__in=[m.venture_id for m in page.object_list],
        )
    }
    rows = [
        {
            "m": m,
            "signals": m.signals,
            "seeds": list(m.venture.seeds.all())[:3],
            "intro": intros.get(m.venture_id),
        }
        for m in page.object_list
    ]
    return render(
        request,
        "matching/deal_flow.html",
        {"page": page, "rows": rows, "nav_active": "dealflow"},
    )
