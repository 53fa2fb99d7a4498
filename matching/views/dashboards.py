"""The landing page with the platform's public figures, and the dashboard of each kind of
member (IP office, company R&D, investor)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from matching import coverage, selectors
from matching.models import Outcome, Proposal
from matching.models.feedback import Decision, OutcomeStatus, Side
from matching.models.results import ProposalStatus
from profiles.access import company_visible_need_ids, is_coordinator, request_org
from profiles.choices import (
    ApprovalStatus,
    OrgKind,
    PublicationStatus,
)
from profiles.models import InvestorProfile, Need, Organization, Seed


def _platform_figures() -> dict[str, int]:
    # Public aggregate counts only (no row of any organisation is shown).
    approved = Organization.objects.filter(approval_status=ApprovalStatus.APPROVED)
    return {
        "universities": approved.filter(
            kind__in=[OrgKind.UNIVERSITY, OrgKind.RESEARCH_INSTITUTE]
        ).count(),
        "seeds": Seed.objects.filter(
            status=PublicationStatus.PUBLISHED, organization__in=approved
        ).count(),
        "needs": Need.objects.filter(
            status=PublicationStatus.PUBLISHED, organization__in=approved
        ).count(),
        "introductions": Proposal.objects.filter(introduced_at__isnull=False).count(),
        "agreements": Outcome.objects.filter(status=OutcomeStatus.CONFIRMED).count(),
    }


# The landing page's counts are shared by every visitor and change slowly: computed at most once
# a minute per cache (five COUNTs, the seeds' one a scan of every seed), not once per request.
LANDING_FIGURES_SECONDS = 60


def landing(request: HttpRequest) -> HttpResponse:
    figures = cache.get_or_set("landing:figures", _platform_figures, LANDING_FIGURES_SECONDS)
    return render(request, "pages/landing.html", {"figures": figures})


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    org = request_org(request)
    if org is None:
        if is_coordinator(request.user):
            return redirect("console_queue")
        return render(request, "pages/dashboard_no_org.html", status=403)
    if not org.is_approved:
        return render(request, "pages/dashboard_pending.html", {"org": org})
    if org.is_academic:
        context = _academic_dashboard(request.user, org)
        template = "pages/dashboard_academic.html"
    elif org.kind == OrgKind.COMPANY:
        context = _company_dashboard(request.user, org)
        template = "pages/dashboard_company.html"
    else:
        context = _investor_dashboard(request.user, org)
        template = "pages/dashboard_investor.html"
    return render(request, template, {"org": org, "nav_active": "dashboard", **context})


def _named_needs(user, *querysets) -> set[int]:
    """Needs of the listed proposals whose company the template may name."""
    needs = [p.need for qs in querysets for p in qs]
    return company_visible_need_ids(user=user, needs=needs)


def _academic_dashboard(user, org: Organization) -> dict:
    proposals = selectors.proposals_for(user=user).filter(seed__organization=org)
    new = proposals.filter(status=ProposalStatus.APPROVED).exclude(responses__side=Side.ACADEMIC)
    # Companies that said yes and wait for the university's answer.
    interest = proposals.filter(
        status=ProposalStatus.APPROVED,
        responses__side=Side.COMPANY,
        responses__decision=Decision.INTERESTED,
    ).distinct()
    introductions = proposals.filter(status=ProposalStatus.INTRODUCED)
    seeds = Seed.objects.filter(organization=org)
    attention = seeds.filter(
        Q(status=PublicationStatus.DRAFT)
        | Q(trl__isnull=True)
        | Q(keywords=[])
        | Q(capacity=0)
        | Q(field="")
    ).order_by("status", "-updated_at")
    shown = (new[:10], interest[:10], introductions[:10])
    return {
        "new_proposals": shown[0],
        "new_count": new.count(),
        "interest": shown[1],
        "interest_count": interest.count(),
        "introductions": shown[2],
        "introduction_count": introductions.count(),
        "named_needs": _named_needs(user, *shown),
        "attention": attention[:10],
        "attention_count": attention.count(),
        "unmet_count": coverage.unmet_needs(fields=coverage.office_fields(org) or None).count(),
        "seed_counts": {
            "published": seeds.filter(status=PublicationStatus.PUBLISHED).count(),
            "draft": seeds.filter(status=PublicationStatus.DRAFT).count(),
        },
    }


def _company_dashboard(user, org: Organization) -> dict:
    proposals = selectors.proposals_for(user=user).filter(need__organization=org)
    new = proposals.filter(status=ProposalStatus.APPROVED).exclude(responses__side=Side.COMPANY)
    introductions = proposals.filter(status=ProposalStatus.INTRODUCED)
    needs = Need.objects.filter(organization=org)
    partnerships = selectors.partnerships_for(user=user).filter(company=org)
    shown = (new[:10], introductions[:10])
    listed = list(needs[:10])
    return {
        "new_proposals": shown[0],
        "new_count": new.count(),
        "introductions": shown[1],
        "introduction_count": introductions.count(),
        "named_needs": _named_needs(user, *shown),
        "needs": listed,
        # Published needs with no proposal worth reading yet ("no good match yet").
        "uncovered": coverage.uncovered_need_ids(
            needs=[n for n in listed if n.status == PublicationStatus.PUBLISHED]
        ),
        "need_counts": {
            "published": needs.filter(status=PublicationStatus.PUBLISHED).count(),
            "draft": needs.filter(status=PublicationStatus.DRAFT).count(),
        },
        "partnerships": partnerships[:5],
    }


def _investor_dashboard(user, org: Organization) -> dict:
    profile = InvestorProfile.objects.filter(organization=org).first()
    matches = selectors.investor_deal_flow(user=user)
    return {
        "profile": profile,
        "matches": matches[:10],
        "match_count": matches.count(),
    }
