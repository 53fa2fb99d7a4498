"""Writes on organisations and their members: registration, approval, profile edits, members.

A new organisation registers itself (pending) with its first user as manager; a platform admin
(coordinator, `user.is_staff`) approves or rejects it. The region is always derived from the
prefecture here, never taken from the client. Permission checks live in the services so that the
API, the pages and the admin all apply the same rules; who may do what is `profiles.access`.
"""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from profiles.access import require_coordinator_user, require_manager
from profiles.choices import ApprovalStatus, MemberRole, OrgKind, region_for_prefecture
from profiles.models import Membership, Organization
from profiles.signals import send_organization_registered

# Fields of an organisation its manager may edit; kind, key and approval are server-owned.
ORGANIZATION_EDITABLE_FIELDS = (
    "name",
    "name_en",
    "prefecture",
    "website",
    "description",
    "contact_email",
)


def organization_generate_key(*, name_en: str = "", kind: str = "") -> str:
    """A fresh unique key: the slug of the English name when there is one, else random."""
    base = slugify(name_en)[:60] or (kind[:1] + "-org" if kind else "org")
    candidate = base
    while Organization.objects.filter(key=candidate).exists():
        candidate = f"{base}-{secrets.token_hex(3)}"
    return candidate


def create_user(*, user_data: dict):
    User = get_user_model()
    username = user_data["username"]
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": [_("このユーザー名は既に使われています。")]})
    email = user_data.get("email", "")
    password = user_data["password"]
    candidate = User(username=username, email=email)
    try:
        validate_password(password, user=candidate)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages})
    return User.objects.create_user(
        username=username,
        email=email,
        password=password,
        first_name=user_data.get("first_name", ""),
        last_name=user_data.get("last_name", ""),
    )


@transaction.atomic
def organization_register(*, data: dict, user_data: dict) -> Organization:
    """Register a new organisation (pending approval) and its first user as its manager."""
    kind = data["kind"]
    if kind not in OrgKind.values:
        raise ValidationError({"kind": [_("不明な組織種別です。")]})
    key = data.get("key") or organization_generate_key(name_en=data.get("name_en", ""), kind=kind)
    if Organization.objects.filter(key=key).exists():
        raise ValidationError({"key": [_("このキーは既に使われています。")]})
    org = Organization(
        key=key,
        kind=kind,
        approval_status=ApprovalStatus.PENDING,
        **{f: data.get(f, "") for f in ORGANIZATION_EDITABLE_FIELDS},
    )
    org.region = region_for_prefecture(org.prefecture)
    org.full_clean()
    org.save()
    user = create_user(user_data=user_data)
    Membership.objects.create(user=user, organization=org, role=MemberRole.MANAGER)
    send_organization_registered(organization_id=org.pk)
    return org


@transaction.atomic
def organization_approve(*, org: Organization, by) -> Organization:
    require_coordinator_user(by)
    org.approval_status = ApprovalStatus.APPROVED
    org.save(update_fields=["approval_status", "updated_at"])
    return org


@transaction.atomic
def organization_reject(*, org: Organization, by) -> Organization:
    require_coordinator_user(by)
    org.approval_status = ApprovalStatus.REJECTED
    org.save(update_fields=["approval_status", "updated_at"])
    return org


@transaction.atomic
def organization_update(*, org: Organization, by, data: dict) -> Organization:
    """Edit the organisation's profile (managers only); the region follows the prefecture."""
    require_manager(org=org, by=by)
    changed = []
    for name in ORGANIZATION_EDITABLE_FIELDS:
        if name in data and getattr(org, name) != data[name]:
            setattr(org, name, data[name])
            changed.append(name)
    region = region_for_prefecture(org.prefecture)
    if region != org.region:
        org.region = region
        changed.append("region")
    if changed:
        org.full_clean()
        org.save(update_fields=[*changed, "updated_at"])
    return org


@transaction.atomic
def member_add(*, org: Organization, by, user_data: dict, role: str = MemberRole.STAFF):
    """A manager adds a user (a new account) to their organisation as staff or manager."""
    require_manager(org=org, by=by)
    if role not in MemberRole.values:
        raise ValidationError({"role": [_("不明な役割です。")]})
    user = create_user(user_data=user_data)
    return Membership.objects.create(user=user, organization=org, role=role)


def _require_another_manager(membership: Membership) -> None:
    """An organisation always keeps a manager: its last one can be neither removed nor
    demoted (not even by themselves)."""
    org = membership.organization
    others = org.memberships.filter(role=MemberRole.MANAGER, user__is_active=True).exclude(
        pk=membership.pk
    )
    if membership.is_manager and not others.exists():
        raise ValidationError({"role": [_("最後の管理者は削除・変更できません。")]})


@transaction.atomic
def member_set_role(*, membership: Membership, by, role: str) -> Membership:
    """A manager changes a member's role (manager ↔ staff)."""
    require_manager(org=membership.organization, by=by)
    if role not in MemberRole.values:
        raise ValidationError({"role": [_("不明な役割です。")]})
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if role != membership.role:
        if role == MemberRole.STAFF:
            _require_another_manager(membership)
        membership.role = role
        membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def member_remove(*, membership: Membership, by) -> None:
    """A manager removes a member; the last manager of an organisation cannot be removed, and
    nobody removes themselves (removal deactivates the account: one click would lock its
    owner out for good, so another manager does it)."""
    org = membership.organization
    require_manager(org=org, by=by)
    _require_another_manager(membership)
    if membership.user_id == by.pk:
        raise ValidationError(
            {"id": [_("自分自身は削除できません。別の管理者に依頼してください。")]}
        )
    user = membership.user
    membership.delete()
    user.is_active = False
    user.save(update_fields=["is_active"])
