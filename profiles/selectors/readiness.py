"""Reads of readiness profiles: assessments (rules in `readiness_rules`), scores, lists and
comparisons.

Visibility (`profiles.access.readiness_filter`): readiness is public, the 見える化 the policy
asks for: everyone, signed in or not, sees the readiness of approved academic organisations; a
member also sees their own organisation's whatever its approval state. Comparisons are made
against the public set only, so a pending member learns nothing more than anyone.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from profiles.access import (
    is_approved_member,
    is_authenticated,
    is_member_of,
    org_of,
    readiness_filter,
    readiness_public_filter,
)
from profiles.choices import ACADEMIC_KINDS
from profiles.models import Organization, ReadinessProfile, ReadinessVersion
from profiles.selectors.catalog import organizations_visible_to, seeds_visible_to
from profiles.selectors.readiness_rules import PILLARS, Assessment, assess

# --- Pillars and their criteria -----------------------------------------------------------


# --- Querysets and lists -------------------------------------------------------------------


def _profiles() -> QuerySet[ReadinessProfile]:
    return ReadinessProfile.objects.select_related("organization").prefetch_related(
        "organization__track_records"
    )


def _assess_all(profiles: Iterable[ReadinessProfile]) -> list[Assessment]:
    return [assess(p, p.organization.track_records.all()) for p in profiles]


def readiness_scores(*, org_ids: Iterable[int]) -> dict[int, float]:
    """Overall readiness (0..1) per academic organisation; organisations without a profile are
    absent. Used by the matcher as a signal for organisation-level partnerships."""
    ids = list(org_ids)
    if not ids:
        return {}
    qs = _profiles().filter(organization_id__in=ids, organization__kind__in=ACADEMIC_KINDS)
    return {a.organization.id: a.score for a in _assess_all(qs)}


def academic_orgs_visible_to(*, user) -> QuerySet[Organization]:
    return organizations_visible_to(user=user).filter(kind__in=ACADEMIC_KINDS)


def readiness_orgs_visible_to(*, user) -> QuerySet[Organization]:
    """Academic organisations whose readiness `user` reads (anyone: the approved ones)."""
    return Organization.objects.filter(readiness_filter(user), kind__in=ACADEMIC_KINDS)


def readiness_visible_to(*, user) -> QuerySet[ReadinessProfile]:
    return _profiles().filter(organization__in=readiness_orgs_visible_to(user=user))


def readiness_public() -> QuerySet[ReadinessProfile]:
    """The readiness everyone sees: of approved academic organisations."""
    return _profiles().filter(
        organization__in=Organization.objects.filter(
            readiness_public_filter(), kind__in=ACADEMIC_KINDS
        )
    )


ORDERINGS: dict[str, tuple[Callable[[Assessment], object], bool]] = {
    "score": (lambda a: a.score, True),
    "indirect_rate": (lambda a: a.profile.indirect_cost_rate_percent, True),
    "average_income": (
        lambda a: a.latest.average_income_per_project_yen if a.latest else None,
        True,
    ),
    "large_share": (lambda a: a.latest.large_project_share if a.latest else None, True),
    "days_to_contract": (lambda a: a.profile.days_to_contract, False),
    "name": (lambda a: a.organization.name, False),
}
for _pillar in PILLARS:
    ORDERINGS[f"level_{_pillar.code}"] = (
        (lambda code: lambda a: a.level(code))(_pillar.code),
        True,
    )


def readiness_list(
    *,
    user,
    region: str | None = None,
    kind: str | None = None,
    min_score: float | None = None,
    ordering: str = "score",
) -> list[Assessment]:
    """Assessments of the academic organisations the user can see, filtered and sorted.

    `ordering` is a key of ORDERINGS; each has its natural direction (higher score first,
    fewer days to contract first); rows with no value for the key come last.
    """
    qs = readiness_visible_to(user=user)
    if region:
        qs = qs.filter(organization__region=region)
    if kind:
        qs = qs.filter(organization__kind=kind)
    rows = _assess_all(qs)
    if min_score is not None:
        rows = [a for a in rows if a.score >= min_score]
    key, descending = ORDERINGS.get(ordering, ORDERINGS["score"])
    with_value = [a for a in rows if key(a) is not None]
    without = [a for a in rows if key(a) is None]
    with_value.sort(key=lambda a: a.organization.name)
    with_value.sort(key=key, reverse=descending)
    without.sort(key=lambda a: a.organization.name)
    return with_value + without


def readiness_for(*, user, org_id: int) -> Assessment | None:
    """The assessment of one organisation, or None when missing or not visible to the user."""
    profile = readiness_visible_to(user=user).filter(organization_id=org_id).first()
    if profile is None:
        return None
    return assess(profile, profile.organization.track_records.all())


def own_readiness(*, user) -> ReadinessProfile | None:
    org = org_of(user)
    if org is None:
        return None
    return ReadinessProfile.objects.filter(organization=org).first()


def cross_appointment_researchers(*, user, org: Organization) -> int | None:
    """Researchers on the organisation's seeds visible to `user` who state they are available
    for a cross-appointment (クロスアポイントメント), each person counted once by name; None
    for whoever may not read the catalogue (visitors, members of a pending organisation other
    than this one): seeds are for approved members."""
    from profiles.models import Researcher

    if not is_authenticated(user) or not (is_approved_member(user) or is_member_of(user, org)):
        return None
    seeds = seeds_visible_to(user=user).filter(organization=org)
    return (
        Researcher.objects.filter(seed__in=seeds.values("pk"), cross_appointment_available=True)
        .values("name")
        .distinct()
        .count()
    )


def readiness_history(*, org: Organization) -> QuerySet[ReadinessVersion]:
    return ReadinessVersion.objects.filter(organization=org).select_related("edited_by")


# --- Comparison with the region and the country ---------------------------------------------


@dataclass(frozen=True)
class ComparisonRow:
    code: str
    label: str
    unit: str  # "score", "level", "yen", "percent", "days"
    value: float | None
    region_median: float | None
    national_median: float | None
    higher_is_better: bool = True


METRICS: tuple[tuple[str, object, str, Callable[[Assessment], object], bool], ...] = (
    ("score", _("総合レディネス"), "score", lambda a: a.score, True),
    *(
        (
            f"level_{p.code}",
            p.label,
            "level",
            (lambda code: lambda a: a.level(code))(p.code),
            True,
        )
        for p in PILLARS
    ),
    (
        "average_income",
        _("共同研究1件あたりの受入額"),
        "yen",
        lambda a: a.latest.average_income_per_project_yen if a.latest else None,
        True,
    ),
    (
        "large_share",
        _("1,000万円以上の共同研究の割合"),
        "percent",
        lambda a: (
            a.latest.large_project_share * 100
            if a.latest and a.latest.large_project_share is not None
            else None
        ),
        True,
    ),
    (
        "indirect_rate",
        _("間接経費率"),
        "percent",
        lambda a: a.profile.indirect_cost_rate_percent,
        True,
    ),
    (
        "days_to_contract",
        _("契約締結までの標準日数"),
        "days",
        lambda a: a.profile.days_to_contract,
        False,
    ),
)


def _median(values: Iterable[object]) -> float | None:
    vals = [float(v) for v in values if v is not None]
    return float(statistics.median(vals)) if vals else None


def readiness_comparison(*, user, assessment: Assessment) -> list[ComparisonRow]:
    """The organisation against the median of its region and of all academic organisations
    whose readiness is public (each median over the organisations that report the value); the
    same medians for every reader."""
    everyone = _assess_all(readiness_public())
    region = assessment.organization.region
    in_region = [a for a in everyone if region and a.organization.region == region]
    rows = []
    for code, label, unit, get, higher in METRICS:
        value = get(assessment)
        rows.append(
            ComparisonRow(
                code=code,
                label=str(label),
                unit=unit,
                value=float(value) if value is not None else None,
                region_median=_median(get(a) for a in in_region),
                national_median=_median(get(a) for a in everyone),
                higher_is_better=higher,
            )
        )
    return rows
