"""Needs without a good match: the need's page for its company ("no good match yet", weak
matches it can ask about), the coordinator's uncovered needs by field and region, and the
unmet needs a university IP office can look for seeds for."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _

from config.ids import posted_pk
from matching import coverage
from matching.services import proposals as proposal_services
from profiles import access
from profiles.access import require_coordinator, require_org
from profiles.choices import OrgKind, Region
from profiles.models import Need, Seed


@login_required
def need_matches(request: HttpRequest, pk: int) -> HttpResponse:
    """One need's matching, for its company (and coordinators): proposals, or "no good match
    yet" with the closest seeds as weak matches the company may ask about."""
    if access.is_coordinator(request.user):
        need = get_object_or_404(Need.objects.select_related("organization"), pk=pk)
    else:
        org = require_org(request, OrgKind.COMPANY)
        need = get_object_or_404(Need.objects.filter(organization=org), pk=pk)
    if request.method == "POST":
        if not access.is_member_of(request.user, need.organization):
            raise PermissionDenied
        seed = Seed.objects.filter(pk=posted_pk(request.POST.get("seed"))).first()
        try:
            if seed is None:
                raise ValidationError({"seed": [_("研究シーズを選んでください。")]})
            proposal_services.proposal_request(need=need, seed=seed, by=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("問い合わせを送りました。コーディネーターが確認のうえ、両者に提示します。"),
            )
        return redirect("need_matches", pk=need.pk)
    matches = coverage.need_matches(user=request.user, need=need)
    return render(
        request,
        "matching/need_matches.html",
        {
            "need": need,
            "m": matches,
            "can_ask": access.is_member_of(request.user, need.organization),
            "nav_active": "needs",
        },
    )


@login_required
def unmet_needs(request: HttpRequest) -> HttpResponse:
    """Published needs no seed on the platform serves well, in the office's fields."""
    org = require_org(request, OrgKind.UNIVERSITY, OrgKind.RESEARCH_INSTITUTE)
    own_fields = coverage.office_fields(org)
    scope = request.GET.get("field", "")
    if scope == "" and own_fields:
        fields = own_fields  # the office's own fields by default
        scope = "mine"
    elif scope == "mine":
        fields = own_fields
    elif scope in ("", "all"):
        fields, scope = None, "all"
    else:
        fields = [scope[:100]]
    needs = coverage.unmet_needs(fields=fields)
    page = Paginator(needs, 20).get_page(request.GET.get("page"))
    all_fields = sorted(
        {f for f in coverage.unmet_needs().values_list("field", flat=True) if f}, key=str.lower
    )
    return render(
        request,
        "matching/unmet_needs.html",
        {
            "page": page,
            "rows": coverage.unmet_need_rows(user=request.user, needs=page.object_list),
            "own_fields": own_fields,
            "all_fields": all_fields,
            "scope": scope,
            "query": urlencode({"field": scope}),
            "nav_active": "unmet_needs",
        },
    )


@login_required
def console_uncovered(request: HttpRequest) -> HttpResponse:
    """Coordinators: every matched need without a covering proposal, by field and region."""
    require_coordinator(request)
    needs = coverage.uncovered_needs()
    table = coverage.coverage_table(needs)
    field = request.GET.get("field")
    region = request.GET.get("region")
    listed = needs
    if field is not None:
        listed = listed.filter(field=field[:100])
    if region is not None:
        listed = listed.filter(organization__region=region[:32])
    page = Paginator(listed, 20).get_page(request.GET.get("page"))
    params = {k: v for k, v in (("field", field), ("region", region)) if v is not None}
    regions = dict(Region.choices)
    return render(
        request,
        "console/uncovered.html",
        {
            "table": table,
            "region_labels": [(r, regions.get(r, r) if r else "") for r in table.regions],
            "page": page,
            "field": field,
            "region": region,
            "query": urlencode(params),
            "nav_active": "console_uncovered",
        },
    )
