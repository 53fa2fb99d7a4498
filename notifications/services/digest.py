"""The daily digest: at NOTIFICATIONS_DIGEST_HOUR (08:00 Asia/Tokyo, Celery beat) every person
with notifications of kinds they get "in the daily digest" receives one e-mail that groups
everything since their last digest.

`digest_prepare` records the day's digest of one person (unique key recipient × day) and
attaches to it, in the same transaction, every waiting notification; the e-mail then leaves
through the same exactly-once delivery as any other (`delivery_send`). A second run of the
beat task on the same day finds the day's row and attaches nothing more (what arrived in
between waits for the next day). A kind the person turned off since is left out.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from notifications.kinds import Mode
from notifications.models import EmailDelivery, Notification, NotificationPreference
from outbox.dispatch import enqueue

EMAIL_TASK = "notifications.tasks.send_email"


def digest_key(*, user_id: int, day: date) -> str:
    return f"{user_id}:digest:{day.isoformat()}:email"


@transaction.atomic
def digest_prepare(*, user_id: int, day: date, until: datetime) -> EmailDelivery | None:
    """Record one person's digest of `day` with the notifications waiting until `until`;
    None when it already exists or nothing waits."""
    delivery, created = EmailDelivery.objects.get_or_create(
        key=digest_key(user_id=user_id, day=day),
        defaults={"kind": EmailDelivery.Kind.DIGEST, "recipient_id": user_id},
    )
    if not created:
        return None
    waiting = Notification.objects.filter(
        recipient_id=user_id,
        email_mode=Mode.DIGEST,
        digest__isnull=True,
        created_at__lte=until,
    )
    off = list(
        NotificationPreference.objects.filter(user_id=user_id, mode=Mode.OFF).values_list(
            "kind", flat=True
        )
    )
    waiting.filter(kind__in=off).update(email_mode=Mode.OFF)
    attached = waiting.exclude(kind__in=off).update(digest=delivery)
    if not attached:
        delivery.delete()
        return None
    enqueue(EMAIL_TASK, delivery.pk)
    return delivery


def digests_send(*, now: datetime | None = None) -> int:
    """Beat: prepare today's digest of everyone who has something waiting; returns how many."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    user_ids = (
        Notification.objects.filter(
            email_mode=Mode.DIGEST, digest__isnull=True, created_at__lte=now
        )
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    made = 0
    for user_id in sorted(set(user_ids)):
        if digest_prepare(user_id=user_id, day=day, until=now) is not None:
            made += 1
    return made
