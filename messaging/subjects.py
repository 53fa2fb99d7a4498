"""What a thread can be about, and how each kind of subject opens one: a registry with one
entry per kind (NetBox-style), so a new kind of introduction adds an entry here and a column
on `Thread`, and nothing else changes.

Each entry loads the subject by id, only once it is introduced (both parties interested), and
gives its two organisations, its title (public words: the need's and the seed's titles, the
organisations' names, which the introduction already shows) and the page of the subject.

The `"investor"` entry is the investor introduction (`matching.models.InvestorIntroduction`):
its parties are the investor organisation (stored as the thread's `company`) and the venture's
university; the investor hears of "the venture replies" through the `message` notification.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from matching.models import InvestorIntroduction, PartnershipProposal, Proposal


@dataclass(frozen=True)
class Subject:
    kind: str
    field: str  # the column of Thread that points to it
    load: Callable[[int], object | None]  # the introduced subject, or None
    parties: Callable[[object], tuple[int, int]]  # (company-side org id, academic org id)
    title: Callable[[object], str]
    # The title with the organisations' English names (for English readers; "" = as `title`).
    title_en: Callable[[object], str]
    url: Callable[[object], str]


def _en(org) -> str:
    return org.name_en or org.name


def _proposal(pk: int) -> Proposal | None:
    return (
        Proposal.objects.select_related("need", "seed")
        .filter(pk=pk, introduced_at__isnull=False)
        .first()
    )


def _partnership(pk: int) -> PartnershipProposal | None:
    return (
        PartnershipProposal.objects.select_related("company", "academic")
        .filter(pk=pk, introduced_at__isnull=False)
        .first()
    )


def _investor(pk: int) -> InvestorIntroduction | None:
    return (
        InvestorIntroduction.objects.select_related("venture", "investor__organization")
        .filter(pk=pk, introduced_at__isnull=False)
        .first()
    )


SUBJECTS: dict[str, Subject] = {
    "proposal": Subject(
        kind="proposal",
        field="proposal",
        load=_proposal,
        parties=lambda p: (p.need.organization_id, p.seed.organization_id),
        title=lambda p: f"{p.need.title} × {p.seed.title}",
        title_en=lambda p: "",  # what the two parties wrote, in their own words
        url=lambda p: reverse("introduction", args=[p.pk]),
    ),
    "partnership": Subject(
        kind="partnership",
        field="partnership",
        load=_partnership,
        parties=lambda pp: (pp.company_id, pp.academic_id),
        title=lambda pp: f"{pp.company.name} × {pp.academic.name}",
        title_en=lambda pp: f"{_en(pp.company)} × {_en(pp.academic)}",
        url=lambda pp: reverse("partnership_detail", args=[pp.pk]),
    ),
    "investor": Subject(
        kind="investor",
        field="investor_introduction",
        load=_investor,
        parties=lambda ii: (ii.investor.organization_id, ii.venture.organization_id),
        title=lambda ii: f"{ii.investor.organization.name} × {ii.venture.name}",
        title_en=lambda ii: f"{_en(ii.investor.organization)} × {ii.venture.name}",
        url=lambda ii: reverse("investor_introduction", args=[ii.pk]),
    ),
}


def subject_of(thread) -> tuple[Subject, int]:
    """The registry entry of a thread's subject and the subject's id."""
    for subject in SUBJECTS.values():
        pk = getattr(thread, f"{subject.field}_id")
        if pk is not None:
            return subject, pk
    raise ValueError(f"thread {thread.pk} has no subject")
