"""The public page of a research seed (for every signed-in member of an approved organisation)
and "express interest" (関心を伝える) for companies.

The page shows public fields only: title, summary, keywords, field, TRL, collaboration modes,
whether the seed takes new partners now, patents (J-PlatPat links) and researchers
(researchmap links) through `profiles/_id_links.html`, the university's readiness summary and
similar seeds. Confidential details appear only to whoever `profiles.access` opens them to (the
owner, an introduced party). Drafts and archived seeds are 404 for everyone.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from config.ids import PK_MAX
from matching import selectors
from matching.forms import NEW_NEED, InterestForm
from matching.models import WatchedSeed
from matching.models.results import ProposalStatus
from matching.services import proposals as proposal_services
from matching.services.search import search
from profiles import access
from profiles.access import require_org
from profiles.choices import OrgKind, PublicationStatus
from profiles.forms import apply_service_errors
from profiles.models import Seed
from profiles.selectors.catalog import own_needs, seeds_visible_to
from profiles.selectors.readiness import readiness_for
from profiles.services.audit import confidential_reads_record
from profiles.services.catalog import need_create, need_publish

SIMILAR = 5


def public_seed(request: HttpRequest, pk: int) -> Seed:
    """A published seed the caller may see, or 404 (drafts, archived, another's)."""
    require_org(request)
    if pk < 1 or pk > PK_MAX:
        raise Http404
    seed = (
        seeds_visible_to(user=request.user)
        .filter(pk=pk, status=PublicationStatus.PUBLISHED)
        .select_related("organization")
        .prefetch_related("researchers", "patents")
        .first()
    )
    if seed is None:
        raise Http404
    return seed


def _similar(request: HttpRequest, seed: Seed) -> list:
    text = " ".join(
        part for part in (seed.title, " ".join(seed.keywords or []), seed.field) if part
    )
    text = f"{text}\n{seed.summary[:300]}"
    hits = search(user=request.user, text=text, limit=SIMILAR + 1, include_weak=False).hits
    return [h for h in hits if h.seed.pk != seed.pk][:SIMILAR]


def _company_needs(request: HttpRequest):
    return (
        own_needs(user=request.user)
        .filter(status=PublicationStatus.PUBLISHED)
        .order_by("-updated_at", "id")
    )


@login_required
def seed_page(request: HttpRequest, pk: int) -> HttpResponse:
    seed = public_seed(request, pk)
    org = request.org
    confidential = access.confidential_text(user=request.user, obj=seed)
    if confidential:
        confidential_reads_record(
            user=request.user, objects=[seed], channel="page", path=request.path
        )
    is_company = org.kind == OrgKind.COMPANY
    return render(
        request,
        "matching/seed_page.html",
        {
            "seed": seed,
            "capacity_left": selectors.seed_capacity_left(seed=seed),
            "researchers": list(seed.researchers.all()),
            "patents": list(seed.patents.all()),
            "readiness": readiness_for(user=request.user, org_id=seed.organization_id),
            "similar": _similar(request, seed),
            "confidential": confidential or "",
            "own": seed.organization_id == org.pk,
            "can_express": is_company,
            "form": InterestForm(needs=list(_company_needs(request))) if is_company else None,
            "interests": list(selectors.interests_of(user=request.user, seed=seed)),
            "watching": WatchedSeed.objects.filter(user=request.user, seed=seed).exists(),
            "nav_active": "search",
        },
    )


@login_required
def seed_interest(request: HttpRequest, pk: int) -> HttpResponse:
    """関心を伝える: GET shows the form (linked from every search hit), POST creates the
    company-initiated proposal (and, when asked, the short need written on the spot)."""
    seed = public_seed(request, pk)
    org = require_org(request, OrgKind.COMPANY)
    needs = list(_company_needs(request))
    form = InterestForm(request.POST or None, needs=needs)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            with transaction.atomic():
                if d["need"] == NEW_NEED:
                    need = need_create(
                        org=org,
                        by=request.user,
                        data={
                            "title": d["new_title"].strip(),
                            "description": d["new_description"].strip(),
                            "is_anonymous": d["new_anonymous"],
                            "field": seed.field,
                        },
                    )
                    need = need_publish(need=need, by=request.user)
                else:
                    need = next((n for n in needs if str(n.pk) == d["need"]), None)
                    if need is None:
                        raise ValidationError({"need": [_("ニーズを選んでください。")]})
                proposal = proposal_services.proposal_request(
                    need=need, seed=seed, by=request.user, message=d["message"]
                )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            if proposal.status == ProposalStatus.PROPOSED:
                messages.success(
                    request,
                    _("関心を伝えました。コーディネーターが確認のうえ、大学に伝えます。"),
                )
            else:
                messages.success(request, _("関心を伝えました。大学の回答を待っています。"))
            return redirect("seed_page", pk=seed.pk)
    return render(
        request,
        "matching/seed_interest.html",
        {"seed": seed, "form": form, "nav_active": "search"},
    )
