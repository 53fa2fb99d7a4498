"""Accounts people manage themselves and their managers manage for them: the account page
(name, e-mail, language), invitations by e-mail with an expiring link, and the e-mails of the
password reset and the invitation.

An invitation link carries a signature of the invitation's id and a random nonce stored on the
row (`django.core.signing`, salted): nothing secret is stored in clear, the link works only
while the invitation is open (not accepted, revoked or expired, `INVITATION_DAYS`), and the
e-mail task can rebuild the same link from the row, so a retried task sends the same link.
E-mails leave through Celery (`outbox.dispatch.enqueue`), never inside a request.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from outbox.dispatch import enqueue
from profiles.access import require_manager
from profiles.choices import MemberRole
from profiles.models import Account, Invitation, Membership, Organization
from profiles.services.organizations import create_user

INVITATION_SALT = "sangaku.invitation"


# --- The account page -------------------------------------------------------------------------


def account_language(user) -> str:
    """The language a user chose for pages and e-mails (Japanese until they choose)."""
    account = Account.objects.filter(user=user).first()
    return account.language if account else settings.LANGUAGE_CODE


@transaction.atomic
def account_update(*, user, data: dict) -> Account:
    """The user's own name, e-mail and language."""
    User = get_user_model()
    email = (data.get("email") or "").strip()
    if email and User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
        raise ValidationError({"email": [_("このメールアドレスは既に使われています。")]})
    for name in ("first_name", "last_name"):
        if name in data:
            setattr(user, name, data[name])
    if "email" in data:
        user.email = email
    user.full_clean(exclude=["password", "username"])
    user.save(update_fields=["first_name", "last_name", "email"])
    account, _created = Account.objects.get_or_create(user=user)
    language = data.get("language")
    if language:
        if language not in dict(settings.LANGUAGES):
            raise ValidationError({"language": [_("不明な言語です。")]})
        account.language = language
        account.save(update_fields=["language", "updated_at"])
    return account


# --- Invitations ------------------------------------------------------------------------------


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps({"i": invitation.pk, "n": invitation.nonce}, salt=INVITATION_SALT)


def invitation_from_token(token: str) -> Invitation | None:
    """The open invitation a link names, or None (unknown, tampered, used, revoked, expired)."""
    try:
        data = signing.loads(token, salt=INVITATION_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    invitation = (
        Invitation.objects.select_related("organization")
        .filter(pk=data.get("i"), nonce=data.get("n"))
        .first()
    )
    return invitation if invitation is not None and invitation.is_open else None


@transaction.atomic
def invitation_create(*, org: Organization, by, email: str, role: str) -> Invitation:
    """A manager invites a person by e-mail; the e-mail leaves once this transaction commits."""
    require_manager(org=org, by=by)
    email = (email or "").strip()
    if role not in MemberRole.values:
        raise ValidationError({"role": [_("不明な役割です。")]})
    if Membership.objects.filter(organization=org, user__email__iexact=email).exists():
        raise ValidationError({"email": [_("この方は既にメンバーです。")]})
    open_ones = Invitation.objects.filter(
        organization=org,
        email__iexact=email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    )
    if open_ones.exists():
        raise ValidationError({"email": [_("このアドレスには有効な招待を送信済みです。")]})
    invitation = Invitation(
        organization=org,
        email=email,
        role=role,
        nonce=secrets.token_urlsafe(24),
        invited_by=by if getattr(by, "is_authenticated", False) else None,
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_DAYS),
    )
    invitation.full_clean()
    invitation.save()
    enqueue("profiles.tasks.send_invitation_email", invitation.pk)
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, by) -> Invitation:
    require_manager(org=invitation.organization, by=by)
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, user_data: dict) -> Membership:
    """Create the invited person's account and membership; the link works once."""
    invitation = invitation_from_token(token)
    if invitation is not None:
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation is None or not invitation.is_open:
        raise ValidationError(
            {
                "token": [
                    _(
                        "この招待リンクは無効か、期限が切れています。管理者に再送を依頼してください。"
                    )
                ]
            }
        )
    user = create_user(user_data={**user_data, "email": invitation.email})
    membership = Membership.objects.create(
        user=user, organization=invitation.organization, role=invitation.role
    )
    Account.objects.get_or_create(user=user, defaults={"language": translation.get_language()})
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


# --- E-mails ----------------------------------------------------------------------------------


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _send(*, to: str, subject: str, template: str, context: dict) -> None:
    text = render_to_string(f"emails/{template}.txt", context)
    html = render_to_string(f"emails/{template}.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()), body=text, to=[to], from_email=None
    )
    message.attach_alternative(html, "text/html")
    message.send()


def invitation_email_send(*, invitation_id: int) -> bool:
    """Send the invitation (Japanese first, then English: the invitee has chosen no language
    yet). False when the invitation is no longer open."""
    invitation = (
        Invitation.objects.select_related("organization", "invited_by")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or not invitation.is_open:
        return False
    link = _absolute(reverse("invitation_accept", args=[invitation_token(invitation)]))
    org = invitation.organization
    context = {
        "org_name": org.name,
        "org_name_en": org.name_en or org.name,
        "link": link,
        "expires_at": invitation.expires_at,
        "inviter": (invitation.invited_by.get_full_name() or invitation.invited_by.get_username())
        if invitation.invited_by
        else "",
    }
    with translation.override("ja"):
        subject = _("%(org)s から産学マッチへの招待") % {"org": org.name}
    _send(
        to=invitation.email,
        subject=f"{subject} / Invitation to Sangaku Match",
        template="invitation",
        context=context,
    )
    return True


def password_reset_email_send(*, user_id: int) -> bool:
    """Send a password-reset link to the user, in the language they chose."""
    User = get_user_model()
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email or not user.has_usable_password():
        return False
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    link = _absolute(reverse("password_reset_confirm", args=[uid, token]))
    with translation.override(account_language(user)):
        _send(
            to=user.email,
            subject=_("パスワードの再設定 | 産学マッチ"),
            template="password_reset",
            context={"user": user, "username": user.get_username(), "link": link},
        )
    return True
