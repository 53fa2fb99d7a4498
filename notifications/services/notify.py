"""`notify(...)`: record that something happened, for each recipient, inside the transaction of
the service that made it happen; the e-mails it calls for are recorded in the same transaction
and leave once it commits (`outbox.dispatch.enqueue`).

The callers decide who hears of what (the matcher for proposals, messaging for messages, the
receivers of the domain's signals for registrations and imports) and pass public words only.
Here: one row per recipient and event (unique; a second call is a no-op), the recipient's
e-mail mode for the kind at that moment, and marking as read.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from notifications.kinds import DEFAULT_MODES, IN_APP_ONLY, Mode
from notifications.models import EmailDelivery, Notification, NotificationPreference
from outbox.dispatch import enqueue

EMAIL_TASK = "notifications.tasks.send_email"


def members_of(org_ids: Iterable[int]) -> QuerySet:
    """The active users of these organisations."""
    return get_user_model().objects.filter(
        membership__organization_id__in=list(org_ids), is_active=True
    )


def coordinators() -> QuerySet:
    """Active platform coordinators (staff users)."""
    return get_user_model().objects.filter(is_staff=True, is_active=True)


def modes_of(*, user_ids: Iterable[int], kind: str) -> dict[int, str]:
    """Each user's e-mail mode for `kind` (the kind's default where they chose none)."""
    user_ids = list(user_ids)
    chosen = dict(
        NotificationPreference.objects.filter(user_id__in=user_ids, kind=kind).values_list(
            "user_id", "mode"
        )
    )
    default = DEFAULT_MODES.get(kind, Mode.OFF)
    return {uid: chosen.get(uid, default) for uid in user_ids}


def email_key(notification: Notification) -> str:
    """recipient × event × subject × channel."""
    return f"{notification.key}:email"


@transaction.atomic
def notify(
    *,
    recipients: Iterable,
    kind: str,
    subject_type: str,
    subject_id: int,
    url: str = "",
    params: dict | None = None,
    event: str = "",
) -> list[Notification]:
    """Record `kind` about (subject_type, subject_id) for each recipient; returns the rows made
    by this call (none for recipients who already have this event)."""
    users = [u for u in recipients if u is not None and u.is_active]
    if not users:
        return []
    modes = modes_of(user_ids=[u.pk for u in users], kind=kind)
    made = []
    for user in {u.pk: u for u in users}.values():
        mode = modes[user.pk]
        if kind in IN_APP_ONLY or not user.email:
            mode = Mode.OFF
        notification, created = Notification.objects.get_or_create(
            recipient=user,
            kind=kind,
            subject_type=subject_type,
            subject_id=subject_id,
            event=str(event),
            defaults={"params": params or {}, "url": url, "email_mode": mode},
        )
        if not created:
            continue
        made.append(notification)
        if mode == Mode.IMMEDIATE:
            delivery, new = EmailDelivery.objects.get_or_create(
                key=email_key(notification),
                defaults={
                    "kind": EmailDelivery.Kind.NOTIFICATION,
                    "recipient": user,
                    "notification": notification,
                },
            )
            if new:
                enqueue(EMAIL_TASK, delivery.pk)
    return made


def members_notify(*, org_ids: Iterable[int], **kwargs) -> list[Notification]:
    return notify(recipients=members_of(org_ids), **kwargs)


def coordinators_notify(**kwargs) -> list[Notification]:
    return notify(recipients=coordinators(), **kwargs)


# --- Read ----------------------------------------------------------------------------------------


def notification_mark_read(*, notification: Notification, by) -> Notification:
    """Mark one of the caller's own notifications read (someone else's: ValueError)."""
    if notification.recipient_id != by.pk:
        raise ValueError("not the recipient")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def notifications_mark_all_read(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def notifications_mark_read_for(*, user, subject_type: str, subject_id: int) -> int:
    """Mark the caller's notifications about one subject read (a thread they opened)."""
    return Notification.objects.filter(
        recipient=user,
        subject_type=subject_type,
        subject_id=subject_id,
        read_at__isnull=True,
    ).update(read_at=timezone.now())
