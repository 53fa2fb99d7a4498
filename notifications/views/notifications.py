"""The notification pages: the list (filter, mark read, mark all read), opening one (marks it
read and goes to its object), and the e-mail preferences saved from the account page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from notifications import selectors
from notifications.forms import NotificationFilterForm, PreferencesForm
from notifications.kinds import kinds_for, notification_text
from notifications.services import notify as notify_services
from notifications.services.preferences import kinds_of, preferences_of, preferences_update
from profiles import access


def _kinds(user) -> tuple[str, ...]:
    org = access.org_of(user)
    return kinds_for(org_kind=org.kind if org else None, coordinator=access.is_coordinator(user))


def _row(n) -> dict:
    return {
        "n": n,
        "text": notification_text(n.kind, n.params),
        "items": (n.params or {}).get("items", []),
    }


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "read_all":
            count = notify_services.notifications_mark_all_read(user=request.user)
            messages.success(request, _("%(n)d 件を既読にしました。") % {"n": count})
        elif action == "read":
            raw = request.POST.get("id", "")
            n = get_object_or_404(
                selectors.notifications_for(user=request.user),
                pk=int(raw) if raw.isdigit() and len(raw) < 19 else 0,
            )
            notify_services.notification_mark_read(notification=n, by=request.user)
        target = request.POST.get("next", "")
        return redirect(target if target.startswith("?") else reverse("notification_list"))
    kinds = _kinds(request.user)
    form = NotificationFilterForm(request.GET or None, kinds=kinds)
    qs = selectors.notifications_for(user=request.user)
    query = ""
    if form.is_valid():
        if form.cleaned_data["state"] == "unread":
            qs = qs.filter(read_at__isnull=True)
        if form.cleaned_data["kind"]:
            qs = qs.filter(kind=form.cleaned_data["kind"])
        query = "&".join(f"{k}={v}" for k, v in form.cleaned_data.items() if v)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/list.html",
        {
            "form": form,
            "page": page,
            "rows": [_row(n) for n in page.object_list],
            "query": query,
            "nav_active": "notifications",
        },
    )


@login_required
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark the notification read and go to its object (its own page when it has none)."""
    n = get_object_or_404(selectors.notifications_for(user=request.user), pk=pk)
    notify_services.notification_mark_read(notification=n, by=request.user)
    url = selectors.safe_url(n)
    if url and request.GET.get("detail") != "1":
        return redirect(url)
    return render(
        request,
        "notifications/detail.html",
        {"row": _row(n), "url": url, "nav_active": "notifications"},
    )


@login_required
@require_POST
def preferences_save(request: HttpRequest) -> HttpResponse:
    """The e-mail preferences section of the account page posts here."""
    kinds = kinds_of(request.user)
    form = PreferencesForm(request.POST, kinds=kinds, initial_modes=preferences_of(request.user))
    if form.is_valid():
        try:
            preferences_update(user=request.user, modes=form.cleaned_data)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("通知の設定を保存しました。"))
    else:
        messages.error(request, _("通知の設定を保存できませんでした。選択肢から選んでください。"))
    return redirect(reverse("account") + "#notifications")


def account_section(request: HttpRequest) -> dict | None:
    """The preferences on the account page (registered with profiles.extensions)."""
    kinds = kinds_of(request.user)
    if not kinds:
        return None
    form = PreferencesForm(kinds=kinds, initial_modes=preferences_of(request.user))
    return {"template": "notifications/_preferences.html", "form": form}
