"""Who the caller is and what they may see: the one home of every access and visibility rule.

Every view, API, selector, task, e-mail and template asks here; nothing else decides.

- **The caller's organisation.** `org_of(user)` (a member belongs to exactly one organisation;
  coordinators are `user.is_staff` and usually belong to none). `OrganizationMiddleware` sets
  `request.membership` and `request.org` once per page request (healthchecks sets
  `request.profile` the same way). DRF authenticates tokens after the middleware ran, so API
  views call `org_of(request.user)`.
- **Roles.** `is_coordinator`, `is_manager`, `is_member_of`; the page guards `require_org` and
  `require_coordinator` answer 403; the service guards `require_member`, `require_manager` and
  `require_coordinator_user` raise PermissionDenied with a message.
- **Row visibility.** `public_or_own(user)`: published rows of approved organisations, plus every
  row of the caller's own organisation. Approval gates reading: a member of a pending
  organisation sees its own organisation only (`is_approved_member`), in pages and API alike.
- **Confidential fields** (`confidential_*`) are visible to the owning organisation, and to
  whoever a *grant* opens them to. The domain knows no grant of its own; a higher app registers
  one with `register_confidential_grant` in its `AppConfig.ready()` (the matcher: "the two
  parties of an introduced proposal"). `with_confidential(qs)` annotates each row with
  `confidential_ok` and `visible_confidential_details` and defers the raw column, so a list
  cannot leak another organisation's text; `can_see_confidential` and `confidential_text` answer
  for one row.
- **Rows between two parties** (proposals, partnerships, introductions, outcomes, threads):
  `party_filter(user, *fields)` for lists, `party_org(user, org_ids=…)` for one row; only
  members of approved organisations are parties, coordinators never are.
- **Readiness** is public (見える化): `readiness_filter` opens approved academic organisations'
  readiness to everyone, signed in or not; a pending member reads nothing more than anyone.
- **Anonymous needs.** A need published with `is_anonymous` names its company only to the
  company itself, to coordinators, and to whoever may see its confidential details (an
  introduced party). `company_visible` / `company_visible_need_ids` decide; templates receive
  the precomputed flag.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, Case, Exists, F, Q, QuerySet, Value, When
from django.db.models import TextField as TextOutput
from django.http import HttpRequest
from django.utils.translation import gettext as _

from profiles.choices import ApprovalStatus, PublicationStatus
from profiles.models import Membership, Need, Organization

# --- The caller -------------------------------------------------------------------------------


def is_authenticated(user) -> bool:
    return user is not None and bool(getattr(user, "is_authenticated", False))


def membership_of(user) -> Membership | None:
    """The user's membership (with its organisation), or None (anonymous, coordinators)."""
    if not is_authenticated(user):
        return None
    try:
        return user.membership
    except (Membership.DoesNotExist, AttributeError):
        return None


def org_of(user) -> Organization | None:
    """The organisation the user belongs to, or None (anonymous users, coordinators)."""
    membership = membership_of(user)
    return membership.organization if membership is not None else None


def is_coordinator(user) -> bool:
    """Platform coordinators (admins) are staff users."""
    return is_authenticated(user) and bool(getattr(user, "is_staff", False))


def is_approved_member(user) -> bool:
    """A coordinator, or a member of an approved organisation: who may read the platform.

    A member of a pending (or rejected) organisation sees only its own organisation and its
    registration status until a coordinator approves it, through pages and API alike."""
    if is_coordinator(user):
        return True
    org = org_of(user)
    return org is not None and org.is_approved


def is_member_of(user, org: Organization) -> bool:
    membership = membership_of(user)
    return membership is not None and membership.organization_id == org.pk


def is_manager(user, org: Organization | None = None) -> bool:
    """A manager of `org` (of their own organisation when `org` is None)."""
    membership = membership_of(user)
    if membership is None or not membership.is_manager:
        return False
    return org is None or membership.organization_id == org.pk


# --- Requests: middleware and page guards -----------------------------------------------------


class OrganizationMiddleware:
    """Sets `request.membership` and `request.org` for the session user (after
    AuthenticationMiddleware), so pages and templates never work it out again."""

    def __init__(self, get_response: Callable) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        membership = membership_of(getattr(request, "user", None))
        request.membership = membership
        request.org = membership.organization if membership is not None else None
        return self.get_response(request)


def request_org(request: HttpRequest) -> Organization | None:
    """The organisation of a request (set by the middleware; worked out for bare requests)."""
    if hasattr(request, "org"):
        return request.org
    return org_of(getattr(request, "user", None))


def require_org(request: HttpRequest, *kinds: str) -> Organization:
    """The caller's approved organisation, of one of `kinds` (any kind when none); 403 else."""
    org = request_org(request)
    if org is None or not org.is_approved or (kinds and org.kind not in kinds):
        raise PermissionDenied
    return org


