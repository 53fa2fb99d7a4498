"""Reads of the matcher's results, already scoped to the caller.

Who sees what:
- A proposal (seed × need) is shown to the need's company and the seed's university once a
  coordinator approved it (status approved, introduced or closed); coordinators (`is_staff`)
  see every proposal, including those still waiting for review.
- A partnership (company × university) likewise, to the two organisations once approved.
- An investor sees the ventures ranked for its own profile (its deal flow).
- Contacts and confidential details of the need and the seed are shown to the two parties of
  an introduced proposal only (`introduction_for`); for anyone else the proposal does not exist.
- An investor's interest in a venture is seen by the investor and the venture's university
  (`investor_introductions_for`); the introduction (contacts) by those two once introduced
  (`investor_introduction_contacts`); everyone else gets a 404.
- Outcomes are seen by their two parties (`outcomes_for`), coordinators see all.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from matching.models import (
    InvestorIntroduction,
    InvestorMatch,
    MatchScore,
    Outcome,
    PartnershipProposal,
    PartnershipResponse,
    Proposal,
    ProposalResponse,
)
from matching.models.feedback import Side
from matching.models.results import ProposalStatus
from profiles import access
from profiles.access import org_of
from profiles.choices import ApprovalStatus, MemberRole, OrgKind, PublicationStatus
from profiles.models import Need, Organization, Seed

# A proposal the parties can see: approved by a coordinator, and what follows from that.
SHOWN_STATUSES = (ProposalStatus.APPROVED, ProposalStatus.INTRODUCED, ProposalStatus.CLOSED)


def side_of(*, org: Organization | None, company_id: int, academic_id: int) -> str | None:
    """Which side `org` is on for a pair (company, academic), or None if it is neither."""
    if org is None:
        return None
    if org.pk == company_id:
        return Side.COMPANY
    if org.pk == academic_id:
        return Side.ACADEMIC
    return None


def proposal_side(*, user, proposal: Proposal) -> str | None:
    return side_of(
        org=org_of(user),
        company_id=proposal.need.organization_id,
        academic_id=proposal.seed.organization_id,
    )


def partnership_side(*, user, partnership: PartnershipProposal) -> str | None:
    return side_of(
        org=org_of(user),
        company_id=partnership.company_id,
        academic_id=partnership.academic_id,
    )


def responses_by_side(obj) -> dict[str, object]:
    """The answers of a proposal or partnership (prefetched `responses`) by side."""
    return {r.side: r for r in obj.responses.all()}


def proposals_for(*, user) -> QuerySet[Proposal]:
    """Proposals of the caller's organisation (of its needs or of its seeds) once approved."""
    base = Proposal.objects.select_related(
        "need__organization", "seed__organization"
    ).prefetch_related(Prefetch("responses", queryset=ProposalResponse.objects.order_by("side")))
    if access.is_coordinator(user):
        return base.all()
    parties = access.party_filter(user, "need__organization", "seed__organization")
    if parties is None:
        return base.none()
    return base.filter(status__in=SHOWN_STATUSES).filter(parties)


def partnerships_for(*, user) -> QuerySet[PartnershipProposal]:
    """Organisation-to-organisation partnership proposals of the caller's organisation."""
    base = PartnershipProposal.objects.select_related("company", "academic").prefetch_related(
        Prefetch("responses", queryset=PartnershipResponse.objects.order_by("side"))
    )
    if access.is_coordinator(user):
        return base.all()
    parties = access.party_filter(user, "company", "academic")
    if parties is None:
        return base.none()
    return base.filter(status__in=SHOWN_STATUSES).filter(parties)


