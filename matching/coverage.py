"""Needs without a good match, as each reader sees them.

A need is *covered* when it has a proposal worth reading: one the matcher made (status
`proposed`, above the relevance floor) or one a coordinator let through (approved, introduced,
closed). Otherwise it has "no good match yet", and:

- its company sees that state on the need's page with the closest seeds as *weak matches* it
  can still ask about (a request waits for a coordinator like any proposal);
- coordinators see every uncovered need, grouped by field and by the company's region, with
  why (no seed reaches the floor, or the seeds that do are at capacity);
- an IP office sees the published needs in its fields that *no seed on the platform serves
  well* (best relevance below the floor): where to look for seeds in its own faculties. An
  anonymous need keeps its company hidden there (`profiles.access`).

Reads only, scoped to the caller; the floor is MATCHING_RELEVANCE_FLOOR
(`MatchScore.objects.worth_reading`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Exists, Max, OuterRef, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from matching.models import MatchScore, Proposal
from matching.models.results import ProposalStatus
from profiles import access
from profiles.choices import ApprovalStatus, PublicationStatus
from profiles.models import Need, Organization, Seed
from profiles.selectors.catalog import seeds_visible_to

# Proposals that make a need covered: the matcher's own (not a company's request) and every
# proposal a coordinator let through.
COVERING = Q(
    status__in=[ProposalStatus.APPROVED, ProposalStatus.INTRODUCED, ProposalStatus.CLOSED]
) | Q(status=ProposalStatus.PROPOSED, requested_at__isnull=True)
WEAK_MATCHES = 3


def _published_needs() -> QuerySet[Need]:
    return Need.objects.filter(
        status=PublicationStatus.PUBLISHED,
        organization__approval_status=ApprovalStatus.APPROVED,
    )


def _with_coverage(needs: QuerySet[Need]) -> QuerySet[Need]:
    """Annotate `covered`, `scored`, `best_relevance` and `serving` (a pair reaches the floor)."""
    return needs.annotate(
        covered=Exists(Proposal.objects.filter(COVERING, need=OuterRef("pk"))),
        scored=Exists(MatchScore.objects.filter(need=OuterRef("pk"))),
        serving=Exists(
            MatchScore.objects.worth_reading().filter(need=OuterRef("pk"), relevance__isnull=False)
        ),
        best_relevance=Max("match_scores__relevance"),
    )


def uncovered_needs() -> QuerySet[Need]:
    """Published needs of approved companies that were matched and have no covering proposal
    (for coordinators: every company is named)."""
    return (
        _with_coverage(_published_needs())
        .filter(covered=False, scored=True)
        .select_related("organization")
        .order_by("field", "organization__region", "-published_at", "id")
    )


@dataclass
class CoverageTable:
    """Uncovered needs counted by field × company region (coordinator view)."""

    fields: list[str]
    regions: list[str]
    counts: dict[tuple[str, str], int] = field(default_factory=dict)
    by_field: dict[str, int] = field(default_factory=dict)
    by_region: dict[str, int] = field(default_factory=dict)
    total: int = 0

    def rows(self) -> list[dict]:
        return [
            {
                "field": f,
                "cells": [self.counts.get((f, r), 0) for r in self.regions],
                "total": self.by_field[f],
            }
            for f in self.fields
        ]


def coverage_table(needs: QuerySet[Need]) -> CoverageTable:
    pairs = list(needs.values_list("field", "organization__region"))
    counts = Counter((f or "", r or "") for f, r in pairs)
    by_field = Counter(f for f, _r in counts.elements())
    by_region = Counter(r for _f, r in counts.elements())
    return CoverageTable(
        fields=sorted(by_field),
        regions=sorted(by_region),
        counts=dict(counts),
        by_field=dict(by_field),
        by_region=dict(by_region),
        total=len(pairs),
    )


# --- The need's own company -------------------------------------------------------------------


@dataclass
class NeedMatches:
    """What the need's company sees about its matching."""

    state: str  # "covered", "no_match" (nothing reaches the floor), "busy" (at capacity), "waiting"
    shown: list[Proposal]  # proposals a coordinator let through (approved, introduced, closed)
    pending: int  # the matcher's proposals waiting for a coordinator
    weak: list[dict]  # the closest seeds (no_match / busy): seed, score, relevance, requested
    requests: list[Proposal]  # the company's own requests
    best_relevance: float | None = None


