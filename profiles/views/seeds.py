"""An IP office's own seeds: list, editor (with researchers and patents), status actions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from profiles import access
from profiles.access import require_org
from profiles.choices import (
    ACADEMIC_KINDS,
    PublicationStatus,
)
from profiles.forms import (
    PatentFormSet,
    ResearcherFormSet,
    SeedForm,
    apply_service_errors,
    formset_rows,
)
from profiles.models import Seed
from profiles.selectors.catalog import own_seeds
from profiles.services import catalog
from profiles.services.audit import confidential_reads_record
from profiles.services.catalog import seed_create, seed_publish, seed_update
from profiles.views.base import STATUS_MESSAGES, safe_next


def _own_seed(request: HttpRequest, pk: int) -> Seed:
    """A seed of the caller's organisation, or 404 (another organisation's seed does not exist)."""

    return get_object_or_404(own_seeds(user=request.user), pk=pk)


@login_required
def seed_list(request: HttpRequest) -> HttpResponse:

    require_org(request, *ACADEMIC_KINDS)
    seeds = own_seeds(user=request.user).order_by("-updated_at", "id")
    status = request.GET.get("status", "")
    if status in PublicationStatus.values:
        seeds = seeds.filter(status=status)
    q = (request.GET.get("q") or "").strip()[:200]
    if q:
        seeds = seeds.filter(Q(title__icontains=q) | Q(summary__icontains=q) | Q(key__icontains=q))
    page = Paginator(seeds, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "profiles/seed_list.html",
        {
            "page": page,
            "status": status,
            "q": q,
            "statuses": PublicationStatus.choices,
            "nav_active": "seeds",
        },
    )


def _seed_editor(request: HttpRequest, seed: Seed | None) -> HttpResponse:

    org = require_org(request, *ACADEMIC_KINDS)
    if request.method == "POST":
        form = SeedForm(request.POST)
        researchers = ResearcherFormSet(request.POST, prefix="researchers")
        patents = PatentFormSet(request.POST, prefix="patents")
        if form.is_valid() and researchers.is_valid() and patents.is_valid():
            data = {
                **form.cleaned_data,
                "researchers": formset_rows(researchers),
                "patents": formset_rows(patents),
            }
            try:
                with transaction.atomic():
                    if seed is None:
                        seed = saved = seed_create(org=org, by=request.user, data=data)
                    else:
                        saved = seed_update(seed=seed, by=request.user, data=data)
                    if request.POST.get("action") == "publish":
                        seed_publish(seed=saved, by=request.user)
            except ValidationError as exc:
                apply_service_errors(form, exc)
                if seed is not None and seed.pk is None:
                    seed = None
            else:
                if request.POST.get("action") == "publish":
                    messages.success(request, _("シーズを保存して公開しました。"))
                else:
                    messages.success(request, _("シーズを保存しました。"))
                return redirect("seed_edit", pk=saved.pk)
    else:
        if seed is None:
            form = SeedForm()
            researchers = ResearcherFormSet(prefix="researchers")
            patents = PatentFormSet(prefix="patents")
        else:
            confidential = access.confidential_text(user=request.user, obj=seed)
            if confidential:
                confidential_reads_record(
                    user=request.user, objects=[seed], channel="page", path=request.path
                )
            form = SeedForm(
                initial={
                    "title": seed.title,
                    "summary": seed.summary,
                    "confidential_details": confidential,
                    "keywords": seed.keywords,
                    "field": seed.field,
                    "trl": seed.trl,
                    "collaboration_modes": seed.collaboration_modes,
                    "language": seed.language,
                    "capacity": seed.capacity,
                }
            )
            researchers = ResearcherFormSet(
                prefix="researchers",
                initial=[
                    {
                        "name": r.name,
                        "name_en": r.name_en,
                        "department": r.department,
                        "researchmap_id": r.researchmap_id,
                        "jglobal_id": r.jglobal_id,
                        "cross_appointment_available": r.cross_appointment_available,
                    }
                    for r in seed.researchers.all()
                ],
            )
            patents = PatentFormSet(
                prefix="patents",
                initial=[
                    {
                        "application_number": p.application_number,
                        "registration_number": p.registration_number,
                        "title": p.title,
                        "license_available": p.license_available,
                    }
                    for p in seed.patents.all()
                ],
            )
    return render(
        request,
        "profiles/seed_form.html",
        {
            "form": form,
            "researchers": researchers,
            "patents": patents,
            "seed": seed,
            "org": org,
            "nav_active": "seeds",
        },
    )


@login_required
def seed_create_page(request: HttpRequest) -> HttpResponse:
    return _seed_editor(request, None)


@login_required
def seed_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_org(request, *ACADEMIC_KINDS)
    return _seed_editor(request, _own_seed(request, pk))


@login_required
@require_POST
def seed_status(request: HttpRequest, pk: int, action: str) -> HttpResponse:

    require_org(request, *ACADEMIC_KINDS)
    seed = _own_seed(request, pk)
    service = {
        "publish": catalog.seed_publish,
        "unpublish": catalog.seed_unpublish,
        "archive": catalog.seed_archive,
    }.get(action)
    if service is None:
        raise Http404
    try:
        service(seed=seed, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, STATUS_MESSAGES[action])
    return redirect(safe_next(request) or reverse("seed_edit", args=[seed.pk]))
