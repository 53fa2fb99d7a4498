"""How each person wants to hear of each kind by e-mail, and one-click unsubscribing.

An unsubscribe link carries a signature (`django.core.signing`, salted) of the user's id and
the kind (or "*": every e-mail). It does not expire: an unsubscribe link in an old e-mail must
keep working. It changes nothing but the preference, so a leaked link can at worst turn
e-mails off, which the person turns on again on the account page.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from notifications.kinds import DEFAULT_MODES, IN_APP_ONLY, Mode, kinds_for
from notifications.models import NotificationPreference
from profiles.access import is_coordinator, org_of

UNSUBSCRIBE_SALT = "sangaku.unsubscribe"
ALL = "*"


def kinds_of(user) -> tuple[str, ...]:
    """The kinds `user` can receive by e-mail (their organisation's kind, or coordinator)."""
    org = org_of(user)
    kinds = kinds_for(org_kind=org.kind if org else None, coordinator=is_coordinator(user))
    return tuple(k for k in kinds if k not in IN_APP_ONLY)


def preferences_of(user) -> dict[str, str]:
    """kind → mode for every kind the user can receive by e-mail."""
    kinds = kinds_of(user)
    chosen = dict(
        NotificationPreference.objects.filter(user=user, kind__in=kinds).values_list("kind", "mode")
    )
    return {k: chosen.get(k, DEFAULT_MODES[k]) for k in kinds}


@transaction.atomic
def preferences_update(*, user, modes: dict[str, str]) -> dict[str, str]:
    """Set the user's mode of each kind given (only kinds they can receive)."""
    allowed = set(kinds_of(user))
    errors = {}
    for kind, mode in modes.items():
        if kind not in allowed:
            errors[kind] = [_("この種類の通知は設定できません。")]
        elif mode not in Mode.values:
            errors[kind] = [_("不明な値です: %(values)s") % {"values": mode}]
    if errors:
        raise ValidationError(errors)
    for kind, mode in modes.items():
        NotificationPreference.objects.update_or_create(
            user=user, kind=kind, defaults={"mode": mode}
        )
    return preferences_of(user)


# --- Unsubscribe ----------------------------------------------------------------------------------


def unsubscribe_token(*, user, kind: str = ALL) -> str:
    return signing.dumps({"u": user.pk, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_target(token: str):
    """(user, kinds) that a token turns off, or None for a bad token or unknown user."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    user = get_user_model().objects.filter(pk=data.get("u"), is_active=True).first()
    if user is None:
        return None
    kind = data.get("k")
    kinds = kinds_of(user)
    if kind == ALL:
        return user, kinds
    if kind in kinds:
        return user, (kind,)
    return None


@transaction.atomic
def unsubscribe(*, token: str):
    """Turn off the e-mails a token names; returns (user, kinds) or None for a bad token."""
    target = unsubscribe_target(token)
    if target is None:
        return None
    user, kinds = target
    for kind in kinds:
        NotificationPreference.objects.update_or_create(
            user=user, kind=kind, defaults={"mode": Mode.OFF}
        )
    return target