def need_matches(*, user, need: Need) -> NeedMatches:
    """The match state of one of the caller's own needs (or any need, for a coordinator)."""
    if not (access.is_coordinator(user) or access.is_member_of(user, need.organization)):
        raise PermissionError("only the need's company and coordinators see its matching")
    proposals = list(
        Proposal.objects.filter(need=need)
        .select_related("seed__organization")
        .order_by("-score", "id")
    )
    shown = [
        p
        for p in proposals
        if p.status in (ProposalStatus.APPROVED, ProposalStatus.INTRODUCED, ProposalStatus.CLOSED)
    ]
    pending = sum(
        1 for p in proposals if p.status == ProposalStatus.PROPOSED and p.requested_at is None
    )
    requests = [p for p in proposals if p.requested_at is not None]
    scores = MatchScore.objects.filter(need=need)
    best = scores.aggregate(best=Max("relevance"))["best"]
    if shown or pending:
        state = "covered"
    elif not scores.exists():
        state = "waiting"  # not matched yet (draft, just published, or no seed at all)
    elif scores.worth_reading().filter(relevance__isnull=False).exists() or best is None:
        state = "busy"  # good seeds exist but none could be proposed (capacity, reviews)
    else:
        state = "no_match"
    weak = []
    if state in ("no_match", "busy"):
        requested = {p.seed_id: p for p in requests}
        decided = {p.seed_id for p in proposals if p.requested_at is None}
        visible = seeds_visible_to(user=user).filter(status=PublicationStatus.PUBLISHED)
        for ms in (
            scores.exclude(seed_id__in=decided)
            .filter(seed__in=visible.values("pk"))
            .select_related("seed__organization")
            .order_by("rank")[:WEAK_MATCHES]
        ):
            weak.append(
                {
                    "seed": ms.seed,
                    "score": ms.score,
                    "relevance": ms.relevance,
                    "signals": ms.signals,
                    "defaults": ms.defaults,
                    "request": requested.get(ms.seed_id),
                }
            )
    return NeedMatches(
        state=state,
        shown=shown,
        pending=pending,
        weak=weak,
        requests=requests,
        best_relevance=best,
    )


def uncovered_need_ids(*, needs) -> set[int]:
    """Of these needs (the caller's own), those with no covering proposal yet."""
    ids = [n.pk for n in needs]
    covered = set(
        Proposal.objects.filter(COVERING, need_id__in=ids).values_list("need_id", flat=True)
    )
    scored = set(MatchScore.objects.filter(need_id__in=ids).values_list("need_id", flat=True))
    return {i for i in ids if i in scored and i not in covered}


# --- Unmet needs for university IP offices ----------------------------------------------------


def office_fields(org: Organization) -> list[str]:
    """The research fields of an IP office: those of its published seeds."""
    return sorted(
        set(
            Seed.objects.filter(organization=org, status=PublicationStatus.PUBLISHED)
            .exclude(field="")
            .values_list("field", flat=True)
        )
    )


def unmet_needs(*, fields: list[str] | None = None) -> QuerySet[Need]:
    """Published needs of approved companies, matched with a calibration, that no seed on the
    platform serves well (no pair reaches the floor), in `fields` (case-insensitive; every
    field when None). The caller decides how to name companies: `unmet_need_rows`."""
    # Ties are ordered by the opaque public id, never by id or time to the second: either
    # would place an anonymous need next to its company's other needs (profiles.access).
    needs = (
        _with_coverage(_published_needs())
        .filter(scored=True, serving=False, best_relevance__isnull=False)
        .select_related("organization")
        .order_by("best_relevance", TruncDate("published_at").desc(), "public_id")
    )
    if fields is not None:
        cond = Q(pk__in=[])
        for name in fields:
            cond |= Q(field__iexact=name)
        needs = needs.filter(cond)
    return needs


def unmet_need_rows(*, user, needs) -> list[dict]:
    """Rows for the unmet-needs page: the need's public fields under its opaque `public_id`,
    and its company (name and region) only where `profiles.access` lets the caller know it; an
    anonymous need's row carries nothing of its company (no name, key, id, region or
    organisation object) and its publication day only."""
    needs = list(needs)
    named = access.company_visible_need_ids(user=user, needs=needs)
    rows = []
    for need in needs:
        company = None
        if need.pk in named:
            company = {
                "name": need.organization.name,
                "name_en": need.organization.name_en,
                "region": need.organization.get_region_display()
                if need.organization.region
                else "",
            }
        published = need.published_at
        rows.append(
            {
                "ref": str(need.public_id),
                "title": need.title,
                "description": need.description,
                "field": need.field,
                "keywords": list(need.keywords or []),
                "published_on": timezone.localdate(published) if published else None,
                "anonymous": company is None,
                "company": company,
                "best_relevance": need.best_relevance,
            }
        )
    return rows
