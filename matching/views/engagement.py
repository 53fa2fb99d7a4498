"""What a member keeps to come back to: saved searches (from the search page) and the
watchlist of seeds (from a seed page or a search hit). Alerts of both arrive as notifications
(`matching.services.alerts`)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from config.ids import posted_pk
from matching.models import SavedSearch, WatchedSeed
from matching.services import alerts
from matching.views.seed_page import PK_MAX, public_seed
from profiles.access import require_org
from profiles.views.base import safe_next


def _search_url(saved: SavedSearch) -> str:
    return "?" + urlencode({"q": saved.query, **saved.filters})


@login_required
def saved_searches(request: HttpRequest) -> HttpResponse:
    """The caller's saved searches; POST saves one (from the search page), deletes one or
    turns its alerts on or off."""
    require_org(request)
    if request.method == "POST":
        action = request.POST.get("action", "save")
        if action == "save":
            try:
                alerts.saved_search_create(
                    user=request.user,
                    query=request.POST.get("q", ""),
                    filters={k: request.POST.get(k, "") for k in alerts.FILTER_KEYS},
                    name=request.POST.get("name", ""),
                )
            except ValidationError as exc:
                for message in exc.messages:
                    messages.error(request, message)
            else:
                messages.success(
                    request,
                    _("検索を保存しました。新しく一致する研究シーズがあれば通知します。"),
                )
            return redirect(safe_next(request) or "saved_searches")
        saved = get_object_or_404(
            SavedSearch.objects.filter(user=request.user), pk=posted_pk(request.POST.get("id"))
        )
        if action == "delete":
            alerts.saved_search_delete(saved_search=saved, by=request.user)
            messages.success(request, _("保存した検索を削除しました。"))
        elif action in ("alerts_on", "alerts_off"):
            alerts.saved_search_set_alerts(
                saved_search=saved, by=request.user, alerts=action == "alerts_on"
            )
            messages.success(request, _("通知の設定を変更しました。"))
        else:
            return HttpResponse(status=400)
        return redirect("saved_searches")
    rows = [
        {"s": s, "url": _search_url(s), "hits": s.hits.count()}
        for s in SavedSearch.objects.filter(user=request.user)
    ]
    return render(request, "matching/saved_searches.html", {"rows": rows, "nav_active": "search"})


@login_required
def watchlist(request: HttpRequest) -> HttpResponse:
    require_org(request)
    watches = (
        WatchedSeed.objects.filter(user=request.user)
        .select_related("seed__organization")
        .order_by("-created_at", "-id")
    )
    return render(request, "matching/watchlist.html", {"watches": watches, "nav_active": "search"})


@login_required
@require_POST
def seed_watch(request: HttpRequest, pk: int) -> HttpResponse:
    """Add the seed to (or, with action=remove, take it off) the caller's watchlist."""
    require_org(request)
    if not 0 < pk <= PK_MAX:
        raise Http404
    if request.POST.get("action") == "remove":
        # Also for a seed withdrawn since (no longer public): the watch is the caller's own.
        watch = get_object_or_404(WatchedSeed.objects.filter(user=request.user), seed_id=pk)
        alerts.watch_remove(user=request.user, seed=watch.seed)
        messages.success(request, _("ウォッチリストから外しました。"))
        return redirect(safe_next(request) or "watchlist")
    seed = public_seed(request, pk)
    try:
        alerts.watch_add(user=request.user, seed=seed)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("ウォッチリストに追加しました。内容が更新されたら通知します。"))
    return redirect(safe_next(request) or reverse("seed_page", args=[seed.pk]))
