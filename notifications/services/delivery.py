"""E-mails of notifications and digests, sent exactly once.

Each e-mail is an `EmailDelivery` row with a unique key, written before anything is sent (by
`notify` in the event's transaction, or by the digest). The task `send_email(delivery_id)`
calls `delivery_send`, which claims the row under a lock:

    pending ──claim──▶ sending ──SMTP ok──▶ sent
       ▲                  │
       └──error, tries left (retry with backoff)     └──error, last try──▶ failed (coordinators told)

A second delivery of the task (a duplicate message, a redelivery after a lost ack) finds the
row `sent` or `sending` and sends nothing. A row left `sending` by a worker that died mid-send
is never sent again (whether the first one left is unknown; a second copy would break "once"):
the sweep marks it failed and coordinators see it. `Message-ID` is derived from the key, so even
a relay that sees the same message twice can tell.

Nothing confidential goes into an e-mail: the sentence of a notification is made from its
public params; a message notification says who wrote and where, never what.
"""

from __future__ import annotations

import logging
import random
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from notifications.kinds import Kind, notification_text
from notifications.models import EmailDelivery, Notification
from outbox.dispatch import enqueue
from profiles.services.accounts import account_language

from .notify import coordinators_notify
from .preferences import ALL, unsubscribe_token

logger = logging.getLogger(__name__)

EMAIL_TASK = "notifications.tasks.send_email"
# Longer than the send task's hard time limit: a row `sending` for longer lost its worker.
SENDING_LEASE = timedelta(minutes=10)
# A pending row whose task should have run this long ago lost its message (broker down at
# enqueue): the sweep sends it again.
LOST_AFTER = timedelta(minutes=10)


class DeliveryRetry(Exception):
    """The attempt failed and tries are left: retry after `countdown` seconds."""

    def __init__(self, countdown: float, error: str) -> None:
        super().__init__(error)
        self.countdown = countdown


def backoff(attempt: int) -> float:
    """Seconds before retry n (n = attempts made): exponential, capped, with ±20 % jitter."""
    base = settings.EMAIL_RETRY_BASE_SECONDS * 2 ** max(0, attempt - 1)
    return min(base, settings.EMAIL_RETRY_MAX_SECONDS) * random.uniform(0.8, 1.2)


def absolute(path: str) -> str:
    if path.startswith(("http://", "https://")):
        return path
    return settings.SITE_URL.rstrip("/") + path


# --- Building the message ----------------------------------------------------------------------


def _item(n: Notification) -> dict:
    return {
        "text": notification_text(n.kind, n.params),
        "kind": n.get_kind_display(),
        "items": [str(i) for i in (n.params or {}).get("items", [])][:20],
        "url": absolute(n.url or reverse("notification_open", args=[n.pk])),
        "created_at": n.created_at,
    }