def partnership_links(*, user, partnership: PartnershipProposal, limit: int = 10) -> list[dict]:
    """The seed–need links behind a partnership worth reading (relevance at or above the
    floor): public titles and the matcher's scores.

    A need the company published anonymously is left out for anyone but the company itself
    and coordinators: naming it next to the company would reveal who is behind it.
    """
    scores = (
        MatchScore.objects.worth_reading()
        .filter(
            need__organization_id=partnership.company_id,
            seed__organization_id=partnership.academic_id,
            need__status=PublicationStatus.PUBLISHED,
            seed__status=PublicationStatus.PUBLISHED,
        )
        .select_related("need", "seed")
        .order_by("-score", "id")
    )
    scores = scores.filter(access.anonymous_needs_hidden_from(user, prefix="need__"))
    return [
        {
            "need": {"id": s.need_id, "key": s.need.key, "title": s.need.title},
            "seed": {"id": s.seed_id, "key": s.seed.key, "title": s.seed.title},
            "score": s.score,
            "relevance": s.relevance,
            "signals": s.signals,
        }
        for s in scores[:limit]
    ]


def partnership_evidence_for(*, user, partnership: PartnershipProposal) -> list[dict]:
    """The matcher's stored evidence of a partnership, without links to anonymous needs for
    anyone but the company and coordinators (the partnership names the company)."""
    evidence = [e for e in (partnership.evidence or []) if isinstance(e, dict)]
    need_ids = {e.get("need_id") for e in evidence if isinstance(e.get("need_id"), int)}
    shown = set(
        Need.objects.filter(pk__in=need_ids)
        .filter(access.anonymous_needs_hidden_from(user))
        .values_list("pk", flat=True)
    )
    return [e for e in evidence if e.get("need_id") in shown]


def investor_deal_flow(*, user) -> QuerySet[InvestorMatch]:
    """Ventures ranked for the caller's investor profile, best first, with the signals."""
    base = InvestorMatch.objects.select_related(
        "venture__organization", "investor__organization"
    ).filter(
        venture__status=PublicationStatus.PUBLISHED,
        venture__organization__approval_status=ApprovalStatus.APPROVED,
    )
    if not access.is_authenticated(user):
        return base.none()
    if access.is_coordinator(user):
        return base.order_by("investor_id", "-score", "id")
    org = org_of(user)
    if org is None or org.kind != OrgKind.INVESTOR:
        return base.none()
    return base.filter(investor__organization=org).order_by("-score", "id")


def _contact(org: Organization) -> dict:
    managers = [
        {
            "name": m.user.get_full_name() or m.user.get_username(),
            "email": m.user.email,
        }
        for m in org.memberships.select_related("user")
        .filter(role=MemberRole.MANAGER, user__is_active=True)
        .order_by("id")
    ]
    return {
        "organization_id": org.pk,
        "name": org.name,
        "name_en": org.name_en,
        "website": org.website,
        "email": org.contact_email,
        "managers": managers,
    }


def introduction_for(*, user, proposal: Proposal) -> dict:
    """Contacts of both organisations and the confidential details of the need and the seed.

    Only for the two parties of an introduced proposal; everybody else (coordinators included,
    who have the Django admin) gets a 404, so the API does not confirm the proposal exists.
    """
    if proposal.introduced_at is None or proposal_side(user=user, proposal=proposal) is None:
        raise Http404
    need, seed = proposal.need, proposal.seed
    return {
        "proposal_id": proposal.pk,
        "introduced_at": proposal.introduced_at,
        "company": _contact(need.organization),
        "academic": _contact(seed.organization),
        "need": {
            "id": need.pk,
            "title": need.title,
            "confidential_details": access.confidential_text(user=user, obj=need) or "",
        },
        "seed": {
            "id": seed.pk,
            "title": seed.title,
            "confidential_details": access.confidential_text(user=user, obj=seed) or "",
            "researchers": [
                {
                    "name": r.name,
                    "department": r.department,
                    "researchmap_id": r.researchmap_id,
                    "jglobal_id": r.jglobal_id,
                    "cross_appointment_available": r.cross_appointment_available,
                }
                for r in seed.researchers.all()
            ],
        },
    }


