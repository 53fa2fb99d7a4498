"""Notifications, the e-mail preferences of each person, and the e-mails that left.

- `Notification`: one per recipient and event, made by the service that made the event happen,
  inside its transaction. Unique per recipient × kind × subject × event, so a service that runs
  twice (a retried task) makes it once.
- `NotificationPreference`: how a person wants to hear of one kind by e-mail (immediately, in
  the daily digest, or not at all); no row means the kind's default (`kinds.DEFAULT_MODES`).
- `EmailDelivery`: one e-mail to one person, recorded with a unique `key` (recipient × event ×
  subject × channel, or recipient × day for a digest) BEFORE it is sent. A task that is
  delivered twice or retried finds the row and sends nothing the row says is sent or in flight.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from notifications.kinds import Kind, Mode


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("種類"), max_length=32, choices=Kind.choices)
    # What it is about ("proposal", "partnership", "thread", "organization", …) and its id.
    subject_type = models.CharField(max_length=32)
    subject_id = models.BigIntegerField()
    # Tells apart events of one kind on one subject (a message id, a day, a week); "" when a
    # subject has that event once.
    event = models.CharField(max_length=64, blank=True, default="")
    params = models.JSONField(default=dict, blank=True)
    url = models.CharField(max_length=500, blank=True)
    # How the recipient wanted this kind by e-mail when it was made.
    email_mode = models.CharField(max_length=16, choices=Mode.choices, default=Mode.OFF)
    # The digest e-mail it went out in (email_mode "digest").
    digest = models.ForeignKey(
        "EmailDelivery",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="digest_items",
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "subject_type", "subject_id", "event"],
                name="uniq_notification_event",
            )
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["recipient", "-created_at"]),
            models.Index(fields=["email_mode", "digest"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id} ({self.subject_type} {self.subject_id})"

    @property
    def key(self) -> str:
        """recipient × event × subject: the e-mail key adds the channel."""
        return f"{self.recipient_id}:{self.kind}:{self.subject_type}:{self.subject_id}:{self.event}"


class NotificationPreference(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(_("種類"), max_length=32, choices=Kind.choices)
    mode = models.CharField(_("メール"), max_length=16, choices=Mode.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("通知の設定")
        verbose_name_plural = _("通知の設定")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="uniq_notification_preference")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: {self.mode}"


class EmailDelivery(models.Model):
    class Kind(models.TextChoices):
        NOTIFICATION = "notification", _("通知")
        DIGEST = "digest", _("毎日のまとめ")

    class Status(models.TextChoices):
        PENDING = "pending", _("送信待ち")
        SENDING = "sending", _("送信中")
        SENT = "sent", _("送信済み")
        SKIPPED = "skipped", _("送信不要")
        FAILED = "failed", _("失敗")

    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(_("種類"), max_length=16, choices=Kind.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_deliveries"
    )
    notification = models.ForeignKey(
        Notification, null=True, blank=True, on_delete=models.CASCADE, related_name="emails"
    )
    status = models.CharField(
        _("状態"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("試行回数"), default=0)
    last_error = models.TextField(_("最後のエラー"), blank=True)
    to_address = models.EmailField(_("宛先"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("メール送信")
        verbose_name_plural = _("メール送信")
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.key} ({self.status})"
