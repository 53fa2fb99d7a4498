"""Reads of organisations, seeds, needs, investor profiles and ventures, scoped to the caller.

Which rows and which fields a caller sees is decided in `profiles.access` (published rows of
approved organisations plus the caller's own; confidential fields for the owner and whoever a
registered grant opens them to). These selectors apply those rules and join what the pages
and the API display, so every list, detail, search and export starts here.
"""

from __future__ import annotations

from django.db.models import QuerySet

from profiles import access
from profiles.models import InvestorProfile, Membership, Need, Organization, Seed, Venture


def seeds_visible_to(*, user) -> QuerySet[Seed]:
    cond = access.public_or_own(user)
    if cond is None:
        return Seed.objects.none()
    qs = (
        Seed.objects.filter(cond)
        .select_related("organization")
        .prefetch_related("researchers", "patents")
    )
    return access.with_confidential(qs, user=user)


def needs_visible_to(*, user) -> QuerySet[Need]:
    cond = access.public_or_own(user)
    if cond is None:
        return Need.objects.none()
    qs = Need.objects.filter(cond).select_related("organization")
    return access.with_confidential(qs, user=user)


def ventures_visible_to(*, user) -> QuerySet[Venture]:
    cond = access.public_or_own(user)
    if cond is None:
        return Venture.objects.none()
    qs = Venture.objects.filter(cond).select_related("organization").prefetch_related("seeds")
    return access.with_confidential(qs, user=user)


def investors_visible_to(*, user) -> QuerySet[InvestorProfile]:
    cond = access.public_or_own(user)
    if cond is None:
        return InvestorProfile.objects.none()
    return InvestorProfile.objects.filter(cond).select_related("organization")


def organizations_visible_to(*, user) -> QuerySet[Organization]:
    """Approved organisations, the caller's own, and for coordinators every one (to approve)."""
    cond = access.organizations_filter(user)
    if cond is None:
        return Organization.objects.none()
    return Organization.objects.filter(cond)


def members_of(*, org: Organization) -> QuerySet[Membership]:
    return Membership.objects.filter(organization=org).select_related("user").order_by("id")


def own_seeds(*, user) -> QuerySet[Seed]:
    """The caller's organisation's seeds (every status), for editors and CSV import."""
    org = access.org_of(user)
    if org is None:
        return Seed.objects.none()
    return seeds_visible_to(user=user).filter(organization=org)


def own_needs(*, user) -> QuerySet[Need]:
    org = access.org_of(user)
    if org is None:
        return Need.objects.none()
    return needs_visible_to(user=user).filter(organization=org)


def own_ventures(*, user) -> QuerySet[Venture]:
    org = access.org_of(user)
    if org is None:
        return Venture.objects.none()
    return ventures_visible_to(user=user).filter(organization=org)
