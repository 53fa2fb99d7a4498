"""Reads of organisations, seeds, needs, investor profiles and ventures, scoped to the caller.

Visibility (the one rule every list, detail, search and export goes through):
- a signed-in member sees the published rows of approved organisations, plus every row of
  their own organisation whatever its status;
- confidential fields are visible to the owning organisation only, and to the other party of
  an introduced proposal (seed ↔ need). The querysets carry that decision per row as the
  annotations `confidential_ok` (bool) and `visible_confidential_details` (the text, or "" for
  everyone else), and defer the raw `confidential_details` column, so a serializer or export
  that uses the annotation cannot leak another organisation's text;
- anonymous users see nothing.
"""

from __future__ import annotations

from django.db.models import Case, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.db.models import TextField as TextOutput

from profiles.choices import ApprovalStatus, PublicationStatus
from profiles.models import InvestorProfile, Membership, Need, Organization, Seed, Venture


def org_of(user) -> Organization | None:
    """The organisation the user belongs to, or None (anonymous, coordinators without one)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.membership.organization
    except (Membership.DoesNotExist, AttributeError):
        return None


def is_manager(user) -> bool:
    try:
        return bool(user.is_authenticated and user.membership.is_manager)
    except (Membership.DoesNotExist, AttributeError):
        return False


def _public_or_own(user) -> Q | None:
    """The row filter for `user`, or None when the user may see nothing."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    public = Q(status=PublicationStatus.PUBLISHED) & Q(
        organization__approval_status=ApprovalStatus.APPROVED
    )
    org = org_of(user)
    if org is None:
        return public
    return public | Q(organization=org)


def _introduced_exists(*, kind: str, org: Organization) -> Exists | Value:
    """Whether a row has an introduced proposal whose other party is `org`."""
    try:
        from matching.models import Proposal
    except ImportError:  # the matching app is always installed; kept for isolated use
        return Value(False)
    introduced = Proposal.objects.filter(introduced_at__isnull=False)
    if kind == "seed":
        return Exists(introduced.filter(seed=OuterRef("pk"), need__organization=org))
    return Exists(introduced.filter(need=OuterRef("pk"), seed__organization=org))


def _with_confidential(qs: QuerySet, *, user, kind: str | None) -> QuerySet:
    org = org_of(user)
    if org is None:
        allowed = Q(pk__in=[])
    else:
        allowed = Q(organization=org)
        if kind in {"seed", "need"}:
            qs = qs.annotate(_introduced=_introduced_exists(kind=kind, org=org))
            allowed |= Q(_introduced=True)
    return qs.annotate(
        confidential_ok=Case(When(allowed, then=Value(True)), default=Value(False)),
        visible_confidential_details=Case(
            When(allowed, then=F("confidential_details")),
            default=Value(""),
            output_field=TextOutput(),
        ),
    ).defer("confidential_details")


def seeds_visible_to(*, user) -> QuerySet[Seed]:
    cond = _public_or_own(user)
    if cond is None:
        return Seed.objects.none()
    qs = (
        Seed.objects.filter(cond)
        .select_related("organization")
        .prefetch_related("researchers", "patents")
    )
    return _with_confidential(qs, user=user, kind="seed")


def needs_visible_to(*, user) -> QuerySet[Need]:
    cond = _public_or_own(user)
    if cond is None:
        return Need.objects.none()
    qs = Need.objects.filter(cond).select_related("organization")
    return _with_confidential(qs, user=user, kind="need")


def ventures_visible_to(*, user) -> QuerySet[Venture]:
    cond = _public_or_own(user)
    if cond is None:
        return Venture.objects.none()
    qs = Venture.objects.filter(cond).select_related("organization").prefetch_related("seeds")
    return _with_confidential(qs, user=user, kind="venture")


def investors_visible_to(*, user) -> QuerySet[InvestorProfile]:
    cond = _public_or_own(user)
    if cond is None:
        return InvestorProfile.objects.none()
    return InvestorProfile.objects.filter(cond).select_related("organization")


def organizations_visible_to(*, user) -> QuerySet[Organization]:
    """Approved organisations, the caller's own, and for coordinators every one (to approve)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Organization.objects.none()
    if user.is_staff:
        return Organization.objects.all()
    cond = Q(approval_status=ApprovalStatus.APPROVED)
    org = org_of(user)
    if org is not None:
        cond |= Q(pk=org.pk)
    return Organization.objects.filter(cond)


def members_of(*, org: Organization) -> QuerySet[Membership]:
    return Membership.objects.filter(organization=org).select_related("user").order_by("id")


def own_seeds(*, user) -> QuerySet[Seed]:
    """The caller's organisation's seeds (every status), for editors and CSV import."""
    org = org_of(user)
    if org is None:
        return Seed.objects.none()
    return seeds_visible_to(user=user).filter(organization=org)


def own_needs(*, user) -> QuerySet[Need]:
    org = org_of(user)
    if org is None:
        return Need.objects.none()
    return needs_visible_to(user=user).filter(organization=org)


def can_see_confidential(*, user, obj) -> bool:
    """Owner of `obj`, or a party introduced to it through a proposal."""
    org = org_of(user)
    if org is None:
        return False
    if getattr(obj, "organization_id", None) == org.id:
        return True
    try:
        from matching.selectors import can_see_confidential_via_introduction
    except ImportError:
        can_see_confidential_via_introduction = None
    if can_see_confidential_via_introduction is not None:
        return bool(can_see_confidential_via_introduction(user=user, obj=obj))
    if isinstance(obj, (Seed, Need)):
        kind = "seed" if isinstance(obj, Seed) else "need"
        model = type(obj)
        return (
            model.objects.filter(pk=obj.pk)
            .annotate(_i=_introduced_exists(kind=kind, org=org))
            .filter(_i=True)
            .exists()
        )
    return False


def company_visible(*, user, need: Need) -> bool:
    """Whether the need's company may be named to `user` (anonymous needs hide it)."""
    if not need.is_anonymous:
        return True
    ok = getattr(need, "confidential_ok", None)
    if ok is not None:
        return bool(ok)
    return can_see_confidential(user=user, obj=need)


def confidential_text(*, user, obj) -> str | None:
    """The confidential details of `obj` for `user`, or None when they may not see them."""
    ok = getattr(obj, "confidential_ok", None)
    if ok is None:
        ok = can_see_confidential(user=user, obj=obj)
    if not ok:
        return None
    text = getattr(obj, "visible_confidential_details", None)
    if text is None:
        text = type(obj).objects.filter(pk=obj.pk).values_list("confidential_details", flat=True)[0]
    return text
