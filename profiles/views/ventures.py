"""University spin-offs (大学発ベンチャー): list and editor, for universities and institutes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _

from profiles.access import require_org
from profiles.choices import (
    ACADEMIC_KINDS,
    PublicationStatus,
)
from profiles.extensions import venture_sections
from profiles.forms import VENTURE_STATUS_CHOICES, VentureForm, apply_service_errors
from profiles.selectors.catalog import ventures_visible_to
from profiles.services.catalog import (
    venture_archive,
    venture_create,
    venture_publish,
    venture_update,
)


def _own_venture(request: HttpRequest, pk: int):
    """A venture of the caller's organisation, or 404 (another organisation's does not exist)."""

    org = require_org(request, *ACADEMIC_KINDS)
    return get_object_or_404(ventures_visible_to(user=request.user).filter(organization=org), pk=pk)


@login_required
def venture_list(request: HttpRequest) -> HttpResponse:

    org = require_org(request, *ACADEMIC_KINDS)
    ventures = ventures_visible_to(user=request.user).filter(organization=org).order_by("name")
    page = Paginator(ventures, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "profiles/venture_list.html",
        {"page": page, "org": org, "nav_active": "ventures"},
    )


def _venture_editor(request: HttpRequest, venture) -> HttpResponse:

    org = require_org(request, *ACADEMIC_KINDS)
    if request.method == "POST":
        form = VentureForm(request.POST, org=org)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "status"}
            data["seeds"] = list(data["seeds"])
            status = form.cleaned_data["status"]
            try:
                with transaction.atomic():
                    if venture is None:
                        saved = venture_create(org=org, by=request.user, data=data)
                    else:
                        saved = venture_update(venture=venture, by=request.user, data=data)
                    if status == PublicationStatus.ARCHIVED and saved.status != status:
                        venture_archive(venture=saved, by=request.user)
                    elif status == PublicationStatus.PUBLISHED and saved.status != status:
                        venture_publish(venture=saved, by=request.user)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("ベンチャーを保存しました。"))
                return redirect("venture_edit", pk=saved.pk)
    elif venture is None:
        form = VentureForm(org=org)
    else:
        form = VentureForm(
            org=org,
            initial={
                "name": venture.name,
                "summary": venture.summary,
                "stage": venture.stage,
                "seeks": venture.seeks,
                "seeds": [s.pk for s in venture.seeds.all()],
                "status": venture.status
                if venture.status in dict(VENTURE_STATUS_CHOICES)
                else PublicationStatus.PUBLISHED,
            },
        )
    return render(
        request,
        "profiles/venture_form.html",
        {
            "form": form,
            "venture": venture,
            "org": org,
            "sections": venture_sections(request, venture) if venture is not None else [],
            "nav_active": "ventures",
        },
    )


@login_required
def venture_create_page(request: HttpRequest) -> HttpResponse:
    return _venture_editor(request, None)


@login_required
def venture_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _venture_editor(request, _own_venture(request, pk))
