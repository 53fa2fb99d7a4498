"""A company's own needs: list, editor, status actions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from profiles import access
from profiles.access import require_org
from profiles.choices import (
    OrgKind,
    PublicationStatus,
)
from profiles.forms import NeedForm, apply_service_errors
from profiles.models import Need
from profiles.selectors.catalog import own_needs
from profiles.services import catalog
from profiles.services.audit import confidential_reads_record
from profiles.services.catalog import need_create, need_publish, need_update
from profiles.views.base import STATUS_MESSAGES, safe_next


def _own_need(request: HttpRequest, pk: int) -> Need:

    return get_object_or_404(own_needs(user=request.user), pk=pk)


@login_required
def need_list(request: HttpRequest) -> HttpResponse:

    require_org(request, OrgKind.COMPANY)
    needs = own_needs(user=request.user).order_by("-updated_at", "id")
    status = request.GET.get("status", "")
    if status in PublicationStatus.values:
        needs = needs.filter(status=status)
    page = Paginator(needs, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "profiles/need_list.html",
        {
            "page": page,
            "status": status,
            "statuses": PublicationStatus.choices,
            "nav_active": "needs",
        },
    )


def _need_editor(request: HttpRequest, need: Need | None) -> HttpResponse:

    org = require_org(request, OrgKind.COMPANY)
    if request.method == "POST":
        form = NeedForm(request.POST)
        if form.is_valid():
            try:
                with transaction.atomic():
                    if need is None:
                        saved = need_create(org=org, by=request.user, data=form.cleaned_data)
                    else:
                        saved = need_update(need=need, by=request.user, data=form.cleaned_data)
                    if request.POST.get("action") == "publish":
                        need_publish(need=saved, by=request.user)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                if request.POST.get("action") == "publish":
                    messages.success(request, _("ニーズを保存して公開しました。"))
                else:
                    messages.success(request, _("ニーズを保存しました。"))
                return redirect("need_edit", pk=saved.pk)
    elif need is None:
        form = NeedForm()
    else:
        initial = {
            name: getattr(need, name)
            for name in NeedForm.base_fields
            if name != "confidential_details"
        }
        initial["confidential_details"] = access.confidential_text(user=request.user, obj=need)
        if initial["confidential_details"]:
            confidential_reads_record(
                user=request.user, objects=[need], channel="page", path=request.path
            )
        form = NeedForm(initial=initial)
    return render(
        request,
        "profiles/need_form.html",
        {"form": form, "need": need, "org": org, "nav_active": "needs"},
    )


@login_required
def need_create_page(request: HttpRequest) -> HttpResponse:
    return _need_editor(request, None)


@login_required
def need_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_org(request, OrgKind.COMPANY)
    return _need_editor(request, _own_need(request, pk))


@login_required
@require_POST
def need_status(request: HttpRequest, pk: int, action: str) -> HttpResponse:

    require_org(request, OrgKind.COMPANY)
    need = _own_need(request, pk)
    service = {
        "publish": catalog.need_publish,
        "unpublish": catalog.need_unpublish,
        "archive": catalog.need_archive,
    }.get(action)
    if service is None:
        raise Http404
    try:
        service(need=need, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, STATUS_MESSAGES[action])
    return redirect(safe_next(request) or reverse("need_edit", args=[need.pk]))