def require_coordinator(request: HttpRequest) -> None:
    if not is_coordinator(getattr(request, "user", None)):
        raise PermissionDenied


# --- Service guards (who may write) -----------------------------------------------------------


def require_member(*, org: Organization, by) -> None:
    """`by` writes for `org`: a member of it, a coordinator, or the system (None)."""
    if by is None or is_coordinator(by):
        return
    if not is_member_of(by, org):
        raise PermissionDenied(_("この組織のメンバーのみが編集できます。"))


def require_manager(*, org: Organization, by) -> None:
    if is_coordinator(by):
        return
    if not is_manager(by, org):
        raise PermissionDenied(_("この組織の管理者のみが行えます。"))


def require_coordinator_user(by) -> None:
    if not is_coordinator(by):
        raise PermissionDenied(_("プラットフォーム管理者のみが行えます。"))


# --- Which rows a caller sees -----------------------------------------------------------------


def public_or_own(user) -> Q | None:
    """The row filter of catalogue rows (seeds, needs, ventures, investor profiles) for `user`,
    or None when the user may see nothing (anonymous)."""
    if not is_authenticated(user):
        return None
    public = Q(status=PublicationStatus.PUBLISHED) & Q(
        organization__approval_status=ApprovalStatus.APPROVED
    )
    org = org_of(user)
    if org is None:
        return public
    if not org.is_approved:
        return Q(organization=org)  # approval gates reading
    return public | Q(organization=org)


def organizations_filter(user) -> Q | None:
    """Approved organisations and the caller's own; every one for coordinators (to approve)."""
    if not is_authenticated(user):
        return None
    if is_coordinator(user):
        return Q()
    org = org_of(user)
    if org is not None and not org.is_approved:
        return Q(pk=org.pk)  # approval gates reading
    cond = Q(approval_status=ApprovalStatus.APPROVED)
    if org is not None:
        cond |= Q(pk=org.pk)
    return cond


def readiness_filter(user) -> Q:
    """Whose collaboration readiness a caller reads (an organisation filter; the selectors add
    "academic only"). Readiness is published, as the policy's 見える化 asks: everyone, signed
    in or not, reads the readiness of approved universities and research institutes, which holds
    nothing confidential (institutional figures and rules). A member also reads their own
    organisation's whatever its approval state, and coordinators read every one. A member of a
    pending organisation reads nothing more than anyone: approval still gates the rest of the
    platform (`organizations_filter`, `public_or_own`)."""
    if is_coordinator(user):
        return Q()
    public = Q(approval_status=ApprovalStatus.APPROVED)
    org = org_of(user)
    if org is not None:
        return public | Q(pk=org.pk)
    return public


def readiness_public_filter() -> Q:
    """The readiness everyone reads (the medians of the comparisons are taken over it)."""
    return Q(approval_status=ApprovalStatus.APPROVED)


def party_org(user, *, org_ids: Iterable[int]) -> Organization | None:
    """The caller's organisation when it is one of `org_ids` (the parties of an introduction,
    a thread), else None. Coordinators are not parties: they see that a conversation exists,
    never what is said in it."""
    org = org_of(user)
    if org is None or not org.is_approved or org.pk not in set(org_ids):
        return None
    return org


def party_filter(user, *fields: str) -> Q | None:
    """The rows between two organisations (proposals, partnerships, introductions, outcomes,
    threads) that the caller's organisation is a party of, as any of `fields` (e.g.
    `"company", "academic"`), or None when the caller is no party of anything: signed out, no
    organisation, or one not approved yet (approval gates reading). Coordinators are not
    parties; a selector that shows them every row says so before calling this."""
    org = org_of(user)
    if org is None or not org.is_approved or not fields:
        return None
    cond = Q(**{fields[0]: org})
    for name in fields[1:]:
        cond |= Q(**{name: org})
    return cond


def contact_visible(user, org: Organization) -> bool:
    """An organisation's contact e-mail: for itself and coordinators (others get it through an
    introduction)."""
    return is_coordinator(user) or is_member_of(user, org)


# --- Confidential fields ----------------------------------------------------------------------

# A grant: (model, org) -> an expression over the rows of `model` (OuterRef("pk")) that is true
# where `org` may read the row's confidential fields, or None when it opens nothing of `model`.
ConfidentialGrant = Callable[..., Exists | None]
_grants: list[ConfidentialGrant] = []


def register_confidential_grant(grant: ConfidentialGrant) -> None:
    """Add a way for another organisation to read confidential fields (idempotent)."""
    if grant not in _grants:
        _grants.append(grant)