def introduction_reads(intro: dict, *, proposal: Proposal) -> list:
    """The rows whose confidential text an introduction shows (for the access log)."""
    shown = []
    if intro["need"]["confidential_details"]:
        shown.append(proposal.need)
    if intro["seed"]["confidential_details"]:
        shown.append(proposal.seed)
    return shown


def partnership_contacts_for(*, user, partnership: PartnershipProposal) -> dict | None:
    """Contacts of both organisations once a partnership is introduced (parties only)."""
    if partnership.introduced_at is None:
        return None
    if partnership_side(user=user, partnership=partnership) is None:
        return None
    return {
        "company": _contact(partnership.company),
        "academic": _contact(partnership.academic),
    }


def admin_review_queue() -> QuerySet[Proposal]:
    """Proposals waiting for a coordinator, best score first."""
    return (
        Proposal.objects.filter(status=ProposalStatus.PROPOSED)
        .select_related("need__organization", "seed__organization")
        .order_by("-score", "id")
    )


def partnership_review_queue() -> QuerySet[PartnershipProposal]:
    return (
        PartnershipProposal.objects.filter(status=ProposalStatus.PROPOSED)
        .select_related("company", "academic")
        .order_by("-score", "id")
    )


# --- Seed pages, investor introductions, outcomes (issue 14) -----------------------------------

# Proposals that hold a seed's capacity (the same statuses as matching.services.corpus.COMMITTED).
CAPACITY_STATUSES = (ProposalStatus.APPROVED, ProposalStatus.INTRODUCED)


def seed_capacity_left(*, seed: Seed) -> int:
    """New partners the seed can still take: its capacity less the proposals that hold it."""
    used = Proposal.objects.filter(seed=seed, status__in=CAPACITY_STATUSES).count()
    return max(0, seed.capacity - used)


def interests_of(*, user, seed: Seed) -> QuerySet[Proposal]:
    """The caller's company's proposals with this seed (its interest, the matcher's proposals
    shown to it), for the seed page."""
    org = org_of(user)
    if org is None or org.kind != OrgKind.COMPANY:
        return Proposal.objects.none()
    return (
        Proposal.objects.filter(seed=seed, need__organization=org)
        .exclude(status=ProposalStatus.PROPOSED, requested_at__isnull=True)
        .select_related("need")
        .order_by("-created_at")
    )


def investor_introductions_for(*, user) -> QuerySet[InvestorIntroduction]:
    """The investor's interests (investor), the interests in the university's ventures
    (university or institute); every one for coordinators."""
    base = InvestorIntroduction.objects.select_related(
        "venture__organization", "investor__organization"
    )
    if access.is_coordinator(user):
        return base.all()
    parties = access.party_filter(user, "investor__organization", "venture__organization")
    return base.none() if parties is None else base.filter(parties)


def investor_introduction_contacts(*, user, intro: InvestorIntroduction) -> dict:
    """Contacts of the investor and the venture's university and the venture's confidential
    details: for the two parties of an introduced pair only (404 for anyone else)."""
    org = access.party_org(
        user, org_ids=[intro.investor.organization_id, intro.venture.organization_id]
    )
    if intro.introduced_at is None or org is None:
        raise Http404
    return {
        "investor": _contact(intro.investor.organization),
        "academic": _contact(intro.venture.organization),
        "venture_confidential": access.confidential_text(user=user, obj=intro.venture) or "",
    }


def outcomes_for(*, user) -> QuerySet[Outcome]:
    """Outcomes of the caller's organisation (either party); every one for coordinators."""
    base = Outcome.objects.select_related(
        "proposal__need", "proposal__seed", "partnership", "venture", "academic", "company"
    ).order_by("-recorded_at", "-id")
    if access.is_coordinator(user):
        return base.all()
    parties = access.party_filter(user, "company", "academic")
    return base.none() if parties is None else base.filter(parties)


def outcome_side(*, user, outcome: Outcome) -> str | None:
    return side_of(
        org=org_of(user), company_id=outcome.company_id or 0, academic_id=outcome.academic_id or 0
    )