def build_message(delivery: EmailDelivery) -> EmailMultiAlternatives | None:
    """The e-mail of a delivery in the recipient's language, or None when there is nothing to
    send (the recipient left, has no address, or the digest is empty)."""
    user = delivery.recipient
    if not user.is_active or not user.email:
        return None
    if delivery.kind == EmailDelivery.Kind.DIGEST:
        notifications = list(delivery.digest_items.order_by("created_at", "id"))
        if not notifications:
            return None
        unsubscribe_kind = ALL
    else:
        notifications = [delivery.notification] if delivery.notification_id else []
        if not notifications:
            return None
        unsubscribe_kind = notifications[0].kind
    unsubscribe_url = absolute(
        reverse("unsubscribe", args=[unsubscribe_token(user=user, kind=unsubscribe_kind)])
    )
    with translation.override(account_language(user)):
        items = [_item(n) for n in notifications]
        context = {
            "name": user.get_full_name() or user.get_username(),
            "items": items,
            "digest": delivery.kind == EmailDelivery.Kind.DIGEST,
            "unsubscribe_url": unsubscribe_url,
            "preferences_url": absolute(reverse("account") + "#notifications"),
            "notifications_url": absolute(reverse("notification_list")),
            "unsubscribe_all": unsubscribe_kind == ALL,
            "kind_label": notifications[0].get_kind_display(),
        }
        if context["digest"]:
            subject = _("産学マッチ: 毎日のまとめ (%(count)d 件)") % {"count": len(items)}
        else:
            subject = f"{_('産学マッチ')}: {items[0]['text']}"
        text = render_to_string("emails/notification.txt", context)
        html = render_to_string("emails/notification.html", context)
    subject = " ".join(subject.split())
    if len(subject) > 150:
        subject = subject[:149] + "…"
    domain = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[user.email],
        headers={
            # RFC 8058 one-click: mail clients POST "List-Unsubscribe=One-Click" to the URL.
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
            "Message-ID": f"<delivery-{delivery.pk}.{delivery.key.replace(':', '.')}@"
            f"{domain or 'sangaku.local'}>",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


# --- Sending ------------------------------------------------------------------------------------


def _claim(delivery_id: int) -> EmailDelivery | str:
    with transaction.atomic():
        d = EmailDelivery.objects.select_for_update().filter(pk=delivery_id).first()
        if d is None:
            return "missing"
        if d.status != EmailDelivery.Status.PENDING:
            return d.status  # sent, skipped, failed, or in flight in another task
        d.status = EmailDelivery.Status.SENDING
        d.claimed_at = timezone.now()
        d.attempts += 1
        d.save(update_fields=["status", "claimed_at", "attempts"])
        return d


def delivery_send(*, delivery_id: int) -> str:
    """Send one delivery at most once. Returns its status after this call; raises
    DeliveryRetry when this attempt failed and tries are left."""
    claimed = _claim(delivery_id)
    if isinstance(claimed, str):
        return claimed
    d = EmailDelivery.objects.select_related("recipient", "notification").get(pk=claimed.pk)
    try:
        message = build_message(d)
        if message is not None:
            message.send()
    except Exception as exc:
        return _attempt_failed(d.pk, f"{type(exc).__name__}: {exc}")
    status = EmailDelivery.Status.SENT if message is not None else EmailDelivery.Status.SKIPPED
    EmailDelivery.objects.filter(pk=d.pk).update(
        status=status,
        sent_at=timezone.now(),
        to_address=message.to[0] if message is not None else "",
        last_error="",
    )
    return status


def _attempt_failed(delivery_id: int, error: str) -> str:
    logger.warning("e-mail delivery %s failed: %s", delivery_id, error)
    with transaction.atomic():
        d = (
            EmailDelivery.objects.select_for_update()
            .select_related("recipient")
            .get(pk=delivery_id)
        )
        d.last_error = error[:2000]
        if d.attempts >= settings.EMAIL_MAX_ATTEMPTS:
            _give_up(d)
            return d.status
        countdown = backoff(d.attempts)
        d.status = EmailDelivery.Status.PENDING
        d.next_attempt_at = timezone.now() + timedelta(seconds=countdown)
        d.save(update_fields=["status", "last_error", "next_attempt_at"])
    raise DeliveryRetry(countdown, error)


def _give_up(d: EmailDelivery) -> None:
    """The last try failed (or its outcome is unknown): mark it and tell the coordinators."""
    d.status = EmailDelivery.Status.FAILED
    d.next_attempt_at = None
    d.save(update_fields=["status", "last_error", "next_attempt_at"])
    coordinators_notify(
        kind=Kind.EMAIL_FAILED,
        subject_type="email_delivery",
        subject_id=d.pk,
        url=reverse("admin:notifications_emaildelivery_change", args=[d.pk]),
        params={"user": d.recipient.get_username(), "attempts": d.attempts},
    )


def deliveries_sweep(*, now=None) -> dict[str, int]:
    """Periodic: settle rows a lost worker left `sending` (failed: the outcome is unknown, so
    they are not sent again), and send again pending rows whose task message was lost."""
    now = now or timezone.now()
    lost = 0
    for pk in EmailDelivery.objects.filter(
        status=EmailDelivery.Status.SENDING, claimed_at__lt=now - SENDING_LEASE
    ).values_list("pk", flat=True):
        with transaction.atomic():
            d = EmailDelivery.objects.select_for_update().select_related("recipient").get(pk=pk)
            if d.status == EmailDelivery.Status.SENDING:
                d.last_error = _(
                    "送信中に処理が中断されたため、結果が不明です (二重送信を避けるため再送しません)。"
                )
                _give_up(d)
                lost += 1
    requeued = 0
    stale = now - LOST_AFTER
    for d in EmailDelivery.objects.filter(status=EmailDelivery.Status.PENDING).only(
        "pk", "created_at", "next_attempt_at"
    ):
        due = d.next_attempt_at or d.created_at
        if due < stale:
            enqueue(EMAIL_TASK, d.pk)
            requeued += 1
    return {"lost": lost, "requeued": requeued}
