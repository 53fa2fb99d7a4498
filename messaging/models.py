"""Threads between two introduced organisations, their messages, attachments and read markers.

A thread belongs to exactly one subject: an introduced proposal, an introduced partnership or
an investor introduction (`messaging.subjects` says how each kind of subject opens one). The two organisations are copied onto the thread
(`company`, `academic`), so every access check is one comparison with the caller's
organisation. Message text is plain text; attachments are files in Django's storage under a
name of our own (never the uploader's), read only through the permission-checked view.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from matching.models import InvestorIntroduction, PartnershipProposal, Proposal
from profiles.display import localized_field
from profiles.models import Organization


class Thread(models.Model):
    proposal = models.OneToOneField(
        Proposal, null=True, blank=True, on_delete=models.CASCADE, related_name="thread"
    )
    partnership = models.OneToOneField(
        PartnershipProposal,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="thread",
    )
    investor_introduction = models.OneToOneField(
        InvestorIntroduction,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="thread",
    )
    # The two parties (for an investor introduction: the investor as `company`, the venture's
    # university as `academic`) (members of these two organisations only may read and write).
    company = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    academic = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("件名"), max_length=300)
    # The title with the organisations' English names, for English readers ("" = as `title`).
    title_en = models.CharField(_("件名 (英語)"), max_length=300, blank=True, default="")
    message_count = models.PositiveIntegerField(_("メッセージ数"), default=0)
    last_message_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-last_message_at", "-created_at", "-id"]
        verbose_name = _("スレッド")
        verbose_name_plural = _("スレッド")
        constraints = [
            # Exactly one subject (a new subject kind adds its column to this check).
            models.CheckConstraint(
                condition=(
                    Q(proposal__isnull=False)
                    & Q(partnership__isnull=True)
                    & Q(investor_introduction__isnull=True)
                )
                | (
                    Q(proposal__isnull=True)
                    & Q(partnership__isnull=False)
                    & Q(investor_introduction__isnull=True)
                )
                | (
                    Q(proposal__isnull=True)
                    & Q(partnership__isnull=True)
                    & Q(investor_introduction__isnull=False)
                ),
                name="thread_one_subject",
            )
        ]
        indexes = [models.Index(fields=["company"]), models.Index(fields=["academic"])]

    def __str__(self) -> str:
        return self.title

    @property
    def display_title(self) -> str:
        """The title in the reader's language (`title_en` for an English reader when set)."""
        return localized_field(self, "title")

    @property
    def subject_kind(self) -> str:
        if self.proposal_id:
            return "proposal"
        return "partnership" if self.partnership_id else "investor"

    @property
    def subject_id(self) -> int:
        return self.proposal_id or self.partnership_id or self.investor_introduction_id


class Message(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    # The author's name when they wrote it (the message stays readable if the account goes).
    author_name = models.CharField(max_length=300)
    body = models.TextField(_("本文"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("メッセージ")
        verbose_name_plural = _("メッセージ")
        indexes = [
            models.Index(fields=["thread", "id"]),
            models.Index(fields=["author", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} in {self.thread_id}"


def attachment_path(instance: Attachment, filename: str) -> str:
    """Our own name in storage: the uploader's file name is kept on the row only."""
    return f"attachments/{instance.message.thread_id}/{uuid.uuid4().hex}.{instance.extension}"


class Attachment(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=300)
    name = models.CharField(_("ファイル名"), max_length=200)
    content_type = models.CharField(max_length=120)
    extension = models.CharField(max_length=10)
    size = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("添付ファイル")
        verbose_name_plural = _("添付ファイル")

    def __str__(self) -> str:
        return self.name


class ThreadRead(models.Model):
    """How far one person has read one thread (the id of the last message they saw)."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_read_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["thread", "user"], name="uniq_thread_read")]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.thread_id} to {self.last_read_id}"
