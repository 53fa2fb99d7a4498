"""Who hears of what the matcher and its lifecycle do (`notifications.services.notify`).

Called by the services that make the event happen, inside their transactions, so a
notification commits (or rolls back) with its event. Every notification carries public words
only: titles of published seeds and needs, names of organisations the recipient may already
see. A need's company is never named before the introduction (an anonymous need stays
anonymous: the university is told "a company", with the need's public title).

| event | recipients | kind |
| --- | --- | --- |
| a coordinator approves a proposal | the seed's university (its seed), the need's company (a new proposal for its need) | proposal_approved |
| … approves a partnership | both organisations | proposal_approved |
| one side answers "interested" and the other has not yet | the other side | counterpart_interested |
| both interested: introduced | both sides | introduced |
| a match run fails | coordinators | match_run_failed |
| a venture enters an investor's deal flow (among the venture's best NOTIFICATIONS_DEAL_FLOW_TOP investors, positive semantic signal) | the investor | deal_flow |
| daily: proposals waiting for review | coordinators | review_queue |
| weekly: needs published in the fields of a university's seeds | the university | weekly_needs |
| a company's interest is shown (at once, or approved by a coordinator) | the university ("a company is interested"), the company | counterpart_interested, proposal_approved |
| an investor marks interest in a venture | the venture's university | investor_interested |
| the university answers an investor with interest | both | introduced |
| one party records an outcome | the other party | outcome_pending |
| the other party disputes it | coordinators | outcome_disputed |
| a new or changed seed matches a saved search above the floor | the search's owner | search_alert |
| a watched seed changes its public content | the watcher | watch_alert |

A notification is unique per recipient × kind × subject × event: an answer changed back and
forth, a re-approval, a refresh that ranks a venture again all notify once.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from matching.models import InvestorMatch, PartnershipProposal, Proposal
from matching.models.feedback import Side
from matching.models.results import ProposalStatus
from notifications.kinds import Kind
from notifications.services.notify import coordinators_notify, members_notify, notify
from profiles.choices import ACADEMIC_KINDS, ApprovalStatus, PublicationStatus
from profiles.models import InvestorProfile, Need, Organization, Seed, Venture

WEEKLY_ITEMS = 10


def _proposal_params(proposal: Proposal, side: str) -> dict:
    return {"side": side, "need": proposal.need.title, "seed": proposal.seed.title}


def _org_of_side(proposal: Proposal, side: str) -> int:
    return proposal.need.organization_id if side == Side.COMPANY else proposal.seed.organization_id


def proposal_approved_notify(*, proposal: Proposal) -> None:
    for side in (Side.ACADEMIC, Side.COMPANY):
        members_notify(
            org_ids=[_org_of_side(proposal, side)],
            kind=Kind.PROPOSAL_APPROVED,
            subject_type="proposal",
            subject_id=proposal.pk,
            url=reverse("proposal_detail", args=[proposal.pk]),
            params=_proposal_params(proposal, side),
        )


def _partnership_sides(partnership: PartnershipProposal):
    """(recipient org id, the partner's name params) for each side."""
    company = Organization.objects.get(pk=partnership.company_id)
    academic = Organization.objects.get(pk=partnership.academic_id)

    def names(org: Organization) -> dict:
        return {"partner": org.name, "partner_en": org.name_en}

    return {
        Side.COMPANY: (company.pk, names(academic)),
        Side.ACADEMIC: (academic.pk, names(company)),
    }


def partnership_approved_notify(*, partnership: PartnershipProposal) -> None:
    for org_id, partner in _partnership_sides(partnership).values():
        members_notify(
            org_ids=[org_id],
            kind=Kind.PROPOSAL_APPROVED,
            subject_type="partnership",
            subject_id=partnership.pk,
            url=reverse("partnership_detail", args=[partnership.pk]),
            params={"subject": "partnership", **partner},
        )


def _other(side: str) -> str:
    return Side.ACADEMIC if side == Side.COMPANY else Side.COMPANY


def interested_notify(*, obj, side: str) -> None:
    """`side` said it is interested and the other side has not answered yet: tell it."""
    other = _other(side)
    if isinstance(obj, Proposal):
        members_notify(
            org_ids=[_org_of_side(obj, other)],
            kind=Kind.COUNTERPART_INTERESTED,
            subject_type="proposal",
            subject_id=obj.pk,
            url=reverse("proposal_detail", args=[obj.pk]),
            params=_proposal_params(obj, other),
        )
        return
    sides = _partnership_sides(obj)
    org_id, _partner = sides[other]
    members_notify(
        org_ids=[org_id],
        kind=Kind.COUNTERPART_INTERESTED,
        subject_type="partnership",
        subject_id=obj.pk,
        url=reverse("partnership_detail", args=[obj.pk]),
        params={"subject": "partnership", **sides[side][1]},
    )


def introduced_notify(*, obj) -> None:
    """Both sides are interested: tell both (the company may now be named)."""
    if isinstance(obj, Proposal):
        for side in (Side.ACADEMIC, Side.COMPANY):
            members_notify(
                org_ids=[_org_of_side(obj, side)],
                kind=Kind.INTRODUCED,
                subject_type="proposal",
                subject_id=obj.pk,
                url=reverse("introduction", args=[obj.pk]),
                params=_proposal_params(obj, side),
            )
        return
    for org_id, partner in _partnership_sides(obj).values():
        members_notify(
            org_ids=[org_id],
            kind=Kind.INTRODUCED,
            subject_type="partnership",
            subject_id=obj.pk,
            url=reverse("partnership_detail", args=[obj.pk]),
            params={"subject": "partnership", **partner},
        )


def match_run_failed_notify(*, run_id: int) -> None:
    coordinators_notify(
        kind=Kind.MATCH_RUN_FAILED,
        subject_type="match_run",
        subject_id=run_id,
        url=reverse("console_quality"),
        params={"run": run_id},
    )


def deal_flow_notify(*, venture_id: int, matches: list[InvestorMatch]) -> None:
    """Tell each investor among the venture's best NOTIFICATIONS_DEAL_FLOW_TOP, with a positive
    semantic signal (more similar to the venture than to the platform on average: the centred
    similarity of matching/engine/investors.py), that the venture is in its deal flow. Investor
    matches have no calibrated relevance; this is the floor applied to them. Once per investor
    and venture."""
    top = settings.NOTIFICATIONS_DEAL_FLOW_TOP
    chosen = [m for m in matches if m.rank <= top and (m.signals or {}).get("semantic", 0) > 0]
    if not chosen:
        return
    venture = Venture.objects.filter(pk=venture_id).first()
    if venture is None:
        return
    org_ids = dict(
        InvestorProfile.objects.filter(pk__in=[m.investor_id for m in chosen]).values_list(
            "pk", "organization_id"
        )
    )
    for m in chosen:
        members_notify(
            org_ids=[org_ids[m.investor_id]],
            kind=Kind.DEAL_FLOW,
            subject_type="venture",
            subject_id=venture.pk,
            url=reverse("deal_flow"),
            params={"venture": venture.name},
        )


def review_queue_notify(*, now: datetime | None = None) -> dict:
    """Daily: how many proposals and partnerships wait for review (nothing when none)."""
    now = now or timezone.now()
    proposals = Proposal.objects.filter(status=ProposalStatus.PROPOSED).count()
    partnerships = PartnershipProposal.objects.filter(status=ProposalStatus.PROPOSED).count()
    if proposals or partnerships:
        coordinators_notify(
            kind=Kind.REVIEW_QUEUE,
            subject_type="review_queue",
            subject_id=0,
            event=timezone.localdate(now).isoformat(),
            url=reverse("console_queue"),
            params={"proposals": proposals, "partnerships": partnerships},
        )
    return {"proposals": proposals, "partnerships": partnerships}


def weekly_needs_notify(*, now: datetime | None = None) -> int:
    """Weekly: each approved university or institute hears of the needs published in the last
    7 days in the fields of its published seeds (a need's `field` equal to a seed's, ignoring
    case). Titles only: an anonymous need is listed by its public title, never its company.
    Returns how many organisations were told."""
    now = now or timezone.now()
    since = now - timedelta(days=7)
    week = timezone.localdate(now).isocalendar()
    needs = list(
        Need.objects.filter(
            status=PublicationStatus.PUBLISHED,
            organization__approval_status=ApprovalStatus.APPROVED,
            published_at__gte=since,
            published_at__lte=now,
        )
        .exclude(field="")
        .order_by("-published_at", "public_id")
        .values("title", "field")
    )
    if not needs:
        return 0
    fields_of: dict[int, set[str]] = {}
    for org_id, field in (
        Seed.objects.filter(
            status=PublicationStatus.PUBLISHED,
            organization__approval_status=ApprovalStatus.APPROVED,
            organization__kind__in=ACADEMIC_KINDS,
        )
        .exclude(field="")
        .values_list("organization_id", "field")
        .distinct()
    ):
        fields_of.setdefault(org_id, set()).add(field.strip().lower())
    told = 0
    for org_id, fields in sorted(fields_of.items()):
        matched = [n for n in needs if n["field"].strip().lower() in fields]
        if not matched:
            continue
        members_notify(
            org_ids=[org_id],
            kind=Kind.WEEKLY_NEEDS,
            subject_type="organization",
            subject_id=org_id,
            event=f"{week[0]}-W{week[1]:02d}",
            params={
                "count": len(matched),
                "items": [f"{n['title']} ({n['field']})" for n in matched[:WEEKLY_ITEMS]],
            },
        )
        told += 1
    return told


# --- Interest, investor introductions, outcomes, alerts (issue 14) ----------------------------


def request_shown_notify(*, proposal: Proposal) -> None:
    """A company's interest is shown to the university (at once, or once a coordinator
    approved it): the university hears that a company is interested (never which, before the
    introduction), the company that its interest was passed on."""
    members_notify(
        org_ids=[proposal.seed.organization_id],
        kind=Kind.COUNTERPART_INTERESTED,
        subject_type="proposal",
        subject_id=proposal.pk,
        url=reverse("proposal_detail", args=[proposal.pk]),
        params=_proposal_params(proposal, Side.ACADEMIC),
    )
    members_notify(
        org_ids=[proposal.need.organization_id],
        kind=Kind.PROPOSAL_APPROVED,
        subject_type="proposal",
        subject_id=proposal.pk,
        url=reverse("proposal_detail", args=[proposal.pk]),
        params=_proposal_params(proposal, Side.COMPANY),
    )


def investor_interested_notify(*, intro) -> None:
    """An investor marked interest in a venture: its university hears which investor."""
    members_notify(
        org_ids=[intro.venture.organization_id],
        kind=Kind.INVESTOR_INTERESTED,
        subject_type="investor_introduction",
        subject_id=intro.pk,
        url=reverse("venture_investors", args=[intro.venture_id]),
        params={
            "investor": intro.investor.organization.name,
            "investor_en": intro.investor.organization.name_en,
            "venture": intro.venture.name,
        },
    )


def investor_introduced_notify(*, intro) -> None:
    """The university answered an investor's interest with interest: both are introduced."""
    for org_id in (intro.investor.organization_id, intro.venture.organization_id):
        members_notify(
            org_ids=[org_id],
            kind=Kind.INTRODUCED,
            subject_type="investor_introduction",
            subject_id=intro.pk,
            url=reverse("investor_introduction", args=[intro.pk]),
            params={
                "subject": "investor",
                "investor": intro.investor.organization.name,
                "investor_en": intro.investor.organization.name_en,
                "venture": intro.venture.name,
            },
        )


def _outcome_subject(outcome) -> dict:
    """`subject_title` (and, for a partnership, `subject_title_en` with the English names)."""
    if outcome.proposal_id:
        return {"subject_title": f"{outcome.proposal.need.title} × {outcome.proposal.seed.title}"}
    if outcome.partnership_id:
        p = outcome.partnership
        return {
            "subject_title": f"{p.company.name} × {p.academic.name}",
            "subject_title_en": f"{p.company.name_en or p.company.name} × "
            f"{p.academic.name_en or p.academic.name}",
        }
    return {"subject_title": outcome.venture.name if outcome.venture_id else ""}


def outcome_pending_notify(*, outcome) -> None:
    """One party recorded an outcome: the other party is asked to confirm it."""
    other = outcome.academic_id if outcome.recorded_side == Side.COMPANY else outcome.company_id
    if other is None:
        return
    members_notify(
        org_ids=[other],
        kind=Kind.OUTCOME_PENDING,
        subject_type="outcome",
        subject_id=outcome.pk,
        url=reverse("outcome_list"),
        params=_outcome_subject(outcome),
    )


def outcome_disputed_notify(*, outcome) -> None:
    coordinators_notify(
        kind=Kind.OUTCOME_DISPUTED,
        subject_type="outcome",
        subject_id=outcome.pk,
        url=reverse("console_outcomes"),
        params={"outcome": outcome.pk},
    )


def search_alert_notify(*, saved_search, seed, version: str) -> None:
    """A new or changed seed matches a saved search above the relevance floor (once per
    version of the seed's public content)."""
    notify(
        recipients=[saved_search.user],
        kind=Kind.SEARCH_ALERT,
        subject_type="saved_search",
        subject_id=saved_search.pk,
        event=f"{seed.pk}:{version}",
        url=reverse("seed_page", args=[seed.pk]),
        params={"search": saved_search.name, "seed": seed.title},
    )


def watch_alert_notify(*, watch, seed, version: str) -> None:
    """A seed on someone's watchlist changed its public content."""
    notify(
        recipients=[watch.user],
        kind=Kind.WATCH_ALERT,
        subject_type="seed",
        subject_id=seed.pk,
        event=version,
        url=reverse("seed_page", args=[seed.pk]),
        params={"seed": seed.title},
    )


__all__ = [
    "deal_flow_notify",
    "investor_interested_notify",
    "investor_introduced_notify",
    "outcome_disputed_notify",
    "outcome_pending_notify",
    "request_shown_notify",
    "search_alert_notify",
    "watch_alert_notify",
    "interested_notify",
    "introduced_notify",
    "match_run_failed_notify",
    "partnership_approved_notify",
    "proposal_approved_notify",
    "review_queue_notify",
    "weekly_needs_notify",
]