def _allowed(model: type, org: Organization) -> tuple[Q, dict]:
    """The condition under which `org` reads a row's confidential fields, and the annotations
    that condition needs."""
    allowed = Q(organization=org)
    annotations = {}
    for i, grant in enumerate(_grants):
        expression = grant(model=model, org=org)
        if expression is not None:
            name = f"_grant_{i}"
            annotations[name] = expression
            allowed |= Q(**{name: True})
    return allowed, annotations


def with_confidential(qs: QuerySet, *, user) -> QuerySet:
    """Annotate each row with `confidential_ok` and `visible_confidential_details` (the text for
    those allowed, "" for everyone else) and defer the raw column."""
    org = org_of(user)
    if org is None:
        allowed: Q = Q(pk__in=[])
    else:
        allowed, annotations = _allowed(qs.model, org)
        if annotations:
            qs = qs.annotate(**annotations)
    return qs.annotate(
        confidential_ok=Case(
            When(allowed, then=Value(True)), default=Value(False), output_field=BooleanField()
        ),
        visible_confidential_details=Case(
            When(allowed, then=F("confidential_details")),
            default=Value(""),
            output_field=TextOutput(),
        ),
    ).defer("confidential_details")


def can_see_confidential(*, user, obj) -> bool:
    """The owner of `obj`, or an organisation a registered grant opens it to."""
    ok = getattr(obj, "confidential_ok", None)
    if ok is not None:
        return bool(ok)
    org = org_of(user)
    if org is None:
        return False
    if getattr(obj, "organization_id", None) == org.pk:
        return True
    allowed, annotations = _allowed(type(obj), org)
    if not annotations:
        return False
    return type(obj).objects.filter(pk=obj.pk).annotate(**annotations).filter(allowed).exists()


def confidential_text(*, user, obj) -> str | None:
    """The confidential details of `obj` for `user`, or None when they may not see them."""
    if not can_see_confidential(user=user, obj=obj):
        return None
    text = getattr(obj, "visible_confidential_details", None)
    if text is None:
        text = type(obj).objects.filter(pk=obj.pk).values_list("confidential_details", flat=True)[0]
    return text


# --- Anonymous needs --------------------------------------------------------------------------


def company_visible_need_ids(*, user, needs: Iterable[Need]) -> set[int]:
    """Of these needs, those whose company may be named to `user` (one query at most)."""
    needs = list(needs)
    visible = {n.pk for n in needs if not n.is_anonymous}
    hidden = [n for n in needs if n.is_anonymous]
    if not hidden:
        return visible
    if is_coordinator(user):
        return visible | {n.pk for n in hidden}
    org = org_of(user)
    if org is None:
        return visible
    own = {n.pk for n in hidden if n.organization_id == org.pk}
    rest = [n for n in hidden if n.pk not in own]
    known = {n.pk for n in rest if getattr(n, "confidential_ok", None) is True}
    unknown = [n.pk for n in rest if getattr(n, "confidential_ok", None) is None]
    if unknown:
        allowed, annotations = _allowed(Need, org)
        if annotations:
            known |= set(
                Need.objects.filter(pk__in=unknown)
                .annotate(**annotations)
                .filter(allowed)
                .values_list("pk", flat=True)
            )
    return visible | own | known


def company_visible(*, user, need: Need) -> bool:
    """Whether the need's company may be named to `user` (anonymous needs hide it)."""
    return need.pk in company_visible_need_ids(user=user, needs=[need])


def anonymous_needs_hidden_from(user, *, prefix: str = "") -> Q:
    """Row filter over needs (`prefix="need__"` over rows that point to a need) that keeps
    anonymous needs only where `user` may know the company without an introduction (its own
    company, coordinators): for lists and filters that would name the company or single it
    out."""
    if is_coordinator(user):
        return Q()
    org = org_of(user)
    named = Q(**{f"{prefix}is_anonymous": False})
    if org is None:
        return named
    return named | Q(**{f"{prefix}organization": org})


# What an anonymous need shows to those who may not know its company: neither the company nor
# anything that points to it. Its key and database id name or order it next to the company's
# other needs, so it is referred to by its opaque `public_id` instead, and its timestamps keep
# the day only (a batch import gives a company's needs the same second).
ANONYMOUS_NEED_HIDDEN = ("id", "key", "organization")
ANONYMOUS_NEED_DAY_ONLY = ("created_at", "updated_at", "published_at")


def redact_anonymous_need(data: dict) -> dict:
    """The serialized need `data` as shown to someone who may not know its company."""
    out = dict(data)
    for name in ANONYMOUS_NEED_HIDDEN:
        if name in out:
            out[name] = None
    for name in ANONYMOUS_NEED_DAY_ONLY:
        value = out.get(name)
        if isinstance(value, str) and "T" in value:
            out[name] = value.split("T", 1)[0] + "T00:00:00+09:00"
    return out
