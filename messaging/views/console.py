"""Coordinators: which introduced parties talk, and how much (titles, parties, message counts
and dates; never a message: the thread page is a 404 for them)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from messaging import selectors
from profiles.access import require_coordinator


@login_required
def console_threads(request: HttpRequest) -> HttpResponse:
    require_coordinator(request)
    page = Paginator(selectors.threads_overview(user=request.user), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "messaging/console_threads.html",
        {"page": page, "nav_active": "console_threads"},
    )
